"""The plan source: ``terraform show -json PLANFILE`` → resources.

In a plan the AWS provider has already computed the effective tags: ``change.after.tags_all``
is the truth (``tags`` for types without ``tags_all``, ``tag`` blocks for auto scaling
groups); ``after_unknown`` marks values known only after apply. Provider ``ignore_tags``
and regions come from the plan's ``configuration`` section. Plans carry no file and line,
so findings are located at the plan file; addresses are Terraform's own.

Resources that the plan deletes are skipped (they will not exist); data sources are not
resources. With ``changed_only`` only create/update/replace actions are kept (no-op and
read resources are counted as skipped).

Hardening (issue #8). A file that is not a plan of the supported format is a
:class:`PlanError` (the CLI exits 2) with one line naming the file — and, for a document
whose structure is not a plan's, the JSON path of the first part that is wrong
(``resource_changes[3].change.after: expected an object, got a list``): a state file, a
``terraform show -json`` of a state, another ``format_version``, truncated or binary
JSON, JSON nested too deeply or with numbers Python cannot read. Values inside a
well-formed resource change that are not what the provider writes — ``tags_all`` that is
not a map, a tag value that is a list, a create without ``change.after`` — make that
resource's tags unknown, with the reason (TAG005), and the rest of the plan is checked.

Real plans (issue #12). ``format_version`` 0.x (Terraform 0.12 to 1.0: "0.1", "0.2") and 1.x
are read alike: everything tagcheck reads — ``resource_changes`` with ``change.after``,
``after_unknown`` and ``actions``, ``configuration.provider_config`` and its
``expressions`` — has the same layout in both; an older plan simply lacks ``tags_all`` (AWS
provider < 3.38), and the resource's own ``tags`` are used. The file may be UTF-8 with or
without a BOM, or UTF-16 with a BOM (what PowerShell's ``>`` writes) or without one (told
from the NUL bytes of JSON text). An auto scaling group's tags are its ``tag`` blocks or the
AWS provider ≤ 4.x ``tags = [{key, value, propagate_at_launch}]`` list, read alike
(``propagate_at_launch`` only says whether instances get the tag; the group has it either
way); an element or a key known only after apply leaves the known tags and makes the rest
unknown (TAG005), never missing.

What the older formats write differently, found on 144 real plan files (Terraform 0.12.0 to
1.15). Terraform 0.12 names an aliased provider ``"aws.east"`` in ``provider_name``.
Terraform before 1.2 writes a module resource's ``provider_config_key`` unresolved, as
``CALL:aws`` (the call's name alone), while ``provider_config`` keys are ``a.b:aws`` (0.12)
or ``module.a.module.b:aws`` (0.13+) and also list a module's ``required_providers`` entry
with no expressions: the configuration is looked up in the module, then towards the root,
as Terraform passes the default provider down. Where a caller on the way has aliased
configurations (or the module uses an alias), its ``providers = {...}`` could have passed
any of them and these plans do not record it: the region is then unknown, with that
reason, rather than guessed.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from tagcheck.catalog.taggable import TypeTagging, is_legacy_tag_list, tagging_for
from tagcheck.model import Location, Origin, Resource, TagSet, TagSource, TagValue, Unknown

SUPPORTED_MAJORS = ("0", "1")
CHANGED = {"create", "update"}


class PlanError(Exception):
    """The file is not a Terraform plan in JSON we can read (exit 2)."""


@dataclass
class PlanScan:
    resources: list[Resource] = field(default_factory=list)
    skipped_unchanged: int = 0
    skipped_deleted: int = 0
    other_providers: int = 0


def load_plan(path: Path, *, changed_only: bool = False, display: str | None = None, before: bool = False) -> PlanScan:
    """``before=True``: the resources as they are before the plan is applied (their prior
    values; created resources absent), for the coverage change a plan causes."""
    doc = _read(path)
    _check_shape(doc, path)
    shown = display or str(path)
    variables = {k: v.get("value") for k, v in (doc.get("variables") or {}).items() if isinstance(v, dict)}
    providers = _provider_configs(doc.get("configuration") or {}, variables)
    configs = _resource_configs((doc.get("configuration") or {}).get("root_module") or {}, "")
    scan = PlanScan()
    for index, change in enumerate(doc.get("resource_changes") or []):
        try:
            _add_change(scan, change, providers, configs, shown, changed_only, before)
        except RecursionError:
            raise PlanError(f"{path}: resource_changes[{index}] is nested too deeply to read") from None
    return scan


def _add_change(scan: PlanScan, change: Mapping[str, Any], providers, configs, shown: str,
                changed_only: bool, before: bool) -> None:
    if change.get("mode") != "managed":
        return
    if not _is_aws(change):
        scan.other_providers += 1
        return
    body = change.get("change") or {}
    actions = set(body.get("actions") or [])
    if before:
        if body.get("before") is not None:
            scan.resources.append(_resource(change, providers, configs, shown, state="before"))
        return
    if actions <= {"delete", "forget"} and actions:  # gone after apply (or no longer managed)
        scan.skipped_deleted += 1
        return
    if changed_only and not (actions & CHANGED):
        scan.skipped_unchanged += 1
        return
    scan.resources.append(_resource(change, providers, configs, shown))


_BINARY_HINT = "a binary plan file? run `terraform show -json PLANFILE > plan.json`"


def _read(path: Path) -> dict:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PlanError(f"{path}: no such file") from None
    except OSError as exc:
        raise PlanError(f"{path}: cannot read: {exc.strerror}") from None
    if data.startswith(b"PK"):
        raise PlanError(f"{path}: not JSON ({_BINARY_HINT})")
    encoding = _encoding(data)
    if encoding == "utf-8-sig" and b"\x00" in data[:512]:
        raise PlanError(f"{path}: not JSON ({_BINARY_HINT})")
    try:
        doc = json.loads(data.decode(encoding))
    except UnicodeDecodeError as exc:
        raise PlanError(f"{path}: not {encoding.upper().replace('-SIG', '')} text ({_BINARY_HINT}): {exc.reason}") from None
    except json.JSONDecodeError as exc:
        raise PlanError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise PlanError(f"{path}: JSON nested too deeply to read") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise PlanError(f"{path}: cannot read the JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise PlanError(f"{path}: not a Terraform plan (expected a JSON object)")
    version = doc.get("format_version")
    if "resource_changes" not in doc and "planned_values" not in doc:
        if "resources" in doc and "version" in doc:
            raise PlanError(f"{path}: this is a Terraform state file, not a plan; run `terraform plan -out=plan` "
                            "and `terraform show -json plan`")
        if "values" in doc:
            raise PlanError(f"{path}: this is `terraform show -json` of a state, not of a plan")
        raise PlanError(f"{path}: not a Terraform plan (no resource_changes)")
    if not isinstance(version, str) or version.split(".")[0] not in SUPPORTED_MAJORS:
        raise PlanError(f"{path}: plan format_version {version!r} is not supported (expected 0.x or 1.x)")
    return doc


def _encoding(data: bytes) -> str:
    """UTF-16 when a BOM or the NUL bytes of ASCII JSON text say so, else UTF-8 (BOM or not)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(data) >= 2 and data[0] != 0 and data[1] == 0:
        return "utf-16-le"
    if len(data) >= 2 and data[0] == 0 and data[1] != 0:
        return "utf-16-be"
    return "utf-8-sig"


_OBJECT, _LIST, _STRING = (dict,), (list,), (str,)
_OPTIONAL = (type(None),)


def _check_shape(doc: Mapping[str, Any], path: Path) -> None:
    """The parts of a plan this module reads have the types Terraform writes; else a
    PlanError naming the first JSON path that does not."""

    def expect(value: Any, types: tuple, where: str) -> None:
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            wanted = " or ".join(_KIND[t] for t in types if t is not type(None))
            raise PlanError(f"{path}: {where}: expected {wanted}, got {_kind(value)} "
                            "(not the JSON of `terraform show -json PLANFILE`?)")

    expect(doc.get("variables"), _OBJECT + _OPTIONAL, "variables")
    expect(doc.get("resource_changes"), _LIST + _OPTIONAL, "resource_changes")
    for i, change in enumerate(doc.get("resource_changes") or []):
        where = f"resource_changes[{i}]"
        expect(change, _OBJECT, where)
        for key in ("address", "type", "mode"):
            expect(change.get(key), _STRING, f"{where}.{key}")
        for key in ("name", "provider_name", "module_address"):
            expect(change.get(key), _STRING + _OPTIONAL, f"{where}.{key}")
        body = change.get("change")
        expect(body, _OBJECT, f"{where}.change")
        expect(body.get("actions"), _LIST + _OPTIONAL, f"{where}.change.actions")
        for j, action in enumerate(body.get("actions") or []):
            expect(action, _STRING, f"{where}.change.actions[{j}]")
        for key in ("before", "after"):
            expect(body.get(key), _OBJECT + _OPTIONAL, f"{where}.change.{key}")
        expect(body.get("after_unknown"), _OBJECT + (bool,) + _OPTIONAL, f"{where}.change.after_unknown")
    configuration = doc.get("configuration")
    expect(configuration, _OBJECT + _OPTIONAL, "configuration")
    configuration = configuration or {}
    expect(configuration.get("provider_config"), _OBJECT + _OPTIONAL, "configuration.provider_config")
    for key, config in (configuration.get("provider_config") or {}).items():
        expect(config, _OBJECT, f"configuration.provider_config.{key}")
        expect(config.get("expressions"), _OBJECT + _OPTIONAL, f"configuration.provider_config.{key}.expressions")
    modules = [(configuration.get("root_module"), "configuration.root_module")]
    while modules:
        module, where = modules.pop()
        expect(module, _OBJECT + _OPTIONAL, where)
        module = module or {}
        expect(module.get("resources"), _LIST + _OPTIONAL, f"{where}.resources")
        for i, res in enumerate(module.get("resources") or []):
            expect(res, _OBJECT, f"{where}.resources[{i}]")
        expect(module.get("module_calls"), _OBJECT + _OPTIONAL, f"{where}.module_calls")
        for name, call in (module.get("module_calls") or {}).items():
            expect(call, _OBJECT, f"{where}.module_calls.{name}")
            modules.append((call.get("module"), f"{where}.module_calls.{name}.module"))


_KIND = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return _KIND.get(type(value), type(value).__name__)


def _is_aws(change: Mapping[str, Any]) -> bool:
    provider = change.get("provider_name") or ""
    # Terraform 0.12 writes the local name with the alias ("aws.east"); later ones the source address
    return (provider.endswith("/aws") or provider.split(".")[0] == "aws"
            or (not provider and str(change.get("type", "")).startswith("aws_")))


@dataclass(frozen=True)
class _Provider:
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


def _provider_configs(configuration: Mapping[str, Any], variables: Mapping[str, Any]) -> dict[str, _Provider]:
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
        out[key] = _Provider(_constant(expressions, "region", variables), frozenset(_strings(keys)),
                             tuple(_strings(prefixes)), default_tags, unknown, "expressions" in config)
    return out


def _resource_configs(module: Mapping[str, Any], prefix: str) -> dict[str, Mapping[str, Any]]:
    """Configuration address (module path without instance keys + type.name) → the
    resource's configuration (its ``provider_config_key`` and ``expressions``)."""
    configs = {}
    for res in module.get("resources") or []:
        if isinstance(res, dict):
            configs[prefix + f"{res.get('type')}.{res.get('name')}"] = res
    for name, call in (module.get("module_calls") or {}).items():
        configs.update(_resource_configs(call.get("module") or {}, f"{prefix}module.{name}."))
    return configs


# a reference as the plan's configuration lists it: `aws_launch_template.api.id`,
# `data.aws_ami.base.id`, `aws_instance.web[0].id` (var., local., module. … name no resource)
_RESOURCE_REFERENCE = re.compile(r"^(?:data\.)?(?!(?:var|local|each|count|path|terraform|self|module|data)\.)"
                                 r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?")


def _referenced(expression: Any, module_address: str) -> str | None:
    """The full address of the resource an attribute's configuration expression reads
    (``Unknown.ref``), when it is a reference within the same module."""
    references = expression.get("references") if isinstance(expression, dict) else None
    for reference in references if isinstance(references, list) else ():
        match = _RESOURCE_REFERENCE.match(reference) if isinstance(reference, str) else None
        if match:
            return (module_address + "." if module_address else "") + match.group(0)
    return None


_MODULE_STEP = re.compile(r'module\.([^.\[]+)(?:\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\])?\.?')


def _module_names(change: Mapping[str, Any]) -> list[str]:
    """``module.a["x.module.y"].module.b[0]`` → ``["a", "b"]`` (instance keys may contain
    anything, so they are skipped as quoted strings)."""
    module = change.get("module_address") or ""
    return [m.group(1) for m in _MODULE_STEP.finditer(module)] if module else []


def _config_address(change: Mapping[str, Any]) -> str:
    """The resource's configuration address: ``module.a.module.b.type.name``."""
    module_path = ".".join(f"module.{n}" for n in _module_names(change))
    return (module_path + "." if module_path else "") + f"{change.get('type')}.{change.get('name')}"


def _provider_of(key: str, change: Mapping[str, Any],
                 providers: Mapping[str, _Provider]) -> tuple[str, _Provider]:
    """The configuration a resource's ``provider_config_key`` stands for. Terraform 1.2 and
    later resolve it; earlier ones write ``CALL:aws`` (the module call's name alone) and name
    no configuration when the module inherits its caller's provider — it is then looked up
    level by level towards the root, as Terraform passes the default provider down."""
    found = providers.get(key)
    if found is not None and (found.configured or ":" not in key):
        return key, found
    return _inherited(key, _module_names(change), providers) or (key, found or _Provider())


def _inherited(key: str, names: list[str], providers: Mapping[str, _Provider]) -> tuple[str, _Provider] | None:
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
            return key, _Provider(region=Unknown(f"which aws provider {where} gets is not in the plan "
                                                 "(Terraform before 1.2 does not record it)"))
    return None


def _level_prefixes(names: list[str]) -> tuple[str, ...]:
    """provider_config key prefixes of one module: ``module.a.module.b:`` (Terraform 0.13 and
    later) and ``a.b:`` (0.12); none for the root."""
    if not names:
        return ("",)
    return (".".join(f"module.{n}" for n in names) + ":", ".".join(names) + ":")


def _has_aliases(names: list[str], providers: Mapping[str, _Provider]) -> bool:
    prefixes = _level_prefixes(names)
    for key in providers:
        head, _, local = key.rpartition(":")
        if (head + ":" if head else "") in prefixes and "." in local:
            return True
    return False


def _with_unknowns(value: Any, unknown: Any, where: str, expression: Any = None, module: str = "") -> Any:
    """Overlay ``after_unknown`` markers on ``after`` values; ``expression`` (the same path
    in the resource's configuration) tells which resource an unknown value is read from."""
    if unknown is True:
        return Unknown(f"{where} (known after apply)", _referenced(expression, module))
    if isinstance(unknown, dict) and isinstance(value, dict):
        inner = expression if isinstance(expression, dict) else {}
        return {k: _with_unknowns(value.get(k), unknown.get(k), f"{where}.{k}", inner.get(k), module)
                for k in {*value, *unknown}}
    if isinstance(unknown, list) and isinstance(value, list):
        inner = expression if isinstance(expression, list) else []
        return [_with_unknowns(v, unknown[i] if i < len(unknown) else None, f"{where}[{i}]",
                               inner[i] if i < len(inner) else None, module) for i, v in enumerate(value)]
    return value


def _resource(change: Mapping[str, Any], providers: Mapping[str, _Provider], configs: Mapping[str, Mapping],
              shown: str, state: str = "after") -> Resource:
    rtype, address = change["type"], change["address"]
    body = change.get("change") or {}
    config = configs.get(_config_address(change)) or {}
    missing = None  # why the resource's values are not in the plan at all
    if state == "before":
        attrs = dict(body.get("before") or {})
    else:
        after, after_unknown = body.get("after"), body.get("after_unknown")
        if after is None:  # only a delete or forget plans no values; anything else is a broken plan
            missing = (f"{address} (known after apply)" if after_unknown is True
                       else f"the plan has no change.after for {address}")
        attrs = _with_unknowns(after or {}, after_unknown or {}, address, config.get("expressions"),
                               change.get("module_address") or "")
        if isinstance(attrs, Unknown):  # after_unknown: true for the whole object
            missing, attrs = attrs.reason, {}
    key, provider = _provider_of(config.get("provider_config_key", "aws"), change, providers)
    region = attrs.get("region") if isinstance(attrs.get("region"), str) else provider.region
    actions = body.get("actions") or []
    tags = _tags(rtype, attrs, provider)
    if missing is not None and tagging_for(rtype) is not None and tagging_for(rtype).taggable:
        tags = TagSet({}, complete=False, unknown_reason=missing, hidden_keys=provider.ignore_keys,
                      hidden_prefixes=provider.ignore_prefixes)
    return Resource(
        address=address, type=rtype, origin=Origin.PLAN, location=Location(shown),
        tags=tags, attributes=attrs, region=region,
        module=change.get("module_address") or "", provider=key.split(":")[-1] if key else "aws",
        action="replace" if {"delete", "create"} <= set(actions) else "-".join(actions) or None,
    )


def _tags(rtype: str, attrs: Mapping[str, Any], provider: _Provider) -> TagSet | None:
    partial = None  # why tag blocks beyond the known ones may exist
    tagging = tagging_for(rtype)
    if tagging is None and "tags_all" in attrs:  # a type newer than our catalogue
        tagging = TypeTagging(tags=True, tags_all=True, tag_blocks=(), nested_tags=())
    if tagging is None or not tagging.taggable:
        return None
    if tagging.tags_all and "tags_all" in attrs:
        source = attrs["tags_all"]
        if isinstance(source, Unknown):
            # the provider plans tags_all as unknown when the merged map is empty or holds an
            # empty value; it is still default_tags ⊕ tags, both known here
            source = _merged_tags(attrs.get("tags"), provider, source)
    elif tagging.tags and "tags" in attrs:
        source = attrs["tags"]
    else:
        names = tagging.tag_blocks + (("tags",) if is_legacy_tag_list(rtype, attrs.get("tags")) else ())
        source, partial = _block_tags([attrs.get(name) for name in names])
    hidden = dict(hidden_keys=provider.ignore_keys, hidden_prefixes=provider.ignore_prefixes)
    if source is not None and not isinstance(source, (dict, Unknown)):
        source = Unknown(f"tags in the plan are {_kind(source)}, not a map")
    if isinstance(source, Unknown):
        # the keys of known default_tags are there whatever the resource's unknown tags hold
        # (only their values may be overridden), as the HCL source computes it
        defaults = provider.default_tags if tagging.tags_all and isinstance(provider.default_tags, dict) else {}
        present = {k: TagValue(None, TagSource.DEFAULT_TAGS, source.reason) for k, v in defaults.items()
                   if v is not None and k not in provider.ignore_keys and not k.startswith(provider.ignore_prefixes)}
        return TagSet(present, complete=False, unknown_reason=source.reason, **hidden)
    values = {}
    for k, v in (source or {}).items():
        if v is None:
            continue
        if isinstance(v, Unknown):
            values[k] = TagValue(None, TagSource.RESOURCE, v.reason)
        elif isinstance(v, (dict, list)):
            values[k] = TagValue(None, TagSource.RESOURCE, f"tag {k} in the plan is {_kind(v)}, not a string")
        else:
            values[k] = TagValue(str(v) if not isinstance(v, bool) else ("true" if v else "false"), TagSource.RESOURCE)
    values = {k: v for k, v in values.items() if k not in provider.ignore_keys and not k.startswith(provider.ignore_prefixes)}
    reason = provider.unknown or partial  # which keys Terraform ignores, or which blocks exist, is unknown
    if reason:
        return TagSet(values, complete=False, unknown_reason=reason, **hidden)
    return TagSet(values, **hidden)


def _block_tags(lists: list[Any]) -> tuple[dict | Unknown, str | None]:
    """``tag`` blocks / ``tags`` list elements ``{key, value, propagate_at_launch}`` → a tag map,
    and why more may exist: an element or a key known only after apply. ``propagate_at_launch``
    only says whether instances get the tag; the group has it either way."""
    out: dict[str, Any] = {}
    partial = None
    for blocks in lists:
        if isinstance(blocks, Unknown):
            return blocks, None
        for block in blocks or []:
            key = block.get("key") if isinstance(block, dict) else None
            if isinstance(key, str):
                out[key] = block.get("value")
            elif partial is None:
                partial = _odd_block(block, key)
    return out, partial


def _odd_block(block: Any, key: Any) -> str:
    if isinstance(block, Unknown) or isinstance(key, Unknown):
        return (block if isinstance(block, Unknown) else key).reason
    if not isinstance(block, dict):
        return f"a tag in the plan is {_kind(block)}, not a {{key, value}} object"
    return f"a tag key in the plan is {_kind(key)}, not a string"


def _merged_tags(tags: Any, provider: _Provider, unknown: Unknown) -> Any:
    if isinstance(tags, Unknown) or isinstance(provider.default_tags, Unknown):
        return unknown
    if not isinstance(tags, (dict, type(None))) or not isinstance(provider.default_tags, (dict, type(None))):
        return unknown
    merged = dict(provider.default_tags or {})
    merged.update({k: v for k, v in (tags or {}).items() if v is not None})
    return merged
