"""W&B's OpenTelemetry traces to a collector of yours: the chart's keys, the NetworkPolicy letting them out, and
the endpoint's checks."""

import pytest

from components.k8s.wandb_traces import TRACING_SERVICES, TraceExport, parse_endpoint, trace_values
from stacks.config import ConfigError, load_config
from tests.conftest import LICENSE, base_gcp_config, run_config

CR = "kubernetes:apps.wandb.com/v1:WeightsAndBiases"
POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"


def egress(run) -> list[dict]:
    return [
        rule
        for p in run.of_type(POLICY)
        if p.plain_inputs["metadata"]["namespace"] == "wandb"
        for rule in p.plain_inputs["spec"].get("egress", [])
    ]


def test_the_endpoint_is_host_and_port():
    assert parse_endpoint("otel-collector.observability.svc:4317") == ("otel-collector.observability.svc", 4317)
    assert parse_endpoint("collector.example.com:4318") == ("collector.example.com", 4318)
    for bad in ("collector", "collector:", "collector:99999", "https://collector:4317", ":4317"):
        assert parse_endpoint(bad) is None, bad
    assert TraceExport("otel.obs.svc.cluster.local", 4317).in_cluster_namespace == "obs"
    assert TraceExport("collector.example.com", 4317).in_cluster_namespace == ""


def test_values_set_the_chart_s_endpoint_and_every_tracing_service_s_ratio():
    values = trace_values(TraceExport("c.obs.svc", 4318, "http", 0.25))
    assert values["global"]["otel"]["traces"] == {"host": "c.obs.svc", "port": 4318, "proto": "http"}
    assert all(values[service] == {"traceRatio": 0.25} for service in TRACING_SERVICES)


def test_traces_reach_an_in_cluster_collector_through_w_and_b_s_network_policy():
    run = run_config(base_gcp_config(observability={"tracesEndpoint": "otel-collector.observability.svc:4317"}))
    values = run.one(CR).plain_inputs["spec"]["values"]
    assert values["global"]["otel"]["traces"]["host"] == "otel-collector.observability.svc"
    assert values["api"]["traceRatio"] == 0.1
    collector = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "observability"}}}
    assert any(
        collector in rule.get("to", []) and {"protocol": "TCP", "port": 4317} in rule["ports"] for rule in egress(run)
    )


def test_without_an_endpoint_w_and_b_traces_nothing():
    run = run_config(base_gcp_config())
    values = run.one(CR).plain_inputs["spec"]["values"]
    assert "traceRatio" not in values["api"] and "otel" not in values["global"]


def config_error(**observability) -> str:
    config = {**base_gcp_config(observability=observability), "wandb-platform:license": LICENSE}
    with pytest.raises(ConfigError) as error:
        load_config(config, secret_keys=("wandb-platform:license",))
    return str(error.value)


@pytest.mark.parametrize(
    ("observability", "key"),
    [
        ({"tracesEndpoint": "https://collector:4317"}, "tracesEndpoint"),
        ({"tracesProtocol": "thrift"}, "tracesProtocol"),
        ({"traceRatio": 0}, "traceRatio"),
        ({"traceRatio": 1.5}, "traceRatio"),
    ],
)
def test_a_bad_trace_setting_names_its_key(observability, key):
    assert f"observability.{key}" in config_error(**observability)
