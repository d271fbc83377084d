"""Components used on their own, as a user importing them into another Pulumi program would."""

import pulumi

from components.aws.account import AwsAccount
from components.aws.aurora import AuroraArgs, AuroraMysql
from components.aws.elasticache import ElastiCacheArgs, ElastiCacheRedis
from components.contracts import BucketInfo, IngressSettings, MysqlEndpoint, RedisEndpoint, WorkloadIdentity
from components.gcp.bucket import GcsBucket, GcsBucketArgs
from components.gcp.ingress import GkeIngress, GkeIngressArgs
from components.gcp.mysql import CloudSqlArgs, CloudSqlMysql
from components.gcp.redis import MemorystoreArgs, MemorystoreRedis
from components.k8s.wandb_release import WandbRelease, WandbReleaseArgs
from components.naming import bounded_name
from tests.conftest import run_components, values_input

COMPONENT_TYPES = {
    "wandb-platform:index:CloudSqlMysql",
    "wandb-platform:index:MemorystoreRedis",
    "wandb-platform:index:GcsBucket",
}


def test_gcp_components_standalone_with_dev_switches():
    def build():
        common = dict(project="p-123456", region="europe-west4", network_id="net", kms_key_id="key")
        CloudSqlMysql(
            "db", CloudSqlArgs(**common, tier="db-n1-highmem-2", high_availability=False, deletion_protection=False)
        )
        MemorystoreRedis(
            "cache", MemorystoreArgs(**common, memory_size_gb=1, high_availability=False, deletion_protection=False)
        )
        GcsBucket(
            "objects", GcsBucketArgs(project="p-123456", location="europe-west4", kms_key_id="key", protect=False)
        )

    run = run_components(build)
    assert {r.type for r in run.resources if r.type.startswith("wandb-platform:")} == COMPONENT_TYPES
    assert all(
        r.type.startswith("wandb-platform:") or r.parent for r in run.resources if r.type != "pulumi:pulumi:Stack"
    )
    assert all(
        r.name.startswith(("db-", "cache-", "objects-")) for r in run.resources if r.parent and "Stack" not in r.parent
    )
    sql = run.one("gcp:sql/databaseInstance:DatabaseInstance")
    assert sql.plain_inputs["settings"]["availabilityType"] == "ZONAL" and not sql.protect
    assert run.one("gcp:redis/instance:Instance").plain_inputs["tier"] == "BASIC"
    bucket = run.one("gcp:storage/bucket:Bucket").plain_inputs
    assert bucket["forceDestroy"] is True and bucket["location"] == "EUROPE-WEST4"


def test_ingress_without_tls_serves_http_and_creates_no_certificate():
    def build():
        return {
            "annotations": GkeIngress(
                "in", GkeIngressArgs("p-123456", "w.example.com", "fc", tls=False)
            ).settings.annotations
        }

    run = run_components(build)
    assert not run.of_type("gcp:compute/managedSslCertificate:ManagedSslCertificate")
    assert run.outputs["annotations"]["kubernetes.io/ingress.allow-http"] == "true"


def test_wandb_release_on_any_cluster_with_external_endpoints():
    def build():
        values = values_input(
            instance_name="ml",
            namespace="team-ml",
            cloud_provider="",
            mysql=MysqlEndpoint(host="db", password=pulumi.Output.secret("db-password-123")),
            redis=RedisEndpoint(host="cache", password=pulumi.Output.secret("redis-password-123"), tls=False),
            bucket=BucketInfo("s3", "bucket"),
            identity=WorkloadIdentity(),
            ingress=IngressSettings("nginx"),
        )
        WandbRelease("w", WandbReleaseArgs(values=values, license=pulumi.Output.secret("license-123456")))

    run = run_components(build)
    secrets = {s.plain_inputs["metadata"]["name"]: s.plain_inputs for s in run.of_type("kubernetes:core/v1:Secret")}
    assert secrets["ml-platform-mysql"]["stringData"] == {"MYSQL_PASSWORD": "db-password-123"}
    assert secrets["ml-platform-redis"]["stringData"] == {"REDIS_PASSWORD": "redis-password-123"}
    assert {s["metadata"]["namespace"] for s in secrets.values()} == {"team-ml"}
    cr = run.one("kubernetes:apps.wandb.com/v1:WeightsAndBiases").plain_inputs
    assert cr["metadata"] == {"name": "ml", "namespace": "team-ml", "labels": cr["metadata"]["labels"]}
    assert (
        "params" not in cr["spec"]["values"]["global"]["redis"]
        or "tls" not in cr["spec"]["values"]["global"]["redis"]["params"]
    )
    assert cr["spec"]["values"]["ingress"]["class"] == "nginx" and "cloudProvider" not in cr["spec"]["values"]["global"]


def test_bounded_names_fit_gcp_account_ids():
    for prefix in ("wandb-prod", "a-very-long-instance-name-for-the-production-stack", "9lives"):
        name = bounded_name(prefix, "nodes", 30)
        assert 6 <= len(name) <= 30 and name[0].isalpha() and name.endswith("nodes")
    assert bounded_name("x" * 40, "app", 30) != bounded_name("x" * 41, "app", 30)


def test_ingress_reads_an_existing_static_address_instead_of_creating_one():
    def build():
        ingress = GkeIngress("in", GkeIngressArgs("p-123456", "w.example.com", "fc", static_ip_name="wandb-ip"))
        return {"annotations": ingress.settings.annotations}

    run = run_components(build)
    assert not run.of_type("gcp:compute/globalAddress:GlobalAddress")  # read, not created or managed
    assert run.outputs["annotations"]["kubernetes.io/ingress.global-static-ip-name"] == "wandb-ip"


def test_aws_datastores_standalone_in_a_vpc_of_your_own():
    """Aurora and ElastiCache need only ids: a VPC, subnets, the source security group and a key."""

    def build():
        account = AwsAccount(
            partition=pulumi.Output.from_input("aws"),
            account_id=pulumi.Output.from_input("210987654321"),
            region="eu-central-1",
            deployer_arn=pulumi.Output.from_input("arn:aws:iam::210987654321:role/ci"),
        )
        common = dict(
            vpc_id="vpc-1",
            subnet_ids=["subnet-a", "subnet-b"],
            zones=["eu-central-1a", "eu-central-1b"],
            node_security_group_id="sg-nodes",
            kms_key_arn="arn:aws:kms:eu-central-1:210987654321:key/k",
            high_availability=False,
            deletion_protection=False,
        )
        AuroraMysql(
            "db",
            AuroraArgs(
                **common, account=account, engine_version="8.0.mysql_aurora.3.10.4", instance_class="db.r6g.large"
            ),
        )
        ElastiCacheRedis("cache", ElastiCacheArgs(**common, engine_version="7.1", node_type="cache.t4g.small"))

    run = run_components(build)
    assert len(run.of_type("aws:rds/clusterInstance:ClusterInstance")) == 1
    cluster_group = run.one("aws:rds/clusterParameterGroup:ClusterParameterGroup").plain_inputs
    assert cluster_group["family"] == "aurora-mysql8.0"  # an adopted 8.0 cluster keeps W&B's 8.0 parameters
    assert {"name": "binlog_format", "value": "ROW", "applyMethod": "pending-reboot"} in cluster_group["parameters"]
    assert not any(r.protect for r in run.resources)
    monitoring = run.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment").plain_inputs["policyArn"]
    assert monitoring == "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
    redis = run.one("aws:elasticache/replicationGroup:ReplicationGroup").plain_inputs
    assert redis["numCacheClusters"] == 1 and redis.get("finalSnapshotIdentifier") is None
    rules = run.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert {r.plain_inputs["referencedSecurityGroupId"] for r in rules} == {"sg-nodes"}
