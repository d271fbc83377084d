"""The committed AWS stack (and variants of it), run whole under the mocks: the properties each resource must
have. Policy documents are parsed and read, not string-matched."""

import ipaddress
import json
import re

import pytest

from components.aws.aurora import WANDB_CLUSTER_PARAMETERS, WANDB_INSTANCE_PARAMETERS
from components.aws.ingress import TLS_POLICY
from components.k8s.wandb_values import WANDB_SERVICE_ACCOUNTS, service_account_names
from tests.conftest import TEST_CERTIFICATE_ARN, base_aws_config, dig, planned, primary, run_config, wandb_cr

EKS = "aws:eks/cluster:Cluster"
NODES = "aws:eks/nodeGroup:NodeGroup"
AURORA = "aws:rds/cluster:Cluster"
AURORA_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
REDIS = "aws:elasticache/replicationGroup:ReplicationGroup"
BUCKET = "aws:s3/bucket:Bucket"
KEY = "aws:kms/key:Key"
ROLE = "aws:iam/role:Role"
SUBNET = "aws:ec2/subnet:Subnet"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
WORKERS = ("flat-run-fields-updater", "metric-observer", "weave-trace-worker", "weave-evaluate-model-worker")


@pytest.fixture(scope="module")
def prod():
    return planned("aws")


@pytest.fixture(scope="module")
def dev():
    return run_config(base_aws_config(environment="dev", mysql={"mode": "managed"}, redis={"mode": "managed"}))


def key_arn(run, key: str) -> str:
    return named(run, KEY, f"-kms-{key}").outputs["arn"]


def named(run, typ: str, suffix: str):
    """The resource of `typ` named `*suffix` in the platform's own region (not the second region's copy)."""
    return next(r for r in run.of_type(typ) if r.name.endswith(suffix) and "-dr-" not in r.name)


def policy(resource, field: str = "policy") -> dict:
    return json.loads(resource.plain_inputs[field])


def subnets(run, tier: str) -> list:
    return [s for s in run.of_type(SUBNET) if f"-{tier}-" in s.name and "-dr-" not in s.name]  # the first region's


def test_eks_encrypts_secrets_with_its_key_and_keeps_the_endpoint_private(prod):
    eks = prod.one(EKS)
    c = eks.plain_inputs
    assert dig(c, "encryptionConfig", "provider", "keyArn") == key_arn(prod, "eks")
    assert dig(c, "encryptionConfig", "resources") == ["secrets"]
    assert dig(c, "vpcConfig", "endpointPrivateAccess") is True
    assert dig(c, "vpcConfig", "publicAccessCidrs") == ["203.0.113.0/24"]
    assert set(dig(c, "vpcConfig", "subnetIds")) == {s.id for s in subnets(prod, "private")}
    assert c["enabledClusterLogTypes"] == ["api", "audit", "authenticator", "controllerManager", "scheduler"]
    assert c["accessConfig"] == {"authenticationMode": "API", "bootstrapClusterCreatorAdminPermissions": False}
    assert c["deletionProtection"] is True and eks.protect and c["version"] == "1.35"
    logs = named(prod, "aws:cloudwatch/logGroup:LogGroup", "-control-plane").plain_inputs
    assert logs["name"] == f"/aws/eks/{c['name']}/cluster" and logs["kmsKeyId"] == key_arn(prod, "logs")
    assert logs["retentionInDays"] == 365


def test_public_endpoint_is_off_without_access_cidrs():
    vpc = run_config(base_aws_config()).one(EKS).plain_inputs["vpcConfig"]
    assert vpc["endpointPublicAccess"] is False and vpc.get("publicAccessCidrs") is None


def test_node_group_is_al2023_imdsv2_with_encrypted_gp3_sized_by_the_preset(prod):
    nodes = prod.one(NODES).plain_inputs
    assert nodes["amiType"] == "AL2023_x86_64_STANDARD" and nodes["instanceTypes"] == ["r6i.4xlarge"]
    assert nodes["scalingConfig"] == {"minSize": 3, "maxSize": 12, "desiredSize": 3}
    template = prod.one("aws:ec2/launchTemplate:LaunchTemplate")
    assert nodes["launchTemplate"]["id"] == template.id
    t = template.plain_inputs
    assert t["metadataOptions"] == {"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1}
    ebs = t["blockDeviceMappings"][0]["ebs"]
    assert (ebs["volumeType"], ebs["volumeSize"], ebs["encrypted"]) == ("gp3", 256, "true")
    assert ebs["kmsKeyId"] == key_arn(prod, "ebs")
    node_group = named(prod, "aws:ec2/securityGroup:SecurityGroup", "-net-nodes").id
    cluster_group = prod.one(EKS).outputs["vpcConfig"]["clusterSecurityGroupId"]
    assert set(t["vpcSecurityGroupIds"]) == {node_group, cluster_group}
    attached = {
        a.plain_inputs["policyArn"].rsplit("/", 1)[-1]
        for a in prod.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if "-nodes-" in a.name
    }
    assert attached == {"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"}


def test_core_addons_with_irsa_for_the_cni_and_the_ebs_driver(prod):
    addons = {a.plain_inputs["addonName"]: a for a in prod.of_type("aws:eks/addon:Addon")}
    assert set(addons) == {"vpc-cni", "kube-proxy", "coredns", "aws-ebs-csi-driver", "amazon-cloudwatch-observability"}
    roles = {r.outputs["arn"]: r for r in prod.of_type(ROLE)}
    for addon, subject in (("vpc-cni", "aws-node"), ("aws-ebs-csi-driver", "ebs-csi-controller-sa")):
        trust = policy(roles[addons[addon].plain_inputs["serviceAccountRoleArn"]], "assumeRolePolicy")
        condition = trust["Statement"][0]["Condition"]["StringEquals"]
        assert [v for k, v in condition.items() if k.endswith(":sub")] == [
            [f"system:serviceaccount:kube-system:{subject}"]
        ]
    assert prod.one(NODES).urn in addons["coredns"].dependencies
    assert addons["vpc-cni"].urn in prod.one(NODES).dependencies  # nodes turn Ready only with the CNI's role
    assert json.loads(addons["vpc-cni"].plain_inputs["configurationValues"]) == {"enableNetworkPolicy": "true"}
    gp3 = prod.one("kubernetes:storage.k8s.io/v1:StorageClass").plain_inputs
    assert gp3["metadata"]["annotations"] == {"storageclass.kubernetes.io/is-default-class": "true"}
    assert gp3["parameters"] == {"type": "gp3", "encrypted": "true", "kmsKeyId": key_arn(prod, "ebs")}


def test_the_deployer_is_a_cluster_admin_and_the_provider_waits_for_access_and_nodes(prod):
    associations = prod.of_type("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
    assert [a.plain_inputs["principalArn"] for a in associations] == [
        "arn:aws:iam::123456789012:role/platform-deployer"
    ]
    assert associations[0].plain_inputs["policyArn"].endswith(":cluster-access-policy/AmazonEKSClusterAdminPolicy")
    provider = prod.one("pulumi:providers:kubernetes")
    assert {associations[0].urn, prod.one(NODES).urn} <= set(provider.dependencies)
    assert "command: aws" in provider.plain_inputs["kubeconfig"]


def test_aurora_is_encrypted_backed_up_snapshotted_protected_and_tls_only(prod):
    db = primary(prod, AURORA)
    c = db.plain_inputs
    assert (c["engine"], c["engineVersion"]) == ("aurora-mysql", "8.4.mysql_aurora.8.4.12")
    assert c["storageEncrypted"] is True and c["kmsKeyId"] == key_arn(prod, "rds")
    assert c["backupRetentionPeriod"] == 14 and c["skipFinalSnapshot"] is False
    assert re.fullmatch(r"wandb-aws-mysql-final-[0-9a-f]{8}", c["finalSnapshotIdentifier"])
    assert c["deletionProtection"] is True and db.protect
    assert (c["databaseName"], c["masterUsername"]) == ("wandb_local", "wandb")
    assert db.inputs["masterPassword"] == "[secret]" and c["masterPassword"].isalnum()
    cluster_params = {
        p["name"]: p["value"]
        for p in primary(prod, "aws:rds/clusterParameterGroup:ClusterParameterGroup").plain_inputs["parameters"]
    }
    assert cluster_params == {k: v for k, (v, _) in WANDB_CLUSTER_PARAMETERS.items()}
    assert cluster_params["require_secure_transport"] == "ON" and "binlog_format" not in cluster_params
    families = {g.plain_inputs["family"] for g in prod.of_type("aws:rds/clusterParameterGroup:ClusterParameterGroup")}
    families |= {g.plain_inputs["family"] for g in prod.of_type("aws:rds/parameterGroup:ParameterGroup")}
    assert families == {"aurora-mysql8.4"}
    instance_params = {
        p["name"]: p["value"] for p in primary(prod, "aws:rds/parameterGroup:ParameterGroup").plain_inputs["parameters"]
    }
    assert instance_params == {k: v for k, (v, _) in WANDB_INSTANCE_PARAMETERS.items()}
    instances = [i for i in prod.of_type(AURORA_INSTANCE) if "-dr-" not in i.name]
    assert len(instances) == 2 and len({i.plain_inputs["availabilityZone"] for i in instances}) == 2
    for i in instances:
        assert i.plain_inputs["instanceClass"] == "db.r6g.2xlarge" and i.plain_inputs["publiclyAccessible"] is False
        assert i.plain_inputs["performanceInsightsKmsKeyId"] == key_arn(prod, "rds") and i.protect


@pytest.mark.parametrize(("store", "port"), [("-mysql-from-nodes", 3306), ("-redis-from-nodes", 6379)])
def test_datastores_admit_only_the_cluster_nodes_on_their_port(prod, store, port):
    rule = named(prod, INGRESS_RULE, store).plain_inputs
    assert rule["referencedSecurityGroupId"] == named(prod, "aws:ec2/securityGroup:SecurityGroup", "-net-nodes").id
    assert (rule["fromPort"], rule["toPort"], rule["ipProtocol"]) == (port, port, "tcp") and "cidrIpv4" not in rule
    group = named(prod, "aws:ec2/securityGroup:SecurityGroup", store.replace("-from-nodes", "-sg"))
    assert group.plain_inputs["egress"] == []


def test_elasticache_has_tls_auth_cmk_and_multi_az_failover(prod):
    r = prod.one(REDIS)
    i = r.plain_inputs
    assert i["transitEncryptionEnabled"] is True and i["transitEncryptionMode"] == "required"
    assert i["atRestEncryptionEnabled"] is True and i["kmsKeyId"] == key_arn(prod, "elasticache")
    assert r.inputs["authToken"] == "[secret]" and i["authToken"].isalnum() and len(i["authToken"]) == 64
    assert i["multiAzEnabled"] is True and i["automaticFailoverEnabled"] is True and i["numCacheClusters"] == 2
    assert len(set(i["preferredCacheClusterAzs"])) == 2
    assert (i["engine"], i["engineVersion"], i["nodeType"]) == ("redis", "7.1", "cache.m6g.xlarge") and r.protect
    redis_values = wandb_cr(prod).plain_inputs["spec"]["values"]["global"]["redis"]
    assert redis_values["params"]["tls"] == "true" and redis_values["host"] == r.outputs["primaryEndpointAddress"]


def test_s3_is_private_kms_encrypted_versioned_tls_only_with_cors(prod):
    b = primary(prod, BUCKET)
    assert b.plain_inputs["forceDestroy"] is False and b.protect
    block = primary(prod, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").plain_inputs
    assert all(
        block[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    )
    rule = primary(
        prod, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    ).plain_inputs["rules"][0]
    assert rule["applyServerSideEncryptionByDefault"] == {
        "sseAlgorithm": "aws:kms",
        "kmsMasterKeyId": key_arn(prod, "s3"),
    }
    assert rule["bucketKeyEnabled"] is True
    assert primary(prod, "aws:s3/bucketVersioning:BucketVersioning").plain_inputs["versioningConfiguration"] == {
        "status": "Enabled"
    }
    lifecycle = primary(prod, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").plain_inputs["rules"][
        0
    ]
    assert lifecycle["noncurrentVersionExpiration"] == {"noncurrentDays": 30} and lifecycle["status"] == "Enabled"
    cors = primary(prod, "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration").plain_inputs["corsRules"]
    assert cors == [
        {
            "allowedMethods": ["GET", "HEAD", "PUT"],
            "allowedOrigins": ["*"],
            "allowedHeaders": ["*"],
            "exposeHeaders": ["ETag"],
            "maxAgeSeconds": 3000,
        }
    ]
    deny = policy(primary(prod, "aws:s3/bucketPolicy:BucketPolicy"))["Statement"][0]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert b.outputs["arn"] in deny["Resource"]


def test_every_key_rotates_and_is_used_only_through_its_service(prod):
    keys = prod.of_type(KEY)
    assert {k.name.rsplit("-", 1)[-1] for k in keys} == {"eks", "ebs", "logs", "rds", "elasticache", "s3", "kafka"}
    aliases = {a.plain_inputs["targetKeyId"] for a in prod.of_type("aws:kms/alias:Alias")}
    for k in keys:
        assert k.plain_inputs["enableKeyRotation"] is True and k.protect and k.outputs["keyId"] in aliases
        for statement in policy(k)["Statement"]:
            uses = any(a in statement["Action"] for a in ("kms:Decrypt", "kms:Encrypt"))
            root = statement["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
            assert not (uses and root and "Condition" not in statement), f"{k.name}: {statement['Sid']}"
    s3 = policy(named(prod, KEY, "-kms-s3"))["Statement"][1]
    assert s3["Condition"]["StringEquals"]["kms:ViaService"] == ["s3.us-east-1.amazonaws.com"]
    logs = policy(named(prod, KEY, "-kms-logs"))["Statement"][1]
    assert logs["Principal"] == {"Service": ["logs.us-east-1.amazonaws.com"]} and "ArnLike" in logs["Condition"]


def test_wandb_role_trusts_only_wandb_service_accounts_and_reaches_only_its_bucket_and_key(prod):
    role = named(prod, ROLE, "-identity-role")
    statement = policy(role, "assumeRolePolicy")["Statement"][0]
    assert statement["Principal"] == {
        "Federated": prod.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider").outputs["arn"]
    }
    condition = statement["Condition"]["StringEquals"]
    issuer = prod.one(EKS).outputs["identities"][0]["oidcs"][0]["issuer"].removeprefix("https://")
    assert condition[f"{issuer}:aud"] == "sts.amazonaws.com"
    assert condition[f"{issuer}:sub"] == sorted(
        f"system:serviceaccount:wandb:{n}" for n in service_account_names("wandb")
    )
    access = policy(named(prod, "aws:iam/rolePolicy:RolePolicy", "-identity-role-inline"))
    bucket_arn = primary(prod, BUCKET).outputs["arn"]
    resources = {
        r for s in access["Statement"] for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])
    }
    assert resources == {bucket_arn, f"{bucket_arn}/*", key_arn(prod, "s3")}
    values = wandb_cr(prod).plain_inputs["spec"]["values"]
    for component in WANDB_SERVICE_ACCOUNTS:
        assert values[component]["serviceAccount"]["annotations"] == {"eks.amazonaws.com/role-arn": role.outputs["arn"]}
    assert values["global"]["defaultBucket"] == {
        "provider": "s3",
        "name": primary(prod, BUCKET).outputs["bucket"],
        "region": "us-east-1",
        "kmsKey": key_arn(prod, "s3"),
        "path": "",
    }
    assert values["global"]["cloudProvider"] == "aws"


def test_alb_ingress_is_https_only_with_a_validated_certificate(prod):
    controller = next(
        r
        for r in prod.of_type("kubernetes:helm.sh/v3:Release")
        if r.plain_inputs["name"] == "aws-load-balancer-controller"
    )
    v = controller.plain_inputs["values"]
    assert (controller.plain_inputs["chart"], controller.plain_inputs["version"]) == (
        "aws-load-balancer-controller",
        "3.5.0",
    )
    assert (v["clusterName"], v["region"]) == (prod.one(EKS).plain_inputs["name"], "us-east-1")
    assert v["vpcId"] == primary(prod, "aws:ec2/vpc:Vpc").id and v["enableServiceMutatorWebhook"] is False
    role_arn = v["serviceAccount"]["annotations"]["eks.amazonaws.com/role-arn"]
    trust = policy(next(r for r in prod.of_type(ROLE) if r.outputs["arn"] == role_arn), "assumeRolePolicy")
    assert list(trust["Statement"][0]["Condition"]["StringEquals"].values())[1] == [
        "system:serviceaccount:kube-system:aws-load-balancer-controller"
    ]
    ingress = wandb_cr(prod).plain_inputs["spec"]["values"]["ingress"]
    ann = {k.removeprefix("alb.ingress.kubernetes.io/"): v for k, v in ingress["annotations"].items()}
    assert ingress["class"] == "alb" and ann["scheme"] == "internet-facing" and ann["target-type"] == "ip"
    assert json.loads(ann["listen-ports"]) == [{"HTTP": 80}, {"HTTPS": 443}] and ann["ssl-redirect"] == "443"
    assert ann["ssl-policy"] == TLS_POLICY
    validation = prod.one("aws:acm/certificateValidation:CertificateValidation")
    assert ann["certificate-arn"] == prod.one("aws:acm/certificate:Certificate").outputs["arn"]
    assert validation.urn in wandb_cr(prod).dependencies and controller.urn in wandb_cr(prod).dependencies
    record = prod.one("aws:route53/record:Record").plain_inputs
    assert record["zoneId"] == "Z0123456789EXAMPLE" and record["type"] == "CNAME"
    assert set(ann["subnets"].split(",")) == {s.id for s in subnets(prod, "public")}


def test_a_given_certificate_is_used_as_is():
    run = run_config(base_aws_config())
    assert not run.of_type("aws:acm/certificate:Certificate") and not run.of_type("aws:route53/record:Record")
    ann = wandb_cr(run).plain_inputs["spec"]["values"]["ingress"]["annotations"]
    assert ann["alb.ingress.kubernetes.io/certificate-arn"] == TEST_CERTIFICATE_ARN


def test_prod_network_spans_three_zones_with_a_nat_per_zone_flow_logs_and_an_s3_endpoint(prod):
    for tier in ("public", "private", "database"):
        zones = {s.plain_inputs["availabilityZone"] for s in subnets(prod, tier)}
        assert zones == {"us-east-1a", "us-east-1b", "us-east-1c"}
    cidrs = [ipaddress.IPv4Network(s.plain_inputs["cidrBlock"]) for s in prod.of_type(SUBNET)]
    assert not any(a.overlaps(b) for i, a in enumerate(cidrs) for b in cidrs[i + 1 :])
    assert len([n for n in prod.of_type("aws:ec2/natGateway:NatGateway") if "-dr-" not in n.name]) == 3
    endpoint = primary(prod, "aws:ec2/vpcEndpoint:VpcEndpoint").plain_inputs
    assert endpoint["serviceName"] == "com.amazonaws.us-east-1.s3" and endpoint["vpcEndpointType"] == "Gateway"
    database_table = named(prod, "aws:ec2/routeTable:RouteTable", "-database")
    assert database_table.id in endpoint["routeTableIds"] and not database_table.plain_inputs.get("routes")
    flow = primary(prod, "aws:ec2/flowLog:FlowLog").plain_inputs
    assert flow["trafficType"] == "ALL" and flow["logDestinationType"] == "cloud-watch-logs"
    assert named(prod, "aws:cloudwatch/logGroup:LogGroup", "-flow-logs").plain_inputs["kmsKeyId"] == key_arn(
        prod, "logs"
    )
    assert primary(prod, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").plain_inputs.get("ingress") in (None, [])


def test_dev_uses_two_zones_one_nat_single_instances_and_no_protection(dev):
    assert len(subnets(dev, "private")) == 2 and len(dev.of_type("aws:ec2/natGateway:NatGateway")) == 1
    assert not dev.of_type("aws:ec2/flowLog:FlowLog")
    assert len(dev.of_type(AURORA_INSTANCE)) == 1 and dev.one(REDIS).plain_inputs["numCacheClusters"] == 1
    assert dev.one(REDIS).plain_inputs["automaticFailoverEnabled"] is False
    assert dev.one(AURORA).plain_inputs["deletionProtection"] is False
    assert dev.one(AURORA).plain_inputs["skipFinalSnapshot"] is False  # a final snapshot even in dev
    assert dev.one(BUCKET).plain_inputs["forceDestroy"] is True and not any(r.protect for r in dev.resources)
    assert dev.one(NODES).plain_inputs["instanceTypes"] == ["r6i.2xlarge"]


def test_bring_your_own_vpc_creates_no_network_but_the_node_group():
    ids = {
        tier: [f"subnet-{digit}000000{i}" for i in range(2)]
        for tier, digit in (("pub", "a"), ("pri", "b"), ("dat", "c"))
    }
    run = run_config(
        base_aws_config(
            aws={
                "certificateArn": TEST_CERTIFICATE_ARN,
                "vpcId": "vpc-0123456789abcdef0",
                "publicSubnetIds": ids["pub"],
                "privateSubnetIds": ids["pri"],
                "databaseSubnetIds": ids["dat"],
            }
        )
    )
    assert (
        not run.of_type("aws:ec2/vpc:Vpc")
        and not run.of_type(SUBNET)
        and not run.of_type("aws:ec2/natGateway:NatGateway")
    )
    assert run.one(NODES).plain_inputs["subnetIds"] == ids["pri"]
    assert (
        named(run, "aws:ec2/securityGroup:SecurityGroup", "-net-nodes").plain_inputs["vpcId"] == "vpc-0123456789abcdef0"
    )
    assert run.one("aws:rds/subnetGroup:SubnetGroup").plain_inputs["subnetIds"] == ids["dat"]


def test_in_cluster_datastores_on_aws_create_no_aurora_or_elasticache_keys():
    run = run_config(base_aws_config(environment="dev", mysql={"mode": "in-cluster"}, redis={"mode": "in-cluster"}))
    assert not run.of_type(AURORA) and not run.of_type(REDIS)
    assert {k.name.rsplit("-", 1)[-1] for k in run.of_type(KEY)} == {"eks", "ebs", "logs", "s3"}
    values = wandb_cr(run).plain_inputs["spec"]["values"]
    assert values["mysql"]["install"] is True and values["redis"]["install"] is True


def test_msk_is_private_plaintext_inside_the_vpc_encrypted_with_its_key_and_independent_of_eks(prod):
    msk = prod.one("aws:msk/cluster:Cluster")
    m = msk.plain_inputs
    assert m["numberOfBrokerNodes"] == 3 and len(m["brokerNodeGroupInfo"]["clientSubnets"]) == 3
    assert m["encryptionInfo"]["encryptionAtRestKmsKeyArn"] == key_arn(prod, "kafka")
    assert m["encryptionInfo"]["encryptionInTransit"] == {"clientBroker": "PLAINTEXT", "inCluster": True}
    assert m["brokerNodeGroupInfo"]["connectivityInfo"]["publicAccess"]["type"] == "DISABLED"
    assert m["clientAuthentication"] == {"unauthenticated": True} and msk.protect
    (group_id,) = m["brokerNodeGroupInfo"]["securityGroups"]
    rules = [r.plain_inputs for r in prod.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")]
    admitted = [r for r in rules if r["securityGroupId"] == group_id]
    nodes = named(prod, "aws:ec2/securityGroup:SecurityGroup", "-net-nodes")
    assert len(admitted) == 1 and (admitted[0]["fromPort"], admitted[0]["toPort"]) == (9092, 9092)
    assert admitted[0]["referencedSecurityGroupId"] == nodes.id and "cidrIpv4" not in admitted[0]
    eks = prod.one("aws:eks/cluster:Cluster")
    assert eks.urn not in msk.dependencies
    topics = {t.plain_inputs["name"]: t.plain_inputs for t in prod.of_type("aws:msk/topic:Topic")}
    assert {name: (t["partitionCount"], t["replicationFactor"]) for name, t in topics.items()} == {
        "wandb-run-updates-shadow": (100, 3),
        "weave.call_ended": (16, 3),
        "weave.score_calls": (16, 3),
        "weave.evaluate_model": (16, 3),
    }
    cr = prod.one("kubernetes:apps.wandb.com/v1:WeightsAndBiases")
    values = cr.plain_inputs["spec"]["values"]
    assert (
        values["global"]["kafka"]["brokerHost"].startswith("b-1.") and values["global"]["kafka"]["brokerPort"] == 9092
    )
    installed = {c for c in WORKERS if values.get(c, {}).get("install") is True}
    assert installed == set(WORKERS)
    assert {prod.by_urn(u).name for u in cr.dependencies} >= {"wandb-kafka-weave.call_ended", "wandb-kafka-run-updates"}


def test_clickhouse_cloud_is_reached_over_privatelink_admitted_only_from_the_nodes():
    cloud = {
        "mode": "cloud",
        "organizationId": "0d7a3c8e-1b2c-4d5e-8f90-0123456789ab",
        "apiKeyId": "k",
        "apiKeySecret": "s",
    }
    run = run_config(base_aws_config(size="large", clickhouse=cloud))
    service = run.one("clickhouse:index/service:Service")
    s = service.plain_inputs
    assert (s["cloudProvider"], s["region"], s["ipAccesses"]) == ("aws", "eu-west-1", [])
    assert (s["numReplicas"], s["minReplicaMemoryGb"], s["maxReplicaMemoryGb"]) == (5, 32, 64)
    endpoint = named(run, "aws:ec2/vpcEndpoint:VpcEndpoint", "-clickhouse-link-endpoint")
    e = endpoint.plain_inputs
    assert e["serviceName"] == service.outputs["privateEndpointConfig"]["endpointServiceId"]
    assert e["vpcEndpointType"] == "Interface" and e["privateDnsEnabled"] is True
    assert sorted(e["subnetIds"]) == sorted(x.id for x in subnets(run, "database"))
    rule = named(run, INGRESS_RULE, "-clickhouse-link-from-nodes").plain_inputs
    assert rule["referencedSecurityGroupId"] == named(run, "aws:ec2/securityGroup:SecurityGroup", "-net-nodes").id
    assert (rule["fromPort"], rule["toPort"]) == (8443, 8443) and "cidrIpv4" not in rule
    group = named(run, "aws:ec2/securityGroup:SecurityGroup", "-clickhouse-link-sg")
    assert e["securityGroupIds"] == [group.id] and group.plain_inputs["egress"] == []
    attached = run.one("clickhouse:ServicePrivateEndpoints/attachment:Attachment").plain_inputs
    assert attached == {"serviceId": service.id, "privateEndpointIds": [endpoint.id]}
    eks = run.one(EKS).urn
    assert eks not in service.dependencies and eks not in endpoint.dependencies
    ch = wandb_cr(run).plain_inputs["spec"]["values"]["global"]["clickhouse"]
    assert ch["host"] == service.outputs["privateEndpointConfig"]["privateDnsHostname"] and ch["port"] == "8443"


def test_the_cluster_autoscaler_scales_only_this_cluster_s_node_group_with_its_own_irsa_role(prod):
    role = next(r for r in prod.of_type(ROLE) if r.name == "wandb-cluster-autoscaler-role")
    trust = json.loads(role.plain_inputs["assumeRolePolicy"])["Statement"]
    subjects = [v for s in trust for k, v in s["Condition"]["StringEquals"].items() if k.endswith(":sub")]
    assert subjects == [["system:serviceaccount:kube-system:cluster-autoscaler"]]
    policy = next(p for p in prod.of_type("aws:iam/rolePolicy:RolePolicy") if p.name.startswith(role.name))
    statements = {s["Sid"]: s for s in json.loads(policy.plain_inputs["policy"])["Statement"]}
    cluster = prod.one(EKS).plain_inputs["name"]
    scale = statements["ScaleThisClustersGroups"]
    assert scale["Condition"] == {"StringEquals": {f"aws:ResourceTag/k8s.io/cluster-autoscaler/{cluster}": "owned"}}
    assert statements["ThisNodeGroup"]["Resource"] == prod.one(NODES).outputs["arn"]
    assert all(
        a.split(":")[1].startswith("Describe") or "GetInstanceTypes" in a for a in statements["Describe"]["Action"]
    )
    release = next(
        r for r in prod.of_type("kubernetes:helm.sh/v3:Release") if r.name == "wandb-cluster-autoscaler-release"
    )
    values = release.plain_inputs["values"]
    assert values["autoDiscovery"]["clusterName"] == cluster and values["image"]["tag"].startswith("v1.35.")
    assert values["rbac"]["serviceAccount"]["annotations"]["eks.amazonaws.com/role-arn"] == role.outputs["arn"]
    nodes = prod.one(NODES)
    assert nodes.plain_inputs["scalingConfig"]["maxSize"] > nodes.plain_inputs["scalingConfig"]["minSize"]
    assert "scalingConfig.desiredSize" in nodes.ignore_changes


def test_an_eks_version_without_a_pinned_autoscaler_is_refused():
    with pytest.raises(Exception, match="wandb-platform:aws.kubernetesVersion"):
        run_config(base_aws_config(aws={"certificateArn": TEST_CERTIFICATE_ARN, "kubernetesVersion": "1.39"}))
