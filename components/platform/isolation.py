"""What each cloud's network admits into W&B's namespace and lets out of it, from the endpoints the platform
made: the load balancer's source addresses, and the private addresses and ports of the datastores, the API
server and the metadata server. `components/k8s/network_isolation.py` turns it into NetworkPolicies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi

from ..azure.layout import subnet_layout
from ..contracts import ClickHouseEndpoint, KafkaEndpoint, MysqlEndpoint, NetworkIsolation, Peer, RedisEndpoint
from ..k8s.network_isolation import SERVING_PORTS
from ..k8s.wandb_values import KAFKA_PORT

# Where Google's load balancers and health checks reach backends from (cloud.google.com, "Firewall rules" of
# load balancing): fixed by Google, the same for every project.
GOOGLE_FRONT_ENDS = ("130.211.0.0/22", "35.191.0.0/16")
# The GKE metadata server that serves workload identity's tokens (on Dataplane V2 also 169.254.169.252:988).
METADATA_SERVER = (Peer(ports=(80,), cidrs=("169.254.169.254/32",)), Peer(ports=(988,), cidrs=("169.254.169.252/32",)))


def _ports(*endpoints: MysqlEndpoint | RedisEndpoint | ClickHouseEndpoint | None) -> tuple[pulumi.Input[int], ...]:
    """The endpoints' ports, in order, each once (a port may be known only once the datastore exists)."""
    return tuple(dict.fromkeys(e.port for e in endpoints if e is not None))


def gcp_isolation(
    *,
    master_cidr: str,
    private_services_range: pulumi.Input[str],
    nodes_cidr: str,
    mysql: MysqlEndpoint | None,
    redis: RedisEndpoint | None,
    clickhouse_cloud: ClickHouseEndpoint | None,
) -> NetworkIsolation:
    """Google's front ends reach the pods; the pods reach Cloud SQL and Memorystore in the private services
    range, the control plane in its /28, ClickHouse Cloud's endpoint in the nodes' subnet, and the metadata
    server."""
    egress = [Peer(ports=(443,), cidrs=(master_cidr,)), *METADATA_SERVER]
    if _ports(mysql, redis):
        egress.append(Peer(ports=_ports(mysql, redis), cidrs=(private_services_range,)))
    if clickhouse_cloud is not None:
        egress.append(Peer(ports=(clickhouse_cloud.port,), cidrs=(nodes_cidr,)))
    return NetworkIsolation(ingress_from=(Peer(ports=SERVING_PORTS, cidrs=GOOGLE_FRONT_ENDS),), egress_to=tuple(egress))


def aws_isolation(
    *,
    subnet_cidrs: Mapping[str, Sequence[pulumi.Input[str]]],
    internal: bool,
    mysql: MysqlEndpoint | None,
    redis: RedisEndpoint | None,
    clickhouse_cloud: ClickHouseEndpoint | None,
    msk: KafkaEndpoint | None,
) -> NetworkIsolation:
    """The ALB reaches the pods (target type ip) from its subnets; the pods reach Aurora, ElastiCache, MSK and
    ClickHouse Cloud's endpoint in the database subnets, and the API server's interfaces (and an internal ALB)
    in the private subnets."""
    ports = tuple(dict.fromkeys((*_ports(mysql, redis, clickhouse_cloud), *((KAFKA_PORT,) if msk else ()))))
    egress = [Peer(ports=(443,), cidrs=tuple(subnet_cidrs["private"]))]
    if ports:
        egress.append(Peer(ports=ports, cidrs=tuple(subnet_cidrs["database"])))
    balancer = subnet_cidrs["private" if internal else "public"]
    return NetworkIsolation(ingress_from=(Peer(ports=SERVING_PORTS, cidrs=tuple(balancer)),), egress_to=tuple(egress))


def azure_isolation(
    *, vnet_cidr: str, mysql: MysqlEndpoint | None, redis: RedisEndpoint | None, private_storage: bool
) -> NetworkIsolation:
    """The gateway reaches the pods from its delegated subnet; the pods reach MySQL in its subnet, Redis and
    Blob storage through their private endpoints, and the API server in its subnet."""
    subnets = subnet_layout(vnet_cidr)
    egress = [Peer(ports=(443,), cidrs=(subnets["apiserver"],))]
    if mysql is not None:
        egress.append(Peer(ports=(mysql.port,), cidrs=(subnets["mysql"],)))
    endpoint_ports = _ports(redis) + ((443,) if private_storage else ())
    if endpoint_ports:
        egress.append(Peer(ports=endpoint_ports, cidrs=(subnets["endpoints"],)))
    balancer = Peer(ports=SERVING_PORTS, cidrs=(subnets["gateway"],))
    return NetworkIsolation(ingress_from=(balancer,), egress_to=tuple(egress))
