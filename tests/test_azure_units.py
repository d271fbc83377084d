"""The Azure components built so far, used on their own (the Azure target is not wired yet): the private
network with its endpoints, and Key Vault with the platform's keys."""

import pulumi_azure_native as azure
import pytest

from components.azure.keyvault import AzureKeyVault, AzureKeyVaultArgs
from components.azure.mysql import WANDB_MYSQL_PARAMETERS, AzureMysql, AzureMysqlArgs
from components.azure.network import AzureNetwork, AzureNetworkArgs, subnet_layout
from components.azure.roles import KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER
from tests.conftest import run_components

SUBSCRIPTION = "00000000-0000-4000-8000-000000000001"


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
                identity_id="/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/db",
                key_uri="https://wandb-prod-kv.vault.azure.net/keys/mysql",
            ),
        )
        return {"mysqlHost": mysql.endpoint.host}

    return run_components(build)


def test_subnets_are_carved_in_order_and_a_small_network_is_refused():
    assert subnet_layout("10.30.0.0/16") == {
        "nodes": "10.30.0.0/20",
        "apiserver": "10.30.16.0/28",
        "mysql": "10.30.17.0/24",
        "endpoints": "10.30.18.0/24",
    }
    with pytest.raises(ValueError, match="too small"):
        subnet_layout("10.30.0.0/22")


def test_the_network_is_private_with_egress_through_nat_and_subnets_made_one_at_a_time(run):
    subnets = {s.name.removeprefix("net-"): s for s in run.of_type("azure-native:network:Subnet")}
    assert list(subnets) == ["apiserver", "endpoints", "mysql", "nodes"]
    order = ["nodes", "apiserver", "mysql", "endpoints"]
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
    endpoint = run.one("azure-native:network:PrivateEndpoint").plain_inputs
    assert endpoint["privateLinkServiceConnections"][0]["groupIds"] == ["vault"]
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
    assert s["highAvailability"] == {"mode": "ZoneRedundant"} and s["backup"]["geoRedundantBackup"] == "Enabled"
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
