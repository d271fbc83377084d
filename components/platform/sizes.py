"""Size presets: the whole table at a glance (after W&B's own Terraform modules), each value overridable.

A preset sizes what one cloud runs for one W&B size: the node group, the MySQL tier and the Redis capacity.
`resolve_size` applies a stack's `sizeOverrides` on top of the preset it picks; which override keys a target
takes is the set of fields of its preset type.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Literal

from .validation import node_range_problem

Size = Literal["small", "medium", "large", "xlarge", "xxlarge"]


@dataclass(frozen=True)
class ClusterSize:
    """What every cloud's preset sizes. Node counts are for the whole group, across its zones."""

    node_type: str  # GCE machine type, EC2 instance type, Azure VM size
    node_min_count: int
    node_max_count: int
    node_disk_gb: int
    mysql_tier: str  # Cloud SQL tier, Aurora instance class, Flexible Server SKU


@dataclass(frozen=True)
class GcpSize(ClusterSize):
    redis_memory_gb: int


@dataclass(frozen=True)
class AwsSize(ClusterSize):
    redis_node_type: str


@dataclass(frozen=True)
class AzureSize(ClusterSize):
    redis_sku: str  # Azure Managed Redis: <tier>_<size>


GCP_SIZES: dict[str, GcpSize] = {
    #                     machine          min max disk  Cloud SQL tier       Redis GB
    "small": GcpSize("n2-highmem-8", 2, 8, 100, "db-n1-highmem-2", 6),
    "medium": GcpSize("n2-highmem-16", 2, 8, 100, "db-n1-highmem-4", 6),
    "large": GcpSize("n2-highmem-16", 3, 8, 256, "db-n1-highmem-8", 13),
    "xlarge": GcpSize("n2-highmem-16", 3, 8, 256, "db-n1-highmem-16", 13),
    "xxlarge": GcpSize("n2-highmem-16", 3, 8, 256, "db-n1-highmem-32", 26),
}

# W&B's AWS module runs 1-4 nodes per AZ; these are totals for a node group over two or three AZs.
AWS_SIZES: dict[str, AwsSize] = {
    #                     instance      min max  disk  Aurora class      ElastiCache node
    "small": AwsSize("r6i.2xlarge", 2, 8, 100, "db.r6g.large", "cache.m6g.large"),
    "medium": AwsSize("r6i.4xlarge", 3, 12, 100, "db.r6g.xlarge", "cache.m6g.large"),
    "large": AwsSize("r6i.4xlarge", 3, 12, 256, "db.r6g.2xlarge", "cache.m6g.xlarge"),
    "xlarge": AwsSize("r6i.4xlarge", 3, 12, 256, "db.r6g.4xlarge", "cache.m6g.xlarge"),
    "xxlarge": AwsSize("r6i.4xlarge", 3, 12, 256, "db.r6g.8xlarge", "cache.m6g.2xlarge"),
}

# W&B's Azure module runs 1-4 nodes per zone (Standard_E8s_v5 small, E16s_v5 above); these are totals over three
# zones. Its MySQL tiers are memory-optimized E*ds_v4 (Flexible Server's current generation is v5) and its Redis
# the Azure Cache sizes C3 (6 GB), C4 (13 GB) and C5 (26 GB), whose Azure Managed Redis peers are B5, B10, B20.
AZURE_SIZES: dict[str, AzureSize] = {
    #                       VM size            min max  disk  Flexible Server     Managed Redis
    "small": AzureSize("Standard_E8s_v5", 3, 12, 100, "Standard_E2ds_v5", "Balanced_B5"),
    "medium": AzureSize("Standard_E16s_v5", 3, 12, 100, "Standard_E4ds_v5", "Balanced_B5"),
    "large": AzureSize("Standard_E16s_v5", 3, 12, 256, "Standard_E8ds_v5", "Balanced_B10"),
    "xlarge": AzureSize("Standard_E16s_v5", 3, 12, 256, "Standard_E16ds_v5", "Balanced_B10"),
    "xxlarge": AzureSize("Standard_E16s_v5", 3, 12, 256, "Standard_E32ds_v5", "Balanced_B20"),
}

SIZES: dict[str, dict[str, ClusterSize]] = {"gcp": GCP_SIZES, "aws": AWS_SIZES, "azure": AZURE_SIZES}


@dataclass(frozen=True)
class ClickHouseSize:
    replicas: int
    cpu: str
    memory: str

    @property
    def memory_gb(self) -> int:
        return int(self.memory.removesuffix("Gi"))


# A replicated ClickHouse per size (the seed's reference architecture: 3 nodes of 4 vCPU/16 GB at medium, 5+ of
# 8 vCPU/32 GB at large), on any target.
CLICKHOUSE_SIZES: dict[str, ClickHouseSize] = {
    "small": ClickHouseSize(3, "2", "8Gi"),
    "medium": ClickHouseSize(3, "4", "16Gi"),
    "large": ClickHouseSize(5, "8", "32Gi"),
    "xlarge": ClickHouseSize(5, "8", "32Gi"),
    "xxlarge": ClickHouseSize(5, "8", "32Gi"),
}

# Brokers of an in-cluster Kafka, on any target: one for a small (dev) install, three (one broker may fail) above.
KAFKA_BROKERS: dict[str, int] = {"small": 1, "medium": 3, "large": 3, "xlarge": 3, "xxlarge": 3}


# Each Prometheus replica's volume (GB) per size, with `observability.mode: in-cluster`: about two weeks of the
# series W&B and its datastores produce at that scale.
PROMETHEUS_GB: dict[str, int] = {"small": 20, "medium": 50, "large": 100, "xlarge": 200, "xxlarge": 400}


def size_fields(target: str) -> tuple[str, ...]:
    """The override keys (snake_case) a target's preset takes; none for a target that sizes no cloud."""
    table = SIZES.get(target)
    return tuple(f.name for f in fields(next(iter(table.values())))) if table else ()


def resolve_size(target: str, size: str, overrides: dict[str, object]) -> ClusterSize:
    """The target's preset for `size` with each given override applied (keys are the preset's field names)."""
    return replace(SIZES[target][size], **overrides)


def sized(target: str, size: str, overrides: dict[str, object]) -> tuple[ClusterSize | None, list[str]]:
    """The target's preset with `overrides`, or None with the reasons it cannot be resolved."""
    foreign = sorted(set(overrides) - set(size_fields(target)))
    if foreign:
        return None, [
            f"{', '.join(foreign)} not sized by target '{target}' (allowed: {', '.join(size_fields(target))})"
        ]
    if size not in SIZES[target]:
        return None, []  # the size's own check says what is allowed
    resolved = resolve_size(target, size, overrides)
    problem = node_range_problem(resolved.node_min_count, resolved.node_max_count)
    return resolved, [problem] if problem else []
