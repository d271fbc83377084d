"""The whole W&B platform as one component per target: `gcp.GcpWandbPlatform`, `aws.AwsWandbPlatform`,
`azure.AzureWandbPlatform` and `existing.ExistingClusterWandb`, with the arguments they share in `args` and
their checks in `validation`."""
