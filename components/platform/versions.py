"""Versions the platform starts from, in one place that imports no cloud SDK (the config loader reads it)."""

# The engine version each MySQL version starts from on Aurora; AWS then applies minor upgrades itself.
# 8.4.mysql_aurora.8.4.12: the newest Aurora MySQL 8.4 release in AWS's release notes (December 2026).
AURORA_VERSIONS = {"8.4": "8.4.mysql_aurora.8.4.12", "8.0": "8.0.mysql_aurora.3.10.4"}

# The Cluster Autoscaler image of each Kubernetes minor EKS runs here: its newest release of that minor
# (kubernetes/autoscaler tags cluster-autoscaler-1.N.P); the autoscaler must match the cluster's minor.
CLUSTER_AUTOSCALER_IMAGES = {"1.34": "v1.34.5", "1.35": "v1.35.2", "1.36": "v1.36.1"}
