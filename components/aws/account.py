"""The AWS account a stack deploys into, read once: partition, account id, region and the deployer's role."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class AwsAccount:
    partition: pulumi.Output[str]
    account_id: pulumi.Output[str]
    region: str
    deployer_arn: pulumi.Output[str]  # the IAM role or user behind the credentials running `pulumi up`

    def managed_policy(self, name: str) -> pulumi.Output[str]:
        """The ARN of the AWS-managed policy `name` (e.g. `AmazonEKSClusterPolicy`) in this partition."""
        return self.partition.apply(lambda p: f"arn:{p}:iam::aws:policy/{name}")


def current_account(region: str, provider: aws.Provider) -> AwsAccount:
    invoke = pulumi.InvokeOptions(provider=provider)
    caller = aws.get_caller_identity_output(opts=invoke)
    session = aws.iam.get_session_context_output(arn=caller.arn, opts=invoke)
    return AwsAccount(
        partition=aws.get_partition_output(opts=invoke).partition,
        account_id=caller.account_id,
        region=region,
        deployer_arn=session.issuer_arn,
    )
