"""Copies in a second region (`dr`): the bucket replicated into a bucket of its own there, with its own key and
versioning, through a role that may only replicate; the checks on the section."""

import json

import pytest

from components.aws.policies import replication_policy
from components.aws.s3_replica import replication_rule
from stacks.config import ConfigError, load_config
from tests.conftest import LICENSE, TEST_CERTIFICATE_ARN, base_aws_config, base_gcp_config, planned, run_config

BUCKET = "aws:s3/bucket:Bucket"


def by_region(run, typ: str) -> tuple:
    """(the first region's, the second's) of `typ`: the copy is named `*-dr-*`."""
    (first,) = [r for r in run.of_type(typ) if "-dr-" not in r.name]
    (second,) = [r for r in run.of_type(typ) if "-dr-" in r.name]
    return first, second


def test_aws_replicates_the_bucket_into_a_versioned_bucket_encrypted_with_its_own_key_in_the_second_region():
    run = planned("aws")
    source, replica = by_region(run, BUCKET)
    second = next(p for p in run.of_type("pulumi:providers:aws") if p.name.endswith("-dr-aws"))
    assert second.plain_inputs["region"] == "us-west-2" and replica.provider.startswith(second.urn)
    assert replica.protect and replica.plain_inputs["forceDestroy"] is False
    versioning = by_region(run, "aws:s3/bucketVersioning:BucketVersioning")
    assert all(v.plain_inputs["versioningConfiguration"] == {"status": "Enabled"} for v in versioning)
    keys = {k.name: k for k in run.of_type("aws:kms/key:Key")}
    replica_key = keys["wandb-dr-kms-s3"]
    assert replica_key.provider.startswith(second.urn)
    via = json.loads(replica_key.plain_inputs["policy"])["Statement"][1]["Condition"]["StringEquals"]["kms:ViaService"]
    assert via == ["s3.us-west-2.amazonaws.com"]
    _, replica_sse = by_region(
        run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    )
    assert (
        replica_sse.plain_inputs["rules"][0]["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"]
        == replica_key.outputs["arn"]
    )
    config = run.one("aws:s3/bucketReplicationConfig:BucketReplicationConfig")
    assert config.plain_inputs["bucket"] == source.id and not config.provider.startswith(second.urn)
    (rule,) = config.plain_inputs["rules"]
    assert rule["destination"]["bucket"] == replica.outputs["arn"]
    assert rule["destination"]["encryptionConfiguration"]["replicaKmsKeyId"] == replica_key.outputs["arn"]
    assert rule["deleteMarkerReplication"] == {"status": "Enabled"}
    _, lifecycle = by_region(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
    assert lifecycle.plain_inputs["rules"][0]["noncurrentVersionExpiration"] == {"noncurrentDays": 30}


def test_aws_keeps_aurora_s_global_secondary_in_a_standby_network_of_the_second_region_on_its_own_key():
    run = planned("aws")
    second = next(p for p in run.of_type("pulumi:providers:aws") if p.name.endswith("-dr-aws"))
    primary, secondary = by_region(run, "aws:rds/cluster:Cluster")
    global_cluster = run.one("aws:rds/globalCluster:GlobalCluster")
    assert global_cluster.plain_inputs["sourceDbClusterIdentifier"] == primary.outputs["arn"]
    assert global_cluster.protect and "globalClusterIdentifier" in primary.ignore_changes  # AWS sets it
    s = secondary.plain_inputs
    assert secondary.provider.startswith(second.urn) and secondary.protect
    assert s["globalClusterIdentifier"] == global_cluster.id and s["storageEncrypted"] is True
    assert "masterPassword" not in s and s["engineVersion"] == primary.plain_inputs["engineVersion"]
    keys = {k.name: k for k in run.of_type("aws:kms/key:Key")}
    assert s["kmsKeyId"] == keys["wandb-dr-kms-rds"].outputs["arn"] != primary.plain_inputs["kmsKeyId"]
    policy = json.loads(keys["wandb-dr-kms-rds"].plain_inputs["policy"])
    assert policy["Statement"][1]["Condition"]["StringEquals"]["kms:ViaService"] == ["rds.us-west-2.amazonaws.com"]
    vpc = next(v for v in run.of_type("aws:ec2/vpc:Vpc") if "-dr-" in v.name)
    assert vpc.plain_inputs["cidrBlock"] == "10.1.0.0/16" and vpc.provider.startswith(second.urn)
    group = next(g for g in run.of_type("aws:ec2/securityGroup:SecurityGroup") if g.name == "wandb-dr-mysql-sg")
    (ingress,) = group.plain_inputs["ingress"]
    assert (ingress["fromPort"], ingress["toPort"]) == (3306, 3306)
    assert all(cidr.startswith("10.1.") for cidr in ingress["cidrBlocks"])  # the standby network's nodes only
    (instance,) = [i for i in run.of_type("aws:rds/clusterInstance:ClusterInstance") if "-dr-" in i.name]
    assert instance.plain_inputs["publiclyAccessible"] is False and instance.provider.startswith(second.urn)
    params = [p for p in run.of_type("aws:rds/clusterParameterGroup:ClusterParameterGroup") if "-dr-" in p.name]
    assert {"name": "require_secure_transport", "value": "ON", "applyMethod": "immediate"} in params[0].plain_inputs[
        "parameters"
    ]


def test_the_replication_role_may_only_read_the_source_and_write_the_replica():
    policy = replication_policy("arn:src", "arn:dst", "arn:key1", "arn:key2")
    resources = {(tuple(s["Action"]), s["Resource"]) for s in policy["Statement"]}
    assert (("kms:Decrypt",), "arn:key1") in resources and (
        ("kms:Encrypt", "kms:GenerateDataKey"),
        "arn:key2",
    ) in resources
    writes = [s for s in policy["Statement"] if "s3:ReplicateObject" in s["Action"]]
    assert writes[0]["Resource"] == "arn:dst/*"
    rule = replication_rule("arn:dst", "arn:key2")
    assert rule["source_selection_criteria"] == {"sse_kms_encrypted_objects": {"status": "Enabled"}}


def test_without_a_second_region_nothing_is_copied():
    run = planned("dev")
    assert not [r for r in run.resources if "-dr-" in r.name]
    aws = run_config(base_aws_config(aws={"certificateArn": TEST_CERTIFICATE_ARN}))
    assert len(aws.of_type(BUCKET)) == 1 and not aws.of_type("aws:s3/bucketReplicationConfig:BucketReplicationConfig")


def config_errors(config) -> str:
    with pytest.raises(ConfigError) as error:
        load_config({**config, "wandb-platform:license": LICENSE}, secret_keys=("wandb-platform:license",))
    return str(error.value)


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ({**base_gcp_config(dr={"secondaryRegion": "us-central1"}), "gcp:region": "us-central1"}, "dr.secondaryRegion"),
        (
            base_aws_config(dr={"secondaryRegion": "us-west-2", "vpcCidr": "10.0.128.0/17"}),
            "dr.vpcCidr",
        ),
        (base_gcp_config(dr={"secondaryRegion": "us-east1"}, mysql={"mode": "in-cluster"}), "dr.mysql"),
        (base_gcp_config(dr={"secondaryRegion": "Not A Region"}), "dr.secondaryRegion"),
        (base_gcp_config(dr={"secondaryRegion": "us-east1", "retentionDays": 0}), "dr.retentionDays"),
    ],
)
def test_a_bad_dr_setting_names_its_key(config, key):
    assert f"wandb-platform:{key}" in config_errors(config)


def test_gcp_keeps_a_cloud_sql_replica_in_the_second_region_on_a_key_of_its_own_there():
    run = planned("prod")
    primary_sql, replica = by_region(run, "gcp:sql/databaseInstance:DatabaseInstance")
    r = replica.plain_inputs
    assert (r["region"], r["masterInstanceName"]) == ("us-east1", primary_sql.outputs["name"])
    assert "/locations/us-east1/" in r["encryptionKeyName"] and replica.protect and r["deletionProtection"]
    assert r["settings"]["ipConfiguration"] == primary_sql.plain_inputs["settings"]["ipConfiguration"]
    assert r["databaseVersion"] == "MYSQL_8_4" and r["settings"]["tier"] == primary_sql.plain_inputs["settings"]["tier"]
    grants = {g.name: g.plain_inputs for g in run.of_type("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember")}
    assert grants["wandb-dr-kms-mysql-agent-0"]["member"].endswith("@gcp-sa-cloud-sql.iam.gserviceaccount.com")


def test_gcp_replicates_the_bucket_into_a_bucket_of_its_own_in_the_second_region():
    run = planned("prod")
    source, replica = by_region(run, "gcp:storage/bucket:Bucket")
    r = replica.plain_inputs
    assert r["location"] == "US-EAST1" and "/locations/us-east1/" in r["encryption"]["defaultKmsKeyName"]
    assert r["versioning"] == {"enabled": True} and r["publicAccessPrevention"] == "enforced" and replica.protect
    assert "cors" not in r and r["lifecycleRules"][0]["condition"]["daysSinceNoncurrentTime"] == 30
    job = run.one("gcp:storage/transferJob:TransferJob").plain_inputs["replicationSpec"]
    assert job == {
        "gcsDataSource": {"bucketName": source.outputs["name"]},
        "gcsDataSink": {"bucketName": replica.outputs["name"]},
    }
    transfer = [
        m.plain_inputs for m in run.of_type("gcp:storage/bucketIAMMember:BucketIAMMember") if "-transfer-" in m.name
    ]
    assert {m["bucket"] for m in transfer} == {source.outputs["name"], replica.outputs["name"]}
    assert {s.plain_inputs["service"] for s in run.of_type("gcp:projects/service:Service")} >= {
        "storagetransfer.googleapis.com"
    }


def test_azure_keeps_the_bucket_geo_zone_redundant_and_readable_in_the_paired_region():
    (account,) = planned("azure").of_type("azure-native:storage:StorageAccount")
    assert account.plain_inputs["sku"] == {"name": "Standard_RAGZRS"}
    alone = run_config(
        {
            "azure-native:location": "eastus2",
            "wandb-platform:target": "azure",
            "wandb-platform:host": "https://wandb.test.example.com",
            "wandb-platform:azure": {"acmeEmail": "ops@example.com"},
        }
    )
    (account,) = alone.of_type("azure-native:storage:StorageAccount")
    server = alone.one("azure-native:dbformysql:Server").plain_inputs
    assert (
        account.plain_inputs["sku"] == {"name": "Standard_ZRS"} and server["backup"]["geoRedundantBackup"] == "Disabled"
    )


def test_azure_s_second_region_is_the_location_s_pair():
    base = {
        "azure-native:location": "eastus2",
        "wandb-platform:target": "azure",
        "wandb-platform:host": "https://wandb.test.example.com",
        "wandb-platform:azure": {"acmeEmail": "ops@example.com"},
    }
    errors = config_errors({**base, "wandb-platform:dr": {"secondaryRegion": "westus"}})
    assert "wandb-platform:dr.secondaryRegion: must be centralus, the pair of eastus2" in errors
    unpaired = config_errors(
        {**base, "azure-native:location": "italynorth", "wandb-platform:dr": {"secondaryRegion": "westeurope"}}
    )
    assert "italynorth has no paired region" in unpaired


def test_azure_keeps_a_read_replica_in_the_pair_in_a_peered_standby_network_on_the_pair_s_key():
    run = planned("azure")
    primary_server, replica = by_region(run, "azure-native:dbformysql:Server")
    r = replica.plain_inputs
    assert (r["location"], r["createMode"], r["sourceServerResourceId"]) == ("centralus", "Replica", primary_server.id)
    assert replica.protect and r["network"]["publicNetworkAccess"] == "Disabled"
    zone = next(z for z in run.of_type("azure-native:privatedns:PrivateZone") if z.name == "wandb-mysql-zone")
    assert r["network"]["privateDnsZoneResourceId"] == zone.id
    subnet = next(s for s in run.of_type("azure-native:network:Subnet") if s.name == "wandb-dr-replica-mysql")
    assert r["network"]["delegatedSubnetResourceId"] == subnet.id
    assert subnet.plain_inputs["addressPrefix"] == "10.1.0.0/24"
    assert subnet.plain_inputs["delegations"][0]["serviceName"] == "Microsoft.DBforMySQL/flexibleServers"
    geo_key = next(k for k in run.of_type("azure-native:keyvault:Key") if k.name == "wandb-dr-keys-mysql")
    identity = next(
        i for i in run.of_type("azure-native:managedidentity:UserAssignedIdentity") if i.name == "wandb-dr-mysql"
    )
    assert r["dataEncryption"]["primaryKeyURI"] == geo_key.outputs["keyUri"]
    assert r["identity"]["userAssignedIdentities"] == [identity.id]
    vnets = {v.name: v for v in run.of_type("azure-native:network:VirtualNetwork")}
    standby, platform = vnets["wandb-dr-replica-vnet"], vnets["wandb-net-vnet"]
    assert standby.plain_inputs["location"] == "centralus"
    peerings = {
        (p.plain_inputs["virtualNetworkName"], p.plain_inputs["remoteVirtualNetwork"]["id"])
        for p in run.of_type("azure-native:network:VirtualNetworkPeering")
    }
    assert peerings == {
        (platform.outputs["name"], standby.id),
        (standby.outputs["name"], platform.id),
    }
    links = {
        link.plain_inputs["virtualNetwork"]["id"]
        for link in run.of_type("azure-native:privatedns:VirtualNetworkLink")
        if link.plain_inputs["privateZoneName"] == zone.outputs["name"]
    }
    assert links == {platform.id, standby.id}


def test_azure_s_standby_network_stays_apart_from_the_platform_s():
    errors = config_errors(
        {
            "azure-native:location": "eastus2",
            "wandb-platform:target": "azure",
            "wandb-platform:host": "https://wandb.test.example.com",
            "wandb-platform:azure": {"acmeEmail": "ops@example.com"},
            "wandb-platform:dr": {"secondaryRegion": "centralus", "vpcCidr": "10.30.0.0/16"},
        }
    )
    assert "wandb-platform:dr.vpcCidr: 10.30.0.0/16 overlaps azure.vnetCidr" in errors
