"""Pure functions behind the AWS components: the subnet layout, the key policies and the ALB annotations."""

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.aws.ingress import alb_annotations
from components.aws.msk import broker_count, first_broker
from components.aws.network import subnet_layout
from components.aws.policies import KeyUse, bucket_access_policy, irsa_trust_policy, key_policy


@given(st.sampled_from(["10.0.0.0/16", "172.20.0.0/18", "192.168.0.0/19"]), st.integers(2, 6))
def test_subnets_fit_the_vpc_without_overlap(vpc, zones):
    layout = subnet_layout(vpc, zones)
    nets = [ipaddress.IPv4Network(c) for tier in layout.values() for c in tier]
    assert all(len(layout[t]) == zones for t in ("public", "private", "database"))
    assert all(n.subnet_of(ipaddress.IPv4Network(vpc)) for n in nets)
    assert not any(a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1 :])
    size = ipaddress.IPv4Network(vpc).num_addresses
    assert all(ipaddress.IPv4Network(c).num_addresses == size // 8 for c in layout["private"])
    assert all(ipaddress.IPv4Network(c).prefixlen <= 27 for c in layout["public"])  # what an ALB needs


def test_subnet_layout_rejects_more_zones_than_it_can_place():
    with pytest.raises(ValueError, match="zones must be 1 to 6"):
        subnet_layout("10.0.0.0/16", 7)


def test_key_policy_lets_the_account_manage_but_use_only_through_the_service():
    doc = key_policy(KeyUse(via_services=["rds"]), "aws", "111122223333", "eu-west-1")
    admin, use = doc["Statement"]
    assert "kms:Decrypt" not in admin["Action"] and "kms:ScheduleKeyDeletion" in admin["Action"]
    assert use["Condition"]["StringEquals"] == {
        "kms:ViaService": ["rds.eu-west-1.amazonaws.com"],
        "kms:CallerAccount": "111122223333",
    }


def test_key_policy_for_service_linked_roles_limits_grants_to_aws_resources():
    doc = key_policy(KeyUse(roles=["aws-service-role/autoscaling.amazonaws.com/X"]), "aws-us-gov", "1", "us-gov-west-1")
    grant = doc["Statement"][-1]
    assert grant["Principal"] == {"AWS": ["arn:aws-us-gov:iam::1:role/aws-service-role/autoscaling.amazonaws.com/X"]}
    assert grant["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}


def test_irsa_trust_names_exact_subjects_and_the_sts_audience():
    doc = irsa_trust_policy(
        "arn:oidc", "https://oidc.example/id/ABC", ["system:serviceaccount:ns:b", "system:serviceaccount:ns:a"]
    )
    cond = doc["Statement"][0]["Condition"]["StringEquals"]
    assert cond == {
        "oidc.example/id/ABC:aud": "sts.amazonaws.com",
        "oidc.example/id/ABC:sub": ["system:serviceaccount:ns:a", "system:serviceaccount:ns:b"],
    }


def test_bucket_policy_without_a_key_grants_no_kms():
    doc = bucket_access_policy("arn:aws:s3:::b", None)
    assert not any(a.startswith("kms:") for s in doc["Statement"] for a in s["Action"])


def test_alb_without_tls_listens_on_http_only_and_never_redirects():
    ann = alb_annotations(
        scheme="internal",
        subnets="subnet-1,subnet-2",
        inbound_cidrs=["10.0.0.0/8"],
        certificate_arn=None,
        load_balancer_name="lb",
    )
    keys = {k.removeprefix("alb.ingress.kubernetes.io/") for k in ann}
    assert ann["alb.ingress.kubernetes.io/listen-ports"] == '[{"HTTP": 80}]'
    assert not keys & {"certificate-arn", "ssl-redirect", "ssl-policy"}
    assert ann["alb.ingress.kubernetes.io/inbound-cidrs"] == "10.0.0.0/8"


def test_msk_spreads_at_least_three_brokers_evenly_and_w_and_b_takes_one_host():
    assert [broker_count(z) for z in (1, 2, 3, 4)] == [3, 4, 3, 4]
    assert first_broker("b-1.x.kafka.aws:9092,b-2.x.kafka.aws:9092") == "b-1.x.kafka.aws"
