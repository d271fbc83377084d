"""W&B's namespace closed by default: the policies' specs from what a target knows, and the committed stacks."""

import ipaddress

import pytest

from components.contracts import NetworkIsolation, Peer
from components.k8s.network_isolation import PRIVATE_RANGES, SERVING_PORTS, policy_specs
from tests.conftest import planned, wandb_cr

POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"


def policies(run, namespace="wandb") -> dict:
    return {
        p.plain_inputs["metadata"]["name"]: p.plain_inputs["spec"]
        for p in run.of_type(POLICY)
        if p.plain_inputs["metadata"]["namespace"] == namespace
    }


def egress_peers(spec: dict) -> list[tuple[tuple[int, ...], list]]:
    return [(tuple(p["port"] for p in rule["ports"]), rule["to"]) for rule in spec["egress"]]


def test_the_specs_deny_by_default_and_allow_only_what_is_named():
    isolation = NetworkIsolation(
        ingress_from=(Peer(ports=(8080,), cidrs=("10.1.0.0/24",)),),
        egress_to=(Peer(ports=(3306,), cidrs=("10.2.0.0/24",)), Peer(ports=(9092,), namespace="wandb-kafka")),
    )
    specs = policy_specs(isolation)
    assert specs["default-deny"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    assert specs["allow-from-the-load-balancer"]["ingress"] == [
        {"from": [{"ipBlock": {"cidr": "10.1.0.0/24"}}], "ports": [{"protocol": "TCP", "port": 8080}]}
    ]
    assert egress_peers(specs["allow-to-private-endpoints"]) == [
        ((3306,), [{"ipBlock": {"cidr": "10.2.0.0/24"}}]),
        ((9092,), [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "wandb-kafka"}}}]),
    ]
    internet = specs["allow-https-to-the-internet"]["egress"][0]
    assert internet["ports"] == [{"protocol": "TCP", "port": 443}]
    assert internet["to"][0]["ipBlock"]["except"] == list(PRIVATE_RANGES)
    dns = specs["allow-dns"]["egress"][0]
    assert {p["protocol"] for p in dns["ports"]} == {"UDP", "TCP"} and {p["port"] for p in dns["ports"]} == {53}


def test_nothing_named_adds_no_allow_rule():
    specs = policy_specs(NetworkIsolation(ingress_from=(), egress_to=()))
    assert set(specs) == {"default-deny", "allow-same-namespace", "allow-dns", "allow-https-to-the-internet"}


def test_prod_gcp_admits_google_s_front_ends_and_reaches_cloud_sql_memorystore_and_the_control_plane():
    run = planned("prod")
    specs = policies(run)
    ingress = specs["allow-from-the-load-balancer"]["ingress"][0]
    assert [b["ipBlock"]["cidr"] for b in ingress["from"]] == ["130.211.0.0/22", "35.191.0.0/16"]
    assert [p["port"] for p in ingress["ports"]] == list(SERVING_PORTS)
    egress = dict(egress_peers(specs["allow-to-private-endpoints"]))
    assert egress[(443,)] == [{"ipBlock": {"cidr": "172.16.0.32/28"}}]
    private_range = egress[(3306, 6378)][0]["ipBlock"]["cidr"]
    assert ipaddress.ip_network(private_range).prefixlen == 16
    clickhouse = policies(run, "wandb-clickhouse")
    assert clickhouse and egress[(8443,)] == [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "wandb-clickhouse"}}}
    ]
    assert egress[(9092,)][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] == "wandb-kafka"


def test_aws_admits_the_alb_s_subnets_and_reaches_the_database_subnets_on_the_datastores_ports():
    run = planned("aws")
    specs = policies(run)
    subnets = {  # the first region's: the second's standby network is not the cluster's
        s.plain_inputs["tags"]["Name"]: s.plain_inputs["cidrBlock"]
        for s in run.of_type("aws:ec2/subnet:Subnet")
        if "-dr-" not in s.name
    }
    public = sorted(c for n, c in subnets.items() if "-public-" in n)
    database = sorted(c for n, c in subnets.items() if "-database-" in n)
    ingress = specs["allow-from-the-load-balancer"]["ingress"][0]
    assert sorted(b["ipBlock"]["cidr"] for b in ingress["from"]) == public
    egress = dict(egress_peers(specs["allow-to-private-endpoints"]))
    assert sorted(b["ipBlock"]["cidr"] for b in egress[(3306, 6379, 9092)]) == database


def test_azure_admits_the_gateway_subnet_and_reaches_mysql_redis_blob_and_the_api_server_subnets():
    run = planned("azure")
    specs = policies(run)
    subnets = {
        s.name.removeprefix("wandb-net-"): s.plain_inputs["addressPrefix"]
        for s in run.of_type("azure-native:network:Subnet")
    }
    assert specs["allow-from-the-load-balancer"]["ingress"][0]["from"] == [{"ipBlock": {"cidr": subnets["gateway"]}}]
    egress = dict(egress_peers(specs["allow-to-private-endpoints"]))
    assert egress[(443,)] == [{"ipBlock": {"cidr": subnets["apiserver"]}}]
    assert egress[(3306,)] == [{"ipBlock": {"cidr": subnets["mysql"]}}]
    assert egress[(10000, 443)] == [{"ipBlock": {"cidr": subnets["endpoints"]}}]


@pytest.mark.parametrize("stack", ["prod", "aws", "azure", "dev", "vault"])
def test_every_cloud_stack_closes_w_and_b_s_namespace(stack):
    run = planned(stack)
    namespace = wandb_cr(run).plain_inputs["metadata"]["namespace"]
    assert policies(run, namespace)["default-deny"]["policyTypes"] == ["Ingress", "Egress"]


def test_your_own_cluster_is_left_as_it_is():
    assert not policies(planned("local"))
