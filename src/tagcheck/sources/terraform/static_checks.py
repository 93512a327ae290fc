"""What ``terraform validate`` would reject in a module directory, found without evaluating
it: blocks with the wrong number of labels, cycles among locals, references in variable
defaults. Each is a TC001 with the file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from tagcheck.model import Location, SourceProblem
from tagcheck.sources.terraform.moduledir import ModuleDir, ParsedFile

# How many labels each block type takes.
LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1}


def static_problems(mod: ModuleDir, display: Callable[[Path], str]) -> list[SourceProblem]:
    """What ``terraform validate`` would reject in a module directory without evaluating it:
    blocks with the wrong number of labels, cycles among locals, references in variable
    defaults. Each is a TC001 with the file and line."""
    problems: list[SourceProblem] = []
    for parsed in mod.files:
        for block in parsed.blocks:
            wanted = LABELS.get(block.type)
            if wanted is not None and len(block.labels) != wanted:
                what = "a type and a name" if wanted == 2 else "a name"
                problems.append(SourceProblem(
                    "TC001", f"{block.type} block needs {wanted} label{'s' if wanted > 1 else ''} ({what}), "
                             f"has {len(block.labels)}; it is not evaluated",
                    Location(display(parsed.path), block.line, block.end_line)))
    # locals: name -> (file, line, local names it refers to)
    local_refs: dict[str, tuple[ParsedFile, int, list[str]]] = {}
    for parsed, block in mod.blocks("locals"):
        for name, (expr, line) in block.attrs.items():
            local_refs[name] = (parsed, line, [key for root, key in references(expr) if root == "local"])
    for cycle in _cycles({n: refs for n, (_p, _l, refs) in local_refs.items()}):
        parsed, line, _ = local_refs[cycle[0]]
        chain = " → ".join(f"local.{n}" for n in cycle + [cycle[0]])
        problems.append(SourceProblem("TC001", f"cycle in locals: {chain}; none of them can be evaluated",
                                      Location(display(parsed.path), line, line), {"cycle": chain}))
    # variable defaults: constants only
    var_refs: dict[str, tuple[ParsedFile, Any, list[str], list[str]]] = {}
    for parsed, block in mod.blocks("variable"):
        if len(block.labels) == 1 and "default" in block.attrs:
            expr, line = block.attrs["default"]
            found = list(dict.fromkeys(f"{root}.{key}" if key is not None else root for root, key in references(expr)))
            if found:
                var_refs[block.labels[0]] = (parsed, line, found, [f[4:] for f in found if f.startswith("var.")])
    in_cycle: dict[str, str] = {}
    for cycle in _cycles({n: refs for n, (_p, _l, _f, refs) in var_refs.items()}):
        chain = " → ".join(f"var.{n}" for n in cycle + [cycle[0]])
        in_cycle.update({n: chain for n in cycle})
    for name, (parsed, line, found, _) in var_refs.items():
        cycle = f" (cycle: {in_cycle[name]})" if name in in_cycle else ""
        problems.append(SourceProblem(
            "TC001", f'variable "{name}": default refers to {", ".join(found)}{cycle}; Terraform allows only '
                     "constant values in a default, so it is not evaluated",
            Location(display(parsed.path), line, line), {"cycle": in_cycle[name]} if cycle else {}))
    return problems


def references(expr: Any):
    """(root, key) of each reference in a plain expression: ``local.a`` → ("local", "a"),
    ``var.x.y`` → ("var", "x"), a bare ``each`` → ("each", None)."""
    todo = [expr]
    while todo:
        node = todo.pop()
        if not isinstance(node, tuple) or not node:
            continue
        kind = node[0]
        if kind in ("attr", "index") and isinstance(node[1], tuple) and node[1][:1] == ("ref",):
            key = node[2] if kind == "attr" else (node[2][1] if node[2][:1] == ("lit",) else None)
            yield node[1][1], key if isinstance(key, str) else None
            if kind == "index":
                todo.append(node[2])
        elif kind == "ref":
            yield node[1], None
        elif kind == "lit" or kind == "unsupported":
            continue
        elif kind == "tpl":
            todo.extend(p for p in node[1] if isinstance(p, tuple))
        elif kind == "tuple":
            todo.extend(node[1])
        elif kind == "object":
            for key_expr, value_expr in node[1]:
                todo.extend((key_expr, value_expr))
        elif kind == "splat":
            todo.append(node[1])
            todo.extend(arg for op, arg in node[2] if op == "index")
        elif kind == "call":
            todo.extend(node[2])
        elif kind == "for":
            todo.extend(n for n in node[3:7] if n is not None)
        else:  # attr/index on an expression, cond, bin, un
            todo.extend(n for n in node[1:] if isinstance(n, tuple))


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """One simple cycle per strongly connected component that has one (declaration order),
    found without recursion."""
    order = list(graph)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    for start in order:
        if start in index:
            continue
        work = [(start, iter(graph.get(start, ())))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            advanced = False
            for nxt in edges:
                if nxt not in graph:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(graph[nxt])))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    components.append(component)
    cycles = []
    for component in components:
        members = set(component)
        first = min(component, key=order.index)
        cycles.append(_path_back(graph, first, members))
    return sorted(cycles, key=lambda c: order.index(c[0]))


def _path_back(graph: dict[str, list[str]], first: str, members: set[str]) -> list[str]:
    """A shortest path first → … → first inside one component (breadth first)."""
    previous: dict[str, str] = {}
    frontier = [first]
    while frontier:
        following = []
        for node in frontier:
            for nxt in graph.get(node, ()):
                if nxt not in members:
                    continue
                if nxt == first:
                    path = [node]
                    while path[-1] != first:
                        path.append(previous[path[-1]])
                    return list(reversed(path))
                if nxt not in previous:
                    previous[nxt] = node
                    following.append(nxt)
        frontier = following
    return [first]
