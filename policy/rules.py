"""The platform's security invariants as pure functions over one resource: its type token, its properties
(Pulumi's camelCase names, as CrossGuard and the offline plan's JSON both give them) and whether it is
protected. Each rule returns its violations in words; the policy pack (policies.py) reports them, and the
test suite runs the same rules over the offline plan of every committed stack.

A secret value may arrive as CrossGuard's `Secret` wrapper or as the plan's `"[secret]"`; rules treat both as
set (and, inside a Kubernetes object that is not a Secret, as a credential in the open).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

Props = Mapping[str, Any]


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    remediation: str
    check: Callable[[str, Props, bool], list[str]]


def dig(props: Any, *path: str | int) -> Any:
    for step in path:
        if isinstance(props, Mapping):
            props = props.get(step)
        elif isinstance(props, list) and isinstance(step, int) and step < len(props):
            props = props[step]
        else:
            return None
    return getattr(props, "value", props)  # CrossGuard's Secret wraps its value


def _set(value: Any) -> bool:
    return value not in (None, "", [], {})


# --- customer-managed keys -------------------------------------------------------------------------------


def cmek_cluster_secrets(typ: str, props: Props, protect: bool) -> list[str]:
    if typ == "gcp:container/cluster:Cluster":
        enc = props.get("databaseEncryption") or {}
        if dig(enc, "state") != "ENCRYPTED" or not _set(dig(enc, "keyName")):
            return ["GKE must envelope-encrypt Kubernetes Secrets with a Cloud KMS key (databaseEncryption)"]
    if typ == "aws:eks/cluster:Cluster":
        config = dig(props, "encryptionConfig") or {}
        if not _set(dig(config, "provider", "keyArn")) or "secrets" not in (dig(config, "resources") or []):
            return ["EKS must encrypt Kubernetes Secrets with a KMS key (encryptionConfig)"]
    return []


def cmek_databases(typ: str, props: Props, protect: bool) -> list[str]:
    if typ == "gcp:sql/databaseInstance:DatabaseInstance" and not _set(dig(props, "encryptionKeyName")):
        return ["Cloud SQL must be encrypted with a customer-managed key (encryptionKeyName)"]
    if typ == "aws:rds/cluster:Cluster" and not (
        dig(props, "storageEncrypted") is True and _set(dig(props, "kmsKeyId"))
    ):
        return ["Aurora must be encrypted with a customer-managed key (storageEncrypted and kmsKeyId)"]
    return []


def cmek_caches(typ: str, props: Props, protect: bool) -> list[str]:
    if typ == "gcp:redis/instance:Instance" and not _set(dig(props, "customerManagedKey")):
        return ["Memorystore must be encrypted with a customer-managed key (customerManagedKey)"]
    if typ == "aws:elasticache/replicationGroup:ReplicationGroup" and not (
        dig(props, "atRestEncryptionEnabled") is True and _set(dig(props, "kmsKeyId"))
    ):
        return ["ElastiCache must be encrypted at rest with a customer-managed key (atRestEncryptionEnabled, kmsKeyId)"]
    return []


def cmek_buckets(typ: str, props: Props, protect: bool) -> list[str]:
    if typ == "gcp:storage/bucket:Bucket" and not _set(dig(props, "encryption", "defaultKmsKeyName")):
        return ["GCS buckets must default to a customer-managed key (encryption.defaultKmsKeyName)"]
    if typ == "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
        rules = dig(props, "rules") or []
        if not rules or not all(
            dig(r, "applyServerSideEncryptionByDefault", "sseAlgorithm") in ("aws:kms", "aws:kms:dsse")
            and _set(dig(r, "applyServerSideEncryptionByDefault", "kmsMasterKeyId"))
            for r in rules
        ):
            return ["S3 encryption must be SSE-KMS with a customer-managed key (kmsMasterKeyId)"]
    return []


VOLUME_KEYS = {"pd.csi.storage.gke.io": "disk-encryption-kms-key", "ebs.csi.aws.com": "kmsKeyId"}


def cmek_volumes(typ: str, props: Props, protect: bool) -> list[str]:
    """StorageClasses this platform makes for its datastores' volumes encrypt them with a customer-managed key."""
    if typ != "kubernetes:storage.k8s.io/v1:StorageClass":
        return []
    key = VOLUME_KEYS.get(str(dig(props, "provisioner")))
    if key and not _set(dig(props, "parameters", key)):
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
    return []


def tls_redis(typ: str, props: Props, protect: bool) -> list[str]:
    if typ == "gcp:redis/instance:Instance" and dig(props, "transitEncryptionMode") != "SERVER_AUTHENTICATION":
        return ["Memorystore must require TLS (transitEncryptionMode SERVER_AUTHENTICATION)"]
    if typ == "aws:elasticache/replicationGroup:ReplicationGroup" and not (
        dig(props, "transitEncryptionEnabled") is True and dig(props, "transitEncryptionMode") in (None, "required")
    ):
        return ["ElastiCache must require TLS (transitEncryptionEnabled, transitEncryptionMode required)"]
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


# --- credentials only in Secrets -------------------------------------------------------------------------

CREDENTIAL_KEYS = {"password", "license", "secret", "token", "apikey", "authstring", "accesskey", "clientsecret"}
REDACTED = "[secret]"


def _credentials(value: Any, path: str) -> Iterator[str]:
    if type(value).__name__ == "Secret" or value == REDACTED:  # CrossGuard's wrapper, the offline plan's mark
        yield path
    elif isinstance(value, Mapping):
        for k, v in value.items():
            if isinstance(v, str) and v and str(k).lower() in CREDENTIAL_KEYS:
                yield f"{path}.{k}"
            else:
                yield from _credentials(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _credentials(v, f"{path}[{i}]")


def credentials_only_in_secrets(typ: str, props: Props, protect: bool) -> list[str]:
    """No credential in the W&B custom resource, a ConfigMap or any Kubernetes object but a Secret."""
    if not typ.startswith("kubernetes:") or typ == "kubernetes:core/v1:Secret":
        return []
    return [f"a credential in the open at {p}: put it in a Secret and reference it" for p in _credentials(props, "")]


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


# --- across a stack --------------------------------------------------------------------------------------

VSO_SYNCED = (
    "kubernetes:secrets.hashicorp.com/v1beta1:VaultStaticSecret",
    "kubernetes:secrets.hashicorp.com/v1beta1:VaultDynamicSecret",
)
PUBLIC_KEYS = {"ca.crt"}  # a Secret holding only a CA certificate (what VSO reads a private CA from)


@dataclass(frozen=True)
class StackRule:
    name: str
    description: str
    remediation: str
    check: Callable[[list[tuple[str, Props]]], list[str]]


def vault_synced_secrets_only(resources: list[tuple[str, Props]]) -> list[str]:
    """Where Vault's operator makes the Secrets, Pulumi writes none holding a credential: the value would sit in
    Pulumi's state and fight the synced copy."""
    synced = {dig(props, "metadata", "namespace") for typ, props in resources if typ in VSO_SYNCED}
    found = []
    for typ, props in resources:
        if typ != "kubernetes:core/v1:Secret" or dig(props, "metadata", "namespace") not in synced:
            continue
        keys = set(dig(props, "stringData") or {}) | set(dig(props, "data") or {})
        if keys - PUBLIC_KEYS:
            found.append(
                f"Secret {dig(props, 'metadata', 'name')} in namespace {dig(props, 'metadata', 'namespace')} holds "
                f"{', '.join(sorted(keys - PUBLIC_KEYS))} although that namespace's Secrets are synced from Vault"
            )
    return found


STACK_RULES = [
    StackRule(
        "vault-synced-secrets-only",
        "With Vault as the secrets backend, no credential is written as a Kubernetes Secret by Pulumi.",
        "Write the credential to Vault and sync it (wandb-platform's secrets backend `vault` does).",
        vault_synced_secrets_only,
    ),
]


def stack_violations(resources: list[tuple[str, Props]]) -> list[tuple[str, str]]:
    return [(rule.name, message) for rule in STACK_RULES for message in rule.check(resources)]
