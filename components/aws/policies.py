"""IAM and KMS policy documents as pure functions: each grants one consumer what it uses, on named resources.

They take plain strings and return dicts, so tests read them directly; components feed them resolved Outputs
(`as_json`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

VERSION = "2012-10-17"
KEY_ADMIN_ACTIONS = [
    "kms:Create*",
    "kms:Describe*",
    "kms:Enable*",
    "kms:List*",
    "kms:Put*",
    "kms:Update*",
    "kms:Revoke*",
    "kms:Disable*",
    "kms:Get*",
    "kms:Delete*",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
    "kms:RotateKeyOnDemand",
]  # manage the key, never use it
KEY_USE_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
GRANT_ACTIONS = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]


def document(*statements: dict) -> dict:
    return {"Version": VERSION, "Statement": list(statements)}


def as_json(build: Callable[..., dict], *args: pulumi.Input[Any]) -> pulumi.Output[str]:
    """`build(*resolved args)` as a JSON policy, once every Output argument is known."""
    return pulumi.Output.all(*args).apply(lambda resolved: json.dumps(build(*resolved)))


@dataclass(frozen=True)
class KeyUse:
    """Who may use one key: account principals only through these AWS services (`kms:ViaService`), these
    service principals directly, and these roles directly (services acting through a service-linked role)."""

    via_services: Sequence[str] = ()
    service_principals: Sequence[str] = ()
    roles: Sequence[str] = ()  # role paths in this account, e.g. "aws-service-role/<service>/<name>"
    log_groups: bool = False  # CloudWatch Logs encrypting this account's log groups
    publishers: Sequence[str] = ()  # services (global names, e.g. "aps") publishing to a topic under this key


def key_policy(use: KeyUse, partition: str, account_id: str, region: str) -> dict:
    root = f"arn:{partition}:iam::{account_id}:root"
    statements: list[dict] = [
        {
            "Sid": "AccountAdministersTheKeyWithoutUsingIt",
            "Effect": "Allow",
            "Principal": {"AWS": root},
            "Action": KEY_ADMIN_ACTIONS,
            "Resource": "*",
        }
    ]
    if use.via_services:
        statements.append(
            {
                "Sid": "UseOnlyThroughTheServicesThatStoreData",
                "Effect": "Allow",
                "Principal": {"AWS": root},
                "Action": KEY_USE_ACTIONS + GRANT_ACTIONS,
                "Resource": "*",
                "Condition": {
                    "StringEquals": {
                        "kms:ViaService": [f"{s}.{region}.amazonaws.com" for s in use.via_services],
                        "kms:CallerAccount": account_id,
                    }
                },
            }
        )
    if use.service_principals:
        statement: dict = {
            "Sid": "ServicesEncryptTheirOwnData",
            "Effect": "Allow",
            "Principal": {"Service": [f"{s}.{region}.amazonaws.com" for s in use.service_principals]},
            "Action": KEY_USE_ACTIONS,
            "Resource": "*",
        }
        if use.log_groups:
            log_groups = f"arn:{partition}:logs:{region}:{account_id}:log-group:*"
            statement["Condition"] = {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": log_groups}}
        statements.append(statement)
    if use.publishers:
        statements.append(
            {
                "Sid": "ServicesPublishToTheEncryptedTopic",
                "Effect": "Allow",
                "Principal": {"Service": [f"{s}.amazonaws.com" for s in use.publishers]},
                "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            }
        )
    if use.roles:
        roles = [f"arn:{partition}:iam::{account_id}:role/{r}" for r in use.roles]
        statements += [
            {
                "Sid": "ServiceRolesUseTheKey",
                "Effect": "Allow",
                "Principal": {"AWS": roles},
                "Action": KEY_USE_ACTIONS,
                "Resource": "*",
            },
            {
                "Sid": "ServiceRolesGrantOnlyToAwsResources",
                "Effect": "Allow",
                "Principal": {"AWS": roles},
                "Action": ["kms:CreateGrant"],
                "Resource": "*",
                "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
            },
        ]
    return document(*statements)


def service_trust_policy(*services: str) -> dict:
    """Trust for an AWS service to assume a role (EKS, EC2, RDS monitoring, VPC flow logs)."""
    return document(
        {
            "Effect": "Allow",
            "Principal": {"Service": [f"{s}.amazonaws.com" for s in services]},
            "Action": ["sts:AssumeRole", *(["sts:TagSession"] if "eks" in services else [])],
        }
    )


def irsa_trust_policy(provider_arn: str, issuer_url: str, subjects: Sequence[str]) -> dict:
    """IRSA: only these Kubernetes service accounts (`system:serviceaccount:<ns>:<name>`) assume the role."""
    issuer = issuer_url.removeprefix("https://")
    return document(
        {
            "Effect": "Allow",
            "Principal": {"Federated": provider_arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {f"{issuer}:aud": "sts.amazonaws.com", f"{issuer}:sub": sorted(subjects)}},
        }
    )


def service_account_subject(namespace: str, name: str) -> str:
    return f"system:serviceaccount:{namespace}:{name}"


def bucket_access_policy(bucket_arn: str, key_arn: str | None) -> dict:
    """Read and write objects of one bucket, and use its key; nothing account-wide."""
    statements = [
        {
            "Sid": "ListTheBucket",
            "Effect": "Allow",
            "Action": ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"],
            "Resource": bucket_arn,
        },
        {
            "Sid": "ReadAndWriteObjects",
            "Effect": "Allow",
            "Action": [
                "s3:GetObject",
                "s3:GetObjectVersion",
                "s3:PutObject",
                "s3:DeleteObject",
                "s3:AbortMultipartUpload",
                "s3:ListMultipartUploadParts",
            ],
            "Resource": f"{bucket_arn}/*",
        },
    ]
    if key_arn:
        statements.append({"Sid": "UseTheBucketKey", "Effect": "Allow", "Action": KEY_USE_ACTIONS, "Resource": key_arn})
    return document(*statements)


def tls_only_bucket_policy(bucket_arn: str) -> dict:
    return document(
        {
            "Sid": "DenyRequestsWithoutTls",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [bucket_arn, f"{bucket_arn}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    )


def replication_policy(source_arn: str, replica_arn: str, source_key_arn: str, replica_key_arn: str) -> dict:
    """S3 replicating one bucket into another: read the source's versions and decrypt them with its key, write
    the replica's objects encrypted with the replica's key; nothing else."""
    return document(
        {"Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": source_arn},
        {
            "Effect": "Allow",
            "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
            "Resource": f"{source_arn}/*",
        },
        {
            "Effect": "Allow",
            "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
            "Resource": f"{replica_arn}/*",
        },
        {"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": source_key_arn},
        {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:GenerateDataKey"], "Resource": replica_key_arn},
    )


def key_user_policy(key_arn: str) -> dict:
    """Use one key and grant it to AWS resources only (the EBS CSI driver attaching encrypted volumes)."""
    return document(
        {"Effect": "Allow", "Action": KEY_USE_ACTIONS, "Resource": key_arn},
        {
            "Effect": "Allow",
            "Action": GRANT_ACTIONS,
            "Resource": key_arn,
            "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
        },
    )


def log_delivery_policy(log_group_arn: str) -> dict:
    """VPC flow logs writing into one log group."""
    return document(
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            "Resource": [log_group_arn, f"{log_group_arn}:*"],
        }
    )
