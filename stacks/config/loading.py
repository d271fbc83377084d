"""From a stack's raw Pulumi config to a PlatformConfig, or to every problem at once.

Each problem names its key (`wandb-platform:mysql.port`) and says what is allowed; none shows a secret, and
none names a Python class. Credentials must arrive encrypted, as Pulumi says they did.
"""

from __future__ import annotations

import difflib
import json
import types
import typing
from collections.abc import Collection, Mapping
from typing import Any

from pydantic import BaseModel, SecretStr, ValidationError

from stacks.config.base import PROJECT, ConfigError
from stacks.config.checks import cross_checks
from stacks.config.platform import PROVIDER_KEYS, PlatformConfig

SECRET_WORDS = ("license", "password", "secret", "key")
TEXT_ERRORS = ("string_type", "literal_error", "string_pattern_mismatch")
MAPPING_ERRORS = ("model_type", "model_attributes_type", "dict_type")


def _decode(value: Any) -> Any:
    """Pulumi hands structured config values over as JSON text."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The section models an annotation holds (`OidcConfig | None` holds OidcConfig)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return [m for a in typing.get_args(annotation) for m in _models(a)]
    return []


def _aliases(model: type[BaseModel]) -> dict[str, Any]:
    """A model's config keys, each with its field's annotation."""
    return {info.alias or name: info.annotation for name, info in model.model_fields.items()}


def _section_at(loc: tuple) -> type[BaseModel] | None:
    """The model whose keys are allowed at `loc` (a path of config keys), if that place is a section."""
    model: type[BaseModel] = PlatformConfig
    for step in loc:
        if isinstance(step, int):
            continue
        found = _models(_aliases(model).get(step))
        if not found:
            return None
        model = found[0]
    return model


def _is_credential(annotation: Any) -> bool:
    return annotation is SecretStr or SecretStr in typing.get_args(annotation)


def credential_keys() -> list[tuple[str, str]]:
    """(key, path within it) of every credential a stack can set: `("wandb-platform:license", "")`,
    `("wandb-platform:mysql", "password")`, ...: each field typed SecretStr, at the root or in a section."""
    found = []
    for key, annotation in _aliases(PlatformConfig).items():
        if _is_credential(annotation):
            found.append((key, ""))
        for model in _models(annotation):
            found += [(key, sub) for sub, a in _aliases(model).items() if _is_credential(a)]
    return found


def _plain_credentials(raw: Mapping[str, Any], secret_keys: Collection[str]) -> list[str]:
    """Credentials given in plain text: Pulumi did not say their key is secret."""
    problems = []
    for key, sub in credential_keys():
        value = raw.get(key)
        given = value if not sub else value.get(sub) if isinstance(value, dict) else None
        if given in (None, "") or key in secret_keys:
            continue
        path = f"{key}.{sub}" if sub else key
        how = (
            f"pulumi config set --secret --path '{path}' <value>"
            if sub
            else f"pulumi config set --secret {key} <value>"
        )
        problems.append(f"{path}: a credential must not be stored in plain text; set it encrypted: {how}")
    return problems


def _misspelt_namespaces(raw: Mapping[str, Any]) -> list[str]:
    """Keys whose namespace is a typo of the project's (`wandb-platfrom:license`), which would be ignored."""
    return [
        f"{key}: unknown namespace; did you mean {PROJECT}:{key.split(':', 1)[1]}?"
        for key in raw
        if ":" in key
        and key.split(":", 1)[0] != PROJECT
        and difflib.get_close_matches(key.split(":", 1)[0], [PROJECT], cutoff=0.8)
    ]


def _key(loc: tuple) -> str:
    head, *rest = loc
    return str(head) + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest)


def _unknown(loc: tuple) -> str:
    """An unknown key's message: the close known key, or the keys allowed there."""
    model = _section_at(loc[:-1])
    allowed = sorted(_aliases(model)) if model else []
    close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.75)
    if close:
        return f"unknown key; did you mean {close[0]}?"
    return f"unknown key; allowed: {', '.join(allowed)}"


def _problem(err: dict) -> str:
    """One pydantic error in the words of the stack file."""
    if not err["loc"]:  # a check inside a section across its keys: its message names them
        return err["msg"].removeprefix("Value error, ")
    key = _key(err["loc"])
    value = err.get("input")
    if err["type"] == "extra_forbidden":
        return f"{key}: {_unknown(err['loc'])}"
    if err["type"] == "missing":
        return f"{key}: required, not set"
    if err["type"] in MAPPING_ERRORS:
        model = _section_at(err["loc"])
        allowed = f" (keys: {', '.join(sorted(_aliases(model)))})" if model else ""
        return f"{key}: must be a mapping of keys to values, not {type(value).__name__}{allowed}"
    msg = err["msg"].removeprefix("Value error, ")
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    secret = any(w in key.lower() for w in SECRET_WORDS)
    if number and err["type"] in TEXT_ERRORS:
        shown = "it" if secret else repr(value)
        return f"{key}: {msg}; YAML read {shown} as a number: quote it (unquoted, 1.30 even reads as 1.3)"
    if not secret and (number or isinstance(value, str)):
        msg += f" (got {value!r})"
    return f"{key}: {msg}"


def load_config(raw: Mapping[str, Any], *, secret_keys: Collection[str]) -> PlatformConfig:
    """Validate a stack's config (full `namespace:key` names to raw values) into a PlatformConfig.

    `secret_keys` are the keys Pulumi holds encrypted (`pulumi config set --secret`); a credential under
    any other key is refused.
    """
    ours = {k: _decode(v) for k, v in raw.items() if k.startswith(f"{PROJECT}:") or k in PROVIDER_KEYS.values()}
    problems: list[str] = []
    config = None
    try:
        config = PlatformConfig.model_validate(ours)
    except ValidationError as exc:
        problems += [_problem(e) for e in exc.errors()]
    problems += cross_checks(ours) + _plain_credentials(ours, secret_keys) + _misspelt_namespaces(raw)
    if problems:
        raise ConfigError(sorted(dict.fromkeys(problems)))
    assert config is not None
    return config


def pulumi_config() -> tuple[dict[str, Any], set[str]]:
    """Every config value of the running Pulumi program by full key, and the keys Pulumi holds as secrets."""
    from pulumi.runtime import config as runtime_config

    values = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    secret = set(runtime_config.get_config_secret_keys_env()) | {
        k for k in values if runtime_config.is_config_secret(k)
    }
    return values, secret
