"""Usage the code cannot show: a YAML usage file (``--usage-file``, or the policy's
``cost.usage``) gives the quantities that usage-based charges need, per resource or per type.

    version: 1
    resource_usage:                       # by address, as tagcheck reports it
      module.logs.aws_s3_bucket.this:
        storage_gb: 5000
      aws_nat_gateway.main[0]:
        data_processed_gb: 800
    resource_type_default_usage:          # every resource of the type that has no entry above
      aws_cloudwatch_log_group:
        ingested_gb: 10
        stored_gb: 50

What each type takes (:data:`USAGE_KEYS`) is what the price catalogue can price: S3 storage
(GB-months in the bucket's storage class, ``STANDARD`` unless ``storage_class`` says), NAT
gateway data processed, CloudWatch Logs ingested and stored. A type or a key the catalogue
cannot price is an error naming the file and line, not a silent zero: Lambda requests,
DynamoDB on-demand and data transfer need per-unit prices the catalogue does not have yet.
Without a usage file these charges stay excluded, named in the estimate, and never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

# type → the quantities it takes, and what each is
USAGE_KEYS: dict[str, dict[str, str]] = {
    "aws_s3_bucket": {"storage_gb": "GB stored (average over the month)",
                      "storage_class": "the storage class of those GB (default STANDARD)"},
    "aws_nat_gateway": {"data_processed_gb": "GB processed a month"},
    "aws_cloudwatch_log_group": {"ingested_gb": "GB ingested a month", "stored_gb": "GB stored (archived)"},
}
_TEXT_KEYS = {"storage_class"}


class UsageError(Exception):
    """A usage file that cannot be read or says something tagcheck cannot price (exit 2)."""


@dataclass(frozen=True)
class Usage:
    by_address: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    by_type: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    source: str | None = None

    def of(self, resource) -> Mapping[str, Any]:
        """The quantities given for one resource (its own entry, else its type's)."""
        return self.by_address.get(resource.address) or self.by_type.get(resource.type) or {}


NO_USAGE = Usage()


def load_usage(path: Path) -> Usage:
    from tagcheck.policy.errors import PolicyError
    from tagcheck.policy.yamlread import read_yaml_document

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the usage file: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        doc = read_yaml_document(text, str(path))
    except PolicyError as exc:
        raise UsageError(str(exc)) from None
    return parse_usage(doc.data, str(path), doc.lines)


def parse_usage(data: Any, source: str, lines: Mapping[tuple, int] | None = None) -> Usage:
    """A usage mapping (the file's document, or the policy's ``cost.usage`` mapping) → Usage."""
    lines = lines or {}

    def fail(key_path: tuple, message: str) -> UsageError:
        line = lines.get(key_path) or lines.get(key_path[:-1])
        where = f"{source}:{line}" if line else source
        return UsageError(f"{where}: {'.'.join(map(str, key_path)) + ': ' if key_path else ''}{message}")

    if not isinstance(data, dict):
        raise fail((), "a usage file is a mapping with version, resource_usage and resource_type_default_usage")
    unknown = set(data) - {"version", "resource_usage", "resource_type_default_usage"}
    if unknown:
        raise fail((sorted(unknown)[0],), "unknown key (expected version, resource_usage, resource_type_default_usage)")
    if data.get("version", 1) != 1:
        raise fail(("version",), "only version 1 is supported")
    by_type = {}
    for rtype, quantities in (data.get("resource_type_default_usage") or {}).items():
        by_type[rtype] = _quantities(rtype, quantities, ("resource_type_default_usage", rtype), fail)
    by_address = {}
    for address, quantities in (data.get("resource_usage") or {}).items():
        rtype = _type_of(str(address))
        if rtype is None:
            raise fail(("resource_usage", address), "not a resource address (TYPE.NAME, maybe with module. and [key])")
        by_address[str(address)] = _quantities(rtype, quantities, ("resource_usage", address), fail)
    return Usage(by_address, by_type, source)


def _type_of(address: str) -> str | None:
    """The resource type of an address: ``module.a["x"].aws_s3_bucket.logs[0]`` → aws_s3_bucket."""
    import re

    match = re.search(r'(?:^|\.)(aws_[a-z0-9_]+)\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?$', address)
    return match.group(1) if match else None


def _quantities(rtype: str, quantities: Any, key_path: tuple, fail) -> dict[str, Any]:
    keys = USAGE_KEYS.get(rtype)
    if keys is None:
        raise fail(key_path, f"usage of {rtype} is not priced (usage is read for: {', '.join(sorted(USAGE_KEYS))})")
    if not isinstance(quantities, dict):
        raise fail(key_path, f"expected a mapping of {', '.join(keys)}")
    out = {}
    for key, value in quantities.items():
        if key not in keys:
            raise fail(key_path + (key,), f"unknown quantity for {rtype} (expected one of: {', '.join(keys)})")
        if key in _TEXT_KEYS:
            if not isinstance(value, str):
                raise fail(key_path + (key,), "expected a storage class name such as STANDARD or GLACIER_IR")
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise fail(key_path + (key,), "expected a number ≥ 0")
        out[key] = value
    return out
