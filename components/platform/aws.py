"""The whole W&B platform on AWS as one component: network, EKS, Aurora, ElastiCache and S3 in parallel, then
the load balancer controller and the W&B release.

Aurora, ElastiCache and the bucket wait only for the network, the node security group and their keys; only the
Kubernetes objects and the IRSA roles (which need the cluster's OIDC issuer) wait for EKS. No
`from __future__ import annotations` here: Pulumi infers the component's schema from these annotations.
"""

import pulumi
import pulumi_aws as aws

from ..aws.account import current_account
from ..aws.eks import EksCluster, EksClusterArgs
from ..aws.identity import AwsWandbIdentity, AwsWandbIdentityArgs
from ..aws.ingress import AlbIngress, AlbIngressArgs
from ..aws.interface_endpoint import InterfaceEndpoint, InterfaceEndpointArgs
from ..aws.kms import AwsKms, AwsKmsArgs
from ..aws.metrics import PLATFORM_TAG
from ..aws.network import AwsNetwork, AwsNetworkArgs, ExistingVpc
from ..aws.s3 import S3Bucket, S3BucketArgs
from ..aws.vault import AwsVaultSeal, AwsVaultSealArgs, s3_snapshot_upload
from ..clickhouse_cloud.service import HTTPS_PORT
from ..contracts import (
    BucketInfo,
    ClickHouseEndpoint,
)
from ..k8s.observability import rule_groups
from ..k8s.vault_cluster import VaultCluster
from ..k8s.vault_snapshots import PREFIX as SNAPSHOTS
from ..k8s.wandb_values import service_account_names
from ..naming import bounded_name
from .aws_args import (
    VAULT_SEAL_KEY,
    AwsWandbPlatformArgs,
    aws_problems,
    in_cluster_vault_on,
    kms_keys,
    vault_seal_role,
)
from .aws_datastores import SNAPSHOT_PREFIX_MAX, DatastorePlacement, aws_datastores, aws_kafka
from .backups import aws_clickhouse_backups
from .clickhouse_cloud import clickhouse_cloud_service
from .cloud_metrics import aws_cloud_metrics, aws_managed_prometheus
from .dr import AwsSecondRegion, aws_bucket_replica, aws_second_region
from .isolation import aws_isolation
from .monitoring import observability_args
from .registry import platform_registry
from .release import TargetEndpoints, WandbPlatform, external_bucket, host_name, install_wandb
from .sizes import AwsSize, resolve_size
from .validation import raise_problems
from .vault import in_cluster_vault, vault_namespace, with_rotation_admin

__all__ = ["AwsWandbPlatform", "AwsWandbPlatformArgs"]  # what users import from here

TOKEN = "wandb-platform:index:AwsWandbPlatform"
EKS_NAME_MAX = 100
ALB_NAME_MAX = 32
BASE_TAGS = {"app": "wandb", "managed-by": "pulumi"}


class AwsWandbPlatform(WandbPlatform):
    """Self-managed W&B on AWS: a VPC, a private EKS cluster, Aurora MySQL, ElastiCache and S3 encrypted with
    customer-managed keys, IRSA, an ALB, and the W&B operator with its `WeightsAndBiases` resource."""

    kubeconfig: pulumi.Output[str]
    """A kubeconfig for the EKS cluster (secret; uses `aws eks get-token`)."""
    load_balancer_name: pulumi.Output[str]
    """The ALB the controller creates for W&B's Ingress: point the host at it."""
    certificate_arn: pulumi.Output[str]
    """The ACM certificate the ALB serves."""
    wandb_role_arn: pulumi.Output[str]
    """The IRSA role W&B's service accounts take."""

    def __init__(self, name: str, args: AwsWandbPlatformArgs, opts: pulumi.ResourceOptions | None = None):
        args = AwsWandbPlatformArgs.of(args)
        raise_problems("AwsWandbPlatform", aws_problems(args))
        super().__init__(TOKEN, name, None, opts)
        self._name, self._args = name, args
        self._tags = {**BASE_TAGS, PLATFORM_TAG: self._prefix, **args.tags}
        provider = aws.Provider(f"{name}-aws", region=args.region, opts=pulumi.ResourceOptions(parent=self))
        self._provider = provider
        self._child = pulumi.ResourceOptions(parent=self, providers=[provider])
        size: AwsSize = resolve_size("aws", args.wandb.size, args.sizes.given())  # type: ignore[assignment]
        account = current_account(args.region, provider)
        kms = AwsKms(
            f"{name}-kms",
            AwsKmsArgs(
                account=account,
                keys=kms_keys(args, name),
                alias_prefix=self._prefix,
                deletion_window_days=args.kms_deletion_window_days,
                protect=args.protect,
            ),
            self._child,
        )
        zones = self._zones(pulumi.InvokeOptions(provider=provider))
        network = self._network(zones, kms)
        eks = self._cluster(account, network, kms, size)
        second = aws_second_region(
            f"{self._name}-dr", args, account=account, prefix=self._prefix, tags=self._tags, parent=self
        )
        placed = DatastorePlacement(self._name, self._prefix, network, kms, zones, self._tags, self._child, second)
        mysql, redis = aws_datastores(args, placed, account=account, size=size)
        mysql = with_rotation_admin(name, args.wandb, args.secrets, mysql, eks.info, self, platform_registry(args))
        kafka = aws_kafka(args, placed)
        weave, weave_ready = self._clickhouse(network)
        bucket = self._bucket(kms, second)
        wandb = args.wandb
        identity = AwsWandbIdentity(
            f"{name}-identity",
            AwsWandbIdentityArgs(
                oidc_provider=eks.oidc_provider,
                issuer=eks.issuer,
                namespace=wandb.namespace,
                service_accounts=service_account_names(wandb.instance_name),
                bucket_arn=pulumi.Output.all(account.partition, bucket.name).apply(lambda a: f"arn:{a[0]}:s3:::{a[1]}"),
                kms_key_arn=bucket.kms_key or None,
                tags=self._tags,
            ),
            self._child,
        )
        vault = self._vault(eks, kms, bucket, account)
        internal = args.load_balancer_scheme == "internal"
        load_balancer_name = bounded_name(self._prefix, "alb", ALB_NAME_MAX)
        ingress = AlbIngress(
            f"{name}-ingress",
            AlbIngressArgs(
                region=args.region,
                cluster_name=eks.cluster.name,
                vpc_id=network.vpc_id,
                oidc_provider=eks.oidc_provider,
                issuer=eks.issuer,
                subnet_ids=network.private_subnet_ids if internal else network.public_subnet_ids,
                host_name=host_name(wandb.host),
                load_balancer_name=load_balancer_name,
                scheme=args.load_balancer_scheme,
                inbound_cidrs=list(args.ingress_cidrs),
                tls=args.ingress.tls,
                certificate_arn=args.certificate_arn,
                route53_zone_id=args.route53_zone_id,
                chart_version=args.lb_controller_chart_version,
                extra_annotations=args.ingress.annotations,
                tags=self._tags,
                registry=platform_registry(args),
            ),
            pulumi.ResourceOptions(parent=self, providers=[provider, eks.info.k8s_provider]),
        )
        workspace = aws_managed_prometheus(
            f"{name}-prometheus",
            args,
            alias=self._prefix,
            eks=eks,
            kms_key_arn=kms.arn("metrics") if args.observability.mode == "cloud" else None,
            account_id=account.account_id,
            tags=self._tags,
            opts=self._child,
        )
        target = TargetEndpoints(
            cluster=eks.info,
            cloud_provider="aws",
            mysql=mysql,
            redis=redis,
            clickhouse=weave,
            kafka=kafka,
            bucket=bucket,
            identity=identity.workload_identity,
            ingress=ingress.settings,
            wait_for=[ingress.controller, eks.autoscaler.release, *weave_ready],  # W&B's pods may need nodes
            spot=eks.spot,
            clickhouse_backups=aws_clickhouse_backups(
                f"{name}-clickhouse-backups", args, bucket=bucket, eks=eks, tags=self._tags, opts=self._child
            ),
            cloud_metrics=aws_cloud_metrics(
                f"{name}-cloud-metrics",
                args,
                prefix=self._prefix,
                mysql_class=size.mysql_tier,
                eks=eks,
                tags=self._tags,
                opts=self._child,
            ),
            isolation=aws_isolation(
                subnet_cidrs=network.subnet_cidrs,
                internal=internal,
                mysql=mysql,
                redis=redis,
                clickhouse_cloud=weave,
                msk=kafka,
            ),
            remote_prometheus=workspace.remote if workspace else None,
        )
        release = install_wandb(name, args, target, self)
        if workspace is not None:
            workspace.store_rules(rule_groups(observability_args(args, target)))
        self._wandb_outputs(wandb.host, release, eks.info, bucket)
        self._handoff_outputs(release, vault)
        self.kubeconfig = eks.info.kubeconfig
        self.load_balancer_name = pulumi.Output.from_input(load_balancer_name)
        self.certificate_arn = pulumi.Output.from_input(ingress.certificate_arn)
        self.wandb_role_arn = identity.role.arn
        self.register_outputs(self.stack_outputs())

    def stack_outputs(self) -> dict[str, pulumi.Input]:
        """The outputs a stack of this platform exports, by their stack output names."""
        return {
            **super().stack_outputs(),
            "kubeconfig": self.kubeconfig,
            "loadBalancerName": self.load_balancer_name,
            "certificateArn": self.certificate_arn,
            "wandbRoleArn": self.wandb_role_arn,
        }

    @property
    def _prefix(self) -> str:
        return self._args.name_prefix or self._name

    def _zones(self, invoke: pulumi.InvokeOptions) -> list[pulumi.Output[str]]:
        """The zones the network spans: given, those of your database subnets, or the region's first ones."""
        args = self._args
        if args.vpc_id:
            return [aws.ec2.get_subnet_output(id=s, opts=invoke).availability_zone for s in args.database_subnet_ids]
        if args.availability_zones:
            return [pulumi.Output.from_input(z) for z in args.availability_zones]
        count = args.az_count or (3 if args.high_availability else 2)
        names = aws.get_availability_zones_output(state="available", opts=invoke).names
        return [names.apply(lambda n, i=i: n[i]) for i in range(count)]

    def _network(self, zones: list, kms: AwsKms) -> AwsNetwork:
        args = self._args
        existing = None
        if args.vpc_id:
            existing = ExistingVpc(
                args.vpc_id, args.public_subnet_ids, args.private_subnet_ids, args.database_subnet_ids
            )
        return AwsNetwork(
            f"{self._name}-net",
            AwsNetworkArgs(
                region=args.region,
                zones=zones,
                zone_count=len(zones),
                vpc_cidr=args.vpc_cidr,
                nat_per_zone=args.high_availability,
                flow_logs=args.flow_logs,
                log_key_arn=kms.arn("logs"),
                log_retention_days=args.log_retention_days,
                log_group_name=f"/aws/vpc/{self._prefix}/flow-logs",
                existing=existing,
                tags=self._tags,
            ),
            self._child,
        )

    def _cluster(self, account, network: AwsNetwork, kms: AwsKms, size: AwsSize) -> EksCluster:
        args = self._args
        return EksCluster(
            f"{self._name}-cluster",
            EksClusterArgs(
                account=account,
                cluster_name=bounded_name(self._prefix, "eks", EKS_NAME_MAX),
                kubernetes_version=args.kubernetes_version,
                private_subnet_ids=network.private_subnet_ids,
                node_security_group_id=network.node_security_group_id,
                secrets_key_arn=kms.arn("eks"),
                disk_key_arn=kms.arn("ebs"),
                log_key_arn=kms.arn("logs"),
                instance_type=size.node_type,
                min_nodes=size.node_min_count,
                max_nodes=size.node_max_count,
                disk_size_gb=size.node_disk_gb,
                api_access_cidrs=list(args.api_access_cidrs),
                admin_principal_arns=list(args.admin_principal_arns),
                log_retention_days=args.log_retention_days,
                container_logs=args.container_logs,
                autoscaler_chart_version=args.cluster_autoscaler_chart_version,
                registry=platform_registry(args),
                spot_max_nodes=args.spot.max_nodes,
                spot_instance_type=args.spot.node_type,
                deletion_protection=args.protect,
                tags=self._tags,
            ),
            self._child,
        )

    def _clickhouse(self, network: AwsNetwork) -> tuple[ClickHouseEndpoint | None, list[pulumi.Resource]]:
        """ClickHouse Cloud in the platform's region, reached over an interface endpoint in the database subnets
        that admits only the nodes; it never waits for EKS."""
        args = self._args
        if args.clickhouse.mode != "cloud":
            return None, []
        service = clickhouse_cloud_service(
            self._name,
            args,
            cloud_provider="aws",
            service_name=bounded_name(self._prefix, "weave", SNAPSHOT_PREFIX_MAX),
            tags=self._tags,
            opts=self._child,
        )
        link = InterfaceEndpoint(
            f"{self._name}-clickhouse-link",
            InterfaceEndpointArgs(
                vpc_id=network.vpc_id,
                subnet_ids=network.database_subnet_ids,
                node_security_group_id=network.node_security_group_id,
                service_name=service.service_attachment,
                port=HTTPS_PORT,
                what="ClickHouse Cloud (HTTPS)",
                tags=self._tags,
            ),
            self._child,
        )
        weave, attachment = service.attach([link.endpoint.id])
        return weave, [attachment, link.endpoint]

    def _vault(self, eks: EksCluster, kms: AwsKms, bucket: BucketInfo, account) -> VaultCluster | None:
        """Vault in the cluster, auto-unsealed with its own key through an IRSA role only Vault's service account
        may take; its snapshots go to the bucket through a second role."""
        args = self._args
        if not in_cluster_vault_on(args):
            return None
        namespace = vault_namespace(args.wandb.namespace)
        seal = AwsVaultSeal(
            f"{self._name}-vault-seal",
            AwsVaultSealArgs(
                region=args.region,
                role_name=vault_seal_role(args, self._name),
                key=kms.keys[VAULT_SEAL_KEY],
                oidc_provider=eks.oidc_provider,
                issuer=eks.issuer,
                namespace=namespace,
                tags=self._tags,
            ),
            self._child,
        ).seal
        upload = s3_snapshot_upload(
            f"{self._name}-vault-snapshots",
            bucket_name=bucket.name,
            bucket_arn=pulumi.Output.all(account.partition, bucket.name).apply(lambda a: f"arn:{a[0]}:s3:::{a[1]}"),
            bucket_key_arn=bucket.kms_key,
            oidc_provider=eks.oidc_provider,
            issuer=eks.issuer,
            namespace=namespace,
            tags=self._tags,
            opts=self._child,
        )
        return in_cluster_vault(
            self._name, args.wandb, args.secrets.vault, eks.info, seal, upload, self, platform_registry(args)
        )

    def _bucket(self, kms: AwsKms, second: AwsSecondRegion | None) -> BucketInfo:
        args = self._args
        if args.bucket.mode != "managed":
            return external_bucket(args.bucket, "s3")
        bucket = S3Bucket(
            f"{self._name}-objects",
            S3BucketArgs(
                region=args.region,
                kms_key_arn=kms.arn("s3"),
                noncurrent_version_days=args.bucket.noncurrent_version_days,
                expire_prefixes=(
                    {SNAPSHOTS: args.secrets.vault.snapshot_retention_days} if in_cluster_vault_on(args) else {}
                ),
                protect=args.protect,
                tags=self._tags,
            ),
            self._child,
        )
        aws_bucket_replica(args, source=bucket, second=second, tags=self._tags, opts=self._child)
        return bucket.info
