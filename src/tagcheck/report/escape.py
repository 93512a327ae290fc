"""Neutralising untrusted strings (tag keys and values come from users and accounts)."""

from __future__ import annotations

import re

# C0/C1 controls except \n and \t, DEL, and the Unicode bidi/invisible formatting marks
# that can make a terminal show something other than what is there; lone surrogates (an
# HCL "\ud800" escape, a surrogateescape'd file name), which no output encoding can write.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")


def terminal_safe(text: str) -> str:
    """Show control and bidi characters as visible escapes (``\\x1b``, ``\\u202e``)."""
    return _UNSAFE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def one_line(text: str) -> str:
    return terminal_safe(text).replace("\n", "\\n").replace("\t", " ")


# Characters XML 1.0 cannot carry at all besides those ``terminal_safe`` already shows as
# escapes (controls, lone surrogates): the two non-characters U+FFFE/U+FFFF.
_XML_ILLEGAL = re.compile("[\ufffe\uffff]")


def _visible(match: re.Match) -> str:
    return f"\\u{ord(match.group(0)):04x}"


def xml_text(text: str) -> str:
    """Text that is legal XML 1.0 and shows no control or bidi tricks; ``\\n`` and ``\\t`` stay.

    Characters XML forbids (``\\x00``–``\\x08``, ``\\x0b``, ``\\x0c``, ``\\x0e``–``\\x1f``, lone
    surrogates, U+FFFE/U+FFFF) become visible escapes. ``&``, ``<``, ``>`` and quotes are left
    to the serializer (``xml.etree`` escapes them in text and attributes).
    """
    return _XML_ILLEGAL.sub(_visible, terminal_safe(text))


def github_data(text: str) -> str:
    """The message part of a GitHub Actions workflow command (after the second ``::``).

    ``%``, ``\\r`` and ``\\n`` are percent-encoded as the runner expects, so the value stays on
    one line and cannot start a command of its own; control and bidi characters become
    visible escapes first (the log viewer renders ANSI colours).
    """
    return terminal_safe(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """A property value of a workflow command (``file=…,title=…``): as ``github_data`` and
    also ``:`` → ``%3A``, ``,`` → ``%2C`` so it cannot end the property list."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MARKDOWN_CELL = {
    **_HTML,
    "\\": "&#92;",  # an entity, so every remaining backslash below escapes the character after it
    "`": "&#96;",
    "|": "\\|",
    "$": "\\$",  # GitHub renders $…$ as maths
    "@": "&#64;",  # a tag value must not @-mention (and notify) people from a PR comment
    "*": "\\*", "_": "\\_", "~": "\\~", "[": "\\[", "]": "\\]",
    "\n": "<br>",
    "\t": " ",
}
_MARKDOWN_CELL_RE = re.compile("[" + re.escape("".join(_MARKDOWN_CELL)) + "]")


def html_text(text: str) -> str:
    """Element content in HTML (``<pre>``, ``<summary>``; not attribute values): ``& < >`` as
    entities, control and bidi characters as visible escapes. A value cannot open or close
    an element."""
    return re.sub("[&<>]", lambda m: _HTML[m.group(0)], terminal_safe(text))


def markdown_text(text: str) -> str:
    """Inline GitHub-flavoured Markdown that renders as the literal text, on one line.

    HTML-significant characters become entities (no tag can be opened or closed), emphasis,
    link, code and maths punctuation is escaped, ``|`` becomes ``\\|`` (safe in a table
    cell), a newline becomes ``<br>`` and control/bidi characters visible escapes.
    """
    return _MARKDOWN_CELL_RE.sub(lambda m: _MARKDOWN_CELL[m.group(0)], terminal_safe(text))


def markdown_cell(text: str) -> str:
    """One GitHub-flavoured Markdown table cell (``markdown_text``: no unescaped ``|``, no
    line break, no HTML)."""
    return markdown_text(text)
