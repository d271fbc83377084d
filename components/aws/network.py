"""The AWS network: a VPC over two or three zones with public, private and database subnets, NAT, an S3
gateway endpoint and flow logs; or a VPC you bring, given by its subnet ids.

Either way it creates the node security group: the identity that the datastores admit. It belongs to the
network, not the cluster, so that Aurora and ElastiCache never wait for EKS.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from .policies import as_json, log_delivery_policy, service_trust_policy

TOKEN = "wandb-platform:index:AwsNetwork"
TIERS = ("public", "private", "database")
ELB_ROLE_TAG = {"public": "kubernetes.io/role/elb", "private": "kubernetes.io/role/internal-elb"}


def subnet_layout(vpc_cidr: str, zones: int) -> dict[str, list[str]]:
    """Per tier, one CIDR per zone: private subnets get an eighth of the VPC each (EKS pods take VPC
    addresses), public and database subnets a 1/256 of it (a /24 of a /16) from the last eighth."""
    vpc = ipaddress.IPv4Network(vpc_cidr)
    eighths = list(vpc.subnets(prefixlen_diff=3))
    small = list(eighths[-1].subnets(prefixlen_diff=5))
    if not 1 <= zones <= 6:
        raise ValueError(f"zones must be 1 to 6 (got {zones})")
    return {
        "private": [str(n) for n in eighths[:zones]],
        "public": [str(n) for n in small[:zones]],
        "database": [str(n) for n in small[8 : 8 + zones]],
    }


@dataclass(frozen=True)
class ExistingVpc:
    vpc_id: str
    public_subnet_ids: Sequence[str]
    private_subnet_ids: Sequence[str]
    database_subnet_ids: Sequence[str]


@dataclass
class AwsNetworkArgs:
    region: str
    zones: pulumi.Input[Sequence[str]]  # availability zone names; their count must be known: `zone_count`
    zone_count: int
    vpc_cidr: str = "10.0.0.0/16"
    nat_per_zone: bool = True  # one NAT gateway per zone survives a zone outage; one in all is cheaper
    flow_logs: bool = True
    log_key_arn: pulumi.Input[str] | None = None
    log_retention_days: int = 365
    log_group_name: str = ""  # unique in the account and region; "" = /aws/vpc/<component name>/flow-logs
    existing: ExistingVpc | None = None  # bring your own VPC: only the node security group is created
    nodes: bool = True  # the node security group; a standby network for a later stack has no nodes yet
    tags: Mapping[str, str] = field(default_factory=dict)


class AwsNetwork(pulumi.ComponentResource):
    """`vpc_id`, `<tier>_subnet_ids`, `subnet_cidrs` by tier and `node_security_group_id` are what the other
    components take."""

    def __init__(self, name: str, args: AwsNetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        self._name, self._args = name, args
        self._child = pulumi.ResourceOptions(parent=self)
        if args.existing is not None:
            self.vpc_id: pulumi.Input[str] = args.existing.vpc_id
            self.public_subnet_ids: list[pulumi.Input[str]] = list(args.existing.public_subnet_ids)
            self.private_subnet_ids: list[pulumi.Input[str]] = list(args.existing.private_subnet_ids)
            self.database_subnet_ids: list[pulumi.Input[str]] = list(args.existing.database_subnet_ids)
            self.subnet_cidrs: dict[str, list[pulumi.Input[str]]] = {
                tier: [
                    aws.ec2.get_subnet_output(id=i, opts=pulumi.InvokeOutputOptions(parent=self)).cidr_block
                    for i in ids
                ]
                for tier, ids in (
                    ("public", args.existing.public_subnet_ids),
                    ("private", args.existing.private_subnet_ids),
                    ("database", args.existing.database_subnet_ids),
                )
            }
        else:
            self._build_vpc()
        if not args.nodes:
            self.register_outputs({"vpcId": self.vpc_id})
            return
        self.node_security_group = aws.ec2.SecurityGroup(
            f"{name}-nodes",
            vpc_id=self.vpc_id,
            description="EKS nodes of W&B: the only source the datastores admit",
            tags=self._tags("nodes"),
            opts=self._child,
        )
        self.node_security_group_id = self.node_security_group.id
        self.register_outputs({"vpcId": self.vpc_id, "nodeSecurityGroupId": self.node_security_group_id})

    def _tags(self, what: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        return {**self._args.tags, "Name": f"{self._name}-{what}", **(extra or {})}

    def _build_vpc(self) -> None:
        name, args, child = self._name, self._args, self._child
        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.vpc_cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags=self._tags("vpc"),
            opts=child,
        )
        self.vpc = vpc
        self.vpc_id = vpc.id
        aws.ec2.DefaultSecurityGroup(f"{name}-default-sg", vpc_id=vpc.id, tags=self._tags("default-deny"), opts=child)
        gateway = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=vpc.id, tags=self._tags("igw"), opts=child)

        layout = subnet_layout(args.vpc_cidr, args.zone_count)
        self.subnet_cidrs = {tier: list(layout[tier]) for tier in TIERS}  # what NetworkPolicies name
        subnets: dict[str, list[aws.ec2.Subnet]] = {tier: [] for tier in TIERS}
        for tier in TIERS:
            for i, cidr in enumerate(layout[tier]):
                extra = {ELB_ROLE_TAG[tier]: "1"} if tier in ELB_ROLE_TAG else {}
                subnets[tier].append(
                    aws.ec2.Subnet(
                        f"{name}-{tier}-{i}",
                        vpc_id=vpc.id,
                        cidr_block=cidr,
                        availability_zone=pulumi.Output.from_input(args.zones).apply(lambda z, i=i: z[i]),
                        map_public_ip_on_launch=False,
                        tags=self._tags(f"{tier}-{i}", extra),
                        opts=child,
                    )
                )
        self.public_subnet_ids = [s.id for s in subnets["public"]]
        self.private_subnet_ids = [s.id for s in subnets["private"]]
        self.database_subnet_ids = [s.id for s in subnets["database"]]

        public = aws.ec2.RouteTable(
            f"{name}-public",
            vpc_id=vpc.id,
            routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": gateway.id}],
            tags=self._tags("public"),
            opts=child,
        )
        self._associate("public", subnets["public"], [public])

        nats = []
        for i in range(args.zone_count if args.nat_per_zone else 1):
            eip = aws.ec2.Eip(f"{name}-nat-{i}", domain="vpc", tags=self._tags(f"nat-{i}"), opts=child)
            nats.append(
                aws.ec2.NatGateway(
                    f"{name}-nat-{i}",
                    allocation_id=eip.id,
                    subnet_id=subnets["public"][i].id,
                    tags=self._tags(f"nat-{i}"),
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[gateway]),
                )
            )
        private = [
            aws.ec2.RouteTable(
                f"{name}-private-{i}",
                vpc_id=vpc.id,
                routes=[{"cidr_block": "0.0.0.0/0", "nat_gateway_id": nats[i % len(nats)].id}],
                tags=self._tags(f"private-{i}"),
                opts=child,
            )
            for i in range(args.zone_count)
        ]
        self._associate("private", subnets["private"], private)
        database = aws.ec2.RouteTable(f"{name}-database", vpc_id=vpc.id, tags=self._tags("database"), opts=child)
        self._associate("database", subnets["database"], [database])

        aws.ec2.VpcEndpoint(
            f"{name}-s3",
            vpc_id=vpc.id,
            service_name=f"com.amazonaws.{args.region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[t.id for t in [*private, database]],
            tags=self._tags("s3"),
            opts=child,
        )
        if args.flow_logs:
            self._flow_logs(vpc)

    def _associate(self, tier: str, subnets: list[aws.ec2.Subnet], tables: list[aws.ec2.RouteTable]) -> None:
        for i, subnet in enumerate(subnets):
            aws.ec2.RouteTableAssociation(
                f"{self._name}-{tier}-{i}",
                subnet_id=subnet.id,
                route_table_id=tables[i % len(tables)].id,
                opts=self._child,
            )

    def _flow_logs(self, vpc: aws.ec2.Vpc) -> None:
        name, args, child = self._name, self._args, self._child
        group = aws.cloudwatch.LogGroup(
            f"{name}-flow-logs",
            name=args.log_group_name or f"/aws/vpc/{name}/flow-logs",
            retention_in_days=args.log_retention_days,
            kms_key_id=args.log_key_arn,
            tags=self._tags("flow-logs"),
            opts=child,
        )
        role = aws.iam.Role(
            f"{name}-flow-logs",
            assume_role_policy=as_json(service_trust_policy, "vpc-flow-logs"),
            tags=self._tags("flow-logs"),
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-flow-logs",
            role=role.id,
            policy=as_json(log_delivery_policy, group.arn),
            opts=child,
        )
        aws.ec2.FlowLog(
            f"{name}-flow-logs",
            vpc_id=vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=group.arn,
            iam_role_arn=role.arn,
            tags=self._tags("flow-logs"),
            opts=child,
        )
