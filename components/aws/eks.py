"""EKS: a private control plane with KMS-encrypted Secrets and full logging, IRSA, a managed AL2023 node group
with IMDSv2 and encrypted gp3 disks that the Cluster Autoscaler scales, the core add-ons, a default encrypted
gp3 StorageClass and access entries.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from ..contracts import ClusterInfo, SpotNodes
from ..k8s.images import Registry
from ..k8s.kubeconfig import exec_kubeconfig
from ..k8s.namespace import pull_secret
from ..k8s.storage_class import encrypted_storage_class
from .account import AwsAccount
from .autoscaler import ClusterAutoscaler, ClusterAutoscalerArgs
from .irsa import irsa_role
from .policies import as_json, key_user_policy, service_trust_policy

TOKEN = "wandb-platform:index:EksCluster"
CONTROL_PLANE_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
# What the CloudWatch Observability add-on (Fluent Bit and the CloudWatch agent) writes: created here first, so
# that they keep the platform's retention and key rather than the agent's unencrypted, never-expiring defaults.
CONTAINER_INSIGHTS_LOGS = ("application", "dataplane", "host", "performance")
CLOUDWATCH_AGENT_SA = ("amazon-cloudwatch", "cloudwatch-agent")
ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
NODE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"]  # the CNI's rights go to IRSA
ROOT_DEVICE = "/dev/xvda"  # AL2023's root volume
EBS_CSI_SA = ("kube-system", "ebs-csi-controller-sa")
VPC_CNI_SA = ("kube-system", "aws-node")
# EKS labels spot nodes `eks.amazonaws.com/capacityType: SPOT`; the taint is this project's.
SPOT = SpotNodes("wandb-platform/spot", "true", "eks.amazonaws.com/capacityType", "SPOT")


@dataclass
class EksClusterArgs:
    account: AwsAccount
    cluster_name: str  # also names the control-plane log group, which must exist before the cluster
    kubernetes_version: str
    private_subnet_ids: Sequence[pulumi.Input[str]]
    node_security_group_id: pulumi.Input[str]
    secrets_key_arn: pulumi.Input[str]
    disk_key_arn: pulumi.Input[str]
    log_key_arn: pulumi.Input[str]
    instance_type: str
    min_nodes: int
    max_nodes: int
    disk_size_gb: int
    api_access_cidrs: Sequence[str] = ()  # the public endpoint is on only when given
    admin_principal_arns: Sequence[pulumi.Input[str]] = ()  # cluster admins besides the deployer
    log_retention_days: int = 365
    autoscaler_chart_version: str = "9.59.0"
    spot_max_nodes: int = 0  # a spot node group scaling from none to this (0: none)
    spot_instance_type: str = ""  # "" = instance_type
    container_logs: bool = True  # containers' logs and Container Insights to CloudWatch (the add-on)
    deletion_protection: bool = True
    tags: Mapping[str, str] = field(default_factory=dict)
    registry: Registry = field(default_factory=Registry)  # where the cluster's controllers pull from


class EksCluster(pulumi.ComponentResource):
    """`info` carries a Kubernetes provider that waits for the nodes and the deployer's access entry."""

    def __init__(self, name: str, args: EksClusterArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        self._name, self._args = name, args
        self._child = pulumi.ResourceOptions(parent=self)
        self._tags = dict(args.tags)

        cluster = self._control_plane()
        self.issuer = cluster.identities.apply(lambda ids: ids[0].oidcs[0].issuer)
        self.oidc_provider = aws.iam.OpenIdConnectProvider(
            f"{name}-oidc", url=self.issuer, client_id_lists=["sts.amazonaws.com"], tags=self._tags, opts=self._child
        )
        access = [
            self._admin_access(cluster, f"admin-{i}", arn)
            for i, arn in enumerate([args.account.deployer_arn, *args.admin_principal_arns])
        ]
        # The CNI's rights live in its IRSA role, not the node role: nodes turn Ready only once the managed
        # add-on has given aws-node that role, so the node group waits for it (DaemonSets need no nodes).
        # The VPC CNI enforces NetworkPolicy only when asked: the datastores in the cluster rely on it.
        cni = self._addon(
            cluster,
            "vpc-cni",
            self._irsa("vpc-cni", VPC_CNI_SA, ["AmazonEKS_CNI_Policy"]),
            configuration={"enableNetworkPolicy": "true"},
        )
        self._addon(cluster, "kube-proxy")
        nodes, self.spot = self._node_group(cluster, after=[cni])
        self._addon(cluster, "coredns", after=[nodes])  # its pods need nodes before the add-on turns active
        ebs_key_use = as_json(key_user_policy, args.disk_key_arn)
        ebs_role = self._irsa("ebs-csi", EBS_CSI_SA, ["service-role/AmazonEBSCSIDriverPolicy"], ebs_key_use)
        self._addon(cluster, "aws-ebs-csi-driver", ebs_role, after=[nodes])
        if args.container_logs:
            self._container_logs(cluster, after=[nodes])

        region = args.account.region
        kubeconfig = pulumi.Output.secret(
            pulumi.Output.all(
                cluster.name, cluster.endpoint, cluster.certificate_authority.data, nodes.id, *[a.id for a in access]
            ).apply(
                lambda a: exec_kubeconfig(
                    a[0],
                    a[1],
                    a[2],
                    "aws",
                    ["eks", "get-token", "--cluster-name", a[0], "--region", region, "--output", "json"],
                    install_hint="Install the AWS CLI v2 and sign in to the account that runs `pulumi up`",
                )
            )
        )
        provider = k8s.Provider(f"{name}-k8s", kubeconfig=kubeconfig, opts=self._child)
        encrypted_storage_class(
            f"{name}-gp3",
            name="gp3",
            provisioner="ebs.csi.aws.com",
            parameters={"type": "gp3", "encrypted": "true", "kmsKeyId": args.disk_key_arn},
            protect=args.deletion_protection,
            opts=pulumi.ResourceOptions(parent=self, provider=provider),
            default=True,
        )
        self.autoscaler = ClusterAutoscaler(
            f"{name}-autoscaler",
            ClusterAutoscalerArgs(
                region=region,
                cluster_name=cluster.name,
                node_group_arn=nodes.arn,
                oidc_provider=self.oidc_provider,
                issuer=self.issuer,
                kubernetes_version=args.kubernetes_version,
                chart_version=args.autoscaler_chart_version,
                tags=self._tags,
                registry=args.registry,
            ),
            pulumi.ResourceOptions(parent=self, providers=[provider]),
        )
        # the mirror's login where the autoscaler and the load balancer controller run
        pull_secret(
            f"{name}-kube-system-registry",
            "kube-system",
            args.registry,
            pulumi.ResourceOptions(parent=self, provider=provider),
        )
        self.cluster = cluster
        self.node_group = nodes
        self.info = ClusterInfo(
            name=cluster.name,
            kubeconfig=kubeconfig,
            k8s_provider=provider,
            oidc_issuer=self.issuer,
            storage_class="gp3",
            api_server=cluster.endpoint,
            api_ca_cert=cluster.certificate_authority.apply(lambda c: base64.b64decode(c.data or "").decode()),
        )
        self.register_outputs({"name": cluster.name, "endpoint": cluster.endpoint, "kubeconfig": kubeconfig})

    def _service_role(self, what: str, service: str, policies: Sequence[str]) -> tuple[aws.iam.Role, list]:
        """A role for an AWS service with AWS-managed policies; the attachments are what users must wait for."""
        role = aws.iam.Role(
            f"{self._name}-{what}",
            assume_role_policy=as_json(service_trust_policy, service),
            tags=self._tags,
            opts=self._child,
        )
        attachments = [
            aws.iam.RolePolicyAttachment(
                f"{self._name}-{what}-{p}",
                role=role.name,
                policy_arn=self._args.account.managed_policy(p),
                opts=self._child,
            )
            for p in policies
        ]
        return role, attachments

    def _control_plane(self) -> aws.eks.Cluster:
        args = self._args
        role, policies = self._service_role("cluster", "eks", ["AmazonEKSClusterPolicy"])
        log_group = aws.cloudwatch.LogGroup(
            f"{self._name}-control-plane",
            name=f"/aws/eks/{args.cluster_name}/cluster",
            retention_in_days=args.log_retention_days,
            kms_key_id=args.log_key_arn,
            tags=self._tags,
            opts=self._child,
        )
        public = bool(args.api_access_cidrs)
        return aws.eks.Cluster(
            f"{self._name}-eks",
            name=args.cluster_name,
            version=args.kubernetes_version,
            role_arn=role.arn,
            vpc_config={
                "subnet_ids": list(args.private_subnet_ids),
                "endpoint_private_access": True,
                "endpoint_public_access": public,
                "public_access_cidrs": list(args.api_access_cidrs) if public else None,
            },
            encryption_config={"provider": {"key_arn": args.secrets_key_arn}, "resources": ["secrets"]},
            enabled_cluster_log_types=CONTROL_PLANE_LOGS,
            access_config={"authentication_mode": "API", "bootstrap_cluster_creator_admin_permissions": False},
            upgrade_policy={"support_type": "STANDARD"},
            deletion_protection=args.deletion_protection,
            tags=self._tags,
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.deletion_protection, depends_on=[*policies, log_group]
            ),
        )

    def _node_group(
        self, cluster: aws.eks.Cluster, after: Sequence[pulumi.Resource]
    ) -> tuple[aws.eks.NodeGroup, SpotNodes | None]:
        """The regular node group, and a spot one beside it (same role and launch template) when asked."""
        args, tags = self._args, self._tags
        role, policies = self._service_role("nodes", "ec2", NODE_POLICIES)
        template = aws.ec2.LaunchTemplate(
            f"{self._name}-nodes",
            description="W&B EKS nodes: IMDSv2 only, encrypted gp3 root volume",
            metadata_options={
                "http_endpoint": "enabled",
                "http_tokens": "required",
                "http_put_response_hop_limit": 1,  # pods cannot reach the node's credentials; they use IRSA
            },
            block_device_mappings=[
                {
                    "device_name": ROOT_DEVICE,
                    "ebs": {
                        "volume_size": args.disk_size_gb,
                        "volume_type": "gp3",
                        "encrypted": "true",
                        "kms_key_id": args.disk_key_arn,
                        "delete_on_termination": "true",
                    },
                }
            ],
            vpc_security_group_ids=[args.node_security_group_id, cluster.vpc_config.cluster_security_group_id],
            tag_specifications=[
                {"resource_type": kind, "tags": {**tags, "Name": f"{args.cluster_name}-node"}}
                for kind in ("instance", "volume")
            ],
            update_default_version=True,
            tags=tags,
            opts=self._child,
        )

        def group(suffix: str, capacity: str, instance_type: str, least: int, most: int, taints: list):
            return aws.eks.NodeGroup(
                f"{self._name}-{suffix}",
                cluster_name=cluster.name,
                node_role_arn=role.arn,
                subnet_ids=list(args.private_subnet_ids),
                ami_type="AL2023_x86_64_STANDARD",
                capacity_type=capacity,
                instance_types=[instance_type],
                scaling_config={"min_size": least, "max_size": most, "desired_size": least},
                taints=taints or None,
                update_config={"max_unavailable": 1},
                launch_template={"id": template.id, "version": template.latest_version.apply(str)},
                tags=tags,
                opts=pulumi.ResourceOptions(
                    parent=self,
                    depends_on=[*policies, *after],
                    ignore_changes=["scalingConfig.desiredSize"],  # an autoscaler owns it after creation
                ),
            )

        nodes = group("nodes", "ON_DEMAND", args.instance_type, args.min_nodes, args.max_nodes, [])
        if not args.spot_max_nodes:
            return nodes, None
        taint = {"key": SPOT.taint_key, "value": SPOT.taint_value, "effect": "NO_SCHEDULE"}
        group("spot-nodes", "SPOT", args.spot_instance_type or args.instance_type, 0, args.spot_max_nodes, [taint])
        return nodes, SPOT

    def _irsa(self, what: str, account: tuple[str, str], policies: Sequence[str], inline=None) -> aws.iam.Role:
        return irsa_role(
            f"{self._name}-{what}",
            oidc_provider=self.oidc_provider,
            issuer=self.issuer,
            service_accounts=[account],
            managed_policy_arns=[self._args.account.managed_policy(p) for p in policies],
            inline_policy=inline,
            tags=self._tags,
            opts=self._child,
        )

    def _container_logs(self, cluster: aws.eks.Cluster, after: Sequence[pulumi.Resource]) -> None:
        """Every container's stdout and the nodes' logs to CloudWatch Logs, with Container Insights' metrics: the
        add-on as an IRSA role holding AWS's CloudWatchAgentServerPolicy, into log groups made here."""
        args = self._args
        groups = [
            aws.cloudwatch.LogGroup(
                f"{self._name}-logs-{kind}",
                name=f"/aws/containerinsights/{args.cluster_name}/{kind}",
                retention_in_days=args.log_retention_days,
                kms_key_id=args.log_key_arn,
                tags=self._tags,
                opts=self._child,
            )
            for kind in CONTAINER_INSIGHTS_LOGS
        ]
        role = self._irsa("cloudwatch", CLOUDWATCH_AGENT_SA, ["CloudWatchAgentServerPolicy"])
        self._addon(cluster, "amazon-cloudwatch-observability", role, after=[*after, *groups])

    def _addon(
        self,
        cluster: aws.eks.Cluster,
        addon: str,
        role: aws.iam.Role | None = None,
        after: Sequence = (),
        configuration: Mapping[str, str] | None = None,
    ) -> aws.eks.Addon:
        return aws.eks.Addon(
            f"{self._name}-{addon}",
            cluster_name=cluster.name,
            addon_name=addon,
            service_account_role_arn=role.arn if role else None,
            configuration_values=json.dumps(dict(configuration)) if configuration else None,
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            tags=self._tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(after)),
        )

    def _admin_access(
        self, cluster: aws.eks.Cluster, what: str, principal: pulumi.Input[str]
    ) -> aws.eks.AccessPolicyAssociation:
        entry = aws.eks.AccessEntry(
            f"{self._name}-{what}", cluster_name=cluster.name, principal_arn=principal, opts=self._child
        )
        return aws.eks.AccessPolicyAssociation(
            f"{self._name}-{what}",
            cluster_name=cluster.name,
            principal_arn=entry.principal_arn,
            policy_arn=ADMIN_POLICY,
            access_scope={"type": "cluster"},
            opts=self._child,
        )
