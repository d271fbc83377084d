"""`observability.mode: cloud` on AWS: an Amazon Managed Service for Prometheus workspace, encrypted with the
platform's key, that the in-cluster Prometheus in agent mode writes to (an IRSA role allowed only to write
there) and Grafana reads (one allowed only to query); the platform's rules evaluated by the workspace, and its
alert manager publishing to an encrypted SNS topic that the receiver subscribes to.

Chosen over Amazon's managed collector: scraping stays inside the cluster, where W&B's and the datastores'
NetworkPolicies already admit the monitoring namespace, and no service role needs rights in the cluster.
Amazon Managed Grafana is left out: it signs users in only through IAM Identity Center or SAML, set up outside
a stack; the in-cluster Grafana shows the project's dashboard from the workspace.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws
import yaml

from ..contracts import RemotePrometheus
from ..k8s.observability import GRAFANA_SA, PROMETHEUS_SA
from .irsa import irsa_role
from .policies import document

TOKEN = "wandb-platform:index:AmpWorkspace"
WRITE_ACTIONS = ["aps:RemoteWrite"]
QUERY_ACTIONS = ["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"]
RECEIVERS = ("none", "webhook", "pagerduty")  # what SNS delivers to without more services (not Slack)


@dataclass
class AmpWorkspaceArgs:
    alias: str
    region: str
    account_id: pulumi.Input[str]
    oidc_provider: aws.iam.OpenIdConnectProvider
    issuer: pulumi.Input[str]
    monitoring_namespace: str
    kms_key_arn: pulumi.Input[str]  # for the workspace and the alerts' topic
    receiver: str = "none"  # none | webhook (an HTTPS endpoint that confirms SNS's subscription) | pagerduty
    receiver_secret: pulumi.Input[str] | None = None  # the endpoint's URL, or a PagerDuty integration key
    tags: dict[str, str] = field(default_factory=dict)


def alert_manager_definition(topic_arn: str, region: str) -> str:
    """The workspace's alert manager: every alert to the platform's topic (SNS is the only receiver it has)."""
    receiver = {"name": "platform", "sns_configs": [{"topic_arn": topic_arn, "sigv4": {"region": region}}]}
    config = {
        "route": {"receiver": "platform", "group_by": ["alertname", "namespace"], "repeat_interval": "4h"},
        "receivers": [receiver],
    }
    return yaml.safe_dump({"alertmanager_config": yaml.safe_dump(config, sort_keys=True)}, sort_keys=True)


def subscription_endpoint(receiver: str, secret: str) -> str:
    """Where SNS delivers: the webhook's own HTTPS URL, or PagerDuty's endpoint for an Amazon CloudWatch
    integration's key (it confirms SNS's subscription itself)."""
    return f"https://events.pagerduty.com/integration/{secret}/enqueue" if receiver == "pagerduty" else secret


def topic_policy(topic_arn: str, account_id: str, workspace_arn: str) -> dict[str, Any]:
    """Only this workspace's alert manager may publish."""
    return document(
        {
            "Sid": "TheWorkspacePublishesAlerts",
            "Effect": "Allow",
            "Principal": {"Service": "aps.amazonaws.com"},
            "Action": ["sns:Publish", "sns:GetTopicAttributes"],
            "Resource": topic_arn,
            "Condition": {
                "StringEquals": {"aws:SourceAccount": account_id},
                "ArnEquals": {"aws:SourceArn": workspace_arn},
            },
        }
    )


class AmpWorkspace(pulumi.ComponentResource):
    """Exposes `remote` (RemotePrometheus, for the in-cluster agent and Grafana) and `store_rules()`."""

    def __init__(self, name: str, args: AmpWorkspaceArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self._name, self._child = name, child
        self.workspace = aws.amp.Workspace(
            f"{name}-workspace", alias=args.alias, kms_key_arn=args.kms_key_arn, tags=args.tags, opts=child
        )

        def role(what: str, service_account: str, actions: list[str]) -> aws.iam.Role:
            policy = self.workspace.arn.apply(
                lambda arn: json.dumps(document({"Effect": "Allow", "Action": actions, "Resource": arn}))
            )
            return irsa_role(
                f"{name}-{what}",
                oidc_provider=args.oidc_provider,
                issuer=args.issuer,
                service_accounts=[(args.monitoring_namespace, service_account)],
                inline_policy=policy,
                tags=args.tags,
                opts=child,
            )

        writer = role("writer", PROMETHEUS_SA, WRITE_ACTIONS)
        reader = role("reader", GRAFANA_SA, QUERY_ACTIONS)
        endpoint = self.workspace.prometheus_endpoint
        annotation = "eks.amazonaws.com/role-arn"
        self.remote = RemotePrometheus(
            remote_write_url=pulumi.Output.concat(endpoint, "api/v1/remote_write"),
            query_url=endpoint.apply(lambda url: url.rstrip("/")),
            region=args.region,
            writer_annotations={annotation: writer.arn},
            reader_annotations={annotation: reader.arn},
        )
        if args.receiver != "none":
            self._alerting(name, args)
        self.register_outputs({"workspace": self.workspace.id})

    def _alerting(self, name: str, args: AmpWorkspaceArgs) -> None:
        child = self._child
        topic = aws.sns.Topic(f"{name}-alerts", kms_master_key_id=args.kms_key_arn, tags=args.tags, opts=child)
        aws.sns.TopicPolicy(
            f"{name}-alerts",
            arn=topic.arn,
            policy=pulumi.Output.all(topic.arn, args.account_id, self.workspace.arn).apply(
                lambda a: json.dumps(topic_policy(a[0], a[1], a[2]))
            ),
            opts=child,
        )
        aws.sns.TopicSubscription(
            f"{name}-receiver",
            topic=topic.arn,
            protocol="https",
            endpoint=pulumi.Output.secret(args.receiver_secret).apply(
                lambda secret: subscription_endpoint(args.receiver, secret)
            ),
            opts=child,
        )
        aws.amp.AlertManagerDefinition(
            f"{name}-alert-manager",
            workspace_id=self.workspace.id,
            definition=topic.arn.apply(lambda arn: alert_manager_definition(arn, args.region)),
            opts=child,
        )

    def store_rules(self, groups: list[dict[str, Any]]) -> None:
        """The platform's rule groups, evaluated by the workspace."""
        aws.amp.RuleGroupNamespace(
            f"{self._name}-rules",
            name="wandb-platform",
            workspace_id=self.workspace.id,
            data=yaml.safe_dump({"groups": groups}, sort_keys=True),
            opts=self._child,
        )
