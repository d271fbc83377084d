"""Checks across keys. They run on the raw values, beside the per-key validation and not after it, so that
a bad value in one key never hides a conflict between others."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from pydantic.alias_generators import to_camel, to_snake

from components.k8s.image_catalogue import CHARTS
from components.platform.sizes import SIZES, size_fields
from components.platform.validation import (
    CLICKHOUSE_CLOUD_ONLY_ON_CLOUDS,
    MANAGED_KAFKA_ONLY_ON_AWS,
    azure_pair_problem,
    node_range_problem,
)
from components.platform.versions import AURORA_VERSIONS
from stacks.config.base import CLICKHOUSE_CLOUD_TARGETS, CLOUD_TARGETS, PROJECT, TARGETS, VAULT_SEAL_TARGETS
from stacks.config.platform import BUCKET_PROVIDER, SizeOverrides


def section(raw: Mapping[str, Any], key: str) -> dict:
    value = raw.get(f"{PROJECT}:{key}")
    return value if isinstance(value, dict) else {}


REQUIRED_PROVIDER_KEY = {
    "gcp": ("gcp:project", "pulumi config set gcp:project <project-id>"),
    "aws": ("aws:region", "pulumi config set aws:region <region>"),
    "azure": ("azure-native:location", "pulumi config set azure-native:location <region, e.g. eastus2>"),
}
MAX_BACKUP_DAYS = {"aws": 35, "azure": 35}  # Aurora's and Flexible Server's most


def _aws_checks(raw: Mapping[str, Any], tls: bool) -> list[str]:
    problems = []
    aws = section(raw, "aws")
    if tls and not (aws.get("certificateArn") or aws.get("route53ZoneId")):
        problems.append(
            f"{PROJECT}:aws.certificateArn: the ALB needs a certificate while {PROJECT}:ingress.tls is on; "
            "give an ACM certificate ARN, or aws.route53ZoneId to create and validate one"
        )
    version = aws.get("auroraVersion")
    mysql = section(raw, "mysql").get("version", "8.4")
    if isinstance(version, str) and version and not version.startswith(f"{mysql}."):
        problems.append(
            f"{PROJECT}:aws.auroraVersion: {version} is not MySQL {mysql} ({PROJECT}:mysql.version); "
            f"leave it unset for {AURORA_VERSIONS.get(str(mysql), 'the pinned version')}"
        )
    return problems


def _azure_checks(raw: Mapping[str, Any], tls: bool) -> list[str]:
    azure = section(raw, "azure")
    sources = [k for k in ("tlsSecretName", "acmeEmail") if azure.get(k)]
    if tls and not sources:
        return [
            f"{PROJECT}:azure.acmeEmail: the gateway needs a certificate while {PROJECT}:ingress.tls is on; give "
            "an email for Let's Encrypt (cert-manager issues and renews it), or azure.tlsSecretName for a "
            "kubernetes.io/tls Secret of yours in W&B's namespace"
        ]
    if not tls and sources:
        return [f"{PROJECT}:azure.{sources[0]}: applies while {PROJECT}:ingress.tls is on"]
    return []


def _backup_days_checks(raw: Mapping[str, Any], target: str) -> list[str]:
    days, most = section(raw, "mysql").get("backupRetentionDays"), MAX_BACKUP_DAYS.get(target)
    if most and _whole(days) and days > most:
        return [f"{PROJECT}:mysql.backupRetentionDays: target '{target}' keeps at most {most} days (got {days})"]
    return []


def _size_checks(raw: Mapping[str, Any], target: str) -> list[str]:
    """`sizeOverrides` keys the target sizes, and a node range that is not upside down once applied."""
    overrides = {to_snake(k): v for k, v in section(raw, "sizeOverrides").items()}
    allowed = size_fields(target)
    foreign = [to_camel(k) for k in overrides if k in SizeOverrides.model_fields and k not in allowed]
    if foreign:
        return [
            f"{PROJECT}:sizeOverrides: {', '.join(foreign)} not sized by target '{target}' "
            f"(allowed: {', '.join(to_camel(k) for k in allowed)})"
        ]
    preset = SIZES[target].get(str(raw.get(f"{PROJECT}:size", "small")))
    if preset is None:
        return []  # the size's own error says what is allowed
    low = overrides.get("node_min_count", preset.node_min_count)
    high = overrides.get("node_max_count", preset.node_max_count)
    problem = node_range_problem(low, high) if _whole(low) and _whole(high) else None
    return [f"{PROJECT}:sizeOverrides: {problem}"] if problem else []


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _existing_checks(raw: Mapping[str, Any], tls: bool) -> list[str]:
    problems = []
    if section(raw, "spot").get("maxNodes"):
        problems.append(f"{PROJECT}:spot.maxNodes: target 'existing' creates no nodes (the cluster is yours)")
    if section(raw, "sizeOverrides"):
        problems.append(
            f"{PROJECT}:sizeOverrides: target 'existing' sizes nothing, the cluster is yours (allowed: none)"
        )
    problems += [
        f"{PROJECT}:{key}.mode: 'managed' needs a cloud target ({', '.join(CLOUD_TARGETS)}); "
        f"target 'existing' takes 'in-cluster' or 'external'"
        for key in ("mysql", "redis", "bucket")
        if section(raw, key).get("mode") == "managed"
    ]
    bucket = section(raw, "bucket")
    if bucket.get("mode") == "external" and not bucket.get("provider"):
        problems.append(f"{PROJECT}:bucket.provider: an external bucket on target 'existing' needs s3, gcs or az")
    if tls and not section(raw, "existing").get("tlsSecretName"):
        problems.append(
            f"{PROJECT}:existing.tlsSecretName: required while {PROJECT}:ingress.tls is on: a kubernetes.io/tls "
            "Secret for the host in the namespace (e.g. from cert-manager); or set ingress.tls false"
        )
    return problems


def _cloud_bucket_checks(raw: Mapping[str, Any], target: str) -> list[str]:
    """Each cloud target reaches its own store with workload identity: no other store, no static keys."""
    problems = []
    bucket = section(raw, "bucket")
    provider = bucket.get("provider")
    if provider not in (None, BUCKET_PROVIDER[target]):
        problems.append(
            f"{PROJECT}:bucket.provider: target '{target}' reaches its bucket with workload identity, "
            f"so only '{BUCKET_PROVIDER[target]}' is allowed (got {provider!r})"
        )
    if bucket.get("mode") == "in-cluster":
        problems.append(f"{PROJECT}:bucket.mode: 'in-cluster' is for target 'existing'; use 'managed' or 'external'")
    given = [k for k in ("endpoint", "accessKey", "secretKey") if bucket.get(k)]
    if given:
        problems.append(f"{PROJECT}:bucket: {', '.join(given)} are for target 'existing' (here: workload identity)")
    return problems


def _role_checks(raw: Mapping[str, Any], target: str) -> list[str]:
    """The stack split: what each role needs, and the in-cluster Vault that needs the split."""
    role = raw.get(f"{PROJECT}:stackRole", "all")
    vault = section(raw, "vault")
    vault_backend = section(raw, "secrets").get("backend") == "vault"
    problems = []
    if role != "wandb" and not raw.get(f"{PROJECT}:license"):
        problems.append(f"{PROJECT}:license: required (pulumi config set --secret {PROJECT}:license <value>)")
    if role in ("platform", "wandb") and not vault_backend:
        problems.append(
            f"{PROJECT}:stackRole: '{role}' splits the program for Vault's initialisation; it needs "
            f"{PROJECT}:secrets.backend vault"
        )
    if role == "wandb" and not vault.get("platformStack"):
        problems.append(f"{PROJECT}:vault.platformStack: required with stackRole 'wandb': <org>/<project>/<stack>")
    if vault.get("mode") == "in-cluster":
        if role == "all":
            problems.append(
                f"{PROJECT}:stackRole: 'all' cannot install and configure {PROJECT}:vault.mode 'in-cluster' in one "
                "run: Vault must be initialised in between; use stackRole 'platform', then 'wandb'"
            )
        if target not in VAULT_SEAL_TARGETS:
            problems.append(
                f"{PROJECT}:vault.mode: 'in-cluster' auto-unseals with the cloud's KMS: targets gcp and aws (here "
                "there is no seal to give it; run Vault yourself and use mode 'external')"
            )
    return problems


REGION_KEY = {"gcp": "gcp:region", "aws": "aws:region", "azure": "azure-native:location"}


def _dr_checks(raw: Mapping[str, Any], target: str) -> list[str]:
    """The second region: on a cloud, another region than the platform's (Azure: its pair), copies of managed
    stores only."""
    dr = section(raw, "dr")
    region = dr.get("secondaryRegion")
    if not region:
        return []
    if target not in REGION_KEY:
        return [f"{PROJECT}:dr.secondaryRegion: copies in a second region need a cloud: targets gcp, aws, azure"]
    problems = []
    if region == raw.get(REGION_KEY[target]):
        problems.append(f"{PROJECT}:dr.secondaryRegion: must differ from {REGION_KEY[target]} ({region})")
    elif target == "azure" and (pair := azure_pair_problem(str(raw.get(REGION_KEY[target])), str(region))):
        problems.append(f"{PROJECT}:dr.secondaryRegion: {pair}")
    mysql_copy = (
        dr.get("mysql", True) not in (False, "false") and section(raw, "mysql").get("mode", "managed") == "managed"
    )
    own = {"aws": ("aws.vpcCidr", "10.0.0.0/16"), "azure": ("azure.vnetCidr", "10.30.0.0/16")}
    if target in own and mysql_copy and not section(raw, "aws").get("vpcId"):
        key, default = own[target]
        network = section(raw, target).get(key.split(".")[1], default)
        standby = dr.get("vpcCidr", "10.1.0.0/16")
        try:
            if ipaddress.IPv4Network(str(network)).overlaps(ipaddress.IPv4Network(str(standby))):
                problems.append(f"{PROJECT}:dr.vpcCidr: {standby} overlaps {key} {network} (they are peered)")
        except ValueError:
            pass  # the per-key check names a malformed range
    for store in ("bucket", "mysql"):
        mode = section(raw, store).get("mode", "managed")
        if dr.get(store, True) not in (False, "false") and mode != "managed":
            problems.append(f"{PROJECT}:dr.{store}: applies to a managed {store} only (it is '{mode}'); set it false")
    return problems


# The config keys that choose a chart whose images the catalogue pins, and the chart.
CHART_KEYS = {
    "operator.chartVersion": "operator",
    "operator.wandbChartVersion": "operator-wandb",
    "observability.chartVersion": "kube-prometheus-stack",
    "vault.chartVersion": "vault",
    "vault.secretsOperatorChartVersion": "vault-secrets-operator",
    "aws.lbControllerChartVersion": "aws-load-balancer-controller",
    "aws.clusterAutoscalerChartVersion": "cluster-autoscaler",
    "azure.albControllerChartVersion": "alb-controller",
    "azure.certManagerChartVersion": "cert-manager",
    "existing.objectStoreChartVersion": "seaweedfs",
}


def _images_checks(raw: Mapping[str, Any]) -> list[str]:
    """From a mirror, every chart at the version whose images are pinned (another's would come from elsewhere)."""
    if not section(raw, "images").get("registry"):
        return []
    problems = []
    for key, chart in CHART_KEYS.items():
        name, field = key.split(".")
        given = section(raw, name).get(field)
        pinned = CHARTS[chart].version
        if given is not None and given != pinned:
            problems.append(
                f"{PROJECT}:{key}: with {PROJECT}:images.registry it must be {pinned}, the version whose images "
                f"are pinned (given {given or 'empty'})"
            )
    return problems


TARGET_CHECKS = {"aws": _aws_checks, "azure": _azure_checks, "existing": _existing_checks}


def cross_checks(raw: Mapping[str, Any]) -> list[str]:
    """Checks across keys, run on the raw values so they are reported beside the per-key errors."""
    problems = []
    target = raw.get(f"{PROJECT}:target", "gcp")
    if target not in TARGETS:
        return problems  # its own error says what is allowed; the other checks depend on it
    if target in REQUIRED_PROVIDER_KEY:
        key, how = REQUIRED_PROVIDER_KEY[target]
        if not raw.get(key):
            problems.append(f"{key}: required for target '{target}' ({how})")
    for other in sorted(set(TARGETS) - {target}):
        if f"{PROJECT}:{other}" in raw:
            problems.append(f"{PROJECT}:{other}: applies to target '{other}' only (target is '{target}')")
    ingress = section(raw, "ingress")
    tls = ingress.get("tls", True) not in (False, "false")
    host = raw.get(f"{PROJECT}:host")
    if tls and isinstance(host, str) and host.startswith("http://"):
        problems.append(f"{PROJECT}:host: must start with https:// while {PROJECT}:ingress.tls is on")
    if ingress.get("staticIpName") and target != "gcp":
        problems.append(f"{PROJECT}:ingress.staticIpName: applies to target 'gcp' only")
    observability = section(raw, "observability")
    if observability.get("mode") == "cloud" and target not in ("gcp", "aws"):
        problems.append(
            f"{PROJECT}:observability.mode: 'cloud' (the cloud's managed Prometheus) is built for targets 'gcp' and "
            f"'aws'; use 'in-cluster' on '{target}'"
        )
    if observability.get("mode") == "cloud" and target == "aws" and observability.get("alertReceiver") == "slack":
        problems.append(
            f"{PROJECT}:observability.alertReceiver: with mode 'cloud' on 'aws', Amazon Managed Prometheus alerts "
            "through SNS, which cannot post to Slack: use 'webhook' or 'pagerduty', or subscribe AWS Chatbot to the "
            "topic yourself"
        )
    create = ingress.get("create", True) not in (False, "false")
    if not create and target != "existing":
        problems.append(f"{PROJECT}:ingress.create: false applies to target 'existing' only")
    if create and isinstance(host, str) and urlsplit(host).port:
        problems.append(
            f"{PROJECT}:host: an Ingress host cannot carry a port; drop it, or set {PROJECT}:ingress.create "
            "false and reach W&B with kubectl port-forward"
        )
    if section(raw, "kafka").get("mode") == "managed" and target != "aws":
        problems.append(f"{PROJECT}:kafka.mode: {MANAGED_KAFKA_ONLY_ON_AWS}")
    problems += _role_checks(raw, target)
    problems += _dr_checks(raw, target)
    problems += _images_checks(raw)
    vault_backend = section(raw, "secrets").get("backend") == "vault"
    if vault_backend and f"{PROJECT}:vault" not in raw:
        problems.append(f"{PROJECT}:vault: required with {PROJECT}:secrets.backend vault (at least vault.address)")
    if not vault_backend and f"{PROJECT}:vault" in raw:
        problems.append(f"{PROJECT}:vault: applies with {PROJECT}:secrets.backend vault only")
    if vault_backend and target == "existing" and not section(raw, "vault").get("kubernetesHost"):
        problems.append(
            f"{PROJECT}:vault.kubernetesHost: required on target 'existing': the cluster's API server as Vault "
            "reaches it (Vault reviews the sync's tokens there)"
        )
    if section(raw, "clickhouse").get("mode") == "cloud" and target not in CLICKHOUSE_CLOUD_TARGETS:
        problems.append(f"{PROJECT}:clickhouse.mode: {CLICKHOUSE_CLOUD_ONLY_ON_CLOUDS}")
    if target in CLOUD_TARGETS:
        problems += _cloud_bucket_checks(raw, target)
        problems += _size_checks(raw, target)
        problems += _backup_days_checks(raw, target)
    if target in TARGET_CHECKS:
        problems += TARGET_CHECKS[target](raw, tls)
    return problems
