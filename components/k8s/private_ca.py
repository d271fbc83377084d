"""A private CA made with pulumi-tls and the one server certificate it signs, kept in a `kubernetes.io/tls`
Secret of the server's namespace: what the in-cluster ClickHouse and Vault serve TLS with. The CA's
certificate is public (clients are handed it to trust); its key and the server's key stay secret."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_kubernetes as k8s
import pulumi_tls as tls

from .namespace import MANAGED_BY

SERVER_USES = ["digital_signature", "key_encipherment", "server_auth"]


def private_tls(
    name: str,
    *,
    ca_name: str,
    common_name: str,
    dns_names: pulumi.Input[Sequence[str]],
    namespace: pulumi.Input[str],
    secret_name: str,
    ip_addresses: Sequence[str] = (),
    client_auth: bool = False,
    include_ca: bool = False,
    opts: pulumi.ResourceOptions,
) -> tuple[pulumi.Output[str], k8s.core.v1.Secret]:
    """The CA's certificate, and the Secret holding the server's certificate and key (and the CA's certificate
    as `ca.crt` with `include_ca`, for peers that verify each other). A year's certificate, renewed a month
    early by the next `pulumi up`; a ten-year CA."""
    ca_key = tls.PrivateKey(f"{name}-ca-key", algorithm="ECDSA", ecdsa_curve="P256", opts=opts)
    ca = tls.SelfSignedCert(
        f"{name}-ca",
        private_key_pem=ca_key.private_key_pem,
        is_ca_certificate=True,
        validity_period_hours=10 * 365 * 24,
        early_renewal_hours=365 * 24,
        allowed_uses=["cert_signing", "crl_signing"],
        subject={"common_name": ca_name, "organization": "wandb-platform"},
        opts=opts,
    )
    key = tls.PrivateKey(f"{name}-key", algorithm="ECDSA", ecdsa_curve="P256", opts=opts)
    request = tls.CertRequest(
        f"{name}-request",
        private_key_pem=key.private_key_pem,
        subject={"common_name": common_name, "organization": "wandb-platform"},
        dns_names=dns_names,
        ip_addresses=list(ip_addresses) or None,
        opts=opts,
    )
    cert = tls.LocallySignedCert(
        f"{name}-cert",
        cert_request_pem=request.cert_request_pem,
        ca_private_key_pem=ca_key.private_key_pem,
        ca_cert_pem=ca.cert_pem,
        validity_period_hours=365 * 24,
        early_renewal_hours=30 * 24,
        allowed_uses=SERVER_USES + (["client_auth"] if client_auth else []),
        opts=opts,
    )
    data = {"tls.crt": cert.cert_pem, "tls.key": pulumi.Output.secret(key.private_key_pem)}
    if include_ca:
        data["ca.crt"] = ca.cert_pem
    secret = k8s.core.v1.Secret(
        f"{name}-tls",
        metadata={"name": secret_name, "namespace": namespace, "labels": MANAGED_BY},
        type="kubernetes.io/tls",
        string_data=data,
        opts=opts,
    )
    return ca.cert_pem, secret
