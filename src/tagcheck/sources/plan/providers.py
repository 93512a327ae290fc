"""Which AWS provider configuration a planned resource gets, and what it says: region,
``default_tags``, ``ignore_tags`` — from the plan's ``configuration.provider_config``,
across the ways Terraform versions write provider keys (see the package's docstring)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from tagcheck.model import Unknown


@dataclass(frozen=True)
class Provider:
    region: Any = None
    ignore_keys: frozenset[str] = frozenset()
    ignore_prefixes: tuple[str, ...] = ()
    default_tags: Any = None  # dict, Unknown, or None when the provider sets none
    unknown: str | None = None  # why ignore_tags cannot be known
    configured: bool = True  # False: no expressions (a module's required_providers entry, a proxy block)


def _constant(expressions: Mapping[str, Any], name: str, variables: Mapping[str, Any]) -> Any:
    """A provider argument's value: a constant, or a plain ``var.NAME`` reference resolved
    from the plan's variables; anything else is unknown."""
    expr = expressions.get(name)
    if expr is None:
        return None
    if isinstance(expr, dict) and "constant_value" in expr:
        return expr["constant_value"]
    refs = expr.get("references") if isinstance(expr, dict) else None
    refs = [r for r in refs if isinstance(r, str)] if isinstance(refs, list) else []
    if refs and refs[0].startswith("var.") and refs[0][4:] in variables:
        return variables[refs[0][4:]]
    return Unknown(f"provider {name} is not a constant in the plan ({', '.join(refs) or 'expression'})")


def _block(expressions: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = expressions.get(name) or [{}]
    return value[0] if isinstance(value, list) and value and isinstance(value[0], dict) else {}


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def provider_configs(configuration: Mapping[str, Any], variables: Mapping[str, Any]) -> dict[str, Provider]:
    out = {}
    for key, config in (configuration.get("provider_config") or {}).items():
        if config.get("name") != "aws" and not str(config.get("full_name", "")).endswith("/aws"):
            continue
        expressions = config.get("expressions") or {}
        ignore = _block(expressions, "ignore_tags")
        keys = _constant(ignore, "keys", variables)
        prefixes = _constant(ignore, "key_prefixes", variables)
        unknown = next((v.reason for v in (keys, prefixes) if isinstance(v, Unknown)), None)
        default_tags = _constant(_block(expressions, "default_tags"), "tags", variables) \
            if "default_tags" in expressions else None
        out[key] = Provider(_constant(expressions, "region", variables), frozenset(_strings(keys)),
                             tuple(_strings(prefixes)), default_tags, unknown, "expressions" in config)
    return out


_MODULE_STEP = re.compile(r'module\.([^.\[]+)(?:\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\])?\.?')


def _module_names(change: Mapping[str, Any]) -> list[str]:
    """``module.a["x.module.y"].module.b[0]`` → ``["a", "b"]`` (instance keys may contain
    anything, so they are skipped as quoted strings)."""
    module = change.get("module_address") or ""
    return [m.group(1) for m in _MODULE_STEP.finditer(module)] if module else []


def config_address(change: Mapping[str, Any]) -> str:
    """The resource's configuration address: ``module.a.module.b.type.name``."""
    module_path = ".".join(f"module.{n}" for n in _module_names(change))
    return (module_path + "." if module_path else "") + f"{change.get('type')}.{change.get('name')}"


def provider_of(key: str, change: Mapping[str, Any],
                 providers: Mapping[str, Provider]) -> tuple[str, Provider]:
    """The configuration a resource's ``provider_config_key`` stands for. Terraform 1.2 and
    later resolve it; earlier ones write ``CALL:aws`` (the module call's name alone) and name
    no configuration when the module inherits its caller's provider — it is then looked up
    level by level towards the root, as Terraform passes the default provider down."""
    found = providers.get(key)
    if found is not None and (found.configured or ":" not in key):
        return key, found
    return _inherited(key, _module_names(change), providers) or (key, found or Provider())


def _inherited(key: str, names: list[str], providers: Mapping[str, Provider]) -> tuple[str, Provider] | None:
    local = key.rpartition(":")[2]
    for depth in range(len(names), -1, -1):
        for candidate in (prefix + local for prefix in _level_prefixes(names[:depth])):
            found = providers.get(candidate)
            if found is not None and (found.configured or depth == 0):
                return candidate, found
        if depth and ("." in local or _has_aliases(names[:depth - 1], providers)):
            # the call may pass any of the caller's configurations (`providers = {...}`),
            # and these plans do not record which
            where = ".".join(f"module.{n}" for n in names[:depth])
            return key, Provider(region=Unknown(f"which aws provider {where} gets is not in the plan "
                                                 "(Terraform before 1.2 does not record it)"))
    return None


def _level_prefixes(names: list[str]) -> tuple[str, ...]:
    """provider_config key prefixes of one module: ``module.a.module.b:`` (Terraform 0.13 and
    later) and ``a.b:`` (0.12); none for the root."""
    if not names:
        return ("",)
    return (".".join(f"module.{n}" for n in names) + ":", ".".join(names) + ":")


def _has_aliases(names: list[str], providers: Mapping[str, Provider]) -> bool:
    prefixes = _level_prefixes(names)
    for key in providers:
        head, _, local = key.rpartition(":")
        if (head + ":" if head else "") in prefixes and "." in local:
            return True
    return False
