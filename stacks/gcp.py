"""The GCP stack: network, cluster, managed datastores and identity in parallel, then the W&B release.

Only the Kubernetes objects wait for the cluster; Cloud SQL, Memorystore, the bucket and the ingress's cloud
pieces wait only for the network, their key grants and their APIs.
"""

from __future__ import annotations

import pulumi

from components.contracts import BucketInfo, MysqlEndpoint, RedisEndpoint
from components.gcp.bucket import GcsBucket, GcsBucketArgs
from components.gcp.cluster import AuthorizedNetwork, GkeCluster, GkeClusterArgs
from components.gcp.identity import GcpWandbIdentity, GcpWandbIdentityArgs
from components.gcp.ingress import GkeIngress, GkeIngressArgs
from components.gcp.kms import GcpKms, KmsArgs
from components.gcp.mysql import CloudSqlArgs, CloudSqlMysql
from components.gcp.network import GcpNetwork, NetworkArgs
from components.gcp.project import GcpProjectServices, ProjectServicesArgs
from components.gcp.redis import MemorystoreArgs, MemorystoreRedis
from components.k8s.wandb_values import service_account_names
from components.naming import StackNames
from stacks.config import PlatformConfig
from stacks.release import ReleaseInputs, external_bucket, install_wandb

GCP_ACCOUNT_ID_MAX = 30


def _kms_keys(cfg: PlatformConfig, agents: dict[str, pulumi.Output[str]]) -> dict[str, list[pulumi.Output[str]]]:
    """One key per consumer that this stack creates, trusted only by that consumer's service agent."""
    keys = {"gke-secrets": [agents["container"]], "gke-disks": [agents["compute"]]}
    managed = {
        "mysql": ("sql", cfg.mysql.mode),
        "redis": ("redis", cfg.redis.mode),
        "bucket": ("storage", cfg.bucket.mode),
    }
    keys.update({key: [agents[agent]] for key, (agent, mode) in managed.items() if mode == "managed"})
    return keys


def build_gcp(cfg: PlatformConfig, names: StackNames) -> dict[str, pulumi.Input]:
    """Compose the GCP platform for one stack; returns the stack outputs."""
    prefix = names.logical
    project, region, size, labels = cfg.gcp_project or "", cfg.gcp_region, cfg.cluster_size, cfg.resource_labels
    services = GcpProjectServices(prefix, ProjectServicesArgs(project=project, enable_apis=cfg.gcp.enable_apis))
    agents = services.agents

    kms = GcpKms(
        f"{prefix}-kms",
        KmsArgs(
            project=project,
            location=region,
            keys=_kms_keys(cfg, agents),
            rotation_days=cfg.gcp.kms_rotation_days,
            protect=cfg.protect,
            labels=labels,
            depends_on=services.api("cloudkms.googleapis.com"),
        ),
    )
    network = GcpNetwork(
        f"{prefix}-net",
        NetworkArgs(
            project=project,
            region=region,
            subnet_cidr=str(cfg.gcp.subnet_cidr),
            pods_cidr=str(cfg.gcp.pods_cidr),
            services_cidr=str(cfg.gcp.services_cidr),
            private_services_prefix_length=cfg.gcp.private_services_prefix_length,
            depends_on=services.api("compute.googleapis.com", "servicenetworking.googleapis.com"),
            labels=labels,
        ),
    )
    cluster = GkeCluster(
        f"{prefix}-cluster",
        GkeClusterArgs(
            project=project,
            region=region,
            network_id=network.network.id,
            subnet_id=network.subnet.id,
            secrets_key_id=kms.key_id("gke-secrets"),
            node_disk_key_id=kms.key_id("gke-disks"),
            node_account_id=names.cloud("nodes", GCP_ACCOUNT_ID_MAX),
            machine_type=size.node_type,
            min_nodes=size.node_min_count,
            max_nodes=size.node_max_count,
            disk_size_gb=size.node_disk_gb,
            master_cidr=str(cfg.gcp.master_cidr),
            authorized_networks=[AuthorizedNetwork(str(n.cidr), n.name) for n in cfg.gcp.authorized_networks],
            private_endpoint=cfg.gcp.private_endpoint,
            release_channel=cfg.gcp.release_channel,
            kubernetes_version=cfg.gcp.kubernetes_version,
            rbac_security_group=cfg.gcp.rbac_security_group,
            deletion_protection=cfg.protect,
            labels=labels,
            depends_on=[
                *services.api("container.googleapis.com", "iam.googleapis.com", "binaryauthorization.googleapis.com"),
                *kms.ready("gke-secrets"),
                *kms.ready("gke-disks"),
            ],
        ),
    )

    def private_service(key: str, api: str) -> dict:
        """What Cloud SQL and Memorystore share: their own key and API, the peered network, HA, protection."""
        return dict(
            project=project,
            region=region,
            network_id=network.network.id,
            kms_key_id=kms.key_id(key),
            high_availability=cfg.ha,
            deletion_protection=cfg.protect,
            labels=labels,
            depends_on=[network.private_services, *kms.ready(key), *services.api(api)],
        )

    mysql: MysqlEndpoint | None = None
    if cfg.mysql.mode == "managed":
        mysql = CloudSqlMysql(
            f"{prefix}-mysql",
            CloudSqlArgs(
                **private_service("mysql", "sqladmin.googleapis.com"),
                tier=size.mysql_tier,
                database_version=f"MYSQL_{cfg.mysql.version.replace('.', '_')}",
                backup_retention_days=cfg.mysql_backup_days,
                database=cfg.mysql.database,
                user=cfg.mysql.user,
            ),
        ).endpoint

    redis: RedisEndpoint | None = None
    if cfg.redis.mode == "managed":
        redis = MemorystoreRedis(
            f"{prefix}-redis",
            MemorystoreArgs(**private_service("redis", "redis.googleapis.com"), memory_size_gb=size.redis_memory_gb),
        ).endpoint

    bucket: BucketInfo
    if cfg.bucket.mode == "managed":
        bucket = GcsBucket(
            f"{prefix}-objects",
            GcsBucketArgs(
                project=project,
                location=region,
                kms_key_id=kms.key_id("bucket"),
                cors_origins=["*"],
                noncurrent_version_days=cfg.bucket.noncurrent_version_days,
                protect=cfg.protect,
                labels=labels,
                depends_on=[*kms.ready("bucket"), *services.api("storage.googleapis.com")],
            ),
        ).info
    else:
        bucket = external_bucket(cfg)

    identity = GcpWandbIdentity(
        f"{prefix}-identity",
        GcpWandbIdentityArgs(
            project=project,
            account_id=names.cloud("app", GCP_ACCOUNT_ID_MAX),
            bucket_name=bucket.name,
            workload_pool=cluster.workload_pool,
            namespace=cfg.namespace,
            service_accounts=service_account_names(cfg.instance_name),
            kms_key_id=bucket.kms_key or None,
            depends_on=services.api("iam.googleapis.com"),
        ),
    )
    ingress = GkeIngress(
        f"{prefix}-ingress",
        GkeIngressArgs(
            project=project,
            host_name=cfg.host_name,
            frontend_config_name=f"{cfg.instance_name}-frontend",
            tls=cfg.ingress.tls,
            static_ip_name=cfg.ingress.static_ip_name,
            extra_annotations=cfg.ingress.annotations,
            depends_on=services.api("compute.googleapis.com"),
        ),
    )
    outputs = install_wandb(
        cfg,
        prefix,
        ReleaseInputs(
            cluster=cluster.info,
            cloud_provider="gcp",
            mysql=mysql,
            redis=redis,
            bucket=bucket,
            identity=identity.workload_identity,
            ingress=ingress.settings,
        ),
    )
    return {
        **outputs,
        "ingressAddress": ingress.address,
        "wandbServiceAccount": identity.account.email,
    }
