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
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from tagcheck.model import Location, Resource, SourceProblem
from tagcheck.sources.terraform import roots_cache
from tagcheck.sources.terraform.cache import ParseCache
from tagcheck.sources.terraform.module import (
    ModuleDir, ModuleEvaluator, ParsedFile, RootInputs, call_summary, has_tfvars, read_vars_file, repository_top,
    resolve_dir,
)
from tagcheck.sources.terraform.syntax import Block, ParseError

# Below this many files to parse (roots to evaluate), starting worker processes costs more
# than it saves.
MIN_FILES_FOR_WORKERS = 24
MIN_ROOTS_FOR_WORKERS = 8

_SKIP_DIRS = {"node_modules", "__pycache__"}

# Files above this size are TC001 instead of being parsed (see the module docstring).
DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FILE_ENV = "TAGCHECK_MAX_FILE_MB"
_MB = 1024 * 1024


class ScanInputError(Exception):
    """A path given on the command line cannot be scanned at all (exit 2)."""


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

    def module(self, directory: Path) -> ModuleDir | None:
        """The parsed module in ``directory`` when it is one of the scan's (parsed on demand:
        a warm run takes its roots from the cache and parses nothing)."""
        if directory not in self.module_dirs or self.load_module is None:
            return None
        return self.load_module(directory)


def is_terraform_file(path: Path) -> bool:
    return path.name.endswith(".tf") or path.name.endswith(".tf.json")


def scan(paths: list[Path], inputs: RootInputs | None = None, cwd: Path | None = None, *,
         cache: ParseCache | None = None, jobs: int = 1, max_file_bytes: int | None = None) -> TerraformScan:
    """``cache``: where parsed files are kept between runs (None: no cache); ``jobs``:
    processes for parsing what the cache does not have; ``max_file_bytes``: files larger
    than this are TC001 without being parsed (None: :data:`DEFAULT_MAX_FILE_BYTES`; 0: no
    limit)."""
    inputs = inputs or RootInputs()
    limit = DEFAULT_MAX_FILE_BYTES if max_file_bytes is None else max_file_bytes
    loader = _DirLoader(cwd or Path.cwd(), cache or ParseCache(None), jobs, limit)
    roots, focus, module_dirs, called = _roots(paths, loader)
    decoder = roots_cache.Decoder()
    evaluated: dict[Path, tuple] = {}  # root → (resources, problems, directory chains, directories read)
    stale: list[tuple[Path, str | None]] = []
    for root in roots:
        key, entry = _lookup(root, inputs, loader)
        if entry is not None:
            evaluated[root] = _decode(entry, decoder)
        else:
            stale.append((root, key))
    workers_ran = _evaluate_in_workers([root for root, key in stale if key is not None], inputs, loader)
    for root, key in stale:
        entry = _lookup(root, inputs, loader)[1] if workers_ran and key is not None else None
        if entry is not None:
            evaluated[root] = _decode(entry, decoder)
        else:  # no cache, a worker could not store it, or no workers: evaluate it here
            evaluated[root] = _evaluate(root, inputs, loader, key)[:4]
            if root not in called:
                loader.forget(root)  # a root is evaluated once; the modules it calls may be shared
    resources: list[Resource] = []
    problems: list[SourceProblem] = []
    chains: dict[str, tuple[Path, ...]] = {}
    for root in roots:  # in the order of the roots, however they were evaluated
        r, p, c, read = evaluated.pop(root)
        resources.extend(r)
        problems.extend(p)
        chains.update(c)
        module_dirs.update(read)
    loader.cache.prune()
    loader.forget_all()  # the engine needs resources, not syntax; --diff-base loads what it reads again
    problems = list({roots_cache.problem_identity(p): p for p in problems}.values())
    if focus:  # keep, of the callers' roots, only what was evaluated through a changed module
        resources = [r for r in resources if not chains.get(r.address) or chains[r.address][0] not in focus.callers
                     or not focus.isdisjoint(chains[r.address])]
        context = focus.callers - (set(roots) - focus.callers)
        problems = [p for p in problems if p.location.file is None
                    or (loader.cwd / p.location.file).resolve().parent not in context]
    return TerraformScan(resources, problems, roots, chains, module_dirs, loader.cwd, loader.load)


# --- evaluating roots: from the cache, in worker processes, or here ---------------------------

def _lookup(root: Path, inputs: RootInputs, loader: "_DirLoader") -> tuple[str | None, tuple | None]:
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


def _decode(entry: tuple, decoder: roots_cache.Decoder):
    """A cached root → (resources, problems, directory chains, module directories read)."""
    deps, resources, problems, chains = entry
    return ([decoder.resource(r) for r in resources], [roots_cache.decode_problem(p) for p in problems],
            {a: decoder.chain(c) for a, c in chains}, decoder.chain(tuple(d for d, _ in deps[0])))


def _evaluate(root: Path, inputs: RootInputs, loader: "_DirLoader", key: str | None):
    """Evaluate one root → (resources, problems, directory chains, module directories read,
    whether it was stored under ``key``)."""
    loaded: list[Path] = []

    def load(directory: Path) -> ModuleDir:
        mod = loader.load(directory)
        loaded.append(mod.directory)
        return mod

    evaluator = ModuleEvaluator(load, loader.read_vars, _parse_expression, loader.display)
    try:
        evaluator.evaluate_root(root, inputs)
    except Exception as exc:  # noqa: BLE001 - a tagcheck bug: report it, check the other roots
        evaluator.problems.append(_internal_error(f"evaluating module {loader.display(root)}", exc,
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
                                             for a, c in evaluator.directory_chains.items()]))
        except roots_cache.Uncacheable:
            pass
    return evaluator.resources, evaluator.problems, evaluator.directory_chains, loaded, stored


def _evaluate_in_workers(roots: list[Path], inputs: RootInputs, loader: "_DirLoader") -> bool:
    """Evaluate roots in ``jobs`` worker processes (one for ``--jobs 1``), which leave the
    results in the cache for this process to read. Two reasons: with two or more jobs the
    roots are evaluated in parallel; and this process never holds the evaluation's
    short-lived objects, so the resources it reads back are packed densely instead of being
    scattered between their freed blocks (on a 10,000-file scan that was ~200 MB of RSS).
    False when nothing was done (no cache, few roots, no processes): the caller evaluates."""
    if loader.cache.directory is None or len(roots) < MIN_ROOTS_FOR_WORKERS:
        return False
    from concurrent.futures import ProcessPoolExecutor

    loader.forget_all()  # what finding the roots parsed here is not needed again in this process
    workers = min(loader.jobs, len(roots))
    batches = [roots[i::workers * 4] for i in range(workers * 4)]  # interleaved: similar work per batch
    jobs = [(batch, inputs, loader.cwd, loader.cache, loader.max_file_bytes) for batch in batches if batch]
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            loader.cache.writes += sum(pool.map(_evaluate_batch, jobs))
    except Exception:  # noqa: BLE001 - no processes here (sandbox, a worker killed): the caller evaluates
        return False
    return True


def _evaluate_batch(job: tuple) -> int:
    """Worker: evaluate roots into the cache; returns how many entries it wrote."""
    roots, inputs, cwd, cache, max_file_bytes = job
    loader = _DirLoader(cwd, cache, 1, max_file_bytes)
    stored = 0
    for root in roots:
        key, entry = _lookup(root, inputs, loader)  # another run may have stored it meanwhile
        if key is not None and entry is None:
            stored += _evaluate(root, inputs, loader, key)[4]
        loader.forget(root)
    return stored


def _internal_error(doing: str, exc: BaseException, location: Location) -> SourceProblem:
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {frames[-1].name}:{frames[-1].lineno}" if frames else ""
    return SourceProblem("TC000", f"internal error {doing}: {type(exc).__name__}: {exc}{where} "
                                  "(a bug in tagcheck; please report it with this file)", location,
                         {"exception": type(exc).__name__})


def _parse_expression(text: str):
    from tagcheck.sources.terraform import parser  # only --var values that look like HCL need it

    return parser.parse_expression(text)


class _Focus(set):
    """Changed reusable-module directories evaluated through their callers' roots."""

    callers: set[Path]

    def __init__(self) -> None:
        super().__init__()
        self.callers = set()


def _roots(paths: list[Path], loader: "_DirLoader") -> tuple[list[Path], _Focus, set[Path], set[Path]]:
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
    loader.prefetch(_likely_callees(explicit) + discovered)
    focus = _Focus()
    explicit_roots: list[Path] = []
    for directory in dict.fromkeys(explicit):
        callers = _calling_roots(directory, loader) if loader.looks_like_reusable_module(directory) else []
        if callers:
            focus.add(directory)
            focus.callers.update(callers)
            explicit_roots.extend(callers)
        else:
            explicit_roots.append(directory)
    calls = {directory: loader.local_calls(directory) for directory in discovered}
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


def _calling_roots(directory: Path, loader: "_DirLoader") -> list[Path]:
    """The root modules of the repository that call ``directory`` (through any chain of
    local module calls); empty when nothing calls it or there is no repository."""
    top = repository_top(directory)
    if top is None:
        return []
    callers_of: dict[Path, set[Path]] = {}
    for module_dir in _module_dirs(top):
        for path in _terraform_files(module_dir):
            try:
                data = path.read_bytes()
            except OSError:
                continue
            for match in _LOCAL_SOURCE.finditer(data):
                target = resolve_dir(module_dir / match.group(1).decode("utf-8", "replace"))
                if target is not None:
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
        for path in _terraform_files(directory):
            try:
                data = path.read_bytes()
            except OSError:
                continue
            for match in _LOCAL_SOURCE.finditer(data):
                target = resolve_dir(directory / match.group(1).decode("utf-8", "replace"))
                if target is not None and target not in seen and target.is_dir():
                    seen.add(target)
                    found.append(target)
    return found


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


def _is_override(path: Path) -> bool:
    stem = path.name.removesuffix(".json").removesuffix(".tf")
    return stem == "override" or stem.endswith("_override")


def _override_key(block) -> tuple:
    if block.type == "provider":
        alias = block.attrs.get("alias", (("lit", None), 0))[0]
        return (block.type, block.labels, alias[1] if alias[0] == "lit" else None)
    return (block.type, block.labels)


def _merge_override(mod: ModuleDir, override: ParsedFile, shown: str) -> None:
    """Terraform's override files: each block merges into the primary block with the same
    address — its arguments replace the original's, and its nested blocks of a type replace
    all the original's blocks of that type; locals override one by one."""
    primary = {}
    for parsed in mod.files:
        for block in parsed.blocks:
            primary.setdefault(_override_key(block), block)
    for block in override.blocks:
        if block.type == "locals":
            for name, attr in block.attrs.items():
                target = next((b for _, b in mod.blocks("locals") if name in b.attrs), None)
                if target is not None:
                    target.attrs[name] = attr
            continue
        target = primary.get(_override_key(block))
        if target is None:
            mod.problems.append(SourceProblem(
                "TC001", f"override for {block.type} {' '.join(block.labels)} has no original block to merge into",
                Location(shown, block.line, block.end_line)))
            continue
        target.attrs.update(block.attrs)
        replaced = {b.type for b in block.blocks}
        target.blocks = [b for b in target.blocks if b.type not in replaced] + list(block.blocks)


class _DirLoader:
    """Parses each module directory once per run, through the cache."""

    def __init__(self, cwd: Path, cache: ParseCache, jobs: int = 1, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES):
        self.cwd = cwd.resolve()
        self.cache = cache
        self.jobs = max(1, jobs)
        self.max_file_bytes = max_file_bytes
        self._dirs: dict[Path, ModuleDir] = {}
        self._parsed: dict[Path, tuple] = {}  # file → ("ok", plain blocks) | ("error", message, line, column)
        self._digests: dict[Path, str] = {}
        self._fingerprints: dict[str, str] = {}
        self._summaries: dict[Path, tuple] = {}
        self._sources: dict[tuple[str, str], tuple[str | None, bool]] = {}
        self._file_summaries: dict[Path, tuple[tuple[str, ...], bool]] = {}  # from this run's parses

    def display(self, path: Path) -> str:
        try:
            rel = os.path.relpath(path, self.cwd)
        except ValueError:
            return str(path)
        return str(path) if rel.startswith("..") else rel

    def forget_all(self) -> None:
        self._dirs.clear()
        self._parsed.clear()

    def forget(self, directory: Path) -> None:
        """Drop a parsed directory no later root needs (memory); loading it again re-reads it."""
        self._dirs.pop(directory.resolve(), None)

    def load(self, directory: Path) -> ModuleDir:
        directory = directory.resolve()
        if directory not in self._dirs:
            self._dirs[directory] = self._parse_dir(directory)
        return self._dirs[directory]

    def file_digest(self, path: Path) -> str:
        """sha256 of a file's bytes, or why it cannot be read (memoised for the run)."""
        if path not in self._digests:
            try:
                if not stat.S_ISREG(path.stat().st_mode):
                    self._digests[path] = "!special"  # a FIFO would block the read; it is never parsed
                else:
                    self._digests[path] = roots_cache.digest(path.read_bytes())
            except OSError as exc:
                self._digests[path] = f"!{exc.errno}"
        return self._digests[path]

    def fingerprint(self, directory: Path | str) -> str:
        """The names and contents of a directory's Terraform and tfvars files (what
        evaluating it reads), as one hash; a missing or unlistable directory has its own."""
        key = str(directory)
        if key not in self._fingerprints:
            try:
                names = sorted(os.listdir(key))
            except OSError as exc:
                self._fingerprints[key] = f"!{exc.errno}"
                return self._fingerprints[key]
            directory = Path(directory)
            parts = [f"{name}={self.file_digest(directory / name)}" for name in names
                     if name.endswith((".tf", ".tf.json", ".tfvars", ".tfvars.json"))]
            self._fingerprints[key] = roots_cache.digest("\0".join(parts).encode())
        return self._fingerprints[key]

    def _summary(self, directory: Path) -> tuple[tuple[str, ...], bool]:
        """(local module sources, configures a root) of a (resolved) directory — cached by
        its fingerprint, so finding the roots of an unchanged repository parses nothing."""
        if directory not in self._summaries:
            key = self.cache.key("module-summary", self.fingerprint(directory).encode())
            summary = self.cache.get(key)
            if not (isinstance(summary, tuple) and len(summary) == 2):
                summary = self._summary_from_files(directory)
                if summary is None:
                    mod = self.load(directory)
                    summary = call_summary(b for parsed in mod.files for b in parsed.blocks)
                self.cache.put(key, summary)
            self._summaries[directory] = summary
        return self._summaries[directory]

    def resolve_source(self, directory: str, source: str) -> tuple[str | None, bool]:
        """roots_cache.resolve_source, once per run for each call (roots share modules)."""
        if (directory, source) not in self._sources:
            self._sources[directory, source] = roots_cache.resolve_source(directory, source)
        return self._sources[directory, source]

    def _summary_from_files(self, directory: Path) -> tuple[tuple[str, ...], bool] | None:
        """The summary from its files' parses of this run, without loading the directory
        (None when one was not parsed here, or an override file may change a call)."""
        files = _terraform_files(directory)
        if any(_is_override(f) or f not in self._file_summaries for f in files):
            return None
        parts = [self._file_summaries[f] for f in files]
        return tuple(s for sources, _ in parts for s in sources), any(root for _, root in parts)

    def local_calls(self, directory: Path) -> set[Path]:
        """The directories a module calls through local sources (those that are usable
        paths; an unusable one is reported when the call is evaluated)."""
        targets = (self.resolve_source(str(directory), source)[0] for source in self._summary(directory)[0])
        return {Path(t) for t in targets if t is not None}

    def looks_like_reusable_module(self, directory: Path) -> bool:
        return not self._summary(directory)[1] and not has_tfvars(directory)

    def prefetch(self, directories: list[Path]) -> None:
        """Parse every Terraform file of these directories that the cache does not hold,
        in worker processes when there are enough of them (results in file order), into the
        cache. Parsing everything before evaluating anything also keeps memory down: each
        file's parse tree is garbage as soon as it is written, before the long-lived
        resources are built, so they do not end up scattered between its freed blocks."""
        if self.jobs == 1 and self.cache.directory is None:
            return  # nowhere to put them: each file is parsed when its directory is first loaded
        work: list[tuple[str, str, str, str]] = []  # (path, text, cache key, kind)
        for directory in directories:
            for path in _terraform_files(directory) + _tfvars_files(directory):
                try:
                    if self._too_large(path) is not None:
                        continue
                    data = path.read_bytes()
                    text = data.decode("utf-8-sig")
                except (OSError, UnicodeDecodeError):
                    continue  # reported with its line when the directory is loaded
                self._digests[path] = roots_cache.digest(data)
                kind = _kind(path)
                key = self.cache.key(kind, text.encode() if kind == "tfvars" else data)
                if not self.cache.has(key):  # a cached parse is read only if a root needs it
                    work.append((str(path), text, key, kind))
        if not work:
            return
        results = None
        pool_size = self.jobs if self.jobs > 1 else (1 if self.cache.directory is not None else 0)
        if pool_size and len(work) >= MIN_FILES_FOR_WORKERS:
            from concurrent.futures import ProcessPoolExecutor

            # the grammar is not loaded here first: each worker loads it (~0.08 s, in parallel)
            # and this process, which only reads the cache, never imports the parser at all
            try:
                with ProcessPoolExecutor(max_workers=pool_size, initializer=_use_cache,
                                         initargs=(self.cache,)) as pool:
                    results = list(pool.map(_parse_into_cache, work, chunksize=max(1, len(work) // (pool_size * 8))))
            except Exception:  # noqa: BLE001 - no processes here (sandbox, a worker killed): parse in this one
                results = None
        if results is None:
            results = [_parse_into_cache(item, self.cache) for item in work]
        for (path, *_), result in zip(work, results):
            # a crash is not remembered: a fixed tagcheck parses again. What the cache holds is
            # read back when its directory is loaded; only what it could not take stays here
            if result[0] in ("ok", "stored"):
                self._file_summaries[Path(path)] = result[2]
            if result[0] != "stored":
                self._parsed[Path(path)] = result

    def _parse_dir(self, directory: Path) -> ModuleDir:
        mod = ModuleDir(directory)
        try:
            files = _terraform_files(directory, strict=True)
        except OSError as exc:
            mod.problems.append(SourceProblem("TC001", f"cannot list directory: {exc.strerror}",
                                              Location(self.display(directory))))
            return mod
        overrides = []
        for path in files:
            parsed = self._parse_file(path, mod)
            if parsed is not None:
                (overrides if _is_override(path) else mod.files).append(parsed)
        for parsed in overrides:  # lexical order, after every primary file, as Terraform does
            _merge_override(mod, parsed, self.display(parsed.path))
        return mod

    def _too_large(self, path: Path) -> int | None:
        """The file's size when it is over the limit (stat errors propagate as OSError)."""
        if not self.max_file_bytes:
            return None
        size = path.stat().st_size
        return size if size > self.max_file_bytes else None

    def _too_large_message(self, size: int) -> str:
        return (f"file too large to parse ({size / _MB:.1f} MB > limit {self.max_file_bytes / _MB:.1f} MB); "
                f"raise the limit with --max-file-size MB (or {MAX_FILE_ENV})")

    def _parse_file(self, path: Path, mod: ModuleDir) -> ParsedFile | None:
        shown = self.display(path)
        try:
            size = self._too_large(path)
            if size is not None:
                mod.problems.append(SourceProblem("TC001", self._too_large_message(size), Location(shown),
                                                  {"size_bytes": size, "limit_bytes": self.max_file_bytes}))
                return None
            data = path.read_bytes()
            text = data.decode("utf-8-sig")
        except OSError as exc:
            why = exc.strerror or str(exc)
            if path.is_symlink():
                try:
                    why += f" (a symbolic link to {os.readlink(path)!r})"
                except OSError:
                    why += " (a symbolic link)"
            mod.problems.append(SourceProblem("TC001", f"cannot read file: {why}", Location(shown)))
            return None
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            mod.problems.append(SourceProblem("TC001", "file is not valid UTF-8", Location(shown, line, line)))
            return None
        result = self._parsed.pop(path, None)
        if result is None:
            key = self.cache.key(_kind(path), data)
            result = self.cache.get(key)
            if result is None:
                result = _parse_to_plain((str(path), text))
                if result[0] != "internal":
                    self.cache.put(key, result)
        if result[0] == "internal":
            _, kind, message, where = result
            mod.problems.append(SourceProblem(
                "TC000", f"internal error parsing the file: {kind}: {message}{where} "
                         "(a bug in tagcheck; please report it with this file)", Location(shown), {"exception": kind}))
            return None
        if result[0] == "error":
            _, message, line, column = result
            mod.problems.append(SourceProblem("TC001", message, Location(shown, line, line, column),
                                              {"column": column} if column else {}))
            return None
        # lines are kept only for suppression comments: most files have none, and a monorepo's
        # text would otherwise stay in memory for the whole run
        lines = text.splitlines() if "tagcheck:ignore" in text else []
        return ParsedFile(path, [Block.from_plain(b) for b in result[1]], lines)

    def read_vars(self, path: Path) -> dict:
        return read_vars_file(path, self._parse_attributes, ParseError, self.max_file_bytes)

    def _parse_attributes(self, text: str) -> dict:
        key = self.cache.key("tfvars", text.encode())
        result = self.cache.get(key)
        if result is None:
            result = _parse_tfvars(text)
            self.cache.put(key, result)
        if result[0] == "error":
            raise ParseError(result[1], result[2], result[3])
        return result[1]


def _kind(path: Path) -> str:
    if path.name.endswith(".tfvars"):
        return "tfvars"
    return "tf.json" if path.name.endswith(".json") else "tf"


def _tfvars_files(directory: Path) -> list[Path]:
    """HCL variable files a root may read (JSON ones need no parser)."""
    try:
        return sorted(p for p in directory.glob("*.tfvars") if p.is_file())
    except OSError:
        return []


def _terraform_files(directory: Path, strict: bool = False) -> list[Path]:
    """Regular files with a Terraform name — and dangling or looping symbolic links with
    one, so that reading them reports the problem. FIFOs and devices are never read."""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        if strict:
            raise
        return []
    files = []
    for name in names:
        if not is_terraform_file(Path(name)):
            continue
        path = directory / name
        try:
            if stat.S_ISREG(path.stat().st_mode):
                files.append(path)
        except OSError:
            if path.is_symlink():
                files.append(path)
    return files


def _parse_tfvars(text: str) -> tuple:
    """A tfvars file's text → ("ok", attributes) | ("error", message, line, column)."""
    from tagcheck.sources.terraform import parser

    try:
        return ("ok", parser.parse_attribute_file(text))
    except ParseError as exc:
        return ("error", exc.message, exc.line, exc.column)


_WORKER_CACHE: ParseCache | None = None


def _use_cache(cache: ParseCache) -> None:
    """Worker initialiser: the cache the parses go into."""
    global _WORKER_CACHE
    _WORKER_CACHE = cache


def _parse_into_cache(item: tuple[str, str, str, str], cache: ParseCache | None = None) -> tuple:
    """Parse one file into the cache: ("stored", None, call summary) when it is there (the
    parse itself is not sent back: the process that needs it reads it from the cache), else
    the parse (see :func:`_parse_to_plain`; a tfvars file's as ``_DirLoader._parse_attributes``
    stores it)."""
    path, text, key, kind = item
    cache = cache if cache is not None else _WORKER_CACHE
    result = _parse_tfvars(text) if kind == "tfvars" else _parse_to_plain((path, text))
    if result[0] != "internal" and cache is not None and cache.put(key, result):
        return ("stored", None, result[2] if result[0] == "ok" and kind != "tfvars" else ((), False))
    return result


def _parse_to_plain(item: tuple[str, str]) -> tuple:
    """Worker: one file's text → its plain parse (marshal-able, picklable):
    ("ok", blocks, call summary) | ("error", message, line, column) | ("internal", exception, message, where)."""
    from tagcheck.sources.terraform import parser

    path, text = item
    try:
        blocks = parser.parse_file(Path(path), text)
        return ("ok", [b.to_plain() for b in blocks], call_summary(blocks))
    except ParseError as exc:
        return ("error", exc.message, exc.line, exc.column)
    except RecursionError:
        return ("error", "file nested too deeply to parse", None, None)
    except Exception as exc:  # noqa: BLE001 - a bug in the parser adapter: TC000, the run goes on
        import traceback

        frames = traceback.extract_tb(exc.__traceback__)
        where = f" at {frames[-1].name}:{frames[-1].lineno}" if frames else ""
        return ("internal", type(exc).__name__, str(exc), where)
