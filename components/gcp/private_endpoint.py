"""A Private Service Connect endpoint to a service published in another project (ClickHouse Cloud): an internal
address in the nodes' subnet, a forwarding rule to the service attachment, and a private Cloud DNS zone, seen
only from the platform's network, that resolves the service's names to that address."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

TOKEN = "wandb-platform:index:PrivateServiceConnectEndpoint"
COMPUTE_API = "https://www.googleapis.com/compute/v1/"


@dataclass(kw_only=True)
class PrivateServiceConnectArgs:
    project: str
    region: str
    network_id: pulumi.Input[str]
    subnet_id: pulumi.Input[str]  # where the endpoint's address is taken
    service_attachment: pulumi.Input[str]  # `projects/.../regions/.../serviceAttachments/...`
    host: pulumi.Input[str]  # one name of the service: its parent domain becomes the private zone
    physical_name: str  # the address, rule and zone names: unique in the project
    labels: Mapping[str, str] = field(default_factory=dict)
    depends_on: Sequence[pulumi.Resource] = ()  # the Compute Engine and Cloud DNS APIs


def target_url(service_attachment: str) -> str:
    return service_attachment if service_attachment.startswith("https://") else COMPUTE_API + service_attachment


def parent_domain(host: str) -> str:
    """`abc.us-central1.p.gcp.clickhouse.cloud` → `us-central1.p.gcp.clickhouse.cloud.`: every service of the
    provider in the region, behind the one endpoint."""
    return host.split(".", 1)[1].rstrip(".") + "."


class PrivateServiceConnectEndpoint(pulumi.ComponentResource):
    """Exposes `connection_id`, which the service provider admits, and `ready`: what a client waits for."""

    def __init__(self, name: str, args: PrivateServiceConnectArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on))
        address = gcp.compute.Address(
            f"{name}-address",
            project=args.project,
            region=args.region,
            name=args.physical_name,
            subnetwork=args.subnet_id,
            address_type="INTERNAL",
            purpose="GCE_ENDPOINT",
            opts=child,
        )
        rule = gcp.compute.ForwardingRule(
            f"{name}-rule",
            project=args.project,
            region=args.region,
            name=args.physical_name,
            network=args.network_id,
            ip_address=address.id,
            load_balancing_scheme="",  # a Private Service Connect endpoint
            target=pulumi.Output.from_input(args.service_attachment).apply(target_url),
            opts=child,
        )
        zone = gcp.dns.ManagedZone(
            f"{name}-zone",
            project=args.project,
            name=args.physical_name,
            dns_name=pulumi.Output.from_input(args.host).apply(parent_domain),
            description="The service's names, resolved to its Private Service Connect endpoint",
            visibility="private",
            private_visibility_config={"networks": [{"network_url": args.network_id}]},
            labels=dict(args.labels),
            opts=child,
        )
        record = gcp.dns.RecordSet(
            f"{name}-record",
            project=args.project,
            managed_zone=zone.name,
            name=zone.dns_name.apply(lambda d: f"*.{d}"),
            type="A",
            ttl=300,
            rrdatas=[address.address],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.connection_id: pulumi.Output[str] = rule.psc_connection_id
        self.ready: list[pulumi.Resource] = [record]
        self.register_outputs({"connection_id": self.connection_id})
