"""An interface VPC endpoint to a service published over AWS PrivateLink (ClickHouse Cloud): network interfaces
in the database subnets, admitted only from the cluster's nodes on the service's port, and private DNS so that
the service's own name resolves to them inside the VPC."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from .datastore import nodes_only_security_group

TOKEN = "wandb-platform:index:InterfaceEndpoint"


@dataclass(kw_only=True)
class InterfaceEndpointArgs:
    vpc_id: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    node_security_group_id: pulumi.Input[str]  # the only source admitted
    service_name: pulumi.Input[str]  # the endpoint service, `com.amazonaws.vpce.<region>.vpce-svc-...`
    port: int
    what: str  # the service, in the security group's description
    tags: Mapping[str, str] = field(default_factory=dict)


class InterfaceEndpoint(pulumi.ComponentResource):
    """Exposes `endpoint`, the VPC endpoint whose id the service provider admits."""

    def __init__(self, name: str, args: InterfaceEndpointArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        group = nodes_only_security_group(name, args, args.port, args.what, child)
        self.endpoint = aws.ec2.VpcEndpoint(
            f"{name}-endpoint",
            vpc_id=args.vpc_id,
            service_name=args.service_name,
            vpc_endpoint_type="Interface",
            subnet_ids=list(args.subnet_ids),
            security_group_ids=[group.id],
            private_dns_enabled=True,
            tags={**args.tags, "Name": name},
            opts=child,
        )
        self.register_outputs({"endpoint_id": self.endpoint.id})
