"""Which parts of a configuration read which, found statically — for ``--diff-base``: from what
a change touched (a variable, a local, a provider configuration, a module call's argument, a
data source, another resource) to the resources that read it, in every module instance, without
evaluating anything.

A module directory is a graph of **nodes** (:data:`Node`), each reading the nodes its
expressions refer to:

=================================  ===============================================================
``("resource", "aws_instance.w")``  a resource block (reads its arguments' references and its
                                    provider configuration)
``("data", "aws_ami.ubuntu")``      a data source block (the same)
``("var", "x")``                    a variable (reads nothing here: its value comes from the
                                    caller, tfvars or its default)
``("local", "x")``                  one local value
``("output", "x")``                 one output (its caller reads it as ``module.NAME.x``)
``("provider", "aws.east")``        a provider configuration as resources name it (``aws``,
                                    ``aws.ALIAS``): own block, or inherited from the caller
``("call", "m")``                   a module call as a whole: its source, version, count,
                                    for_each and providers — a change there changes every
                                    resource of the module instance
``("arg", "m", "x")``               one argument of a module call: the child's ``var.x``
``("module_output", "m", "x")``     ``module.m.x`` as the caller reads it (``"*"``: the whole
                                    object, or an output named by an expression)
=================================  ===============================================================

:func:`changed_nodes` compares two versions of a module directory by content (expressions
as parsed, without lines), so blank lines, comments, re-indentation and blocks moving
between files change nothing; :func:`propagate` follows changed nodes through each module
instance (:func:`instances`: the static tree of local module calls under a root) and across
calls — arguments down to the child's variables, provider configurations down to the
resources that use them, outputs up to the caller.

Decisions where Terraform leaves a choice:

* Instances of one ``count``/``for_each`` call share one set of changed nodes (keys are
  values, known only by evaluating): a change reaching one instance reaches all of them.
* ``depends_on`` orders apply and reads no value: it is not a dependency. A resource's
  ``provider`` argument is one (its provider configuration), not a reference.
* A variable block's change (default, type, validation) changes the variable even where the
  caller passes a value: the type converts that value.
* Names that are not Terraform's namespaces (iterator names of ``for`` and ``dynamic``)
  look like ``TYPE.NAME`` references; they match no block and so change nothing.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from tagcheck.sources.terraform.moduledir import ModuleDir, module_source_is_local, resolve_source

Node = tuple  # ("resource", "aws_instance.web"), ("arg", "app", "tags"), … (see the module docstring)

# Module-call arguments that are Terraform's: a change in them changes the instance as a whole.
CALL_META = frozenset({"source", "version", "count", "for_each", "providers"})
_NOT_VALUES = frozenset({"depends_on"})  # order, not values
_PLAIN_NAMES = frozenset({"count", "each", "self", "path", "terraform"})
MAX_DEPTH = 32  # the evaluator's MAX_MODULE_DEPTH: deeper calls are not evaluated either


# --- references -----------------------------------------------------------------------------

def traversals(expr: Any) -> Iterator[tuple[str, ...]]:
    """The names of each reference in a plain expression, from its root: ``data.aws_ami.u.id``
    → ("data", "aws_ami", "u", "id"). Index steps are skipped (``module.m["a"].out`` →
    ("module", "m", "out")) and their own expressions visited; found without recursion."""
    todo = [expr]
    while todo:
        node = todo.pop()
        if isinstance(node, list):
            todo.extend(node)
            continue
        if not isinstance(node, tuple) or not node:
            continue
        kind = node[0]
        if not isinstance(kind, str):  # an object's (key, value) pair
            todo.extend(node)
        elif kind in ("attr", "index", "ref"):
            names: list[str] = []
            current = node
            while current[0] in ("attr", "index"):
                if current[0] == "attr":
                    names.append(current[2])
                else:
                    todo.append(current[2])
                current = current[1]
                if not isinstance(current, tuple) or not current:
                    break
            if isinstance(current, tuple) and current[:1] == ("ref",):
                yield (current[1], *reversed(names))
            else:  # a traversal of a computed value: (a call, a for, …)[…].x
                todo.append(current)
        elif kind == "splat":  # ("splat", base, ops): ops are ("attr", name) / ("index", expr)
            todo.append(node[1])
            todo.extend(arg for op, arg in node[2] if op == "index")
        elif kind not in ("lit", "unsupported"):
            todo.extend(part for part in node[1:] if isinstance(part, (tuple, list)))


def node_of(names: tuple[str, ...]) -> Node | None:
    """The node a reference reads, or None (``each.key``, ``path.module``, …)."""
    root = names[0]
    if root in ("var", "local") and len(names) >= 2:
        return (root, names[1])
    if root == "data":
        return ("data", f"{names[1]}.{names[2]}") if len(names) >= 3 else None
    if root == "module":
        if len(names) < 2:
            return None
        return ("module_output", names[1], names[2] if len(names) >= 3 else "*")
    if root in _PLAIN_NAMES or len(names) < 2:
        return None
    return ("resource", f"{root}.{names[1]}")


def references(expr: Any) -> set[Node]:
    return {node for node in map(node_of, traversals(expr)) if node is not None}


def _block_references(block, skip: frozenset[str] = _NOT_VALUES) -> set[Node]:
    """References in a block's arguments and nested blocks (``skip``: arguments left out)."""
    found: set[Node] = set()
    todo = [block]
    while todo:
        current = todo.pop()
        for name, (expr, _line) in current.attrs.items():
            if current is not block or name not in skip:
                found |= references(expr)
        todo.extend(current.blocks)
    return found


def dotted(expr: Any) -> str | None:
    """``aws.east`` / ``aws`` written as a reference → its text; None for anything else."""
    if expr[:1] == ("ref",):
        return expr[1]
    if expr[:1] == ("attr",) and expr[1][:1] == ("ref",):
        return f"{expr[1][1]}.{expr[2]}"
    if expr[:1] == ("lit",) and isinstance(expr[1], str):
        return expr[1]
    return None


def provider_of(block) -> str:
    """The provider configuration a resource or data block uses: its ``provider`` argument,
    else the default configuration of the provider its type names (``aws_s3_bucket`` → aws)."""
    if "provider" in block.attrs:
        ref = dotted(block.attrs["provider"][0])
        if ref:
            return ref
    return block.labels[0].split("_", 1)[0]


def configuration_of(block) -> str:
    """The name resources use for a provider block's configuration: ``aws`` or ``aws.ALIAS``."""
    alias = block.attrs.get("alias", (("lit", None),))[0]
    if alias[:1] == ("lit",) and isinstance(alias[1], str) and alias[1]:
        return f"{block.labels[0]}.{alias[1]}"
    return block.labels[0]


# --- one module directory -------------------------------------------------------------------

@dataclass(eq=False)
class ModuleGraph:
    """A module directory's nodes and what each reads (the same for every instance of it)."""

    reads: dict[Node, set[Node]] = field(default_factory=dict)
    calls: dict[str, Any] = field(default_factory=dict)  # module call name → its block
    own_providers: set[str] = field(default_factory=set)  # configurations its provider blocks define
    readers: dict[Node, set[Node]] = field(default_factory=dict)

    @property
    def nodes(self) -> set[Node]:
        return set(self.reads) | set(self.readers)

    def provider_map(self, call: str) -> dict[str, str]:
        """A call's ``providers = { child = parent }`` as configuration names."""
        expr = self.calls[call].attrs.get("providers", (None,))[0]
        if not expr or expr[0] != "object":
            return {}
        passed = {}
        for key_expr, value_expr in expr[1]:
            child, parent = dotted(key_expr), dotted(value_expr)
            if child and parent:
                passed[child] = parent
        return passed


def graph_of(mod: ModuleDir) -> ModuleGraph:
    graph = ModuleGraph()
    reads = graph.reads
    for parsed in mod.files:
        for block in parsed.blocks:
            kind, labels = block.type, block.labels
            if kind in ("resource", "data") and len(labels) == 2:
                node = ("resource" if kind == "resource" else "data", f"{labels[0]}.{labels[1]}")
                reads[node] = _block_references(block, _NOT_VALUES | {"provider"}) | {("provider", provider_of(block))}
            elif kind == "variable" and len(labels) == 1:
                reads[("var", labels[0])] = set()
            elif kind == "locals":
                for name, (expr, _line) in block.attrs.items():
                    reads[("local", name)] = references(expr)
            elif kind == "output" and len(labels) == 1:
                reads[("output", labels[0])] = _block_references(block)
            elif kind == "module" and len(labels) == 1:
                name = labels[0]
                graph.calls[name] = block
                reads[("call", name)] = set().union(*(references(expr) for arg, (expr, _line) in block.attrs.items()
                                                      if arg in CALL_META and arg != "providers"))
                for arg, (expr, _line) in block.attrs.items():
                    if arg not in CALL_META and arg not in _NOT_VALUES:
                        reads[("arg", name, arg)] = references(expr)
            elif kind == "provider" and len(labels) == 1:
                configuration = configuration_of(block)
                graph.own_providers.add(configuration)
                reads[("provider", configuration)] = _block_references(block, _NOT_VALUES | {"alias"})
    for node in [n for deps in list(reads.values()) for n in deps if n[0] == "module_output"]:
        reads.setdefault(node, {("call", node[1])})  # a call's change changes everything read from it
    for node, deps in reads.items():
        for dep in deps:
            graph.readers.setdefault(dep, set()).add(node)
    return graph


def declarations(mod: ModuleDir | None, keep: Callable[[Path], bool] = lambda path: True) -> dict[Node, Any]:
    """Each node a module directory declares → its content without lines (what
    :func:`changed_nodes` compares); only the files ``keep`` accepts."""
    found: dict[Node, Any] = {}
    for parsed in mod.files if mod is not None else ():
        if not keep(parsed.path):
            continue
        for block in parsed.blocks:
            kind, labels = block.type, block.labels
            if kind in ("resource", "data") and len(labels) == 2:
                found[("resource" if kind == "resource" else "data", f"{labels[0]}.{labels[1]}")] = _content(block)
            elif kind in ("variable", "output") and len(labels) == 1:
                found[("var" if kind == "variable" else "output", labels[0])] = _content(block)
            elif kind == "locals":
                found.update({("local", name): expr for name, (expr, _line) in block.attrs.items()})
            elif kind == "module" and len(labels) == 1:
                found[("call", labels[0])] = ({a: e for a, (e, _l) in block.attrs.items() if a in CALL_META},
                                              [_content(b) for b in block.blocks])
                found.update({("arg", labels[0], a): e for a, (e, _l) in block.attrs.items()
                              if a not in CALL_META and a not in _NOT_VALUES})
            elif kind == "provider" and len(labels) == 1:
                found[("provider", configuration_of(block))] = _content(block)
    return found


def _content(block) -> tuple:
    return (block.type, block.labels, {name: expr for name, (expr, _line) in block.attrs.items()},
            [_content(sub) for sub in block.blocks])


def changed_nodes(old: dict[Node, Any], new: dict[Node, Any]) -> set[Node]:
    """Nodes declared on one side only, or with another content (:func:`declarations`)."""
    return {node for node in old.keys() | new.keys() if old.get(node, _ABSENT) != new.get(node, _ABSENT)}


_ABSENT = object()


# --- module instances -----------------------------------------------------------------------

@dataclass(eq=False)
class Instance:
    """A module instance as the static tree of calls has it: a root, or a call in its parent
    (every ``count``/``for_each`` instance of the call at once)."""

    root: Path
    path: tuple[str, ...]  # call names from the root: ("app", "db") for module.app.module.db
    directory: Path
    graph: ModuleGraph
    parent: "Instance | None" = None
    children: dict[str, "Instance"] = field(default_factory=dict)
    changed: set[Node] = field(default_factory=set)

    def inherited(self, parent_configuration: str) -> list[str]:
        """The provider configurations of this instance that are the parent's
        ``parent_configuration``: passed with ``providers = {…}``, or a default configuration
        inherited implicitly — unless a provider block of its own configures it."""
        passed = self.parent.graph.provider_map(self.path[-1]) if self.parent else {}
        names = {n[1] for n in self.graph.nodes if n[0] == "provider"} - self.graph.own_providers
        return sorted(name for name in names
                      if passed.get(name, name if "." not in name else None) == parent_configuration)


def instances(roots: Iterable[Path], load: Callable[[Path], ModuleDir | None],
              boundary: Callable[[Path], Path | None]) -> list[Instance]:
    """Every module instance under ``roots``, following local module calls as the evaluator
    does (not into a cycle, not deeper than :data:`MAX_DEPTH`, not outside ``boundary(root)``
    — the repository). ``load``: a directory's parsed module, None when it was not scanned."""
    graphs: dict[Path, ModuleGraph] = {}

    def graph(directory: Path) -> ModuleGraph | None:
        if directory not in graphs:
            mod = load(directory)
            if mod is None:
                return None
            graphs[directory] = graph_of(mod)
        return graphs[directory]

    found: list[Instance] = []
    for root in roots:
        top = graph(root)
        if top is None:
            continue
        limit = boundary(root)
        todo = [(Instance(root, (), root, top), (root,))]
        while todo:
            instance, stack = todo.pop()
            found.append(instance)
            if len(stack) >= MAX_DEPTH:
                continue
            for name, block in instance.graph.calls.items():
                source = block.attrs.get("source", (("lit", None),))[0]
                if source[0] != "lit" or not module_source_is_local(source[1]):
                    continue  # remote: not scanned, nothing of it is reported
                resolved, exists, _why = resolve_source(str(instance.directory), source[1])
                child_dir = Path(resolved) if resolved else None
                if (child_dir is None or not exists or child_dir in stack
                        or (limit is not None and not child_dir.is_relative_to(limit))):
                    continue
                child_graph = graph(child_dir)
                if child_graph is not None:
                    child = Instance(root, (*instance.path, name), child_dir, child_graph, instance)
                    instance.children[name] = child
                    todo.append((child, (*stack, child_dir)))
    return found


def propagate(seeds: dict[Instance, set[Node]]) -> None:
    """Mark what the seeded nodes change (``Instance.changed``), following readers inside each
    instance and, across calls, arguments to the child's variables, a call's own change to its
    whole instance, provider configurations to the instances that inherit them and outputs to
    the caller's ``module.NAME`` — until nothing more changes."""
    pending: dict[Instance, set[Node]] = {}
    queue: deque[Instance] = deque()

    def push(instance: Instance, nodes: Iterable[Node]) -> None:
        fresh = set(nodes) - instance.changed
        if fresh:
            if instance not in pending:
                pending[instance] = set()
                queue.append(instance)
            pending[instance] |= fresh

    for instance, nodes in seeds.items():
        push(instance, nodes)
    while queue:
        instance = queue.popleft()
        for node in _close(instance, pending.pop(instance)):
            kind = node[0]
            child = instance.children.get(node[1]) if kind in ("call", "arg") else None
            if kind == "call" and child is not None:
                push(child, child.graph.nodes)  # the whole instance: its calls then reach theirs
            elif kind == "arg" and child is not None:
                push(child, [("var", node[2])])
            elif kind == "provider":
                for each in instance.children.values():
                    push(each, [("provider", name) for name in each.inherited(node[1])])
            elif kind == "output" and instance.parent is not None:
                call = instance.path[-1]
                push(instance.parent, [("module_output", call, node[1]), ("module_output", call, "*")])


def _close(instance: Instance, seeds: set[Node]) -> list[Node]:
    """Add ``seeds`` and everything in the instance that reads them, transitively, to
    ``instance.changed``; returns what was added."""
    readers = instance.graph.readers
    added = [node for node in seeds if node not in instance.changed]
    instance.changed.update(added)
    todo = list(added)
    while todo:
        for reader in readers.get(todo.pop(), ()):
            if reader not in instance.changed:
                instance.changed.add(reader)
                added.append(reader)
                todo.append(reader)
    return added
