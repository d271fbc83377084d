"""Names: the logical names Pulumi tracks, and the physical names clouds constrain, by pure functions.

Logical names (what `pulumi` keys state on) never contain the stack, so `pulumi stack rename` changes none of
them. Physical names (a service account id, an EKS cluster, a KMS alias) must be unique per project or
account, so they carry the stack, normalized to what every cloud accepts.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

STACK_SLUG_MAX = 20  # leaves room for `<instance>-<stack>-<suffix>` in the shortest cloud names


def _digest(text: str, length: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def bounded_name(prefix: str, suffix: str, max_length: int) -> str:
    """`<prefix>-<suffix>` cut to `max_length`, with a short hash when cut so that names stay distinct.

    Lowercase letters, digits and hyphens only, starting with a letter: what GCP service account ids,
    Cloud SQL and Memorystore names (and most cloud names) accept.
    """
    name = re.sub(r"[^a-z0-9-]+", "-", f"{prefix}-{suffix}".lower()).strip("-")
    if not name[:1].isalpha():
        name = f"w-{name}"
    if len(name) <= max_length:
        return name
    digest = _digest(name, 6)
    keep = max_length - len(suffix) - len(digest) - 2
    return f"{name[:keep].rstrip('-')}-{digest}-{suffix}" if keep > 0 else f"w-{digest}"[:max_length]


def compact_name(prefix: str, suffix: str, max_length: int) -> str:
    """`bounded_name` without hyphens: lowercase letters and digits only, as Azure storage accounts take."""
    name = bounded_name(prefix, suffix, max_length + 8).replace("-", "")
    if len(name) <= max_length:
        return name
    digest = _digest(name, 6)
    return f"{name[: max_length - len(suffix) - len(digest)]}{digest}{suffix}"


def digest(text: str, length: int = 6) -> str:
    """A short, stable hash: a suffix that keeps names which must be unique across a cloud's customers apart."""
    return _digest(text, length)


def stack_slug(stack: str) -> str:
    """The stack name as it appears in physical names: itself when it is lowercase letters, digits and inner
    hyphens of at most STACK_SLUG_MAX characters; otherwise normalized, with a short hash of the original so
    that two stacks (`Prod_EU`, `prod-eu`) never share physical names."""
    if re.fullmatch(rf"[a-z0-9](?:[a-z0-9-]{{0,{STACK_SLUG_MAX - 2}}}[a-z0-9])?", stack):
        return stack
    digest = _digest(stack, 4)
    readable = re.sub(r"[^a-z0-9]+", "-", stack.lower()).strip("-")[: STACK_SLUG_MAX - len(digest) - 1].strip("-")
    return f"{readable}-{digest}" if readable else f"s-{digest}"


def normalized_stack_note(stack: str) -> str | None:
    """What to tell the user when the stack's name could not be used in cloud names as it is."""
    slug = stack_slug(stack)
    return None if slug == stack else f"stack '{stack}' appears as '{slug}' in cloud names"


@dataclass(frozen=True)
class StackNames:
    """`logical` prefixes every Pulumi resource name; `physical` prefixes cloud names that must be unique."""

    logical: str  # the W&B instance name: stable across stack renames
    physical: str  # `<instance>-<stack slug>`

    @classmethod
    def of(cls, instance_name: str, stack: str, physical: str = "") -> StackNames:
        """`physical` pins the cloud-name prefix, e.g. to keep a renamed stack's cloud names."""
        return cls(logical=instance_name, physical=physical or f"{instance_name}-{stack_slug(stack)}")

    def cloud(self, suffix: str, max_length: int) -> str:
        """A physical name for one resource, within the cloud's length limit."""
        return bounded_name(self.physical, suffix, max_length)
