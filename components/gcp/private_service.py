"""Arguments every Google-managed datastore peered into the VPC shares (Cloud SQL, Memorystore)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi


@dataclass(kw_only=True)
class PrivateServiceArgs:
    project: str
    region: str
    network_id: pulumi.Input[str]  # reached over private service access only
    kms_key_id: pulumi.Input[str]
    high_availability: bool = True
    deletion_protection: bool = True
    labels: Mapping[str, str] = field(default_factory=dict)
    depends_on: Sequence[pulumi.Resource] = ()  # private service access, the key grant, the service's API
