"""The committed Azure stack (`Pulumi.azure.yaml`), planned offline: what issue 12 asks the plan to show, and the
Azure target's config checks."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from components.azure.ingress import INGRESS_CLASS
from components.azure.roles import (
    KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER,
    KEY_VAULT_CRYPTO_USER,
    STORAGE_BLOB_DATA_CONTRIBUTOR,
    STORAGE_BLOB_DELEGATOR,
)
from stacks.config import ConfigError, load_config
from stacks.offline import ROOT, Run
from tests.conftest import LICENSE, dig, planned, primary, run_config, wandb_cr

CLUSTER = "azure-native:containerservice:ManagedCluster"
MYSQL = "azure-native:dbformysql:Server"
REDIS = "azure-native:redisenterprise:RedisEnterprise"
ACCOUNT = "azure-native:storage:StorageAccount"
VAULT = "azure-native:keyvault:Vault"
KEY = "azure-native:keyvault:Key"
ROLE = "azure-native:authorization:RoleAssignment"
CREDENTIAL = "azure-native:managedidentity:FederatedIdentityCredential"


@pytest.fixture(scope="module")
def azure() -> Run:
    return planned("azure")


def upstream(run: Run, urn: str) -> set[str]:
    """Every resource `urn` waits for, directly or through others."""
    seen: set[str] = set()
    todo = [urn]
    while todo:
        for dep in run.by_urn(todo.pop()).dependencies:
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def key_named(run: Run, name: str):
    """The platform's own key of that name (the paired region's vault holds one for MySQL's geo backups)."""
    return next(k for k in run.of_type(KEY) if k.inputs["keyName"] == name and "-dr-" not in k.name)


def identity_named(run: Run, name: str):
    return next(i for i in run.of_type("azure-native:managedidentity:UserAssignedIdentity") if i.name == name)


def test_aks_has_workload_identity_entra_only_kms_secrets_a_disk_encryption_set_and_no_open_api(azure):
    aks = azure.one(CLUSTER).inputs
    assert aks["oidcIssuerProfile"] == {"enabled": True}
    assert aks["securityProfile"]["workloadIdentity"] == {"enabled": True}
    assert aks["disableLocalAccounts"] is True and aks["aadProfile"]["managed"] is True
    kms = aks["securityProfile"]["azureKeyVaultKms"]
    assert kms["enabled"] is True and kms["keyVaultNetworkAccess"] == "Private"
    assert kms["keyId"] == key_named(azure, "aks-secrets").outputs["keyUriWithVersion"]
    des = azure.one("azure-native:compute:DiskEncryptionSet")
    assert aks["diskEncryptionSetID"] == des.id and des.inputs["encryptionType"] == "EncryptionAtRestWithCustomerKey"
    pools = [*aks["agentPoolProfiles"], azure.one("azure-native:containerservice:AgentPool").inputs]
    assert all(p["enableEncryptionAtHost"] and p["availabilityZones"] == ["1", "2", "3"] for p in pools)
    api = aks["apiServerAccessProfile"]
    assert api["enableVnetIntegration"] is True
    assert api["enablePrivateCluster"] or api["authorizedIPRanges"] == ["203.0.113.0/24"]
    assert aks["networkProfile"]["networkPolicy"] == "cilium" and aks["kubernetesVersion"] == "1.35"


def test_the_control_plane_identity_holds_its_grants_before_the_cluster_exists(azure):
    cluster = azure.one(CLUSTER)
    identity = next(
        i for i in azure.of_type("azure-native:managedidentity:UserAssignedIdentity") if i.name == "wandb-aks"
    )
    assert cluster.inputs["identity"]["userAssignedIdentities"] == [identity.id]
    grants = [r for r in azure.of_type(ROLE) if r.urn in cluster.dependencies]
    assert {g.inputs["principalId"] for g in grants} >= {identity.outputs["principalId"]}
    crypto = [g for g in grants if g.inputs["roleDefinitionId"].endswith(KEY_VAULT_CRYPTO_USER)]
    assert crypto and crypto[0].inputs["scope"] == key_named(azure, "aks-secrets").id
    assert len(grants) == 6  # two subnets, the key, the vault, the disk encryption set, and the set's own key grant
    assert "encrypt" in key_named(azure, "aks-secrets").inputs["properties"]["keyOps"]
    assert "encrypt" not in key_named(azure, "mysql").inputs["properties"]["keyOps"]


def test_mysql_is_8_4_zone_redundant_with_its_own_key_inside_the_network(azure):
    server = primary(azure, MYSQL).inputs
    assert server["version"] == "8.4" and server["highAvailability"] == {"mode": "ZoneRedundant"}
    assert server["network"]["publicNetworkAccess"] == "Disabled" and server["network"]["delegatedSubnetResourceId"]
    encryption = server["dataEncryption"]
    assert encryption["type"] == "AzureKeyVault"
    assert encryption["primaryKeyURI"] == key_named(azure, "mysql").outputs["keyUri"]
    # geo-redundant backups (dr.secondaryRegion, the pair) on the paired region's key, through an identity there
    assert server["backup"]["geoRedundantBackup"] == "Enabled"
    geo_key = next(k for k in azure.of_type(KEY) if k.name == "wandb-dr-keys-mysql")
    geo_identity = identity_named(azure, "wandb-dr-mysql")
    assert encryption["geoBackupKeyURI"] == geo_key.outputs["keyUri"] != encryption["primaryKeyURI"]
    assert encryption["geoBackupUserAssignedIdentityId"] == geo_identity.id
    assert geo_identity.inputs["location"] == "centralus"
    assert geo_identity.id in server["identity"]["userAssignedIdentities"]
    vault = next(v for v in azure.of_type("azure-native:keyvault:Vault") if v.name == "wandb-dr-keys-vault").inputs
    assert vault["location"] == "centralus" and vault["properties"]["enablePurgeProtection"] is True
    assert vault["properties"]["networkAcls"] == {"defaultAction": "Deny", "bypass": "AzureServices"}
    assert server["sku"] == {"name": "Standard_E8ds_v5", "tier": "MemoryOptimized"}


def test_mysql_parameters_are_written_one_at_a_time_and_w_and_b_does_not_wait_for_them(azure):
    writes = azure.of_type("azure-native:dbformysql:Configuration")
    cr = wandb_cr(azure)
    assert {w.inputs["configurationName"]: w.inputs["value"] for w in writes}["require_secure_transport"] == "ON"
    chained = [w for w in writes if any(d in {o.urn for o in writes} for d in w.direct_dependencies)]
    assert len(chained) == len(writes) - 1  # each waits for the one before it
    assert not {w.urn for w in writes} & upstream(azure, cr.urn)


def test_redis_is_azure_managed_redis_tls_only_highly_available_behind_a_private_endpoint(azure):
    cluster = azure.one(REDIS)
    assert cluster.inputs["highAvailability"] == "Enabled" and cluster.inputs["publicNetworkAccess"] == "Disabled"
    assert cluster.inputs["minimumTlsVersion"] == "1.2" and cluster.inputs["sku"] == {"name": "Balanced_B10"}
    database = azure.one("azure-native:redisenterprise:Database").inputs
    assert database["clientProtocol"] == "Encrypted" and database["clusteringPolicy"] == "NoCluster"
    endpoints = azure.of_type("azure-native:network:PrivateEndpoint")
    assert any(e.inputs["privateLinkServiceConnections"][0]["privateLinkServiceId"] == cluster.id for e in endpoints)
    redis = wandb_cr(azure).plain_inputs["spec"]["values"]["global"]["redis"]
    assert redis["port"] == 10000 and redis["params"]["tls"] == "true"


def test_the_storage_account_takes_no_shared_key_and_no_public_blob_with_its_own_key_and_versioning(azure):
    account = azure.one(ACCOUNT).inputs
    assert account["allowSharedKeyAccess"] is False and account["allowBlobPublicAccess"] is False
    assert account["publicNetworkAccess"] == "Disabled" and account["minimumTlsVersion"] == "TLS1_2"
    assert account["encryption"]["keySource"] == "Microsoft.Keyvault"
    assert account["encryption"]["keyVaultProperties"]["keyName"] == "storage"
    assert account["encryption"]["requireInfrastructureEncryption"] is True
    assert azure.one("azure-native:storage:BlobServiceProperties").inputs["isVersioningEnabled"] is True
    assert all(c.inputs["publicAccess"] == "None" for c in azure.of_type("azure-native:storage:BlobContainer"))


def test_key_vault_has_purge_protection_rbac_and_no_public_access(azure):
    (vault,) = [v for v in azure.of_type(VAULT) if "-dr-" not in v.name]  # the paired region's: its own test
    properties = vault.inputs["properties"]
    assert properties["enablePurgeProtection"] is True and properties["enableRbacAuthorization"] is True
    assert properties["publicNetworkAccess"] == "Disabled"
    for key in azure.of_type(KEY):
        assert key.inputs["properties"]["kty"] == "RSA" and key.inputs["properties"]["keySize"] == 3072
        assert key.inputs["properties"]["rotationPolicy"]["lifetimeActions"][0]["action"] == {"type": "rotate"}
    services = [
        g
        for g in azure.of_type(ROLE)
        if g.inputs["roleDefinitionId"].endswith(KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER)
    ]
    assert all(g.inputs["scope"].split("/keys/")[-1] for g in services)  # each grant is on one key


def test_w_and_b_references_only_its_namespace_s_secrets_and_uses_workload_identity_with_az(azure):
    cr = wandb_cr(azure)
    values = cr.plain_inputs["spec"]["values"]
    namespace = cr.inputs["metadata"]["namespace"]
    secrets = {
        s.inputs["metadata"]["name"]
        for s in azure.of_type("kubernetes:core/v1:Secret")
        if s.inputs["metadata"].get("namespace") == namespace
    }
    g = values["global"]
    referenced = {
        g["licenseSecret"]["name"],
        g["mysql"]["passwordSecret"]["name"],
        g["redis"]["secret"]["secretName"],
        g["clickhouse"]["passwordSecret"]["name"],
    }
    assert referenced <= secrets
    assert g["cloudProvider"] == "azure" and g["defaultBucket"]["provider"] == "az"
    assert g["defaultBucket"]["name"] == azure.one(ACCOUNT).inputs["accountName"]
    client_ids = {
        dig(values, c, "serviceAccount", "annotations", "azure.workload.identity/client-id") for c in ("app", "api")
    }
    app = identity_named(azure, "wandb-app")
    assert client_ids == {app.outputs["clientId"]}
    assert dig(values, "app", "pod", "labels", "azure.workload.identity/use") == "true"
    assert LICENSE not in str(cr.inputs) and "accessKey" not in str(g)


def test_w_and_b_s_identity_may_sign_urls_on_the_account_and_write_only_its_container(azure):
    (container,) = [  # W&B's (ClickHouse's backups have their own)
        c for c in azure.of_type("azure-native:storage:BlobContainer") if c.inputs["containerName"] == "wandb"
    ]
    account = azure.one(ACCOUNT)
    app = next(i for i in azure.of_type("azure-native:managedidentity:UserAssignedIdentity") if i.name == "wandb-app")
    roles = {
        g.inputs["roleDefinitionId"].rsplit("/", 1)[-1]: g.inputs["scope"]
        for g in azure.of_type(ROLE)
        if g.inputs["principalId"] == app.outputs["principalId"]
    }
    assert roles == {STORAGE_BLOB_DELEGATOR: account.id, STORAGE_BLOB_DATA_CONTRIBUTOR: container.id}
    subjects = [c.inputs["subject"] for c in azure.of_type(CREDENTIAL)]
    assert "system:serviceaccount:wandb:wandb-app" in subjects
    assert "system:serviceaccount:azure-alb-system:alb-controller-sa" in subjects


def test_credentials_of_one_identity_are_created_one_after_another(azure):
    credentials = [c for c in azure.of_type(CREDENTIAL) if c.name.startswith("wandb-app-")]
    urns = {c.urn for c in credentials}
    assert len(credentials) > 2 and sum(bool(urns & set(c.direct_dependencies)) for c in credentials) == len(urns) - 1


def test_the_datastores_and_the_storage_never_wait_for_the_cluster(azure):
    cluster = azure.one(CLUSTER).urn
    for typ in (MYSQL, REDIS, ACCOUNT, "azure-native:servicenetworking:TrafficControllerInterface"):
        assert cluster not in upstream(azure, primary(azure, typ).urn), typ


def test_w_and_b_s_ingress_is_application_gateway_for_containers_with_a_let_s_encrypt_certificate(azure):
    ingress = wandb_cr(azure).plain_inputs["spec"]["values"]["ingress"]
    gateway = azure.one("azure-native:servicenetworking:TrafficControllerInterface")
    assert ingress["class"] == INGRESS_CLASS and ingress["annotations"]["alb.networking.azure.io/alb-id"] == gateway.id
    assert ingress["tls"] == [{"hosts": ["wandb.example.com"], "secretName": "wandb-tls"}]
    issuer = azure.one("kubernetes:cert-manager.io/v1:ClusterIssuer")
    assert ingress["annotations"]["cert-manager.io/cluster-issuer"] == issuer.inputs["metadata"]["name"]
    assert issuer.inputs["spec"]["acme"]["email"] == "platform-team@example.com"
    association = azure.one("azure-native:servicenetworking:AssociationsInterface").inputs
    subnets = {s.id: s.inputs for s in azure.of_type("azure-native:network:Subnet")}
    assert subnets[association["subnet"]["id"]]["delegations"][0]["serviceName"] == (
        "Microsoft.ServiceNetworking/trafficControllers"
    )


def test_stateful_azure_resources_are_protected(azure):
    for typ in (MYSQL, REDIS, ACCOUNT, VAULT, KEY, CLUSTER, "azure-native:resources:ResourceGroup"):
        assert all(r.protect for r in azure.of_type(typ)), typ


TIMED_PLAN = """
import sys, time
started = time.perf_counter()
from stacks.plan import plan, stack_config
plan(sys.argv[1], stack_config(sys.argv[1]))
seconds = time.perf_counter() - started
for other in sys.argv[2:]:
    plan(other, stack_config(other))
print(seconds, 'pulumi_azure_native' in sys.modules)
"""


def timed_plan(*stacks: str) -> tuple[float, bool]:
    """Plan the stacks in a fresh interpreter: seconds for the first one (its imports included), and whether the
    Azure SDK was loaded by the end."""
    done = subprocess.run(
        [sys.executable, "-c", TIMED_PLAN, *stacks], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    seconds, loaded = done.stdout.split()
    return float(seconds), loaded == "True"


def test_only_the_azure_target_loads_the_azure_sdk_and_it_plans_within_twice_the_aws_time():
    aws_seconds, loaded_by_gcp_or_aws = timed_plan("aws", "dev")
    azure_seconds, loaded_by_azure = timed_plan("azure")
    assert not loaded_by_gcp_or_aws and loaded_by_azure
    assert azure_seconds < 2 * aws_seconds, (azure_seconds, aws_seconds)


def azure_config(**overrides) -> dict:
    return {
        "azure-native:location": "westeurope",
        "wandb-platform:target": "azure",
        "wandb-platform:host": "https://wandb.test.example.com",
        "wandb-platform:license": LICENSE,
        "wandb-platform:azure": {"acmeEmail": "ops@example.com"},
        **{f"wandb-platform:{k}": v for k, v in overrides.items()},
    }


def problems(config: dict) -> str:
    with pytest.raises(ConfigError) as error:
        load_config(config, secret_keys=("wandb-platform:license",))
    return str(error.value)


def test_azure_config_errors_name_their_keys_all_at_once():
    config = azure_config(
        kafka={"mode": "managed"},
        clickhouse={"mode": "cloud"},
        azure={"vnetCidr": "10.0.0.0/24", "zones": ["1", "4"]},
        mysql={"backupRetentionDays": 40},
        sizeOverrides={"redisNodeType": "cache.m6g.large"},
    )
    del config["azure-native:location"]
    found = problems(config)
    for key in (
        "azure-native:location",
        "wandb-platform:kafka.mode",
        "wandb-platform:clickhouse.mode",
        "wandb-platform:azure.vnetCidr",
        "wandb-platform:azure.zones",
        "wandb-platform:mysql.backupRetentionDays",
        "wandb-platform:sizeOverrides",
        "wandb-platform:azure.acmeEmail",
    ):
        assert key in found, key


def test_azure_needs_a_certificate_source_with_tls_and_no_in_cluster_vault():
    config = azure_config(azure={}, secrets={"backend": "vault"}, vault={"mode": "in-cluster"}, stackRole="platform")
    found = problems(config)
    assert "wandb-platform:azure.acmeEmail" in found and "wandb-platform:vault.mode" in found


def test_a_dev_azure_stack_is_single_zone_capable_and_unprotected():
    run = run_config(
        {
            **azure_config(environment="dev", size="small", azure={"tlsSecretName": "wandb-cert", "zones": ["1"]}),
            "wandb-platform:mysql": {"mode": "in-cluster"},
            "wandb-platform:redis": {"mode": "in-cluster"},
        }
    )
    assert not run.of_type(MYSQL) and not run.of_type(REDIS)
    assert not any(r.protect for r in run.of_type(ACCOUNT))
    assert run.one(CLUSTER).inputs["agentPoolProfiles"][0]["availabilityZones"] == ["1"]
    assert not run.of_type("kubernetes:cert-manager.io/v1:ClusterIssuer")
    tls = wandb_cr(run).plain_inputs["spec"]["values"]["ingress"]["tls"]
    assert tls == [{"hosts": ["wandb.test.example.com"], "secretName": "wandb-cert"}]
    keys = {k.inputs["keyName"] for k in run.of_type(KEY)}
    assert keys == {"aks-secrets", "aks-disks", "storage"}


def test_an_external_vault_on_azure_reviews_tokens_at_the_private_api_server_and_rotates_mysql():
    run = run_config(
        {
            **azure_config(secrets={"backend": "vault"}, vault={"address": "https://vault.example.com:8200"}),
            "wandb-platform:redis": {"mode": "in-cluster"},
        }
    )
    auth = run.one("vault:kubernetes/authBackendConfig:AuthBackendConfig").plain_inputs
    assert auth["kubernetesHost"].startswith("https://") and ".privatelink." in auth["kubernetesHost"]
    assert "BEGIN CERTIFICATE" in auth["kubernetesCaCert"]
    job = run.one("kubernetes:batch/v1:Job")
    assert job.inputs["metadata"]["namespace"] == "wandb-mysql-admin"
    mysql = primary(run, MYSQL).outputs["fullyQualifiedDomainName"]
    assert any(
        e.get("value") == mysql for c in job.plain_inputs["spec"]["template"]["spec"]["containers"] for e in c["env"]
    )
    assert not [s for s in run.of_type("kubernetes:core/v1:Secret") if s.inputs["metadata"].get("namespace") == "wandb"]


def test_the_kubeconfig_signs_in_through_the_azure_cli_not_a_device_code(azure):
    provider = next(p for p in azure.of_type("pulumi:providers:kubernetes") if p.name == "wandb-cluster-k8s")
    user = yaml.safe_load(provider.plain_inputs["kubeconfig"])["users"][0]["user"]["exec"]
    assert user["command"] == "kubelogin"
    assert user["args"] == ["get-token", "--login", "azurecli", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"]
    assert azure.outputs["kubeconfig"] == "[secret]"


def test_control_plane_audit_and_container_logs_go_to_a_workspace_that_keeps_them_90_days(azure):
    workspace = azure.one("azure-native:operationalinsights:Workspace")
    assert workspace.plain_inputs["retentionInDays"] == 90
    setting = azure.one("azure-native:monitor:DiagnosticSetting").plain_inputs
    assert setting["resourceUri"] == azure.one(CLUSTER).id and setting["workspaceId"] == workspace.id
    assert {"kube-apiserver", "kube-audit-admin"} <= {log["category"] for log in setting["logs"]}
    oms = azure.one(CLUSTER).plain_inputs["addonProfiles"]["omsagent"]
    assert oms["enabled"] is True and oms["config"] == {
        "logAnalyticsWorkspaceResourceID": workspace.id,
        "useAADAuth": "true",
    }
