"""The platform's virtual network on Azure: private by construction. Subnets for the nodes (egress through a
NAT gateway, no public addresses), the AKS API server (VNet integration), MySQL (delegated to Flexible Server)
and private endpoints, each behind a network security group; and `private_endpoint`, which every PaaS service
of the platform is reached through, with its private DNS zone linked to the network.

Azure refuses concurrent changes to one network's subnets, so they are created one after another.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure

from .layout import SUBNETS, subnet_layout

TOKEN = "wandb-platform:index:AzureNetwork"


@dataclass
class AzureNetworkArgs:
    resource_group_name: pulumi.Input[str]
    location: str
    vnet_cidr: str = "10.30.0.0/16"
    tags: Mapping[str, str] = field(default_factory=dict)


class AzureNetwork(pulumi.ComponentResource):
    """Exposes `vnet` and `subnet_ids` by name (nodes, apiserver, mysql, endpoints)."""

    def __init__(self, name: str, args: AzureNetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        common = dict(resource_group_name=args.resource_group_name, location=args.location, tags=dict(args.tags))
        self.vnet = azure.network.VirtualNetwork(
            f"{name}-vnet", address_space={"address_prefixes": [args.vnet_cidr]}, opts=child, **common
        )
        egress_ip = azure.network.PublicIPAddress(
            f"{name}-nat-ip",
            sku={"name": "Standard", "tier": "Regional"},
            public_ip_allocation_method="Static",
            opts=child,
            **common,
        )
        nat = azure.network.NatGateway(
            f"{name}-nat",
            sku={"name": "Standard"},
            public_ip_addresses=[{"id": egress_ip.id}],
            idle_timeout_in_minutes=10,
            opts=child,
            **common,
        )
        self.subnet_ids: dict[str, pulumi.Output[str]] = {}
        previous: list[pulumi.Resource] = []
        for subnet_name, cidr in subnet_layout(args.vnet_cidr).items():
            _, delegated = SUBNETS[subnet_name]
            nsg = azure.network.NetworkSecurityGroup(f"{name}-{subnet_name}-nsg", opts=child, **common)
            subnet = azure.network.Subnet(
                f"{name}-{subnet_name}",
                resource_group_name=args.resource_group_name,
                virtual_network_name=self.vnet.name,
                address_prefix=cidr,
                network_security_group={"id": nsg.id},
                nat_gateway={"id": nat.id} if subnet_name == "nodes" else None,
                default_outbound_access=False,  # no implicit internet egress: the NAT gateway or nothing
                delegations=[{"name": "delegation", "service_name": delegated}] if delegated else None,
                private_endpoint_network_policies="Enabled" if subnet_name == "endpoints" else None,
                opts=pulumi.ResourceOptions(parent=self, depends_on=previous),
            )
            previous = [subnet]
            self.subnet_ids[subnet_name] = subnet.id
        self.register_outputs({"vnetId": self.vnet.id})


def private_endpoint(
    name: str,
    *,
    resource_group_name: pulumi.Input[str],
    location: str,
    subnet_id: pulumi.Input[str],
    vnet_id: pulumi.Input[str],
    target_id: pulumi.Input[str],
    group: str,
    zone: str,
    opts: pulumi.ResourceOptions,
) -> azure.network.PrivateEndpoint:
    """A private endpoint to `target_id`'s `group`, and the private DNS zone that resolves the service's public
    name to it from the platform's network."""
    endpoint = azure.network.PrivateEndpoint(
        f"{name}-endpoint",
        resource_group_name=resource_group_name,
        location=location,
        subnet={"id": subnet_id},
        private_link_service_connections=[
            {"name": f"{name}-link", "private_link_service_id": target_id, "group_ids": [group]}
        ],
        opts=opts,
    )
    private_zone = azure.privatedns.PrivateZone(
        f"{name}-zone", resource_group_name=resource_group_name, location="global", private_zone_name=zone, opts=opts
    )
    azure.privatedns.VirtualNetworkLink(
        f"{name}-zone-link",
        resource_group_name=resource_group_name,
        private_zone_name=private_zone.name,
        location="global",
        virtual_network={"id": vnet_id},
        registration_enabled=False,
        opts=opts,
    )
    azure.network.PrivateDnsZoneGroup(
        f"{name}-zone-group",
        resource_group_name=resource_group_name,
        private_endpoint_name=endpoint.name,
        private_dns_zone_configs=[{"name": group, "private_dns_zone_id": private_zone.id}],
        opts=opts,
    )
    return endpoint
