"""One Prometheus alerting rule, written the same way by every module that alerts."""

from __future__ import annotations

from typing import Any


def alert(name: str, expr: str, severity: str, summary: str, wait: str = "") -> dict[str, Any]:
    """One alerting rule: firing once `expr` has held for `wait` (at once when empty)."""
    rule: dict[str, Any] = {"alert": name, "expr": expr, "labels": {"severity": severity}}
    if wait:
        rule["for"] = wait
    return {**rule, "annotations": {"summary": summary}}
