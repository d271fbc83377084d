"""A GCP platform's managed datastores: Cloud SQL and Memorystore, and Cloud SQL's replica in the second region."""

from ..contracts import MysqlEndpoint, RedisEndpoint
from ..gcp.mysql import CloudSqlArgs, CloudSqlMysql
from ..gcp.redis import MemorystoreArgs, MemorystoreRedis
from .dr import gcp_mysql_replica
from .sizes import GcpSize

VAULT_MYSQL_ADMIN = "vault-admin"  # the Cloud SQL user Vault rotates W&B's password with
BACKUP_DAYS = 7  # W&B's own GCP module's retention


def gcp_datastores(
    name: str, args, *, services, kms, network, size: GcpSize, labels: dict[str, str], dr_keys, opts
) -> tuple[MysqlEndpoint | None, RedisEndpoint | None]:
    """Cloud SQL (and its replica in `dr.secondary_region`) and Memorystore where they are managed: each on its
    own key, on the peered network, waiting for nothing but its API, its key's grant and the peering."""

    def private_service(key: str, api: str) -> dict:
        """What Cloud SQL and Memorystore share: their own key and API, the peered network, HA, protection."""
        return dict(
            project=args.project,
            region=args.region,
            network_id=network.network.id,
            kms_key_id=kms.key_id(key),
            high_availability=args.high_availability,
            deletion_protection=args.protect,
            labels=labels,
            depends_on=[network.private_services, *kms.ready(key), *services.api(api)],
        )

    mysql = None
    if args.mysql.mode == "managed":
        server = CloudSqlMysql(
            f"{name}-mysql",
            CloudSqlArgs(
                **private_service("mysql", "sqladmin.googleapis.com"),
                tier=size.mysql_tier,
                database_version=f"MYSQL_{args.mysql.version.replace('.', '_')}",
                backup_retention_days=args.mysql.backup_retention_days or BACKUP_DAYS,
                database=args.mysql.database,
                user=args.mysql.user,
                admin_user=VAULT_MYSQL_ADMIN if args.secrets.backend == "vault" else "",
            ),
            opts,
        )
        gcp_mysql_replica(
            f"{name}-dr",
            args,
            primary=server.instance,
            keys=dr_keys,
            network_id=network.network.id,
            tier=size.mysql_tier,
            labels=labels,
            opts=opts,
        )
        mysql = server.endpoint
    redis = None
    if args.redis.mode == "managed":
        redis = MemorystoreRedis(
            f"{name}-redis",
            MemorystoreArgs(**private_service("redis", "redis.googleapis.com"), memory_size_gb=size.redis_memory_gb),
            opts,
        ).endpoint
    return mysql, redis
