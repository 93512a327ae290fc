"""A YAML document as plain data plus the line of every key and list item.

Reading one (yamlread.py) composes nodes, which carry ``start_mark``, instead of calling
``yaml.safe_load``, so that a schema error at ``tags.allowed.environment`` can name the
line it is on, and so that duplicate keys — which ``safe_load`` silently lets the last one
win — are caught. This module does not import PyYAML: a policy read back from tagcheck's
cache (policy/loader.py) never needs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import PolicyError, format_key

KeyPath = tuple[str | int, ...]  # a location in the document: ("ignore", 0, "rule")


@dataclass(frozen=True)
class YamlDocument:
    file: str
    data: Any  # dicts, lists, str, int, float, bool, None (timestamps stay strings)
    lines: dict[KeyPath, int]  # path -> 1-based line of that key (or list item)

    def line_of(self, path: KeyPath) -> int | None:
        """Line of ``path``, or of its nearest ancestor that exists (a missing key)."""
        path = tuple(path)
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)

    def error(self, path: KeyPath, message: str) -> PolicyError:
        return PolicyError(message, file=self.file, line=self.line_of(path), key=format_key(tuple(path)))

