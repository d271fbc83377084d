"""The whole W&B platform on GCP as one component: network, GKE, Cloud SQL, Memorystore, a bucket and keys in
parallel, then the W&B release.

Only the Kubernetes objects wait for the cluster; Cloud SQL, Memorystore, the bucket and the ingress's cloud
pieces wait only for the network, their key grants and their APIs. No `from __future__ import annotations`
here: Pulumi infers the component's schema from these annotations.
"""

import pulumi

from ..contracts import BucketInfo, ClickHouseEndpoint
from ..gcp.bucket import GcsBucket, GcsBucketArgs
from ..gcp.cluster import AuthorizedNetwork, GkeCluster, GkeClusterArgs
from ..gcp.identity import GcpWandbIdentity, GcpWandbIdentityArgs
from ..gcp.ingress import GkeIngress, GkeIngressArgs
from ..gcp.kms import GcpKms, KmsArgs
from ..gcp.managed_prometheus import MONITORING_PACKAGES
from ..gcp.network import GcpNetwork, NetworkArgs
from ..gcp.private_endpoint import PrivateServiceConnectArgs, PrivateServiceConnectEndpoint
from ..gcp.project import APIS, GcpProjectServices, ProjectServicesArgs
from ..gcp.vault import GcpVaultSeal, GcpVaultSealArgs, gcs_snapshot_upload
from ..k8s.vault_cluster import VaultCluster
from ..k8s.vault_snapshots import PREFIX as SNAPSHOTS
from ..k8s.wandb_values import service_account_names
from ..naming import bounded_name
from .backups import gcp_clickhouse_backups
from .clickhouse_cloud import clickhouse_cloud_service
from .cloud_metrics import MONITORING_API, gcp_cloud_metrics, gcp_managed_monitoring
from .dr import TRANSFER_API, copies, gcp_bucket_replica, gcp_dr_keys
from .gcp_args import AuthorizedNetworkArgs, GcpWandbPlatformArgs, gcp_problems
from .gcp_datastores import gcp_datastores
from .isolation import gcp_isolation
from .registry import platform_registry
from .release import TargetEndpoints, WandbPlatform, external_bucket, host_name, install_wandb
from .sizes import GcpSize, resolve_size
from .validation import raise_problems
from .vault import in_cluster_vault, vault_namespace

__all__ = ["AuthorizedNetworkArgs", "GcpWandbPlatform", "GcpWandbPlatformArgs"]  # what users import from here

TOKEN = "wandb-platform:index:GcpWandbPlatform"
GCP_ACCOUNT_ID_MAX = 30
GCP_NAME_MAX = 63
DNS_API = "dns.googleapis.com"  # ClickHouse Cloud's private zone
VAULT_SEAL_KEY = "vault-seal"


def _in_cluster_vault(args: GcpWandbPlatformArgs) -> bool:
    return args.secrets.backend == "vault" and args.secrets.vault.mode == "in-cluster"


BASE_LABELS = {"app": "wandb", "managed-by": "pulumi"}


def _kms_keys(args: GcpWandbPlatformArgs, agents: dict[str, pulumi.Output[str]]) -> dict[str, list]:
    """One key per consumer that this platform creates, trusted only by that consumer's service agent (the
    Vault seal's key by its own identity, which GcpVaultSeal grants)."""
    keys = {"gke-secrets": [agents["container"]], "gke-disks": [agents["compute"]]}
    if _in_cluster_vault(args):
        keys[VAULT_SEAL_KEY] = []
    managed = {
        "mysql": ("sql", args.mysql.mode),
        "redis": ("redis", args.redis.mode),
        "bucket": ("storage", args.bucket.mode),
    }
    keys.update({key: [agents[agent]] for key, (agent, mode) in managed.items() if mode == "managed"})
    return keys


class GcpWandbPlatform(WandbPlatform):
    """Self-managed W&B on GCP: a private GKE cluster, Cloud SQL, Memorystore and a GCS bucket encrypted with
    customer-managed keys, workload identity, and the W&B operator with its `WeightsAndBiases` resource."""

    kubeconfig: pulumi.Output[str]
    """A kubeconfig for the GKE cluster (secret; uses gke-gcloud-auth-plugin)."""
    ingress_address: pulumi.Output[str]
    """The global address to point the host's DNS A record at."""
    wandb_service_account: pulumi.Output[str]
    """The Google service account W&B's pods act as."""

    def __init__(self, name: str, args: GcpWandbPlatformArgs, opts: pulumi.ResourceOptions | None = None):
        args = GcpWandbPlatformArgs.of(args)
        raise_problems("GcpWandbPlatform", gcp_problems(args))
        super().__init__(TOKEN, name, None, opts)
        self._name, self._args = name, args
        self._child = pulumi.ResourceOptions(parent=self)
        size: GcpSize = resolve_size("gcp", args.wandb.size, args.sizes.given())  # type: ignore[assignment]
        labels = {**BASE_LABELS, **args.labels}
        apis = (
            *APIS,
            *([DNS_API] if args.clickhouse.mode == "cloud" else []),
            *([MONITORING_API] if args.observability.mode != "none" else []),
            *([TRANSFER_API] if copies(args)["bucket"] else []),
        )
        services = GcpProjectServices(
            name,
            ProjectServicesArgs(
                project=args.project,
                enable_apis=args.enable_apis,
                apis=apis,
                log_retention_days=args.log_retention_days,
            ),
            self._child,
        )
        kms = GcpKms(
            f"{name}-kms",
            KmsArgs(
                project=args.project,
                location=args.region,
                keys=_kms_keys(args, services.agents),
                rotation_days=args.kms_rotation_days,
                protect=args.protect,
                labels=labels,
                depends_on=services.api("cloudkms.googleapis.com"),
            ),
            self._child,
        )
        self._dr_keys = gcp_dr_keys(
            f"{name}-dr-kms",
            args,
            agents=services.agents,
            labels=labels,
            depends_on=services.api("cloudkms.googleapis.com"),
            opts=self._child,
        )
        network = GcpNetwork(
            f"{name}-net",
            NetworkArgs(
                project=args.project,
                region=args.region,
                subnet_cidr=args.subnet_cidr,
                pods_cidr=args.pods_cidr,
                services_cidr=args.services_cidr,
                private_services_prefix_length=args.private_services_prefix_length,
                depends_on=services.api("compute.googleapis.com", "servicenetworking.googleapis.com"),
                labels=labels,
            ),
            self._child,
        )
        cluster = self._cluster(services, kms, network, size, labels)
        mysql, redis = gcp_datastores(
            name,
            args,
            services=services,
            kms=kms,
            network=network,
            size=size,
            labels=labels,
            dr_keys=self._dr_keys,
            opts=self._child,
        )
        weave, weave_ready = self._clickhouse(services, network, labels)
        bucket = self._bucket(services, kms, labels)
        wandb = args.wandb
        identity = GcpWandbIdentity(
            f"{name}-identity",
            GcpWandbIdentityArgs(
                project=args.project,
                account_id=self._cloud_name("app"),
                bucket_name=bucket.name,
                workload_pool=cluster.workload_pool,
                namespace=wandb.namespace,
                service_accounts=service_account_names(wandb.instance_name),
                kms_key_id=bucket.kms_key or None,
                depends_on=services.api("iam.googleapis.com"),
            ),
            self._child,
        )
        vault = self._vault(kms, cluster, bucket)
        ingress = GkeIngress(
            f"{name}-ingress",
            GkeIngressArgs(
                project=args.project,
                host_name=host_name(wandb.host),
                frontend_config_name=f"{wandb.instance_name}-frontend",
                tls=args.ingress.tls,
                static_ip_name=args.ingress.static_ip_name,
                extra_annotations=args.ingress.annotations,
                depends_on=services.api("compute.googleapis.com"),
            ),
            self._child,
        )
        release = install_wandb(
            name,
            args,
            TargetEndpoints(
                cluster=cluster.info,
                cloud_provider="gcp",
                mysql=mysql,
                redis=redis,
                clickhouse=weave,
                bucket=bucket,
                identity=identity.workload_identity,
                ingress=ingress.settings,
                wait_for=weave_ready,
                spot=cluster.spot,
                clickhouse_backups=gcp_clickhouse_backups(
                    f"{name}-clickhouse-backups",
                    args,
                    bucket=bucket,
                    account_id=self._cloud_name("chbackup"),
                    workload_pool=cluster.workload_pool,
                    opts=pulumi.ResourceOptions(parent=self, depends_on=services.api("iam.googleapis.com")),
                ),
                cloud_metrics=gcp_cloud_metrics(
                    f"{name}-cloud-metrics",
                    args,
                    account_id=self._cloud_name("metrics"),
                    workload_pool=cluster.workload_pool,
                    opts=pulumi.ResourceOptions(
                        parent=self, depends_on=services.api("iam.googleapis.com", MONITORING_API)
                    ),
                ),
                isolation=gcp_isolation(
                    master_cidr=args.master_cidr,
                    private_services_range=network.private_services_range,
                    nodes_cidr=args.subnet_cidr,
                    mysql=mysql,
                    redis=redis,
                    clickhouse_cloud=weave,
                ),
            ),
            self,
        )
        gcp_managed_monitoring(f"{name}-managed-monitoring", args, cluster.info.k8s_provider, release, self)
        self._wandb_outputs(wandb.host, release, cluster.info, bucket)
        self._handoff_outputs(release, vault)
        self.kubeconfig = cluster.info.kubeconfig
        self.ingress_address = ingress.address
        self.wandb_service_account = identity.account.email
        self.register_outputs(self.stack_outputs())

    def stack_outputs(self) -> dict[str, pulumi.Input]:
        """The outputs a stack of this platform exports, by their stack output names."""
        return {
            **super().stack_outputs(),
            "kubeconfig": self.kubeconfig,
            "ingressAddress": self.ingress_address,
            "wandbServiceAccount": self.wandb_service_account,
        }

    def _cloud_name(self, suffix: str) -> str:
        return bounded_name(self._args.name_prefix or self._name, suffix, GCP_ACCOUNT_ID_MAX)

    def _cluster(self, services, kms, network, size: GcpSize, labels: dict[str, str]) -> GkeCluster:
        args = self._args
        return GkeCluster(
            f"{self._name}-cluster",
            GkeClusterArgs(
                project=args.project,
                region=args.region,
                network_id=network.network.id,
                subnet_id=network.subnet.id,
                secrets_key_id=kms.key_id("gke-secrets"),
                node_disk_key_id=kms.key_id("gke-disks"),
                node_account_id=self._cloud_name("nodes"),
                machine_type=size.node_type,
                min_nodes=size.node_min_count,
                max_nodes=size.node_max_count,
                disk_size_gb=size.node_disk_gb,
                master_cidr=args.master_cidr,
                authorized_networks=[AuthorizedNetwork(n.cidr, n.name) for n in args.authorized_networks],
                private_endpoint=args.private_endpoint,
                release_channel=args.release_channel,
                kubernetes_version=args.kubernetes_version,
                rbac_security_group=args.rbac_security_group,
                autoscaling_profile="BALANCED" if args.high_availability else "OPTIMIZE_UTILIZATION",
                spot_max_nodes=args.spot.max_nodes,
                monitoring_packages=MONITORING_PACKAGES if args.observability.mode == "cloud" else (),
                spot_machine_type=args.spot.node_type,
                deletion_protection=args.protect,
                labels=labels,
                depends_on=[
                    *services.api(
                        "container.googleapis.com", "iam.googleapis.com", "binaryauthorization.googleapis.com"
                    ),
                    *kms.ready("gke-secrets"),
                    *kms.ready("gke-disks"),
                ],
            ),
            self._child,
        )

    def _clickhouse(
        self, services, network, labels: dict[str, str]
    ) -> tuple[ClickHouseEndpoint | None, list[pulumi.Resource]]:
        """ClickHouse Cloud in the platform's region, reached over a Private Service Connect endpoint in the
        nodes' subnet; like the other datastores, it never waits for the cluster."""
        args = self._args
        if args.clickhouse.mode != "cloud":
            return None, []
        prefix = args.name_prefix or self._name
        service = clickhouse_cloud_service(
            self._name,
            args,
            cloud_provider="gcp",
            service_name=bounded_name(prefix, "weave", GCP_NAME_MAX),
            tags=labels,
            opts=self._child,
        )
        endpoint = PrivateServiceConnectEndpoint(
            f"{self._name}-clickhouse-psc",
            PrivateServiceConnectArgs(
                project=args.project,
                region=args.region,
                network_id=network.network.id,
                subnet_id=network.subnet.id,
                service_attachment=service.service_attachment,
                host=service.private_host,
                physical_name=bounded_name(prefix, "clickhouse-psc", GCP_NAME_MAX),
                labels=labels,
                depends_on=services.api("compute.googleapis.com", DNS_API),
            ),
            self._child,
        )
        weave, attachment = service.attach([endpoint.connection_id])
        return weave, [attachment, *endpoint.ready]

    def _vault(self, kms, cluster, bucket: BucketInfo) -> VaultCluster | None:
        """Vault in the cluster, auto-unsealed with its own key through a Google service account that only
        Vault's Kubernetes service account may act as."""
        args = self._args
        if not _in_cluster_vault(args):
            return None
        seal = GcpVaultSeal(
            f"{self._name}-vault-seal",
            GcpVaultSealArgs(
                project=args.project,
                region=args.region,
                account_id=self._cloud_name("vault"),
                key=kms.keys[VAULT_SEAL_KEY],
                key_ring_name=kms.key_ring.name,
                workload_pool=cluster.workload_pool,
                namespace=vault_namespace(args.wandb.namespace),
            ),
            self._child,
        )
        upload = gcs_snapshot_upload(
            f"{self._name}-vault-snapshots",
            project=args.project,
            account_id=self._cloud_name("vault-snap"),
            bucket_name=bucket.name,
            workload_pool=cluster.workload_pool,
            namespace=vault_namespace(args.wandb.namespace),
            opts=self._child,
        )
        return in_cluster_vault(
            self._name, args.wandb, args.secrets.vault, cluster.info, seal.seal, upload, self, platform_registry(args)
        )

    def _bucket(self, services, kms, labels: dict[str, str]) -> BucketInfo:
        args = self._args
        if args.bucket.mode != "managed":
            return external_bucket(args.bucket, "gcs")
        bucket = GcsBucket(
            f"{self._name}-objects",
            GcsBucketArgs(
                project=args.project,
                location=args.region,
                kms_key_id=kms.key_id("bucket"),
                cors_origins=["*"],
                noncurrent_version_days=args.bucket.noncurrent_version_days,
                expire_prefixes=(
                    {SNAPSHOTS: args.secrets.vault.snapshot_retention_days} if _in_cluster_vault(args) else {}
                ),
                protect=args.protect,
                labels=labels,
                depends_on=[*kms.ready("bucket"), *services.api("storage.googleapis.com")],
            ),
            self._child,
        )
        gcp_bucket_replica(
            f"{self._name}-dr",
            args,
            source_bucket=bucket.info.name,
            keys=self._dr_keys,
            labels=labels,
            depends_on=services.api("storage.googleapis.com", TRANSFER_API),
            opts=self._child,
        )
        return bucket.info
