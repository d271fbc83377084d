"""VPC for W&B: one regional subnet with pod and service ranges, NAT for egress, private service access."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

TOKEN = "wandb-platform:index:GcpNetwork"
PODS_RANGE = "pods"
SERVICES_RANGE = "services"


@dataclass
class NetworkArgs:
    project: str
    region: str
    subnet_cidr: str = "10.10.0.0/20"
    pods_cidr: str = "10.16.0.0/14"
    services_cidr: str = "10.20.0.0/20"
    private_services_prefix_length: int = 16
    depends_on: Sequence[pulumi.Resource] = ()  # the Compute and Service Networking APIs
    flow_log_sampling: float = 0.5
    labels: dict[str, str] = field(default_factory=dict)


class GcpNetwork(pulumi.ComponentResource):
    """Private by construction: nodes have no public addresses (egress via Cloud NAT), Google APIs are
    reached over private Google access, and Cloud SQL and Memorystore are peered in over private service
    access (`private_services` is what they must wait for)."""

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        after_apis = pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on))
        self.network = gcp.compute.Network(
            f"{name}-vpc",
            project=args.project,
            auto_create_subnetworks=False,
            routing_mode="REGIONAL",
            opts=after_apis,
        )
        self.subnet = gcp.compute.Subnetwork(
            f"{name}-nodes",
            project=args.project,
            region=args.region,
            network=self.network.id,
            ip_cidr_range=args.subnet_cidr,
            private_ip_google_access=True,
            secondary_ip_ranges=[
                gcp.compute.SubnetworkSecondaryIpRangeArgs(range_name=PODS_RANGE, ip_cidr_range=args.pods_cidr),
                gcp.compute.SubnetworkSecondaryIpRangeArgs(range_name=SERVICES_RANGE, ip_cidr_range=args.services_cidr),
            ],
            log_config=gcp.compute.SubnetworkLogConfigArgs(
                aggregation_interval="INTERVAL_5_SEC",
                flow_sampling=args.flow_log_sampling,
                metadata="INCLUDE_ALL_METADATA",
            ),
            opts=child,
        )
        gcp.compute.Firewall(
            f"{name}-deny-ingress",
            project=args.project,
            network=self.network.id,
            direction="INGRESS",
            priority=65534,  # below GKE's own rules (1000), above the implied deny: explicit and logged
            source_ranges=["0.0.0.0/0"],
            denies=[{"protocol": "all"}],
            log_config={"metadata": "INCLUDE_ALL_METADATA"},
            opts=child,
        )
        router = gcp.compute.Router(
            f"{name}-router", project=args.project, region=args.region, network=self.network.id, opts=child
        )
        gcp.compute.RouterNat(
            f"{name}-nat",
            project=args.project,
            region=args.region,
            router=router.name,
            nat_ip_allocate_option="AUTO_ONLY",
            source_subnetwork_ip_ranges_to_nat="ALL_SUBNETWORKS_ALL_IP_RANGES",
            log_config=gcp.compute.RouterNatLogConfigArgs(enable=True, filter="ERRORS_ONLY"),
            opts=child,
        )
        peering_range = gcp.compute.GlobalAddress(
            f"{name}-private-services",
            project=args.project,
            network=self.network.id,
            purpose="VPC_PEERING",
            address_type="INTERNAL",
            prefix_length=args.private_services_prefix_length,
            opts=child,
        )
        self.private_services_range = pulumi.Output.concat(
            peering_range.address, "/", str(args.private_services_prefix_length)
        )  # where Cloud SQL and Memorystore take their private addresses
        self.private_services = gcp.servicenetworking.Connection(
            f"{name}-private-services",
            network=self.network.id,
            service="servicenetworking.googleapis.com",
            reserved_peering_ranges=[peering_range.name],
            opts=child,
        )
        self.register_outputs({"network": self.network.id, "subnet": self.subnet.id})
