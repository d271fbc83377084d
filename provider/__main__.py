"""wandb-platform as a Pulumi component package, for TypeScript, Go, C#, Java and YAML programs:
`pulumi package add <this repository>`. Pulumi infers the schema from the components' typed arguments.

The whole-platform components, and W&B alone on any cluster (`ExistingClusterWandb`, given the cluster's
Kubernetes provider through the resource options).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the library is `components/` in the repository (installed: `wandb_platform`)

from pulumi.provider.experimental import component_provider_host  # noqa: E402

from components.platform.aws import AwsWandbPlatform  # noqa: E402
from components.platform.azure import AzureWandbPlatform  # noqa: E402
from components.platform.existing import ExistingClusterWandb  # noqa: E402
from components.platform.gcp import GcpWandbPlatform  # noqa: E402

NAME = "wandb-platform"
COMPONENTS = [GcpWandbPlatform, AwsWandbPlatform, AzureWandbPlatform, ExistingClusterWandb]


def version() -> str:
    return (ROOT / "VERSION").read_text().strip()


if __name__ == "__main__":
    component_provider_host(components=COMPONENTS, name=NAME, version=version())
