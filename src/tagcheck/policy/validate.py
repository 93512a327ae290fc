"""Check one policy file: the shipped JSON Schema, then what a schema cannot say.

jsonschema is imported inside :func:`schema_errors` only: it costs ~0.1 s to import,
and the pre-commit path must not pay that just for importing this package.
"""

from __future__ import annotations

import datetime
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Mapping

from .errors import PolicyError
from .yamldoc import KeyPath, YamlDocument

SCHEMA_PATH = Path(__file__).with_name("schema.json")
RULE_KEYS = ("enabled", "severity")  # under rules.ID; everything else is an option

_TYPE_NAMES = {
    "string": "a string",
    "array": "a list",
    "object": "a mapping",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


@lru_cache(maxsize=1)
def policy_schema() -> dict[str, Any]:
    """The policy file's JSON Schema (draft 2020-12), as shipped in the package."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validate_document(doc: YamlDocument, rule_schemas: Mapping[str, dict] | None = None) -> None:
    """Raise the first problem of ``doc`` (by line) as a :class:`PolicyError`, if any."""
    errors = schema_errors(doc.data, policy_schema(), doc)
    if not errors:  # the checks below rely on the shape the schema guarantees
        errors = [*value_errors(doc), *rule_errors(doc, rule_schemas)]
    raise_first(errors)


def raise_first(errors: list[PolicyError]) -> None:
    # On one line, a missing required key is often the misspelt one that is also
    # reported as unknown; the unknown one is the better message, so it goes first.
    unique = {(e.line or 0, e.message.startswith("required key"), e.key or "", e.message): e for e in errors}
    if not unique:
        return
    ordered = [unique[k] for k in sorted(unique)]
    first = ordered[0]
    raise PolicyError(
        first.message, file=first.file, line=first.line, key=first.key, further_errors=tuple(ordered[1:])
    )


def schema_errors(
    instance: Any, schema: Mapping[str, Any], doc: YamlDocument, prefix: KeyPath = ()
) -> list[PolicyError]:
    """Every violation of ``schema`` by ``instance`` (found at ``prefix`` in ``doc``)."""
    from jsonschema import Draft202012Validator  # deliberately late: see module docstring

    validator = Draft202012Validator(schema)
    return [problem for error in validator.iter_errors(instance) for problem in _explain(error, doc, prefix)]


def _explain(error: Any, doc: YamlDocument, prefix: KeyPath) -> Iterator[PolicyError]:
    """Turn one jsonschema error into located, readable PolicyErrors."""
    path: KeyPath = (*prefix, *error.absolute_path)
    kind, expected, value, schema = error.validator, error.validator_value, error.instance, error.schema
    if "propertyNames" in error.absolute_schema_path:
        # The offending value *is* the key; point at it, not at its parent mapping.
        detail = f"expected {schema['x-expected']}" if "x-expected" in schema else _message(error)
        yield doc.error((*path, value), f"invalid key {_show(value)}: {detail}")
    elif kind == "additionalProperties" and expected is False:
        known = list(schema.get("properties", {}))
        for name in value:
            if name not in known and not any(re.search(p, name) for p in schema.get("patternProperties", {})):
                hint = did_you_mean(name, known, list_if_few=True)
                yield doc.error((*path, name), f"unknown key {_show(name)}{hint}")
    elif kind == "required":
        for name in expected:
            if name not in value:
                yield doc.error((*path, name), f"required key {_show(name)} is missing")
    elif kind == "uniqueItems":
        seen: list[Any] = []
        for index, item in enumerate(value):
            if item in seen:
                yield doc.error((*path, index), f"duplicate entry {_show(item)}")
            seen.append(item)
    else:
        yield doc.error(path, _message(error))


def _message(error: Any) -> str:
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "type":
        names = [expected] if isinstance(expected, str) else list(expected)
        message = f"expected {' or '.join(_TYPE_NAMES.get(n, n) for n in names)}, got {_show(value)}"
        if "string" in names and isinstance(value, (bool, int, float)):
            message += "; quote it to keep it as text"  # YAML reads yes/no/on as booleans
        return message
    if kind == "const":
        return f"must be {json.dumps(expected)}, got {_show(value)}"
    if kind == "enum":
        return f"must be one of {', '.join(str(v) for v in expected)}; got {_show(value)}"
    if kind == "pattern":
        wanted = error.schema.get("x-expected") or f"text matching {expected}"
        return f"expected {wanted}, got {_show(value)}"
    if kind == "minLength":
        return "must not be empty" if expected == 1 else f"must be at least {expected} characters"
    if kind == "maxLength":
        return f"must be at most {expected} characters (it has {len(value)})"
    if kind == "minItems":
        return "must list at least one value" if expected == 1 else f"must list at least {expected} values"
    return error.message


def _show(value: Any) -> str:
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return repr(text)
    if isinstance(value, (dict, list)):
        return _TYPE_NAMES["object" if isinstance(value, dict) else "array"]
    return json.dumps(value) if isinstance(value, (bool, int, float, type(None))) else repr(value)


def did_you_mean(word: str, candidates: list[str], *, list_if_few: bool = False) -> str:
    """`` (did you mean 'tags'?)``; else, for a short list, the names that would do."""
    import difflib  # only on the error path

    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    if not close:
        close = [c for c in candidates if c.lower() == word.lower()]
    if close:
        return f" (did you mean '{close[0]}'?)"
    if list_if_few and 0 < len(candidates) <= 10:
        return f" (expected one of: {', '.join(candidates)})"
    return ""


def value_errors(doc: YamlDocument) -> Iterator[PolicyError]:
    """Regexes that do not compile and dates that do not exist."""
    data = doc.data
    for tag, allowed in data.get("tags", {}).get("allowed", {}).items():
        if isinstance(allowed, dict):
            try:
                re.compile(allowed["pattern"])
            except re.error as exc:
                yield doc.error(("tags", "allowed", tag, "pattern"), f"invalid regular expression: {exc}")
            except (OverflowError, RecursionError) as exc:  # a{99999999999}, 1,000 nested groups
                reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
                yield doc.error(("tags", "allowed", tag, "pattern"), f"invalid regular expression: {reason}")
    for index, entry in enumerate(data.get("ignore", [])):
        if "expires" in entry:
            try:
                datetime.date.fromisoformat(entry["expires"])
            except ValueError as exc:
                message = f"invalid date {_show(entry['expires'])}: {exc}"
                yield doc.error(("ignore", index, "expires"), message)


def rule_errors(doc: YamlDocument, rule_schemas: Mapping[str, dict] | None) -> Iterator[PolicyError]:
    """Bad rule options, when the caller knows the rules.

    An unknown rule id with only ``severity``/``enabled`` is accepted (a policy shared with
    another tagcheck version may name rules this one does not have; the CLI notes it); one
    with options is an error, since those options would silently do nothing."""
    if rule_schemas is None:
        return
    known = sorted(rule_schemas)
    for rule_id, config in doc.data.get("rules", {}).items():
        if rule_id not in rule_schemas:
            if set(config) - set(RULE_KEYS):
                message = f"unknown rule {_show(rule_id)}{did_you_mean(rule_id, known)}"
                yield doc.error(("rules", rule_id), message)
            continue
        options = {k: v for k, v in config.items() if k not in RULE_KEYS}
        yield from schema_errors(options, rule_schemas[rule_id], doc, ("rules", rule_id))
