"""Kubeconfigs for the clusters this project creates: the deployer's own cloud credentials, via an exec plugin."""

from __future__ import annotations

from collections.abc import Sequence

import yaml

EXEC_API = "client.authentication.k8s.io/v1beta1"


def exec_kubeconfig(
    cluster_name: str, server: str, ca_data: str, command: str, args: Sequence[str] = (), install_hint: str = ""
) -> str:
    """One cluster, one context, one user whose token comes from running `command args...`."""
    user: dict = {"apiVersion": EXEC_API, "command": command, "args": list(args), "interactiveMode": "Never"}
    if install_hint:
        user["installHint"] = install_hint
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": cluster_name, "cluster": {"server": server, "certificate-authority-data": ca_data}}],
        "contexts": [{"name": cluster_name, "context": {"cluster": cluster_name, "user": cluster_name}}],
        "current-context": cluster_name,
        "users": [{"name": cluster_name, "user": {"exec": user}}],
    }
    return yaml.safe_dump(config, sort_keys=False)
