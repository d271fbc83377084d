"""HashiCorp Vault as the home of W&B's credentials: what this program configures in a Vault (mounts, auth,
policy, entries, MySQL password rotation). The cluster's half, syncing them into Secrets, is in `k8s`."""
