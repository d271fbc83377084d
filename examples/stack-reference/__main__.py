"""A team's program on the W&B platform's cluster: it reads the W&B stack's outputs through a StackReference
and gives the team a namespace whose training jobs find W&B (its URL in a ConfigMap, the team's API key in a
Secret)."""

import pulumi
import pulumi_kubernetes as k8s

config = pulumi.Config()
team = config.require("team")
wandb = pulumi.StackReference(config.require("wandbStack"))  # e.g. my-org/wandb-platform/prod

cluster = k8s.Provider("wandb-cluster", kubeconfig=wandb.require_output("kubeconfig"))
labels = {"team": team, "app.kubernetes.io/managed-by": "pulumi"}
namespace = k8s.core.v1.Namespace(
    "training",
    metadata={"name": f"{team}-training", "labels": {**labels, "pod-security.kubernetes.io/enforce": "baseline"}},
    opts=pulumi.ResourceOptions(provider=cluster),
)
k8s.core.v1.ConfigMap(
    "wandb",
    metadata={"name": "wandb", "namespace": namespace.metadata.name, "labels": labels},
    data={"WANDB_BASE_URL": wandb.require_output("url")},
    opts=pulumi.ResourceOptions(provider=cluster),
)
k8s.core.v1.Secret(
    "wandb-api-key",
    metadata={"name": "wandb-api-key", "namespace": namespace.metadata.name, "labels": labels},
    string_data={"WANDB_API_KEY": config.require_secret("wandbApiKey")},
    opts=pulumi.ResourceOptions(provider=cluster),
)

pulumi.export("namespace", namespace.metadata.name)
pulumi.export("wandbUrl", wandb.require_output("url"))
