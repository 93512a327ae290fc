"""What a variable's value is: its ``variable`` block (type, default, nullable), the values a
root is given (tfvars, ``--var-file``, ``--var``) and Terraform's conversion to the type.

A root's variables follow Terraform's precedence: ``default`` < ``terraform.tfvars`` <
``terraform.tfvars.json`` < ``*.auto.tfvars`` / ``*.auto.tfvars.json`` (lexical order of
file name) < ``--var-file`` (in the order given) < ``--var`` (:func:`root_variables`). A
child module's are the call's arguments, else their defaults (the evaluator binds them).
Variables files are HCL or JSON (:func:`read_vars_file`); one that cannot be read is a
:class:`VarsFileError`, a TC001 at its file and line, and its values are not used. Binding
a value applies ``nullable = false`` (null means the default) and fills ``optional(type,
default)`` attributes of object types (:func:`with_type_defaults`).

Root or reusable module? A directory evaluated as a root that declares no provider,
no backend and has no tfvars is taken to be a reusable module scanned on its own: its
variables that have no default, or a null/empty default (``tags = {}``), are
*supplied by the caller* — unknown, not empty — so ``tags = merge(var.tags, {…})``
gives "unknown: supplied by the caller" instead of a wall of missing-tag errors. A
directory with a provider block but no backend and no tfvars (a published module's
``providers.tf``, an example, a component applied by a wrapper) leaves its map inputs to
the caller the same way: ``default_tags { tags = merge(var.tags, {…}) }`` with
``default = {}`` is unknown, not a wall of missing keys. A root with tfvars or a backend
is applied as written: there ``default = {}`` means no extra tags.

A variable ``default`` that refers to anything (``default = var.b``) is unknown here, with
the reason; Terraform allows constants only, and static_checks.py reports it as TC001.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from tagcheck.model import Unknown
from tagcheck.sources.terraform.evaluate import Scope, evaluate, evaluate_or_unknown, render
from tagcheck.sources.terraform.inputs import RootInputs
from tagcheck.sources.terraform.moduledir import ModuleDir
from tagcheck.sources.terraform.static_checks import references
from tagcheck.sources.terraform.syntax import MAX_NESTING, nesting_depth
from tagcheck.sources.terraform.values import EvalError


@dataclass(frozen=True)
class Variable:
    """A ``variable`` block: what binding a value to it does."""

    name: str
    has_default: bool
    default: Any
    nullable: bool
    type_expr: Any

    @property
    def is_empty_map_input(self) -> bool:
        """A map input left for the caller: ``default = {}`` (or ``null`` when the type says
        map) — the shape of a ``tags`` variable. Other empty defaults (a null string, an
        empty list, an ``object({…})`` whose optional attributes fill in) are ordinary
        values, used as written."""
        if not self.has_default or self.default not in (None, {}):
            return False
        kind = self.type_expr
        if kind is None or kind == ("ref", "any"):
            return self.default == {}
        return kind[0] == "call" and kind[1] == "map"

    def bind(self, value: Any) -> Any:
        # nullable = false: passing null means "use the default" (Terraform ≥ 1.1)
        if value is None and not self.nullable and self.has_default:
            value = self.default
        return with_type_defaults(value, self.type_expr) if self.type_expr is not None else value


def declared_variables(mod: ModuleDir) -> dict[str, Variable]:
    """The ``variable`` blocks of a module, by name (a default that refers to anything is
    unknown: Terraform allows only constants)."""
    declared: dict[str, Variable] = {}
    for _, block in mod.blocks("variable"):
        name = block.labels[0] if block.labels else "?"
        has_default = "default" in block.attrs
        nullable = block.attrs.get("nullable", (("lit", True), 0))[0] != ("lit", False)
        default = None
        if has_default:
            refs = [f"{r}.{k}" if k is not None else r for r, k in references(block.attrs["default"][0])]
            default = (Unknown(f"the default of var.{name} refers to {refs[0]} (Terraform allows only constants)")
                       if refs else evaluate_or_unknown(block.attrs["default"][0], Scope()))
        declared[name] = Variable(name, has_default, default, nullable,
                                  block.attrs["type"][0] if "type" in block.attrs else None)
    return declared


def root_variables(mod: ModuleDir, inputs: RootInputs, read_vars_file: Callable[[Path], dict[str, Any]],
                   parse_expression: Callable[[str], Any]) -> dict[str, Any]:
    """A root module's variables, bound, in Terraform's precedence (see the module's doc).
    ``read_vars_file``: a variables file → its values (reporting a file it cannot read and
    giving ``{}``); ``parse_expression``: HCL text → expression, for ``--var`` values."""
    declared = declared_variables(mod)
    reusable = mod.looks_like_reusable_module
    from_caller = mod.leaves_inputs_to_caller
    values: dict[str, Any] = {}
    for name, decl in declared.items():
        if reusable and (not decl.has_default or decl.default in (None, {}, [], "")):
            values[name] = Unknown(f"var.{name}: supplied by the caller (reusable module scanned on its own)")
        elif from_caller and decl.is_empty_map_input:
            # tags = var.tags / default_tags { tags = merge(var.tags, …) } with `default = {}`:
            # what the caller passes decides — wherever the provider block is. (A root with
            # tfvars or a backend is applied as it is: there `{}` means no extra tags.)
            values[name] = Unknown(f"var.{name}: supplied by the caller (default {json.dumps(decl.default)}, "
                                   "no value in tfvars or --var)")
        elif decl.has_default:
            values[name] = decl.default
        else:
            values[name] = Unknown(f"var.{name} is not set (no default, tfvars or --var)")
    tfvars = sorted(mod.directory.glob("*.auto.tfvars")) + sorted(mod.directory.glob("*.auto.tfvars.json"))
    ordered = [mod.directory / "terraform.tfvars", mod.directory / "terraform.tfvars.json",
               *sorted(tfvars, key=lambda p: p.name), *inputs.var_files]
    for path in ordered:
        if path.is_file():
            values.update({k: v for k, v in read_vars_file(path).items() if k in declared})
    for name, raw in inputs.vars.items():  # one no root declares stopped the scan (undeclared.py)
        if name in declared:
            values[name] = cli_value(raw, parse_expression)
    return {name: declared[name].bind(value) if name in declared else value for name, value in values.items()}


def cli_value(raw: str, parse_expression: Callable[[str], Any]) -> Any:
    """A ``--var NAME=VALUE`` value: an HCL list or object when it looks like one and
    parses, else the string as given (as Terraform takes it)."""
    text = raw.strip()
    if text[:1] in ("{", "["):
        try:
            return evaluate(parse_expression(text), Scope())
        except Exception:  # not an expression after all: Terraform takes it as a string
            return raw
    return raw


def with_type_defaults(value: Any, type_expr: Any) -> Any:
    """Fill ``optional(type, default)`` attributes of object types, as Terraform does when
    it converts a value to the variable's type."""
    if value is None or not isinstance(type_expr, tuple) or type_expr[0] != "call":
        return value
    name, args = type_expr[1], type_expr[2]
    if name == "object" and args and args[0][0] == "object" and isinstance(value, dict):
        out = dict(value)
        for key_expr, attr_type in args[0][1]:
            key = key_expr[1] if key_expr[0] == "lit" else render(key_expr)
            if isinstance(attr_type, tuple) and attr_type[0] == "call" and attr_type[1] == "optional" and attr_type[2]:
                if out.get(key) is None:
                    out[key] = evaluate_or_unknown(attr_type[2][1], Scope()) if len(attr_type[2]) > 1 else None
                attr_type = attr_type[2][0]
            if key in out:
                out[key] = with_type_defaults(out[key], attr_type)
        return out
    if name == "map" and args and isinstance(value, dict):
        return {k: with_type_defaults(v, args[0]) for k, v in value.items()}
    if name in ("list", "set") and args and isinstance(value, list):
        return [with_type_defaults(v, args[0]) for v in value]
    return value


# --- variables files ----------------------------------------------------------------------

class VarsFileError(Exception):
    """A variables file that cannot be read (the line, when there is one)."""

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.message = message
        self.line = line


def read_vars_file(path: Path, parse_attributes: Callable[[str], dict], parse_error: type,
                   max_bytes: int = 0) -> dict[str, Any]:
    """terraform.tfvars / *.auto.tfvars / --var-file (HCL or JSON) → values. ``max_bytes``:
    larger files are an error without being parsed (0: no limit)."""
    try:
        size = path.stat().st_size
        if max_bytes and size > max_bytes:
            raise VarsFileError(f"variables file too large to parse ({size / 2**20:.1f} MB > limit "
                                 f"{max_bytes / 2**20:.1f} MB)", None)
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise VarsFileError(f"cannot read variables file: {exc.strerror or exc}", None) from None
    except UnicodeDecodeError as exc:
        raise VarsFileError(f"variables file is not valid UTF-8 (byte {exc.start})", None) from None
    if path.name.endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise VarsFileError(f"invalid JSON: {exc.msg}", exc.lineno) from None
        except (RecursionError, ValueError) as exc:
            raise VarsFileError(f"invalid JSON: {'nested too deeply' if isinstance(exc, RecursionError) else exc}",
                                 None) from None
        if not isinstance(data, dict):
            raise VarsFileError("a .tfvars.json file must hold a JSON object", 1)
        if nesting_depth(data) > MAX_NESTING:
            raise VarsFileError(f"nested more than {MAX_NESTING} levels deep; not read", 1)
        return data
    try:
        attrs = parse_attributes(text)
    except parse_error as exc:
        raise VarsFileError(exc.message, exc.line) from None
    values = {}
    for name, (expr, _line) in attrs.items():
        try:
            values[name] = evaluate(expr, Scope())
        except EvalError as exc:
            values[name] = Unknown(f"var.{name} in {path.name}: {exc}")
    return values
