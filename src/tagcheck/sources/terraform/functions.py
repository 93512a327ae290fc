"""Terraform's built-in functions, as far as tagcheck models them (DESIGN.md §2).

Each takes evaluated values; an unknown argument makes most results unknown
(:func:`known_args`); ``merge``, ``lookup``, ``concat``… keep what is certain. A function
given values it does not take raises anything: the evaluator turns that into an
``EvalError`` naming the function. Functions that read files, the clock or randomness are
never evaluated (:data:`NEVER_READ`).
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable

from tagcheck.model import Unknown
from tagcheck.sources.terraform.values import (
    EvalError, PartialMap, first_unknown, show, to_bool, to_number, to_string, whole_number,
)

# Functions that read files, the clock or randomness: never evaluated (DESIGN.md §2).
NEVER_READ = {"file", "fileexists", "fileset", "filebase64", "filebase64sha256", "filebase64sha512",
               "filemd5", "filesha1", "filesha256", "filesha512", "templatefile", "timestamp",
               "plantimestamp", "uuid", "bcrypt", "uuidv5"}


def known_args(fn: Callable) -> Callable:
    """Wrap a function so any unknown argument makes the result unknown."""

    def wrapper(*args: Any) -> Any:
        for arg in args:
            unknown = first_unknown(arg)
            if unknown is not None:
                return unknown
        return fn(*args)

    return wrapper


def _merge(*maps: Any) -> Any:
    """merge() keeping what is certain when some arguments are unknown."""
    known: dict[str, Any] = {}
    reason: str | None = None
    for m in maps:
        if m is None:
            continue
        if isinstance(m, Unknown):
            # any key seen so far may now be overridden: present, value unknown
            known = {k: m for k in known}
            reason = m.reason
            continue
        if isinstance(m, PartialMap):
            known = {k: Unknown(m.reason) for k in known}
            known.update(m.known)
            reason = m.reason
            continue
        if not isinstance(m, dict):
            raise EvalError(f"merge() arguments must be maps, not {type(m).__name__}")
        known.update(m)
    return PartialMap(known, reason) if reason is not None else known


def _lookup_fn(m: Any, key: Any, *default: Any) -> Any:
    if isinstance(key, (Unknown, PartialMap)):
        return first_unknown(key)
    if isinstance(m, Unknown):
        return m
    if isinstance(m, PartialMap):
        if key in m.known:
            return m.known[key]
        return Unknown(m.reason)
    if not isinstance(m, dict):
        raise EvalError("lookup() needs a map")
    if key in m:
        return m[key]
    if default:
        return default[0]
    raise EvalError(f"lookup(): key {key!r} not found and no default")


def _coalesce(*args: Any) -> Any:
    for arg in args:
        if isinstance(arg, (Unknown, PartialMap)):
            return first_unknown(arg)
        if arg is not None and arg != "":
            return arg
    raise EvalError("coalesce(): no non-null, non-empty argument")


def _coalescelist(*args: Any) -> Any:
    for arg in args:
        if isinstance(arg, Unknown):
            return arg
        if arg:
            return arg
    raise EvalError("coalescelist(): all lists are empty")


def _tomap(value: Any) -> Any:
    if isinstance(value, (Unknown, PartialMap)) or value is None:
        return value
    if not isinstance(value, dict):
        raise EvalError("tomap() needs an object or map")
    return {k: to_string(v) if isinstance(v, (int, float, bool)) else v for k, v in value.items()}


def _concat(*lists: Any) -> Any:
    out: list = []
    for item in lists:
        if isinstance(item, (Unknown, PartialMap)):
            return first_unknown(item)
        out.extend(item)
    return out


def _length(value: Any) -> Any:
    if isinstance(value, PartialMap):
        return Unknown(value.reason)
    if isinstance(value, Unknown):
        return value
    return len(value)


def _keys(value: Any) -> Any:
    if isinstance(value, (Unknown, PartialMap)):
        return first_unknown(value)
    return sorted(value)


def _values(value: Any) -> Any:
    if isinstance(value, (Unknown, PartialMap)):
        return first_unknown(value)
    return [value[k] for k in sorted(value)]


def _format(fmt: str, *args: Any) -> str:
    it = iter(args)

    def repl(m: re.Match) -> str:
        if m.group(0) == "%%":
            return "%"
        value = next(it)
        verb = m.group(0)[-1]
        return to_string(value) if verb in "sv" else (m.group(0) % value)

    return re.sub(r"%%|%[-+ #0]*\d*(?:\.\d+)?[sdvfgetxXob]", repl, fmt)


def _flatten(value: list) -> list:
    out: list = []
    for item in value:
        out.extend(_flatten(item) if isinstance(item, list) else [item])
    return out


def _distinct(value: list) -> list:
    out: list = []
    for item in value:
        if item not in out:
            out.append(item)
    return out


def _zipmap(keys: list, values: list) -> dict:
    return {to_string(k): v for k, v in zip(keys, values)}


def _element(value: list, index: Any) -> Any:
    if not value:
        raise EvalError("element() of an empty list")
    return value[whole_number(index) % len(value)]


def _tolist(value: Any) -> Any:
    if isinstance(value, (Unknown, PartialMap)):
        return first_unknown(value)
    return list(value)


def _toset(value: Any) -> Any:
    if isinstance(value, (Unknown, PartialMap)):
        return first_unknown(value)
    return _distinct(sorted(value, key=lambda v: (str(type(v)), v)) if all(isinstance(v, str) for v in value) else list(value))


def _jsondecode(text: Any) -> Any:
    if not isinstance(text, str):
        raise EvalError(f"jsondecode() needs a string, not {show(text)}")
    try:
        return json.loads(text)
    except ValueError as exc:
        raise EvalError(f"jsondecode(): invalid JSON ({exc.msg} at offset {exc.pos})") from None


def _jsonencode(value: Any) -> str:
    # Terraform writes object attributes in lexical order, without spaces
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _bad_args(name: str):
    raise EvalError(f"{name}(): invalid arguments")


def _one(items: Any) -> Any:
    if not isinstance(items, list):
        raise EvalError(f"one() needs a list or set, not {show(items)}")
    if len(items) > 1:
        raise EvalError(f"one(): the list has {len(items)} elements, at most one is allowed")
    return items[0] if items else None


def _strings(items: Any, name: str) -> list[str]:
    if not isinstance(items, list):
        raise EvalError(f"{name}() needs a list or set, not {show(items)}")
    return [to_string(i) for i in items]


def _set_op(name: str, combine: Callable[[set, set], set]) -> Callable[..., list]:
    """setintersection/setunion/setsubtract of string sets: a set of strings is in lexical order."""
    def op(first: Any, *rest: Any) -> list:
        result = set(_strings(first, name))
        for other in rest:
            result = combine(result, set(_strings(other, name)))
        return sorted(result)
    return op


def _basename(path: str) -> str:
    """Go's filepath.Base, which Terraform uses: trailing slashes do not count."""
    stripped = path.rstrip("/")
    if not stripped:
        return "/" if path else "."
    return stripped.rsplit("/", 1)[-1]


def _dirname(path: str) -> str:
    """Go's filepath.Dir: everything before the last element, cleaned ("." when none)."""
    import posixpath

    head = path[: path.rfind("/") + 1] if "/" in path else ""
    cleaned = posixpath.normpath(head) if head else "."
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


def _captures(match: re.Match) -> Any:
    """regex()'s result: the match without groups, a map of named groups, else a list."""
    if match.re.groupindex:
        return {name: match.group(name) for name in match.re.groupindex}
    if match.re.groups:
        return list(match.groups())
    return match.group(0)


def _regex(pattern: str, text: str) -> Any:
    match = re.search(pattern, text)
    if match is None:
        raise EvalError("regex(): the pattern did not match")
    return _captures(match)


def _formatlist(fmt: str, *args: Any) -> list:
    lengths = {len(a) for a in args if isinstance(a, list)}
    if len(lengths) > 1:
        raise EvalError("formatlist(): the lists must all have the same length")
    count = lengths.pop() if lengths else 1
    return [_format(fmt, *(a[i] if isinstance(a, list) else a for a in args)) for i in range(count)]


def _cidrsubnet(prefix: str, newbits: Any, netnum: Any) -> str:
    import ipaddress

    network = ipaddress.ip_network(prefix, strict=False)
    bits, number = whole_number(newbits), whole_number(netnum)
    length = network.prefixlen + bits
    if bits < 0 or length > network.max_prefixlen or not 0 <= number < 2 ** bits:
        raise EvalError(f"cidrsubnet(): cannot make subnet {number} of {bits} more bits in {prefix}")
    address = network.network_address + number * 2 ** (network.max_prefixlen - length)
    return f"{address}/{length}"


def _bools(items: Any, name: str) -> list[bool]:
    if not isinstance(items, list):
        raise EvalError(f"{name}() needs a list, not {show(items)}")
    return [i if isinstance(i, bool) else to_bool(i) for i in items]


def _slice(items: Any, start: Any, end: Any) -> list:
    first, last = whole_number(start), whole_number(end)
    if not isinstance(items, list) or not 0 <= first <= last <= len(items):
        _bad_args("slice")
    return items[first:last]


def _base64encode(text: str) -> str:
    import base64

    return base64.b64encode(text.encode()).decode("ascii")


def _base64decode(text: str) -> str:
    import base64
    import binascii

    try:
        return base64.b64decode(text, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise EvalError("base64decode(): not base64 of UTF-8 text") from None


def _sum(items: Any) -> Any:
    if not isinstance(items, list) or not items:
        raise EvalError("sum() needs a non-empty list of numbers")
    return sum(to_number(i) for i in items)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "one": known_args(_one),
    "sort": known_args(lambda items: sorted(_strings(items, "sort"))),
    "reverse": known_args(lambda items: list(reversed(items)) if isinstance(items, list) else _bad_args("reverse")),
    "slice": known_args(_slice),
    "setintersection": known_args(_set_op("setintersection", set.intersection)),
    "setunion": known_args(_set_op("setunion", set.union)),
    "setsubtract": known_args(_set_op("setsubtract", set.difference)),
    "basename": known_args(lambda p: _basename(to_string(p))),
    "dirname": known_args(lambda p: _dirname(to_string(p))),
    "startswith": known_args(lambda s, prefix: to_string(s).startswith(to_string(prefix))),
    "endswith": known_args(lambda s, suffix: to_string(s).endswith(to_string(suffix))),
    "strcontains": known_args(lambda s, part: to_string(part) in to_string(s)),
    "regex": known_args(lambda pattern, s: _regex(to_string(pattern), to_string(s))),
    "regexall": known_args(lambda pattern, s: [_captures(m) for m in re.finditer(to_string(pattern), to_string(s))]),
    "formatlist": known_args(_formatlist),
    "cidrsubnet": known_args(lambda prefix, newbits, netnum: _cidrsubnet(to_string(prefix), newbits, netnum)),
    "alltrue": known_args(lambda items: all(_bools(items, "alltrue"))),
    "anytrue": known_args(lambda items: any(_bools(items, "anytrue"))),
    "sum": known_args(_sum),
    "base64encode": known_args(lambda s: _base64encode(to_string(s))),
    "base64decode": known_args(lambda s: _base64decode(to_string(s))),
    # sensitivity is not a value: the same string either way
    "sensitive": lambda value: value,
    "nonsensitive": lambda value: value,
    "merge": _merge,
    "jsondecode": known_args(_jsondecode),
    "jsonencode": known_args(_jsonencode),
    "lookup": _lookup_fn,
    "coalesce": _coalesce,
    "coalescelist": _coalescelist,
    "tomap": _tomap,
    "concat": _concat,
    "length": _length,
    "keys": _keys,
    "values": _values,
    "tolist": _tolist,
    "toset": _toset,
    "lower": known_args(lambda s: to_string(s).lower()),
    "upper": known_args(lambda s: to_string(s).upper()),
    "title": known_args(lambda s: to_string(s).title()),
    "trimspace": known_args(lambda s: to_string(s).strip()),
    "trim": known_args(lambda s, chars: to_string(s).strip(chars)),
    "trimprefix": known_args(lambda s, p: s[len(p):] if s.startswith(p) else s),
    "trimsuffix": known_args(lambda s, p: s[: -len(p)] if p and s.endswith(p) else s),
    "replace": known_args(lambda s, old, new: s.replace(old, new) if not (old.startswith("/") and old.endswith("/") and len(old) > 1)
                           else re.sub(old[1:-1], re.sub(r"\$(\d)", r"\\\1", new), s)),
    "substr": known_args(lambda s, off, n: s[off:] if n < 0 else s[off:off + n]),
    "join": known_args(lambda sep, items: sep.join(to_string(i) for i in items)),
    "split": known_args(lambda sep, s: s.split(sep)),
    "format": known_args(_format),
    "tostring": known_args(lambda v: v if v is None else to_string(v)),
    "tonumber": known_args(lambda v: v if v is None else to_number(v)),
    "tobool": known_args(lambda v: v if isinstance(v, bool) or v is None else to_bool(v)),
    "contains": known_args(lambda items, v: v in items),
    "flatten": known_args(_flatten),
    "distinct": known_args(_distinct),
    "compact": known_args(lambda items: [i for i in items if i not in (None, "")]),
    "zipmap": known_args(_zipmap),
    "element": known_args(_element),
    "min": known_args(lambda *a: min(to_number(x) for x in a)),
    "max": known_args(lambda *a: max(to_number(x) for x in a)),
    "abs": known_args(lambda x: abs(to_number(x))),
    "ceil": known_args(lambda x: -int(-to_number(x) // 1)),
    "floor": known_args(lambda x: int(to_number(x) // 1)),
}
