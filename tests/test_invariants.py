"""Invariants over every committed stack file: credentials only in Secrets, references that resolve,
customer-managed keys, no public addresses and protection in production, parallel provisioning."""

import json

import pytest

from components.k8s.wandb_values import secret_layout
from stacks.offline import REDACTED
from stacks.plan import REQUIRED_SECRETS, stack_config
from tests.conftest import STACK_FILES, dig, leaves, planned, stack_role, wandb_cr, wandb_values_of

SECRET_TYPE = "kubernetes:core/v1:Secret"
KV_ENTRY = "vault:kv/secretV2:SecretV2"
VSO_STATIC = "kubernetes:secrets.hashicorp.com/v1beta1:VaultStaticSecret"
VSO_DYNAMIC = "kubernetes:secrets.hashicorp.com/v1beta1:VaultDynamicSecret"
STATEFUL = {
    "gcp:container/cluster:Cluster",
    "gcp:sql/databaseInstance:DatabaseInstance",
    "gcp:redis/instance:Instance",
    "gcp:storage/bucket:Bucket",
    "gcp:kms/keyRing:KeyRing",
    "gcp:kms/cryptoKey:CryptoKey",
    "aws:eks/cluster:Cluster",
    "aws:rds/cluster:Cluster",
    "aws:rds/clusterInstance:ClusterInstance",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:s3/bucket:Bucket",
    "aws:kms/key:Key",
    "azure-native:containerservice:ManagedCluster",
    "azure-native:dbformysql:Server",
    "azure-native:redisenterprise:RedisEnterprise",
    "azure-native:storage:StorageAccount",
    "azure-native:keyvault:Vault",
    "azure-native:keyvault:Key",
}
# What runs on or waits for the cluster, and the datastores that must not wait for it.
CLUSTER_SIDE = ("gcp:container/", "aws:eks/", "pulumi:providers:kubernetes", "kubernetes:")
DATASTORES = (
    "gcp:sql/databaseInstance:DatabaseInstance",
    "gcp:redis/instance:Instance",
    "gcp:storage/bucket:Bucket",
    "aws:rds/cluster:Cluster",
    "aws:rds/clusterInstance:ClusterInstance",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:s3/bucket:Bucket",
)
# Where each cloud's stores name their customer-managed key.
KEY_REFERENCES = {
    "gcp:container/cluster:Cluster": ("databaseEncryption", "keyName"),
    "gcp:sql/databaseInstance:DatabaseInstance": ("encryptionKeyName",),
    "gcp:redis/instance:Instance": ("customerManagedKey",),
    "gcp:storage/bucket:Bucket": ("encryption", "defaultKmsKeyName"),
    "aws:eks/cluster:Cluster": ("encryptionConfig", "provider", "keyArn"),
    "aws:rds/cluster:Cluster": ("kmsKeyId",),
    "aws:elasticache/replicationGroup:ReplicationGroup": ("kmsKeyId",),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        "rules",
        0,
        "applyServerSideEncryptionByDefault",
        "kmsMasterKeyId",
    ),
    "azure-native:containerservice:ManagedCluster": ("securityProfile", "azureKeyVaultKms", "keyId"),
    "azure-native:dbformysql:Server": ("dataEncryption", "primaryKeyURI"),
    "azure-native:redisenterprise:RedisEnterprise": (
        "encryption",
        "customerManagedKeyEncryption",
        "keyEncryptionKeyUrl",
    ),
    "azure-native:storage:StorageAccount": ("encryption", "keyVaultProperties", "keyName"),
}


def test_every_committed_stack_plans(stack_run):
    """One W&B resource; a `platform`-role stack makes none and hands its values and credentials on instead."""
    platform = stack_role(stack_run.stack) == "platform"
    assert len(stack_run.of_type("kubernetes:apps.wandb.com/v1:WeightsAndBiases")) == (0 if platform else 1)
    assert platform == ({"wandbValues", "wandbCredentials"} <= set(stack_run.outputs))


def credentials_of(run) -> set[str]:
    """Every credential the run sent or exported as a secret, including each value of a secret JSON document (a
    Vault entry's data) and of a secret stack output (what a `platform` stack hands on)."""
    values = set(run.secret_values)
    for v in run.secret_values:
        try:
            values |= {leaf for leaf in leaves(json.loads(v)) if isinstance(leaf, str)}
        except ValueError:
            pass  # not a JSON document
    for name in run.referenced.get("secretOutputNames", []):
        values |= {leaf for leaf in leaves(run.referenced["outputs"][name]) if isinstance(leaf, str)}
    return {v for v in values if len(v) >= 8 and "BEGIN CERTIFICATE" not in v}


def test_no_plaintext_credential_outside_a_secret(stack_run):
    credentials = credentials_of(stack_run)
    assert REQUIRED_SECRETS["wandb-platform:license"] in credentials, "no secret sent: the check would prove nothing"
    for r in stack_run.resources:
        shown = set(leaves(r.inputs)) | set(leaves(r.outputs))
        assert not credentials & shown, f"{r.type} {r.name} shows a credential in plain text"
    assert not credentials & set(leaves(stack_run.outputs))
    assert stack_run.outputs.get("kubeconfig", REDACTED) == REDACTED


def test_no_credential_in_any_kubernetes_object_but_a_secret(stack_run):
    """Kubernetes keeps a custom resource, a ConfigMap or Helm values in plain text, whatever Pulumi's state
    does: a credential there is a leak even when Pulumi marked it secret."""
    credentials = credentials_of(stack_run)
    for r in stack_run.resources:
        if r.type.startswith("kubernetes:") and r.type != SECRET_TYPE:
            assert not credentials & set(leaves(r.plain_inputs)), f"{r.type} {r.name} carries a credential"


def test_secret_keys_stay_visible_while_values_are_redacted(stack_run):
    for s in stack_run.of_type(SECRET_TYPE):
        data = s.inputs["stringData"]
        assert data and set(data.values()) == {REDACTED}
        assert set(data) == set(s.plain_inputs["stringData"])


def synced_secrets(run, namespace: str) -> set[tuple[str, str]]:
    """(Secret, key) pairs the Vault Secrets Operator makes in `namespace`: each KV entry's keys under its
    VaultStaticSecret's destination, and each VaultDynamicSecret's templates."""
    entries = {
        (e.plain_inputs["mount"], e.plain_inputs["name"]): json.loads(e.plain_inputs["dataJson"])
        for e in run.of_type(KV_ENTRY)
    }
    made = set()
    for obj in run.of_type(VSO_STATIC) + run.of_type(VSO_DYNAMIC):
        if obj.plain_inputs["metadata"]["namespace"] != namespace:
            continue
        spec = obj.plain_inputs["spec"]
        target = spec["destination"]
        assert target["create"] is True and target["transformation"]["excludeRaw"] is True
        if obj.type == VSO_STATIC:
            keys = entries[(spec["mount"], spec["path"])]
        else:
            assert target["transformation"]["excludes"] == [".*"]  # only the templates' keys
            keys = target["transformation"]["templates"]
        made |= {(target["name"], key) for key in keys}
    return made


def test_every_secret_reference_in_the_values_exists_with_its_key(stack_run):
    """Made by Pulumi or synced from Vault in the CR's namespace; a `platform`-role stack hands them on."""
    values = wandb_values_of(stack_run)
    crs = stack_run.of_type("kubernetes:apps.wandb.com/v1:WeightsAndBiases")
    namespace = crs[0].plain_inputs["metadata"]["namespace"] if crs else stack_run.outputs["namespace"]
    created = {
        (s.plain_inputs["metadata"]["name"], key)
        for s in stack_run.of_type(SECRET_TYPE)
        if s.plain_inputs["metadata"]["namespace"] == namespace
        for key in s.plain_inputs["stringData"]
    } | synced_secrets(stack_run, namespace)
    if stack_role(stack_run.stack) == "platform":
        handed = stack_run.referenced["outputs"]["wandbCredentials"]
        created |= {(secret, key) for secret, data in handed.items() for key in data}
    g = values["global"]
    referenced = {
        (g["licenseSecret"]["name"], g["licenseSecret"]["key"]),
        (g["mysql"]["passwordSecret"]["name"], g["mysql"]["passwordSecret"]["passwordKey"]),
        (g["redis"]["secret"]["secretName"], g["redis"]["secret"]["secretKey"]),
    }
    if values["mysql"]["install"]:
        referenced.add((g["mysql"]["passwordSecret"]["name"], g["mysql"]["passwordSecret"]["rootPasswordKey"]))
    bucket_secret = g.get("bucket", {}).get("secret")
    if bucket_secret:
        referenced |= {(bucket_secret["secretName"], bucket_secret[k]) for k in ("accessKeyName", "secretKeyName")}
    if "clickhouse" in g:  # Weave traces: the password by reference, and a private CA through a ConfigMap
        referenced.add((g["clickhouse"]["passwordSecret"]["name"], g["clickhouse"]["passwordSecret"]["passwordKey"]))
        if "caCertsConfigMap" in g:
            maps = {m.plain_inputs["metadata"]["name"] for m in stack_run.of_type("kubernetes:core/v1:ConfigMap")}
            assert g["caCertsConfigMap"] in maps
    if "caCertPath" in g["redis"].get("params", {}):
        referenced.add((secret_layout("wandb").redis_ca_cert.name, "REDIS_CA_CERT"))
    assert referenced <= created, referenced - created
    for cr in stack_run.of_type("kubernetes:apps.wandb.com/v1:WeightsAndBiases"):
        assert cr.secret_outputs == [] and all(v != REDACTED for v in leaves(cr.inputs))


def test_the_custom_resource_waits_for_the_operator_its_secrets_and_every_other_release(stack_run):
    """Every Helm release W&B uses (the operator, an ingress controller, an object store; not the monitoring
    stack that watches it) and W&B's Secrets exist before the operator starts rendering W&B. A split platform
    installs the releases in its `platform` stack, which runs first; its `wandb` stack's resource waits for the
    Secrets synced there."""
    role = stack_role(stack_run.stack)
    if role == "platform":
        assert "wandb-operator" in {r.plain_inputs["name"] for r in stack_run.of_type("kubernetes:helm.sh/v3:Release")}
        return
    cr = wandb_cr(stack_run)
    observing = {
        "kube-prometheus-stack",
        "prometheus-blackbox-exporter",
        "cloud-metrics",
    }  # they watch W&B, which does not wait
    releases = [
        r for r in stack_run.of_type("kubernetes:helm.sh/v3:Release") if r.plain_inputs["name"] not in observing
    ]
    assert role == "wandb" or "wandb-operator" in {r.plain_inputs["name"] for r in releases}
    namespace = cr.plain_inputs["metadata"]["namespace"]
    secrets = [
        s
        for s in stack_run.of_type(SECRET_TYPE) + stack_run.of_type(VSO_STATIC) + stack_run.of_type(VSO_DYNAMIC)
        if s.plain_inputs["metadata"]["namespace"] == namespace
    ]
    waits_for = closure(stack_run, cr.urn)
    assert secrets and all(r.urn in waits_for for r in [*releases, *secrets])


def test_datastores_and_bucket_do_not_wait_for_the_cluster(stack_run):
    cluster_side = {r.urn for r in stack_run.resources if r.type.startswith(CLUSTER_SIDE)}
    for r in stack_run.resources:
        if r.type in DATASTORES:
            assert not cluster_side & set(closure(stack_run, r.urn)), f"{r.name} waits for the cluster"


def closure(run, urn):
    """Everything `urn` waits for, through its dependencies' dependencies (a read resource, such as a
    StackReference, ends the chain)."""
    recorded = {r.urn for r in run.resources}
    seen, todo = set(), [urn]
    while todo:
        current = todo.pop()
        if current not in recorded:
            continue
        for d in run.by_urn(current).dependencies:
            if d not in seen:
                seen.add(d)
                todo.append(d)
    return seen


PROD = [  # the stacks that make a production platform (a `wandb`-role stack makes none: its platform is here)
    s
    for s in STACK_FILES
    if stack_config(s).config.get("wandb-platform:environment", "prod") == "prod" and stack_role(s) != "wandb"
]


@pytest.mark.parametrize("stack", PROD)
def test_production_encrypts_with_customer_managed_keys(stack):
    """The cluster's Secrets, the database, the cache and the bucket: each names a key this stack created."""
    run = planned(stack)
    keys = {r.id for r in run.of_type("gcp:kms/cryptoKey:CryptoKey")}
    keys |= {r.outputs["arn"] for r in run.of_type("aws:kms/key:Key")}
    for key in run.of_type("azure-native:keyvault:Key"):  # by versionless or versioned URI, or by name
        keys |= {key.outputs["keyUri"], key.outputs["keyUriWithVersion"], key.inputs["keyName"]}
    encrypted_with = [dig(r.plain_inputs, *path) for typ, path in KEY_REFERENCES.items() for r in run.of_type(typ)]
    assert len(encrypted_with) >= 4 and all(k in keys for k in encrypted_with), encrypted_with  # + replicas


def _gcp_public_addresses(run, stack):
    for sql in run.of_type("gcp:sql/databaseInstance:DatabaseInstance"):
        assert dig(sql.plain_inputs, "settings", "ipConfiguration", "ipv4Enabled") is False
    assert dig(run.one("gcp:container/cluster:Cluster").plain_inputs, "privateClusterConfig", "enablePrivateNodes")
    for redis in run.of_type("gcp:redis/instance:Instance"):
        assert redis.plain_inputs["connectMode"] == "PRIVATE_SERVICE_ACCESS"
    return [
        a.name
        for a in run.of_type("gcp:compute/globalAddress:GlobalAddress")
        if a.plain_inputs.get("purpose") != "VPC_PEERING"
    ]


def _aws_public_addresses(run, stack):
    """The ALB is created by its controller at run time, so only the NAT gateways' addresses are in the plan."""
    for db in run.of_type("aws:rds/clusterInstance:ClusterInstance"):
        assert db.plain_inputs["publiclyAccessible"] is False
    assert not any(s.plain_inputs["mapPublicIpOnLaunch"] for s in run.of_type("aws:ec2/subnet:Subnet"))
    vpc = run.one("aws:eks/cluster:Cluster").plain_inputs["vpcConfig"]
    assert vpc["endpointPrivateAccess"] is True
    assert not vpc["endpointPublicAccess"] or "0.0.0.0/0" not in vpc["publicAccessCidrs"]
    private = {s.id for s in run.of_type("aws:ec2/subnet:Subnet") if "-private-" in s.name}
    assert set(run.one("aws:eks/nodeGroup:NodeGroup").plain_inputs["subnetIds"]) <= private
    assert not [
        r.name
        for r in run.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        if "cidrIpv4" in r.plain_inputs
    ]
    return [f"nat:{e.name}" for e in run.of_type("aws:ec2/eip:Eip")]


def _azure_public_addresses(run, stack):
    """The gateway's frontend gets its address from Azure, so only the NAT gateway's address is in the plan."""
    for typ in ("azure-native:dbformysql:Server", "azure-native:redisenterprise:RedisEnterprise"):
        for r in run.of_type(typ):
            access = dig(r.plain_inputs, "network", "publicNetworkAccess") or r.plain_inputs["publicNetworkAccess"]
            assert access == "Disabled", r.name
    for vault in run.of_type("azure-native:keyvault:Vault"):  # the paired region's has no network: a closed firewall
        properties = vault.plain_inputs["properties"]
        closed = properties["networkAcls"] == {"defaultAction": "Deny", "bypass": "AzureServices"}
        assert properties["publicNetworkAccess"] == "Disabled" or ("-dr-" in vault.name and closed), vault.name
    for account in run.of_type("azure-native:storage:StorageAccount"):
        rules = account.plain_inputs["networkRuleSet"]
        assert rules["defaultAction"] == "Deny" and all(r["iPAddressOrRange"] != "0.0.0.0/0" for r in rules["ipRules"])
    api = run.one("azure-native:containerservice:ManagedCluster").plain_inputs["apiServerAccessProfile"]
    assert api["enablePrivateCluster"] or "0.0.0.0/0" not in api["authorizedIPRanges"]
    return [f"nat:{a.name}" for a in run.of_type("azure-native:network:PublicIPAddress")]


PUBLIC_ADDRESSES = {"gcp": _gcp_public_addresses, "aws": _aws_public_addresses, "azure": _azure_public_addresses}


@pytest.mark.parametrize("stack", PROD)
def test_production_has_no_public_address_but_the_load_balancer_and_nat(stack):
    run = planned(stack)
    target = stack_config(stack).config.get("wandb-platform:target", "gcp")
    public = PUBLIC_ADDRESSES[target](run, stack)
    assert public and all(a in ("wandb-ingress-ip",) or a.startswith("nat:") for a in public), public


@pytest.mark.parametrize("stack", PROD)
def test_production_protects_every_stateful_resource(stack):
    run = planned(stack)
    stateful = [r for r in run.resources if r.type in STATEFUL]
    assert len(stateful) >= 6 and all(r.protect for r in stateful)
