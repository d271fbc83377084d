"""Offline plan: `python -m stacks.plan --stack <name> [--json <path>]`.

Runs the real program for `Pulumi.<name>.yaml` under Pulumi's mocks (no cloud account, no Pulumi CLI),
prints the resource tree and optionally writes the JSON described in shared/DESIGN.md. Secret config values a
stack file cannot hold (its `secure:` ciphertexts, and a license not set) are replaced by placeholders.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from stacks.config import PROJECT
from stacks.offline import ROOT, Run, run_program

REQUIRED_SECRETS = {f"{PROJECT}:license": "offline-plan-license-placeholder"}


class PlanError(Exception):
    """The stack cannot be planned; the message says why."""


def _placeholders(value: Any, path: str) -> tuple[Any, bool]:
    """Replace `secure:` ciphertexts (anywhere in a value) by placeholders; say whether any was found."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return f"offline-placeholder-{path.replace(':', '-').replace('.', '-')}", True
        found = False
        out = {}
        for k, v in value.items():
            out[k], inner = _placeholders(v, f"{path}.{k}")
            found |= inner
        return out, found
    if isinstance(value, list):
        pairs = [_placeholders(v, f"{path}.{i}") for i, v in enumerate(value)]
        return [p[0] for p in pairs], any(p[1] for p in pairs)
    return value, False


def stack_config(stack: str, root: Path = ROOT) -> tuple[dict[str, Any], tuple[str, ...]]:
    """A stack file's config, with placeholders for secrets, and the keys that are secret."""
    path = root / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        known = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in root.glob("Pulumi.*.yaml"))
        raise PlanError(f"no stack file {path.name}; committed stacks: {', '.join(known)}")
    try:
        document = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise PlanError(f"{path.name} is not valid YAML: {exc}") from None
    raw = document.get("config") or {}
    if not isinstance(raw, dict):
        raise PlanError(f"{path.name}: 'config' must be a mapping of keys to values")
    config: dict[str, Any] = {}
    secret_keys = []
    for key, value in raw.items():
        full_key = key if ":" in key else f"{PROJECT}:{key}"
        config[full_key], secret = _placeholders(value, full_key)
        if secret:
            secret_keys.append(full_key)
    for key, placeholder in REQUIRED_SECRETS.items():
        if key not in config:
            config[key] = placeholder
            secret_keys.append(key)
    return config, tuple(secret_keys)


def plan_json(run: Run) -> dict[str, Any]:
    return {
        "project": PROJECT,
        "stack": run.stack,
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "parent": r.parent,
                "provider": r.provider,
                "dependencies": r.dependencies,
                "inputs": r.inputs,
                "protect": r.protect,
                "id": r.id,
                "outputs": r.outputs,
            }
            for r in run.resources
        ],
        "outputs": run.outputs,
    }


def tree(run: Run) -> str:
    children: dict[Any, list] = {}
    for r in run.resources:
        children.setdefault(r.parent, []).append(r)
    lines: list[str] = []

    def walk(parent: Any, depth: int) -> None:
        for r in children.get(parent, []):
            flags = " [protect]" if r.protect else ""
            lines.append(f"{'  ' * depth}{r.type}  {r.name}{flags}")
            walk(r.urn, depth + 1)

    walk(None, 0)
    return "\n".join(lines)


def plan(stack: str, root: Path = ROOT) -> Run:
    """Raises PlanError for a missing stack file or an invalid configuration."""
    import pulumi

    config, secret_keys = stack_config(stack, root)
    try:
        return run_program(stack, config, secret_keys)
    except pulumi.RunError as exc:
        raise PlanError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stacks.plan", description=__doc__.splitlines()[0])
    parser.add_argument("--stack", required=True, help="stack name: plans Pulumi.<stack>.yaml")
    parser.add_argument("--json", metavar="PATH", help="also write the plan as JSON to PATH")
    parser.add_argument("--dir", type=Path, default=ROOT, help="folder holding Pulumi.<stack>.yaml (default: project)")
    args = parser.parse_args(argv)
    try:
        run = plan(args.stack, args.dir)
    except PlanError as exc:
        print(f"stack {args.stack}: {exc}", file=sys.stderr)
        return 2
    print(tree(run))
    print(f"\n{len(run.resources)} resources; outputs: {json.dumps(run.outputs, sort_keys=True)}")
    if args.json:
        Path(args.json).write_text(json.dumps(plan_json(run), indent=2, sort_keys=False) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
