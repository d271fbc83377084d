"""Size presets: the whole table at a glance (shared/WANDB_CONTRACT.md section 5), each value overridable.

A preset sizes what one cloud runs for one W&B size: the node pool, the MySQL tier and the Redis memory.
`resolve_gcp_size` applies a stack's `sizeOverrides` on top of the preset it picks.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Size = Literal["small", "medium", "large", "xlarge", "xxlarge"]


@dataclass(frozen=True)
class GcpSize:
    node_machine_type: str
    node_min_count: int  # whole pool, across the region's zones
    node_max_count: int
    node_disk_gb: int
    mysql_tier: str
    redis_memory_gb: int


GCP_SIZES: dict[str, GcpSize] = {
    #                     machine          min max disk  Cloud SQL tier       Redis GB
    "small": GcpSize("n2-highmem-8", 2, 8, 100, "db-n1-highmem-2", 6),
    "medium": GcpSize("n2-highmem-16", 2, 8, 100, "db-n1-highmem-4", 6),
    "large": GcpSize("n2-highmem-16", 3, 8, 256, "db-n1-highmem-8", 13),
    "xlarge": GcpSize("n2-highmem-16", 3, 8, 256, "db-n1-highmem-16", 13),
    "xxlarge": GcpSize("n2-highmem-16", 3, 8, 256, "db-n1-highmem-32", 26),
}


def resolve_gcp_size(size: str, overrides: dict[str, object]) -> GcpSize:
    """The preset for `size` with each given override applied (keys are GcpSize field names)."""
    return replace(GCP_SIZES[size], **overrides)
