"""The committed GCP stacks, run whole under the mocks: the properties each resource must have."""

import pytest

from components.gcp.cluster import NODE_SCOPES
from components.gcp.mysql import WANDB_MYSQL_FLAGS
from components.k8s.wandb_values import service_account_names
from tests.conftest import REDACTED, base_gcp_config, dig, leaves, planned, primary, run_config, wandb_cr

CLUSTER = "gcp:container/cluster:Cluster"
POOL = "gcp:container/nodePool:NodePool"
SQL = "gcp:sql/databaseInstance:DatabaseInstance"
REDIS = "gcp:redis/instance:Instance"
BUCKET = "gcp:storage/bucket:Bucket"
KEY = "gcp:kms/cryptoKey:CryptoKey"


@pytest.fixture(scope="module")
def prod():
    return planned("prod")


@pytest.fixture(scope="module")
def dev():
    return planned("dev")


def key_ids(run):
    return {r.id for r in run.of_type(KEY)}


def test_gke_is_private_with_workload_identity_and_kms_encrypted_secrets(prod):
    c = prod.one(CLUSTER).plain_inputs
    assert dig(c, "privateClusterConfig", "enablePrivateNodes") is True
    assert dig(c, "workloadIdentityConfig", "workloadPool") == "wandb-platform-prod.svc.id.goog"
    assert dig(c, "databaseEncryption", "state") == "ENCRYPTED"
    assert dig(c, "databaseEncryption", "keyName") in key_ids(prod)
    assert dig(c, "masterAuthorizedNetworksConfig", "cidrBlocks", 0, "cidrBlock") == "203.0.113.0/24"
    assert dig(c, "masterAuthorizedNetworksConfig", "gcpPublicCidrsAccessEnabled") is False
    assert c["enableShieldedNodes"] is True and c["removeDefaultNodePool"] is True
    assert c["deletionProtection"] is True and prod.one(CLUSTER).protect
    assert dig(c, "releaseChannel", "channel") == "STABLE"
    assert c["minMasterVersion"] == "1.35"
    assert c["datapathProvider"] == "ADVANCED_DATAPATH"
    assert dig(c, "binaryAuthorization", "evaluationMode") == "PROJECT_SINGLETON_POLICY_ENFORCE"


def test_node_pool_is_sized_by_the_preset_and_runs_as_a_dedicated_account(prod):
    pool = prod.one(POOL).plain_inputs
    node = pool["nodeConfig"]
    assert node["machineType"] == "n2-highmem-16" and node["diskSizeGb"] == 256
    assert dig(pool, "autoscaling", "totalMinNodeCount") == 3 and dig(pool, "autoscaling", "totalMaxNodeCount") == 8
    assert node["serviceAccount"].startswith("wandb-prod-nodes@")
    assert node["oauthScopes"] == NODE_SCOPES
    assert "https://www.googleapis.com/auth/cloud-platform" not in node["oauthScopes"]
    assert dig(node, "workloadMetadataConfig", "mode") == "GKE_METADATA"
    assert dig(node, "shieldedInstanceConfig", "enableSecureBoot") is True
    assert node["bootDiskKmsKey"] in key_ids(prod)
    roles = {r.plain_inputs["role"]: r.plain_inputs["member"] for r in prod.of_type("gcp:projects/iAMMember:IAMMember")}
    assert set(roles) == {"roles/container.defaultNodeServiceAccount", "roles/monitoring.viewer"}  # nothing else
    assert roles["roles/container.defaultNodeServiceAccount"].startswith("serviceAccount:wandb-prod-nodes@")
    assert roles["roles/monitoring.viewer"].startswith("serviceAccount:wandb-prod-metrics@")  # the metrics exporter


def test_cloud_sql_is_private_regional_backed_up_encrypted_and_protected(prod):
    sql = primary(prod, SQL)
    s = sql.plain_inputs["settings"]
    assert sql.plain_inputs["databaseVersion"] == "MYSQL_8_4"
    assert dig(s, "ipConfiguration", "ipv4Enabled") is False
    assert dig(s, "ipConfiguration", "privateNetwork") == prod.one("gcp:compute/network:Network").id
    assert dig(s, "ipConfiguration", "sslMode") == "ENCRYPTED_ONLY"
    assert s["availabilityType"] == "REGIONAL" and s["tier"] == "db-n1-highmem-8"
    assert dig(s, "backupConfiguration", "enabled") and dig(s, "backupConfiguration", "binaryLogEnabled")
    assert sql.plain_inputs["encryptionKeyName"] in key_ids(prod)
    assert sql.plain_inputs["deletionProtection"] is True and s["deletionProtectionEnabled"] and sql.protect
    assert {f["name"]: f["value"] for f in s["databaseFlags"]} == WANDB_MYSQL_FLAGS
    db = prod.one("gcp:sql/database:Database").plain_inputs
    assert (db["name"], db["charset"]) == ("wandb_local", "utf8mb4")
    assert prod.one("gcp:sql/user:User").plain_inputs["name"] == "wandb"


def test_memorystore_has_auth_tls_cmek_and_ha(prod):
    r = prod.one(REDIS)
    i = r.plain_inputs
    assert i["tier"] == "STANDARD_HA" and i["redisVersion"] == "REDIS_7_2" and i["memorySizeGb"] == 13
    assert i["authEnabled"] is True and i["transitEncryptionMode"] == "SERVER_AUTHENTICATION"
    assert i["customerManagedKey"] in key_ids(prod) and i["connectMode"] == "PRIVATE_SERVICE_ACCESS"
    assert i["redisConfigs"] == {"notify-keyspace-events": "K$"} and r.protect


def test_bucket_is_private_versioned_encrypted_with_cors(prod):
    b = primary(prod, BUCKET)
    i = b.plain_inputs
    assert i["uniformBucketLevelAccess"] is True and i["publicAccessPrevention"] == "enforced"
    assert dig(i, "encryption", "defaultKmsKeyName") in key_ids(prod)
    assert dig(i, "versioning", "enabled") is True
    assert dig(i, "lifecycleRules", 0, "condition", "daysSinceNoncurrentTime") == 30
    assert i["cors"] == [
        {"origins": ["*"], "methods": ["GET", "HEAD", "PUT"], "responseHeaders": ["ETag"], "maxAgeSeconds": 3000}
    ]
    assert i["forceDestroy"] is False and b.protect


def test_keys_rotate_and_each_service_agent_holds_only_its_key(prod):
    for key in prod.of_type(KEY):
        assert key.plain_inputs["rotationPeriod"] == "7776000s" and key.protect
    grants = {g.name: g.plain_inputs for g in prod.of_type("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember")}
    assert grants["wandb-kms-mysql-agent-0"]["member"].endswith("@gcp-sa-cloud-sql.iam.gserviceaccount.com")
    assert grants["wandb-kms-bucket-agent-0"]["member"].endswith("@gs-project-accounts.iam.gserviceaccount.com")
    assert grants["wandb-kms-redis-agent-0"]["member"].endswith("@cloud-redis.iam.gserviceaccount.com")
    assert grants["wandb-kms-gke-secrets-agent-0"]["member"].endswith("@container-engine-robot.iam.gserviceaccount.com")
    assert all(g["role"] == "roles/cloudkms.cryptoKeyEncrypterDecrypter" for g in grants.values())


def test_wandb_identity_is_scoped_to_its_bucket_key_and_service_accounts(prod):
    sa = next(r for r in prod.of_type("gcp:serviceaccount/account:Account") if r.name.endswith("identity-sa"))
    email = sa.outputs["email"]
    members = [m for m in prod.of_type("gcp:storage/bucketIAMMember:BucketIAMMember") if "-identity-" in m.name]
    assert {r.plain_inputs["role"] for r in members} == {
        "roles/storage.objectAdmin",
        "roles/storage.legacyBucketReader",
    }
    assert all(r.plain_inputs["bucket"] == primary(prod, BUCKET).outputs["name"] for r in members)
    assert all(r.plain_inputs["member"] == f"serviceAccount:{email}" for r in members)
    sa_members = [r.plain_inputs for r in prod.of_type("gcp:serviceaccount/iAMMember:IAMMember")]
    wi = {m["member"] for m in sa_members if m["role"] == "roles/iam.workloadIdentityUser"}
    pool = "serviceAccount:wandb-platform-prod.svc.id.goog"
    assert wi == {f"{pool}[wandb/{n}]" for n in service_account_names("wandb")} | {
        f"{pool}[wandb-monitoring/cloud-metrics]",
        f"{pool}[wandb-clickhouse/clickhouse-backup]",
    }
    assert {m["member"] for m in sa_members if m["role"] == "roles/iam.serviceAccountTokenCreator"} == {
        f"serviceAccount:{email}"
    }
    assert not any(email in str(r.plain_inputs.get("member")) for r in prod.of_type("gcp:projects/iAMMember:IAMMember"))
    values = wandb_cr(prod).plain_inputs["spec"]["values"]
    assert values["app"]["serviceAccount"]["annotations"] == {"iam.gke.io/gcp-service-account": email}


def test_ingress_has_static_ip_managed_certificate_https_only(prod):
    ann = wandb_cr(prod).plain_inputs["spec"]["values"]["ingress"]["annotations"]
    assert ann["kubernetes.io/ingress.class"] == "gce"
    address = next(r for r in prod.of_type("gcp:compute/globalAddress:GlobalAddress") if r.name.endswith("ingress-ip"))
    assert dig(address.plain_inputs, "addressType") in (None, "EXTERNAL")
    assert ann["kubernetes.io/ingress.global-static-ip-name"] == address.outputs["name"]
    assert (
        ann["ingress.gcp.kubernetes.io/pre-shared-cert"]
        == prod.one("gcp:compute/managedSslCertificate:ManagedSslCertificate").outputs["name"]
    )
    assert ann["kubernetes.io/ingress.allow-http"] == "false"
    cert = prod.one("gcp:compute/managedSslCertificate:ManagedSslCertificate").plain_inputs
    assert dig(cert, "managed", "domains") == ["wandb.example.com"]
    frontend = prod.one("kubernetes:networking.gke.io/v1beta1:FrontendConfig").plain_inputs
    assert frontend["spec"]["sslPolicy"] == prod.one("gcp:compute/sSLPolicy:SSLPolicy").outputs["name"]
    assert prod.one("gcp:compute/sSLPolicy:SSLPolicy").plain_inputs["minTlsVersion"] == "TLS_1_2"


def test_dev_runs_mysql_and_redis_in_cluster_without_protection(dev):
    assert not dev.of_type(SQL) and not dev.of_type(REDIS)
    values = wandb_cr(dev).plain_inputs["spec"]["values"]
    assert values["mysql"]["install"] is True and values["redis"]["install"] is True
    assert {k.name.rsplit("-", 1)[-1] for k in dev.of_type(KEY)} == {"secrets", "disks", "bucket"}
    assert dev.one(BUCKET).plain_inputs["forceDestroy"] is True
    assert not any(r.protect for r in dev.resources)
    assert dev.one(CLUSTER).plain_inputs["deletionProtection"] is False
    secrets = {
        s.plain_inputs["metadata"]["name"]: set(s.plain_inputs["stringData"])
        for s in dev.of_type("kubernetes:core/v1:Secret")
    }
    assert secrets["wandb-platform-mysql"] == {"MYSQL_PASSWORD", "MYSQL_ROOT_PASSWORD"}
    assert secrets["wandb-platform-redis"] == {"REDIS_PASSWORD"}


def test_ha_off_gives_zonal_sql_and_basic_redis():
    run = run_config(base_gcp_config(highAvailability="false"))
    assert run.one(SQL).plain_inputs["settings"]["availabilityType"] == "ZONAL"
    assert run.one(REDIS).plain_inputs["tier"] == "BASIC"


def test_external_mysql_host_in_values_and_password_only_in_a_secret():
    password = "ext-db-password-42"
    run = run_config(
        {
            **base_gcp_config(mysql={"mode": "external", "host": "db.internal", "password": password}),
        },
    )
    assert not run.of_type(SQL)
    values = wandb_cr(run).plain_inputs["spec"]["values"]
    assert values["global"]["mysql"]["host"] == "db.internal"
    secret = next(
        s
        for s in run.of_type("kubernetes:core/v1:Secret")
        if s.plain_inputs["metadata"]["name"] == "wandb-platform-mysql"
    )
    assert secret.plain_inputs["stringData"] == {"MYSQL_PASSWORD": password}
    assert password in run.secret_values


def test_operator_chart_and_cr_are_pinned_and_ordered(prod):
    release = next(r for r in prod.of_type("kubernetes:helm.sh/v3:Release") if r.plain_inputs["chart"] == "operator")
    assert release.plain_inputs["version"] == "1.4.8"
    assert dig(release.plain_inputs, "repositoryOpts", "repo") == "https://charts.wandb.ai"
    assert dig(release.plain_inputs, "values", "image", "tag") == "1.22.0"
    cr = wandb_cr(prod)
    assert release.urn in cr.dependencies
    assert cr.provider == release.provider == prod.one("pulumi:providers:kubernetes").urn
    assert cr.plain_inputs["spec"]["chart"] == {
        "url": "https://charts.wandb.ai",
        "name": "operator-wandb",
        "version": "0.43.8",
    }
    unpinned = run_config(base_gcp_config(operator={"wandbChartVersion": ""}))
    assert "chart" not in wandb_cr(unpinned).plain_inputs["spec"]


def test_kubernetes_provider_waits_for_the_node_pool(prod):
    provider = prod.one("pulumi:providers:kubernetes")
    assert prod.one(POOL).urn in provider.dependencies
    kubeconfig = provider.plain_inputs["kubeconfig"]
    assert "command: gke-gcloud-auth-plugin" in kubeconfig and "server: https://172.16.0.34" in kubeconfig


def test_dev_runs_weave_on_an_in_cluster_clickhouse_with_encrypted_data(dev):
    values = dev.one("kubernetes:apps.wandb.com/v1:WeightsAndBiases").plain_inputs["spec"]["values"]
    clickhouse = values["global"]["clickhouse"]
    assert (
        values["weave-trace"]["install"] is True
        and clickhouse["host"] == "clickhouse.wandb-clickhouse.svc.cluster.local"
    )
    assert (clickhouse["port"], clickhouse["replicated"]) == ("8123", False)  # plain HTTP inside the cluster
    server = dev.one("kubernetes:apps/v1:StatefulSet")
    assert (
        server.plain_inputs["spec"]["template"]["spec"]["containers"][0]["image"]
        == "docker.io/clickhouse/clickhouse-server:25.8"
    )
    (claim,) = server.plain_inputs["spec"]["volumeClaimTemplates"]
    storage_class = next(
        c
        for c in dev.of_type("kubernetes:storage.k8s.io/v1:StorageClass")
        if c.plain_inputs["metadata"]["name"] == claim["spec"]["storageClassName"]
    )
    disks_key = next(k.id for k in dev.of_type(KEY) if k.name.endswith("gke-disks"))
    assert storage_class.plain_inputs["parameters"]["disk-encryption-kms-key"] == disks_key
    cr = dev.one("kubernetes:apps.wandb.com/v1:WeightsAndBiases")
    assert server.urn in cr.dependencies
    (policy,) = [
        p.plain_inputs
        for p in dev.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")
        if p.plain_inputs["metadata"]["namespace"] == "wandb-clickhouse"
    ]
    assert policy["spec"]["podSelector"] == {}
    own, rule = policy["spec"]["ingress"]
    assert own == {"from": [{"podSelector": {}}]}  # the namespace's own pods only
    assert rule["from"] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "wandb"}}}]
    assert rule["ports"] == [{"protocol": "TCP", "port": 8123}]


def test_prod_runs_kafka_in_the_cluster_with_three_brokers_w_and_b_alone_may_reach(prod):
    cr = prod.one("kubernetes:apps.wandb.com/v1:WeightsAndBiases")
    kafka = prod.one("kubernetes:kafka.strimzi.io/v1:Kafka")
    pool = prod.one("kubernetes:kafka.strimzi.io/v1:KafkaNodePool").plain_inputs
    assert pool["spec"]["replicas"] == 3 and pool["metadata"]["labels"]["strimzi.io/cluster"] == "wandb"
    (volume,) = pool["spec"]["storage"]["volumes"]
    assert volume["class"] == "encrypted-rwo" and volume["deleteClaim"] is False
    config = kafka.plain_inputs["spec"]["kafka"]["config"]
    assert (config["default.replication.factor"], config["min.insync.replicas"]) == (3, 2)
    (listener,) = kafka.plain_inputs["spec"]["kafka"]["listeners"]
    assert (listener["port"], listener["tls"]) == (9092, False)
    assert listener["networkPolicyPeers"] == [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "wandb"}}}
    ]
    topics = {t.plain_inputs["metadata"]["name"]: t for t in prod.of_type("kubernetes:kafka.strimzi.io/v1:KafkaTopic")}
    assert topics["wandb-run-updates-shadow"].plain_inputs["spec"] == {"partitions": 100, "replicas": 3}
    weave = [t.plain_inputs["spec"] for t in topics.values() if "topicName" in t.plain_inputs["spec"]]
    assert {spec["topicName"]: (spec["partitions"], spec["replicas"]) for spec in weave} == {
        "weave.call_ended": (16, 3),
        "weave.score_calls": (16, 3),
        "weave.evaluate_model": (16, 3),
    }
    assert {kafka.urn, *(t.urn for t in topics.values())} <= set(cr.dependencies)
    assert (
        cr.plain_inputs["spec"]["values"]["global"]["kafka"]["brokerHost"]
        == "wandb-kafka-bootstrap.wandb-kafka.svc.cluster.local"
    )
    policies = {
        p.plain_inputs["metadata"]["namespace"] for p in prod.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")
    }
    assert "wandb-kafka" in policies
    operator = next(r for r in prod.of_type("kubernetes:helm.sh/v3:Release") if r.plain_inputs["name"] == "strimzi")
    assert operator.plain_inputs["chart"].startswith("oci://") and operator.plain_inputs["version"] == "1.2.0"


def test_prod_runs_a_replicated_clickhouse_with_keeper_tls_and_encrypted_volumes(prod):
    keeper = prod.one("kubernetes:clickhouse-keeper.altinity.com/v1:ClickHouseKeeperInstallation").plain_inputs
    servers = prod.one("kubernetes:clickhouse.altinity.com/v1:ClickHouseInstallation")
    spec = servers.plain_inputs["spec"]
    assert keeper["spec"]["configuration"]["clusters"][0]["layout"]["replicasCount"] == 3
    (cluster,) = spec["configuration"]["clusters"]
    assert cluster["name"] == "weave" and cluster["layout"] == {"shardsCount": 1, "replicasCount": 5}  # size large
    disks_key = next(k.id for k in prod.of_type(KEY) if k.name.endswith("gke-disks"))
    classes = {c.plain_inputs["metadata"]["name"]: c for c in prod.of_type("kubernetes:storage.k8s.io/v1:StorageClass")}
    claims = [c for installation in (keeper["spec"], spec) for c in installation["templates"]["volumeClaimTemplates"]]
    assert len(claims) == 2
    for claim in claims:
        storage_class = classes[claim["spec"]["storageClassName"]].plain_inputs
        assert storage_class["parameters"]["disk-encryption-kms-key"] == disks_key
    assert spec["configuration"]["settings"]["https_port"] == 8443 and "openssl.xml" in spec["configuration"]["files"]
    assert spec["configuration"]["users"]["weave/k8s_secret_password"] == "clickhouse-credentials/password"
    g = prod.one("kubernetes:apps.wandb.com/v1:WeightsAndBiases").plain_inputs["spec"]["values"]["global"]
    assert (g["clickhouse"]["port"], g["clickhouse"]["replicated"]) == ("8443", True)
    assert g["extraEnv"]["WF_CLICKHOUSE_REPLICATED_CLUSTER"] == "weave"
    ca_maps = [
        m
        for m in prod.of_type("kubernetes:core/v1:ConfigMap")
        if m.plain_inputs["metadata"]["name"] == g["caCertsConfigMap"]
    ]
    (ca_map,) = ca_maps
    assert ca_map.plain_inputs["data"]["clickhouse-ca.crt"].startswith("-----BEGIN CERTIFICATE-----")
    tls_secret = next(
        s for s in prod.of_type("kubernetes:core/v1:Secret") if s.plain_inputs["metadata"]["name"] == "clickhouse-tls"
    )
    assert (
        tls_secret.inputs["stringData"]["tls.key"] == REDACTED
        and tls_secret.plain_inputs["type"] == "kubernetes.io/tls"
    )
    pdb = prod.one("kubernetes:policy/v1:PodDisruptionBudget").plain_inputs["spec"]
    assert pdb["maxUnavailable"] == 1
    namespaces = {
        p.plain_inputs["metadata"]["namespace"] for p in prod.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")
    }
    assert {"wandb-clickhouse", "wandb-kafka"} <= namespaces
    assert servers.urn in prod.one("kubernetes:apps.wandb.com/v1:WeightsAndBiases").dependencies


CLICKHOUSE_CLOUD = {
    "mode": "cloud",
    "organizationId": "0d7a3c8e-1b2c-4d5e-8f90-0123456789ab",
    "apiKeyId": "ck-key-id",
    "apiKeySecret": "ck-api-key-s3cret",
}


@pytest.fixture(scope="module")
def clickhouse_cloud():
    return run_config(base_gcp_config(size="medium", clickhouse=CLICKHOUSE_CLOUD))


def test_clickhouse_cloud_is_closed_to_the_internet_and_reached_over_private_service_connect(clickhouse_cloud):
    run = clickhouse_cloud
    service = run.one("clickhouse:index/service:Service")
    s = service.plain_inputs
    assert s["ipAccesses"] == [] and s["cloudProvider"] == "gcp" and s["region"] == "us-central1"
    assert (s["numReplicas"], s["minReplicaMemoryGb"], s["maxReplicaMemoryGb"]) == (3, 16, 32)
    assert s["idleScaling"] is False and service.protect
    assert service.inputs["password"] == REDACTED
    provider = run.one("pulumi:providers:clickhouse")
    assert provider.inputs["tokenSecret"] == REDACTED and service.provider.startswith(provider.urn)
    attachment = service.outputs["privateEndpointConfig"]
    rule = run.one("gcp:compute/forwardingRule:ForwardingRule")
    address = run.one("gcp:compute/address:Address").plain_inputs
    network, subnet = run.one("gcp:compute/network:Network"), run.one("gcp:compute/subnetwork:Subnetwork")
    assert rule.plain_inputs["target"].endswith(attachment["endpointServiceId"])
    assert rule.plain_inputs["loadBalancingScheme"] == "" and rule.plain_inputs["network"] == network.id
    assert address["addressType"] == "INTERNAL" and address["subnetwork"] == subnet.id
    attached = run.one("clickhouse:ServicePrivateEndpoints/attachment:Attachment").plain_inputs
    assert attached == {"serviceId": service.id, "privateEndpointIds": [rule.outputs["pscConnectionId"]]}
    zone = run.one("gcp:dns/managedZone:ManagedZone").plain_inputs
    host = attachment["privateDnsHostname"]
    assert (
        zone["visibility"] == "private" and zone["privateVisibilityConfig"]["networks"][0]["networkUrl"] == network.id
    )
    assert host.endswith("." + zone["dnsName"].rstrip("."))
    record = run.one("gcp:dns/recordSet:RecordSet").plain_inputs
    ip = run.one("gcp:compute/address:Address").outputs["address"]
    assert record["name"] == f"*.{zone['dnsName']}" and record["rrdatas"] == [ip]
    cluster = run.one(CLUSTER).urn
    assert cluster not in service.dependencies and cluster not in rule.dependencies


def test_weave_reaches_clickhouse_cloud_by_its_private_name_with_the_password_in_a_secret(clickhouse_cloud):
    run = clickhouse_cloud
    cr = wandb_cr(run)
    values = cr.plain_inputs["spec"]["values"]
    ch = values["global"]["clickhouse"]
    host = run.one("clickhouse:index/service:Service").outputs["privateEndpointConfig"]["privateDnsHostname"]
    assert (ch["host"], ch["port"], ch["user"], ch["replicated"]) == (host, "8443", "default", False)
    assert values["weave-trace"]["install"] is True and "caCertsConfigMap" not in values["global"]
    secret = next(
        s
        for s in run.of_type("kubernetes:core/v1:Secret")
        if s.plain_inputs["metadata"]["name"] == ch["passwordSecret"]["name"]
    )
    password = run.one("clickhouse:index/service:Service").plain_inputs["password"]
    assert secret.plain_inputs["stringData"][ch["passwordSecret"]["passwordKey"]] == password
    waits = {run.by_urn(u).type for u in cr.dependencies}
    assert {"clickhouse:ServicePrivateEndpoints/attachment:Attachment", "gcp:dns/recordSet:RecordSet"} <= waits
    assert "dns.googleapis.com" in {a.plain_inputs["service"] for a in run.of_type("gcp:projects/service:Service")}
    assert "ck-api-key-s3cret" not in set(leaves(cr.plain_inputs))


def test_weave_workers_run_with_kafka_and_clickhouse_and_their_token_only_in_a_secret(prod, dev):
    values = wandb_cr(prod).plain_inputs["spec"]["values"]
    for worker in ("flat-run-fields-updater", "metric-observer", "weave-trace-worker", "weave-evaluate-model-worker"):
        assert values[worker]["install"] is True, worker
    (auth,) = [
        s
        for s in prod.of_type("kubernetes:core/v1:Secret")
        if s.plain_inputs["metadata"]["name"] == "weave-worker-auth"
    ]
    assert auth.plain_inputs["metadata"]["namespace"] == "wandb" and auth.inputs["stringData"] == {"key": REDACTED}
    assert len(auth.plain_inputs["stringData"]["key"]) == 32 and auth.urn in wandb_cr(prod).dependencies
    assert not [
        s for s in dev.of_type("kubernetes:core/v1:Secret") if s.plain_inputs["metadata"]["name"] == "weave-worker-auth"
    ]
    assert wandb_cr(dev).plain_inputs["spec"]["values"]["weave-trace-worker"].get("install") is not True


def test_the_node_autoscaler_keeps_headroom_in_production_and_removes_idle_nodes_sooner_in_dev(prod, dev):
    profile = {run.stack: run.one(CLUSTER).plain_inputs["clusterAutoscaling"] for run in (prod, dev)}
    assert profile == {
        "prod": {"enabled": False, "autoscalingProfile": "BALANCED"},  # node auto-provisioning stays off
        "dev": {"enabled": False, "autoscalingProfile": "OPTIMIZE_UTILIZATION"},
    }
