"""The policy pack: each rule passes a good resource and fails a bad one; the CrossGuard policies report the
violation with its remedy; and every committed stack passes its own policy pack."""

import pytest
from pulumi_policy import EnforcementLevel, PolicyResourceOptions, ResourceValidationArgs, Secret

from policy.policies import POLICIES
from policy.rules import RULES, STACK_RULES, stack_violations, violations
from stacks.plan import plan_json
from tests.conftest import STACK_FILES, planned

KEY = "projects/p/locations/r/keyRings/k/cryptoKeys/c"
ARN = "arn:aws:kms:us-east-1:123456789012:key/k"
PROD = {"labels": {"environment": "prod"}}

# rule, type, good properties, bad properties (protect is True unless the case says otherwise)
CASES = [
    (
        "cmek-cluster-secrets",
        "gcp:container/cluster:Cluster",
        {"databaseEncryption": {"state": "ENCRYPTED", "keyName": KEY}},
        {"databaseEncryption": {"state": "DECRYPTED"}},
    ),
    (
        "cmek-cluster-secrets",
        "aws:eks/cluster:Cluster",
        {"encryptionConfig": {"provider": {"keyArn": ARN}, "resources": ["secrets"]}},
        {},
    ),
    ("cmek-databases", "gcp:sql/databaseInstance:DatabaseInstance", {"encryptionKeyName": KEY}, {}),
    (
        "cmek-databases",
        "aws:rds/cluster:Cluster",
        {"storageEncrypted": True, "kmsKeyId": ARN},
        {"storageEncrypted": True},
    ),
    ("cmek-caches", "gcp:redis/instance:Instance", {"customerManagedKey": KEY}, {}),
    (
        "cmek-caches",
        "aws:elasticache/replicationGroup:ReplicationGroup",
        {"atRestEncryptionEnabled": True, "kmsKeyId": ARN},
        {"atRestEncryptionEnabled": True},
    ),
    ("cmek-buckets", "gcp:storage/bucket:Bucket", {"encryption": {"defaultKmsKeyName": KEY}}, {}),
    (
        "cmek-buckets",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": ARN}}]},
        {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]},
    ),
    (
        "no-public-address",
        "gcp:sql/databaseInstance:DatabaseInstance",
        {"settings": {"ipConfiguration": {"ipv4Enabled": False}}},
        {"settings": {"ipConfiguration": {"ipv4Enabled": True}}},
    ),
    ("no-public-address", "gcp:container/cluster:Cluster", {"privateClusterConfig": {"enablePrivateNodes": True}}, {}),
    (
        "no-public-address",
        "aws:rds/clusterInstance:ClusterInstance",
        {"publiclyAccessible": False},
        {"publiclyAccessible": True},
    ),
    ("no-public-address", "aws:ec2/subnet:Subnet", {"mapPublicIpOnLaunch": False}, {"mapPublicIpOnLaunch": True}),
    (
        "no-public-address",
        "clickhouse:index/service:Service",
        {"ipAccesses": []},
        {"ipAccesses": [{"source": "0.0.0.0/0", "description": "anywhere"}]},
    ),
    (
        "no-public-bucket",
        "gcp:storage/bucket:Bucket",
        {"publicAccessPrevention": "enforced", "uniformBucketLevelAccess": True},
        {"publicAccessPrevention": "inherited"},
    ),
    (
        "no-public-bucket",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        dict.fromkeys(("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"), True),
        {"blockPublicAcls": True},
    ),
    (
        "tls-mysql",
        "gcp:sql/databaseInstance:DatabaseInstance",
        {"settings": {"ipConfiguration": {"sslMode": "ENCRYPTED_ONLY"}}},
        {"settings": {"ipConfiguration": {"sslMode": "ALLOW_UNENCRYPTED_AND_ENCRYPTED"}}},
    ),
    (
        "tls-mysql",
        "aws:rds/clusterParameterGroup:ClusterParameterGroup",
        {"family": "aurora-mysql8.4", "parameters": [{"name": "require_secure_transport", "value": "ON"}]},
        {"family": "aurora-mysql8.4", "parameters": []},
    ),
    (
        "tls-redis",
        "gcp:redis/instance:Instance",
        {"transitEncryptionMode": "SERVER_AUTHENTICATION"},
        {"transitEncryptionMode": "DISABLED"},
    ),
    (
        "tls-redis",
        "aws:elasticache/replicationGroup:ReplicationGroup",
        {"transitEncryptionEnabled": True, "transitEncryptionMode": "required"},
        {"transitEncryptionEnabled": True, "transitEncryptionMode": "preferred"},
    ),
    (
        "deletion-protection",
        "gcp:sql/databaseInstance:DatabaseInstance",
        {**PROD, "deletionProtection": True},
        {**PROD, "deletionProtection": False},
    ),
    (
        "deletion-protection",
        "aws:rds/cluster:Cluster",
        {"tags": {"environment": "prod"}, "deletionProtection": True},
        {"tags": {"environment": "prod"}},
    ),
    (
        "credentials-only-in-secrets",
        "kubernetes:apps.wandb.com/v1:WeightsAndBiases",
        {"spec": {"values": {"global": {"mysql": {"passwordSecret": {"name": "s", "passwordKey": "MYSQL_PASSWORD"}}}}}},
        {"spec": {"values": {"global": {"mysql": {"password": "hunter2"}}}}},
    ),
    (
        "credentials-only-in-secrets",
        "kubernetes:core/v1:ConfigMap",
        {"data": {"WANDB_BASE_URL": "https://w"}},
        {"data": {"token": Secret("t0ken")}},
    ),
]

CASES += [
    (
        "cmek-volumes",
        "kubernetes:storage.k8s.io/v1:StorageClass",
        {"provisioner": "pd.csi.storage.gke.io", "parameters": {"disk-encryption-kms-key": KEY}},
        {"provisioner": "pd.csi.storage.gke.io", "parameters": {"type": "pd-balanced"}},
    ),
    (
        "cmek-volumes",
        "kubernetes:storage.k8s.io/v1:StorageClass",
        {"provisioner": "ebs.csi.aws.com", "parameters": {"encrypted": "true", "kmsKeyId": ARN}},
        {"provisioner": "ebs.csi.aws.com", "parameters": {"encrypted": "true"}},
    ),
]

CHI = "kubernetes:clickhouse.altinity.com/v1:ClickHouseInstallation"
REPLICATED = {"clusters": [{"name": "weave", "layout": {"replicasCount": 3}}]}
CASES += [
    (
        "tls-clickhouse",
        CHI,
        {"spec": {"configuration": {**REPLICATED, "settings": {"https_port": 8443}, "files": {"openssl.xml": "<x/>"}}}},
        {"spec": {"configuration": REPLICATED}},
    ),
    (
        "kafka-clients-only",
        "kubernetes:kafka.strimzi.io/v1:Kafka",
        {"spec": {"kafka": {"listeners": [{"name": "plain", "networkPolicyPeers": [{"namespaceSelector": {}}]}]}}},
        {"spec": {"kafka": {"listeners": [{"name": "plain"}]}}},
    ),
]


AZ = "azure-native:"
KEY_URI = "https://kv.vault.azure.net/keys/k"
PRIVATE_API = {"enablePrivateCluster": True}
AKS_GOOD = {
    "securityProfile": {"azureKeyVaultKms": {"enabled": True, "keyId": f"{KEY_URI}/1"}},
    "diskEncryptionSetID": "/subscriptions/s/des",
    "apiServerAccessProfile": PRIVATE_API,
}
ACCOUNT_GOOD = {
    "encryption": {"keySource": "Microsoft.Keyvault", "keyVaultProperties": {"keyName": "storage"}},
    "allowBlobPublicAccess": False,
    "networkRuleSet": {"defaultAction": "Deny"},
}
CASES += [
    ("cmek-cluster-secrets", f"{AZ}containerservice:ManagedCluster", AKS_GOOD, {**AKS_GOOD, "securityProfile": {}}),
    ("cmek-volumes", f"{AZ}containerservice:ManagedCluster", AKS_GOOD, {**AKS_GOOD, "diskEncryptionSetID": ""}),
    (
        "no-public-address",
        f"{AZ}containerservice:ManagedCluster",
        {**AKS_GOOD, "apiServerAccessProfile": {"authorizedIPRanges": ["203.0.113.0/24"]}},
        {**AKS_GOOD, "apiServerAccessProfile": {"authorizedIPRanges": ["0.0.0.0/0"]}},
    ),
    (
        "cmek-databases",
        f"{AZ}dbformysql:Server",
        {
            "dataEncryption": {"type": "AzureKeyVault", "primaryKeyURI": KEY_URI},
            "network": {"publicNetworkAccess": "Disabled"},
        },
        {"dataEncryption": {"type": "SystemManaged"}, "network": {"publicNetworkAccess": "Disabled"}},
    ),
    (
        "no-public-address",
        f"{AZ}dbformysql:Server",
        {
            "dataEncryption": {"type": "AzureKeyVault", "primaryKeyURI": KEY_URI},
            "network": {"publicNetworkAccess": "Disabled"},
        },
        {
            "dataEncryption": {"type": "AzureKeyVault", "primaryKeyURI": KEY_URI},
            "network": {"publicNetworkAccess": "Enabled"},
        },
    ),
    (
        "tls-mysql",
        f"{AZ}dbformysql:Configuration",
        {"configurationName": "require_secure_transport", "value": "ON"},
        {"configurationName": "require_secure_transport", "value": "OFF"},
    ),
    (
        "cmek-caches",
        f"{AZ}redisenterprise:RedisEnterprise",
        {
            "encryption": {"customerManagedKeyEncryption": {"keyEncryptionKeyUrl": KEY_URI}},
            "publicNetworkAccess": "Disabled",
        },
        {"publicNetworkAccess": "Disabled"},
    ),
    ("tls-redis", f"{AZ}redisenterprise:Database", {"clientProtocol": "Encrypted"}, {"clientProtocol": "Plaintext"}),
    ("cmek-buckets", f"{AZ}storage:StorageAccount", ACCOUNT_GOOD, {**ACCOUNT_GOOD, "encryption": {}}),
    ("no-public-bucket", f"{AZ}storage:StorageAccount", ACCOUNT_GOOD, {**ACCOUNT_GOOD, "allowBlobPublicAccess": True}),
    ("no-public-bucket", f"{AZ}storage:BlobContainer", {"publicAccess": "None"}, {"publicAccess": "Blob"}),
    (
        "cmek-volumes",
        "kubernetes:storage.k8s.io/v1:StorageClass",
        {"provisioner": "disk.csi.azure.com", "parameters": {"diskEncryptionSetID": "/subscriptions/s/des"}},
        {"provisioner": "disk.csi.azure.com", "parameters": {"skuName": "Premium_ZRS"}},
    ),
    (
        "deletion-protection",
        f"{AZ}keyvault:Vault",
        {"properties": {"enablePurgeProtection": True, "publicNetworkAccess": "Disabled"}},
        {"properties": {"enablePurgeProtection": False, "publicNetworkAccess": "Disabled"}},
    ),
]


@pytest.mark.parametrize(("rule", "typ", "good", "bad"), CASES, ids=[f"{c[0]}:{c[1].split(':')[-1]}" for c in CASES])
def test_each_rule_passes_a_good_resource_and_fails_a_bad_one(rule, typ, good, bad):
    assert [n for n, _ in violations(typ, good, True) if n == rule] == []
    assert [n for n, _ in violations(typ, bad, True) if n == rule] == [rule]


def test_every_rule_has_a_case_and_a_policy():
    assert {c[0] for c in CASES} | {"vault-synced-secrets-only"} == {r.name for r in RULES + STACK_RULES}
    assert {r.name for r in RULES + STACK_RULES} == {p.name for p in POLICIES}


def test_a_credential_secret_beside_vault_synced_ones_is_refused():
    synced = ("kubernetes:secrets.hashicorp.com/v1beta1:VaultStaticSecret", {"metadata": {"namespace": "wandb"}})

    def secret(namespace, **data):
        return ("kubernetes:core/v1:Secret", {"metadata": {"name": "s", "namespace": namespace}, "stringData": data})

    assert stack_violations([synced, secret("wandb", **{"ca.crt": "PEM"}), secret("other", password="x")]) == []
    assert stack_violations([synced, secret("wandb", password="x")]) == [
        (
            "vault-synced-secrets-only",
            "Secret s in namespace wandb holds password although that namespace's Secrets are synced from Vault",
        )
    ]
    assert stack_violations([secret("wandb", password="x")]) == []  # the kubernetes backend


def test_protection_is_required_outside_dev_only():
    db = "aws:rds/cluster:Cluster"
    assert (
        "deletion-protection",
        "a stateful resource outside dev must be protected (Pulumi `protect`)",
    ) in violations(db, {"deletionProtection": True}, False)
    assert violations(db, {"tags": {"environment": "dev"}, "storageEncrypted": True, "kmsKeyId": ARN}, False) == []


def test_a_secret_is_allowed_in_a_kubernetes_secret_only():
    assert violations("kubernetes:core/v1:Secret", {"stringData": {"license": "[secret]"}}, False) == []
    found = violations("kubernetes:helm.sh/v3:Release", {"values": {"auth": {"clientSecret": "[secret]"}}}, False)
    assert found == [
        (
            "credentials-only-in-secrets",
            "a credential in the open at values.auth.clientSecret: put it in a Secret and reference it",
        )
    ]


def test_the_crossguard_policies_report_with_the_remedy_and_are_mandatory():
    policy = next(p for p in POLICIES if p.name == "tls-redis")
    reported = []
    args = ResourceValidationArgs(
        resource_type="gcp:redis/instance:Instance",
        props={"transitEncryptionMode": "DISABLED"},
        urn="urn:pulumi:s::p::gcp:redis/instance:Instance::r",
        name="r",
        opts=PolicyResourceOptions(
            protect=True,
            ignore_changes=[],
            delete_before_replace=None,
            aliases=[],
            additional_secret_outputs=[],
            custom_timeouts=None,
            parent=None,
        ),
        provider=None,
    )
    policy.validate(args, lambda message, urn=None: reported.append((message, urn)))
    assert reported == [
        (
            "Memorystore must require TLS (transitEncryptionMode SERVER_AUTHENTICATION). Set Memorystore "
            "transitEncryptionMode SERVER_AUTHENTICATION; ElastiCache transit encryption required.",
            "urn:pulumi:s::p::gcp:redis/instance:Instance::r",
        )
    ]
    assert all(p.enforcement_level == EnforcementLevel.MANDATORY for p in POLICIES)


@pytest.mark.parametrize("stack", STACK_FILES)
def test_every_committed_stack_passes_its_own_policy_pack(stack):
    plan = plan_json(planned(stack))  # the offline plan's JSON, as a reviewer or CI would read it
    found = [
        (r["type"], r["name"], v) for r in plan["resources"] for v in violations(r["type"], r["inputs"], r["protect"])
    ]
    assert found == [] and stack_violations([(r["type"], r["inputs"]) for r in plan["resources"]]) == []
