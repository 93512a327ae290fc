"""Read a YAML file into a :class:`~tagcheck.policy.yamldoc.YamlDocument` (PyYAML's
composer, so that every key keeps its line)."""

from __future__ import annotations

from typing import Any

import yaml

from .errors import PolicyError, format_key
from .yamldoc import KeyPath, YamlDocument

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
# Aliases are expanded while walking; this caps "billion laughs" documents.
_MAX_NODES = 100_000
# A policy is a handful of levels deep; this keeps jsonschema and the walker far from
# Python's recursion limit on generated or hostile documents.
_MAX_DEPTH = 64
# Tags of collections a SafeLoader would construct; anything else (!!python/object …,
# local tags like !foo) is an error, as yaml.safe_load would make it.
_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:set",
                    "tag:yaml.org,2002:omap", "tag:yaml.org,2002:pairs"}


def read_yaml_document(text: str, file: str) -> YamlDocument:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, file) from None
    except yaml.YAMLError as exc:  # unmarked errors (e.g. bad encoding)
        raise PolicyError(f"invalid YAML: {exc}", file=file) from None
    except RecursionError:  # PyYAML's composer recurses once per nesting level
        raise PolicyError(f"invalid YAML: nested more than {_MAX_DEPTH} levels deep", file=file) from None
    if root is None:  # empty file or only comments
        return YamlDocument(file, {}, {(): 1})
    walker = _Walker(file)
    data = walker.value(root, ())
    return YamlDocument(file, data, walker.lines)


def _syntax_error(exc: yaml.MarkedYAMLError, file: str) -> PolicyError:
    mark = exc.problem_mark or exc.context_mark
    problem, context = exc.problem or "", exc.context or ""
    if problem.startswith("but ") and context:  # "expected X" + "but found Y" read as one
        message = f"{context}, {problem}"
    else:
        message = problem or context
        if problem and context:
            if exc.context_mark is not None and exc.context_mark.line != mark.line:
                context += f" at line {exc.context_mark.line + 1}"
            message += f" ({context})"
    return PolicyError(f"invalid YAML: {message}", file=file, line=mark.line + 1 if mark else None)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


class _Walker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: dict[KeyPath, int] = {}
        self.constructor = yaml.constructor.SafeConstructor()
        self.visited = 0
        self.active: set[int] = set()  # nodes on the current branch: a recursive alias

    def fail(self, node: yaml.Node, path: KeyPath, message: str) -> PolicyError:
        return PolicyError(message, file=self.file, line=_line(node), key=format_key(path))

    def value(self, node: yaml.Node, path: KeyPath) -> Any:
        self.visited += 1
        if self.visited > _MAX_NODES:
            raise self.fail(node, path, "document too large (alias expansion)")
        if len(path) > _MAX_DEPTH:
            raise self.fail(node, path[:_MAX_DEPTH], f"nested more than {_MAX_DEPTH} levels deep")
        self.lines.setdefault(path, _line(node))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if node.tag not in _COLLECTION_TAGS:
            raise self.fail(node, path, f"unsupported YAML tag {node.tag.replace('tag:yaml.org,2002:', '!!')}")
        if id(node) in self.active:
            raise self.fail(node, path, "recursive alias")
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
            return self.mapping(node, path)
        finally:
            self.active.discard(id(node))

    def scalar(self, node: yaml.ScalarNode, path: KeyPath) -> Any:
        # Dates stay text: the schema checks their shape and we parse them with a line
        # to blame; yaml would raise on 2027-02-30 with no key to name.
        if node.tag == _TIMESTAMP:
            return node.value
        try:
            value = self.constructor.construct_object(node)
        except yaml.YAMLError as exc:
            problem = getattr(exc, "problem", None) or exc
            raise self.fail(node, path, f"invalid YAML value: {problem}") from None
        except (ValueError, OverflowError) as exc:  # e.g. an integer of more than 4,300 digits
            raise self.fail(node, path, f"invalid YAML value: {exc}") from None
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            raise self.fail(node, path, f"must be a finite number, got {node.value}")
        return value

    def mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        merged: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:  # `<<: *anchor` — explicit keys win, handled below
                merged.append(value_node)
                continue
            key = self.key(key_node, path)
            here = (*path, key)
            if key in first_line:
                raise self.fail(key_node, here, f"duplicate key '{key}' (first at line {first_line[key]})")
            first_line[key] = _line(key_node)
            # setdefault: explicit keys are walked before merged ones and keep their line.
            self.lines.setdefault(here, _line(key_node))
            result[key] = self.value(value_node, here)
        for value_node in merged:
            sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    raise self.fail(source, path, "'<<' merges only mappings")
                for key, value in self.value(source, path).items():
                    result.setdefault(key, value)
        return result

    def key(self, node: yaml.Node, path: KeyPath) -> str:
        if isinstance(node, yaml.ScalarNode):
            key = self.scalar(node, path)
            if isinstance(key, str):
                return key
            hint = f"; quote it: '{node.value}'" if node.value else ""
            raise self.fail(node, path, f"key {node.value or 'null'} must be a string{hint}")
        raise self.fail(node, path, "a key must be a plain string, not a list or mapping")
