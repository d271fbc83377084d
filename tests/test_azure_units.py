"""The Azure components built so far, used on their own (the Azure target is not wired yet): the private
network with its endpoints, and Key Vault with the platform's keys."""

import pulumi
import pulumi_azure_native as azure
import pytest

from components.azure.aks import AksCluster, AksClusterArgs
from components.azure.disks import AzureDiskEncryptionSet, AzureDiskEncryptionSetArgs
from components.azure.identity import workload_identity
from components.azure.keyvault import AzureKeyVault, AzureKeyVaultArgs
from components.azure.layout import subnet_layout
from components.azure.mysql import WANDB_MYSQL_PARAMETERS, AzureMysql, AzureMysqlArgs
from components.azure.network import AzureNetwork, AzureNetworkArgs
from components.azure.redis import AzureManagedRedis, AzureManagedRedisArgs
from components.azure.roles import KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER
from components.azure.storage import CORS, AzureBlobStorage, AzureBlobStorageArgs
from tests.conftest import run_components

SUBSCRIPTION = "00000000-0000-4000-8000-000000000001"
IDENTITY = "/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/db"


@pytest.fixture(scope="module")
def run():
    def build():
        group = azure.resources.ResourceGroup("wandb-rg", location="westeurope")
        network = AzureNetwork("net", AzureNetworkArgs(resource_group_name=group.name, location="westeurope"))
        AzureKeyVault(
            "keys",
            AzureKeyVaultArgs(
                resource_group_name=group.name,
                location="westeurope",
                tenant_id="00000000-0000-4000-8000-0000000000aa",
                subscription_id=SUBSCRIPTION,
                vault_name="wandb-prod-kv",
                keys={"mysql": ["principal-mysql"], "storage": ["principal-storage", "principal-backup"]},
                endpoint_subnet_id=network.subnet_ids["endpoints"],
                vnet_id=network.vnet.id,
            ),
        )
        mysql = AzureMysql(
            "mysql",
            AzureMysqlArgs(
                resource_group_name=group.name,
                location="westeurope",
                server_name="wandb-prod-mysql",
                delegated_subnet_id=network.subnet_ids["mysql"],
                vnet_id=network.vnet.id,
                identity_id=IDENTITY,
                key_uri="https://wandb-prod-kv.vault.azure.net/keys/mysql",
            ),
        )
        redis = AzureManagedRedis(
            "redis",
            AzureManagedRedisArgs(
                resource_group_name=group.name,
                location="westeurope",
                cluster_name="wandb-prod-redis",
                identity_id=IDENTITY,
                key_url_with_version="https://wandb-prod-kv.vault.azure.net/keys/redis/0123",
                endpoint_subnet_id=network.subnet_ids["endpoints"],
                vnet_id=network.vnet.id,
            ),
        )
        AzureBlobStorage(
            "objects",
            AzureBlobStorageArgs(
                resource_group_name=group.name,
                location="westeurope",
                account_name="wandbprodobjects",
                identity_id=IDENTITY,
                key_vault_uri="https://wandb-prod-kv.vault.azure.net/",
                key_name="storage",
                endpoint_subnet_id=network.subnet_ids["endpoints"],
                vnet_id=network.vnet.id,
                allowed_ips=["203.0.113.0/24"],
            ),
        )
        _, wandb_identity = workload_identity(
            "wandb-identity",
            resource_group_name=group.name,
            location="westeurope",
            issuer="https://westeurope.oic.prod-aks.azure.com/tenant/cluster/",
            namespace="wandb",
            service_accounts=["wandb-app", "wandb-api"],
            tags={},
            opts=pulumi.ResourceOptions(),
        )
        return {
            "mysqlHost": mysql.endpoint.host,
            "redisHost": redis.endpoint.host,
            "redisPassword": redis.endpoint.password,
            "clientId": wandb_identity.service_account_annotations["azure.workload.identity/client-id"],
        }

    return run_components(build)


def test_subnets_are_carved_in_order_and_a_small_network_is_refused():
    assert subnet_layout("10.30.0.0/16") == {
        "nodes": "10.30.0.0/20",
        "apiserver": "10.30.16.0/28",
        "mysql": "10.30.17.0/24",
        "endpoints": "10.30.18.0/24",
        "gateway": "10.30.19.0/24",
    }
    with pytest.raises(ValueError, match="too small"):
        subnet_layout("10.30.0.0/22")


def test_the_network_is_private_with_egress_through_nat_and_subnets_made_one_at_a_time(run):
    subnets = {s.name.removeprefix("net-"): s for s in run.of_type("azure-native:network:Subnet")}
    assert sorted(subnets) == ["apiserver", "endpoints", "gateway", "mysql", "nodes"]
    order = ["nodes", "apiserver", "mysql", "endpoints", "gateway"]
    for before, after in zip(order, order[1:], strict=False):
        assert subnets[before].urn in subnets[after].dependencies  # Azure refuses concurrent subnet changes
    nat = run.one("azure-native:network:NatGateway")
    assert subnets["nodes"].plain_inputs["natGateway"] == {"id": nat.id}
    assert all(s.plain_inputs["defaultOutboundAccess"] is False for s in subnets.values())
    assert subnets["mysql"].plain_inputs["delegations"][0]["serviceName"] == "Microsoft.DBforMySQL/flexibleServers"
    assert (
        subnets["apiserver"].plain_inputs["delegations"][0]["serviceName"]
        == "Microsoft.ContainerService/managedClusters"
    )
    assert subnets["endpoints"].plain_inputs["privateEndpointNetworkPolicies"] == "Enabled"
    assert all("networkSecurityGroup" in s.plain_inputs for s in subnets.values())


def test_key_vault_is_private_rbac_only_purge_protected_with_rotating_keys_each_for_its_users(run):
    vault = run.one("azure-native:keyvault:Vault")
    p = vault.plain_inputs["properties"]
    assert p["enableRbacAuthorization"] and p["enablePurgeProtection"] and vault.protect
    assert p["publicNetworkAccess"] == "Disabled" and p["networkAcls"]["defaultAction"] == "Deny"
    keys = {k.plain_inputs["keyName"]: k for k in run.of_type("azure-native:keyvault:Key")}
    for key in keys.values():
        props = key.plain_inputs["properties"]
        assert (props["kty"], props["keySize"]) == ("RSA", 3072) and key.protect and "attributes" not in props
        assert props["rotationPolicy"]["lifetimeActions"] == [
            {"trigger": {"timeAfterCreate": "P90D"}, "action": {"type": "rotate"}}
        ]
    grants = [g.plain_inputs for g in run.of_type("azure-native:authorization:RoleAssignment")]
    by_key = {}
    for g in grants:
        assert g["roleDefinitionId"].endswith(KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER)
        assert g["roleDefinitionId"].startswith(f"/subscriptions/{SUBSCRIPTION}/")
        by_key.setdefault(g["scope"], set()).add(g["principalId"])
    assert by_key == {
        keys["mysql"].id: {"principal-mysql"},
        keys["storage"].id: {"principal-storage", "principal-backup"},
    }
    endpoint = next(e for e in run.of_type("azure-native:network:PrivateEndpoint") if e.name == "keys-private-endpoint")
    assert endpoint.plain_inputs["privateLinkServiceConnections"][0]["groupIds"] == ["vault"]
    zone = next(z for z in run.of_type("azure-native:privatedns:PrivateZone") if z.name == "keys-private-zone")
    assert zone.plain_inputs["privateZoneName"] == "privatelink.vaultcore.azure.net"
    link = next(
        x for x in run.of_type("azure-native:privatedns:VirtualNetworkLink") if x.name == "keys-private-zone-link"
    )
    assert link.plain_inputs["virtualNetwork"] == {"id": run.one("azure-native:network:VirtualNetwork").id}


def test_mysql_is_84_zone_redundant_private_encrypted_with_its_key_and_writes_parameters_one_by_one(run):
    server = run.one("azure-native:dbformysql:Server")
    s = server.plain_inputs
    assert s["version"] == "8.4" and server.protect
    # geo-redundant backups need a key and identity of the paired region (dr.mysql); without them none
    assert s["highAvailability"] == {"mode": "ZoneRedundant"} and s["backup"]["geoRedundantBackup"] == "Disabled"
    assert "geoBackupKeyURI" not in s["dataEncryption"]
    zone = next(z for z in run.of_type("azure-native:privatedns:PrivateZone") if z.name == "mysql-zone")
    assert zone.plain_inputs["privateZoneName"].endswith(".private.mysql.database.azure.com")
    subnet = next(x for x in run.of_type("azure-native:network:Subnet") if x.name == "net-mysql")
    assert s["network"] == {
        "delegatedSubnetResourceId": subnet.id,
        "privateDnsZoneResourceId": zone.id,
        "publicNetworkAccess": "Disabled",
    }
    identity = s["identity"]["userAssignedIdentities"][0]
    assert s["dataEncryption"] == {
        "type": "AzureKeyVault",
        "primaryUserAssignedIdentityId": identity,
        "primaryKeyURI": "https://wandb-prod-kv.vault.azure.net/keys/mysql",
    }
    parameters = {c.plain_inputs["configurationName"]: c for c in run.of_type("azure-native:dbformysql:Configuration")}
    assert {k: c.plain_inputs["value"] for k, c in parameters.items()} == WANDB_MYSQL_PARAMETERS
    order = list(WANDB_MYSQL_PARAMETERS)
    for before, after in zip(order, order[1:], strict=False):
        assert parameters[before].urn in parameters[after].dependencies  # one write at a time
    database = run.one("azure-native:dbformysql:Database").plain_inputs
    assert (database["charset"], database["collation"]) == ("utf8mb4", "utf8mb4_general_ci")
    assert "administratorLoginPassword" in s and server.inputs["administratorLoginPassword"] == "[secret]"


def test_managed_redis_is_private_tls_nocluster_with_access_keys_and_its_key(run):
    cluster = run.one("azure-native:redisenterprise:RedisEnterprise")
    c = cluster.plain_inputs
    assert (c["publicNetworkAccess"], c["minimumTlsVersion"], c["highAvailability"]) == ("Disabled", "1.2", "Enabled")
    cmk = c["encryption"]["customerManagedKeyEncryption"]
    assert cmk["keyEncryptionKeyUrl"].endswith("/keys/redis/0123") and cluster.protect
    assert cmk["keyEncryptionKeyIdentity"]["userAssignedIdentityResourceId"] == IDENTITY
    database = run.one("azure-native:redisenterprise:Database").plain_inputs
    assert (database["clientProtocol"], database["port"], database["clusteringPolicy"]) == (
        "Encrypted",
        10000,
        "NoCluster",
    )
    assert database["accessKeysAuthentication"] == "Enabled"
    endpoint = next(
        e for e in run.of_type("azure-native:network:PrivateEndpoint") if e.name == "redis-private-endpoint"
    )
    assert endpoint.plain_inputs["privateLinkServiceConnections"][0]["groupIds"] == ["redisEnterprise"]
    assert run.outputs["redisHost"] == "wandb-prod-redis.westeurope.redis.azure.net"
    assert run.outputs["redisPassword"] == "[secret]"


def test_workload_identity_admits_exactly_the_named_accounts_one_credential_at_a_time(run):
    credentials = run.of_type("azure-native:managedidentity:FederatedIdentityCredential")
    subjects = {c.plain_inputs["subject"] for c in credentials}
    assert subjects == {"system:serviceaccount:wandb:wandb-app", "system:serviceaccount:wandb:wandb-api"}
    assert all(c.plain_inputs["audiences"] == ["api://AzureADTokenExchange"] for c in credentials)
    first, second = sorted(credentials, key=lambda c: c.name.endswith("-api"))
    assert first.urn in second.dependencies or second.urn in first.dependencies
    identity = run.one("azure-native:managedidentity:UserAssignedIdentity")
    assert run.outputs["clientId"] == identity.outputs["clientId"]


def test_blob_storage_is_zone_redundant_tls_only_encrypted_twice_versioned_and_closed_but_for_its_clients(run):
    account = run.one("azure-native:storage:StorageAccount")
    a = account.plain_inputs
    assert (a["kind"], a["sku"], a["minimumTlsVersion"]) == ("StorageV2", {"name": "Standard_ZRS"}, "TLS1_2")
    assert a["enableHttpsTrafficOnly"] and not a["allowBlobPublicAccess"] and account.protect
    assert a["networkRuleSet"]["defaultAction"] == "Deny" and a["publicNetworkAccess"] == "Enabled"
    assert a["networkRuleSet"]["ipRules"] == [{"iPAddressOrRange": "203.0.113.0/24", "action": "Allow"}]
    encryption = a["encryption"]
    assert encryption["requireInfrastructureEncryption"] and encryption["keySource"] == "Microsoft.Keyvault"
    assert encryption["keyVaultProperties"] == {
        "keyName": "storage",
        "keyVaultUri": "https://wandb-prod-kv.vault.azure.net/",
    }
    service = run.one("azure-native:storage:BlobServiceProperties").plain_inputs
    assert service["isVersioningEnabled"] and service["deleteRetentionPolicy"] == {"enabled": True, "days": 30}
    assert service["cors"]["corsRules"] == [
        {
            "allowedOrigins": CORS["allowed_origins"],
            "allowedMethods": ["GET", "HEAD", "PUT"],
            "allowedHeaders": ["*"],
            "exposedHeaders": ["*"],
            "maxAgeInSeconds": 3600,
        }
    ]
    assert run.one("azure-native:storage:BlobContainer").plain_inputs["publicAccess"] == "None"
    endpoint = next(
        e for e in run.of_type("azure-native:network:PrivateEndpoint") if e.name == "objects-private-endpoint"
    )
    assert endpoint.plain_inputs["privateLinkServiceConnections"][0]["groupIds"] == ["blob"]


@pytest.fixture(scope="module")
def aks():
    def build():
        cluster = AksCluster(
            "cluster",
            AksClusterArgs(
                resource_group_name="wandb-rg",
                location="westeurope",
                cluster_name="wandb-prod-aks",
                node_subnet_id="nodes-subnet",
                apiserver_subnet_id="apiserver-subnet",
                identity_id=IDENTITY,
                key_vault_id="vault-id",
                secrets_key_id="https://wandb-prod-kv.vault.azure.net/keys/aks/0123",
                disk_encryption_set_id="des-id",
            ),
        )
        return {"issuer": cluster.info.oidc_issuer, "kubeconfig": cluster.info.kubeconfig}

    return run_components(build)


def test_aks_is_entra_only_private_cilium_with_kms_secrets_encrypted_disks_and_zonal_pools(aks):
    cluster = aks.one("azure-native:containerservice:ManagedCluster")
    c = cluster.plain_inputs
    assert c["disableLocalAccounts"] is True and c["aadProfile"]["enableAzureRBAC"] is True and cluster.protect
    assert c["oidcIssuerProfile"] == {"enabled": True} and c["securityProfile"]["workloadIdentity"] == {"enabled": True}
    kms = c["securityProfile"]["azureKeyVaultKms"]
    assert (kms["keyVaultNetworkAccess"], kms["keyVaultResourceId"]) == ("Private", "vault-id")
    api = c["apiServerAccessProfile"]
    assert api["enableVnetIntegration"] and api["subnetId"] == "apiserver-subnet" and api["enablePrivateCluster"]
    net = c["networkProfile"]
    assert (net["networkPluginMode"], net["networkDataplane"], net["networkPolicy"]) == ("overlay", "cilium", "cilium")
    assert c["diskEncryptionSetID"] == "des-id" and c["addonProfiles"] == {"azurepolicy": {"enabled": True}}
    assert c["autoUpgradeProfile"] == {"upgradeChannel": "patch", "nodeOSUpgradeChannel": "NodeImage"}
    (system,) = c["agentPoolProfiles"]
    assert system["mode"] == "System" and system["nodeTaints"] == ["CriticalAddonsOnly=true:NoSchedule"]
    users = aks.one("azure-native:containerservice:AgentPool").plain_inputs
    for p in (system, users):
        assert p["availabilityZones"] == ["1", "2", "3"] and p["enableEncryptionAtHost"] is True
        assert p["enableAutoScaling"] is True and p["vnetSubnetID"] == "nodes-subnet"
    assert users["mode"] == "User" and (users["minCount"], users["maxCount"]) == (3, 9)
    configs = {
        m.plain_inputs["configName"] for m in aks.of_type("azure-native:containerservice:MaintenanceConfiguration")
    }
    assert configs == {"aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"}
    storage = aks.one("kubernetes:storage.k8s.io/v1:StorageClass").plain_inputs
    assert storage["parameters"] == {"skuName": "Premium_ZRS", "diskEncryptionSetID": "des-id"}
    assert aks.outputs["kubeconfig"] == "[secret]" and aks.outputs["issuer"].startswith("https://westeurope.oic.")


def test_the_disk_encryption_set_follows_the_key_and_its_identity_may_use_that_key_only():
    def build():
        AzureDiskEncryptionSet(
            "disks",
            AzureDiskEncryptionSetArgs(
                resource_group_name="wandb-rg",
                location="westeurope",
                subscription_id=SUBSCRIPTION,
                key_vault_id="vault-id",
                key_id="disks-key-id",
                key_url_with_version="https://wandb-prod-kv.vault.azure.net/keys/disks/0123",
            ),
        )

    run = run_components(build)
    encryption_set = run.one("azure-native:compute:DiskEncryptionSet")
    s = encryption_set.plain_inputs
    assert s["encryptionType"] == "EncryptionAtRestWithCustomerKey" and s["rotationToLatestKeyVersionEnabled"]
    assert s["activeKey"] == {
        "keyUrl": "https://wandb-prod-kv.vault.azure.net/keys/disks/0123",
        "sourceVault": {"id": "vault-id"},
    }
    grant = run.one("azure-native:authorization:RoleAssignment").plain_inputs
    assert grant["scope"] == "disks-key-id" and grant["roleDefinitionId"].endswith(
        KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER
    )
    assert grant["principalId"] == encryption_set.outputs["identity"]["principalId"]
