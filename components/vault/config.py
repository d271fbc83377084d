"""W&B's place in a Vault, configured through an explicit Vault provider: a KV v2 mount holding one entry per
Secret W&B references (keys exactly as the values name them), a Kubernetes auth mount whose one role admits
only the sync's service account in W&B's namespace, a policy that can only read W&B's entries, and, with a
managed MySQL, a database engine that rotates W&B's MySQL password on a schedule with its own admin user.

Rotation keeps the previous password valid (`RETAIN CURRENT PASSWORD`, MySQL 8 dual passwords), so pods that
still hold it keep working until they restart on the new one. Generated passwords are URL-safe: W&B puts them
into connection strings without escaping.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_vault as vault

from ..contracts import MysqlEndpoint

TOKEN = "wandb-platform:index:VaultConfig"
STATIC_ROLE = "wandb-mysql"  # the database engine's role whose password W&B uses
SNAPSHOT_ROLE = "vault-snapshots"  # the snapshot job logs in as this (components.k8s.vault_snapshots)
SNAPSHOT_POLICY = 'path "sys/storage/raft/snapshot" {\n  capabilities = ["read"]\n}\n'
ROTATION_STATEMENTS = ["ALTER USER '{{name}}'@'%' IDENTIFIED BY '{{password}}' RETAIN CURRENT PASSWORD"]
# 32 characters of letters, digits, `-` and `_`: safe in a DSN and a URL without escaping.
URL_SAFE_PASSWORD_POLICY = """length = 32
rule "charset" {
  charset = "abcdefghijklmnopqrstuvwxyz"
  min-chars = 1
}
rule "charset" {
  charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
  min-chars = 1
}
rule "charset" {
  charset = "0123456789"
  min-chars = 1
}
rule "charset" {
  charset = "-_"
}
"""


@dataclass(frozen=True)
class SyncIdentity:
    """The Kubernetes service account whose token the sync presents to Vault."""

    namespace: str
    service_account: str
    audience: str = "vault"


@dataclass
class VaultConfigArgs:
    kv_mount: str  # a KV v2 mount of W&B's own; also names the policy, role and database mount
    path: str  # W&B's entries are `<kv_mount>/<path>/<secret name>`
    auth_mount: str  # a Kubernetes auth mount of W&B's own
    kubernetes_host: pulumi.Input[str]  # the cluster's API server, as Vault reaches it (token review)
    kubernetes_ca_cert: pulumi.Input[str] | None
    sync: SyncIdentity
    entries: Mapping[str, pulumi.Input[Mapping[str, pulumi.Input[str]]]]  # Secret name -> {key: value}
    mysql: MysqlEndpoint | None = None  # with `admin`: rotate its user's password
    rotation_period_hours: int = 720
    vault_namespace: str = ""
    in_cluster: bool = False  # Vault runs in W&B's cluster: it reviews tokens with its own account
    snapshots: SyncIdentity | None = None  # a Vault of this platform's: the account its snapshot job runs as
    audit_file: str = ""  # a Vault of this platform's: its file audit device; "" leaves audit to Vault's owner


def read_policy(kv_mount: str, path: str, database_mount: str | None) -> str:
    """Read W&B's KV entries (and, with rotation, W&B's MySQL credentials): nothing else, no listing."""
    rules = [f'path "{kv_mount}/data/{path}/*" {{\n  capabilities = ["read"]\n}}']
    if database_mount:
        rules.append(f'path "{database_mount}/static-creds/{STATIC_ROLE}" {{\n  capabilities = ["read"]\n}}')
    return "\n".join(rules) + "\n"


def database_path(args: VaultConfigArgs) -> str:
    return f"{args.kv_mount}-database"


def mysql_connection_url(host: str, port: int) -> str:
    """The database plugin's DSN, Vault filling in the admin's credentials. Encrypted without verifying the
    server's certificate: Cloud SQL's names the instance, not the private address Vault connects to (as W&B's
    own client, which also connects with TLS unverified)."""
    return f"{{{{username}}}}:{{{{password}}}}@tcp({host}:{port})/?tls=skip-verify"


class VaultConfig(pulumi.ComponentResource):
    """Pass the Vault provider as `opts.providers` (or `provider`). Exposes `role` (the sync's login role),
    `database_mount` (None without rotation) and `entries`, what the sync waits for."""

    def __init__(self, name: str, args: VaultConfigArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        ns = args.vault_namespace or None
        kv = vault.Mount(
            f"{name}-kv",
            path=args.kv_mount,
            type="kv",
            options={"version": "2"},
            description="W&B's credentials, synced into its namespace's Secrets",
            namespace=ns,
            opts=child,
        )
        self.entries = [
            vault.kv.SecretV2(
                f"{name}-{secret}",
                mount=kv.path,
                name=f"{args.path}/{secret}",
                data_json=pulumi.Output.secret(
                    pulumi.Output.from_input(data).apply(lambda d: json.dumps(dict(d), sort_keys=True))
                ),
                namespace=ns,
                opts=child,
            )
            for secret, data in sorted(args.entries.items())
        ]
        self.database_mount = self._rotation(name, args, ns, child)
        auth = vault.AuthBackend(
            f"{name}-kubernetes",
            type="kubernetes",
            path=args.auth_mount,
            description="W&B's cluster: the sync's service account logs in here",
            namespace=ns,
            opts=child,
        )
        config = vault.kubernetes.AuthBackendConfig(
            f"{name}-kubernetes-config",
            backend=auth.path,
            kubernetes_host=args.kubernetes_host,
            kubernetes_ca_cert=args.kubernetes_ca_cert,
            disable_local_ca_jwt=not args.in_cluster,  # outside the cluster: review with the client's own token
            namespace=ns,
            opts=child,
        )
        policy = vault.Policy(
            f"{name}-read",
            name=f"{args.kv_mount}-read",
            policy=read_policy(args.kv_mount, args.path, database_path(args) if self.database_mount else None),
            namespace=ns,
            opts=child,
        )
        self.role = vault.kubernetes.AuthBackendRole(
            f"{name}-sync",
            backend=auth.path,
            role_name=f"{args.kv_mount}-sync",
            bound_service_account_names=[args.sync.service_account],
            bound_service_account_namespaces=[args.sync.namespace],
            audience=args.sync.audience,
            token_policies=[policy.name],
            token_ttl=600,
            token_max_ttl=1200,
            namespace=ns,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[config]),
        )
        if args.snapshots is not None:
            self._snapshots(name, args, auth, config, ns)
        if args.audit_file:
            vault.Audit(
                f"{name}-audit",
                type="file",
                path="file",
                options={"file_path": args.audit_file},
                description="Every request and response, hashed, on the servers' audit volume",
                namespace=ns,
                opts=child,
            )
        self.register_outputs({"role": self.role.role_name})

    def _snapshots(self, name: str, args: VaultConfigArgs, auth, config, ns: str | None) -> None:
        """The snapshot job's login: a role for its account alone, whose policy may only read snapshots."""
        policy = vault.Policy(
            f"{name}-snapshot",
            name=f"{args.kv_mount}-snapshot",
            policy=SNAPSHOT_POLICY,
            namespace=ns,
            opts=pulumi.ResourceOptions(parent=self),
        )
        vault.kubernetes.AuthBackendRole(
            f"{name}-snapshots",
            backend=auth.path,
            role_name=SNAPSHOT_ROLE,
            bound_service_account_names=[args.snapshots.service_account],
            bound_service_account_namespaces=[args.snapshots.namespace],
            audience=args.snapshots.audience,
            token_policies=[policy.name],
            token_ttl=600,
            token_max_ttl=1200,
            namespace=ns,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[config]),
        )

    def _rotation(
        self, name: str, args: VaultConfigArgs, ns: str | None, child: pulumi.ResourceOptions
    ) -> pulumi.Output[str] | None:
        mysql = args.mysql
        if mysql is None or mysql.admin is None:
            return None
        database = vault.Mount(
            f"{name}-database",
            path=database_path(args),
            type="database",
            description="Rotates W&B's MySQL password",
            namespace=ns,
            opts=child,
        )
        passwords = vault.PasswordPolicy(
            f"{name}-url-safe",
            name=f"{args.kv_mount}-url-safe",
            policy=URL_SAFE_PASSWORD_POLICY,
            namespace=ns,
            opts=child,
        )
        connection = vault.database.SecretBackendConnection(
            f"{name}-mysql",
            backend=database.path,
            name="mysql",
            mysql={
                "connection_url": pulumi.Output.all(mysql.host, mysql.port).apply(
                    lambda a: mysql_connection_url(a[0], a[1])
                ),
                "username": mysql.admin.user,
                "password": pulumi.Output.secret(mysql.admin.password),
            },
            allowed_roles=[STATIC_ROLE],
            password_policy=passwords.name,
            namespace=ns,
            opts=child,
        )
        vault.database.SecretBackendStaticRole(
            f"{name}-mysql-rotation",
            backend=database.path,
            name=STATIC_ROLE,
            db_name=connection.name,
            username=mysql.user,
            rotation_period=args.rotation_period_hours * 3600,
            rotation_statements=ROTATION_STATEMENTS,
            namespace=ns,
            opts=child,
        )
        return database.path
