"""The platform's security invariants as pure functions over one resource: its type token, its properties
(Pulumi's camelCase names, as CrossGuard and the offline plan's JSON both give them) and whether it is
protected. Each rule returns its violations in words; the policy pack (policies.py) reports them, and the
test suite runs the same rules over the offline plan of every committed stack.

A secret value may arrive as CrossGuard's `Secret` wrapper or as the plan's `"[secret]"`; rules treat both as
set (and, inside a Kubernetes object that is not a Secret, as a credential in the open).
"""

from __future__ import annotations

from .base import Props, Rule, dig, is_set
from .credentials import STACK_RULES, StackRule, credentials_only_in_secrets, stack_violations

__all__ = ["RULES", "STACK_RULES", "Rule", "StackRule", "stack_violations", "violations"]

# --- customer-managed keys -------------------------------------------------------------------------------


def cmek_cluster_secrets(typ: str, props: Props, protect: bool) -> list[str]:
    if typ == "gcp:container/cluster:Cluster":
        enc = props.get("databaseEncryption") or {}
        if dig(enc, "state") != "ENCRYPTED" or not is_set(dig(enc, "keyName")):
            return ["GKE must envelope-encrypt Kubernetes Secrets with a Cloud KMS key (databaseEncryption)"]
    if typ == "aws:eks/cluster:Cluster":
        config = dig(props, "encryptionConfig") or {}
        if not is_set(dig(config, "provider", "keyArn")) or "secrets" not in (dig(config, "resources") or []):
            return ["EKS must encrypt Kubernetes Secrets with a KMS key (encryptionConfig)"]
    if typ == "azure-native:containerservice:ManagedCluster":
        kms = dig(props, "securityProfile", "azureKeyVaultKms") or {}
        if dig(kms, "enabled") is not True or not is_set(dig(kms, "keyId")):
            return ["AKS must encrypt Kubernetes Secrets with a Key Vault key (securityProfile.azureKeyVaultKms)"]
    return []


def cmek_databases(typ: str, props: Props, protect: bool) -> list[str]:
    if typ == "gcp:sql/databaseInstance:DatabaseInstance" and not is_set(dig(props, "encryptionKeyName")):
        return ["Cloud SQL must be encrypted with a customer-managed key (encryptionKeyName)"]
    if typ == "aws:rds/cluster:Cluster" and not (
        dig(props, "storageEncrypted") is True and is_set(dig(props, "kmsKeyId"))
    ):
        return ["Aurora must be encrypted with a customer-managed key (storageEncrypted and kmsKeyId)"]
    if typ == "azure-native:dbformysql:Server" and not (
        dig(props, "dataEncryption", "type") == "AzureKeyVault"
        and is_set(dig(props, "dataEncryption", "primaryKeyURI"))
    ):
        return ["MySQL Flexible Server must be encrypted with a Key Vault key (dataEncryption)"]
    return []


def cmek_caches(typ: str, props: Props, protect: bool) -> list[str]:
    if typ == "gcp:redis/instance:Instance" and not is_set(dig(props, "customerManagedKey")):
        return ["Memorystore must be encrypted with a customer-managed key (customerManagedKey)"]
    if typ == "aws:elasticache/replicationGroup:ReplicationGroup" and not (
        dig(props, "atRestEncryptionEnabled") is True and is_set(dig(props, "kmsKeyId"))
    ):
        return ["ElastiCache must be encrypted at rest with a customer-managed key (atRestEncryptionEnabled, kmsKeyId)"]
    if typ == "azure-native:redisenterprise:RedisEnterprise" and not is_set(
        dig(props, "encryption", "customerManagedKeyEncryption", "keyEncryptionKeyUrl")
    ):
        return ["Azure Managed Redis must be encrypted with a Key Vault key (encryption.customerManagedKeyEncryption)"]
    return []


def cmek_buckets(typ: str, props: Props, protect: bool) -> list[str]:
    if typ == "gcp:storage/bucket:Bucket" and not is_set(dig(props, "encryption", "defaultKmsKeyName")):
        return ["GCS buckets must default to a customer-managed key (encryption.defaultKmsKeyName)"]
    if typ == "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
        rules = dig(props, "rules") or []
        if not rules or not all(
            dig(r, "applyServerSideEncryptionByDefault", "sseAlgorithm") in ("aws:kms", "aws:kms:dsse")
            and is_set(dig(r, "applyServerSideEncryptionByDefault", "kmsMasterKeyId"))
            for r in rules
        ):
            return ["S3 encryption must be SSE-KMS with a customer-managed key (kmsMasterKeyId)"]
    if typ == "azure-native:storage:StorageAccount" and not (
        dig(props, "encryption", "keySource") == "Microsoft.Keyvault"
        and is_set(dig(props, "encryption", "keyVaultProperties", "keyName"))
    ):
        return ["storage accounts must be encrypted with a Key Vault key (encryption.keySource Microsoft.Keyvault)"]
    return []


VOLUME_KEYS = {
    "pd.csi.storage.gke.io": "disk-encryption-kms-key",
    "ebs.csi.aws.com": "kmsKeyId",
    "disk.csi.azure.com": "diskEncryptionSetID",
}


def cmek_volumes(typ: str, props: Props, protect: bool) -> list[str]:
    """StorageClasses this platform makes for its datastores' volumes, and AKS nodes' disks, encrypt them with a
    customer-managed key."""
    if typ == "azure-native:containerservice:ManagedCluster" and not is_set(dig(props, "diskEncryptionSetID")):
        return ["AKS node disks must be encrypted with a disk encryption set (diskEncryptionSetID)"]
    if typ != "kubernetes:storage.k8s.io/v1:StorageClass":
        return []
    key = VOLUME_KEYS.get(str(dig(props, "provisioner")))
    if key and not is_set(dig(props, "parameters", key)):
        return [f"volumes of this StorageClass must be encrypted with a customer-managed key (parameters.{key})"]
    return []


# --- nothing public --------------------------------------------------------------------------------------


def no_public_address(typ: str, props: Props, protect: bool) -> list[str]:
    if typ == "gcp:sql/databaseInstance:DatabaseInstance" and dig(props, "settings", "ipConfiguration", "ipv4Enabled"):
        return ["Cloud SQL must have no public IPv4 address (settings.ipConfiguration.ipv4Enabled false)"]
    if typ == "gcp:container/cluster:Cluster" and not dig(props, "privateClusterConfig", "enablePrivateNodes"):
        return ["GKE nodes must be private (privateClusterConfig.enablePrivateNodes)"]
    if typ in ("aws:rds/clusterInstance:ClusterInstance", "aws:rds/instance:Instance") and dig(
        props, "publiclyAccessible"
    ):
        return ["database instances must not be publicly accessible (publiclyAccessible false)"]
    if typ == "aws:ec2/subnet:Subnet" and dig(props, "mapPublicIpOnLaunch"):
        return ["subnets must not give instances public addresses (mapPublicIpOnLaunch false)"]
    if typ == "clickhouse:index/service:Service" and dig(props, "ipAccesses") != []:
        return ["ClickHouse Cloud must admit no internet address, only private endpoints (ipAccesses [])"]
    return _azure_public_access(typ, props)


AZURE_PUBLIC_ACCESS = {
    "azure-native:dbformysql:Server": ("network", "publicNetworkAccess"),
    "azure-native:redisenterprise:RedisEnterprise": ("publicNetworkAccess",),
    "azure-native:keyvault:Vault": ("properties", "publicNetworkAccess"),
}


def _azure_public_access(typ: str, props: Props) -> list[str]:
    """Azure's services take no public network access (a Key Vault with no network to be reached from: its
    firewall admitting nothing but Azure's trusted services), and the AKS API server none but from named ranges."""
    acls = dig(props, "properties", "networkAcls") or {}
    closed = acls.get("defaultAction") == "Deny" and not acls.get("ipRules") and not acls.get("virtualNetworkRules")
    if typ == "azure-native:keyvault:Vault" and closed:
        return []
    if typ in AZURE_PUBLIC_ACCESS and dig(props, *AZURE_PUBLIC_ACCESS[typ]) != "Disabled":
        return [f"no public network access: reach it through the network ({'.'.join(AZURE_PUBLIC_ACCESS[typ])})"]
    if typ == "azure-native:containerservice:ManagedCluster":
        api = dig(props, "apiServerAccessProfile") or {}
        ranges = dig(api, "authorizedIPRanges") or []
        if not dig(api, "enablePrivateCluster") and (not ranges or "0.0.0.0/0" in ranges):
            return ["the AKS API server must be private or admit named ranges only (apiServerAccessProfile)"]
    return []


S3_BLOCKS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def no_public_bucket(typ: str, props: Props, protect: bool) -> list[str]:
    if typ == "gcp:storage/bucket:Bucket" and not (
        dig(props, "publicAccessPrevention") == "enforced" and dig(props, "uniformBucketLevelAccess") is True
    ):
        return ["GCS buckets must enforce public access prevention with uniform bucket-level access"]
    if typ == "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":
        off = [k for k in S3_BLOCKS if dig(props, k) is not True]
        if off:
            return [f"S3 public access must be blocked in full ({', '.join(off)} not true)"]
    if typ == "azure-native:storage:StorageAccount" and not (
        dig(props, "allowBlobPublicAccess") is False and dig(props, "networkRuleSet", "defaultAction") == "Deny"
    ):
        return [
            "storage accounts must refuse anonymous blobs and deny by default (allowBlobPublicAccess, networkRuleSet)"
        ]
    if typ == "azure-native:storage:BlobContainer" and dig(props, "publicAccess") not in (None, "None"):
        return ["blob containers must not be public (publicAccess None)"]
    return []


# --- TLS to the datastores -------------------------------------------------------------------------------

TLS_SQL_MODES = ("ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED")


def tls_mysql(typ: str, props: Props, protect: bool) -> list[str]:
    if typ == "gcp:sql/databaseInstance:DatabaseInstance":
        if dig(props, "settings", "ipConfiguration", "sslMode") not in TLS_SQL_MODES:
            return ["Cloud SQL must refuse unencrypted connections (settings.ipConfiguration.sslMode ENCRYPTED_ONLY)"]
    if typ == "aws:rds/clusterParameterGroup:ClusterParameterGroup" and str(dig(props, "family")).startswith(
        "aurora-mysql"
    ):
        values = {dig(p, "name"): str(dig(p, "value")).upper() for p in dig(props, "parameters") or []}
        if values.get("require_secure_transport") not in ("ON", "1"):
            return ["Aurora MySQL must require TLS (cluster parameter require_secure_transport ON)"]
    if (
        typ == "azure-native:dbformysql:Configuration"
        and dig(props, "configurationName") == "require_secure_transport"
        and str(dig(props, "value")).upper() != "ON"
    ):
        return ["MySQL Flexible Server must require TLS (require_secure_transport ON)"]
    return []


def tls_redis(typ: str, props: Props, protect: bool) -> list[str]:
    if typ == "gcp:redis/instance:Instance" and dig(props, "transitEncryptionMode") != "SERVER_AUTHENTICATION":
        return ["Memorystore must require TLS (transitEncryptionMode SERVER_AUTHENTICATION)"]
    if typ == "aws:elasticache/replicationGroup:ReplicationGroup" and not (
        dig(props, "transitEncryptionEnabled") is True and dig(props, "transitEncryptionMode") in (None, "required")
    ):
        return ["ElastiCache must require TLS (transitEncryptionEnabled, transitEncryptionMode required)"]
    if typ == "azure-native:redisenterprise:Database" and dig(props, "clientProtocol") != "Encrypted":
        return ["Azure Managed Redis must require TLS (clientProtocol Encrypted)"]
    return []


def tls_clickhouse(typ: str, props: Props, protect: bool) -> list[str]:
    """A replicated ClickHouse (Altinity) serves HTTPS on 8443 with a certificate: Weave uses TLS only there."""
    if typ != "kubernetes:clickhouse.altinity.com/v1:ClickHouseInstallation":
        return []
    replicas = max(
        (dig(c, "layout", "replicasCount") or 1 for c in dig(props, "spec", "configuration", "clusters") or []),
        default=1,
    )
    configuration = dig(props, "spec", "configuration") or {}
    if replicas > 1 and not (
        dig(configuration, "settings", "https_port") == 8443 and "openssl.xml" in (dig(configuration, "files") or {})
    ):
        return ["a replicated ClickHouse must serve HTTPS on 8443 with a certificate (https_port, files openssl.xml)"]
    return []


def kafka_clients_only(typ: str, props: Props, protect: bool) -> list[str]:
    """Every listener of a Strimzi Kafka admits named peers only (W&B's namespace), never the whole cluster."""
    if typ != "kubernetes:kafka.strimzi.io/v1:Kafka":
        return []
    open_listeners = [
        str(dig(listener, "name"))
        for listener in dig(props, "spec", "kafka", "listeners") or []
        if not dig(listener, "networkPolicyPeers")
    ]
    return [f"Kafka listener {name} admits every pod: give it networkPolicyPeers" for name in open_listeners]


# --- deletion protection ---------------------------------------------------------------------------------

# Stateful resources, and the property that turns the cloud's own deletion protection on (None: only `protect`).
# Not Cloud KMS key rings: GCP never deletes them, and they carry no labels to tell dev from prod.
STATEFUL: dict[str, tuple[str, ...] | None] = {
    "gcp:container/cluster:Cluster": ("deletionProtection",),
    "gcp:sql/databaseInstance:DatabaseInstance": ("deletionProtection",),
    "gcp:redis/instance:Instance": None,
    "gcp:storage/bucket:Bucket": None,
    "gcp:kms/cryptoKey:CryptoKey": None,
    "aws:eks/cluster:Cluster": ("deletionProtection",),
    "aws:rds/cluster:Cluster": ("deletionProtection",),
    "aws:elasticache/replicationGroup:ReplicationGroup": None,
    "aws:s3/bucket:Bucket": None,
    "aws:kms/key:Key": None,
    "clickhouse:index/service:Service": None,
    "azure-native:containerservice:ManagedCluster": None,
    "azure-native:dbformysql:Server": None,
    "azure-native:redisenterprise:RedisEnterprise": None,
    "azure-native:storage:StorageAccount": None,
    "azure-native:keyvault:Vault": ("properties", "enablePurgeProtection"),
    "azure-native:keyvault:Key": None,
}
LABEL_KEYS = (("labels",), ("resourceLabels",), ("userLabels",), ("settings", "userLabels"), ("tags",))


def environment(props: Props) -> str:
    """The `environment` label or tag, where the resource carries one."""
    for path in LABEL_KEYS:
        value = dig(props, *path, "environment")
        if value:
            return str(value)
    return ""


def deletion_protection(typ: str, props: Props, protect: bool) -> list[str]:
    if typ not in STATEFUL or environment(props) == "dev":
        return []
    found = [] if protect else ["a stateful resource outside dev must be protected (Pulumi `protect`)"]
    flag = STATEFUL[typ]
    if flag and dig(props, *flag) is not True:
        found.append(f"a stateful resource outside dev needs the cloud's deletion protection ({'.'.join(flag)})")
    if typ == "gcp:storage/bucket:Bucket" and dig(props, "forceDestroy") is True:
        found.append("a bucket outside dev must not be force-destroyed (forceDestroy false)")
    return found


RULES = [
    Rule(
        "cmek-cluster-secrets",
        "Kubernetes Secrets are envelope-encrypted with a customer-managed key.",
        "Give the cluster a KMS key for Secrets (GkeCluster secrets_key_id, EksCluster secrets_key_arn).",
        cmek_cluster_secrets,
    ),
    Rule(
        "cmek-databases",
        "Databases are encrypted with a customer-managed key.",
        "Pass the database its own KMS key (CloudSqlArgs/AuroraArgs kms_key_*).",
        cmek_databases,
    ),
    Rule(
        "cmek-caches",
        "Caches are encrypted at rest with a customer-managed key.",
        "Pass the cache its own KMS key (MemorystoreArgs/ElastiCacheArgs kms_key_*).",
        cmek_caches,
    ),
    Rule(
        "cmek-buckets",
        "Buckets are encrypted with a customer-managed key.",
        "Pass the bucket its own KMS key (GcsBucketArgs kms_key_id, S3BucketArgs kms_key_arn).",
        cmek_buckets,
    ),
    Rule(
        "cmek-volumes",
        "Persistent volumes (GKE PD, EBS) are encrypted with a customer-managed key.",
        "Give the StorageClass the platform's disk key (GKE disk-encryption-kms-key, EBS kmsKeyId).",
        cmek_volumes,
    ),
    Rule(
        "no-public-address",
        "Databases, nodes and subnets have no public address; ClickHouse Cloud admits no internet address.",
        "Use private IP only, private nodes and private subnets, and private endpoints to ClickHouse Cloud; reach "
        "W&B through its load balancer.",
        no_public_address,
    ),
    Rule(
        "no-public-bucket",
        "Buckets can never be made public.",
        "Enforce public access prevention (GCS) or all four public access blocks (S3).",
        no_public_bucket,
    ),
    Rule(
        "tls-mysql",
        "MySQL accepts TLS connections only.",
        "Set Cloud SQL sslMode ENCRYPTED_ONLY; set require_secure_transport ON on Aurora.",
        tls_mysql,
    ),
    Rule(
        "tls-redis",
        "Redis accepts TLS connections only.",
        "Set Memorystore transitEncryptionMode SERVER_AUTHENTICATION; ElastiCache transit encryption required.",
        tls_redis,
    ),
    Rule(
        "tls-clickhouse",
        "A replicated ClickHouse serves Weave over HTTPS.",
        "Serve HTTPS on 8443 with a certificate (wandb-platform's ReplicatedClickHouse does).",
        tls_clickhouse,
    ),
    Rule(
        "kafka-clients-only",
        "Kafka in the cluster is reachable only from W&B's namespace.",
        "Give every listener networkPolicyPeers naming W&B's namespace (InClusterKafka does).",
        kafka_clients_only,
    ),
    Rule(
        "deletion-protection",
        "Stateful resources outside dev are protected from deletion.",
        "Turn deletion protection on (wandb-platform:deletionProtection, or protect=True in your program).",
        deletion_protection,
    ),
    Rule(
        "credentials-only-in-secrets",
        "No credential in the W&B resource, a ConfigMap or any Kubernetes object but a Secret.",
        "Write the credential to a Kubernetes Secret and reference it by name and key.",
        credentials_only_in_secrets,
    ),
]


def violations(typ: str, props: Props, protect: bool) -> list[tuple[str, str]]:
    """(rule name, message) for every rule the resource breaks."""
    return [(rule.name, message) for rule in RULES for message in rule.check(typ, props, protect)]
