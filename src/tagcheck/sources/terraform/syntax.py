"""The plain form of parsed Terraform: blocks of attributes holding expression tuples.

Kept apart from parser.py (which imports hcl2) so that cached parses can be used, and
evaluated, without importing hcl2 or lark at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
