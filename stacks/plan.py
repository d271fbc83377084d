"""Offline plan: `python -m stacks.plan --stack <name> [--json <path>] [--wandb-values <path>] [--recovery]
[--images]`;
`python -m stacks.plan diff OLD NEW`.

Runs the real program for `Pulumi.<name>.yaml` under Pulumi's mocks (no cloud account, no Pulumi CLI),
prints the resource tree and optionally writes the JSON described in docs/architecture.md. Secret config values
a stack file cannot hold (its `secure:` ciphertexts, and a license not set) are replaced by placeholders. The same
inputs always give the same bytes, so two plans can be diffed.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from components.naming import normalized_stack_note
from stacks import plandiff
from stacks.config import PROJECT
from stacks.images import images
from stacks.images import render as render_images
from stacks.offline import ROOT, Run, run_program
from stacks.recovery import render, report

REQUIRED_SECRETS = {f"{PROJECT}:license": "offline-plan-license-placeholder"}


class PlanError(Exception):
    """The stack cannot be planned; the message says why."""


@dataclass(frozen=True)
class StackFile:
    """A stack file's config as the program receives it, with placeholders where the plan cannot know a secret."""

    config: dict[str, Any]
    secret_keys: tuple[str, ...]  # what Pulumi would tell the program: keys holding a secret
    encrypted: tuple[str, ...]  # keys whose `secure:` values are planned with placeholders
    unset: tuple[str, ...]  # required secrets the file does not set (the license), planned with placeholders


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


def _non_string_keys(value: Any, path: str) -> list[str]:
    """Problems with mapping keys that YAML read as something other than text (`1:`, `true:`, `null:`)."""
    problems = []
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str):
                problems += _non_string_keys(v, f"{path}.{k}")
            else:
                problems.append(f"{path}: the key {k!r} is not text (YAML read a {type(k).__name__}); quote it")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            problems += _non_string_keys(v, f"{path}[{i}]")
    return problems


def _read(path: Path) -> dict[str, Any]:
    """The `config:` mapping of a stack file, or a PlanError that says what is wrong with its shape."""
    try:
        document = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise PlanError(f"{path.name} is not valid YAML: {exc}") from None
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise PlanError(f"{path.name}: must be a mapping with a 'config:' key (got {type(document).__name__})")
    if "config" not in document and any(isinstance(k, str) and ":" in k for k in document):
        raise PlanError(f"{path.name}: config keys must be indented under a top-level 'config:' key")
    raw = document.get("config") or {}
    if not isinstance(raw, dict):
        raise PlanError(f"{path.name}: 'config' must be a mapping of keys to values")
    problems = _non_string_keys(raw, "config")
    if problems:
        raise PlanError(f"{path.name}:\n" + "\n".join(f"  - {p}" for p in problems))
    return raw


def stack_config(stack: str, root: Path = ROOT) -> StackFile:
    """A stack file's config, with placeholders for secrets, and the keys that are secret."""
    path = root / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        known = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in root.glob("Pulumi.*.yaml"))
        raise PlanError(f"no stack file {path.name}; committed stacks: {', '.join(known)}")
    config: dict[str, Any] = {}
    encrypted = []
    for key, value in _read(path).items():
        full_key = key if ":" in key else f"{PROJECT}:{key}"
        config[full_key], secret = _placeholders(value, full_key)
        if secret:
            encrypted.append(full_key)
    wandb_role = config.get(f"{PROJECT}:stackRole") == "wandb"  # it reads W&B's credentials from its platform
    unset = [key for key in REQUIRED_SECRETS if key not in config and not wandb_role]
    config.update({key: REQUIRED_SECRETS[key] for key in unset})
    return StackFile(config, (*encrypted, *unset), tuple(encrypted), tuple(unset))


def _canonical(value: Any) -> Any:
    """Mappings with their keys sorted, at every depth: the JSON's bytes then depend only on its content."""
    if isinstance(value, dict):
        return {k: _canonical(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


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
                "inputs": _canonical(r.inputs),
                "protect": r.protect,
                "id": r.id,
                "outputs": _canonical(r.outputs),
            }
            for r in run.resources
        ],
        "outputs": _canonical(run.outputs),
    }


WANDB_CR = "kubernetes:apps.wandb.com/v1:WeightsAndBiases"


def wandb_values(run: Run) -> str | None:
    """The values the stack hands W&B's operator (its `WeightsAndBiases` resource), as YAML: what
    `helm template <operator-wandb chart> -f <file>` renders. None when the stack makes no W&B resource."""
    found = [r for r in run.resources if r.type == WANDB_CR]
    if not found:
        return None
    return yaml.safe_dump(_canonical(found[0].inputs)["spec"]["values"], sort_keys=True)


def tree(run: Run) -> str:
    """One line per resource, children indented under their parent, in the run's (deterministic) order."""
    depth: dict[str | None, int] = {None: -1}
    lines = []
    for r in run.resources:
        depth[r.urn] = depth.get(r.parent, -1) + 1
        flags = " [protect]" if r.protect else ""
        lines.append(f"{'  ' * depth[r.urn]}{r.type}  {r.name}{flags}")
    return "\n".join(lines)


COMPUTED = "<computed>"
MIN_COMPUTED_LENGTH = 6  # shorter made-up values (a port, "1") would match by chance


def shown_outputs(run: Run) -> dict[str, Any]:
    """The stack outputs as the text plan shows them: a value the fake cloud made up, or one built from such a
    value, is `<computed>`: a real cloud decides it at `pulumi up`."""
    made_up = [c for c in run.computed if len(c) >= MIN_COMPUTED_LENGTH]

    def shown(value: Any) -> Any:
        if isinstance(value, str) and (value in run.computed or any(c in value for c in made_up)):
            return COMPUTED
        return value

    return {name: shown(value) for name, value in sorted(run.outputs.items())}


def notes(stack: StackFile, name: str) -> list[str]:
    """What a reader must know about the values the plan could not know."""
    lines = [
        f"note: {key} is not set in Pulumi.{name}.yaml, so the plan uses a placeholder; before `pulumi up`: "
        f"pulumi config set --secret {key} <value> -s {name}"
        for key in stack.unset
    ]
    renamed = normalized_stack_note(name)
    if renamed:
        lines.append(f"note: {renamed}")
    if stack.encrypted:
        lines.append(f"note: the encrypted values of {', '.join(stack.encrypted)} are placeholders in this plan")
    reference = platform_reference(stack.config)
    if reference:
        lines.append(f"note: what {reference} exports comes from its own offline plan")
    return lines


def platform_reference(config: dict[str, Any]) -> str | None:
    """The platform stack a `wandb`-role stack reads, `<org>/<project>/<stack>`; None for other roles."""
    vault = config.get(f"{PROJECT}:vault")
    if config.get(f"{PROJECT}:stackRole") != "wandb" or not isinstance(vault, dict):
        return None
    return vault.get("platformStack") or None


def plan(name: str, stack: StackFile, root: Path = ROOT) -> Run:
    """Run the program for a stack file; raises PlanError for an invalid configuration. A `wandb`-role stack
    reads what its platform stack's own offline plan (from the same folder) exports."""
    import pulumi

    references = {}
    reference = platform_reference(stack.config)
    if reference:
        platform = reference.rsplit("/", 1)[-1]
        if not (root / f"Pulumi.{platform}.yaml").is_file():
            raise PlanError(
                f"its platform stack {reference} has no stack file Pulumi.{platform}.yaml here: "
                "the plan reads that stack's offline plan outputs"
            )
        references[reference] = plan(platform, stack_config(platform, root), root).referenced
    try:
        return run_program(name, stack.config, stack.secret_keys, references)
    except pulumi.RunError as exc:
        raise PlanError(str(exc)) from None


def _load_plan(path: str) -> dict[str, Any]:
    try:
        plan = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise PlanError(f"{path}: not a plan JSON ({exc})") from None
    if not isinstance(plan, dict) or not isinstance(plan.get("resources"), list):
        raise PlanError(f"{path}: not a plan JSON (no 'resources' list); write one with --json")
    return plan


def diff_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m stacks.plan diff", description=plandiff.__doc__.splitlines()[0])
    parser.add_argument("old", help="the plan JSON before the change")
    parser.add_argument("new", help="the plan JSON after it")
    parser.add_argument("--markdown", action="store_true", help="write a pull-request comment")
    args = parser.parse_args(argv)
    try:
        found = plandiff.diff_plans(_load_plan(args.old), _load_plan(args.new))
    except PlanError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(plandiff.render_markdown(found) if args.markdown else plandiff.render_text(found))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["diff"]:
        return diff_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m stacks.plan", description=__doc__.splitlines()[0])
    parser.add_argument("--stack", required=True, help="stack name: plans Pulumi.<stack>.yaml")
    parser.add_argument("--json", metavar="PATH", help="also write the plan as JSON to PATH")
    parser.add_argument("--dir", type=Path, default=ROOT, help="folder holding Pulumi.<stack>.yaml (default: project)")
    parser.add_argument("--wandb-values", metavar="PATH", help="also write W&B's chart values (YAML) to PATH")
    parser.add_argument(
        "--recovery", action="store_true", help="print how each datastore recovers (RPO/RTO) instead of the tree"
    )
    parser.add_argument(
        "--images", action="store_true", help="list every image the stack runs, for a mirror (exit 1: one unpinned)"
    )
    args = parser.parse_args(argv)
    try:
        stack = stack_config(args.stack, args.dir)
        run = plan(args.stack, stack, args.dir)
    except PlanError as exc:
        print(f"stack {args.stack}: {exc}", file=sys.stderr)
        return 2
    if args.recovery:
        print(render(report(run), args.stack))
        return 0
    if args.images:
        found = images(run)
        print(render_images(found, args.stack))
        return 1 if found.problems else 0
    print(tree(run))
    print(f"\n{len(run.resources)} resources. Outputs ({COMPUTED}: decided by the cloud at `pulumi up`):")
    for name, value in shown_outputs(run).items():
        print(f"  {name}: {value if isinstance(value, str) else json.dumps(value, sort_keys=True)}")
    for line in notes(stack, args.stack):
        print(line)
    if args.json:
        Path(args.json).write_text(json.dumps(plan_json(run), indent=2) + "\n")
        print(f"wrote {args.json}")
    if args.wandb_values:
        values = wandb_values(run)
        if values is None:
            print(
                f"stack {args.stack}: makes no WeightsAndBiases resource, so there are no W&B values", file=sys.stderr
            )
            return 2
        Path(args.wandb_values).write_text(values)
        print(f"wrote {args.wandb_values}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
