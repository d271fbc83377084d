"""A second administrative MySQL user, made from inside the cluster: for a managed MySQL whose API cannot add
users (Aurora), a one-off Job in a namespace of its own logs in as the server's master user over TLS and creates
(or resets) a user that may manage others' passwords, nothing more. Vault rotates W&B's password with it, so the
password W&B uses is never the one Vault logs in with.

Passwords reach the Job as files of a Secret of that namespace and through stdin, never a command line or an
environment variable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s
import pulumi_random as random

from ..contracts import MysqlAdmin, MysqlEndpoint
from .images import Image, Registry
from .namespace import MANAGED_BY, restricted_namespace

TOKEN = "wandb-platform:index:MysqlAdminUser"
UID = 10999  # an unprivileged uid apart from the host's
SCRIPT = """set -eu
printf '[client]\\npassword=%s\\n' "$(cat /credentials/MASTER_PASSWORD)" > /tmp/master.cnf
ADMIN_PASSWORD="$(cat /credentials/ADMIN_PASSWORD)"
mysql --defaults-extra-file=/tmp/master.cnf --host="$HOST" --port="$PORT" --user="$MASTER_USER" \\
  --ssl-mode=REQUIRED <<SQL
CREATE USER IF NOT EXISTS '$ADMIN_USER'@'%' IDENTIFIED BY '$ADMIN_PASSWORD' REQUIRE SSL;
ALTER USER '$ADMIN_USER'@'%' IDENTIFIED BY '$ADMIN_PASSWORD' REQUIRE SSL;
GRANT CREATE USER ON *.* TO '$ADMIN_USER'@'%';
SQL
"""


@dataclass
class MysqlAdminUserArgs:
    namespace: str  # the Job's own
    mysql: MysqlEndpoint  # the server, and a user that may create users and grant CREATE USER (its master)
    admin_user: str = "vault-admin"
    image: Image = Image("docker.io", "library/mysql", "8.4")  # its client speaks TLS and caching_sha2_password
    registry: Registry = field(default_factory=Registry)  # where the image comes from


class MysqlAdminUser(pulumi.ComponentResource):
    """Pass the cluster's Kubernetes provider as `opts.providers`. Exposes `admin` (MysqlAdmin), whose password
    resolves once the Job has made the user."""

    def __init__(self, name: str, args: MysqlAdminUserArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        ns = restricted_namespace(f"{name}-ns", args.namespace, child, args.registry).metadata.name
        password = random.RandomPassword(f"{name}-password", length=32, special=False, opts=child)
        secret = k8s.core.v1.Secret(
            f"{name}-credentials",
            metadata={"name": "mysql-admin", "namespace": ns, "labels": MANAGED_BY},
            string_data={
                "MASTER_PASSWORD": pulumi.Output.secret(args.mysql.password),
                "ADMIN_PASSWORD": pulumi.Output.secret(password.result),
            },
            opts=child,
        )
        env = [
            {"name": "HOST", "value": args.mysql.host},
            {"name": "PORT", "value": pulumi.Output.from_input(args.mysql.port).apply(str)},
            {"name": "MASTER_USER", "value": args.mysql.user},
            {"name": "ADMIN_USER", "value": args.admin_user},
        ]
        job = k8s.batch.v1.Job(
            f"{name}-job",
            metadata={"name": "mysql-admin", "namespace": ns, "labels": MANAGED_BY},
            spec={
                "backoffLimit": 6,
                "template": {
                    "spec": {
                        "restartPolicy": "Never",
                        "automountServiceAccountToken": False,
                        **args.registry.in_pod,
                        "securityContext": {
                            "runAsNonRoot": True,
                            "runAsUser": UID,
                            "runAsGroup": UID,
                            "seccompProfile": {"type": "RuntimeDefault"},
                        },
                        "containers": [
                            {
                                "name": "create-admin",
                                "image": args.registry.ref(args.image),
                                "imagePullPolicy": "Always",
                                "command": ["sh", "-c", SCRIPT],
                                "env": env,
                                "resources": {
                                    "requests": {"cpu": "50m", "memory": "64Mi"},
                                    "limits": {"cpu": "500m", "memory": "256Mi"},
                                },
                                "securityContext": {
                                    "allowPrivilegeEscalation": False,
                                    "capabilities": {"drop": ["ALL"]},
                                    "readOnlyRootFilesystem": True,
                                },
                                "volumeMounts": [
                                    {"name": "tmp", "mountPath": "/tmp"},
                                    {"name": "credentials", "mountPath": "/credentials", "readOnly": True},
                                ],
                            }
                        ],
                        "volumes": [
                            {"name": "tmp", "emptyDir": {}},
                            {"name": "credentials", "secret": {"secretName": "mysql-admin", "defaultMode": 0o400}},
                        ],
                    }
                },
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[secret]),
        )
        self.admin = MysqlAdmin(
            user=args.admin_user,
            password=pulumi.Output.secret(pulumi.Output.all(job.id, password.result).apply(lambda a: a[1])),
        )
        self.register_outputs({})
