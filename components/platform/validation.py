"""The rules a platform's inputs must meet, as pure functions: the stack config loader and the whole-platform
components both call them, so a program that builds the components itself gets the same clear errors.

Each returns a problem in words (without the key, which the caller knows in its own terms) or None.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ..k8s.wandb_traces import PROTOCOLS, parse_endpoint

MIN_KUBERNETES_MINOR = 34  # W&B supports Kubernetes 1.34 and newer
MYSQL_VERSIONS = ("8.4", "8.0")
DATASTORE_MODES = ("managed", "in-cluster", "external")
SIZES = ("small", "medium", "large", "xlarge", "xxlarge")
CLICKHOUSE_MODES = ("none", "in-cluster", "replicated", "cloud", "external")
KAFKA_MODES = ("none", "in-cluster", "managed", "external")
SECRETS_BACKENDS = ("kubernetes", "vault")
KAFKA_PORT = 9092
MANAGED_KAFKA_ONLY_ON_AWS = (
    "'managed' is Amazon MSK, on target aws only: the other clouds' managed Kafka (Google Managed Kafka, "
    "Azure Event Hubs) speaks only TLS with SASL, which W&B's Kafka clients cannot"
)
CLICKHOUSE_TLS_PORT = 8443
CLICKHOUSE_CLOUD_ONLY_ON_CLOUDS = (
    "'cloud' is ClickHouse Cloud behind a private endpoint in the network the platform creates, on targets gcp "
    "and aws; on Azure or a cluster of yours, open a private endpoint to your service and use 'external'"
)
CLOUD_MEMORY_GB = (8, 356)  # ClickHouse Cloud's bounds of a replica's memory, in steps of 4


def kubernetes_version_problem(version: str) -> str | None:
    match = re.fullmatch(r"1\.([0-9]{2})", version)
    if not match:
        return "must be a Kubernetes minor version such as '1.35' (quoted: unquoted, 1.30 reads as 1.3)"
    if int(match.group(1)) < MIN_KUBERNETES_MINOR:
        return f"W&B supports Kubernetes 1.{MIN_KUBERNETES_MINOR} or newer"
    return None


def host_problem(host: str) -> str | None:
    """W&B's URL: a scheme and a host, nothing else."""
    parts = urlsplit(host)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be a URL with scheme, e.g. https://wandb.example.com"
    if parts.path.strip("/") or parts.query or parts.fragment:
        return "must be scheme and host only, with no path or query"
    return None


def pull_config_problem(config: str, registry: str) -> str | None:
    """A Docker config JSON that logs in to the image mirror (its content never appears in the message)."""
    if not registry:
        return "pullSecret needs registry: it logs in to the mirror"
    try:
        auths = json.loads(config).get("auths")
    except (ValueError, AttributeError):
        auths = None
    if not isinstance(auths, dict):
        return 'pullSecret must be a Docker config JSON: {"auths": {"<registry host>": {"auth": "<base64>"}}}'
    host = registry.split("/")[0]
    if not any(key.removeprefix("https://").split("/")[0] == host for key in auths):
        return f"pullSecret has no login for {host} under `auths`"
    return None


def mode_fields_problem(mode: str, owner: str, **fields: Any) -> str | None:
    """Fields that belong to one mode: each required in that mode, none given in another."""
    if mode == owner:
        missing = [k for k, v in fields.items() if not v]
        return f"mode '{owner}' needs {', '.join(missing)}" if missing else None
    given = [k for k, v in fields.items() if v]
    return f"{', '.join(given)} only apply to mode '{owner}' (mode is '{mode}')" if given else None


def endpoint_problem(mode: str, **endpoint: Any) -> str | None:
    """An external datastore needs its endpoint; the other modes must not be given one."""
    return mode_fields_problem(mode, "external", **endpoint)


def clickhouse_version_problem(version: str) -> str | None:
    """Weave supports ClickHouse 25.8 to 25.12 and 26.3 or newer, not 26.1 or 26.2 (W&B's upgrade note)."""
    match = re.fullmatch(r"([0-9]+)\.([0-9]+)(\.[0-9]+)*", version)
    if not match:
        return "must be a ClickHouse version such as '25.8' (quoted)"
    major, minor = int(match.group(1)), int(match.group(2))
    if (major == 25 and 8 <= minor <= 12) or (major == 26 and minor >= 3) or major > 26:
        return None
    return "Weave supports ClickHouse 25.8 to 25.12 and 26.3 or newer (not 26.1 or 26.2)"


def clickhouse_port_problem(port: int, tls: bool) -> str | None:
    """Weave speaks HTTPS exactly when the port is 8443, and plain HTTP on any other."""
    if tls and port != CLICKHOUSE_TLS_PORT:
        return f"Weave uses TLS only on port {CLICKHOUSE_TLS_PORT}: give port {CLICKHOUSE_TLS_PORT}, or tls false"
    if not tls and port == CLICKHOUSE_TLS_PORT:
        return f"Weave always uses TLS on port {CLICKHOUSE_TLS_PORT}: set tls true, or give the HTTP port"
    return None


def node_range_problem(low: int, high: int) -> str | None:
    return f"nodeMinCount {low} exceeds nodeMaxCount {high}" if low > high else None


def overlap_problem(ranges: Mapping[str, str]) -> str | None:
    """The first pair of named IPv4 ranges that overlap."""
    networks = {name: ipaddress.IPv4Network(cidr) for name, cidr in ranges.items()}
    names = list(networks)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if networks[a].overlaps(networks[b]):
                return f"{a} {networks[a]} overlaps {b} {networks[b]}"
    return None


def internet_problem(cidrs: list[str], what: str) -> str | None:
    """CIDRs admitted to something private: never the whole internet."""
    if any(ipaddress.ip_network(c).prefixlen == 0 for c in cidrs):
        return f"0.0.0.0/0 would open {what} to the internet"
    return None


def one_of_problem(value: Any, allowed: tuple[str, ...]) -> str | None:
    return None if value in allowed else f"must be one of {', '.join(allowed)} (got {value!r})"


def raise_problems(component: str, problems: list[tuple[str, str | None]]) -> None:
    """Raise one ValueError naming every argument whose problem is not None, before any resource exists."""
    found = [f"{key}: {problem}" for key, problem in problems if problem]
    if found:
        raise ValueError(f"invalid {component} arguments:\n" + "\n".join(f"  - {p}" for p in found))


def cloud_memory_gb_problem(gb: int | None) -> str | None:
    """ClickHouse Cloud sizes a replica's memory in multiples of 4 GB from 8 to 356."""
    least, most = CLOUD_MEMORY_GB
    if gb is None or (gb % 4 == 0 and least <= gb <= most):
        return None
    return f"must be a multiple of 4 from {least} to {most} (GB; got {gb})"


def clickhouse_cloud_memory_problem(low: int, high: int) -> str | None:
    """A replica's memory range: both ends valid, the least no more than the most."""
    problem = cloud_memory_gb_problem(low) or cloud_memory_gb_problem(high)
    if problem is None and low > high:
        problem = f"the least memory {low} GB exceeds the most {high} GB"
    return problem


def clickhouse_cloud_problems(clickhouse: Any, cloud_here: bool) -> list[tuple[str, str | None]]:
    """ClickHouse Cloud needs the organization and its API key, and a platform network for its endpoint (its
    memory is checked where the size is known: `clickhouse_cloud.memory_problems`)."""
    cloud = clickhouse.mode == "cloud"
    sized = [k for k in ("min_memory_gb", "max_memory_gb") if getattr(clickhouse, k) is not None]
    account = mode_fields_problem(
        clickhouse.mode,
        "cloud",
        organization_id=clickhouse.organization_id,
        api_key_id=clickhouse.api_key_id,
        api_key_secret=clickhouse.api_key_secret,
    )
    return [
        ("clickhouse.mode", CLICKHOUSE_CLOUD_ONLY_ON_CLOUDS if cloud and not cloud_here else None),
        ("clickhouse", account),
        ("clickhouse", f"{', '.join(sized)} only apply to mode 'cloud'" if sized and not cloud else None),
    ]


def clickhouse_problems(clickhouse: Any, cloud_here: bool) -> list[tuple[str, str | None]]:
    """The checks on ClickHouseArgs, on every target; `cloud_here` says whether the target can reach ClickHouse
    Cloud privately."""
    external = clickhouse.mode == "external"
    return [
        ("clickhouse.mode", one_of_problem(clickhouse.mode, CLICKHOUSE_MODES)),
        ("clickhouse.version", clickhouse_version_problem(clickhouse.version)),
        ("clickhouse", endpoint_problem(clickhouse.mode, host=clickhouse.host, password=clickhouse.password)),
        ("clickhouse.port", clickhouse_port_problem(clickhouse.port, clickhouse.tls) if external else None),
        (
            "clickhouse.cluster",
            "required with replicated" if clickhouse.replicated and not clickhouse.cluster else None,
        ),
        *clickhouse_cloud_problems(clickhouse, cloud_here),
    ]


def kafka_port_problem(port: int) -> str | None:
    if port != KAFKA_PORT:
        return f"must be {KAFKA_PORT}: W&B's Kafka consumers always connect to port {KAFKA_PORT}"
    return None


def kafka_problems(kafka: Any, managed_here: bool) -> list[tuple[str, str | None]]:
    """The checks on KafkaArgs; `managed_here` says whether the target has a managed Kafka W&B can speak to."""
    managed = MANAGED_KAFKA_ONLY_ON_AWS if kafka.mode == "managed" and not managed_here else None
    return [
        ("kafka.mode", one_of_problem(kafka.mode, KAFKA_MODES) or managed),
        ("kafka", endpoint_problem(kafka.mode, host=kafka.host)),
        ("kafka.port", kafka_port_problem(kafka.port)),
    ]


def https_problem(url: str) -> str | None:
    parts = urlsplit(url)
    return None if parts.scheme == "https" and parts.hostname else "must be an https:// URL"


OBSERVABILITY_MODES = ("none", "in-cluster", "cloud")
MANAGED_MONITORING_ELSEWHERE = (
    "'cloud' (the cloud's managed Prometheus) is built for targets gcp and aws; use 'in-cluster'"
)
ALERT_RECEIVERS = ("none", "webhook", "slack", "pagerduty")


def observability_problems(observability: Any, managed_here: bool) -> list[tuple[str, str | None]]:
    """The mode (`cloud` where the target has a managed Prometheus: `managed_here`) and the alert receiver: a
    secret exactly when there is a receiver, a channel only for Slack; the traces' collector."""
    o = observability
    receiver = o.receiver != "none"
    mode = one_of_problem(o.mode, OBSERVABILITY_MODES)
    if mode is None and o.mode == "cloud" and not managed_here:
        mode = MANAGED_MONITORING_ELSEWHERE
    return [
        ("observability.mode", mode),
        ("observability.receiver", one_of_problem(o.receiver, ALERT_RECEIVERS)),
        (
            "observability.receiver_secret",
            ("required with a receiver" if receiver else "applies with a receiver only")
            if receiver != (o.receiver_secret is not None)
            else None,
        ),
        (
            "observability.slack_channel",
            "applies to receiver 'slack' only" if o.slack_channel and o.receiver != "slack" else None,
        ),
        (
            "observability.traces_endpoint",
            "must be host:port (a collector's OTLP endpoint)"
            if o.traces_endpoint and parse_endpoint(o.traces_endpoint) is None
            else None,
        ),
        ("observability.traces_protocol", one_of_problem(o.traces_protocol, PROTOCOLS)),
        (
            "observability.trace_ratio",
            None if 0 < o.trace_ratio <= 1 else f"must be above 0 and at most 1, not {o.trace_ratio}",
        ),
    ]


# Azure's geo-redundant copies go to the location's paired region (Azure's region pairs; a region not listed has
# none: no geo-redundant storage or backups there).
AZURE_PAIRS = {
    "eastus": "westus",
    "westus": "eastus",
    "eastus2": "centralus",
    "centralus": "eastus2",
    "westus2": "westcentralus",
    "westcentralus": "westus2",
    "westus3": "eastus",
    "northcentralus": "southcentralus",
    "southcentralus": "northcentralus",
    "northeurope": "westeurope",
    "westeurope": "northeurope",
    "uksouth": "ukwest",
    "ukwest": "uksouth",
    "japaneast": "japanwest",
    "japanwest": "japaneast",
    "australiaeast": "australiasoutheast",
    "australiasoutheast": "australiaeast",
    "canadacentral": "canadaeast",
    "canadaeast": "canadacentral",
    "southeastasia": "eastasia",
    "eastasia": "southeastasia",
}


def azure_pair_problem(location: str, secondary: str) -> str | None:
    """On Azure the second region is the location's pair: where geo-redundant storage and backups go."""
    pair = AZURE_PAIRS.get(location)
    if pair is None:
        return f"{location} has no paired region for geo-redundant copies (or one with restricted access)"
    return None if secondary == pair else f"must be {pair}, the pair of {location} (where Azure's geo copies go)"


def dr_problems(args: Any, region: str, *, built: bool) -> list[tuple[str, str | None]]:
    """The second region: another than the platform's, on a target where the copies are built, each copy of a
    datastore the platform runs itself."""
    dr = args.dr
    if not dr.secondary_region:
        return []
    managed = {"bucket": args.bucket.mode, "mysql": args.mysql.mode}
    return [
        ("dr.secondary_region", None if built else "copies in a second region are built for targets gcp, aws, azure"),
        (
            "dr.secondary_region",
            f"must differ from the platform's region {region}" if dr.secondary_region == region else None,
        ),
        ("dr.retention_days", None if 1 <= dr.retention_days <= 3650 else "1 to 3650 days"),
        *[
            (f"dr.{store}", f"applies to a managed {store} only (it is '{mode}'); set it false")
            for store, mode in managed.items()
            if getattr(dr, store) and mode != "managed"
        ],
    ]


VAULT_MODES = ("external", "in-cluster")
IN_CLUSTER_VAULT_NEEDS_A_SEAL = (
    "'in-cluster' auto-unseals with a cloud KMS: targets gcp and aws (else run Vault yourself: 'external')"
)
STACK_ROLES = ("all", "platform")


def secrets_problems(
    secrets: Any, api_server_known: bool, stack_role: str = "all", seal_here: bool = False
) -> list[tuple[str, str | None]]:
    """The secrets backend; `api_server_known` says whether the target knows its cluster's API server (which an
    outside Vault reviews the sync's tokens with), `seal_here` whether it can run Vault with a cloud KMS seal."""
    vault = secrets.vault
    if secrets.backend != "vault":
        return [
            ("secrets.backend", one_of_problem(secrets.backend, SECRETS_BACKENDS)),
            ("secrets.vault", "applies with backend 'vault' only" if vault is not None else None),
        ]
    if vault is None:
        return [("secrets.vault", "required with backend 'vault'")]
    if vault.mode == "in-cluster":
        return [
            ("secrets.vault.mode", None if seal_here else IN_CLUSTER_VAULT_NEEDS_A_SEAL),
            (
                "stack_role",
                "'platform' with an in-cluster Vault: it is initialised before W&B is configured"
                if stack_role != "platform"
                else None,
            ),
            ("secrets.vault.replicas", None if vault.replicas % 2 else "must be odd (a Raft quorum)"),
        ]
    host = vault.kubernetes_host
    unknown_host = not host and not api_server_known
    return [
        ("secrets.vault.mode", one_of_problem(vault.mode, VAULT_MODES)),
        ("secrets.vault.address", https_problem(vault.address)),
        ("secrets.vault.kubernetes_host", https_problem(host) if host else None),
        (
            "secrets.vault.kubernetes_host",
            "required here: the cluster's API server, as Vault reaches it" if unknown_host else None,
        ),
        (
            "secrets.vault.login_role",
            "login_mount and login_role go together" if bool(vault.login_mount) != bool(vault.login_role) else None,
        ),
    ]


def common_problems(
    args: Any,
    *,
    cloud_here: bool,
    seal_here: bool = False,
    api_server_known: bool | None = None,
    managed_monitoring_here: bool = False,
) -> list[tuple[str, str | None]]:
    """The checks every target makes on the arguments it shares: `wandb`, `mysql`, `redis`, `ingress`,
    `clickhouse` (`cloud_here`: the target can reach ClickHouse Cloud privately), `secrets` (`seal_here`: it can
    auto-unseal a Vault; `api_server_known`: it knows its API server, by default where `cloud_here`),
    `observability` (`managed_monitoring_here`: its cloud's managed Prometheus is built)."""
    wandb, mysql, redis, ingress = args.wandb, args.mysql, args.redis, args.ingress
    host = host_problem(wandb.host)
    if host is None and ingress.tls and wandb.host.startswith("http://"):
        host = "must start with https:// while ingress.tls is on"
    return [
        ("wandb.host", host),
        ("wandb.size", one_of_problem(wandb.size, SIZES)),
        ("wandb.console_access", one_of_problem(wandb.console_access, ("cluster", "namespace"))),
        ("mysql.mode", one_of_problem(mysql.mode, DATASTORE_MODES)),
        ("mysql.version", one_of_problem(mysql.version, MYSQL_VERSIONS)),
        ("mysql", endpoint_problem(mysql.mode, host=mysql.host, password=mysql.password)),
        ("redis.mode", one_of_problem(redis.mode, DATASTORE_MODES)),
        ("redis", endpoint_problem(redis.mode, host=redis.host)),
        *clickhouse_problems(args.clickhouse, cloud_here),
        *secrets_problems(
            args.secrets,
            cloud_here if api_server_known is None else api_server_known,
            getattr(args, "stack_role", "all"),
            seal_here,
        ),
        ("stack_role", one_of_problem(getattr(args, "stack_role", "all"), STACK_ROLES)),
        *observability_problems(args.observability, managed_monitoring_here),
        *images_problems(getattr(args, "images", None), wandb),
    ]


def images_problems(images: Any, wandb: Any) -> list[tuple[str, str | None]]:
    """A mirror takes W&B's chart at the pinned version (its images are pinned for it) and a login to its host."""
    if images is None:
        return []
    login = images.pull_secret
    return [
        ("images.pull_secret", pull_config_problem(login, images.registry) if isinstance(login, str) else None),
        (
            "wandb.wandb_chart_version",
            "must be set with images.registry: W&B's images are pinned for a chart version"
            if images.registry and not wandb.wandb_chart_version
            else None,
        ),
        (
            "images.chart_repository",
            "must be an oci:// or https:// repository"
            if images.chart_repository and not images.chart_repository.startswith(("oci://", "https://"))
            else None,
        ),
    ]
