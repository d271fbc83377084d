"""The Kubernetes Cluster Autoscaler for the EKS node group: it grows the group (within its minimum and maximum)
when pods cannot be scheduled and shrinks it when nodes sit idle. Its IRSA role may change the desired size
of, and terminate instances in, only the Auto Scaling groups EKS tags as this cluster's, and describe only this
cluster's node group; it finds them by those tags.

Why not Karpenter: the platform runs one managed node group of one instance type over two or three zones, the
shape the Cluster Autoscaler serves with no extra infrastructure (Karpenter would add an interruption queue,
EventBridge rules, an instance profile and its own node lifecycle outside the managed group). The image follows
the cluster's minor version, as the autoscaler requires.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from ..k8s.helm import chart_release
from ..k8s.images import Registry
from ..platform.versions import CLUSTER_AUTOSCALER_IMAGES
from .irsa import irsa_role

TOKEN = "wandb-platform:index:ClusterAutoscaler"
CHART_REPO = "https://kubernetes.github.io/autoscaler"
NAMESPACE = "kube-system"
SERVICE_ACCOUNT = "cluster-autoscaler"
DESCRIBE = [
    "autoscaling:DescribeAutoScalingGroups",
    "autoscaling:DescribeAutoScalingInstances",
    "autoscaling:DescribeLaunchConfigurations",
    "autoscaling:DescribeScalingActivities",
    "autoscaling:DescribeTags",
    "ec2:DescribeImages",
    "ec2:DescribeInstanceTypes",
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:GetInstanceTypesFromInstanceRequirements",
]


def autoscaler_policy(cluster_name: str, node_group_arn: str) -> dict:
    """Scale and terminate only in this cluster's tagged groups; read what it needs to simulate a node."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ScaleThisClustersGroups",
                "Effect": "Allow",
                "Action": ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
                "Resource": "*",
                "Condition": {"StringEquals": {f"aws:ResourceTag/k8s.io/cluster-autoscaler/{cluster_name}": "owned"}},
            },
            {"Sid": "Describe", "Effect": "Allow", "Action": DESCRIBE, "Resource": "*"},
            {"Sid": "ThisNodeGroup", "Effect": "Allow", "Action": "eks:DescribeNodegroup", "Resource": node_group_arn},
        ],
    }


@dataclass
class ClusterAutoscalerArgs:
    region: str
    cluster_name: pulumi.Input[str]
    node_group_arn: pulumi.Input[str]
    oidc_provider: aws.iam.OpenIdConnectProvider
    issuer: pulumi.Input[str]
    kubernetes_version: str
    chart_version: str = "9.59.0"
    tags: Mapping[str, str] = field(default_factory=dict)
    registry: Registry = field(default_factory=Registry)  # where its image and chart come from


class ClusterAutoscaler(pulumi.ComponentResource):
    """Pass the cluster's Kubernetes provider in `opts.providers`. Exposes `role` and `release`."""

    def __init__(self, name: str, args: ClusterAutoscalerArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        policy = pulumi.Output.all(args.cluster_name, args.node_group_arn).apply(
            lambda a: json.dumps(autoscaler_policy(a[0], a[1]))
        )
        self.role = irsa_role(
            f"{name}-role",
            oidc_provider=args.oidc_provider,
            issuer=args.issuer,
            service_accounts=[(NAMESPACE, SERVICE_ACCOUNT)],
            inline_policy=policy,
            tags=args.tags,
            opts=child,
        )
        self.release = chart_release(
            f"{name}-release",
            chart="cluster-autoscaler",
            version=args.chart_version,
            repository=CHART_REPO,
            namespace=NAMESPACE,
            registry=args.registry,
            tags={"kubernetes": CLUSTER_AUTOSCALER_IMAGES[args.kubernetes_version]},
            values={
                "cloudProvider": "aws",
                "awsRegion": args.region,  # pods cannot reach instance metadata (hop limit 1)
                "autoDiscovery": {"clusterName": args.cluster_name},
                "rbac": {
                    "serviceAccount": {
                        "name": SERVICE_ACCOUNT,
                        "annotations": {"eks.amazonaws.com/role-arn": self.role.arn},
                    }
                },
                "extraArgs": {
                    "balance-similar-node-groups": True,  # keep the zones even
                    "expander": "least-waste",
                    "skip-nodes-with-system-pods": False,  # coredns and controllers move; they have PDBs
                },
                "replicaCount": 2,  # leader election: one acts, one waits (the chart's PDB keeps one)
                "containerSecurityContext": {
                    "allowPrivilegeEscalation": False,
                    "readOnlyRootFilesystem": True,
                    "capabilities": {"drop": ["ALL"]},
                },
                "securityContext": {
                    "runAsNonRoot": True,
                    "runAsUser": 65534,
                    "seccompProfile": {"type": "RuntimeDefault"},
                },
            },
            opts=child,
        )
        self.register_outputs({"roleArn": self.role.arn})
