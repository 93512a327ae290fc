"""A module directory as read: its parsed files and blocks, what its top-level blocks say about
it (local module calls, provider and backend blocks) without evaluating anything, where its
local sources lead, and the problems of reading it.

Nothing here evaluates an expression, so finding the roots of a repository and reading
evaluated roots back from the cache (a warm run) never import the evaluator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from tagcheck.model import Location, SourceProblem


@dataclass
class ParsedFile:
    path: Path
    blocks: list  # parser.Block
    lines: list[str]


@dataclass
class ModuleDir:
    """A directory's parsed files, grouped by block type."""

    directory: Path
    files: list[ParsedFile] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)

    def blocks(self, block_type: str):
        for parsed in self.files:
            for block in parsed.blocks:
                if block.type == block_type:
                    yield parsed, block

    @cached_property
    def _summary(self) -> tuple[tuple[str, ...], bool, bool]:
        return call_summary(b for parsed in self.files for b in parsed.blocks)  # read after loading: files are final

    @property
    def configures_a_root(self) -> bool:
        return self._summary[1]

    @property
    def looks_like_reusable_module(self) -> bool:
        return not self.configures_a_root and not has_tfvars(self.directory)

    @property
    def leaves_inputs_to_caller(self) -> bool:
        """No backend and no tfvars: whoever applies it (a module call, a wrapper such as
        Terragrunt or Atmos, a pipeline's -var-file) supplies its inputs — even when it
        configures a provider, as published modules' providers.tf and examples often do."""
        return not self._summary[2] and not has_tfvars(self.directory)


def call_summary(blocks) -> tuple[tuple[str, ...], bool, bool]:
    """(the ``source`` of each module call that is a local path, whether there is a
    provider, backend or cloud block — what root modules declare —, whether there is a
    backend or cloud block — a root applied as written) of top-level blocks: what finding
    the roots of a repository needs, without evaluating anything."""
    sources = []
    configures_root = backend = False
    for block in blocks:
        if block.type == "module" and "source" in block.attrs:
            # Terraform takes only a literal string as a source ("${path.module}/x" is an error)
            expr = block.attrs["source"][0]
            if expr[0] == "lit" and module_source_is_local(expr[1]):
                sources.append(expr[1])
        elif block.type == "provider":
            configures_root = True
        elif block.type == "terraform" and any(b.type in ("backend", "cloud") for b in block.blocks):
            configures_root = backend = True
    return tuple(sources), configures_root, backend


def has_tfvars(directory: Path) -> bool:
    return any(directory.glob("*.tfvars")) or any(directory.glob("*.tfvars.json"))


def module_source_is_local(source: Any) -> bool:
    return isinstance(source, str) and (source.startswith("./") or source.startswith("../"))


def resolve_source(directory: str, source: str) -> tuple[str | None, bool, str | None]:
    """Where a local module ``source`` leads: (the resolved directory, whether it is one, why
    the path is not usable — a NUL byte, a name too long, a symbolic link loop). The evaluator
    records the first two and the root cache checks them again with this same function."""
    try:
        child = (Path(directory) / source).resolve()
        return str(child), child.is_dir(), None
    except (OSError, ValueError, RuntimeError) as exc:
        return None, False, getattr(exc, "strerror", None) or str(exc)


def resolve_dir(path: Path) -> Path | None:
    """``path.resolve()``, or None when it is not a usable path (a NUL byte, a name too
    long, a symbolic link loop — which pathlib reports as RuntimeError before 3.13)."""
    try:
        return path.resolve()
    except (OSError, ValueError, RuntimeError):
        return None


def repository_top(directory: Path) -> Path | None:
    """The nearest directory at or above ``directory`` holding ``.git`` (a repository or a
    worktree), or None."""
    return next((d for d in (directory, *directory.parents) if (d / ".git").exists()), None)


def internal_error(doing: str, exc: BaseException, location: Location) -> SourceProblem:
    """A tagcheck bug met while reading Terraform: TC000 naming what was being done."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {frames[-1].name}:{frames[-1].lineno}" if frames else ""
    return SourceProblem("TC000", f"internal error {doing}: {type(exc).__name__}: {exc}{where} "
                                  "(a bug in tagcheck; please report it with this file)", location,
                         {"exception": type(exc).__name__})
