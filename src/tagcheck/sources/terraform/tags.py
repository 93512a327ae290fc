"""Effective tags of a Terraform resource, as the AWS provider computes ``tags_all``.

``tags_all`` = provider ``default_tags`` ⊕ resource ``tags`` (the resource wins on the same
key), for the types whose schema has ``tags_all``. Types with repeated ``tag {}`` blocks
(``aws_autoscaling_group``) take their tags from those blocks only, or from the AWS
provider ≤ 4.x ``tags = [{key, value, propagate_at_launch}]`` list, read the same way:
``default_tags`` do not reach them. Keys matched by the provider's ``ignore_tags`` are
neither set nor reported by Terraform, so they are removed here and remembered as hidden.

Decisions the provider leaves to us:
* a tag whose value is ``null`` is not set; a ``null`` in resource ``tags`` does not remove
  a ``default_tags`` key of the same name (the provider's own acceptance test
  ``TestAccS3Bucket_tags_DefaultTags_nullOverlappingResourceTag`` pins this);
* numbers and bools become strings, as Terraform converts them for ``map(string)``;
* an ``aws_*`` type missing from the catalogue (newer than the schema we ship) that has
  a ``tags`` argument is treated as having ``tags_all`` too — every tagged type added
  to the provider since v3.38 has it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tagcheck.catalog.taggable import TypeTagging, is_legacy_tag_list, tagging_for
from tagcheck.model import TagSet, TagSource, TagValue, Unknown
from tagcheck.sources.terraform.values import EvalError, PartialMap, first_unknown, to_string


@dataclass(frozen=True)
class ProviderConfig:
    """One ``provider "aws"`` configuration as a resource sees it."""

    ref: str = "aws"  # "aws" or "aws.ALIAS"
    region: Any = None
    default_tags: Any = None  # dict | PartialMap | Unknown | None
    ignore_keys: frozenset[str] = frozenset()
    ignore_prefixes: tuple[str, ...] = ()
    declared: bool = True  # False: no provider block anywhere (Terraform's implicit empty one)
    ignore_unknown: str | None = None  # why the ignore_tags keys cannot be known


_ASSUMED = TypeTagging(tags=True, tags_all=True, tag_blocks=(), nested_tags=())


def tagging_of(resource_type: str, attrs: dict[str, Any]) -> TypeTagging | None:
    tagging = tagging_for(resource_type)
    if tagging is None and resource_type.startswith("aws_") and "tags" in attrs:
        return _ASSUMED
    if tagging is None or not tagging.taggable:
        return None
    return tagging


def effective_tags(resource_type: str, attrs: dict[str, Any], provider: ProviderConfig) -> TagSet | None:
    tagging = tagging_of(resource_type, attrs)
    if tagging is None:
        return None
    merged = _TagMerge()
    if tagging.tags_all and provider.default_tags is not None:
        merged.add(provider.default_tags, TagSource.DEFAULT_TAGS)
    if tagging.tags and "tags" in attrs:
        merged.add(attrs["tags"], TagSource.RESOURCE)
    for block_name in tagging.tag_blocks:
        if block_name in attrs:
            merged.add(_tags_from_blocks(attrs[block_name]), TagSource.RESOURCE)
    if is_legacy_tag_list(resource_type, attrs.get("tags")):
        merged.add(_tags_from_blocks(attrs["tags"]), TagSource.RESOURCE)
    hidden = {k for k in merged.values if k in provider.ignore_keys or k.startswith(provider.ignore_prefixes)}
    values = {k: v for k, v in merged.values.items() if k not in hidden}
    reason = merged.reason or provider.ignore_unknown  # as the plan source: a key may be hidden
    return TagSet(values=values, complete=reason is None, unknown_reason=reason,
                  hidden_keys=provider.ignore_keys, hidden_prefixes=provider.ignore_prefixes)


class _TagMerge:
    def __init__(self) -> None:
        self.values: dict[str, TagValue] = {}
        self.reason: str | None = None

    def add(self, tags: Any, source: TagSource) -> None:
        if tags is None:
            return
        if isinstance(tags, Unknown) or not isinstance(tags, (dict, PartialMap)):
            reason = tags.reason if isinstance(tags, Unknown) else f"tags is a {type(tags).__name__}, not a map"
            # every key seen so far may be overridden by the unknown map
            self.values = {k: _tag(None, source, reason) for k in self.values}
            self.reason = reason
            return
        if isinstance(tags, PartialMap):
            self.values = {k: _tag(None, source, tags.reason) for k in self.values}
            self.reason = tags.reason
            tags = tags.known
        for key, value in tags.items():
            if value is None:
                continue
            self.values[key] = _tag_value(value, source)


def _tag_value(value: Any, source: TagSource) -> TagValue:
    unknown = first_unknown(value)
    if unknown is not None:
        return _tag(None, source, unknown.reason)
    try:
        return _tag(to_string(value), source, None)
    except EvalError:
        return _tag(None, source, f"tag value is a {type(value).__name__}, not a string")


@lru_cache(maxsize=1 << 16)
def _tag(value: str | None, source: TagSource, reason: str | None) -> TagValue:
    """One shared object per distinct tag value: the resources of a monorepo repeat a few
    teams and environments tens of thousands of times (TagValue is immutable)."""
    return TagValue(value, source, reason)


def _tags_from_blocks(blocks: Any) -> Any:
    """ASG-style ``tag { key value propagate_at_launch }`` blocks → a tag map. What is not
    such a block (``tag = "x"`` written as an argument, a key that is a list) makes the
    tag set incomplete, with the reason, as Terraform would reject it."""
    if isinstance(blocks, Unknown):
        return blocks
    out: dict[str, Any] = {}
    reason = None
    for block in blocks if isinstance(blocks, list) else [blocks]:
        if isinstance(block, Unknown):
            reason = block.reason
            continue
        if not isinstance(block, dict):
            reason = f"a tag is a {type(block).__name__}, not a tag {{ key value }} block"
            continue
        key = block.get("key")
        if isinstance(key, (Unknown, PartialMap)) or key is None:
            reason = first_unknown(key).reason if key is not None else "tag block without key"
            continue
        try:
            out[to_string(key)] = block.get("value")
        except EvalError:
            reason = f"a tag block's key is a {type(key).__name__}, not a string"
    return PartialMap(out, reason) if reason else out
