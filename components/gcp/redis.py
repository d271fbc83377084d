"""Memorystore for Redis 7: AUTH, TLS with its server CA passed on, CMEK, private service access."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from ..contracts import RedisEndpoint
from .private_service import PrivateServiceArgs

TOKEN = "wandb-platform:index:MemorystoreRedis"
REDIS_VERSION = "REDIS_7_2"


@dataclass(kw_only=True)
class MemorystoreArgs(PrivateServiceArgs):
    memory_size_gb: int


class MemorystoreRedis(pulumi.ComponentResource):
    """Exposes `endpoint` (RedisEndpoint) with the AUTH string and the server CA as secrets."""

    def __init__(self, name: str, args: MemorystoreArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        instance = gcp.redis.Instance(
            f"{name}-redis",
            project=args.project,
            region=args.region,
            tier="STANDARD_HA" if args.high_availability else "BASIC",
            memory_size_gb=args.memory_size_gb,
            redis_version=REDIS_VERSION,
            authorized_network=args.network_id,
            connect_mode="PRIVATE_SERVICE_ACCESS",
            auth_enabled=True,
            transit_encryption_mode="SERVER_AUTHENTICATION",
            customer_managed_key=args.kms_key_id,
            redis_configs={"notify-keyspace-events": "K$"},
            persistence_config={"persistence_mode": "RDB", "rdb_snapshot_period": "TWELVE_HOURS"},
            maintenance_policy={
                "weekly_maintenance_windows": [{"day": "SUNDAY", "start_time": {"hours": 3, "minutes": 0}}]
            },
            labels=dict(args.labels),
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.deletion_protection, depends_on=list(args.depends_on)
            ),
        )
        self.instance = instance
        self.endpoint = RedisEndpoint(
            host=instance.host,
            port=instance.port,
            password=pulumi.Output.secret(instance.auth_string),
            tls=True,
            ca_cert=pulumi.Output.secret(instance.server_ca_certs.apply(lambda certs: certs[0].cert if certs else "")),
        )
        self.register_outputs({"host": instance.host, "port": instance.port})
