"""The Terraform source: paths on disk → resources (and the problems met reading them).

Given directories, every directory below holding ``.tf``/``.tf.json`` files is a module;
those that no other scanned module calls (through a local ``source``) are the roots
evaluated. Given files (as pre-commit passes them), their directories are evaluated
whole, each as a root: a tag set in ``locals.tf`` matters to ``main.tf``. When such a
directory is a reusable module that other modules of the repository call, the roots that
call it are evaluated instead (its tags come from them) and only the resources evaluated
through the changed directory are kept. Callers are found with a text search for local
``source = "./…"`` lines, so an unchanged repository is not parsed for it.

Odd inputs (hardening, issue #8) — each is a finding with the file (and line where there
is one) and the rest of the run goes on:

* a file that is not UTF-8, cannot be read (permissions), or is a dangling or looping
  symbolic link: TC001; a directory that cannot be listed: TC001. Symbolic links to
  directories are not walked into (no loops); a ``.tf`` name that is not a regular file
  (a FIFO, a device) is not read. A UTF-8 byte-order mark is accepted.
* a file over the size limit is TC001 "file too large to parse" without being parsed.
  python-hcl2 needs about 5 s and 250 MB of memory per MB of HCL (measured on 8.1.4;
  memory is the binding constraint), so the default is :data:`DEFAULT_MAX_FILE_BYTES`
  (2 MiB — ten times the largest hand-written files we know of). It is configurable:
  ``scan(max_file_bytes=…)`` (0: no limit); on the command line ``--max-file-size MB``
  (or ``TAGCHECK_MAX_FILE_MB``). The same limit applies to tfvars files.
* directories that only call each other (``a`` → ``b`` → ``a``, or a module whose source
  is itself) are still evaluated, so the cycle is reported instead of nothing at all.
* a bug in tagcheck while parsing a file or evaluating a root is a TC000 finding naming
  the exception ("please report"), and the other files and roots are still checked.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, NamedTuple, Sequence

from tagcheck.model import Location, Resource, SourceProblem
from tagcheck.sources.terraform import roots_cache
from tagcheck.sources.terraform.cache import ParseCache
from tagcheck.sources.terraform.loader import (  # noqa: F401 - the limits are re-exported for callers of scan()
    DEFAULT_MAX_FILE_BYTES, MAX_FILE_ENV, MIN_FILES_FOR_WORKERS, DirLoader, is_terraform_file, terraform_files,
)
from tagcheck.sources.terraform.expansion import ZeroInstances
from tagcheck.sources.terraform.inputs import RootInputs
from tagcheck.sources.terraform.moduledir import ModuleDir, internal_error, repository_top, resolve_dir
from tagcheck.sources.terraform.progress import Phase, Progress, no_progress
from tagcheck.sources.terraform.undeclared import undeclared_values
from tagcheck.sources.terraform.workers import Workers, worker_cache

# Below this many roots to evaluate, starting worker processes costs more than it saves.
MIN_ROOTS_FOR_WORKERS = 8
# With one job a worker brings no parallelism, only the memory saving (_evaluate_in_workers):
# it is worth its start-up and the cache round trips on large scans only.
MIN_ROOTS_FOR_ONE_WORKER = 40

_SKIP_DIRS = {"node_modules", "__pycache__"}


class ScanInputError(Exception):
    """A path given on the command line cannot be scanned at all (exit 2)."""


class EvaluatedRoot(NamedTuple):
    """What one root gave, evaluated here or in a worker (:func:`_evaluate`) or read back from
    the cache (:func:`_decode`)."""

    resources: list[Resource]
    problems: list[SourceProblem]
    directory_chains: dict[str, tuple[Path, ...]]  # address → the module directories evaluated through
    directories: Sequence[Path]  # every module directory read
    zero_instances: list[ZeroInstances]
    workspace: tuple[str, str]  # terraform.workspace, where it came from


@dataclass
class TerraformScan:
    resources: list[Resource] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)
    roots: list[Path] = field(default_factory=list)
    # for --diff-base: which directories each resource was evaluated through, and every
    # module directory of the scan (to tell a resource block's lines from the rest of a file)
    directory_chains: dict[str, tuple[Path, ...]] = field(default_factory=dict)
    module_dirs: set[Path] = field(default_factory=set)
    cwd: Path = field(default_factory=Path.cwd)
    load_module: Callable[[Path], ModuleDir] | None = None
    # blocks whose count / for_each gave no instance (nothing of them is checked: say so)
    zero_instances: list[ZeroInstances] = field(default_factory=list)
    # root (as shown) → (terraform.workspace used, where it came from)
    workspaces: dict[str, tuple[str, str]] = field(default_factory=dict)

    def module(self, directory: Path) -> ModuleDir | None:
        """The parsed module in ``directory`` when it is one of the scan's (parsed on demand:
        a warm run takes its roots from the cache and parses nothing)."""
        if directory not in self.module_dirs or self.load_module is None:
            return None
        return self.load_module(directory)


def scan(paths: list[Path], inputs: RootInputs | None = None, cwd: Path | None = None, *,
         cache: ParseCache | None = None, jobs: int = 1, max_file_bytes: int | None = None,
         progress: Progress | None = None, warn: Callable[[str], None] | None = None) -> TerraformScan:
    """``cache``: where parsed files and evaluated roots are kept between runs (None: no
    cache); ``jobs``: worker processes for parsing and evaluating what the cache does not
    have (with a cache, one even for ``jobs=1`` on a large scan: see :func:`_evaluate_in_workers`);
    ``max_file_bytes``: files larger than this are TC001 without being parsed (None:
    :data:`DEFAULT_MAX_FILE_BYTES`; 0: no limit); ``progress``: how far the scan is
    (progress.py); ``warn``: hears a variables file's value for an undeclared variable
    (undeclared.py; a ``--var`` for one is a ScanInputError)."""
    inputs = inputs or RootInputs()
    limit = DEFAULT_MAX_FILE_BYTES if max_file_bytes is None else max_file_bytes
    cache = cache or ParseCache(None)
    # with a cache, even --jobs 1 has a worker, used on large scans only (see _evaluate_in_workers)
    workers = Workers(max(1, jobs) if cache.directory is not None else (jobs if jobs > 1 else 0), cache)
    try:
        return _scan(paths, inputs, DirLoader(cwd or Path.cwd(), cache, workers, limit), progress or no_progress,
                     warn)
    finally:
        workers.close()


def _scan(paths: list[Path], inputs: RootInputs, loader: DirLoader, progress: Progress = no_progress,
          warn: Callable[[str], None] | None = None) -> TerraformScan:
    roots, focus, module_dirs, called = _roots(paths, loader, progress)
    _check_undeclared(roots, inputs, loader, warn)
    decoder = roots_cache.Decoder()
    evaluated: dict[Path, EvaluatedRoot] = {}
    stale: list[tuple[Path, str | None]] = []
    done = Phase(progress, "roots", len(roots))
    for root in roots:
        key, entry = _lookup(root, inputs, loader)
        if entry is not None:
            evaluated[root] = _decode(entry, decoder)
            done.step()
        else:
            stale.append((root, key))
    workers_ran = _evaluate_in_workers([root for root, key in stale if key is not None], inputs, loader, done)
    loader.workers.close()  # done with them: idle workers would hold their memory while this one decodes
    for root, key in stale:
        entry = _lookup(root, inputs, loader)[1] if workers_ran and key is not None else None
        if entry is not None:
            evaluated[root] = _decode(entry, decoder)
        else:  # no cache, a worker could not store it, or no workers: evaluate it here
            evaluated[root], _ = _evaluate(root, inputs, loader, key)
            if root not in called:
                loader.forget(root)  # a root is evaluated once; the modules it calls may be shared
            if not (workers_ran and key is not None):  # a worker's roots were counted as it finished them
                done.step()
    resources: list[Resource] = []
    problems: list[SourceProblem] = []
    chains: dict[str, tuple[Path, ...]] = {}
    zeros: list[ZeroInstances] = []
    workspaces: dict[str, tuple[str, str]] = {}
    for root in roots:  # in the order of the roots, however they were evaluated
        result = evaluated.pop(root)
        resources.extend(result.resources)
        problems.extend(result.problems)
        chains.update(result.directory_chains)
        module_dirs.update(result.directories)
        zeros.extend(result.zero_instances)
        workspaces[loader.display(root)] = result.workspace
    loader.save_digests()
    loader.cache.prune()
    loader.forget_all()  # the engine needs resources, not syntax; --diff-base loads what it reads again
    problems = list({roots_cache.problem_identity(p): p for p in problems}.values())
    if focus:  # keep, of the callers' roots, only what was evaluated through a changed module
        resources = [r for r in resources if not chains.get(r.address) or chains[r.address][0] not in focus.callers
                     or not focus.isdisjoint(chains[r.address])]
        context = focus.callers - (set(roots) - focus.callers)
        problems = [p for p in problems if p.location.file is None
                    or (loader.cwd / p.location.file).resolve().parent not in context]
        zeros = [z for z in zeros if Path(z.chain[0]) not in focus.callers or not focus.isdisjoint(map(Path, z.chain))]
    return TerraformScan(resources, problems, roots, chains, module_dirs, loader.cwd, loader.load, zeros, workspaces)


# --- evaluating roots: from the cache, in worker processes, or here ---------------------------

def _lookup(root: Path, inputs: RootInputs, loader: "DirLoader") -> tuple[str | None, tuple | None]:
    """(the root's cache key — None without a cache —, its cached entry if still valid)."""
    cache = loader.cache
    if cache.directory is None:
        return None, None
    key = roots_cache.root_key(cache, root, loader.cwd, repository_top(root), inputs, loader.max_file_bytes,
                               loader.file_digest)
    entry = cache.get(key)
    try:
        if entry is not None and roots_cache.still_valid(entry[0], loader.fingerprint, loader.resolve_source):
            return key, entry
    except (ValueError, TypeError, KeyError, IndexError):
        pass  # an entry of another shape: evaluate again, and overwrite it
    return key, None


def _decode(entry: tuple, decoder: roots_cache.Decoder) -> EvaluatedRoot:
    """A cached root (the plain entry :func:`_evaluate` stores) back as its result."""
    deps, resources, problems, chains, zeros, workspace = entry
    return EvaluatedRoot([decoder.resource(r) for r in resources], [roots_cache.decode_problem(p) for p in problems],
                         {a: decoder.chain(c) for a, c in chains}, decoder.chain(tuple(d for d, _ in deps[0])),
                         [roots_cache.decode_zero(z) for z in zeros], tuple(workspace))


def _evaluate(root: Path, inputs: RootInputs, loader: "DirLoader", key: str | None) -> tuple[EvaluatedRoot, bool]:
    """Evaluate one root → (its result, whether it was stored in the cache under ``key``)."""
    loaded: list[Path] = []

    def load(directory: Path) -> ModuleDir:
        mod = loader.load(directory)
        loaded.append(mod.directory)
        return mod

    # the one place the evaluator is imported: a warm run, every root read from the cache, never does
    from tagcheck.sources.terraform.evaluator import ModuleEvaluator

    evaluator = ModuleEvaluator(load, loader.read_vars, _parse_expression, loader.display)
    try:
        evaluator.evaluate_root(root, inputs)
    except Exception as exc:  # noqa: BLE001 - a tagcheck bug: report it, check the other roots
        evaluator.problems.append(internal_error(f"evaluating module {loader.display(root)}", exc,
                                                 Location(loader.display(root))))
        key = None  # a crash is not remembered: a fixed tagcheck evaluates again
    stored = False
    if key is not None:
        try:
            deps = (tuple((str(d), loader.fingerprint(d)) for d in dict.fromkeys(loaded)),
                    tuple(dict.fromkeys(evaluator.resolved_sources)))
            stored = loader.cache.put(key, (deps, [roots_cache.encode_resource(r) for r in evaluator.resources],
                                            [roots_cache.encode_problem(p) for p in evaluator.problems],
                                            [(a, tuple(str(d) for d in c))
                                             for a, c in evaluator.directory_chains.items()],
                                            [roots_cache.encode_zero(z) for z in evaluator.zero_instances],
                                            evaluator.workspace))
        except roots_cache.Uncacheable:
            pass
    return EvaluatedRoot(evaluator.resources, evaluator.problems, evaluator.directory_chains, loaded,
                         evaluator.zero_instances, evaluator.workspace), stored


def _check_undeclared(roots: list[Path], inputs: RootInputs, loader: DirLoader,
                      warn: Callable[[str], None] | None) -> None:
    """Values for variables no root declares (undeclared.py): a ``--var`` stops the scan."""
    found = undeclared_values(roots, inputs, loader)
    if found.errors:
        raise ScanInputError("; ".join(found.errors))
    for message in found.warnings if warn is not None else ():
        warn(message)


def _evaluate_in_workers(roots: list[Path], inputs: RootInputs, loader: "DirLoader", done: Phase) -> bool:
    """Evaluate roots in ``jobs`` worker processes (one for ``--jobs 1``), which leave the
    results in the cache for this process to read. Two reasons: with two or more jobs the
    roots are evaluated in parallel; and this process never holds the evaluation's
    short-lived objects, so the resources it reads back are packed densely instead of being
    scattered between their freed blocks (on a 10,000-file scan that was ~200 MB of RSS).
    False when nothing was done (no cache, few roots, no processes): the caller evaluates."""
    minimum = MIN_ROOTS_FOR_WORKERS if loader.workers.size > 1 else MIN_ROOTS_FOR_ONE_WORKER
    if loader.cache.directory is None or len(roots) < minimum or not loader.workers.size:
        return False
    loader.forget_all()  # what finding the roots parsed here is not needed again in this process
    count = loader.workers.size * 4
    batches = [batch for batch in (roots[i::count] for i in range(count)) if batch]  # interleaved: similar work
    sizes = iter([len(batch) for batch in batches])
    before = done.done
    stored = loader.workers.map(_evaluate_batch, [(batch, inputs, loader.cwd, loader.max_file_bytes)
                                                 for batch in batches],
                                on_result=lambda: done.step(next(sizes)))  # a batch's roots, as it ends
    if stored is None:
        done.back_to(before)  # evaluated here instead: counted again, one by one
        return False
    loader.cache.writes += sum(stored)
    return True


def _evaluate_batch(job: tuple) -> int:
    """Worker: evaluate roots into the cache; returns how many entries it wrote."""
    roots, inputs, cwd, max_file_bytes = job
    loader = DirLoader(cwd, worker_cache(), None, max_file_bytes)
    stored = 0
    for root in roots:
        key, entry = _lookup(root, inputs, loader)  # another run may have stored it meanwhile
        if key is not None and entry is None:
            _, was_stored = _evaluate(root, inputs, loader, key)
            stored += was_stored
        loader.forget(root)
    return stored

def _parse_expression(text: str):
    from tagcheck.sources.terraform import parser  # only --var values that look like HCL need it

    return parser.parse_expression(text)


class _Focus(set):
    """Changed reusable-module directories evaluated through their callers' roots."""

    callers: set[Path]

    def __init__(self) -> None:
        super().__init__()
        self.callers = set()


def _roots(paths: list[Path], loader: "DirLoader", progress: Progress = no_progress
           ) -> tuple[list[Path], _Focus, set[Path], set[Path]]:
    """The root modules to evaluate, the changed reusable modules evaluated through their
    callers (pre-commit), every module directory found, and those another one calls."""
    explicit: list[Path] = []
    discovered: list[Path] = []
    for path in paths:
        if not path.exists():
            raise ScanInputError(f"{path}: no such file or directory")
        if path.is_file():
            explicit.append(path.parent.resolve())
        else:
            discovered.extend(_module_dirs(path))
    loader.prefetch(_likely_callees(explicit) + discovered, progress)
    focus = _Focus()
    explicit_roots: list[Path] = []
    changed_roots: set[Path] = set()
    for directory in dict.fromkeys(explicit):
        callers = _calling_roots(directory, loader) if loader.leaves_inputs_to_caller(directory) else []
        if callers:
            focus.add(directory)
            focus.callers.update(callers)
            explicit_roots.extend(callers)
        else:
            explicit_roots.append(directory)
            changed_roots.add(directory)
    # a root whose own files changed is reported whole, even when it also calls a changed module
    focus.callers -= changed_roots
    calls = {}
    read = Phase(progress, "modules", len(discovered))
    for directory in discovered:  # without workers, this is where the files are parsed
        calls[directory] = loader.local_calls(directory)
        read.step()
    called = set().union(*calls.values()) if calls else set()
    roots = [d for d in discovered if d not in called]
    # Directories that only call each other (a → b → a, or a module that is its own
    # source) are reached from no root: evaluate the first of each such group as a root,
    # so its cycle is reported rather than nothing at all.
    reached: set[Path] = set()

    def reach(start: Path) -> None:
        todo = [start]
        reached.add(start)
        while todo:
            for callee in calls.get(todo.pop(), ()):
                if callee not in reached:
                    reached.add(callee)
                    todo.append(callee)

    for root in roots:
        reach(root)
    for directory in discovered:
        if directory not in reached:
            roots.append(directory)
            reach(directory)
    seen: set[Path] = set()
    ordered = [d for d in explicit_roots + roots if not (d in seen or seen.add(d))]
    return ordered, focus, set(discovered) | set(explicit), called | set(focus)


_LOCAL_SOURCE = re.compile(rb'source\s*[=:]\s*"(\.\.?/[^"]*)"')


def _calling_roots(directory: Path, loader: "DirLoader") -> list[Path]:
    """The root modules of the repository that call ``directory`` (through any chain of
    local module calls); empty when nothing calls it or there is no repository."""
    top = repository_top(directory)
    if top is None:
        return []
    callers_of: dict[Path, set[Path]] = {}
    for module_dir in _module_dirs(top):
        for target in sources_in_text(module_dir):
            callers_of.setdefault(target, set()).add(module_dir)
    roots: list[Path] = []
    seen = {directory}
    todo = [directory]
    while todo:
        current = todo.pop()
        callers = callers_of.get(current, set())
        # a text match is only a candidate: confirm it with the parsed module call
        callers = {c for c in callers if current in loader.local_calls(c)}
        if not callers and current != directory:
            roots.append(current)
        for caller in sorted(callers - seen):
            seen.add(caller)
            todo.append(caller)
    return sorted(roots)


def _likely_callees(directories: list[Path]) -> list[Path]:
    """``directories`` and the local modules they call, found by the same text search as
    callers: only so that a pre-commit run can parse them all in parallel up front. The
    parsed module calls decide what is evaluated; a wrong guess only costs a parse."""
    found = list(dict.fromkeys(directories))
    seen = set(found)
    for directory in found:  # grows while iterating: breadth-first through the calls
        for target in sources_in_text(directory):
            if target not in seen and target.is_dir():
                seen.add(target)
                found.append(target)
    return found


def sources_in_text(directory: Path):
    """The directories that local ``source = "./…"`` lines in a directory's files point at
    (resolved; unusable paths skipped) — a text search, without parsing."""
    for path in terraform_files(directory):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        for match in _LOCAL_SOURCE.finditer(data):
            target = resolve_dir(directory / match.group(1).decode("utf-8", "replace"))
            if target is not None:
                yield target


def _module_dirs(top: Path) -> list[Path]:
    """Directories under ``top`` holding Terraform files — and those that cannot be listed,
    so that loading them reports it (os.walk would skip them silently). Symbolic links to
    directories are not followed (os.walk's default), so a link loop cannot trap it."""
    found = []
    unreadable: list[Path] = []

    def onerror(exc: OSError) -> None:
        if exc.filename:
            unreadable.append(Path(exc.filename))

    top = top.resolve()  # then every directory below is real too: symbolic links are not walked into
    for dirpath, dirnames, filenames in os.walk(top, onerror=onerror):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in _SKIP_DIRS)
        if any(is_terraform_file(Path(f)) for f in filenames):
            found.append(Path(dirpath))
    for directory in unreadable:
        resolved = resolve_dir(directory)
        if resolved is not None and resolved not in found:
            found.append(resolved)
    return found
