"""Neutralising untrusted strings (tag keys and values come from users and accounts)."""

from __future__ import annotations

import re

# C0/C1 controls except \n and \t, DEL, and the Unicode bidi/invisible formatting marks
# that can make a terminal show something other than what is there.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def terminal_safe(text: str) -> str:
    """Show control and bidi characters as visible escapes (``\\x1b``, ``\\u202e``)."""
    return _UNSAFE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def one_line(text: str) -> str:
    return terminal_safe(text).replace("\n", "\\n").replace("\t", " ")
