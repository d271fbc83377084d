"""W&B on a GKE cluster you already run, composed from the library's individual components: customer-managed
keys, Cloud SQL for MySQL, Memorystore, a GCS bucket, W&B's workload identity, and the W&B release, joined by
the endpoint contracts (`MysqlEndpoint`, `RedisEndpoint`, `BucketInfo`, `WorkloadIdentity`)."""

import pulumi
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s
from wandb_platform.contracts import IngressSettings
from wandb_platform.gcp.bucket import GcsBucket, GcsBucketArgs
from wandb_platform.gcp.cluster import gke_kubeconfig
from wandb_platform.gcp.identity import GcpWandbIdentity, GcpWandbIdentityArgs
from wandb_platform.gcp.kms import GcpKms, KmsArgs
from wandb_platform.gcp.mysql import CloudSqlArgs, CloudSqlMysql
from wandb_platform.gcp.project import GcpProjectServices, ProjectServicesArgs
from wandb_platform.gcp.redis import MemorystoreArgs, MemorystoreRedis
from wandb_platform.k8s.wandb_release import WandbRelease, WandbReleaseArgs
from wandb_platform.k8s.wandb_values import ValuesInput, service_account_names

config = pulumi.Config()
project = pulumi.Config("gcp").require("project")
region = pulumi.Config("gcp").get("region") or "us-central1"
network = config.require("network")  # your VPC, with private service access (a servicenetworking peering)
host = config.require("host")
NAMESPACE, INSTANCE = "wandb", "wandb"

# Your cluster, and a Kubernetes provider for it.
cluster = gcp.container.get_cluster_output(name=config.require("clusterName"), location=region, project=project)
ca_certificate = cluster.master_auths.apply(lambda auths: auths[0].cluster_ca_certificate)
kubeconfig = pulumi.Output.secret(
    pulumi.Output.all(cluster.name, cluster.endpoint, ca_certificate).apply(lambda a: gke_kubeconfig(*a))
)
gke = k8s.Provider("my-gke", kubeconfig=kubeconfig)

# One key per datastore, trusted only by that service's agent.
services = GcpProjectServices("project", ProjectServicesArgs(project=project, enable_apis=False))
kms = GcpKms(
    "keys",
    KmsArgs(
        project=project,
        location=region,
        keys={
            key: [services.agents[agent]]
            for key, agent in (("mysql", "sql"), ("redis", "redis"), ("bucket", "storage"))
        },
    ),
)


def private(key: str) -> dict:
    return dict(
        project=project, region=region, network_id=network, kms_key_id=kms.key_id(key), depends_on=kms.ready(key)
    )


mysql = CloudSqlMysql("mysql", CloudSqlArgs(**private("mysql"), tier="db-n1-highmem-2"))
redis = MemorystoreRedis("redis", MemorystoreArgs(**private("redis"), memory_size_gb=6))
bucket = GcsBucket(
    "objects",
    GcsBucketArgs(project=project, location=region, kms_key_id=kms.key_id("bucket"), depends_on=kms.ready("bucket")),
)
identity = GcpWandbIdentity(
    "identity",
    GcpWandbIdentityArgs(
        project=project,
        account_id="wandb-app",
        bucket_name=bucket.info.name,
        workload_pool=f"{project}.svc.id.goog",  # your cluster must have workload identity on
        namespace=NAMESPACE,
        service_accounts=service_account_names(INSTANCE),
        kms_key_id=bucket.info.kms_key,
    ),
)

release = WandbRelease(
    "wandb",
    WandbReleaseArgs(
        values=ValuesInput(
            host=host,
            instance_name=INSTANCE,
            namespace=NAMESPACE,
            size="small",
            cloud_provider="gcp",
            mysql=mysql.endpoint,
            redis=redis.endpoint,
            bucket=bucket.info,
            identity=identity.workload_identity,
            ingress=IngressSettings(ingress_class="", annotations={"kubernetes.io/ingress.class": "gce"}),
        ),
        license=config.require_secret("license"),
    ),
    opts=pulumi.ResourceOptions(providers=[gke]),
)

pulumi.export("namespace", release.namespace)
pulumi.export("bucket", bucket.info.name)
