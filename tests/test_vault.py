"""The Vault secrets backend: its pure pieces (policy, rotation, password policy, sync specs), the committed
`vault` stack (an external Vault on GCP, with Cloud SQL's password rotated), and its config."""

import json

import pytest

from components.k8s.vault_sync import RotatedKey, VaultSecretsSyncArgs, rotated_secret_spec, static_secret_spec
from components.vault.config import ROTATION_STATEMENTS, URL_SAFE_PASSWORD_POLICY, read_policy
from tests.conftest import LICENSE, REDACTED, base_gcp_config, planned, wandb_cr
from tests.test_config import load, problems, valid_existing

VAULT = "pulumi:providers:vault"
VSO = "kubernetes:secrets.hashicorp.com/v1beta1:"


@pytest.fixture(scope="module")
def run():
    return planned("vault")


def one(run, typ):
    return run.one(typ).plain_inputs


def test_the_sync_policy_reads_wandb_entries_and_its_mysql_password_only():
    policy = read_policy("wandb-prod", "wandb", "wandb-prod-database")
    assert policy.count("path ") == 2 and policy.count('capabilities = ["read"]') == 2
    assert (
        'path "wandb-prod/data/wandb/*"' in policy and 'path "wandb-prod-database/static-creds/wandb-mysql"' in policy
    )
    for verb in ("list", "create", "update", "delete", "sudo"):
        assert verb not in policy
    assert read_policy("kv", "w", None).count("path ") == 1


def test_rotation_keeps_the_old_password_valid_and_makes_url_safe_passwords():
    assert all("RETAIN CURRENT PASSWORD" in s and "{{name}}" in s and "{{password}}" in s for s in ROTATION_STATEMENTS)
    charsets = [line.split('"')[1] for line in URL_SAFE_PASSWORD_POLICY.splitlines() if "charset =" in line]
    assert set("".join(charsets)) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
    assert "length = 32" in URL_SAFE_PASSWORD_POLICY


def test_sync_specs_copy_exactly_the_keys_wandb_reads():
    args = VaultSecretsSyncArgs(
        namespace="wandb",
        namespace_name="wandb",
        operator_namespace="wandb-vault-sync",
        service_account="wandb-vault-sync",
        address="https://vault:8200",
        auth_mount="kubernetes-w",
        role="w-sync",
        kv_mount="w",
        path="wandb",
        secrets=["wandb-platform-license"],
    )
    static = static_secret_spec(args, "wandb-platform-license")
    assert (static["mount"], static["type"], static["path"]) == ("w", "kv-v2", "wandb/wandb-platform-license")
    assert static["destination"]["name"] == "wandb-platform-license" and static["destination"]["create"] is True
    assert static["destination"]["transformation"] == {"excludeRaw": True}
    rotated = rotated_secret_spec(
        RotatedKey("wandb-platform-mysql", "MYSQL_PASSWORD", "w-database", "wandb-mysql"), "w-database"
    )
    assert (rotated["mount"], rotated["path"], rotated["allowStaticCreds"]) == (
        "w-database",
        "static-creds/wandb-mysql",
        True,
    )
    assert rotated["destination"]["transformation"]["excludes"] == [".*"]
    assert list(rotated["destination"]["transformation"]["templates"]) == ["MYSQL_PASSWORD"]


def test_every_vault_resource_uses_the_explicit_provider_and_keeps_values_secret(run):
    (provider,) = run.of_type(VAULT)
    assert provider.plain_inputs["address"] == "https://vault.example.com:8200" and "token" not in provider.plain_inputs
    resources = [r for r in run.resources if r.type.startswith("vault:")]
    assert len(resources) >= 10 and all(r.provider == provider.urn for r in resources)
    for entry in run.of_type("vault:kv/secretV2:SecretV2"):
        assert entry.inputs["dataJson"] == REDACTED
    connection = run.one("vault:database/secretBackendConnection:SecretBackendConnection")
    assert connection.inputs["mysql"]["password"] == REDACTED
    assert connection.plain_inputs["mysql"]["username"] == "vault-admin"  # its own admin, never W&B's user
    license_entry = next(e for e in run.of_type("vault:kv/secretV2:SecretV2") if e.name.endswith("-license"))
    assert set(json.loads(license_entry.plain_inputs["dataJson"])) == {"license"}


def test_the_mysql_password_is_rotated_by_vault_with_a_static_role(run):
    role = one(run, "vault:database/secretBackendStaticRole:SecretBackendStaticRole")
    assert role["username"] == "wandb" and role["rotationPeriod"] == 720 * 3600
    assert role["rotationStatements"] == ROTATION_STATEMENTS
    users = {u.plain_inputs["name"] for u in run.of_type("gcp:sql/user:User")}
    assert users == {"wandb", "vault-admin"}
    mysql_entries = [e for e in run.of_type("vault:kv/secretV2:SecretV2") if e.name.endswith("-mysql")]
    assert mysql_entries == []  # Vault owns that password: the sync takes it from the static role
    dynamic = one(run, VSO + "VaultDynamicSecret")
    assert (
        dynamic["metadata"]["name"]
        == wandb_cr(run).plain_inputs["spec"]["values"]["global"]["mysql"]["passwordSecret"]["name"]
    )
    assert wandb_cr(run).plain_inputs["spec"]["values"]["reloader"]["install"] is True


def test_only_the_sync_account_of_wandb_namespace_may_log_in(run):
    role = one(run, "vault:kubernetes/authBackendRole:AuthBackendRole")
    assert role["boundServiceAccountNames"] == ["wandb-vault-sync"]
    assert role["boundServiceAccountNamespaces"] == ["wandb"] and role["audience"] == "vault"
    policy = run.one("vault:index/policy:Policy")
    assert role["tokenPolicies"] == [policy.plain_inputs["name"]] == ["wandb-vault-read"]
    auth = one(run, VSO + "VaultAuth")["spec"]
    assert auth["kubernetes"] == {
        "role": "wandb-vault-sync",
        "serviceAccount": "wandb-vault-sync",
        "audiences": ["vault"],
    }
    binding = one(run, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding")
    assert binding["roleRef"]["name"] == "system:auth-delegator"
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "wandb-vault-sync", "namespace": "wandb"}]
    config = one(run, "vault:kubernetes/authBackendConfig:AuthBackendConfig")
    assert config["kubernetesHost"] == "https://172.16.0.34" and "BEGIN CERTIFICATE" in config["kubernetesCaCert"]
    operator = next(
        r for r in run.of_type("kubernetes:helm.sh/v3:Release") if r.plain_inputs["name"] == "vault-secrets-operator"
    )
    assert operator.plain_inputs["version"] == "1.4.1"


def test_pulumi_writes_no_credential_secret_in_wandb_namespace(run):
    secrets = [
        s for s in run.of_type("kubernetes:core/v1:Secret") if s.plain_inputs["metadata"]["namespace"] == "wandb"
    ]
    assert secrets == []
    assert LICENSE not in json.dumps([r.plain_inputs for r in run.resources if r.type.startswith("kubernetes:")])


@pytest.mark.parametrize(
    ("overrides", "key", "words"),
    [
        (
            {"vault": {"address": "https://v:8200"}},
            "wandb-platform:vault",
            "applies with wandb-platform:secrets.backend vault only",
        ),
        (
            {"secrets": {"backend": "vault"}},
            "wandb-platform:vault",
            "required with wandb-platform:secrets.backend vault",
        ),
        (
            {"secrets": {"backend": "vault"}, "vault": {"address": "http://v:8200"}},
            "wandb-platform:vault.address",
            "https://",
        ),
        (
            {"secrets": {"backend": "vault"}, "vault": {"address": "https://v", "loginRole": "ci"}},
            "wandb-platform:vault",
            "loginMount and loginRole go together",
        ),
        ({"secrets": {"backend": "ssm"}}, "wandb-platform:secrets.backend", "'kubernetes' or 'vault'"),
    ],
)
def test_each_invalid_vault_input_names_its_key(overrides, key, words):
    found = problems({**base_gcp_config(**overrides), "wandb-platform:license": LICENSE})
    assert any(p.startswith(f"{key}:") and words in p for p in found), found


def test_an_existing_cluster_needs_the_api_server_vault_reviews_tokens_with():
    vault = {"secrets": {"backend": "vault"}, "vault": {"address": "https://vault.corp:8200"}}
    found = problems(valid_existing(**vault))
    assert any(p.startswith("wandb-platform:vault.kubernetesHost:") for p in found), found
    given = load(
        valid_existing(secrets=vault["secrets"], vault={**vault["vault"], "kubernetesHost": "https://k8s.corp:6443"})
    )
    assert given.vault.kubernetes_host == "https://k8s.corp:6443"


@pytest.fixture(scope="module")
def platform():
    return planned("vault-platform")


@pytest.fixture(scope="module")
def wandb_role():
    return planned("vault-wandb")


def test_the_platform_runs_vault_ha_on_raft_with_tls_and_a_protected_cloud_kms_seal(platform):
    release = next(r for r in platform.of_type("kubernetes:helm.sh/v3:Release") if r.plain_inputs["name"] == "vault")
    r = release.plain_inputs
    assert (r["chart"], r["version"], r["namespace"]) == ("vault", "0.34.1", "wandb-vault")
    values = r["values"]
    assert values["global"]["tlsDisable"] is False and values["injector"]["enabled"] is False
    assert values["ui"]["serviceType"] == "ClusterIP"
    ha = values["server"]["ha"]
    assert ha["enabled"] and ha["replicas"] == 3 and ha["raft"]["enabled"] and ha["raft"]["setNodeId"]
    config = ha["raft"]["config"]
    assert config.count("retry_join") == 3 and 'tls_min_version = "tls12"' in config and "tls_disable" not in config
    seal_key = next(k for k in platform.of_type("gcp:kms/cryptoKey:CryptoKey") if k.name.endswith("-vault-seal"))
    assert seal_key.protect and 'seal "gcpckms"' in config and f'crypto_key = "{seal_key.outputs["name"]}"' in config
    assert (
        values["server"]["auditStorage"]["enabled"]
        and values["server"]["dataStorage"]["storageClass"] == "encrypted-rwo"
    )
    tls = next(
        s for s in platform.of_type("kubernetes:core/v1:Secret") if s.plain_inputs["metadata"]["name"] == "vault-tls"
    )
    assert (
        set(tls.plain_inputs["stringData"]) == {"tls.crt", "tls.key", "ca.crt"}
        and tls.inputs["stringData"]["tls.key"] == REDACTED
    )
    assert "vault-secrets-operator" in {
        r.plain_inputs["name"] for r in platform.of_type("kubernetes:helm.sh/v3:Release")
    }
    assert not platform.of_type("kubernetes:apps.wandb.com/v1:WeightsAndBiases") and not platform.of_type(VAULT)


def test_the_seal_identity_is_bound_to_vaults_service_account_alone(platform):
    account = next(
        a
        for a in platform.of_type("gcp:serviceaccount/account:Account")
        if a.plain_inputs["accountId"].endswith("-vault")
    )
    (binding,) = [
        b
        for b in platform.of_type("gcp:serviceaccount/iAMMember:IAMMember")
        if b.plain_inputs["serviceAccountId"] == account.outputs["name"]
    ]
    assert binding.plain_inputs["member"] == "serviceAccount:wandb-platform-vault.svc.id.goog[wandb-vault/vault]"
    assert binding.plain_inputs["role"] == "roles/iam.workloadIdentityUser"
    seal_key = next(k for k in platform.of_type("gcp:kms/cryptoKey:CryptoKey") if k.name.endswith("-vault-seal"))
    grants = [
        g.plain_inputs
        for g in platform.of_type("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember")
        if g.plain_inputs["cryptoKeyId"] == seal_key.id
    ]
    assert {(g["role"], g["member"]) for g in grants} == {
        ("roles/cloudkms.cryptoKeyEncrypterDecrypter", account.outputs["member"]),
        ("roles/cloudkms.viewer", account.outputs["member"]),
    }
    release = next(r for r in platform.of_type("kubernetes:helm.sh/v3:Release") if r.plain_inputs["name"] == "vault")
    annotations = release.plain_inputs["values"]["server"]["serviceAccount"]["annotations"]
    assert annotations == {"iam.gke.io/gcp-service-account": account.outputs["email"]}
    policy = next(
        p
        for p in platform.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")
        if p.plain_inputs["metadata"]["namespace"] == "wandb-vault"
    )
    sources = policy.plain_inputs["spec"]["ingress"][1]
    assert sources["from"][0]["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "wandb-vault-sync"}


def test_the_wandb_stack_configures_the_in_cluster_vault_and_syncs_what_the_platform_handed_on(platform, wandb_role):
    (provider,) = wandb_role.of_type(VAULT)
    assert provider.plain_inputs["address"] == "https://127.0.0.1:8200"
    assert all(r.provider == provider.urn for r in wandb_role.resources if r.type.startswith("vault:"))
    for typ in (
        "vault:kubernetes/authBackendRole:AuthBackendRole",
        "vault:index/policy:Policy",
        "vault:database/secretBackendStaticRole:SecretBackendStaticRole",
    ):
        assert wandb_role.of_type(typ), typ
    config = one(wandb_role, "vault:kubernetes/authBackendConfig:AuthBackendConfig")
    assert config["kubernetesHost"] == "https://kubernetes.default.svc" and config["disableLocalCaJwt"] is False
    assert one(wandb_role, "vault:index/audit:Audit")["options"] == {"file_path": "/vault/audit/audit.log"}
    handed = platform.referenced["outputs"]["wandbCredentials"]
    entries = {
        e.plain_inputs["name"].rsplit("/", 1)[-1]: json.loads(e.plain_inputs["dataJson"])
        for e in wandb_role.of_type("vault:kv/secretV2:SecretV2")
    }
    assert entries == {name: data for name, data in handed.items() if name != "wandb-platform-mysql"}  # rotated instead
    connection = one(wandb_role, VSO + "VaultConnection")["spec"]
    assert connection["address"] == "https://vault.wandb-vault.svc:8200" and connection["caCertSecretRef"] == "vault-ca"
    assert not wandb_role.of_type(
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"
    )  # Vault reviews in-cluster
    assert not wandb_role.of_type("kubernetes:helm.sh/v3:Release")  # the platform installed the operators
    cr = wandb_cr(wandb_role)
    assert cr.plain_inputs["spec"]["values"] == platform.referenced["outputs"]["wandbValues"]


def test_the_wandb_stack_publishes_exactly_the_secrets_the_platform_hands_on(platform, wandb_role):
    from stacks.config import load_config
    from stacks.plan import stack_config
    from stacks.wandb_role import credential_secrets

    stack = stack_config("vault-wandb")
    cfg = load_config(stack.config, secret_keys=set(stack.secret_keys))
    assert credential_secrets(cfg) == sorted(platform.referenced["outputs"]["wandbCredentials"])


def test_an_in_cluster_vault_needs_the_split_and_says_which_keys(tmp_path):
    from tests.conftest import plan_stack_file

    text = (
        "config:\n  gcp:project: vault-split-1\n  wandb-platform:host: https://w.example.com\n"
        "  wandb-platform:secrets:\n    backend: vault\n  wandb-platform:vault:\n    mode: in-cluster\n"
    )
    result = plan_stack_file(tmp_path, "together", text)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    line = next(line for line in result.stderr.splitlines() if "wandb-platform:stackRole:" in line)
    assert "wandb-platform:vault.mode" in line and "'in-cluster'" in line


def test_the_split_roles_need_the_vault_backend_and_the_platform_stack():
    found = problems({**base_gcp_config(stackRole="wandb"), "wandb-platform:license": LICENSE})
    assert any(p.startswith("wandb-platform:stackRole:") and "secrets.backend vault" in p for p in found)
    vault_wandb = base_gcp_config(stackRole="wandb", secrets={"backend": "vault"}, vault={"mode": "in-cluster"})
    assert any(p.startswith("wandb-platform:vault.platformStack:") for p in problems(vault_wandb))
    on_yours = valid_existing(stackRole="platform", secrets={"backend": "vault"}, vault={"mode": "in-cluster"})
    assert any(p.startswith("wandb-platform:vault.mode:") and "targets gcp and aws" in p for p in problems(on_yours))


def test_raft_snapshots_go_to_the_bucket_with_identities_that_can_do_nothing_else(platform, wandb_role):
    job = one(platform, "kubernetes:batch/v1:CronJob")
    assert job["metadata"]["namespace"] == "wandb-vault" and job["spec"]["concurrencyPolicy"] == "Forbid"
    pod = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "vault-snapshots" and pod["automountServiceAccountToken"] is False
    (snapshot,) = pod["initContainers"]
    assert snapshot["image"] == "docker.io/hashicorp/vault:2.0.4"
    assert "auth/kubernetes/login role=vault-snapshots" in snapshot["command"][2]
    assert "vault operator raft snapshot save" in snapshot["command"][2]
    bucket = platform.one("gcp:storage/bucket:Bucket")
    (upload,) = pod["containers"]
    assert f"gs://{bucket.outputs['name']}/vault-snapshots/" in upload["command"][2]
    rules = bucket.plain_inputs["lifecycleRules"]
    assert {"action": {"type": "Delete"}, "condition": {"age": 30, "matchesPrefixes": ["vault-snapshots/"]}} in rules
    account = next(
        a
        for a in platform.of_type("gcp:serviceaccount/account:Account")
        if a.plain_inputs["accountId"].endswith("-vault-snap")
    )
    grants = [
        g.plain_inputs
        for g in platform.of_type("gcp:storage/bucketIAMMember:BucketIAMMember")
        if g.plain_inputs["member"] == account.outputs["member"]
    ]
    assert [g["role"] for g in grants] == ["roles/storage.objectCreator"]
    bindings = [
        b.plain_inputs["member"]
        for b in platform.of_type("gcp:serviceaccount/iAMMember:IAMMember")
        if b.plain_inputs["serviceAccountId"] == account.outputs["name"]
    ]
    assert bindings == ["serviceAccount:wandb-platform-vault.svc.id.goog[wandb-vault/vault-snapshots]"]
    policy = next(p for p in wandb_role.of_type("vault:index/policy:Policy") if p.name.endswith("-snapshot"))
    assert policy.plain_inputs["policy"] == 'path "sys/storage/raft/snapshot" {\n  capabilities = ["read"]\n}\n'
    role = next(
        r
        for r in wandb_role.of_type("vault:kubernetes/authBackendRole:AuthBackendRole")
        if r.plain_inputs["roleName"] == "vault-snapshots"
    )
    assert role.plain_inputs["boundServiceAccountNames"] == ["vault-snapshots"]
    assert role.plain_inputs["boundServiceAccountNamespaces"] == ["wandb-vault"]
    assert one(wandb_role, "vault:index/authBackend:AuthBackend")["path"] == "kubernetes"


def test_on_aws_the_seal_and_the_snapshots_each_have_a_role_of_their_own():
    from tests.conftest import base_aws_config, run_config

    run = run_config(base_aws_config(stackRole="platform", secrets={"backend": "vault"}, vault={"mode": "in-cluster"}))
    release = next(r for r in run.of_type("kubernetes:helm.sh/v3:Release") if r.plain_inputs["name"] == "vault")
    config = release.plain_inputs["values"]["server"]["ha"]["raft"]["config"]
    key = next(k for k in run.of_type("aws:kms/key:Key") if k.name.endswith("-vault-seal"))
    assert 'seal "awskms"' in config and f'kms_key_id = "{key.outputs["keyId"]}"' in config and key.protect
    seal_role = next(r for r in run.of_type("aws:iam/role:Role") if r.name.endswith("-vault-seal-role"))
    users = [s for s in json.loads(key.plain_inputs["policy"])["Statement"] if s["Sid"] == "ServiceRolesUseTheKey"]
    assert users[0]["Principal"] == {"AWS": [seal_role.outputs["arn"]]}
    trust = json.loads(seal_role.plain_inputs["assumeRolePolicy"])["Statement"][0]["Condition"]["StringEquals"]
    assert [v for k, v in trust.items() if k.endswith(":sub")] == [["system:serviceaccount:wandb-vault:vault"]]
    account = release.plain_inputs["values"]["server"]["serviceAccount"]["annotations"]
    assert account == {"eks.amazonaws.com/role-arn": seal_role.outputs["arn"]}
    snapshots = next(
        p for p in run.of_type("aws:iam/rolePolicy:RolePolicy") if p.name.endswith("-vault-snapshots-role-inline")
    )
    statements = json.loads(snapshots.plain_inputs["policy"])["Statement"]
    assert statements[0]["Action"] == ["s3:PutObject"] and statements[0]["Resource"].endswith("/vault-snapshots/*")
    assert statements[1]["Action"] == ["kms:GenerateDataKey"]
    assert "vaultAddress" in run.outputs and not run.of_type("kubernetes:apps.wandb.com/v1:WeightsAndBiases")


def test_pulumi_leaves_a_rotated_password_alone(run):
    users = {u.plain_inputs["name"]: u.ignore_changes for u in run.of_type("gcp:sql/user:User")}
    assert users == {"wandb": ["password"], "vault-admin": []}
    assert planned("prod").one("gcp:sql/user:User").ignore_changes == []  # without Vault, Pulumi owns it


def test_on_aws_vault_rotates_auroras_user_with_an_admin_user_made_from_the_cluster():
    from tests.conftest import base_aws_config, run_config

    run = run_config(base_aws_config(secrets={"backend": "vault"}, vault={"address": "https://vault.corp:8200"}))
    assert run.one("aws:rds/cluster:Cluster").ignore_changes == ["engineVersion", "masterPassword"]
    job = run.one("kubernetes:batch/v1:Job")
    container = job.plain_inputs["spec"]["template"]["spec"]["containers"][0]
    script = container["command"][2]
    assert "--ssl-mode=REQUIRED" in script and "GRANT CREATE USER ON *.* TO '$ADMIN_USER'@'%'" in script
    assert "REQUIRE SSL" in script and "MASTER_PASSWORD" not in script.split("<<SQL")[1]  # never on a command line
    env = {e["name"]: e["value"] for e in container["env"]}  # no credential among them: those are files
    assert env == {"HOST": env["HOST"], "PORT": "3306", "MASTER_USER": "wandb", "ADMIN_USER": "vault-admin"}
    volumes = job.plain_inputs["spec"]["template"]["spec"]["volumes"]
    assert {"name": "credentials", "secret": {"secretName": "mysql-admin", "defaultMode": 0o400}} in volumes
    connection = run.one("vault:database/secretBackendConnection:SecretBackendConnection")
    assert connection.plain_inputs["mysql"]["username"] == "vault-admin" and job.urn in connection.dependencies
    assert run.one("vault:database/secretBackendStaticRole:SecretBackendStaticRole").plain_inputs["username"] == "wandb"
    assert run.one(VSO + "VaultDynamicSecret").plain_inputs["metadata"]["name"] == "wandb-platform-mysql"
