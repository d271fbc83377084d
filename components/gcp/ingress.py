"""GKE Ingress for W&B: a reserved global address, a Google-managed certificate, HTTPS only, TLS 1.2+."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from ..contracts import IngressSettings

TOKEN = "wandb-platform:index:GkeIngress"


@dataclass
class GkeIngressArgs:
    project: str
    host_name: str
    frontend_config_name: str
    tls: bool = True
    static_ip_name: str = ""  # an existing global address; "" creates one
    extra_annotations: Mapping[str, str] = field(default_factory=dict)
    depends_on: Sequence[pulumi.Resource] = ()  # the Compute API


def gke_ingress_settings(
    address_name: pulumi.Input[str],
    certificate_name: pulumi.Input[str] | None,
    ssl_policy_name: pulumi.Input[str] | None,
    frontend_config_name: str,
    extra_annotations: Mapping[str, str],
) -> IngressSettings:
    """The chart's ingress values for GKE's load balancer; with a certificate, plain HTTP is not served."""
    annotations: dict[str, pulumi.Input[str]] = {
        "kubernetes.io/ingress.class": "gce",
        "kubernetes.io/ingress.global-static-ip-name": address_name,
        "kubernetes.io/ingress.allow-http": "false" if certificate_name is not None else "true",
    }
    manifests = []
    if certificate_name is not None:
        annotations["ingress.gcp.kubernetes.io/pre-shared-cert"] = certificate_name
    if ssl_policy_name is not None:
        annotations["networking.gke.io/v1beta1.FrontendConfig"] = frontend_config_name
        manifests.append(
            {
                "apiVersion": "networking.gke.io/v1beta1",
                "kind": "FrontendConfig",
                "metadata": {"name": frontend_config_name},
                "spec": {"sslPolicy": ssl_policy_name},
            }
        )
    return IngressSettings(ingress_class="", annotations={**annotations, **extra_annotations}, manifests=manifests)


class GkeIngress(pulumi.ComponentResource):
    """Cloud resources only, so they provision beside the cluster rather than after it; the W&B release
    puts the FrontendConfig into the namespace and the chart's Ingress carries the annotations."""

    def __init__(self, name: str, args: GkeIngressArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on))
        if args.static_ip_name:  # reserved outside this stack: read, never managed
            address_id = f"projects/{args.project}/global/addresses/{args.static_ip_name}"
            address = gcp.compute.GlobalAddress.get(f"{name}-ip", address_id, opts=pulumi.ResourceOptions(parent=self))
        else:
            address = gcp.compute.GlobalAddress(f"{name}-ip", project=args.project, opts=child)
        address_name = args.static_ip_name or address.name
        self.address = address.address
        certificate_name = ssl_policy_name = None
        if args.tls:
            certificate_name = gcp.compute.ManagedSslCertificate(
                f"{name}-cert", project=args.project, managed={"domains": [args.host_name]}, opts=child
            ).name
            ssl_policy_name = gcp.compute.SSLPolicy(
                f"{name}-tls", project=args.project, profile="MODERN", min_tls_version="TLS_1_2", opts=child
            ).name
        self.settings = gke_ingress_settings(
            address_name, certificate_name, ssl_policy_name, args.frontend_config_name, args.extra_annotations
        )
        self.register_outputs({"addressName": address_name, "address": address.address})
