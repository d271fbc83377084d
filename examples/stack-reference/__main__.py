"""W&B on a Kubernetes cluster that another stack owns (a platform team's `infra` stack): this program reads
that stack's kubeconfig (a secret) and OIDC issuer through a StackReference, hands the cluster to
`ExistingClusterWandb` as its Kubernetes provider (with Weave traces in a replicated ClickHouse run by the
Altinity operator on that cluster), and gives a training team a namespace whose jobs find W&B."""

import pulumi
import pulumi_kubernetes as k8s
from wandb_platform.platform.args import ClickHouseArgs, IngressArgs, WandbArgs
from wandb_platform.platform.existing import ExistingClusterWandb, ExistingClusterWandbArgs

config = pulumi.Config()
infra = pulumi.StackReference(config.require("infraStack"))  # e.g. my-org/infra/prod
cluster = k8s.Provider("shared-cluster", kubeconfig=infra.require_output("kubeconfig"))

wandb = ExistingClusterWandb(
    "wandb",
    ExistingClusterWandbArgs(
        wandb=WandbArgs(host=config.require("host"), license=config.require_secret("license")),
        ingress=IngressArgs(tls=True),
        ingress_class=config.get("ingressClass") or "nginx",
        tls_secret_name=config.require("tlsSecretName"),  # e.g. made by the cluster's cert-manager
        oidc_issuer=infra.require_output("oidcIssuer"),
        # Keeper of 3 and 3 replicas, TLS on 8443; volumes on the class your cluster encrypts with your key
        clickhouse=ClickHouseArgs(mode="replicated", storage_class=config.get("encryptedStorageClass") or ""),
    ),
    pulumi.ResourceOptions(providers=[cluster]),
)

team = config.require("team")
namespace = k8s.core.v1.Namespace(
    "training",
    metadata={"name": f"{team}-training", "labels": {"team": team, "pod-security.kubernetes.io/enforce": "baseline"}},
    opts=pulumi.ResourceOptions(provider=cluster),
)
k8s.core.v1.ConfigMap(
    "wandb",
    metadata={"name": "wandb", "namespace": namespace.metadata.name},
    data={"WANDB_BASE_URL": wandb.url},
    opts=pulumi.ResourceOptions(provider=cluster),
)

pulumi.export("url", wandb.url)
pulumi.export("trainingNamespace", namespace.metadata.name)
