"""A larger GCP program that adds W&B: the team's datasets bucket, W&B on the whole-platform component (with
Weave traces in ClickHouse Cloud, reached over Private Service Connect, and Runs V2 on Kafka in the cluster),
W&B allowed to read the datasets, and the DNS record for W&B's host in the team's Cloud DNS zone."""

import pulumi
import pulumi_gcp as gcp
from wandb_platform.platform.args import ClickHouseArgs, KafkaArgs, MysqlArgs, WandbArgs
from wandb_platform.platform.gcp import AuthorizedNetworkArgs, GcpWandbPlatform, GcpWandbPlatformArgs

config = pulumi.Config()
project = pulumi.Config("gcp").require("project")
region = pulumi.Config("gcp").get("region") or "us-central1"
host = config.require("host")  # e.g. https://wandb.ml.example.com

datasets = gcp.storage.Bucket(
    "datasets",
    project=project,
    location=region.upper(),
    uniform_bucket_level_access=True,
    public_access_prevention="enforced",
    versioning={"enabled": True},
)

platform = GcpWandbPlatform(
    "wandb",
    GcpWandbPlatformArgs(
        project=project,
        region=region,
        wandb=WandbArgs(host=host, license=config.require_secret("license"), size="medium"),
        mysql=MysqlArgs(backup_retention_days=14),
        clickhouse=ClickHouseArgs(
            mode="cloud",
            organization_id=config.require("clickhouseOrganization"),
            api_key_id=config.require("clickhouseKeyId"),
            api_key_secret=config.require_secret("clickhouseKeySecret"),
        ),
        kafka=KafkaArgs(mode="in-cluster"),
        authorized_networks=[AuthorizedNetworkArgs(cidr=config.require("adminCidr"), name="admins")],
        labels={"team": "ml-platform"},
    ),
)

gcp.storage.BucketIAMMember(
    "wandb-reads-datasets",
    bucket=datasets.name,
    role="roles/storage.objectViewer",
    member=platform.wandb_service_account.apply(lambda email: f"serviceAccount:{email}"),
)

gcp.dns.RecordSet(
    "wandb-host",
    project=project,
    managed_zone=config.require("dnsZone"),
    name=host.removeprefix("https://") + ".",
    type="A",
    ttl=300,
    rrdatas=[platform.ingress_address],
)

pulumi.export("url", platform.url)
pulumi.export("datasets", datasets.url)
pulumi.export("kubeconfig", platform.kubeconfig)
