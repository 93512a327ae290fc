"""A planned resource change → a Resource: values with ``after_unknown`` laid over them
(each unknown carrying the address its configuration expression reads), the provider's
region, and the effective tags the provider computed (``tags_all``, tag blocks)."""

from __future__ import annotations

import re
from typing import Any, Mapping

from tagcheck.catalog.taggable import TypeTagging, is_legacy_tag_list, tagging_for
from tagcheck.model import Location, Origin, Resource, TagSet, TagSource, TagValue, Unknown
from tagcheck.sources.plan.document import kind
from tagcheck.sources.plan.providers import Provider, config_address, provider_of


def resource_configs(module: Mapping[str, Any], prefix: str) -> dict[str, Mapping[str, Any]]:
    """Configuration address (module path without instance keys + type.name) → the
    resource's configuration (its ``provider_config_key`` and ``expressions``)."""
    configs = {}
    for res in module.get("resources") or []:
        if isinstance(res, dict):
            configs[prefix + f"{res.get('type')}.{res.get('name')}"] = res
    for name, call in (module.get("module_calls") or {}).items():
        configs.update(resource_configs(call.get("module") or {}, f"{prefix}module.{name}."))
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


def resource(change: Mapping[str, Any], providers: Mapping[str, Provider], configs: Mapping[str, Mapping],
              shown: str, state: str = "after") -> Resource:
    rtype, address = change["type"], change["address"]
    body = change.get("change") or {}
    config = configs.get(config_address(change)) or {}
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
    key, provider = provider_of(config.get("provider_config_key", "aws"), change, providers)
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


def _tags(rtype: str, attrs: Mapping[str, Any], provider: Provider) -> TagSet | None:
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
        source = Unknown(f"tags in the plan are {kind(source)}, not a map")
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
            values[k] = TagValue(None, TagSource.RESOURCE, f"tag {k} in the plan is {kind(v)}, not a string")
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
        return f"a tag in the plan is {kind(block)}, not a {{key, value}} object"
    return f"a tag key in the plan is {kind(key)}, not a string"


def _merged_tags(tags: Any, provider: Provider, unknown: Unknown) -> Any:
    if isinstance(tags, Unknown) or isinstance(provider.default_tags, Unknown):
        return unknown
    if not isinstance(tags, (dict, type(None))) or not isinstance(provider.default_tags, (dict, type(None))):
        return unknown
    merged = dict(provider.default_tags or {})
    merged.update({k: v for k, v in (tags or {}).items() if v is not None})
    return merged
