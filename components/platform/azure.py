"""The whole W&B platform on Azure as one component: a private network, Key Vault with one key per consumer,
AKS, MySQL Flexible Server, Azure Managed Redis and a storage account in parallel, Application Gateway for
Containers, then the W&B release.

Every service encrypts with its own key through its own user-assigned identity, granted before the service
exists; the datastores, the storage account and the gateway wait only for the network and their grants, never
for the cluster. No `from __future__ import annotations` here: Pulumi infers the component's schema from these
annotations.
"""

import pulumi
import pulumi_azure_native as azure

from ..azure.aks import AksCluster, AksClusterArgs
from ..azure.disks import AzureDiskEncryptionSet, AzureDiskEncryptionSetArgs
from ..azure.identity import workload_identity
from ..azure.ingress import AgcIngress, AgcIngressArgs
from ..azure.keyvault import AzureKeyVault, AzureKeyVaultArgs
from ..azure.network import AzureNetwork, AzureNetworkArgs
from ..azure.roles import (
    KEY_VAULT_CONTRIBUTOR,
    NETWORK_CONTRIBUTOR,
    READER,
    STORAGE_BLOB_DATA_CONTRIBUTOR,
    STORAGE_BLOB_DELEGATOR,
    grant,
)
from ..azure.storage import AzureBlobStorage, AzureBlobStorageArgs
from ..contracts import BucketInfo
from ..k8s.wandb_values import service_account_names
from ..naming import bounded_name, compact_name, digest
from .azure_args import AzureWandbPlatformArgs, azure_problems
from .azure_datastores import AzurePlacement, azure_datastores
from .backups import azure_clickhouse_backups
from .cloud_metrics import azure_cloud_metrics
from .dr import azure_geo_backup_key, copies
from .isolation import azure_isolation
from .registry import platform_registry
from .release import TargetEndpoints, WandbPlatform, external_bucket, host_name, install_wandb
from .sizes import AzureSize, resolve_size
from .validation import raise_problems
from .vault import with_rotation_admin

__all__ = ["AzureWandbPlatform", "AzureWandbPlatformArgs"]  # what users import from here

TOKEN = "wandb-platform:index:AzureWandbPlatform"
BASE_TAGS = {"app": "wandb", "managed-by": "pulumi"}
UNIQUE_CHARS = 6
SECRETS_KEY, DISKS_KEY = "aks-secrets", "aks-disks"


class AzureWandbPlatform(WandbPlatform):
    """Self-managed W&B on Azure: a private AKS cluster, MySQL Flexible Server, Azure Managed Redis and Blob
    storage encrypted with customer-managed keys, workload identity, Application Gateway for Containers, and the
    W&B operator with its `WeightsAndBiases` resource."""

    kubeconfig: pulumi.Output[str]
    """A kubeconfig for the AKS cluster (secret; signs in with Entra ID through `kubelogin --login azurecli`)."""
    ingress_hostname: pulumi.Output[str]
    """The gateway frontend's name: point the host's DNS CNAME record at it."""
    wandb_client_id: pulumi.Output[str]
    """The client id of the managed identity W&B's pods act as."""
    resource_group: pulumi.Output[str]
    """The resource group everything is in."""

    def __init__(self, name: str, args: AzureWandbPlatformArgs, opts: pulumi.ResourceOptions | None = None):
        args = AzureWandbPlatformArgs.of(args)
        raise_problems("AzureWandbPlatform", azure_problems(args))
        super().__init__(TOKEN, name, None, opts)
        self._name, self._args, self._prefix = name, args, args.name_prefix or name
        self._child = pulumi.ResourceOptions(parent=self)
        self._tags = {**BASE_TAGS, **args.tags}
        size: AzureSize = resolve_size("azure", args.wandb.size, args.sizes.given())  # type: ignore[assignment]
        client = azure.authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=self))
        self._subscription = client.subscription_id
        self._group = self._resource_group()
        # Six hex characters of the subscription and prefix keep Azure-wide names (vault, account, servers) apart.
        self._unique = self._subscription.apply(lambda s: digest(f"{s}/{self._prefix}", UNIQUE_CHARS))
        self._common = dict(resource_group_name=self._group, location=args.location, tags=self._tags)
        network = AzureNetwork(
            f"{name}-net",
            AzureNetworkArgs(
                resource_group_name=self._group, location=args.location, vnet_cidr=args.vnet_cidr, tags=self._tags
            ),
            self._child,
        )
        identities = {
            service: azure.managedidentity.UserAssignedIdentity(f"{name}-{service}", opts=self._child, **self._common)
            for service in self._encrypting_services()
        }
        keys = AzureKeyVault(
            f"{name}-keys",
            AzureKeyVaultArgs(
                resource_group_name=self._group,
                location=args.location,
                tenant_id=client.tenant_id,
                subscription_id=self._subscription,
                vault_name=self._unique_name("kv", 24),
                keys={
                    SECRETS_KEY: [identities["aks"].principal_id],
                    DISKS_KEY: [],  # its disk encryption set's own identity is granted beside it
                    **{service: [identities[service].principal_id] for service in identities if service != "aks"},
                },
                encrypt_keys=[SECRETS_KEY],
                endpoint_subnet_id=network.subnet_ids["endpoints"],
                vnet_id=network.vnet.id,
                rotation_days=args.key_rotation_days,
                protect=args.protect,
                tags=self._tags,
            ),
            self._child,
        )
        logs = azure.operationalinsights.Workspace(
            f"{name}-logs",
            sku={"name": "PerGB2018"},
            retention_in_days=args.log_retention_days,
            opts=self._child,
            **self._common,
        )
        cluster = self._cluster(network, identities["aks"], keys, size, logs.id)
        geo_key = azure_geo_backup_key(
            f"{name}-dr",
            args,
            vault_name=self._unique_name("kvdr", 24),
            tenant_id=client.tenant_id,
            subscription_id=self._subscription,
            common=self._common,
            parent=self,
        )
        mysql_server, redis_cache = azure_datastores(
            args,
            AzurePlacement(self._name, self._group, network, identities, keys, self._tags, self._child),
            size=size,
            names=self._unique_name,
            geo_key=geo_key,
        )
        mysql = with_rotation_admin(
            name,
            args.wandb,
            args.secrets,
            mysql_server and mysql_server.endpoint,
            cluster.info,
            self,
            platform_registry(args),
        )
        redis = redis_cache and redis_cache.endpoint
        bucket, storage = self._bucket(network, identities, keys)
        wandb = args.wandb
        app_identity, workload = workload_identity(
            f"{name}-app",
            issuer=cluster.info.oidc_issuer,
            namespace=wandb.namespace,
            service_accounts=service_account_names(wandb.instance_name),
            opts=self._child,
            **self._common,
        )
        if storage is not None:
            self._grant(f"{name}-app-delegator", app_identity, STORAGE_BLOB_DELEGATOR, storage.account.id)
            self._grant(f"{name}-app-blobs", app_identity, STORAGE_BLOB_DATA_CONTRIBUTOR, storage.container.id)
        ingress = AgcIngress(
            f"{name}-ingress",
            AgcIngressArgs(
                resource_group_name=self._group,
                location=args.location,
                subscription_id=self._subscription,
                subnet_id=network.subnet_ids["gateway"],
                issuer=cluster.info.oidc_issuer,
                host_name=host_name(wandb.host),
                tls=args.ingress.tls,
                tls_secret_name=args.tls_secret_name or f"{wandb.instance_name}-tls",
                acme_email=args.acme_email,
                controller_chart_version=args.alb_controller_chart_version,
                cert_manager_chart_version=args.cert_manager_chart_version,
                extra_annotations=args.ingress.annotations,
                tags=self._tags,
                registry=platform_registry(args),
            ),
            pulumi.ResourceOptions(parent=self, providers=[cluster.info.k8s_provider]),
        )
        release = install_wandb(
            name,
            args,
            TargetEndpoints(
                cluster=cluster.info,
                cloud_provider="azure",
                mysql=mysql,
                redis=redis,
                bucket=bucket,
                identity=workload,
                ingress=ingress.settings,
                wait_for=ingress.ready,
                spot=cluster.spot,
                clickhouse_backups=azure_clickhouse_backups(
                    f"{name}-clickhouse-backups",
                    args,
                    storage=storage,
                    issuer=cluster.info.oidc_issuer,
                    subscription_id=self._subscription,
                    common=self._common,
                    opts=self._child,
                ),
                cloud_metrics=azure_cloud_metrics(
                    f"{name}-cloud-metrics",
                    args,
                    subscription_id=self._subscription,
                    resource_group_name=self._group,
                    issuer=cluster.info.oidc_issuer,
                    mysql_id=mysql_server and mysql_server.server.id,
                    redis_id=redis_cache and redis_cache.id,
                    gateway_id=ingress.gateway_id,
                    tags=self._tags,
                    opts=self._child,
                ),
                isolation=azure_isolation(
                    vnet_cidr=args.vnet_cidr, mysql=mysql, redis=redis, private_storage=storage is not None
                ),
            ),
            self,
        )
        self._wandb_outputs(wandb.host, release, cluster.info, bucket)
        self._handoff_outputs(release, None)
        self.kubeconfig = cluster.info.kubeconfig
        self.ingress_hostname = ingress.hostname
        self.wandb_client_id = app_identity.client_id
        self.resource_group = pulumi.Output.from_input(self._group)
        self.register_outputs(self.stack_outputs())

    def stack_outputs(self) -> dict[str, pulumi.Input]:
        """The outputs a stack of this platform exports, by their stack output names."""
        return {
            **super().stack_outputs(),
            "kubeconfig": self.kubeconfig,
            "ingressHostname": self.ingress_hostname,
            "wandbClientId": self.wandb_client_id,
            "resourceGroup": self.resource_group,
        }

    def _resource_group(self) -> pulumi.Input[str]:
        args = self._args
        if args.resource_group_name:
            return args.resource_group_name
        group = azure.resources.ResourceGroup(
            f"{self._name}-rg",
            resource_group_name=bounded_name(self._prefix, "rg", 90),
            location=args.location,
            tags=self._tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        return group.name

    def _unique_name(self, suffix: str, max_length: int) -> pulumi.Output[str]:
        """A name Azure requires to be unique across all its customers: the prefix, the suffix and a hash of the
        subscription, so that the same stack in two subscriptions never collides and a plan is reproducible."""
        return pulumi.Output.concat(bounded_name(self._prefix, suffix, max_length - 7), "-", self._unique)

    def _encrypting_services(self) -> list[str]:
        """The services that encrypt with a key of their own through an identity of their own."""
        managed = {"mysql": self._args.mysql.mode, "redis": self._args.redis.mode, "storage": self._args.bucket.mode}
        return ["aks", *(service for service, mode in managed.items() if mode == "managed")]

    def _grant(self, name: str, identity, role: str, scope: pulumi.Input[str]) -> azure.authorization.RoleAssignment:
        return grant(
            name,
            principal_id=identity.principal_id,
            subscription_id=self._subscription,
            role=role,
            scope=scope,
            opts=self._child,
        )

    def _cluster(
        self, network: AzureNetwork, identity, keys: AzureKeyVault, size: AzureSize, log_workspace_id
    ) -> AksCluster:
        """AKS, once its control plane's identity holds what it acts with: the subnets it joins, the Secrets key
        (and the vault, where it opens its private KMS connection) and the disk encryption set."""
        args, name = self._args, self._name
        disks = AzureDiskEncryptionSet(
            f"{name}-disks",
            AzureDiskEncryptionSetArgs(
                resource_group_name=self._group,
                location=args.location,
                subscription_id=self._subscription,
                key_vault_id=keys.vault.id,
                key_id=keys.keys[DISKS_KEY].id,
                key_url_with_version=keys.key_uri_with_version(DISKS_KEY),
                protect=args.protect,
                tags=self._tags,
            ),
            self._child,
        )
        grants = [
            self._grant(f"{name}-aks-{label}", identity, role, scope)
            for label, role, scope in (
                ("nodes-subnet", NETWORK_CONTRIBUTOR, network.subnet_ids["nodes"]),
                ("apiserver-subnet", NETWORK_CONTRIBUTOR, network.subnet_ids["apiserver"]),
                ("key-vault", KEY_VAULT_CONTRIBUTOR, keys.vault.id),
                ("disk-encryption-set", READER, disks.id),
            )
        ]
        return AksCluster(
            f"{name}-cluster",
            AksClusterArgs(
                resource_group_name=self._group,
                location=args.location,
                cluster_name=bounded_name(self._prefix, "aks", 63),
                node_subnet_id=network.subnet_ids["nodes"],
                apiserver_subnet_id=network.subnet_ids["apiserver"],
                identity_id=identity.id,
                key_vault_id=keys.vault.id,
                secrets_key_id=keys.key_uri_with_version(SECRETS_KEY),
                disk_encryption_set_id=disks.id,
                kubernetes_version=args.kubernetes_version,
                vm_size=size.node_type,
                min_nodes=size.node_min_count,
                max_nodes=size.node_max_count,
                disk_size_gb=size.node_disk_gb,
                zones=list(args.zones),
                authorized_ips=list(args.api_authorized_ips),
                admin_group_ids=list(args.admin_group_ids),
                log_workspace_id=log_workspace_id,
                spot_max_nodes=args.spot.max_nodes,
                spot_vm_size=args.spot.node_type,
                protect=args.protect,
                depends_on=[*grants, *keys.grants[SECRETS_KEY], disks.grant],
                tags=self._tags,
            ),
            self._child,
        )

    def _bucket(
        self, network: AzureNetwork, identities: dict, keys: AzureKeyVault
    ) -> tuple[BucketInfo, AzureBlobStorage | None]:
        args = self._args
        if args.bucket.mode != "managed":
            return external_bucket(args.bucket, "az"), None
        storage = AzureBlobStorage(
            f"{self._name}-objects",
            AzureBlobStorageArgs(
                resource_group_name=self._group,
                location=args.location,
                account_name=pulumi.Output.concat(compact_name(self._prefix, "blob", 18), self._unique),
                identity_id=identities["storage"].id,
                key_vault_uri=keys.vault.properties.apply(lambda p: p.vault_uri),
                key_name=keys.keys["storage"].name,
                endpoint_subnet_id=network.subnet_ids["endpoints"],
                vnet_id=network.vnet.id,
                allowed_ips=list(args.storage_allowed_ips),
                noncurrent_version_days=args.bucket.noncurrent_version_days,
                geo_redundant=copies(args)["bucket"],
                protect=args.protect,
                depends_on=keys.grants["storage"],
                tags=self._tags,
            ),
            self._child,
        )
        return storage.info, storage
