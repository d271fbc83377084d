"""wandb-platform's reusable library: ComponentResources for the W&B platform on GCP, AWS or any cluster.

Installed (`pip install wandb-platform`, or from a clone) this folder is the package `wandb_platform`:
`wandb_platform.gcp`, `wandb_platform.aws`, `wandb_platform.k8s`, `wandb_platform.contracts`. In the repository
it is `components`, which the Pulumi program and the tests import. Imports inside it are relative, so both
names work.
"""
