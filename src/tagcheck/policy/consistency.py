"""Contradictory policies: settings that are each valid but cannot all hold.

The schema checks one value at a time; this checks them together, on the policy as it
stands after ``extends`` are merged (a contradiction often comes from a base and the file
that extends it). "Contradictory" here means that no resource could satisfy the policy,
or that the policy says two incompatible things about the same value:

* **a required key whose allowed values are all blank** (``allowed: {owner: [""]}``):
  an empty value fails TAG004 and any other fails TAG002;
* **one environment value both production and non-production**
  (``environments.production`` — default ``prod, production`` — and
  ``environments.non_production``);
* **two required keys that differ only in case or separators** (``team`` and ``Team``,
  ``cost-center`` and ``cost_center``): tagcheck's near-miss detection treats one as a
  misspelling of the other, and no one means to require both;
* **a tag key that breaks the policy's own** ``tags.key_case`` (``key_case: kebab`` with
  ``required: [CostCenter]``; also allowed-value keys, ``environments.tag`` and
  ``governance.non_production.schedule_tag`` when set).

Not contradictions, on purpose: an allowed list that names environments the
``non_production`` list does not (dead entries, harmless); a rule disabled while keys
are required; an ``ignore`` entry for TAG001 on ``*`` (a blanket exemption, which TC002
reports once it suppresses nothing). The policy has no per-key "ignore", so "a key both
required and ignored" can only arise in Terraform (provider ``ignore_tags``), where it is
finding TAG006.

Each contradiction is a :class:`PolicyError` located in the file being loaded, at the
entry of that file that takes part in it (the offending key or value before the setting
it contradicts), else — when it arises only from merging the bases — at its ``extends``.
A file is checked against what it extends, so a contradiction is reported once, in the
file that brings it in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .errors import PolicyError
from .yamldoc import KeyPath, YamlDocument

DEFAULT_PRODUCTION = ("prod", "production")

_SEGMENT = re.compile(r"[:/.]")
_CASES = {
    "kebab": re.compile(r"[a-z0-9]+(-[a-z0-9]+)*"),
    "snake": re.compile(r"[a-z0-9]+(_[a-z0-9]+)*"),
    "camel": re.compile(r"[a-z][a-zA-Z0-9]*"),
    "pascal": re.compile(r"[A-Z][a-zA-Z0-9]*"),
}


@dataclass(frozen=True)
class Contradiction:
    ident: tuple  # the same contradiction found before and after a merge has the same ident
    message: str
    # where it may be blamed, best first: ("key", path) or ("item", path of a list, value)
    places: tuple[tuple, ...]


def fits_key_case(key: str, case: str | None) -> bool:
    if case in (None, "any"):
        return True
    if case == "lower":
        return key == key.lower()
    if case == "upper":
        return key == key.upper()
    return all(_CASES[case].fullmatch(part) for part in _SEGMENT.split(key) if part)


def _normal(key: str) -> str:
    return re.sub(r"[\s_\-:./]", "", key.casefold())


def contradictions(settings: dict[str, Any]) -> list[Contradiction]:
    tags = settings.get("tags", {})
    required = list(tags.get("required", []))
    allowed = tags.get("allowed", {})
    environments = settings.get("environments", {})
    found: list[Contradiction] = []

    for key in required:
        spec = allowed.get(key)
        if isinstance(spec, list) and spec and all(not str(v).strip() for v in spec):
            found.append(Contradiction(
                ("blank-allowed", key),
                f"tag {key!r} is required but its only allowed value is blank: an empty value fails TAG004 "
                "and any other value fails TAG002",
                (("key", ("tags", "allowed", key)), ("item", ("tags", "required"), key))))

    production = environments.get("production", list(DEFAULT_PRODUCTION))
    default_note = "" if "production" in environments else " (environments.production defaults to prod, production)"
    for value in environments.get("non_production", []):
        if value in production:
            found.append(Contradiction(
                ("prod-and-nonprod", value),
                f"environment {value!r} is listed both as production and as non-production{default_note}",
                (("item", ("environments", "non_production"), value), ("item", ("environments", "production"), value))))

    seen: dict[str, str] = {}
    for key in required:
        other = seen.setdefault(_normal(key), key)
        if other != key:
            found.append(Contradiction(
                ("same-key", other, key),
                f"required tags {other!r} and {key!r} differ only in case or separators; tagcheck treats one as a "
                "misspelling of the other (TAG003), so a resource cannot satisfy both cleanly",
                (("item", ("tags", "required"), key), ("item", ("tags", "required"), other))))

    case = tags.get("key_case")
    if case not in (None, "any"):
        keys: list[tuple[str, tuple]] = [(k, ("item", ("tags", "required"), k)) for k in required]
        keys += [(k, ("key", ("tags", "allowed", k))) for k in allowed if k not in required]
        if "tag" in environments:
            keys.append((environments["tag"], ("key", ("environments", "tag"))))
        schedule = settings.get("governance", {}).get("non_production", {}).get("schedule_tag")
        if schedule is not None:
            keys.append((schedule, ("key", ("governance", "non_production", "schedule_tag"))))
        for key, place in keys:
            if not fits_key_case(key, case):
                found.append(Contradiction(
                    ("key-case", case, key),
                    f"tag key {key!r} does not follow the policy's own key_case: {case}",
                    (place, ("key", ("tags", "key_case")))))
    return found


def check_merge(doc: YamlDocument, bases: list[dict[str, Any]], after: dict[str, Any]) -> list[PolicyError]:
    """Contradictions that ``doc`` brings to the policy: present in ``after`` (its bases
    merged, then ``doc``) and in none of its bases taken alone — each base was checked
    when it was loaded. One that only the merge of two bases brings is ``doc``'s too."""
    known = {c.ident for base in bases for c in contradictions(base)}
    errors = []
    for item in contradictions(after):
        if item.ident in known:
            continue
        path = next((p for p in (_locate(doc, place) for place in item.places) if p is not None), None)
        if path is None:  # only the merge of the bases brings it: blame the extends
            path = ("extends",) if "extends" in doc.data else ()
            message = f"contradictory policy (from the policies it extends): {item.message}"
        else:
            message = f"contradictory policy: {item.message}"
        errors.append(doc.error(path, message))
    return errors


def _locate(doc: YamlDocument, place: tuple) -> KeyPath | None:
    """The path of ``place`` in this document, when this document sets it."""
    if place[0] == "key":
        path = place[1]
        node: Any = doc.data
        for part in path:
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return path
    _, list_path, value = place
    node = doc.data
    for part in list_path:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if isinstance(node, list) and value in node:
        return (*list_path, node.index(value))
    return None
