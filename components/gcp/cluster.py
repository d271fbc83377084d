"""GKE: a private, regional Standard cluster with workload identity and KMS-encrypted Secrets."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s

from ..contracts import ClusterInfo, SpotNodes
from ..k8s.kubeconfig import exec_kubeconfig
from ..k8s.storage_class import encrypted_storage_class
from .network import PODS_RANGE, SERVICES_RANGE

TOKEN = "wandb-platform:index:GkeCluster"
ENCRYPTED_STORAGE_CLASS = "encrypted-rwo"  # PD volumes encrypted with the disks' key (GKE's own classes are not)
NODE_ROLE = "roles/container.defaultNodeServiceAccount"  # logs, metrics, nothing else
# The GKE default scopes without `cloud-platform`: IAM on the node account decides the rest.
NODE_SCOPES = [
    "https://www.googleapis.com/auth/devstorage.read_only",
    "https://www.googleapis.com/auth/logging.write",
    "https://www.googleapis.com/auth/monitoring",
    "https://www.googleapis.com/auth/service.management.readonly",
    "https://www.googleapis.com/auth/servicecontrol",
    "https://www.googleapis.com/auth/trace.append",
]


@dataclass
class AuthorizedNetwork:
    cidr: str
    name: str = ""


@dataclass
class GkeClusterArgs:
    project: str
    region: str
    network_id: pulumi.Input[str]
    subnet_id: pulumi.Input[str]
    secrets_key_id: pulumi.Input[str]  # Cloud KMS key that envelope-encrypts Kubernetes Secrets
    node_disk_key_id: pulumi.Input[str]  # Cloud KMS key for the nodes' boot disks
    node_account_id: str  # 6-30 chars, see components.naming.bounded_name
    machine_type: str
    min_nodes: int
    max_nodes: int
    disk_size_gb: int = 100
    master_cidr: str = "172.16.0.32/28"
    authorized_networks: Sequence[AuthorizedNetwork] = ()
    private_endpoint: bool = False
    release_channel: str = "REGULAR"
    kubernetes_version: str = "1.35"  # the control plane's minimum (W&B needs 1.34+); the channel upgrades on
    rbac_security_group: str = ""  # gke-security-groups@<domain>, for RBAC bound to Google Groups
    # How the node autoscaler trades headroom for cost: BALANCED keeps spare nodes longer (production),
    # OPTIMIZE_UTILIZATION removes idle nodes sooner (dev, where a slower scale-up costs nothing).
    autoscaling_profile: str = "BALANCED"
    spot_max_nodes: int = 0  # a spot pool scaling from none to this, over the region's zones (0: none)
    # Managed Service for Prometheus collects these besides the system's (GKE's kube-state-metrics packages and
    # the kubelet's and cAdvisor's series, for `observability.mode: cloud`); the node account then also reads
    # metrics back, for the managed rule evaluator.
    monitoring_packages: Sequence[str] = ()
    spot_machine_type: str = ""  # "" = machine_type
    deletion_protection: bool = True
    labels: Mapping[str, str] = field(default_factory=dict)
    depends_on: Sequence[pulumi.Resource] = ()  # the Container API and the grants on both keys


def oidc_issuer(project: str, location: str, cluster_name: str) -> str:
    """The cluster's service-account token issuer (what W&B's internal JWT map trusts)."""
    return f"https://container.googleapis.com/v1/projects/{project}/locations/{location}/clusters/{cluster_name}"


def gke_kubeconfig(cluster_name: str, endpoint: str, ca_certificate: str) -> str:
    """A kubeconfig that authenticates with the deployer's gcloud credentials via gke-gcloud-auth-plugin."""
    return exec_kubeconfig(
        cluster_name,
        f"https://{endpoint}",
        ca_certificate,
        "gke-gcloud-auth-plugin",
        install_hint="Install gke-gcloud-auth-plugin (gcloud components install gke-gcloud-auth-plugin)",
    )


SPOT = SpotNodes("cloud.google.com/gke-spot", "true", "cloud.google.com/gke-spot", "true")


def _node_config(args: GkeClusterArgs, account_email: pulumi.Input[str]) -> dict:
    """Shared by the (removed) default pool and the W&B pool: shielded, GKE metadata server, CMEK disks."""
    return {
        "machine_type": args.machine_type,
        "disk_size_gb": args.disk_size_gb,
        "disk_type": "pd-balanced",
        "image_type": "COS_CONTAINERD",
        "boot_disk_kms_key": args.node_disk_key_id,
        "service_account": account_email,
        "oauth_scopes": NODE_SCOPES,
        "metadata": {"disable-legacy-endpoints": "true"},
        "workload_metadata_config": {"mode": "GKE_METADATA"},
        "shielded_instance_config": {"enable_secure_boot": True, "enable_integrity_monitoring": True},
        "resource_labels": dict(args.labels),
    }


class GkeCluster(pulumi.ComponentResource):
    """Exposes `info` (ClusterInfo): a Kubernetes provider that is usable only once the node pool exists,
    so nothing installed through it waits on less or more than it needs."""

    def __init__(self, name: str, args: GkeClusterArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        nodes = gcp.serviceaccount.Account(
            f"{name}-nodes",
            project=args.project,
            account_id=args.node_account_id,
            display_name="W&B GKE nodes (least privilege)",
            opts=child,
        )
        node_role = gcp.projects.IAMMember(
            f"{name}-nodes-role", project=args.project, role=NODE_ROLE, member=nodes.member, opts=child
        )
        if args.monitoring_packages:
            gcp.projects.IAMMember(
                f"{name}-nodes-monitoring-viewer",
                project=args.project,
                role="roles/monitoring.viewer",
                member=nodes.member,
                opts=child,
            )
        cluster = gcp.container.Cluster(
            f"{name}-gke",
            project=args.project,
            location=args.region,
            network=args.network_id,
            subnetwork=args.subnet_id,
            networking_mode="VPC_NATIVE",
            datapath_provider="ADVANCED_DATAPATH",  # Dataplane V2 enforces NetworkPolicy itself,
            network_policy={"enabled": False},  # so the legacy Calico add-on stays off
            remove_default_node_pool=True,
            initial_node_count=1,
            node_config=_node_config(args, nodes.email),
            ip_allocation_policy={
                "cluster_secondary_range_name": PODS_RANGE,
                "services_secondary_range_name": SERVICES_RANGE,
            },
            private_cluster_config={
                "enable_private_nodes": True,
                "enable_private_endpoint": args.private_endpoint,
                "master_ipv4_cidr_block": args.master_cidr,
                "master_global_access_config": {"enabled": True},
            },
            master_authorized_networks_config={
                "cidr_blocks": [
                    {"cidr_block": n.cidr, "display_name": n.name or n.cidr} for n in args.authorized_networks
                ],
                "gcp_public_cidrs_access_enabled": False,
            },
            master_auth={"client_certificate_config": {"issue_client_certificate": False}},
            workload_identity_config={"workload_pool": f"{args.project}.svc.id.goog"},
            release_channel={"channel": args.release_channel},
            min_master_version=args.kubernetes_version,
            database_encryption={"state": "ENCRYPTED", "key_name": args.secrets_key_id},
            enable_shielded_nodes=True,
            enable_intranode_visibility=True,
            enable_legacy_abac=False,
            binary_authorization={"evaluation_mode": "PROJECT_SINGLETON_POLICY_ENFORCE"},
            authenticator_groups_config=(
                {"security_group": args.rbac_security_group} if args.rbac_security_group else None
            ),
            addons_config={
                "http_load_balancing": {"disabled": False},
                "horizontal_pod_autoscaling": {"disabled": False},
                "gce_persistent_disk_csi_driver_config": {"enabled": True},
            },
            logging_config={"enable_components": ["SYSTEM_COMPONENTS", "APISERVER", "WORKLOADS"]},
            monitoring_config={
                "enable_components": ["SYSTEM_COMPONENTS", *args.monitoring_packages],
                "managed_prometheus": {"enabled": True},
            },
            maintenance_policy={"daily_maintenance_window": {"start_time": "03:00"}},
            cluster_autoscaling={"enabled": False, "autoscaling_profile": args.autoscaling_profile},
            resource_labels=dict(args.labels),
            deletion_protection=args.deletion_protection,
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.deletion_protection, depends_on=[*args.depends_on, node_role]
            ),
        )
        pool = gcp.container.NodePool(
            f"{name}-pool",
            project=args.project,
            location=args.region,
            cluster=cluster.name,
            autoscaling={
                "total_min_node_count": args.min_nodes,
                "total_max_node_count": args.max_nodes,
                "location_policy": "BALANCED",
            },
            management={"auto_repair": True, "auto_upgrade": True},
            upgrade_settings={"strategy": "SURGE", "max_surge": 1, "max_unavailable": 0},
            node_config=_node_config(args, nodes.email),
            opts=child,
        )
        self.spot: SpotNodes | None = None
        if args.spot_max_nodes:
            spot_config = {
                **_node_config(args, nodes.email),
                "machine_type": args.spot_machine_type or args.machine_type,
                "spot": True,  # GKE labels the nodes cloud.google.com/gke-spot=true
                "taints": [{"key": SPOT.taint_key, "value": SPOT.taint_value, "effect": "NO_SCHEDULE"}],
            }
            gcp.container.NodePool(
                f"{name}-spot-pool",
                project=args.project,
                location=args.region,
                cluster=cluster.name,
                autoscaling={"total_min_node_count": 0, "total_max_node_count": args.spot_max_nodes},
                management={"auto_repair": True, "auto_upgrade": True},
                node_config=spot_config,
                opts=child,
            )
            self.spot = SPOT
        kubeconfig = pulumi.Output.secret(
            pulumi.Output.all(
                cluster.name, cluster.endpoint, cluster.master_auth.cluster_ca_certificate, pool.id
            ).apply(lambda a: gke_kubeconfig(a[0], a[1], a[2]))
        )
        provider = k8s.Provider(f"{name}-k8s", kubeconfig=kubeconfig, opts=child)
        encrypted_storage_class(
            f"{name}-encrypted",
            name=ENCRYPTED_STORAGE_CLASS,
            provisioner="pd.csi.storage.gke.io",
            parameters={"type": "pd-balanced", "disk-encryption-kms-key": args.node_disk_key_id},
            protect=args.deletion_protection,
            opts=pulumi.ResourceOptions(parent=self, provider=provider),
        )
        self.cluster = cluster
        self.node_pool = pool
        self.node_account = nodes
        self.workload_pool = cluster.workload_identity_config.apply(lambda c: c.workload_pool if c else "")
        self.info = ClusterInfo(
            name=cluster.name,
            kubeconfig=kubeconfig,
            k8s_provider=provider,
            oidc_issuer=cluster.name.apply(lambda n: oidc_issuer(args.project, args.region, n)),
            storage_class=ENCRYPTED_STORAGE_CLASS,
            api_server=pulumi.Output.concat("https://", cluster.endpoint),
            api_ca_cert=cluster.master_auth.cluster_ca_certificate.apply(lambda c: base64.b64decode(c or "").decode()),
        )
        self.register_outputs({"name": cluster.name, "endpoint": cluster.endpoint, "kubeconfig": kubeconfig})
