"""FinOps *Inform*: the tag rules TAG001–TAG006.

Every required key of a taggable resource gets exactly one verdict, computed once by
:func:`verdicts`: pass, missing (TAG001), not allowed (TAG002), near miss (TAG003),
empty (TAG004), unknown with the reason (TAG005), hidden by ``ignore_tags`` (TAG006).
One key never yields two findings: a near miss replaces "missing" for that key.

Keys and values apart: a key written literally is present even when its value is unknown
(``Owner = var.owner``): the key passes, and only a value check the policy has on it
(allowed list or pattern) is unknown — reported as TAG005 about the value. Two keys
that differ only in case or separators (``Team`` from the resource, ``team`` from
``default_tags``) are both kept by AWS and split the resource's cost between two
columns of the bill: a near miss (TAG003) even though the exact key is there too.

TAG001 and TAG005 report once per resource with the list of keys (that is what a
person fixes in one edit, and what a cost figure is attached to); TAG002/3/4/6 report
once per key.
"""

from __future__ import annotations

import json
import re
import shlex
from functools import lru_cache
from dataclasses import dataclass
from typing import Iterable

from tagcheck.model import Lever, Origin, Resource, Severity, TagSet
from tagcheck.rules.registry import Hit, Rule, RuleContext


@dataclass(frozen=True)
class Verdict:
    key: str
    status: str  # pass | missing | not_allowed | near_miss | empty | unknown | hidden
    value: str | None = None
    found: str | None = None  # the near-miss key actually present
    reason: str | None = None
    value_only: bool = False  # unknown: the key is present, only its value cannot be checked


# id(tag set) → (tag set, policy, verdicts). Holding the tag set keeps its id from being
# reused; resources read from one module share their TagSet, so most are computed once.
_VERDICTS: dict[int, tuple] = {}
_VERDICTS_MAX = 50_000


def verdicts(tags: TagSet, policy) -> tuple[Verdict, ...]:
    """The verdict on each required (and each present, constrained) key; memoised per
    tag set object and policy — both are immutable."""
    entry = _VERDICTS.get(id(tags))
    if entry is not None and entry[0] is tags and entry[1] is policy:
        return entry[2]
    if len(_VERDICTS) >= _VERDICTS_MAX:
        _VERDICTS.clear()
    result = tuple(_compute_verdicts(tags, policy))
    _VERDICTS[id(tags)] = (tags, policy, result)
    return result


def _compute_verdicts(tags: TagSet, policy) -> list[Verdict]:
    out = []
    for key in policy.required:
        out.append(_verdict(key, tags, policy))
    # allowed values constrain optional keys too, when they are present
    for key in policy.allowed:
        if key not in policy.required and key in tags.values and not tags.is_hidden(key):
            verdict = _verdict(key, tags, policy)
            if verdict.status in ("not_allowed", "unknown"):
                out.append(verdict)
    return out


def _verdict(key: str, tags: TagSet, policy) -> Verdict:
    if tags.is_hidden(key):
        return Verdict(key, "hidden")
    tag = tags.values.get(key)
    if tag is not None:
        twin = _case_twin(key, tuple(tags.values))
        if twin is not None:
            return Verdict(key, "near_miss", found=twin, value=tags.values[twin].value)
        if not tag.known:
            if key in policy.allowed:
                return Verdict(key, "unknown", reason=tag.unknown_reason, value_only=True)
            return Verdict(key, "pass", reason=tag.unknown_reason)  # present; any value will do
        if not (tag.value or "").strip():
            return Verdict(key, "empty", value=tag.value)
        allowed = policy.allowed.get(key)
        if allowed is not None and not allowed.permits(tag.value):
            return Verdict(key, "not_allowed", value=tag.value)
        return Verdict(key, "pass", value=tag.value)
    near = near_miss(key, [k for k in tags.values if k not in policy.required])
    if near is not None:
        return Verdict(key, "near_miss", found=near, value=tags.values[near].value)
    if not tags.complete:
        return Verdict(key, "unknown", reason=tags.unknown_reason)
    return Verdict(key, "missing")


@lru_cache(maxsize=8192)
def _case_twin(key: str, present: tuple[str, ...]) -> str | None:
    """Another present key that is ``key`` up to case and separators (``Team``, ``TEAM``)."""
    target = _normal(key)
    return next((k for k in present if k != key and _normal(k) == target), None)


@lru_cache(maxsize=4096)
def _normal(key: str) -> str:
    return re.sub(r"[\s_\-:./]", "", key.casefold())


def near_miss(expected: str, present: Iterable[str]) -> str | None:
    """A present key that is probably a misspelling of ``expected``: case, ``_`` vs
    ``-``, separators dropped (``costcenter``), or one edit away (two for long keys)."""
    return _near_miss(expected, tuple(sorted(present)))


@lru_cache(maxsize=8192)  # the same key sets recur on most resources of a repository
def _near_miss(expected: str, present: tuple[str, ...]) -> str | None:
    target = _normal(expected)
    budget = 0 if len(target) < 4 else (1 if len(target) < 10 else 2)
    best = None
    for key in present:
        if key == expected:
            continue
        normal = _normal(key)
        if abs(len(normal) - len(target)) > budget:
            continue  # cannot be within the edit budget: skip the O(n·m) distance
        distance = _distance(normal, target)
        if distance <= budget and (best is None or distance < best[0]):
            best = (distance, key)
    return best[1] if best else None


def _distance(a: str, b: str) -> int:
    """Damerau–Levenshtein (optimal string alignment) distance."""
    if a == b:
        return 0
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _tag_verdicts(resource: Resource, ctx: RuleContext) -> tuple[Verdict, ...]:
    return () if resource.tags is None else verdicts(resource.tags, ctx.policy)


def _placeholder(key: str, policy) -> str:
    allowed = policy.allowed.get(key)
    if allowed is not None and allowed.values:
        return "<" + "|".join(allowed.values) + ">"  # never suggest one: "dev" on a production resource is wrong
    if allowed is not None and allowed.pattern:
        return f"<value matching {allowed.pattern}>"
    return "<value>"


def _fix(resource: Resource, keys: list[str], policy) -> str:
    """Text to paste: a tags map entry, tag blocks for ASG-style types, or — for a resource
    read from the account — the AWS CLI command that tags it."""
    if resource.origin == Origin.AWS:
        pairs = " ".join(shlex.quote(f"{k}={_placeholder(k, policy)}") for k in keys)
        return f"aws resourcegroupstaggingapi tag-resources --resource-arn-list {shlex.quote(resource.address)} --tags {pairs}"
    if resource.type == "aws_autoscaling_group" and not isinstance(resource.attributes.get("tags"), dict):
        return "\n".join(
            f'tag {{\n  key                 = {json.dumps(k)}\n  value               = {json.dumps(_placeholder(k, policy))}\n'
            f"  propagate_at_launch = true\n}}" for k in keys)
    width = max(len(json.dumps(k)) for k in keys)
    lines = [f"  {json.dumps(k).ljust(width)} = {json.dumps(_placeholder(k, policy))}" for k in keys]
    return "tags = {\n" + "\n".join(lines) + "\n}"


def _sources(resource: Resource) -> dict[str, str]:
    return {k: v.source.value for k, v in resource.tags.values.items()} if resource.tags else {}


def check_missing(resource: Resource, ctx: RuleContext) -> Iterable[Hit]:
    missing = [v.key for v in _tag_verdicts(resource, ctx) if v.status == "missing"]
    if not missing:
        return
    note = ""
    if resource.type == "aws_autoscaling_group":
        note = " (provider default_tags do not reach auto scaling groups: use tag blocks)"
    yield Hit(f"missing required tag{'s' if len(missing) > 1 else ''}: {', '.join(missing)}{note}",
              details={"missing": missing, "present": sorted(resource.tags.values)},
              fix=_fix(resource, missing, ctx.policy))


def check_not_allowed(resource: Resource, ctx: RuleContext) -> Iterable[Hit]:
    for v in _tag_verdicts(resource, ctx):
        if v.status == "not_allowed":
            allowed = ctx.policy.allowed[v.key]
            yield Hit(f"tag {v.key}={v.value!r} is not allowed: expected {allowed.describe()}", key=v.key,
                      details={"key": v.key, "found": v.value, "expected": allowed.describe(),
                               "source": _sources(resource).get(v.key)},
                      fix=_fix(resource, [v.key], ctx.policy))


def check_near_miss(resource: Resource, ctx: RuleContext) -> Iterable[Hit]:
    for v in _tag_verdicts(resource, ctx):
        if v.status != "near_miss":
            continue
        sources = _sources(resource)
        if v.key in sources:  # both present: AWS keeps the two keys apart
            yield Hit(f"tag key {v.found!r} ({sources[v.found]}) differs only in case or separators from required key "
                      f"{v.key!r} ({sources[v.key]}): AWS keeps both, and cost reports read one of them", key=v.key,
                      details={"expected": v.key, "found": v.found, "sources": {v.key: sources[v.key], v.found: sources[v.found]}},
                      fix=f"rename the key {json.dumps(v.found)} to {json.dumps(v.key)}")
        else:
            yield Hit(f"tag key {v.found!r} looks like a misspelling of required key {v.key!r}", key=v.key,
                      details={"expected": v.key, "found": v.found},
                      fix=f"rename the key {json.dumps(v.found)} to {json.dumps(v.key)}")


def check_empty(resource: Resource, ctx: RuleContext) -> Iterable[Hit]:
    for v in _tag_verdicts(resource, ctx):
        if v.status == "empty":
            yield Hit(f"required tag {v.key} is present but empty", key=v.key,
                      details={"key": v.key, "source": _sources(resource).get(v.key)},
                      fix=_fix(resource, [v.key], ctx.policy))


def check_unknown(resource: Resource, ctx: RuleContext) -> Iterable[Hit]:
    unknown = [v for v in _tag_verdicts(resource, ctx) if v.status == "unknown"]
    if not unknown:
        return
    keys = [v.key for v in unknown if not v.value_only]
    values = [v.key for v in unknown if v.value_only]
    reasons = sorted({v.reason for v in unknown})
    what = []
    if keys:
        what.append(f"tag{'s' if len(keys) > 1 else ''} {', '.join(keys)}")
    if values:
        what.append(f"the value{'s' if len(values) > 1 else ''} of {', '.join(values)} against the allowed values")
    details = {"unknown": [v.key for v in unknown], "reason": reasons[0], "reasons": {v.key: v.reason for v in unknown}}
    if values:
        details["value_only"] = values  # these keys are present
    yield Hit(f"cannot verify {' or '.join(what)} statically: {'; '.join(reasons)}", details=details)


def check_hidden(resource: Resource, ctx: RuleContext) -> Iterable[Hit]:
    for v in _tag_verdicts(resource, ctx):
        if v.status == "hidden":
            yield Hit(f"required tag {v.key} is hidden by the provider's ignore_tags: Terraform will not set or check it",
                      key=v.key, details={"key": v.key, "provider": resource.provider},
                      fix=f"remove {json.dumps(v.key)} from ignore_tags of provider {resource.provider}")


RULES = (
    Rule("TAG001", "required-tag-missing", Severity.ERROR, Lever.TAGGING,
         "A required cost-allocation tag is missing.",
         """Every taggable resource must carry the tags listed in `tags.required`. The effective
tags are what Terraform will apply: provider `default_tags` merged with the resource's `tags`
(resource wins). `default_tags` do not reach `aws_autoscaling_group` — use `tag {}` blocks.

Example (policy requires team and cost-center):

    resource "aws_s3_bucket" "logs" {
      bucket = "acme-logs"
      tags   = { team = "data" }          # TAG001: missing required tag: cost-center
    }
""", check_missing),
    Rule("TAG002", "tag-value-not-allowed", Severity.ERROR, Lever.TAGGING,
         "A tag value is not in the policy's allowed list or does not match its pattern.",
         """`tags.allowed` constrains values, as a list or `{pattern: REGEX}` (full match).

    tags:
      allowed:
        environment: [dev, test, staging, prod]

    tags = { environment = "development" }   # TAG002: expected one of dev, test, staging, prod
""", check_not_allowed),
    Rule("TAG003", "tag-key-near-miss", Severity.ERROR, Lever.TAGGING,
         "A tag key is a near miss of a required key (case, _ vs -, spelling).",
         """A key like `Team`, `cost_center` or `costcenter` is almost certainly meant to be the
required `team` / `cost-center`. Cost-allocation tags are case-sensitive in AWS billing, so the
near miss does not allocate cost. Reported instead of TAG001 for that key.

    tags = { Team = "ml", cost_center = "cc-1234" }   # TAG003 ×2: rename to team, cost-center

It is reported even when the exact key is there too, from `default_tags`: AWS keeps both `Team`
and `team`, and the bill shows the resource under whichever column the report reads.

    default_tags { tags = { team = "web" } }
    tags = { Team = "payments" }                      # TAG003: Team beside team
""", check_near_miss),
    Rule("TAG004", "required-tag-empty", Severity.ERROR, Lever.TAGGING,
         "A required tag is present but its value is empty.",
         """An empty value allocates nothing. Often it comes from a map with a blank entry:

    for_each = { a = "ml", b = "" }
    tags     = { team = each.value }             # TAG004 on ["b"]
""", check_empty),
    Rule("TAG005", "tags-unknown", Severity.INFO, Lever.TAGGING,
         "Required tags cannot be verified statically; the reason names the reference.",
         """tagcheck never guesses. When a tag's value or the tag map itself depends on something
only known at apply time — a data source, a resource attribute, an unset variable, `file()` —
the key is reported as unknown with that reference. A reusable module scanned on its own
(`tags = merge(var.tags, {...})`) reports "supplied by the caller"; scan the root that calls it,
or a plan (`tagcheck plan`), for a definite answer.

    tags = { team = data.external.owner.result.team }   # TAG005 when team has allowed values

A key written literally is present whatever its value: `team = var.team` with `var.team` unset
passes the presence check, and is TAG005 only when the policy constrains team's values.
""", check_unknown),
    Rule("TAG006", "required-tag-ignored", Severity.WARNING, Lever.TAGGING,
         "A required tag key is hidden by the provider's ignore_tags.",
         """Keys listed in the AWS provider's `ignore_tags { keys / key_prefixes }` are neither set
nor reported by Terraform, so the code cannot guarantee a required tag.

    provider "aws" {
      ignore_tags { keys = ["team"] }    # TAG006 on every resource of this provider
    }
""", check_hidden),
)
