"""The target sections: `gcp`, `aws`, `azure` and `existing`, each read only on its own target."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from components.azure.layout import subnet_layout
from components.platform.validation import overlap_problem
from components.platform.versions import CLUSTER_AUTOSCALER_IMAGES
from stacks.config.base import ControlPlaneCidr, KubernetesVersion, Section, raise_if

AURORA_VERSION = r"^(8\.4\.mysql_aurora\.8\.4\.[0-9]+|8\.0\.mysql_aurora\.3\.[0-9]{2}\.[0-9]+)?$"


class AuthorizedNetwork(Section):
    cidr: ControlPlaneCidr
    name: str = ""


class GcpConfig(Section):
    subnet_cidr: ipaddress.IPv4Network = ipaddress.IPv4Network("10.10.0.0/20")
    pods_cidr: ipaddress.IPv4Network = ipaddress.IPv4Network("10.16.0.0/14")
    services_cidr: ipaddress.IPv4Network = ipaddress.IPv4Network("10.20.0.0/20")
    master_cidr: ipaddress.IPv4Network = ipaddress.IPv4Network("172.16.0.32/28")
    private_services_prefix_length: int = Field(16, ge=8, le=24)
    authorized_networks: list[AuthorizedNetwork] = []
    private_endpoint: bool = False
    release_channel: Literal["RAPID", "REGULAR", "STABLE", "EXTENDED"] = "REGULAR"
    kubernetes_version: KubernetesVersion = "1.35"  # the control plane's minimum; the channel upgrades from there
    rbac_security_group: str = Field("", pattern=r"^(gke-security-groups@[A-Za-z0-9.-]+)?$")
    kms_rotation_days: int = Field(90, ge=1, le=36500)
    enable_apis: bool = True
    log_retention_days: int = Field(0, ge=0, le=3650)  # the project's _Default log bucket; 0 = left as it is

    @field_validator("master_cidr")
    @classmethod
    def _master_is_slash_28(cls, v: ipaddress.IPv4Network) -> ipaddress.IPv4Network:
        if v.prefixlen != 28:
            raise ValueError("GKE needs a /28 for the control plane")
        return v

    @model_validator(mode="after")
    def _ranges_do_not_overlap(self):
        ranges = {
            "subnetCidr": str(self.subnet_cidr),
            "podsCidr": str(self.pods_cidr),
            "servicesCidr": str(self.services_cidr),
            "masterCidr": str(self.master_cidr),
        }
        raise_if(overlap_problem(ranges))
        return self


AWS_ARN = r"arn:aws[a-z-]*"
SUBNET_ID = Annotated[str, Field(pattern=r"^subnet-[0-9a-f]{8,17}$")]
CLOUDWATCH_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653)


class AwsConfig(Section):
    availability_zones: list[str] = []  # [] = the region's first `azCount` zones
    az_count: int | None = Field(None, ge=2, le=6)  # None = 3 with high availability, else 2
    vpc_cidr: ipaddress.IPv4Network = ipaddress.IPv4Network("10.0.0.0/16")
    vpc_id: str = Field("", pattern=r"^(vpc-[0-9a-f]{8,17})?$")  # bring your own VPC (with the subnets below)
    public_subnet_ids: list[SUBNET_ID] = []
    private_subnet_ids: list[SUBNET_ID] = []
    database_subnet_ids: list[SUBNET_ID] = []
    flow_logs: bool | None = None  # None = on in prod
    log_retention_days: int = 365
    container_logs: bool = True  # containers' and nodes' logs and Container Insights to CloudWatch
    kubernetes_version: KubernetesVersion = "1.35"
    api_access_cidrs: list[ControlPlaneCidr] = []  # [] = private API endpoint only
    admin_principal_arns: list[Annotated[str, Field(pattern=rf"^{AWS_ARN}:iam::[0-9]{{12}}:(role|user)/.+$")]] = []
    certificate_arn: str = Field("", pattern=rf"^({AWS_ARN}:acm:[a-z0-9-]+:[0-9]{{12}}:certificate/[0-9a-f-]+)?$")
    route53_zone_id: str = Field("", pattern=r"^(Z[A-Z0-9]{1,31})?$")
    ingress_cidrs: list[ipaddress.IPv4Network] = Field([ipaddress.IPv4Network("0.0.0.0/0")], min_length=1)
    load_balancer_scheme: Literal["internet-facing", "internal"] = "internet-facing"
    kms_deletion_window_days: int = Field(30, ge=7, le=30)
    aurora_version: str = Field("", pattern=AURORA_VERSION)  # "" = the pinned one for mysql.version
    redis_version: str = Field("7.1", pattern=r"^7\.[0-9]+$")
    lb_controller_chart_version: str = "3.5.0"
    cluster_autoscaler_chart_version: str = Field("9.59.0", pattern=r"^[0-9]+\.[0-9]+\.[0-9]+$")
    msk_version: str = Field("3.9.x", pattern=r"^[0-9]+\.[0-9]+\.(x|[0-9]+)(\.kraft)?$")  # with kafka.mode managed
    msk_instance_type: str = Field("kafka.m7g.large", pattern=r"^kafka\.[a-z0-9]+\.[a-z0-9]+$")
    msk_volume_gb: int = Field(500, ge=1, le=16384)

    @field_validator("vpc_cidr")
    @classmethod
    def _vpc_fits_the_layout(cls, v: ipaddress.IPv4Network) -> ipaddress.IPv4Network:
        if not 16 <= v.prefixlen <= 19 or not v.is_private:
            raise ValueError("must be a private range from /16 to /19 (ALB subnets need a /27 at least)")
        return v

    @field_validator("kubernetes_version")
    @classmethod
    def _the_autoscaler_has_an_image(cls, v: str) -> str:
        if v not in CLUSTER_AUTOSCALER_IMAGES:
            raise ValueError(f"one of {', '.join(CLUSTER_AUTOSCALER_IMAGES)}: the Cluster Autoscaler must match it")
        return v

    @field_validator("log_retention_days")
    @classmethod
    def _a_cloudwatch_retention(cls, v: int) -> int:
        if v not in CLOUDWATCH_RETENTION_DAYS:
            raise ValueError(f"must be one of CloudWatch's retention periods {CLOUDWATCH_RETENTION_DAYS}")
        return v

    @model_validator(mode="after")
    def _zones_and_subnets_agree(self):
        if self.availability_zones and self.az_count is not None:
            raise ValueError("give availabilityZones or azCount, not both")
        if self.availability_zones and len(set(self.availability_zones)) < 2:
            raise ValueError("availabilityZones needs at least two distinct zones")
        subnets = {
            "publicSubnetIds": self.public_subnet_ids,
            "privateSubnetIds": self.private_subnet_ids,
            "databaseSubnetIds": self.database_subnet_ids,
        }
        if not self.vpc_id:
            given = [k for k, v in subnets.items() if v]
            if given:
                raise ValueError(f"{', '.join(given)} only apply with vpcId (bring your own VPC)")
            return self
        if self.availability_zones or self.az_count is not None:
            raise ValueError("with vpcId the zones are those of your subnets; drop availabilityZones/azCount")
        needed = ["privateSubnetIds", "databaseSubnetIds"]
        if self.load_balancer_scheme == "internet-facing":
            needed.append("publicSubnetIds")
        short = [k for k in needed if len(subnets[k]) < 2]
        if short:
            raise ValueError(f"vpcId needs {', '.join(short)} with at least two subnets each, in different zones")
        return self

    @model_validator(mode="after")
    def _one_certificate_source(self):
        if self.certificate_arn and self.route53_zone_id:
            raise ValueError("give certificateArn or route53ZoneId, not both")
        return self


ENTRA_OBJECT_ID = Annotated[str, Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
AZURE_ZONE = Literal["1", "2", "3"]


class AzureConfig(Section):
    resource_group_name: str = Field("", pattern=r"^([-\w._()]{0,89}[-\w_()])?$")  # "" = create one
    zones: list[AZURE_ZONE] = Field(["1", "2", "3"], min_length=1)
    vnet_cidr: ipaddress.IPv4Network = ipaddress.IPv4Network("10.30.0.0/16")
    pod_cidr: ipaddress.IPv4Network = ipaddress.IPv4Network("10.244.0.0/16")
    service_cidr: ipaddress.IPv4Network = ipaddress.IPv4Network("10.40.0.0/16")
    kubernetes_version: KubernetesVersion = "1.35"
    api_authorized_ips: list[ControlPlaneCidr] = []  # [] = a private API server
    admin_group_ids: list[ENTRA_OBJECT_ID] = []
    key_rotation_days: int = Field(90, ge=7, le=3650)
    log_retention_days: int = Field(90, ge=30, le=730)
    storage_allowed_ips: list[ControlPlaneCidr] = []  # [] = the storage account is reached privately only
    tls_secret_name: str = Field("", pattern=r"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$")
    acme_email: str = Field("", pattern=r"^([^@\s]+@[^@\s]+\.[^@\s]+)?$")
    alb_controller_chart_version: str = "1.13.0"
    cert_manager_chart_version: str = Field("v1.21.1", pattern=r"^v[0-9]+\.[0-9]+\.[0-9]+$")

    @field_validator("zones")
    @classmethod
    def _distinct_zones(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("each zone once")
        return v

    @field_validator("vnet_cidr")
    @classmethod
    def _vnet_fits_the_layout(cls, v: ipaddress.IPv4Network) -> ipaddress.IPv4Network:
        if not v.is_private:
            raise ValueError("must be a private range")
        subnet_layout(str(v))  # raises what is too small
        return v

    @model_validator(mode="after")
    def _ranges_do_not_overlap(self):
        ranges = {"vnetCidr": str(self.vnet_cidr), "podCidr": str(self.pod_cidr), "serviceCidr": str(self.service_cidr)}
        raise_if(overlap_problem(ranges))
        return self

    @model_validator(mode="after")
    def _one_certificate_source(self):
        if self.tls_secret_name and self.acme_email:
            raise ValueError("give tlsSecretName or acmeEmail, not both")
        return self


class ExistingConfig(Section):
    """A cluster you already run: reached through your kubeconfig, nothing created outside it."""

    kubeconfig: str = ""  # path to a kubeconfig file; "" = $KUBECONFIG, else ~/.kube/config
    context: str = ""  # "" = the kubeconfig's current context
    ingress_class: str = Field("", pattern=r"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$")  # "" = the cluster's default
    tls_secret_name: str = Field("", pattern=r"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$")  # with ingress.tls
    oidc_issuer: str = ""  # the cluster's service-account token issuer, for W&B's internal JWTs; "" = none
    storage_class: str = ""  # the in-cluster object store's volume; "" = the cluster's default
    object_store_chart_version: str = "4.44.0"  # chart `seaweedfs` from https://seaweedfs.github.io/seaweedfs/helm
    snapshot_class: str = Field("", pattern=r"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$")  # "" = no volume snapshots
    snapshot_schedule: str = Field("*/30 * * * *", pattern=r"^(\S+ ){4}\S+$")  # cron, UTC
    snapshots_kept: int = Field(48, ge=1, le=1000)  # of each volume
