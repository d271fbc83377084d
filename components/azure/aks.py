"""The AKS cluster for W&B: Azure CNI overlay with Cilium (network policy), the OIDC issuer and workload
identity, Entra ID sign-in only (Azure RBAC, local accounts off: kubeconfigs use `kubelogin`), the API server
in the network (VNet integration; private unless `authorized_ips`), Kubernetes Secrets encrypted with a Key
Vault key reached privately, node OS disks encrypted with a disk encryption set and encryption at host, a
tainted system pool and an autoscaled user pool over three zones, the Azure Policy add-on, automatic patch
and node-image upgrades in maintenance windows, and (given a Log Analytics workspace) control-plane and audit
logs through a diagnostic setting and the containers' logs through Container Insights.

The control plane's identity must hold its grants (the key, the subnets) before the cluster exists: pass them
as `depends_on`. The Kubernetes provider is built from the user kubeconfig once the user pool exists.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure
import pulumi_kubernetes as k8s
import yaml

from ..contracts import ClusterInfo, SpotNodes
from ..k8s.storage_class import encrypted_storage_class
from .layout import ZONES

TOKEN = "wandb-platform:index:AksCluster"
ENCRYPTED_STORAGE_CLASS = "encrypted-zrs"  # zone-redundant disks with the platform's key
SYSTEM_TAINT = "CriticalAddonsOnly=true:NoSchedule"
SPOT = SpotNodes("kubernetes.azure.com/scalesetpriority", "spot", "kubernetes.azure.com/scalesetpriority", "spot")
# The control plane's log categories: the API server, the audit log of every change (reads left out: they are
# most of the volume and show no change), the controllers, the scheduler, the autoscaler and Entra ID sign-ins.
CONTROL_PLANE_LOGS = (
    "kube-apiserver",
    "kube-audit-admin",
    "kube-controller-manager",
    "kube-scheduler",
    "cluster-autoscaler",
    "guard",
)
AKS_SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630"  # the Entra ID application of every AKS API server


@dataclass
class AksClusterArgs:
    resource_group_name: pulumi.Input[str]
    location: str
    cluster_name: str
    node_subnet_id: pulumi.Input[str]
    apiserver_subnet_id: pulumi.Input[str]
    identity_id: pulumi.Input[str]  # the control plane's user-assigned identity
    key_vault_id: pulumi.Input[str]
    secrets_key_id: pulumi.Input[str]  # the versioned key id of Kubernetes Secrets' envelope key
    disk_encryption_set_id: pulumi.Input[str]
    kubernetes_version: str = "1.35"
    vm_size: str = "Standard_E8s_v5"
    min_nodes: int = 3
    max_nodes: int = 9
    disk_size_gb: int = 128
    zones: Sequence[str] = ZONES
    system_vm_size: str = "Standard_D4s_v5"
    pod_cidr: str = "10.244.0.0/16"
    service_cidr: str = "10.40.0.0/16"
    dns_service_ip: str = "10.40.0.10"
    authorized_ips: Sequence[str] = ()  # empty: a private API server
    admin_group_ids: Sequence[str] = ()  # Entra ID groups made cluster admins
    log_workspace_id: pulumi.Input[str] | None = None  # control-plane, audit and container logs go there
    spot_max_nodes: int = 0  # a spot pool scaling from none to this (0: none)
    spot_vm_size: str = ""  # "" = vm_size
    protect: bool = True
    depends_on: Sequence[pulumi.Resource] = ()
    tags: Mapping[str, str] = field(default_factory=dict)


def pool(name: str, args: AksClusterArgs, system: bool) -> dict:
    """An agent pool over three zones, encrypted at host, in the nodes' subnet."""
    return {
        "name": name,
        "mode": "System" if system else "User",
        "vm_size": args.system_vm_size if system else args.vm_size,
        "enable_auto_scaling": True,
        "min_count": 3 if system else args.min_nodes,
        "max_count": 3 if system else args.max_nodes,
        "count": 3 if system else args.min_nodes,
        "availability_zones": list(args.zones),
        "node_taints": [SYSTEM_TAINT] if system else None,
        "os_sku": "AzureLinux",
        "os_disk_type": "Managed",
        "os_disk_size_gb": 128 if system else args.disk_size_gb,
        "enable_encryption_at_host": True,
        "vnet_subnet_id": args.node_subnet_id,
        "orchestrator_version": args.kubernetes_version,
    }


def addons(log_workspace_id: pulumi.Input[str] | None) -> dict:
    """Azure Policy, and Container Insights shipping the containers' logs to the workspace (signing in with
    Entra ID rather than the workspace's key)."""
    profiles: dict = {"azurepolicy": {"enabled": True}}
    if log_workspace_id is not None:
        config = {"logAnalyticsWorkspaceResourceID": log_workspace_id, "useAADAuth": "true"}
        profiles["omsagent"] = {"enabled": True, "config": config}
    return profiles


def user_kubeconfig(encoded: str) -> str:
    """The cluster user's kubeconfig with kubelogin signing in through the Azure CLI's account, as
    `kubelogin convert-kubeconfig -l azurecli` leaves it: AKS hands it out asking for an interactive device
    code, which neither `pulumi up` nor CI can answer."""
    config = yaml.safe_load(base64.b64decode(encoded).decode())
    for user in config.get("users") or []:
        command = (user.get("user") or {}).get("exec") or {}
        if command.get("command") == "kubelogin":
            args = list(command.get("args") or [])
            server = args[args.index("--server-id") + 1] if "--server-id" in args else AKS_SERVER_ID
            command["args"] = ["get-token", "--login", "azurecli", "--server-id", server]
    return yaml.safe_dump(config, sort_keys=False)


def api_server(kubeconfig: str) -> tuple[str, str]:
    """The API server's URL and CA (PEM) from a kubeconfig: what a Vault outside the cluster reviews tokens at."""
    cluster = yaml.safe_load(kubeconfig)["clusters"][0]["cluster"]
    return cluster["server"], base64.b64decode(cluster.get("certificate-authority-data", "")).decode()


class AksCluster(pulumi.ComponentResource):
    """Exposes `cluster` and `info` (ClusterInfo, its provider usable once the user pool exists)."""

    def __init__(self, name: str, args: AksClusterArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        group = args.resource_group_name
        self.cluster = azure.containerservice.ManagedCluster(
            f"{name}-aks",
            resource_group_name=group,
            location=args.location,
            resource_name_=args.cluster_name,
            dns_prefix=args.cluster_name,
            kubernetes_version=args.kubernetes_version,
            sku={"name": "Base", "tier": "Standard"},
            identity={"type": "UserAssigned", "user_assigned_identities": [args.identity_id]},
            enable_rbac=True,
            aad_profile={
                "managed": True,
                "enable_azure_rbac": True,
                "admin_group_object_ids": list(args.admin_group_ids),
            },
            disable_local_accounts=True,
            oidc_issuer_profile={"enabled": True},
            security_profile={
                "workload_identity": {"enabled": True},
                "azure_key_vault_kms": {
                    "enabled": True,
                    "key_id": args.secrets_key_id,
                    "key_vault_network_access": "Private",
                    "key_vault_resource_id": args.key_vault_id,
                },
            },
            api_server_access_profile={
                "enable_vnet_integration": True,
                "subnet_id": args.apiserver_subnet_id,
                "enable_private_cluster": not args.authorized_ips,
                "authorized_ip_ranges": list(args.authorized_ips) or None,
            },
            network_profile={
                "network_plugin": "azure",
                "network_plugin_mode": "overlay",
                "network_dataplane": "cilium",
                "network_policy": "cilium",
                "pod_cidr": args.pod_cidr,
                "service_cidr": args.service_cidr,
                "dns_service_ip": args.dns_service_ip,
                "outbound_type": "userAssignedNATGateway",
            },
            disk_encryption_set_id=args.disk_encryption_set_id,
            agent_pool_profiles=[pool("system", args, system=True)],
            addon_profiles=addons(args.log_workspace_id),
            auto_upgrade_profile={"upgrade_channel": "patch", "node_os_upgrade_channel": "NodeImage"},
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=args.protect,
                depends_on=list(args.depends_on),
                ignore_changes=["agentPoolProfiles"],
            ),
        )
        if args.log_workspace_id is not None:
            azure.monitor.DiagnosticSetting(
                f"{name}-control-plane-logs",
                resource_uri=self.cluster.id,
                workspace_id=args.log_workspace_id,
                log_analytics_destination_type="Dedicated",
                logs=[{"category": category, "enabled": True} for category in CONTROL_PLANE_LOGS],
                opts=child,
            )
        users = azure.containerservice.AgentPool(
            f"{name}-users",
            resource_group_name=group,
            resource_name_=self.cluster.name,
            agent_pool_name="users",
            **{k: v for k, v in pool("users", args, system=False).items() if k != "name"},
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["count"]),  # the autoscaler's to change
        )
        self.spot: SpotNodes | None = None
        if args.spot_max_nodes:
            azure.containerservice.AgentPool(
                f"{name}-spot",
                resource_group_name=group,
                resource_name_=self.cluster.name,
                agent_pool_name="spot",
                **{
                    **{k: v for k, v in pool("spot", args, system=False).items() if k != "name"},
                    "vm_size": args.spot_vm_size or args.vm_size,
                    "min_count": 0,
                    "max_count": args.spot_max_nodes,
                    "count": 0,
                    "scale_set_priority": "Spot",  # AKS taints and labels the nodes
                    "scale_set_eviction_policy": "Delete",
                    "spot_max_price": -1,  # up to the on-demand price: evicted for capacity only
                    "node_taints": [f"{SPOT.taint_key}={SPOT.taint_value}:NoSchedule"],
                },
                opts=pulumi.ResourceOptions(parent=self, ignore_changes=["count"]),
            )
            self.spot = SPOT
        for config, start in (("aksManagedAutoUpgradeSchedule", "02:00"), ("aksManagedNodeOSUpgradeSchedule", "06:00")):
            azure.containerservice.MaintenanceConfiguration(
                f"{name}-{config}",
                resource_group_name=group,
                resource_name_=self.cluster.name,
                config_name=config,
                maintenance_window={
                    "schedule": {"weekly": {"day_of_week": "Sunday", "interval_weeks": 1}},
                    "duration_hours": 4,
                    "start_time": start,
                    "utc_offset": "+00:00",
                },
                opts=child,
            )
        credentials = azure.containerservice.list_managed_cluster_user_credentials_output(
            resource_group_name=group,
            resource_name=self.cluster.name,
            format="exec",
            opts=pulumi.InvokeOutputOptions(parent=self),
        )
        encoded = credentials.apply(lambda result: result.kubeconfigs[0].value)
        kubeconfig = pulumi.Output.secret(pulumi.Output.all(encoded, users.id).apply(lambda a: user_kubeconfig(a[0])))
        provider = k8s.Provider(f"{name}-k8s", kubeconfig=kubeconfig, opts=child)
        encrypted_storage_class(
            f"{name}-encrypted",
            name=ENCRYPTED_STORAGE_CLASS,
            provisioner="disk.csi.azure.com",
            parameters={"skuName": "Premium_ZRS", "diskEncryptionSetID": args.disk_encryption_set_id},
            protect=args.protect,
            opts=pulumi.ResourceOptions(parent=self, provider=provider),
        )
        server = kubeconfig.apply(api_server)
        self.info = ClusterInfo(
            name=self.cluster.name,
            kubeconfig=kubeconfig,
            k8s_provider=provider,
            oidc_issuer=self.cluster.oidc_issuer_profile.apply(lambda p: p.issuer_url if p else ""),
            storage_class=ENCRYPTED_STORAGE_CLASS,
            api_server=server.apply(lambda s: s[0]),
            api_ca_cert=server.apply(lambda s: s[1]),
        )
        self.register_outputs({"name": self.cluster.name})
