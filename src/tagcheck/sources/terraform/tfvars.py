"""Variables files (terraform.tfvars, *.auto.tfvars, --var-file; HCL or JSON) → values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from tagcheck.model import Unknown
from tagcheck.sources.terraform.evaluate import Scope, evaluate
from tagcheck.sources.terraform.syntax import MAX_NESTING, nesting_depth
from tagcheck.sources.terraform.values import EvalError


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
