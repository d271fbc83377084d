"""W&B behind Application Gateway for Containers (the AKS managed NGINX add-on stops receiving patches in
November 2026): the gateway, its association with a delegated subnet and one frontend, created by Pulumi
("bring your own" deployment), and the ALB Controller that programs it from W&B's Ingress, with a workload
identity that may configure only this gateway and join only its subnet. TLS terminates at the gateway with a
certificate from a Secret: one of yours, or one cert-manager issues and renews from Let's Encrypt (HTTP-01).

The gateway and its frontend never wait for the cluster; only the controller and the issuer run in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure
import pulumi_kubernetes as k8s

from ..contracts import IngressSettings
from ..k8s.helm import chart_release
from ..k8s.images import Registry
from ..k8s.namespace import baseline_namespace
from .identity import workload_identity
from .roles import APPGW_FOR_CONTAINERS_CONFIGURATION_MANAGER, NETWORK_CONTRIBUTOR, grant

TOKEN = "wandb-platform:index:AgcIngress"
INGRESS_CLASS = "azure-alb-external"
CONTROLLER_CHART, CONTROLLER_REPO = "alb-controller", "oci://mcr.microsoft.com/application-lb/charts"
CONTROLLER_NAMESPACE = "azure-alb-system"
CONTROLLER_ACCOUNT = "alb-controller-sa"  # the chart's fixed service account name
CERT_MANAGER_REPO = "https://charts.jetstack.io"
CERT_MANAGER_NAMESPACE = "cert-manager"
ACME_SERVER = "https://acme-v02.api.letsencrypt.org/directory"
PREFIX = "alb.networking.azure.io"


@dataclass
class AgcIngressArgs:
    resource_group_name: pulumi.Input[str]
    location: str
    subscription_id: pulumi.Input[str]
    subnet_id: pulumi.Input[str]  # delegated to Microsoft.ServiceNetworking/trafficControllers, /24 at least
    issuer: pulumi.Input[str]  # the cluster's OIDC issuer, for the controller's workload identity
    host_name: str
    tls_secret_name: str  # the host's certificate, yours or cert-manager's
    tls: bool = True
    acme_email: str = ""  # cert-manager issues `tls_secret_name` from Let's Encrypt; "" = the Secret is yours
    controller_chart_version: str = "1.13.0"
    cert_manager_chart_version: str = "v1.21.1"
    extra_annotations: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    registry: Registry = field(default_factory=Registry)  # where the controllers' images and charts come from


def _namespace(name: str, namespace: str, registry: Registry, opts: pulumi.ResourceOptions) -> dict:
    """A controller's namespace, as a Release's arguments: made by Helm, or first by us when the mirror's login
    must be in it before the controller's pods."""
    if registry.pull_config is None:
        return {"namespace": namespace, "create_namespace": True}
    return {"namespace": baseline_namespace(f"{name}-ns", namespace, opts, registry).metadata.name}


class AgcIngress(pulumi.ComponentResource):
    """Exposes `settings` (IngressSettings), `hostname` (the frontend's FQDN: point the host's CNAME at it) and
    `ready` (what W&B's Ingress needs running). Pass the cluster's Kubernetes provider in `opts.providers`."""

    def __init__(self, name: str, args: AgcIngressArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        common = dict(resource_group_name=args.resource_group_name, location=args.location, tags=dict(args.tags))
        gateway = azure.servicenetworking.TrafficControllerInterface(f"{name}-gateway", opts=child, **common)
        association = azure.servicenetworking.AssociationsInterface(
            f"{name}-association",
            traffic_controller_name=gateway.name,
            association_type="subnets",
            subnet={"id": args.subnet_id},
            opts=child,
            **common,
        )
        frontend = azure.servicenetworking.FrontendsInterface(
            f"{name}-frontend", traffic_controller_name=gateway.name, opts=child, **common
        )
        identity, _ = workload_identity(
            f"{name}-controller",
            resource_group_name=args.resource_group_name,
            location=args.location,
            issuer=args.issuer,
            namespace=CONTROLLER_NAMESPACE,
            service_accounts=[CONTROLLER_ACCOUNT],
            tags=args.tags,
            opts=child,
        )
        grants = [
            grant(
                f"{name}-controller-{label}",
                principal_id=identity.principal_id,
                subscription_id=args.subscription_id,
                role=role,
                scope=scope,
                opts=child,
            )
            for label, role, scope in (
                ("gateway", APPGW_FOR_CONTAINERS_CONFIGURATION_MANAGER, gateway.id),
                ("subnet", NETWORK_CONTRIBUTOR, args.subnet_id),
            )
        ]
        controller = chart_release(
            f"{name}-controller",
            chart=CONTROLLER_CHART,
            version=args.controller_chart_version,
            repository=CONTROLLER_REPO,
            registry=args.registry,
            **_namespace(f"{name}-controller", CONTROLLER_NAMESPACE, args.registry, child),
            values={
                "albController": {
                    "namespace": CONTROLLER_NAMESPACE,
                    "podIdentity": {"clientID": identity.client_id},
                    "controller": {"replicaCount": 2},
                }
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[association, *grants]),
        )
        annotations: dict[str, pulumi.Input[str]] = {
            f"{PREFIX}/alb-id": gateway.id,
            f"{PREFIX}/alb-frontend": frontend.name,
        }
        self.ready: list[pulumi.Resource] = [controller]
        if args.tls and args.acme_email:
            issuer = self._issuer(name, args, annotations, controller)
            annotations["cert-manager.io/cluster-issuer"] = issuer.metadata["name"]
            self.ready.append(issuer)
        tls = [{"hosts": [args.host_name], "secretName": args.tls_secret_name}] if args.tls else []
        self.hostname = frontend.fqdn
        self.gateway_id = gateway.id
        self.settings = IngressSettings(
            ingress_class=INGRESS_CLASS, annotations={**annotations, **args.extra_annotations}, tls=tls
        )
        self.register_outputs({"hostname": frontend.fqdn})

    def _issuer(
        self,
        name: str,
        args: AgcIngressArgs,
        gateway_annotations: Mapping[str, pulumi.Input[str]],
        controller: pulumi.Resource,
    ) -> k8s.apiextensions.CustomResource:
        """cert-manager and a Let's Encrypt ClusterIssuer whose HTTP-01 challenges are answered through this
        gateway (the solver's Ingress carries the gateway's annotations)."""
        child = pulumi.ResourceOptions(parent=self)
        cert_manager = chart_release(
            f"{name}-cert-manager",
            chart="cert-manager",
            version=args.cert_manager_chart_version,
            repository=CERT_MANAGER_REPO,
            registry=args.registry,
            **_namespace(f"{name}-cert-manager", CERT_MANAGER_NAMESPACE, args.registry, child),
            values={"crds": {"enabled": True}, "replicaCount": 2, "podDisruptionBudget": {"enabled": True}},
            opts=child,
        )
        # the solver's pods come from the controller, which names no pull Secret on them
        solver_pod = {"podTemplate": {"spec": args.registry.in_pod}} if args.registry.pull_secrets else {}
        return k8s.apiextensions.CustomResource(
            f"{name}-issuer",
            api_version="cert-manager.io/v1",
            kind="ClusterIssuer",
            metadata={"name": f"{name}-letsencrypt"},
            spec={
                "acme": {
                    "server": ACME_SERVER,
                    "email": args.acme_email,
                    "privateKeySecretRef": {"name": f"{name}-letsencrypt-account"},
                    "solvers": [
                        {
                            "http01": {
                                "ingress": {
                                    "ingressClassName": INGRESS_CLASS,
                                    "ingressTemplate": {"metadata": {"annotations": dict(gateway_annotations)}},
                                    **solver_pod,
                                }
                            }
                        }
                    ],
                }
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[cert_manager, controller]),
        )
