"""Terraform's JSON syntax (``.tf.json``) → the plain form of syntax.py.

Strings in it are HCL templates (``"${var.x}"``) and a variable's ``type`` may be a type
expression written as a string; parsing those needs the HCL parser, which is passed in
(:class:`StringParser`) so that this module imports neither hcl2 nor parser.py.
"""

from __future__ import annotations

import bisect
import json
import re
from typing import Any, Protocol

from tagcheck.sources.terraform.syntax import MAX_NESTING, Block, ParseError, TooDeep, nesting_depth


class StringParser(Protocol):
    def template(self, text: str) -> Any:
        """A JSON string as the HCL template it stands for."""

    def expression(self, text: str) -> Any:
        """An HCL expression given as text; raises ParseError."""


# Nested keys tagcheck reads as blocks. Everything else stays an attribute value, which
# is also how a plan shows nested blocks (lists of objects).
_JSON_BLOCKS = {"default_tags", "ignore_tags", "tag", "dynamic", "content", "assume_role", "backend", "cloud"}
# top-level block type → how many labels it has
_JSON_LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1,
                "locals": 0, "terraform": 0, "check": 1, "moved": 0, "import": 0, "removed": 0}


class JsonConverter:
    """Terraform's JSON syntax → blocks. A value of the wrong JSON type where Terraform
    expects an object (``"resource": "x"``, ``"locals": [1]``) is a ParseError at the
    line of its key, as ``terraform validate`` reports it."""

    def __init__(self, text: str, strings: "StringParser"):
        self.text = text
        self.strings = strings
        self._positions: dict[tuple, int] = {}
        self._cursor: dict[tuple, int] = {}
        self._newlines = [m.start() for m in re.finditer("\n", text)]
        try:
            self.doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParseError(f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
        except RecursionError:
            raise ParseError("invalid JSON: nested too deeply to parse", 1, 1) from None
        except ValueError as exc:  # e.g. an integer over Python's 4,300-digit limit
            raise ParseError(f"invalid JSON: {exc}", 1, 1) from None
        if not isinstance(self.doc, dict):
            raise ParseError("a .tf.json file must hold a JSON object", 1, 1)

    def blocks(self) -> list[Block]:
        out: list[Block] = []
        for block_type, content in self.doc.items():
            if block_type == "//":
                continue
            depth = _JSON_LABELS.get(block_type, 0)
            for labels, body in self._labelled(content, depth, (block_type,)):
                out.append(self._block(block_type, labels[1:], body))
        return out

    def _labelled(self, content: Any, depth: int, keys: tuple):
        """(keys from the block type down, body) for each block; ``keys[0]`` is the type."""
        if depth == 0:
            for body in content if isinstance(content, list) else [content]:
                yield keys, body
            return
        if isinstance(content, list):  # e.g. "provider": [{"aws": {...}}, {"aws": {...}}]
            for item in content:
                yield from self._labelled(item, depth, keys)
            return
        if content is None:
            return
        if not isinstance(content, dict):
            raise self._type_error(keys, content, "an object of block labels")
        for name, inner in content.items():
            yield from self._labelled(inner, depth - 1, keys + (name,))

    def _type_error(self, keys: tuple, value: Any, expected: str, line: int | None = None) -> ParseError:
        line = line or self._line_of(keys)
        return ParseError(f"{'.'.join(keys)}: expected {expected}, got {_json_type(value)}", line, None)

    def _block(self, block_type: str, labels: tuple, body: Any, line: int | None = None) -> Block:
        line = line or self._line_of((block_type, *labels))
        block = Block(block_type, labels, line, line)
        if body is None:
            return block
        if not isinstance(body, dict):
            raise self._type_error((block_type, *labels), body, "an object", line)
        for key, value in body.items():
            if key == "//":
                continue
            if key in _JSON_BLOCKS and isinstance(value, (dict, list)):
                if key == "dynamic":
                    if not isinstance(value, dict):
                        raise self._type_error((block_type, *labels, key), value, "an object of dynamic blocks", line)
                    for name, dyn in value.items():
                        for item in dyn if isinstance(dyn, list) else [dyn]:
                            block.blocks.append(self._block("dynamic", (name,), item, line))
                    continue
                for item in value if isinstance(value, list) else [value]:
                    block.blocks.append(self._block(key, (), item, line))
            elif block_type == "variable" and key == "default":
                # Terraform reads a JSON variable default as a literal value: "${x}" is text
                if nesting_depth(value) > MAX_NESTING:
                    raise TooDeep(line)
                block.attrs[key] = (("lit", value), line)
            elif block_type == "variable" and key == "type" and isinstance(value, str):
                try:  # a type expression written as a string: "map(string)"
                    block.attrs[key] = (self.strings.expression(value), line)
                except ParseError:
                    block.attrs[key] = (("lit", value), line)
            else:
                block.attrs[key] = (self._value(value, key, line), line)
        return block

    def _value(self, value: Any, key: str | None = None, line: int | None = None, depth: int = 0) -> Any:
        if depth > MAX_NESTING:
            raise TooDeep(line)
        if isinstance(value, str):
            # provider = "aws.west", depends_on etc. are bare references written as strings
            if key == "provider":
                return _reference_from_text(value)
            return self.strings.template(value)
        if isinstance(value, list):
            return ("tuple", tuple(self._value(v, None, line, depth + 1) for v in value))
        if isinstance(value, dict):
            return ("object", tuple((("lit", k), self._value(v, None, line, depth + 1))
                                    for k, v in value.items() if k != "//"))
        return ("lit", value)

    def _line_of(self, keys: tuple) -> int:
        """Line of the last of a chain of nested object keys ("resource", TYPE, NAME): each is
        looked for after the previous one, so equal names elsewhere do not mislead it.

        Linear over a file: positions found are remembered per chain, and a key is looked
        for after its previous sibling (json.loads keeps the order of the text), so the
        10,000th resource of a generated file does not rescan the 9,999 before it."""
        pos = 0
        for depth in range(1, len(keys) + 1):
            chain = keys[:depth]
            found = self._positions.get(chain)
            if found is None:
                parent = keys[:depth - 1]
                pattern = re.compile(re.escape(json.dumps(keys[depth - 1])) + r"\s*:")
                match = pattern.search(self.text, max(pos, self._cursor.get(parent, 0)))
                if match is None and self._cursor.get(parent, 0) > pos:
                    match = pattern.search(self.text, pos)
                if match is None:
                    break
                found = self._positions[chain] = match.start()
                self._cursor[parent] = max(self._cursor.get(parent, 0), match.end())
            pos = found
        return bisect.bisect_right(self._newlines, pos) + 1


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    return {str: "a string", int: "a number", float: "a number", list: "an array", dict: "an object"}.get(
        type(value), "null")


def _reference_from_text(text: str) -> Any:
    parts = text.split(".")
    expr: Any = ("ref", parts[0])
    for part in parts[1:]:
        expr = ("attr", expr, part)
    return expr
