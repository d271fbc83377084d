"""The Flexible Server's copy in the paired region: a cross-region read replica (asynchronous replication,
seconds behind under normal load), in a standby network there peered with the platform's, resolved through the
primary's private DNS zone, encrypted with the pair's key through the pair's identity, private only.

Promoting it (`az mysql flexible-server replica stop-replication`) makes it a standalone writer; a stack in the
pair reaches it through a peering of its own network with the standby network (docs/recovery.md).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure

from .layout import SUBNETS
from .mysql import GeoBackupKey

TOKEN = "wandb-platform:index:AzureMysqlReplica"


@dataclass
class AzureMysqlReplicaArgs:
    resource_group_name: pulumi.Input[str]
    location: str  # the pair
    server_name: pulumi.Input[str]  # unique in Azure
    source: azure.dbformysql.Server
    source_vnet: azure.network.VirtualNetwork
    zone: azure.privatedns.PrivateZone  # the primary's private DNS zone
    key: GeoBackupKey  # the pair's key and identity (a replica's key must be in its own region)
    sku_name: str
    tier: str
    vnet_cidr: str = "10.1.0.0/16"
    protect: bool = True
    tags: Mapping[str, str] = field(default_factory=dict)


class AzureMysqlReplica(pulumi.ComponentResource):
    """Exposes `server`, the replica."""

    def __init__(self, name: str, args: AzureMysqlReplicaArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        group, tags = args.resource_group_name, dict(args.tags)
        vnet = azure.network.VirtualNetwork(
            f"{name}-vnet",
            resource_group_name=group,
            location=args.location,
            address_space={"address_prefixes": [args.vnet_cidr]},
            tags=tags,
            opts=child,
        )
        nsg = azure.network.NetworkSecurityGroup(
            f"{name}-mysql-nsg", resource_group_name=group, location=args.location, tags=tags, opts=child
        )
        prefix, delegated = SUBNETS["mysql"]
        subnet = azure.network.Subnet(
            f"{name}-mysql",
            resource_group_name=group,
            virtual_network_name=vnet.name,
            address_prefix=str(next(ipaddress.IPv4Network(args.vnet_cidr).subnets(new_prefix=prefix))),
            network_security_group={"id": nsg.id},
            default_outbound_access=False,
            delegations=[{"name": "delegation", "service_name": delegated}],
            opts=child,
        )
        peerings = [
            azure.network.VirtualNetworkPeering(
                f"{name}-peering-{side}",
                resource_group_name=group,
                virtual_network_name=local.name,
                virtual_network_peering_name=f"{name}-{side}",
                remote_virtual_network={"id": remote.id},
                allow_virtual_network_access=True,
                allow_forwarded_traffic=False,
                allow_gateway_transit=False,
                use_remote_gateways=False,
                opts=child,
            )
            for side, local, remote in (("to-pair", args.source_vnet, vnet), ("from-pair", vnet, args.source_vnet))
        ]
        link = azure.privatedns.VirtualNetworkLink(
            f"{name}-zone-link",
            resource_group_name=group,
            private_zone_name=args.zone.name,
            location="global",
            virtual_network={"id": vnet.id},
            registration_enabled=False,
            opts=child,
        )
        self.server = azure.dbformysql.Server(
            f"{name}-server",
            resource_group_name=group,
            location=args.location,
            server_name=args.server_name,
            create_mode="Replica",
            source_server_resource_id=args.source.id,
            sku={"name": args.sku_name, "tier": args.tier},
            network={
                "delegated_subnet_resource_id": subnet.id,
                "private_dns_zone_resource_id": args.zone.id,
                "public_network_access": "Disabled",
            },
            identity={"type": "UserAssigned", "user_assigned_identities": [args.key.identity_id]},
            data_encryption={
                "type": "AzureKeyVault",
                "primary_user_assigned_identity_id": args.key.identity_id,
                "primary_key_uri": args.key.key_uri,
            },
            tags=tags,
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=args.protect,
                depends_on=[*peerings, link, *args.key.ready],
                # a promotion ends replication: the server then stays as it is
                ignore_changes=["createMode", "sourceServerResourceId"],
            ),
        )
        self.register_outputs({"serverId": self.server.id})
