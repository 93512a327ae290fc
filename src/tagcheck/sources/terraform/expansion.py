"""count and for_each instances: Terraform's instance keys, and the blocks that evaluated to
no instance at all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tagcheck.model import Location


@dataclass(frozen=True)
class ZeroInstances:
    """A resource or module block whose count / for_each evaluated to no instance at all:
    nothing of it is checked, so the scan says so (with the expression and its value)."""

    address: str  # Terraform's address of the block, without an instance key
    kind: str  # "resource" | "module"
    location: Location
    expression: str  # e.g. "count = local.is_development ? 1 : 0"
    value: str  # what it evaluated to: "0", "{}", "[]"
    chain: tuple[str, ...]  # the module directories it was evaluated through, root first


def instance_key(key: Any) -> str:
    """``[0]`` or ``["key"]`` exactly as Terraform prints instance keys (an HCL quoted
    string: printable characters as they are, quotes, backslashes, controls and template
    introducers escaped)."""
    if isinstance(key, int) and not isinstance(key, bool):
        return f"[{key}]"
    text = str(key)
    out = []
    for i, ch in enumerate(text):
        nxt = text[i + 1:i + 2]
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in _CONTROL_ESCAPES:
            out.append(_CONTROL_ESCAPES[ch])
        elif ch in "$%" and nxt == "{":
            out.append(ch + ch)
        elif not ch.isprintable() and ch != " ":
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return '["' + "".join(out) + '"]'


_CONTROL_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
