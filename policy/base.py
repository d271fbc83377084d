"""What every rule shares: the properties it reads, how it reads a nested (or CrossGuard-wrapped) value, and the
rule's own shape."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Props = Mapping[str, Any]


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    remediation: str
    check: Callable[[str, Props, bool], list[str]]


def dig(props: Any, *path: str | int) -> Any:
    for step in path:
        if isinstance(props, Mapping):
            props = props.get(step)
        elif isinstance(props, list) and isinstance(step, int) and step < len(props):
            props = props[step]
        else:
            return None
    return getattr(props, "value", props)  # CrossGuard's Secret wraps its value


def is_set(value: Any) -> bool:
    return value not in (None, "", [], {})
