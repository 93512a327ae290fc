"""The plain form of parsed Terraform: blocks of attributes holding expression tuples, and
what parsing a file gave (typed: :class:`FileParse`, :class:`ParseFailure`,
:class:`ParserCrash`; a tfvars file's attributes are a dict).

Kept apart from parser.py (which imports hcl2) so that cached parses can be used, and
evaluated, without importing hcl2 or lark at all. Only reading or writing a parse needs this
module: a warm run, whose roots all come from the cache, does not import it.

The cache holds parses as plain data — ``marshal`` cannot hold class instances —, converted
at that boundary by :func:`to_cached` / :func:`from_cached` in the format of cache.py's
``PLAIN_FORM_VERSION``: ``("ok", blocks, call summary)``, or ``("ok", attributes)`` for a
tfvars file, and ``("error", message, line, column)``. A crash of the parser adapter is never
cached: a fixed tagcheck parses again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

# Blocks and expressions (and JSON values) nested deeper than this are not read: see
# parser.py. Kept here so that modules that must not import hcl2 share the number.
MAX_NESTING = 128


def nesting_depth(value: Any) -> int:
    """How deeply lists and dicts nest in a plain value (computed without recursion)."""
    deepest = 0
    todo = [(value, 0)]
    while todo:
        item, depth = todo.pop()
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            todo.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            todo.extend((v, depth + 1) for v in item)
    return deepest


class TooDeep(Exception):
    """Raised where nesting crosses MAX_NESTING; the parser turns it into a ParseError
    (:func:`too_deep_error`) at the outermost call, so no RecursionError is ever reached."""

    def __init__(self, line: int | None):
        super().__init__(line)
        self.line = line


def too_deep_error(line: int | None) -> "ParseError":
    return ParseError(f"nested more than {MAX_NESTING} levels deep (blocks, brackets, parentheses or "
                      "operators); tagcheck does not read configurations this deep", line)


@dataclass
class Block:
    type: str
    labels: tuple[str, ...]
    line: int
    end_line: int
    attrs: dict[str, tuple[Any, int]] = field(default_factory=dict)  # name -> (expr, line)
    blocks: list["Block"] = field(default_factory=list)

    def to_plain(self) -> tuple:
        return (self.type, self.labels, self.line, self.end_line, self.attrs, [b.to_plain() for b in self.blocks])

    @classmethod
    def from_plain(cls, plain: tuple) -> "Block":
        type_, labels, line, end_line, attrs, blocks = plain
        return cls(type_, tuple(labels), line, end_line, dict(attrs), [cls.from_plain(b) for b in blocks])


class ParseError(Exception):
    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


# --- what parsing a file gave ----------------------------------------------------------------
# A .tf / .tf.json file: FileParse | ParseFailure | ParserCrash. A tfvars file: its attributes
# (a dict: name → (expression, line)) | ParseFailure. Picklable (to and from worker processes).

class FileParse(NamedTuple):
    """A Terraform file parsed: its top-level blocks in plain form (:meth:`Block.to_plain`)
    and their call summary (``moduledir.call_summary``)."""

    blocks: list
    summary: tuple


class ParseFailure(NamedTuple):
    """Text that does not parse (TC001 at the parser's position): a :class:`ParseError` as data."""

    message: str
    line: int | None
    column: int | None


class ParserCrash(NamedTuple):
    """A bug in the parser adapter (TC000 naming the exception; never cached)."""

    exception: str  # the exception's type name
    message: str
    where: str  # " at FUNCTION:LINE" of the innermost frame, or ""


def to_cached(parse: FileParse | ParseFailure | dict) -> tuple:
    """A parse as the cache holds it (marshal-able plain data)."""
    if isinstance(parse, ParseFailure):
        return ("error", *parse)
    if isinstance(parse, FileParse):
        return ("ok", *parse)
    return ("ok", parse)


def from_cached(value: Any, kind: str) -> FileParse | ParseFailure | dict | None:
    """A cache entry of :func:`to_cached` back as its parse (``kind``: ``"tfvars"``, ``"tf"``
    or ``"tf.json"``); None when there is none, or it has another shape (then it is parsed
    again and overwritten)."""
    if type(value) is not tuple or not value:
        return None
    if value[0] == "error" and len(value) == 4:
        return ParseFailure(*value[1:])
    if value[0] == "ok":
        if kind == "tfvars" and len(value) == 2:
            return value[1]
        if kind != "tfvars" and len(value) == 3:
            return FileParse(*value[1:])
    return None
