"""Invariants over every committed stack file: credentials only in Secrets, references that resolve,
customer-managed keys, no public addresses and protection in production, parallel provisioning."""

import pytest

from components.k8s.wandb_values import secret_layout
from stacks.offline import REDACTED
from stacks.plan import REQUIRED_SECRETS, stack_config
from tests.conftest import STACK_FILES, dig, leaves, planned, wandb_cr

SECRET_TYPE = "kubernetes:core/v1:Secret"
STATEFUL = {
    "gcp:container/cluster:Cluster",
    "gcp:sql/databaseInstance:DatabaseInstance",
    "gcp:redis/instance:Instance",
    "gcp:storage/bucket:Bucket",
    "gcp:kms/keyRing:KeyRing",
    "gcp:kms/cryptoKey:CryptoKey",
}


def test_every_committed_stack_plans(stack_run):
    assert len(stack_run.of_type("kubernetes:apps.wandb.com/v1:WeightsAndBiases")) == 1


def test_no_plaintext_credential_outside_a_secret(stack_run):
    credentials = {v for v in stack_run.secret_values if len(v) >= 8 and "BEGIN CERTIFICATE" not in v}
    assert REQUIRED_SECRETS["wandb-platform:license"] in credentials, "no secret sent: the check would prove nothing"
    for r in stack_run.resources:
        shown = set(leaves(r.inputs)) | set(leaves(r.outputs))
        assert not credentials & shown, f"{r.type} {r.name} shows a credential in plain text"
    assert not credentials & set(leaves(stack_run.outputs))
    assert stack_run.outputs["kubeconfig"] == REDACTED


def test_no_credential_in_any_kubernetes_object_but_a_secret(stack_run):
    """Kubernetes keeps a custom resource, a ConfigMap or Helm values in plain text, whatever Pulumi's state
    does: a credential there is a leak even when Pulumi marked it secret."""
    credentials = {v for v in stack_run.secret_values if len(v) >= 8 and "BEGIN CERTIFICATE" not in v}
    for r in stack_run.resources:
        if r.type.startswith("kubernetes:") and r.type != SECRET_TYPE:
            assert not credentials & set(leaves(r.plain_inputs)), f"{r.type} {r.name} carries a credential"


def test_secret_keys_stay_visible_while_values_are_redacted(stack_run):
    for s in stack_run.of_type(SECRET_TYPE):
        data = s.inputs["stringData"]
        assert data and set(data.values()) == {REDACTED}
        assert set(data) == set(s.plain_inputs["stringData"])


def test_every_secret_reference_in_the_values_exists_with_its_key(stack_run):
    cr = wandb_cr(stack_run)
    namespace = cr.plain_inputs["metadata"]["namespace"]
    created = {
        (s.plain_inputs["metadata"]["name"], key)
        for s in stack_run.of_type(SECRET_TYPE)
        if s.plain_inputs["metadata"]["namespace"] == namespace
        for key in s.plain_inputs["stringData"]
    }
    g = cr.plain_inputs["spec"]["values"]["global"]
    referenced = {
        (g["licenseSecret"]["name"], g["licenseSecret"]["key"]),
        (g["mysql"]["passwordSecret"]["name"], g["mysql"]["passwordSecret"]["passwordKey"]),
        (g["redis"]["secret"]["secretName"], g["redis"]["secret"]["secretKey"]),
    }
    if cr.plain_inputs["spec"]["values"]["mysql"]["install"]:
        referenced.add((g["mysql"]["passwordSecret"]["name"], g["mysql"]["passwordSecret"]["rootPasswordKey"]))
    if "caCertPath" in g["redis"].get("params", {}):
        referenced.add((secret_layout(cr.plain_inputs["metadata"]["name"]).redis_ca_cert.name, "REDIS_CA_CERT"))
    assert referenced <= created, referenced - created
    assert cr.secret_outputs == [] and all(v != REDACTED for v in leaves(cr.inputs))


def test_the_custom_resource_waits_for_the_operator_and_its_secrets(stack_run):
    cr = wandb_cr(stack_run)
    needed = [stack_run.one("kubernetes:helm.sh/v3:Release"), *stack_run.of_type(SECRET_TYPE)]
    assert all(r.urn in cr.dependencies for r in needed)


def test_datastores_and_bucket_do_not_wait_for_the_cluster(stack_run):
    cluster_side = {
        r.urn
        for r in stack_run.resources
        if r.type.startswith(("gcp:container/", "pulumi:providers:kubernetes", "kubernetes:"))
    }
    for typ in (
        "gcp:sql/databaseInstance:DatabaseInstance",
        "gcp:redis/instance:Instance",
        "gcp:storage/bucket:Bucket",
    ):
        for r in stack_run.of_type(typ):
            assert not cluster_side & set(closure(stack_run, r.urn)), f"{r.name} waits for the cluster"


def closure(run, urn):
    seen, todo = set(), [urn]
    while todo:
        for d in run.by_urn(todo.pop()).dependencies:
            if d not in seen:
                seen.add(d)
                todo.append(d)
    return seen


PROD = [s for s in STACK_FILES if stack_config(s)[0].get("wandb-platform:environment", "prod") == "prod"]


@pytest.mark.parametrize("stack", PROD)
def test_production_encrypts_with_customer_managed_keys(stack):
    run = planned(stack)
    keys = {r.id for r in run.of_type("gcp:kms/cryptoKey:CryptoKey")}
    encrypted_with = [
        dig(run.one("gcp:container/cluster:Cluster").plain_inputs, "databaseEncryption", "keyName"),
        *[r.plain_inputs["encryptionKeyName"] for r in run.of_type("gcp:sql/databaseInstance:DatabaseInstance")],
        *[r.plain_inputs["customerManagedKey"] for r in run.of_type("gcp:redis/instance:Instance")],
        *[dig(r.plain_inputs, "encryption", "defaultKmsKeyName") for r in run.of_type("gcp:storage/bucket:Bucket")],
    ]
    assert len(encrypted_with) == 4 and all(k in keys for k in encrypted_with)


@pytest.mark.parametrize("stack", PROD)
def test_production_has_no_public_address_but_the_load_balancer(stack):
    run = planned(stack)
    for sql in run.of_type("gcp:sql/databaseInstance:DatabaseInstance"):
        assert dig(sql.plain_inputs, "settings", "ipConfiguration", "ipv4Enabled") is False
    assert dig(run.one("gcp:container/cluster:Cluster").plain_inputs, "privateClusterConfig", "enablePrivateNodes")
    for redis in run.of_type("gcp:redis/instance:Instance"):
        assert redis.plain_inputs["connectMode"] == "PRIVATE_SERVICE_ACCESS"
    public = [
        a.name
        for a in run.of_type("gcp:compute/globalAddress:GlobalAddress")
        if a.plain_inputs.get("purpose") != "VPC_PEERING"
    ]
    assert public == [f"wandb-{stack}-ingress-ip"]


@pytest.mark.parametrize("stack", PROD)
def test_production_protects_every_stateful_resource(stack):
    run = planned(stack)
    stateful = [r for r in run.resources if r.type in STATEFUL]
    assert len(stateful) >= 6 and all(r.protect for r in stateful)
