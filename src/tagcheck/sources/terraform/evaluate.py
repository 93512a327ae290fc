"""Evaluate Terraform expressions (in parser.py's plain form) as far as they can be known.

The values an expression evaluates to — Python values, ``Unknown`` and ``PartialMap`` —
and Terraform's conversions between them are in values.py; the built-in functions are in
functions.py.

Never guess: anything not modelled (data sources, resource attributes, ``file()``,
functions we don't implement) evaluates to ``Unknown`` with the reason.

Robustness contract (tested with generated expressions): :func:`evaluate` raises
:class:`EvalError` — what Terraform would report as an error — and nothing else, whatever
the expression; a built-in function that fails on its arguments is an ``EvalError``
naming the function, never a Python ``TypeError`` escaping to the user.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from tagcheck.model import Unknown
from tagcheck.sources.terraform.expansion import instance_key
from tagcheck.sources.terraform.functions import FUNCTIONS, NEVER_READ
from tagcheck.sources.terraform.values import (
    CycleError, EvalError, PartialMap, first_unknown, is_known, show, to_bool, to_number, to_string,
)


@dataclass
class Scope:
    """What names mean while evaluating one module instance (and one resource instance)."""

    variables: Mapping[str, Any] = field(default_factory=dict)
    locals_exprs: Mapping[str, Any] = field(default_factory=dict)
    path_module: str = "."
    path_root: str = "."
    # module.NAME → that call's outputs (evaluating the call on first use), when modelled
    modules: Callable[[str], Any] | None = None
    # per-instance names: each.key/each.value, count.index, dynamic-block iterators, for vars
    bindings: Mapping[str, Any] = field(default_factory=dict)
    _local_values: dict[str, Any] = field(default_factory=dict)
    _evaluating: list[str] = field(default_factory=list)
    workspace: str = "default"  # terraform.workspace (--workspace, .terraform/environment)
    address_prefix: str = ""  # "module.app." inside module.app: references become full addresses

    def child(self, **bindings: Any) -> "Scope":
        """Same module scope with extra names bound (locals stay shared and cached)."""
        merged = dict(self.bindings)
        merged.update(bindings)
        return Scope(self.variables, self.locals_exprs, self.path_module, self.path_root, self.modules, merged,
                     self._local_values, self._evaluating, self.workspace, self.address_prefix)

    def local(self, name: str) -> Any:
        if name in self._local_values:
            return self._local_values[name]
        if name not in self.locals_exprs:
            raise EvalError(f"local.{name} is not declared")
        if name in self._evaluating:
            chain = " → ".join(f"local.{n}" for n in self._evaluating[self._evaluating.index(name):] + [name])
            raise CycleError(f"cycle in locals: {chain}")
        self._evaluating.append(name)
        try:
            # locals never see each/count: evaluate them in the bare module scope
            bare = Scope(self.variables, self.locals_exprs, self.path_module, self.path_root, self.modules, {},
                         self._local_values, self._evaluating, self.workspace, self.address_prefix)
            value = evaluate(self.locals_exprs[name], bare)
        finally:
            self._evaluating.pop()
        self._local_values[name] = value
        return value


def evaluate(expr: Any, scope: Scope) -> Any:
    """Evaluate one expression. Raises EvalError for what Terraform would reject."""
    value = _evaluate_base(expr, scope)
    if isinstance(value, _Namespace):  # e.g. `data.aws_vpc.main` used as a whole
        return Unknown(".".join(value.path), _object_address(value, scope))
    return value


def _evaluate_base(expr: Any, scope: Scope) -> Any:
    """Evaluate without resolving a bare namespace: the base of a traversal."""
    kind = expr[0]
    if kind == "lit":
        return expr[1]
    handler = _FORMS.get(kind)
    if handler is None:
        return Unknown(f"unsupported expression ({kind})")
    return handler(expr, scope)


def evaluate_or_unknown(expr: Any, scope: Scope) -> Any:
    """Like evaluate, but an evaluation error becomes an Unknown naming it."""
    try:
        return evaluate(expr, scope)
    except CycleError as exc:
        return Unknown(str(exc))
    except EvalError as exc:
        # what Terraform itself would stop at with these inputs — often a workspace or an
        # input tagcheck did not get, so both are named
        return Unknown(f"{exc} (a Terraform error with these inputs, workspace {json.dumps(scope.workspace)})")
    except RecursionError:  # a long chain of locals/modules referring to one another
        return Unknown("expression or chain of references nested too deeply to evaluate")


def render(expr: Any) -> str:
    """A short source-like text of a reference, for reasons and messages."""
    kind = expr[0]
    if kind == "ref":
        return expr[1]
    if kind == "attr":
        return f"{render(expr[1])}.{expr[2]}"
    if kind == "index":
        key = expr[2]
        inner = repr(key[1]).replace("'", '"') if key[0] == "lit" else render(key)
        return f"{render(expr[1])}[{inner}]"
    if kind == "call":
        return f"{expr[1]}(…)"
    if kind == "lit":
        return repr(expr[1])
    return "expression"


def source_text(expr: Any, limit: int = 200) -> str:
    """An expression written back as HCL (normalised spacing), for messages that quote it:
    ``local.is_development ? 1 : 0``. Long texts are cut at ``limit`` characters."""
    text = _unparse(expr)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _unparse(expr: Any) -> str:
    kind = expr[0]
    if kind == "lit":
        return json.dumps(expr[1]) if isinstance(expr[1], str) else ("null" if expr[1] is None else to_string(expr[1]))
    if kind == "ref":
        return expr[1]
    if kind == "attr":
        return f"{_unparse(expr[1])}.{expr[2]}"
    if kind == "index":
        return f"{_unparse(expr[1])}[{_unparse(expr[2])}]"
    if kind == "splat":
        ops = "".join(f"[{_unparse(arg)}]" if op == "index" else f".{arg}" for op, arg in expr[2])
        return f"{_unparse(expr[1])}[*]{ops}"
    if kind == "call":
        args = ", ".join(_unparse(a) for a in expr[2])
        return f"{expr[1]}({args}{'...' if expr[3] else ''})"
    if kind == "cond":
        return f"{_operand(expr[1])} ? {_operand(expr[2])} : {_unparse(expr[3])}"
    if kind == "bin":
        return f"{_operand(expr[2])} {expr[1]} {_operand(expr[3])}"
    if kind == "un":
        return f"{expr[1]}{_operand(expr[2])}"
    if kind == "tuple":
        return "[" + ", ".join(_unparse(i) for i in expr[1]) + "]"
    if kind == "object":
        return "{" + ", ".join(f"{_unparse(k)} = {_unparse(v)}" for k, v in expr[1]) + "}"
    if kind == "tpl":
        return '"' + "".join(p if isinstance(p, str) else "${" + _unparse(p) + "}" for p in expr[1]) + '"'
    if kind == "for":
        _, key_var, value_var, coll, key_expr, value_expr, cond, grouping = expr
        names = f"{key_var}, {value_var}" if key_var else value_var
        body = (f"{_unparse(key_expr)} => {_unparse(value_expr)}{'...' if grouping else ''}"
                if key_expr is not None else _unparse(value_expr))
        tail = f" if {_unparse(cond)}" if cond is not None else ""
        open_, close = ("{", "}") if key_expr is not None else ("[", "]")
        return f"{open_}for {names} in {_unparse(coll)} : {body}{tail}{close}"
    return "…"


def _operand(expr: Any) -> str:
    """The parser keeps no parentheses: put them back around compound operands."""
    text = _unparse(expr)
    return f"({text})" if expr[0] in ("bin", "cond") else text


# --- forms -----------------------------------------------------------------------------

def _template(expr: Any, scope: Scope) -> Any:
    parts = expr[1]
    if len(parts) == 1 and not isinstance(parts[0], str):
        return evaluate(parts[0], scope)  # "${x}" is x itself, not its string form
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        value = evaluate(part, scope)
        if isinstance(value, (Unknown, PartialMap)):
            return first_unknown(value)
        out.append(to_string(value))
    return "".join(out)


def _tuple(expr: Any, scope: Scope) -> Any:
    return [evaluate(item, scope) for item in expr[1]]


def _object(expr: Any, scope: Scope) -> Any:
    known: dict[str, Any] = {}
    unknown_key: Unknown | None = None
    for key_expr, value_expr in expr[1]:
        key = evaluate(key_expr, scope)
        if isinstance(key, (Unknown, PartialMap)):
            unknown_key = first_unknown(key)
            continue
        known[to_string(key)] = evaluate(value_expr, scope)
    if unknown_key is not None:
        return PartialMap(known, unknown_key.reason)
    return known


def _ref(expr: Any, scope: Scope) -> Any:
    name = expr[1]
    if name in scope.bindings:
        return scope.bindings[name]
    # var, local, data, module, path… or a managed resource type (known only after apply)
    return _Namespace(name)


class _Namespace:
    """The value of a bare root name before it is traversed (``var``, ``data``, …)."""

    def __init__(self, *path: str):
        self.path = path


def _attr(expr: Any, scope: Scope) -> Any:
    base = _evaluate_base(expr[1], scope)
    return _get(base, expr[2], scope, expr)


def _index(expr: Any, scope: Scope) -> Any:
    base = _evaluate_base(expr[1], scope)
    key = evaluate(expr[2], scope)
    if isinstance(key, (Unknown, PartialMap)):
        return first_unknown(key)
    if isinstance(base, _Namespace):
        if not isinstance(key, str):
            if len(base.path) == 1 and base.path[0] in _NAMED_ONLY:  # var[0], local[true]: names are strings
                raise EvalError(f"{render(expr[1])}[{show(key)}]: the key must be a name")
            # an instance of a resource, data source or module: known only after apply
            address = _object_address(base, scope)
            return Unknown(render(expr), address and address + instance_key(key))
        address = _object_address(base, scope)
        if address:  # aws_instance.web["a"]: an instance key, never an attribute
            return Unknown(render(expr), address + instance_key(key))
        return _get(base, key, scope, expr)
    return _lookup(base, key, expr)


# root names whose attributes are names, never indexes
_NAMED_ONLY = {"var", "local", "each", "count", "path", "terraform", "self"}


def _object_address(ns: "_Namespace", scope: Scope) -> str | None:
    """The full address a namespace names when it is a whole resource (``aws_instance.web``)
    or data source (``data.aws_ami.base``), for ``Unknown.ref``; None for anything else."""
    path = ns.path
    if path[0] == "data" and len(path) == 3 or path[0] not in _NAMED_ONLY | {"data", "module"} and len(path) == 2:
        return scope.address_prefix + ".".join(path)
    return None


def _get(base: Any, name: Any, scope: Scope, expr: Any) -> Any:
    if isinstance(base, _Namespace):
        return _namespace_attr(base, name, scope, expr)
    return _lookup(base, name, expr)


def _namespace_attr(ns: _Namespace, name: Any, scope: Scope, expr: Any) -> Any:
    root = ns.path[0]
    if not isinstance(name, str):  # splat operations reach here with whatever they were given
        raise EvalError(f"{'.'.join(ns.path)}: {show(name)} is not a name")
    if root == "var" and len(ns.path) == 1:
        if name not in scope.variables:
            raise EvalError(f"var.{name} is not declared")
        return scope.variables[name]
    if root == "local" and len(ns.path) == 1:
        return scope.local(name)
    # each/count are bound as plain maps when the block has for_each/count
    if root in ("each", "count") and len(ns.path) == 1:
        raise EvalError(f"{root}.{name} is only valid in a block with {'for_each' if root == 'each' else 'count'}")
    if root == "path" and name in ("module", "root"):
        return scope.path_module if name == "module" else scope.path_root
    if root == "path" and name == "cwd":  # an absolute path on the machine that runs terraform
        return Unknown("path.cwd (the directory terraform runs in)")
    if root == "terraform" and name == "workspace":
        return scope.workspace
    if root == "module" and len(ns.path) == 1 and scope.modules is not None:
        return scope.modules(str(name))
    if root in ("data", "module") and len(ns.path) < (3 if root == "data" else 2):
        return _Namespace(*ns.path, str(name))
    if root not in ("data", "module") and len(ns.path) == 1:
        return _Namespace(*ns.path, str(name))
    return Unknown(render(expr), _object_address(ns, scope))  # an attribute: known after apply


def _lookup(base: Any, key: Any, expr: Any) -> Any:
    if isinstance(base, Unknown):
        return base
    if isinstance(base, (dict, PartialMap)):
        if not isinstance(key, (str, int, float)):  # a map key is a string (a number converts)
            raise EvalError(f"cannot index a map with {show(key)}")
        key = to_string(key)
        if isinstance(base, PartialMap):
            return base.known[key] if key in base.known else Unknown(base.reason)
        if key not in base:
            raise EvalError(f"key {key!r} not found in {render(expr[1])}")
        return base[key]
    if isinstance(base, list):
        if isinstance(key, bool) or not isinstance(key, (int, float, str)):
            raise EvalError(f"cannot index a list with {show(key)}")
        number = to_number(key)
        if number != number or number in (float("inf"), float("-inf")) or number != int(number) or number < 0:
            raise EvalError(f"invalid index {key!r} for {render(expr[1])}")
        try:
            return base[int(number)]
        except IndexError:
            raise EvalError(f"index {key!r} out of range for {render(expr[1])}") from None
    if base is None:
        raise EvalError(f"attempt to get {key!r} from null value {render(expr[1])}")
    raise EvalError(f"cannot get {key!r} from {type(base).__name__} {render(expr[1])}")


def _splat(expr: Any, scope: Scope) -> Any:
    base = _evaluate_base(expr[1], scope)
    if isinstance(base, (Unknown, _Namespace)):
        return base if isinstance(base, Unknown) else Unknown(render(expr[1]) + "[*]", _object_address(base, scope))
    items = base if isinstance(base, list) else ([] if base is None else [base])
    out = []
    for item in items:
        for op, arg in expr[2]:
            key = evaluate(arg, scope) if op == "index" else arg
            if isinstance(key, (Unknown, PartialMap)):
                return first_unknown(key)
            item = _lookup(item, key, expr)
        out.append(item)
    return out


def _cond(expr: Any, scope: Scope) -> Any:
    cond = evaluate(expr[1], scope)
    if isinstance(cond, (Unknown, PartialMap)):
        yes, no = evaluate(expr[2], scope), evaluate(expr[3], scope)
        if is_known(yes) and yes == no:
            return yes
        return first_unknown(cond)
    if not isinstance(cond, bool):
        cond = to_bool(cond)
    return evaluate(expr[2] if cond else expr[3], scope)


_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / b, "%": lambda a, b: a % b,
    "<": lambda a, b: a < b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b,
}


def _bin(expr: Any, scope: Scope) -> Any:
    op = expr[1]
    left = evaluate(expr[2], scope)
    if op == "&&" and left is False:
        return False
    if op == "||" and left is True:
        return True
    right = evaluate(expr[3], scope)
    for side in (left, right):
        if isinstance(side, (Unknown, PartialMap)) and op not in ("==", "!="):
            return first_unknown(side)
    if op == "==":
        return _equals(left, right)
    if op == "!=":
        result = _equals(left, right)
        return result if isinstance(result, Unknown) else not result
    if op in ("&&", "||"):
        left, right = (v if isinstance(v, bool) else to_bool(v) for v in (left, right))
        return (left and right) if op == "&&" else (left or right)
    if op not in _ARITH:
        raise EvalError(f"unsupported operator {op!r}")
    try:
        return _ARITH[op](to_number(left), to_number(right))
    except ZeroDivisionError:
        raise EvalError("division by zero") from None
    except OverflowError:
        raise EvalError(f"number out of range in {op}") from None


def _equals(left: Any, right: Any) -> Any:
    if not is_known(left) or not is_known(right):
        unknown = first_unknown(left)  # never `a or b`: an Unknown is falsy
        return unknown if unknown is not None else first_unknown(right)
    return left == right


def _un(expr: Any, scope: Scope) -> Any:
    value = evaluate(expr[2], scope)
    if isinstance(value, (Unknown, PartialMap)):
        return first_unknown(value)
    if expr[1] == "!":
        return not (value if isinstance(value, bool) else to_bool(value))
    if expr[1] != "-":
        raise EvalError(f"unsupported operator {expr[1]!r}")
    return -to_number(value)


def _for(expr: Any, scope: Scope) -> Any:
    _, key_var, value_var, coll_expr, key_expr, value_expr, cond_expr, grouping = expr
    collection = evaluate(coll_expr, scope)
    if isinstance(collection, (Unknown, PartialMap)):
        return first_unknown(collection)
    if isinstance(collection, dict):
        pairs = sorted(collection.items())  # Terraform iterates maps and objects in key order
    elif isinstance(collection, list):
        pairs = list(enumerate(collection))
    elif collection is None:
        raise EvalError("cannot iterate over null")
    else:
        raise EvalError(f"cannot iterate over {type(collection).__name__}")
    result_list: list = []
    result_map: dict = {}
    for k, v in pairs:
        bound = {value_var: v}
        if key_var:
            bound[key_var] = k
        inner = scope.child(**bound)
        if cond_expr is not None:
            keep = evaluate(cond_expr, inner)
            if isinstance(keep, (Unknown, PartialMap)):
                return first_unknown(keep)
            if not (keep if isinstance(keep, bool) else to_bool(keep)):
                continue
        value = evaluate(value_expr, inner)
        if key_expr is None:
            result_list.append(value)
            continue
        key = evaluate(key_expr, inner)
        if isinstance(key, (Unknown, PartialMap)):
            return first_unknown(key)
        key = to_string(key)
        if grouping:
            result_map.setdefault(key, []).append(value)
        elif key in result_map:
            raise EvalError(f"duplicate key {key!r} in for expression")
        else:
            result_map[key] = value
    return result_list if key_expr is None else result_map


def _call(expr: Any, scope: Scope) -> Any:
    _, name, arg_exprs, expand = expr
    name = name.split("::")[-1] if name.startswith("provider::") else name
    if name in ("try", "can"):
        if name == "can" and len(arg_exprs) != 1:
            raise EvalError(f"can() takes exactly one argument, not {len(arg_exprs)}")
        return _try(arg_exprs, scope) if name == "try" else _can(arg_exprs[0], scope)
    if name in NEVER_READ:
        return Unknown(f"{name}() is not evaluated")
    fn = FUNCTIONS.get(name)
    if fn is None:
        return _unmodelled(name, arg_exprs, scope)
    args = [evaluate(a, scope) for a in arg_exprs]
    if expand and args:
        last = args.pop()
        if isinstance(last, (Unknown, PartialMap)):
            return first_unknown(last)
        if not isinstance(last, list):  # f(x...) expands a list or tuple only
            raise EvalError(f"{name}(): the argument before ... must be a list, not {show(last)}")
        args.extend(last)
    try:
        return fn(*args)
    except (EvalError, RecursionError):
        raise
    except Exception as exc:  # noqa: BLE001 - a function given values it does not take
        # The implementations below are plain Python on user values: a TypeError,
        # ValueError, OverflowError, re.error, StopIteration … is Terraform's "Invalid
        # function argument", never a crash.
        raise EvalError(f"{name}(): invalid arguments ({type(exc).__name__}: {exc})") from None


def _unmodelled(name: str, arg_exprs: tuple, scope: Scope) -> Unknown:
    """A function tagcheck does not implement. When one of its arguments is unknown anyway,
    that reference is the reason (``data.http.x``, not the function that received it)."""
    try:
        for arg in arg_exprs:
            unknown = first_unknown(evaluate(arg, scope))
            if unknown is not None:
                return unknown
    except EvalError:
        pass
    return Unknown(f"function {name}() is not modelled")


def _try(arg_exprs: tuple, scope: Scope) -> Any:
    for arg in arg_exprs:
        try:
            value = evaluate(arg, scope)
        except CycleError:
            raise
        except EvalError:
            continue
        # an unknown first argument makes the whole try() unknown, as in Terraform
        return value
    raise EvalError("no argument of try() could be evaluated")


def _can(arg: Any, scope: Scope) -> Any:
    try:
        value = evaluate(arg, scope)
    except CycleError:
        raise
    except EvalError:
        return False
    return value if isinstance(value, Unknown) else True


_FORMS: dict[str, Callable[[Any, Scope], Any]] = {
    "tpl": _template, "tuple": _tuple, "object": _object, "ref": _ref, "attr": _attr, "index": _index,
    "splat": _splat, "cond": _cond, "bin": _bin, "un": _un, "for": _for, "call": _call,
    "unsupported": lambda expr, scope: Unknown(f"{expr[1]} is not evaluated"),
}


