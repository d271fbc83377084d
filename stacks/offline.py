"""Run the real Pulumi program with no cloud and no Pulumi CLI: Pulumi's mocks, plausible fake cloud
outputs, and a monitor that records every registration (type, parent, provider, dependencies, protect, the
inputs as sent, secrets marked). The offline plan (stacks.plan) and the tests share this harness.
"""

from __future__ import annotations

import json
import runpy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi.runtime import config as runtime_config
from pulumi.runtime import mocks, settings
from pulumi.runtime import stack as runtime_stack
from pulumi.runtime.sync_await import _sync_await

from stacks.config import PROJECT
from stacks.fakes import FakeCloud

ROOT = Path(__file__).resolve().parent.parent
SIG = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
REDACTED = "[secret]"


@dataclass
class Registered:
    """One registered resource as the engine would have received it."""

    urn: str
    type: str
    name: str
    parent: str | None
    provider: str | None
    custom: bool
    direct_dependencies: list[str]
    protect: bool
    inputs: dict  # as sent, secrets written as REDACTED
    plain_inputs: dict  # as the provider would see them (tests only: never print these)
    secret_outputs: list[str]
    ignore_changes: list[str] = field(default_factory=list)  # properties `pulumi up` leaves as they are
    id: str = ""
    outputs: dict = field(default_factory=dict)
    dependencies: list[str] = field(default_factory=list)


def _is_secret(value: dict) -> bool:
    """A decoded value that Pulumi marks secret: a secret wrapper, or an output wrapper flagged secret."""
    sig = value.get(SIG)
    return sig == SECRET_SIG or (sig == OUTPUT_SIG and bool(value.get("secret")))


def _redact(value: Any, secrets: set[str]) -> Any:
    """Replace each secret leaf of a decoded property struct with REDACTED, collecting the plain values."""
    if isinstance(value, dict):
        if _is_secret(value):
            _collect(value.get("value"), secrets)
            return _redact_leaves(value.get("value"))
        sig = value.get(SIG)
        if sig == RESOURCE_SIG:
            return value.get("urn")
        if sig == OUTPUT_SIG:
            return _redact(value.get("value"), secrets)
        return {k: _redact(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v, secrets) for v in value]
    if value == UNKNOWN:
        return "[unknown]"
    return _number(value)


def _unwrap(value: Any) -> Any:
    """The decoded property struct with secret and output wrappers removed: the values a provider gets."""
    if isinstance(value, dict):
        sig = value.get(SIG)
        if sig in (SECRET_SIG, OUTPUT_SIG):
            return _unwrap(value.get("value"))
        if sig == RESOURCE_SIG:
            return value.get("urn")
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return _number(value)


def _number(value: Any) -> Any:
    """Protobuf structs carry every number as a double; give whole numbers back as integers."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _redact_leaves(value: Any) -> Any:
    """A secret object keeps its shape (a Secret's keys stay visible); only its scalar leaves are hidden.
    Pulumi's own wrappers inside it (a secret within a secret) are unwrapped, never written out."""
    if isinstance(value, dict):
        if value.get(SIG) in (SECRET_SIG, OUTPUT_SIG):
            return _redact_leaves(value.get("value"))
        return {k: _redact_leaves(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_leaves(v) for v in value]
    return REDACTED


def _collect(value: Any, into: set[str]) -> None:
    if isinstance(value, dict):
        if SIG in value:
            _collect(value.get("value"), into)
            return
        for v in value.values():
            _collect(v, into)
    elif isinstance(value, list):
        for v in value:
            _collect(v, into)
    elif isinstance(value, str) and value:
        into.add(value)


def _redact_outputs(value: Any, secrets: set[str], secret_keys: set[str], top: bool = True) -> Any:
    """The mock's returned state, redacted: secret-wrapped values, keys sent as secrets, and any value equal
    to a secret input."""
    if isinstance(value, dict):
        if _is_secret(value):
            return _redact_leaves(value.get("value"))
        if value.get(SIG) == OUTPUT_SIG:
            return _redact_outputs(value.get("value"), secrets, secret_keys, top)
        return {
            k: _redact_leaves(v) if top and k in secret_keys else _redact_outputs(v, secrets, secret_keys, False)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_redact_outputs(v, secrets, secret_keys, False) for v in value]
    return REDACTED if isinstance(value, str) and value in secrets else value


class RecordingMonitor(mocks.MockMonitor):
    def __init__(self, fake: pulumi.runtime.Mocks):
        super().__init__(fake)
        self.registered: dict[str, Registered] = {}
        self.secret_values: set[str] = set()

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        secrets: set[str] = set()
        raw = json_format.MessageToDict(request.object, preserving_proto_field_name=True)
        inputs = _redact(raw, secrets)
        self.secret_values |= secrets
        deps = set(request.dependencies)
        for prop in request.propertyDependencies.values():
            deps |= set(prop.urns)
        provider = request.provider.rsplit("::", 1)[0] if request.provider else None  # "<urn>::<id>"
        state = self.resources.get(response.urn)
        self.registered[response.urn] = Registered(
            urn=response.urn,
            type=request.type,
            name=request.name,
            parent=request.parent or None,
            provider=provider,
            custom=bool(request.custom),
            direct_dependencies=sorted(deps),
            protect=bool(request.protect),
            inputs=inputs,
            plain_inputs=_unwrap(raw),
            secret_outputs=list(request.additionalSecretOutputs),
            ignore_changes=sorted(request.ignoreChanges),
            id=response.id,
            outputs=dict(state.state) if state else {},
        )
        return response


@dataclass
class Run:
    """The outcome of one offline run of the program."""

    stack: str
    resources: list[Registered]
    outputs: dict[str, Any]  # stack outputs, secret ones REDACTED
    secret_values: set[str]  # every plain value that was sent as a secret
    computed: set[str] = field(default_factory=set)  # values the fake cloud made up (ids, addresses, ...)
    referenced: dict[str, Any] = field(default_factory=dict)  # what a StackReference to this stack would read

    def of_type(self, typ: str) -> list[Registered]:
        return [r for r in self.resources if r.type == typ]

    def one(self, typ: str) -> Registered:
        found = self.of_type(typ)
        assert len(found) == 1, f"expected one {typ}, found {len(found)}"
        return found[0]

    def by_urn(self, urn: str) -> Registered:
        return next(r for r in self.resources if r.urn == urn)


def _with_inherited_dependencies(registered: Mapping[str, Registered]) -> None:
    """A resource waits for its own dependencies, its provider, and everything its parents wait for."""

    def deps(urn: str, seen: frozenset = frozenset()) -> set[str]:
        r = registered.get(urn)
        if r is None or urn in seen:
            return set()
        out = set(r.direct_dependencies) | ({r.provider} if r.provider in registered else set())
        if r.parent:
            out |= deps(r.parent, seen | {urn})
        return out

    for urn, r in registered.items():
        r.dependencies = sorted(deps(urn) - {urn})
        r.outputs = _redact_outputs(r.outputs, _secrets_of(r), set(r.secret_outputs) | _secret_keys(r.inputs))


def _secrets_of(r: Registered) -> set[str]:
    found: set[str] = set()
    _collect_redacted_leaves(r.inputs, r.plain_inputs, found)
    return found


def _collect_redacted_leaves(redacted: Any, plain: Any, into: set[str]) -> None:
    if redacted == REDACTED:
        _collect(plain, into)
    elif isinstance(redacted, dict) and isinstance(plain, dict):
        for k, v in redacted.items():
            _collect_redacted_leaves(v, plain.get(k), into)
    elif isinstance(redacted, list) and isinstance(plain, list):
        for v, p in zip(redacted, plain, strict=False):
            _collect_redacted_leaves(v, p, into)


def _secret_keys(inputs: dict) -> set[str]:
    return {k for k, v in inputs.items() if v == REDACTED}


async def _resolve_outputs(outputs: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """The outputs as shown (secret ones REDACTED), as another stack would read them, and the secret ones' names."""
    shown, plain, secret_names = {}, {}, []
    for name, value in outputs.items():
        output = pulumi.Output.from_input(value)
        plain[name], secret = await output.future(), await output.is_secret()
        shown[name] = REDACTED if secret else plain[name]
        if secret:
            secret_names.append(name)
    return shown, plain, sorted(secret_names)


def record(
    stack: str,
    config: Mapping[str, Any],
    program: Callable[[], Mapping[str, Any] | None],
    secret_keys: tuple[str, ...] = (),
    project: str = PROJECT,
    stack_references: Mapping[str, Mapping[str, Any]] | None = None,
) -> Run:
    """Run `program` under the mocks with `config` (full `namespace:key` names) and record what it registers.

    The stack outputs are what the program exported, or the mapping it returned. `project` names the Pulumi
    project the program belongs to (another program's, for the examples). `stack_references` gives what a
    StackReference to each named stack reads (`outputs`, `secretOutputNames`); others read a generic fake.
    """
    fake = FakeCloud(str(config.get("aws:region", "us-east-1")), stack_references or {})
    monitor = RecordingMonitor(fake)
    settings.ROOT.set(None)
    runtime_config.set_all_config({k: _as_config_string(v) for k, v in config.items()}, list(secret_keys))
    mocks.set_mocks(fake, project=project, stack=stack, preview=False, monitor=monitor)
    returned = program() or {}
    _sync_await(runtime_stack.wait_for_rpcs())
    exported = getattr(settings.get_root_resource(), "outputs", {})
    outputs, plain, secret_names = _sync_await(_resolve_outputs({**exported, **returned}))
    _with_inherited_dependencies(monitor.registered)
    run = Run(stack, tree_order(monitor.registered.values()), outputs, monitor.secret_values, fake.computed)
    run.referenced = {"outputs": plain, "secretOutputNames": secret_names}
    return run


def tree_order(resources: Iterable[Registered]) -> list[Registered]:
    """Parents before their children, siblings by name then type: the same program gives the same order,
    whatever order its asynchronous registrations happened to arrive in."""
    resources = list(resources)
    urns = {r.urn for r in resources}
    children: dict[str | None, list[Registered]] = {}
    for r in resources:
        children.setdefault(r.parent if r.parent in urns else None, []).append(r)
    ordered: list[Registered] = []

    def walk(parent: str | None) -> None:
        for r in sorted(children.get(parent, []), key=lambda r: (r.name, r.type)):
            ordered.append(r)
            walk(r.urn)

    walk(None)
    return ordered


def run_program(
    stack: str,
    config: Mapping[str, Any],
    secret_keys: tuple[str, ...] = (),
    stack_references: Mapping[str, Mapping[str, Any]] | None = None,
) -> Run:
    """Run the project's __main__.py for `stack`, exactly as `pulumi up` would, under the mocks."""

    def main() -> None:
        runpy.run_path(str(ROOT / "__main__.py"), run_name="__pulumi_main__")

    return record(stack, config, main, secret_keys, stack_references=stack_references)


def _as_config_string(value: Any) -> str:
    """Pulumi passes every config value as text: structured values as JSON, booleans lowercase."""
    if isinstance(value, str):
        return value
    return json.dumps(value)
