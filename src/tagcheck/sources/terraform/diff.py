"""``--diff-base REF``: the resources a change touches, and those it removed.

The change is ``git diff`` between the merge base of REF and HEAD and the working tree
(committed, staged and unstaged edits alike); untracked files count only when asked
(``--include-untracked``) — a stray local file must not widen a pull request's report. The
merge base's tree is written to a temporary directory (``git archive``), and then:

* every module directory with a changed file is compared with its version at the merge
  base by content (dependencies.changed_nodes): a blank line, a comment, re-indentation or
  a block moved to another file changes nothing; a new file contributes its own blocks; a
  deleted block or file changes what read it. (So "a changed line inside a block" is taken
  to mean a change of what the block says — a hunk spanning two blocks touches those of them
  whose content changed.) Files that are neither at the merge base nor in the diff —
  untracked or git-ignored ones — are left out of that comparison;
* every changed variables file a root reads (``terraform.tfvars``, ``*.auto.tfvars``, their
  JSON forms, ``--var-file``) is compared value by value: only the variables whose values
  differ change;
* dependencies.propagate follows those changes to the resources that read them, in every
  instance of every module, across module calls;
* the merge base's tree is scanned with the same inputs: a resource it has that is gone now is
  **removed** (listed, never a finding — a module call renamed removes its old addresses and
  changes the new ones), a resource whose ``tagcheck:ignore`` comments changed is changed
  (comments are otherwise no change), and the allocation coverage before the change is
  computed from it by the caller.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tagcheck.model import Resource
from tagcheck.sources.terraform.cache import ParseCache
from tagcheck.sources.terraform.dependencies import Node, changed_nodes, declarations, instances, propagate
from tagcheck.sources.terraform.inputs import RootInputs
from tagcheck.sources.terraform.loader import DEFAULT_MAX_FILE_BYTES, DirLoader, is_terraform_file
from tagcheck.sources.terraform.moduledir import repository_top
from tagcheck.sources.terraform.source import ScanInputError, TerraformScan, scan
from tagcheck.sources.terraform.source import sources_in_text


class DiffError(Exception):
    """git could not tell what changed (exit 2)."""


@dataclass
class Change:
    """What git says changed since the merge base: files as they are (or were) in the working
    tree, deleted ones included."""

    top: Path  # the repository's top level (resolved)
    merge_base: str
    files: set[Path] = field(default_factory=set)
    untracked: set[Path] = field(default_factory=set)  # counted only with --include-untracked


@dataclass
class DiffResult:
    changed: set[tuple[str, str]]  # Resource.identity of each resource the change touches
    removed: list[dict[str, Any]] | None  # at the merge base, gone now: address, type, root, file, line
    # (None: the merge base could not be scanned with these inputs, so it is not known)
    files: set[Path]  # the changed files (Change.files)
    before: list[Resource] | None  # every resource at the merge base (None: it could not be scanned)
    merge_base: str


def _git(cwd: Path, *args: str) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise DiffError("git is not installed") from None
    if out.returncode != 0:
        raise DiffError(f"git {' '.join(args)}: {out.stderr.strip() or 'failed'}")
    return out.stdout


def _in_tree(top: Path, name: str) -> Path:
    """A path git prints (relative to the top level) as the scan sees it: in its resolved directory."""
    path = top / name
    return path.parent.resolve() / path.name


def git_changes(base_ref: str, cwd: Path, include_untracked: bool = False) -> Change:
    try:
        top = Path(_git(cwd, "rev-parse", "--show-toplevel").strip()).resolve()
    except DiffError:
        raise DiffError(f"{cwd} is not inside a git repository") from None
    try:
        _git(top, "rev-parse", "--verify", "--quiet", f"{base_ref}^{{commit}}")
    except DiffError:
        raise DiffError(f"no commit named {base_ref!r} in this repository (fetch it first, e.g. "
                        "`git fetch origin main`)") from None
    try:
        base = _git(top, "merge-base", base_ref, "HEAD").strip()
    except DiffError:
        raise DiffError(f"{base_ref!r} and HEAD have no merge base (a shallow clone? fetch the full history: "
                        "fetch-depth: 0 on GitHub, GIT_DEPTH: 0 on GitLab)") from None
    change = Change(top, base)
    names = _git(top, "diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", base, "--")
    change.files = {_in_tree(top, name) for name in names.split("\0") if name}
    if include_untracked:
        others = _git(top, "ls-files", "--others", "--exclude-standard", "-z")
        change.untracked = {_in_tree(top, name) for name in others.split("\0") if name}
        change.files |= change.untracked
    return change


def extract_base_tree(change: Change, target: Path) -> None:
    """Write the merge base's tree into ``target`` (``git archive``; safe members only)."""
    try:
        archive = subprocess.run(["git", "archive", "--format=tar", change.merge_base], cwd=change.top,
                                 capture_output=True, check=True).stdout
    except subprocess.CalledProcessError as exc:
        raise DiffError(f"git archive {change.merge_base}: {exc.stderr.decode(errors='replace').strip()}") from None
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")


def compare_with_base(scanned: TerraformScan, base_ref: str, paths: list[Path], inputs: RootInputs, *,
                      cache: ParseCache | None = None, jobs: int = 1, max_file_bytes: int | None = None,
                      include_untracked: bool = False) -> DiffResult:
    """What the change since the merge base of ``base_ref`` and HEAD touches in ``scanned``
    (the scan of ``paths`` now); the merge base is scanned with the same inputs and limits."""
    cache = cache or ParseCache(None)
    first = paths[0] if paths[0].is_dir() else paths[0].parent
    change = git_changes(base_ref, first, include_untracked)
    with tempfile.TemporaryDirectory(prefix="tagcheck-base-") as tmp:
        base = Path(tmp).resolve()
        extract_base_tree(change, base)
        before = _scan_base(base, change.top, paths, inputs, cache, jobs, max_file_bytes)
        labels = _BaseLabels(base, change.top, scanned.cwd)
        changed = _Comparison(scanned, change, base, inputs, cache, max_file_bytes).changed_identities()
    if before is not None:
        was = {labels.identity(r): r for r in before}
        for resource in scanned.resources:  # tagcheck:ignore comments: not a change of content, yet of the result
            old = was.get(resource.identity)
            if old is not None and old.suppressed_rules != resource.suppressed_rules:
                changed.add(resource.identity)
        now = {r.identity for r in scanned.resources}
        removed = sorted(({"address": r.address, "type": r.type, "root": labels.root(r.root),
                           "file": labels.file(r.location.file), "line": r.location.line}
                          for key, r in was.items() if key not in now),
                         key=lambda r: (r["root"], r["address"]))
    else:
        removed = None
    return DiffResult(changed, removed, change.files, before, change.merge_base)


def _scan_base(base: Path, top: Path, paths: list[Path], inputs: RootInputs, cache: ParseCache, jobs: int,
               max_file_bytes: int | None) -> list[Resource] | None:
    """Every resource of ``paths`` at the merge base (written to ``base``); [] when none of
    them existed there; None when the base cannot be scanned with these inputs (a ``--var``
    for a variable the change adds)."""
    old_paths = []
    for path in paths:
        try:
            old = base / path.resolve().relative_to(top)
        except ValueError:  # outside the repository: not part of the change
            continue
        if old.exists():
            old_paths.append(old)
    if not old_paths:
        return []
    try:
        return scan(old_paths, inputs, cwd=base, cache=cache, jobs=jobs, max_file_bytes=max_file_bytes).resources
    except ScanInputError:
        return None


class _BaseLabels:
    """The merge base's roots and files (shown relative to its temporary tree) as the scan of
    the working tree shows them (relative to the current directory)."""

    def __init__(self, base: Path, top: Path, cwd: Path):
        self.base, self.top, self.cwd = base, top, cwd
        self._known: dict[str, str] = {}  # thousands of resources share a few roots and files

    def _now(self, label: str | None) -> str | None:
        if label is None or os.path.isabs(label):
            return label
        if label not in self._known:
            self._known[label] = _shown(Path(os.path.normpath(self.top / label)), self.cwd)
        return self._known[label]

    def root(self, label: str) -> str:
        return self._now(label) or ""

    def file(self, label: str | None) -> str | None:
        return self._now(label)

    def identity(self, resource: Resource) -> tuple[str, str]:
        return (self.root(resource.root), resource.address)


def _shown(path: Path, cwd: Path) -> str:
    """A path as the scan shows it (DirLoader.display): relative to the current directory
    when inside it, else absolute."""
    relative = os.path.relpath(path, cwd)
    return str(path) if relative.startswith("..") else relative


_AUTO_TFVARS = re.compile(r"^(terraform\.tfvars(\.json)?|.*\.auto\.tfvars(\.json)?)$")
_CALL = re.compile(r'module\.([^.\[]+)(?:\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\])?(?:\.|$)')
_ALL = None  # "every variable of the root": a variables file that cannot be read on one side


class _Comparison:
    """The merge base's tree against the working tree's scan: which resources changed."""

    def __init__(self, scanned: TerraformScan, change: Change, base: Path, inputs: RootInputs, cache: ParseCache,
                 max_file_bytes: int | None):
        limit = DEFAULT_MAX_FILE_BYTES if max_file_bytes is None else max_file_bytes
        self.scanned, self.change, self.base, self.inputs = scanned, change, base, inputs
        self.old = DirLoader(base, cache, None, limit)
        self.new = DirLoader(scanned.cwd, cache, None, limit)
        self._calls: dict[Path, set[Path]] = {}  # directory → the local sources its text names

    def _at_base(self, path: Path) -> Path | None:
        try:
            return self.base / path.relative_to(self.change.top)
        except ValueError:
            return None

    def _compared(self, path: Path) -> bool:
        """Whether a working-tree file takes part: it is in the diff, or it is at the merge
        base unchanged (untracked and ignored files are neither)."""
        if path in self.change.files:
            return True
        old = self._at_base(path)
        return old is not None and old.is_file()

    def module_seeds(self) -> dict[Path, set[Node]]:
        """Changed module directory → the nodes its change touches (in every instance of it)."""
        seeds: dict[Path, set[Node]] = {}
        for directory in sorted({p.parent for p in self.change.files if is_terraform_file(p)}):
            mod = self.scanned.module(directory)
            if mod is None:
                continue  # not part of this scan (a deleted directory has no resources left)
            old_dir = self._at_base(directory)
            old = self.old.load(old_dir) if old_dir is not None and old_dir.is_dir() else None
            nodes = changed_nodes(declarations(old), declarations(mod, self._compared))
            if nodes:
                seeds[directory] = nodes
        return seeds

    def variable_seeds(self) -> dict[Path, set[str] | None]:
        """Root directory → the variables a changed variables file it reads now sets to
        another value (:data:`_ALL`: every variable, when one side cannot be read)."""
        var_files = {p.resolve() for p in self.inputs.var_files}
        seeds: dict[Path, set[str] | None] = {}
        for path in sorted(self.change.files):
            if not path.name.endswith((".tfvars", ".tfvars.json")):
                continue
            if path in var_files:
                readers = list(self.scanned.roots)
            elif _AUTO_TFVARS.match(path.name) and path.parent in self.scanned.roots:
                readers = [path.parent]
            else:
                continue  # a variables file nobody reads
            names = self._changed_variables(path)
            for root in readers:
                if names is _ALL or seeds.get(root, set()) is _ALL:
                    seeds[root] = _ALL
                else:
                    seeds[root] = seeds.get(root, set()) | names
        return seeds

    def _changed_variables(self, path: Path) -> set[str] | None:
        from tagcheck.sources.terraform.variables import VarsFileError

        def values(loader: DirLoader, file: Path | None) -> dict | None:
            if file is None or not file.is_file():
                return {}
            try:
                return loader.read_vars(file)
            except VarsFileError:
                return None

        old, new = values(self.old, self._at_base(path)), values(self.new, path)
        if old is None or new is None:
            return _ALL
        missing = object()
        return {name for name in old.keys() | new.keys() if old.get(name, missing) != new.get(name, missing)}

    def changed_identities(self) -> set[tuple[str, str]]:
        module_seeds, variable_seeds = self.module_seeds(), self.variable_seeds()
        if not module_seeds and not variable_seeds:
            return set()
        scanned = self.scanned
        # only the roots the change can reach are parsed again and walked
        walked = [root for root in scanned.roots
                  if root in variable_seeds or _may_reach(root, set(module_seeds), self._calls)]
        tree = instances(walked, scanned.module, lambda root: repository_top(root))
        seeds: dict = {}
        for instance in tree:
            nodes = set(module_seeds.get(instance.directory, ()))
            if instance.parent is None and instance.root in variable_seeds:
                names = variable_seeds[instance.root]
                nodes |= ({n for n in instance.graph.nodes if n[0] == "var"} if names is _ALL
                          else {("var", name) for name in names})
            if nodes:
                seeds[instance] = nodes
        propagate(seeds)
        placed = {(i.root, i.path): i for i in tree}
        roots = {_shown(root, scanned.cwd): root for root in scanned.roots}
        touched_dirs = set(module_seeds)
        changed = set()
        walked_roots = set(walked)
        for resource in scanned.resources:
            root = roots.get(resource.root)
            if root not in walked_roots:
                continue
            path, node = _place(resource)
            instance = placed.get((root, path))
            if instance is not None:
                hit = node in instance.changed
            else:  # not in the static tree (should not happen): fall back to its module directories
                hit = not touched_dirs.isdisjoint(scanned.directory_chains.get(resource.address, ()))
            if hit:
                changed.add(resource.identity)
        return changed


def _may_reach(root: Path, targets: set[Path], calls: dict[Path, set[Path]]) -> bool:
    """Whether ``root`` or a module it calls, through local sources found by a text search
    (a superset of what it calls: no parse), is one of ``targets``."""
    seen = {root}
    todo = [root]
    while todo:
        directory = todo.pop()
        if directory in targets:
            return True
        if directory not in calls:
            calls[directory] = set(sources_in_text(directory))
        for callee in calls[directory] - seen:
            seen.add(callee)
            todo.append(callee)
    return False


def _place(resource: Resource) -> tuple[tuple[str, ...], Node]:
    """(the module call names from its root, its resource node): ``module.app["a"].aws_instance.web[0]``
    → (("app",), ("resource", "aws_instance.web"))."""
    calls = []
    position = 0
    while position < len(resource.module):
        match = _CALL.match(resource.module, position)
        if match is None:
            break
        calls.append(match.group(1))
        position = match.end()
    rest = resource.address[len(resource.module) + 1:] if resource.module else resource.address
    name = rest[len(resource.type) + 1:].split("[", 1)[0]
    return tuple(calls), ("resource", f"{resource.type}.{name}")
