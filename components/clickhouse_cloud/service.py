"""A ClickHouse Cloud service for Weave traces, closed to the internet: its IP access list is empty, so only
the private endpoints attached to it reach it, over HTTPS on 8443 with ClickHouse Cloud's public certificate.

The service runs in the platform's own cloud and region (a private endpoint is regional) and waits for
nothing of the platform; its password is generated here and reaches W&B only through a Secret. The
organization's API key is the provider's, given as secret config. ClickHouse Cloud replicates every table itself
(SharedMergeTree), so Weave creates plain tables (`replicated: false`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_random as random
import pulumiverse_clickhouse as clickhouse

from ..contracts import ClickHouseEndpoint

TOKEN = "wandb-platform:index:ClickHouseCloudService"
HTTPS_PORT = 8443  # Weave turns TLS on exactly on 8443
USER = "default"  # the service's own user, which may create Weave's database
DATABASE = "weave_trace_db"


@dataclass
class ClickHouseCloudArgs:
    organization_id: str
    api_key_id: str
    api_key_secret: pulumi.Input[str]
    cloud_provider: str  # gcp | aws: the platform's cloud, where the private endpoint is
    region: str  # the platform's region
    service_name: str  # unique in the organization
    replicas: int = 3
    min_memory_gb: int = 16  # per replica: a multiple of 4, 8 to 356
    max_memory_gb: int = 32
    protect: bool = True
    tags: Mapping[str, str] = field(default_factory=dict)


class ClickHouseCloudService(pulumi.ComponentResource):
    """Exposes `service_attachment` (what a private endpoint connects to: a GCP service attachment or an AWS
    endpoint service name), `private_host` (the service's name behind its private endpoints), and `attach`."""

    def __init__(self, name: str, args: ClickHouseCloudArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        self._name = name
        provider = clickhouse.Provider(
            f"{name}-provider",
            organization_id=args.organization_id,
            token_key=args.api_key_id,
            token_secret=pulumi.Output.secret(args.api_key_secret),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self._child = pulumi.ResourceOptions(parent=self, provider=provider)
        # ClickHouse Cloud asks for upper and lower case, a digit and a special character; `-` and `_` are
        # safe wherever W&B passes the password on.
        self.password = random.RandomPassword(
            f"{name}-password",
            length=32,
            override_special="-_",
            min_upper=1,
            min_lower=1,
            min_numeric=1,
            min_special=1,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.service = clickhouse.Service(
            f"{name}-service",
            name=args.service_name,
            cloud_provider=args.cloud_provider,
            region=args.region,
            ip_accesses=[],  # no address on the internet may connect: private endpoints only
            num_replicas=args.replicas,
            min_replica_memory_gb=args.min_memory_gb,
            max_replica_memory_gb=args.max_memory_gb,
            idle_scaling=False,  # Weave writes traces at any hour: never scaled to zero
            password=self.password.result,
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions.merge(self._child, pulumi.ResourceOptions(protect=args.protect)),
        )
        config = self.service.private_endpoint_config
        self.service_attachment: pulumi.Output[str] = config.apply(lambda c: c.endpoint_service_id or "")
        self.private_host: pulumi.Output[str] = config.apply(lambda c: c.private_dns_hostname or "")
        self.register_outputs({"private_host": self.private_host})

    def attach(self, private_endpoint_ids: Sequence[pulumi.Input[str]]) -> tuple[ClickHouseEndpoint, pulumi.Resource]:
        """Admit the platform's private endpoints to the service; W&B's endpoint, and the attachment W&B waits for."""
        attachment = clickhouse.serviceprivateendpoints.Attachment(
            f"{self._name}-private-endpoints",
            service_id=self.service.id,
            private_endpoint_ids=list(private_endpoint_ids),
            opts=self._child,
        )
        endpoint = ClickHouseEndpoint(
            host=self.private_host,
            password=pulumi.Output.secret(self.password.result),
            port=HTTPS_PORT,
            database=DATABASE,
            user=USER,
        )
        return endpoint, attachment
