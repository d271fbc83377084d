"""What a change does to an offline plan: resources added, removed, and changed with the input paths that
changed. Pure functions over two plan JSON documents (docs/architecture.md, "The offline plan"); secrets
stay `"[secret]"` because the plans never held them.

    python -m stacks.plan diff OLD.json NEW.json [--markdown]
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

MAX_VALUE = 80  # longer values are cut in the report, with their length
MAX_PATHS = 20  # per resource; the rest are counted


@dataclass(frozen=True)
class Change:
    path: str
    old: Any
    new: Any


@dataclass
class PlanDiff:
    stack: str
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[tuple[dict, list[Change]]] = field(default_factory=list)
    outputs: list[Change] = field(default_factory=list)
    counts: tuple[int, int] = (0, 0)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.outputs)


class _Missing:
    def __repr__(self) -> str:
        return "(none)"


MISSING = _Missing()


def _key(resource: dict) -> str:
    """A resource's identity across two plans: its URN without the stack, so plans of renamed stacks compare."""
    return re.sub(r"^urn:pulumi:[^:]*::", "", resource["urn"])


def changes(old: Any, new: Any, path: str = "") -> list[Change]:
    """The leaf paths where `new` differs from `old` (`a.b[2].c`), each with both values."""
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for k in sorted(set(old) | set(new)):
            found += changes(old.get(k, MISSING), new.get(k, MISSING), f"{path}.{k}" if path else k)
        return found
    if isinstance(old, list) and isinstance(new, list):
        found = []
        for i in range(max(len(old), len(new))):
            found += changes(old[i] if i < len(old) else MISSING, new[i] if i < len(new) else MISSING, f"{path}[{i}]")
        return found
    return [] if old == new else [Change(path, old, new)]


def _compared(resource: dict) -> dict:
    """What a change to a resource consists of: its inputs, protection and provider."""
    return {"inputs": resource.get("inputs", {}), "protect": resource.get("protect"), "provider": resource["provider"]}


def diff_plans(old: dict, new: dict) -> PlanDiff:
    before = {_key(r): r for r in old["resources"]}
    after = {_key(r): r for r in new["resources"]}
    result = PlanDiff(stack=new.get("stack", ""), counts=(len(before), len(after)))
    result.added = [after[k] for k in after if k not in before]
    result.removed = [before[k] for k in before if k not in after]
    for k in after:
        if k in before:
            found = changes(_compared(before[k]), _compared(after[k]))
            if found:
                result.changed.append((after[k], [Change(c.path.removeprefix("inputs."), c.old, c.new) for c in found]))
    result.outputs = changes(old.get("outputs", {}), new.get("outputs", {}))
    return result


def _shown(value: Any) -> str:
    text = repr(value) if value is MISSING else json.dumps(value, sort_keys=True)
    return text if len(text) <= MAX_VALUE else f"{text[: MAX_VALUE - 1]}… ({len(text)} chars)"


def _summary(d: PlanDiff) -> str:
    if d.empty:
        return f"no changes ({d.counts[1]} resources)"
    parts = [f"{len(d.added)} to add", f"{len(d.removed)} to remove", f"{len(d.changed)} to change"]
    if d.outputs:
        parts.append(f"{len(d.outputs)} outputs changed")
    return f"{', '.join(parts)} ({d.counts[0]} → {d.counts[1]} resources)"


def _limited(found: list[Change]) -> tuple[list[Change], int]:
    return found[:MAX_PATHS], max(0, len(found) - MAX_PATHS)


def render_text(d: PlanDiff) -> str:
    lines = [f"plan diff of stack {d.stack}: {_summary(d)}"]
    lines += [f"+ {r['type']}  {r['name']}" for r in d.added]
    lines += [f"- {r['type']}  {r['name']}" for r in d.removed]
    for r, found in d.changed:
        lines.append(f"~ {r['type']}  {r['name']}")
        shown, more = _limited(found)
        lines += [f"    {c.path}: {_shown(c.old)} → {_shown(c.new)}" for c in shown]
        lines += [f"    … and {more} more"] if more else []
    lines += [f"~ output {c.path}: {_shown(c.old)} → {_shown(c.new)}" for c in d.outputs]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


def render_markdown(d: PlanDiff) -> str:
    """A pull-request comment: a summary line, then one table row per resource or output that changes."""
    lines = [f"#### Offline plan: `{d.stack}`", "", f"**{_summary(d)}**"]
    if d.empty:
        return "\n".join(lines)
    lines += ["", "| | Resource | Type | What changes |", "|---|---|---|---|"]
    lines += [f"| + | {_cell(r['name'])} | {_cell(r['type'])} | added |" for r in d.added]
    lines += [f"| − | {_cell(r['name'])} | {_cell(r['type'])} | removed |" for r in d.removed]
    for r, found in d.changed:
        shown, more = _limited(found)
        what = "<br>".join(f"{_cell(c.path)}: {_cell(_shown(c.old))} → {_cell(_shown(c.new))}" for c in shown)
        what += f"<br>… and {more} more" if more else ""
        lines.append(f"| ~ | {_cell(r['name'])} | {_cell(r['type'])} | {what} |")
    lines += [f"| ~ | output {_cell(c.path)} | | {_cell(_shown(c.old))} → {_cell(_shown(c.new))} |" for c in d.outputs]
    return "\n".join(lines)
