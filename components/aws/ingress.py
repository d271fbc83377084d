"""W&B behind an ALB: the AWS Load Balancer Controller (Helm, its own IRSA role) and the annotations that make
W&B's Ingress an HTTPS-only ALB with an ACM certificate, given or issued and DNS-validated in Route 53.

Port 80 only redirects to 443. The ALB's security group admits `inbound_cidrs` only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pulumi_aws as aws

from ..contracts import IngressSettings
from ..k8s.helm import chart_release
from ..k8s.images import Registry
from .irsa import irsa_role

TOKEN = "wandb-platform:index:AlbIngress"
CHART_REPO = "https://aws.github.io/eks-charts"
CONTROLLER = "aws-load-balancer-controller"
CONTROLLER_NAMESPACE = "kube-system"
# The controller's own published policy (kubernetes-sigs/aws-load-balancer-controller v3.5.0,
# docs/install/iam_policy.json), kept verbatim so it can be diffed against upstream on each upgrade.
CONTROLLER_POLICY = Path(__file__).with_name("lb_controller_iam_policy.json")
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"  # TLS 1.3 and 1.2 only
PREFIX = "alb.ingress.kubernetes.io"


def alb_annotations(
    *,
    scheme: str,
    subnets: pulumi.Input[str],
    inbound_cidrs: Sequence[str],
    certificate_arn: pulumi.Input[str] | None,
    load_balancer_name: str,
) -> dict[str, pulumi.Input[str]]:
    """The Ingress annotations for one ALB: HTTPS with a redirect from HTTP when a certificate is given.
    `subnets` is a comma-separated list of subnet ids."""
    ports = [{"HTTP": 80}, {"HTTPS": 443}] if certificate_arn is not None else [{"HTTP": 80}]
    annotations: dict[str, pulumi.Input[str]] = {
        "scheme": scheme,
        "target-type": "ip",
        "subnets": subnets,
        "inbound-cidrs": ",".join(inbound_cidrs),
        "listen-ports": json.dumps(ports),
        "load-balancer-name": load_balancer_name,
        "load-balancer-attributes": "routing.http.drop_invalid_header_fields.enabled=true",
    }
    if certificate_arn is not None:
        annotations |= {"certificate-arn": certificate_arn, "ssl-policy": TLS_POLICY, "ssl-redirect": "443"}
    return {f"{PREFIX}/{k}": v for k, v in annotations.items()}


@dataclass
class AlbIngressArgs:
    region: str
    cluster_name: pulumi.Input[str]
    vpc_id: pulumi.Input[str]
    oidc_provider: aws.iam.OpenIdConnectProvider
    issuer: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]  # where the ALB goes: public subnets, or private when internal
    host_name: str
    load_balancer_name: str  # 32 characters at most
    scheme: str = "internet-facing"
    inbound_cidrs: Sequence[str] = ("0.0.0.0/0",)
    tls: bool = True
    certificate_arn: str = ""  # an ACM certificate for host_name; "" = issue one in `route53_zone_id`
    route53_zone_id: str = ""
    chart_version: str = "3.5.0"
    extra_annotations: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    registry: Registry = field(default_factory=Registry)  # where the controller's image and chart come from


class AlbIngress(pulumi.ComponentResource):
    """Pass the cluster's Kubernetes provider in `opts.providers`; the certificate does not wait for the cluster."""

    def __init__(self, name: str, args: AlbIngressArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        role = irsa_role(
            f"{name}-controller",
            oidc_provider=args.oidc_provider,
            issuer=args.issuer,
            service_accounts=[(CONTROLLER_NAMESPACE, CONTROLLER)],
            inline_policy=json.dumps(json.loads(CONTROLLER_POLICY.read_text())),
            tags=args.tags,
            opts=child,
        )
        controller = chart_release(
            f"{name}-controller",
            chart=CONTROLLER,
            version=args.chart_version,
            repository=CHART_REPO,
            namespace=CONTROLLER_NAMESPACE,
            registry=args.registry,
            values={
                "clusterName": args.cluster_name,
                "region": args.region,  # pods cannot reach instance metadata (hop limit 1)
                "vpcId": args.vpc_id,
                "replicaCount": 2,
                "podDisruptionBudget": {"maxUnavailable": 1},
                "serviceAccount": {
                    "create": True,
                    "name": CONTROLLER,
                    "annotations": {"eks.amazonaws.com/role-arn": role.arn},
                },
                # Its webhook rejects every new Service while the controller is down; W&B needs no NLBs.
                "enableServiceMutatorWebhook": False,
                "defaultTags": dict(args.tags),
            },
            opts=child,
        )
        certificate = self._certificate(name, args) if args.tls else None
        annotations = alb_annotations(
            scheme=args.scheme,
            subnets=pulumi.Output.all(*args.subnet_ids).apply(",".join),
            inbound_cidrs=args.inbound_cidrs,
            certificate_arn=certificate,
            load_balancer_name=args.load_balancer_name,
        )
        self.certificate_arn = certificate
        self.controller = controller  # W&B's Ingress needs it running: it is what turns the Ingress into an ALB
        self.settings = IngressSettings(ingress_class="alb", annotations={**annotations, **args.extra_annotations})
        self.register_outputs({"certificateArn": certificate})

    def _certificate(self, name: str, args: AlbIngressArgs) -> pulumi.Input[str]:
        """The given certificate, or one issued for the host and validated through a record in the zone."""
        if args.certificate_arn:
            return args.certificate_arn
        child = pulumi.ResourceOptions(parent=self)
        certificate = aws.acm.Certificate(
            f"{name}-cert",
            domain_name=args.host_name,
            validation_method="DNS",
            tags=dict(args.tags),
            opts=child,
        )
        option = certificate.domain_validation_options.apply(lambda o: o[0])
        record = aws.route53.Record(
            f"{name}-cert-validation",
            zone_id=args.route53_zone_id,
            name=option.resource_record_name,
            type=option.resource_record_type,
            records=[option.resource_record_value],
            ttl=300,
            allow_overwrite=True,
            opts=child,
        )
        return aws.acm.CertificateValidation(
            f"{name}-cert",
            certificate_arn=certificate.arn,
            validation_record_fqdns=[record.fqdn],
            opts=child,
        ).certificate_arn
