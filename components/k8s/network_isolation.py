"""W&B's namespace closed by default: NetworkPolicies that deny every connection in or out, then allow what W&B
needs, each derived from an endpoint the platform knows. In: from the namespace's own pods, and from the load
balancer's addresses to the ports W&B serves on. Out: to the namespace's own pods, DNS in `kube-system`, HTTPS
to the internet (the cloud's storage and identity APIs, W&B's own host, its license service), and each private
endpoint on its port only (MySQL, Redis, ClickHouse, Kafka, the Kubernetes API server, a metadata server).
Private ranges are reached only through those named endpoints."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from ..contracts import NetworkIsolation, Peer
from .namespace import MANAGED_BY

PRIVATE_RANGES = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16")
SERVING_PORTS = (8080, 8081, 8082)  # frontend, app and nginx; api; console (weave-trace serves on 8080 too)
DNS = Peer(ports=(53,), namespace="kube-system")


def _ports(peer: Peer, protocols: Iterable[str] = ("TCP",)) -> list[dict[str, Any]]:
    return [{"protocol": protocol, "port": port} for port in peer.ports for protocol in protocols]


def _peers(peer: Peer) -> list[dict[str, Any]]:
    if peer.namespace:
        return [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": peer.namespace}}}]
    return [{"ipBlock": {"cidr": cidr}} for cidr in peer.cidrs]


def policy_specs(isolation: NetworkIsolation) -> dict[str, dict[str, Any]]:
    """Each NetworkPolicy's spec, by name; together they admit exactly what `isolation` names."""
    everyone = {"podSelector": {}}
    specs: dict[str, dict[str, Any]] = {
        "default-deny": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
        "allow-same-namespace": {
            "podSelector": {},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [{"from": [everyone]}],
            "egress": [{"to": [everyone]}],
        },
        "allow-dns": {
            "podSelector": {},
            "policyTypes": ["Egress"],
            "egress": [{"to": _peers(DNS), "ports": _ports(DNS, ("UDP", "TCP"))}],
        },
        "allow-https-to-the-internet": {
            "podSelector": {},
            "policyTypes": ["Egress"],
            "egress": [
                {
                    "to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": list(PRIVATE_RANGES)}}],
                    "ports": [{"protocol": "TCP", "port": 443}],
                }
            ],
        },
    }
    if isolation.ingress_from:
        specs["allow-from-the-load-balancer"] = {
            "podSelector": {},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": _peers(p), "ports": _ports(p)} for p in isolation.ingress_from],
        }
    if isolation.egress_to:
        specs["allow-to-private-endpoints"] = {
            "podSelector": {},
            "policyTypes": ["Egress"],
            "egress": [{"to": _peers(p), "ports": _ports(p)} for p in isolation.egress_to],
        }
    return specs


def isolate_namespace(
    name: str, namespace: pulumi.Input[str], isolation: NetworkIsolation, opts: pulumi.ResourceOptions
) -> list[k8s.networking.v1.NetworkPolicy]:
    """The namespace's NetworkPolicies (through the cluster's provider in `opts`)."""
    return [
        k8s.networking.v1.NetworkPolicy(
            f"{name}-{policy}",
            metadata={"name": policy, "namespace": namespace, "labels": MANAGED_BY},
            spec=spec,
            opts=opts,
        )
        for policy, spec in policy_specs(isolation).items()
    ]
