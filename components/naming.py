"""Names that clouds constrain, derived from a stack prefix by pure functions."""

from __future__ import annotations

import hashlib
import re


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
    digest = hashlib.sha256(name.encode()).hexdigest()[:6]
    keep = max_length - len(suffix) - len(digest) - 2
    return f"{name[:keep].rstrip('-')}-{digest}-{suffix}" if keep > 0 else f"w-{digest}"[:max_length]
