"""What an evaluated Terraform expression can be, and Terraform's conversions between values.

Values are Python values: str, int, float, bool, None, list, dict — plus two kinds of
not-fully-known values:

* :class:`~tagcheck.model.Unknown` — nothing is known; ``reason`` names the reference.
* :class:`PartialMap` — a map whose listed keys are certain but which may hold more keys
  that could not be evaluated (``merge(var.tags, {team = "x"})`` with ``var.tags``
  unknown). This is what lets tagcheck say *team: pass, cost-center: unknown because
  of var.tags* instead of guessing.

Kept apart from the evaluator so that reading evaluated roots back from the cache (a warm
run) does not import the evaluator and its function library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from tagcheck.model import Unknown


@dataclass(frozen=True)
class PartialMap:
    known: Mapping[str, Any]
    reason: str  # why further keys may exist


class EvalError(Exception):
    """A Terraform evaluation error (what ``try()`` catches): missing key, bad type…"""


class CycleError(EvalError):
    pass


def is_known(value: Any) -> bool:
    """True when a value holds no unknown anywhere inside it."""
    if isinstance(value, (Unknown, PartialMap)):
        return False
    if isinstance(value, dict):
        return all(is_known(v) for v in value.values())
    if isinstance(value, list):
        return all(is_known(v) for v in value)
    return True


def first_unknown(value: Any) -> Unknown | None:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, PartialMap):
        return Unknown(value.reason)
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = first_unknown(item)
            if found is not None:  # an Unknown is falsy
                return found
    return None


def show(value: Any) -> str:
    return type(value).__name__ if isinstance(value, (dict, list)) else repr(value)


def to_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float, str)):
        return str(value)
    if value is None:
        raise EvalError("cannot convert null to string")
    raise EvalError(f"cannot convert {type(value).__name__} to string")


def to_bool(value: Any) -> bool:
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    raise EvalError(f"a bool is required, not {show(value)}")


def to_number(value: Any) -> float | int:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise EvalError(f"a number is required, not {show(value)}")
    if isinstance(value, (int, float)):
        return value
    text = value.strip()
    try:
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        if _NUMBER.fullmatch(text):  # not Python's "nan", "inf", "1_000"
            return float(text)
    except ValueError:  # over 4,300 digits
        pass
    raise EvalError(f"a number is required, not {show(value)}")


_NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def whole_number(value: Any) -> int:
    """A number used as a count, an index or a length (ValueError/OverflowError for nan/inf)."""
    number = to_number(value)
    return number if isinstance(number, int) else int(number)
