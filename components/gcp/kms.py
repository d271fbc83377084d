"""Customer-managed keys: one key ring, one key per consumer, each trusted only by the agents that use it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

TOKEN = "wandb-platform:index:GcpKms"
ENCRYPTER_DECRYPTER = "roles/cloudkms.cryptoKeyEncrypterDecrypter"


@dataclass
class KmsArgs:
    project: str
    location: str
    # key name -> IAM members (service agents) allowed to encrypt and decrypt with it
    keys: Mapping[str, Sequence[pulumi.Input[str]]]
    rotation_days: int = 90
    protect: bool = True
    labels: Mapping[str, str] = field(default_factory=dict)
    depends_on: Sequence[pulumi.Resource] = ()


class GcpKms(pulumi.ComponentResource):
    """`key_id(k)` is the key's resource id; `ready(k)` are the grants a consumer must wait for, since a
    service refuses to use a key its agent cannot yet reach."""

    def __init__(self, name: str, args: KmsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        stateful = pulumi.ResourceOptions(parent=self, protect=args.protect)
        ring = gcp.kms.KeyRing(
            f"{name}-ring",
            project=args.project,
            location=args.location,
            opts=pulumi.ResourceOptions.merge(stateful, pulumi.ResourceOptions(depends_on=list(args.depends_on))),
        )
        self.keys: dict[str, gcp.kms.CryptoKey] = {}
        self.grants: dict[str, list[gcp.kms.CryptoKeyIAMMember]] = {}
        for key, members in args.keys.items():
            crypto_key = gcp.kms.CryptoKey(
                f"{name}-{key}",
                key_ring=ring.id,
                purpose="ENCRYPT_DECRYPT",
                rotation_period=f"{args.rotation_days * 86400}s",
                version_template=gcp.kms.CryptoKeyVersionTemplateArgs(
                    algorithm="GOOGLE_SYMMETRIC_ENCRYPTION", protection_level="SOFTWARE"
                ),
                labels=dict(args.labels),
                opts=stateful,
            )
            self.keys[key] = crypto_key
            self.grants[key] = [
                gcp.kms.CryptoKeyIAMMember(
                    f"{name}-{key}-agent-{i}",
                    crypto_key_id=crypto_key.id,
                    role=ENCRYPTER_DECRYPTER,
                    member=member,
                    opts=pulumi.ResourceOptions(parent=self),
                )
                for i, member in enumerate(members)
            ]
        self.key_ring = ring
        self.register_outputs({"keyRing": ring.id, **{f"{k}Key": v.id for k, v in self.keys.items()}})

    def key_id(self, key: str) -> pulumi.Output[str]:
        return self.keys[key].id

    def ready(self, key: str) -> list[pulumi.Resource]:
        return list(self.grants[key])
