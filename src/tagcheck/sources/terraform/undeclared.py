"""Values given for variables a root does not declare, treated as Terraform treats them.

* ``--var NAME=VALUE``: Terraform stops with "Value for undeclared variable", so the scan is
  bad input (exit 2), with the name and the root.
* a variables file (``terraform.tfvars``, ``*.auto.tfvars``, their ``.json`` forms, a
  ``--var-file``): Terraform warns and ignores the value, so tagcheck does too — a warning on
  stderr with the file and line — and the evaluation never uses it.

One scan may evaluate many roots, and ``--var`` and ``--var-file`` apply to each of them. A
name is undeclared only when *no* root of the scan declares it (a typo); a monorepo scan with
``--var environment=prod`` must not fail because one of its roots has no such variable, and
that root simply does not use the value. A tfvars file in a root's own directory is that
root's alone.

The names come from parses (a root's ``variable`` blocks, a file's attributes) and are kept in
the cache by content — the root directory's fingerprint, the file's digest — so a warm run
reads one small entry per root that has variables files, and parses nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from tagcheck.sources.terraform.inputs import RootInputs
from tagcheck.sources.terraform.loader import DirLoader

_AUTO_LOADED = ("terraform.tfvars", "terraform.tfvars.json")
_AUTO_SUFFIXES = (".auto.tfvars", ".auto.tfvars.json")
_SHOWN_ROOTS = 3


@dataclass
class Undeclared:
    """What a scan's inputs set that its roots do not declare."""

    errors: list[str] = field(default_factory=list)  # one per --var name: bad input
    warnings: list[str] = field(default_factory=list)  # one per file and name


def undeclared_values(roots: list[Path], inputs: RootInputs, loader: DirLoader) -> Undeclared:
    found = Undeclared()
    declared: dict[Path, frozenset[str]] = {}
    for root in roots:
        own = _auto_loaded_files(root)
        if own or inputs.vars or inputs.var_files:
            declared[root] = _declared_names(root, loader)
        for path in own:
            for name, line in _set_names(path, loader).items():
                if name not in declared[root]:
                    found.warnings.append(
                        f'{_where(loader, path, line)}: value for undeclared variable "{name}": '
                        f"{_nobody_declares(name, [root], loader)}; ignored (as Terraform does, with a warning)")
    if not roots:
        return found
    everywhere = frozenset().union(*declared.values())
    for name in inputs.vars:
        if name not in everywhere:
            found.errors.append(f"--var {name}=…: {_nobody_declares(name, roots, loader)} "
                                "(Terraform rejects a value for an undeclared variable)")
    for path in inputs.var_files:
        for name, line in _set_names(path, loader).items():
            if name not in everywhere:
                found.warnings.append(f'{_where(loader, path, line)}: value for undeclared variable "{name}": '
                                      f"{_nobody_declares(name, roots, loader)}; ignored (as Terraform does, "
                                      "with a warning)")
    return found


def _nobody_declares(name: str, roots: list[Path], loader: DirLoader) -> str:
    if len(roots) == 1:
        return f'root module {loader.display(roots[0])} declares no variable "{name}"'
    names = ", ".join(loader.display(r) for r in roots[:_SHOWN_ROOTS]) + (", …" if len(roots) > _SHOWN_ROOTS else "")
    return f'none of the {len(roots)} root modules scanned ({names}) declares a variable "{name}"'


def _where(loader: DirLoader, path: Path, line: int | None) -> str:
    return f"{loader.display(path)}:{line}" if line else loader.display(path)


def _auto_loaded_files(root: Path) -> list[Path]:
    """The variables files Terraform loads from a root's directory, in its order."""
    try:
        names = sorted(os.listdir(root))
    except OSError:
        return []
    auto = sorted(n for n in names if n.endswith(_AUTO_SUFFIXES))
    return [root / n for n in [*(n for n in _AUTO_LOADED if n in names), *auto] if (root / n).is_file()]


def _declared_names(root: Path, loader: DirLoader) -> frozenset[str]:
    """The root's ``variable`` names, cached by the directory's fingerprint."""
    cache = loader.cache
    key = cache.key("declared-variables", loader.fingerprint(root).encode())
    cached = cache.get(key, counted=False)
    if isinstance(cached, tuple):
        return frozenset(cached)
    names = tuple(sorted({block.labels[0] for _, block in loader.load(root).blocks("variable") if block.labels}))
    cache.put(key, names, counted=False)
    return frozenset(names)


def _set_names(path: Path, loader: DirLoader) -> dict[str, int | None]:
    """The names a variables file sets (with lines), cached by its digest; {} when it cannot
    be read or parsed (evaluating the root reports that as TC001)."""
    digest = loader.file_digest(path)
    if digest.startswith("!"):
        return {}
    cache = loader.cache
    key = cache.key("variables-file-names", f"{path.name.endswith('.json')}|{digest}".encode())
    cached = cache.get(key, counted=False)
    if isinstance(cached, tuple):
        return dict(cached)
    names = loader.variables_file_names(path)
    if names is None:
        return {}
    cache.put(key, tuple(names.items()), counted=False)
    return names
