"""ClickHouse Cloud for a cloud target: one service in the target's cloud and region, sized by the preset (the
replicated ClickHouse's replicas and memory), which the target reaches through a private endpoint of its own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from ..clickhouse_cloud.service import ClickHouseCloudArgs, ClickHouseCloudService
from .args import ClickHouseArgs, WandbArgs
from .sizes import CLICKHOUSE_SIZES
from .validation import clickhouse_cloud_memory_problem


def cloud_memory(size: str, clickhouse: ClickHouseArgs) -> tuple[int, int]:
    """Each replica's least and most memory: the size's, and twice that to autoscale into, unless given."""
    least = clickhouse.min_memory_gb or CLICKHOUSE_SIZES[size].memory_gb
    return least, clickhouse.max_memory_gb or 2 * least


def memory_problems(wandb: WandbArgs, clickhouse: ClickHouseArgs) -> list[tuple[str, str | None]]:
    if clickhouse.mode != "cloud" or wandb.size not in CLICKHOUSE_SIZES:
        return []  # the size's own check says what is allowed
    return [("clickhouse.memory_gb", clickhouse_cloud_memory_problem(*cloud_memory(wandb.size, clickhouse)))]


def clickhouse_cloud_service(
    name: str,
    platform: Any,
    *,
    cloud_provider: str,
    service_name: str,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
) -> ClickHouseCloudService:
    """The service for a platform's arguments (`wandb`, `clickhouse`, `region`, `protect`) in its cloud."""
    wandb, clickhouse = platform.wandb, platform.clickhouse
    least, most = cloud_memory(wandb.size, clickhouse)
    return ClickHouseCloudService(
        f"{name}-clickhouse",
        ClickHouseCloudArgs(
            organization_id=clickhouse.organization_id,
            api_key_id=clickhouse.api_key_id,
            api_key_secret=clickhouse.api_key_secret,
            cloud_provider=cloud_provider,
            region=platform.region,
            service_name=service_name,
            replicas=clickhouse.replicas or CLICKHOUSE_SIZES[wandb.size].replicas,
            min_memory_gb=least,
            max_memory_gb=most,
            protect=platform.protect,
            tags=tags,
        ),
        opts,
    )
