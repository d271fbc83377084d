"""ClickHouse Cloud, the managed service, reached by W&B only through a private endpoint of the platform's
network (GCP Private Service Connect, an AWS interface VPC endpoint): the service and its attachment here, the
endpoint in each cloud's package."""
