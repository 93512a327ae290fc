"""Module directories read from disk, through the cache: listing, reading and parsing files
(in worker processes when there are many), override files, tfvars, and the fingerprints
and summaries the root cache and the search for roots use (roots_cache.py, source.py).

Only the parse itself needs python-hcl2 (parser.py, imported where a file is parsed), so
reading a directory whose files are all in the cache never loads it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tagcheck.model import Location, SourceProblem
from tagcheck.sources.terraform import roots_cache
from tagcheck.sources.terraform.cache import ParseCache
from tagcheck.sources.terraform.digests import DigestIndex
from tagcheck.sources.terraform.moduledir import ModuleDir, ParsedFile, call_summary, has_tfvars, resolve_source
from tagcheck.sources.terraform.syntax import Block, ParseError

# Below this many files to parse, starting worker processes costs more than it saves.
MIN_FILES_FOR_WORKERS = 24
# With one job a worker brings no parallelism, only memory kept out of the main process: worth
# it on large scans only; smaller ones are parsed here, each file when its directory is loaded.
MIN_FILES_FOR_ONE_WORKER = 400

# Files above this size are TC001 instead of being parsed (see source.py's docstring).
DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FILE_ENV = "TAGCHECK_MAX_FILE_MB"
_MB = 1024 * 1024


def is_terraform_file(path: Path) -> bool:
    return path.name.endswith(".tf") or path.name.endswith(".tf.json")


class Workers:
    """The worker processes of one scan: started on first use, used to parse and then to
    evaluate roots (one start-up instead of two), shut down by ``close``. ``size`` 0: none."""

    def __init__(self, size: int, cache: ParseCache):
        self.size = size
        self.cache = cache
        self._pool = None
        self.failed = False

    def map(self, fn, items: list, chunksize: int = 1) -> list | None:
        """``fn`` over ``items`` in the workers, results in order; None when there are no
        processes here (a sandbox, a worker killed): the caller does the work itself."""
        if not self.size or self.failed:
            return None
        from concurrent.futures import ProcessPoolExecutor

        try:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=self.size, initializer=_use_cache,
                                                 initargs=(self.cache,))
            return list(self._pool.map(fn, items, chunksize=chunksize))
        except Exception:  # noqa: BLE001 - see above
            self.failed = True
            self.close()
            return None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


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


class DirLoader:
    """Parses each module directory once per run, through the cache."""

    def __init__(self, cwd: Path, cache: ParseCache, workers: Workers | None = None,
                 max_file_bytes: int = DEFAULT_MAX_FILE_BYTES):
        self.cwd = cwd.resolve()
        self.cache = cache
        self.workers = workers or Workers(0, cache)
        self.max_file_bytes = max_file_bytes
        self._dirs: dict[Path, ModuleDir] = {}
        self._parsed: dict[Path, tuple] = {}  # file → ("ok", plain blocks) | ("error", message, line, column)
        self._parsed_vars: dict[str, tuple] = {}  # tfvars content key → ("ok", attributes) | ("error", …)
        self._digests: dict[Path, str] = {}
        self._index = DigestIndex(cache, cache.key("digest-index", str(self.cwd).encode())
                                  if cache.directory is not None else None)
        self._fingerprints: dict[str, str] = {}
        self._summaries: dict[Path, tuple] = {}
        self._sources: dict[tuple[str, str], tuple[str | None, bool]] = {}
        self._file_summaries: dict[Path, tuple[tuple[str, ...], bool, bool]] = {}  # from this run's parses

    def display(self, path: Path) -> str:
        try:
            rel = os.path.relpath(path, self.cwd)
        except ValueError:
            return str(path)
        return str(path) if rel.startswith("..") else rel

    def forget_all(self) -> None:
        self._dirs.clear()
        self._parsed.clear()
        self._parsed_vars.clear()

    def forget(self, directory: Path) -> None:
        """Drop a parsed directory no later root needs (memory); loading it again re-reads it."""
        self._dirs.pop(directory.resolve(), None)

    def load(self, directory: Path) -> ModuleDir:
        directory = directory.resolve()
        if directory not in self._dirs:
            self._dirs[directory] = self._parse_dir(directory)
        return self._dirs[directory]

    def file_digest(self, path: Path) -> str:
        """sha256 of a file's bytes, or why it cannot be read (memoised for the run; between
        runs, by the file's stat: digests.py)."""
        if path not in self._digests:
            try:
                st = path.stat()
                if not stat.S_ISREG(st.st_mode):
                    self._digests[path] = "!special"  # a FIFO would block the read; it is never parsed
                else:
                    digest = self._index.lookup(str(path), st)
                    if digest is None:
                        digest = roots_cache.digest(path.read_bytes())
                        self._index.remember(str(path), st, digest)
                    self._digests[path] = digest
            except OSError as exc:
                self._digests[path] = f"!{exc.errno}"
        return self._digests[path]

    def save_digests(self) -> None:
        """Keep this run's file digests for the next (the end of a scan)."""
        self._index.save()

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

    def _summary(self, directory: Path) -> tuple[tuple[str, ...], bool, bool]:
        """(local module sources, configures a root, has a backend) of a (resolved)
        directory — cached by its fingerprint, so finding the roots of an unchanged
        repository parses nothing."""
        summary = self._cached_summary(directory)
        if summary is None:
            summary = self._summary_from_files(directory)
            if summary is None:
                mod = self.load(directory)
                summary = call_summary(b for parsed in mod.files for b in parsed.blocks)
            self.cache.put(self._summary_key(directory), summary)
            self._summaries[directory] = summary
        return summary

    def _summary_key(self, directory: Path) -> str:
        return self.cache.key("module-summary", self.fingerprint(directory).encode())

    def _cached_summary(self, directory: Path) -> tuple[tuple[str, ...], bool, bool] | None:
        """The directory's summary if this run or the cache already has it (None otherwise)."""
        summary = self._summaries.get(directory)
        if summary is None:
            summary = self.cache.get(self._summary_key(directory))
            if not (isinstance(summary, tuple) and len(summary) == 3):
                return None
            self._summaries[directory] = summary
        return summary

    def resolve_source(self, directory: str, source: str) -> tuple[str | None, bool]:
        """(resolved directory, is a directory) of moduledir.resolve_source, once per run for
        each call (roots share modules)."""
        if (directory, source) not in self._sources:
            self._sources[directory, source] = resolve_source(directory, source)[:2]
        return self._sources[directory, source]

    def _summary_from_files(self, directory: Path) -> tuple[tuple[str, ...], bool, bool] | None:
        """The summary from its files' parses of this run, without loading the directory
        (None when one was not parsed here, or an override file may change a call)."""
        files = terraform_files(directory)
        if any(_is_override(f) or f not in self._file_summaries for f in files):
            return None
        parts = [self._file_summaries[f] for f in files]
        return (tuple(s for sources, _, _ in parts for s in sources), any(root for _, root, _ in parts),
                any(backend for _, _, backend in parts))

    def local_calls(self, directory: Path) -> set[Path]:
        """The directories a module calls through local sources (those that are usable
        paths; an unusable one is reported when the call is evaluated)."""
        targets = (self.resolve_source(str(directory), source)[0] for source in self._summary(directory)[0])
        return {Path(t) for t in targets if t is not None}

    def leaves_inputs_to_caller(self, directory: Path) -> bool:
        """No backend and no tfvars (ModuleDir.leaves_inputs_to_caller, without parsing):
        a module other modules may call, even when it configures a provider."""
        return not self._summary(directory)[2] and not has_tfvars(directory)

    def prefetch(self, directories: list[Path]) -> None:
        """Parse every Terraform file of these directories that the cache does not hold,
        in worker processes when there are enough of them (results in file order), into the
        cache. Parsing everything before evaluating anything also keeps memory down: each
        file's parse tree is garbage as soon as it is written, before the long-lived
        resources are built, so they do not end up scattered between its freed blocks."""
        if not self.workers.size:
            return  # one process, nowhere to put them: each file is parsed when its directory is loaded
        if all(self._cached_summary(d) is not None for d in directories):
            # Every directory is as its cached summary saw it, so its files' parses are in the
            # cache too: nothing to parse up front (a warm run). Looking a file's parse up
            # here would cost a hash and a stat for each of them, for nothing.
            return
        work: list[tuple[str, str, str, str]] = []  # (path, text, cache key, kind)
        for directory in directories:
            for path in terraform_files(directory) + _tfvars_files(directory):
                try:
                    st = path.stat()
                    if self.max_file_bytes and st.st_size > self.max_file_bytes:
                        continue
                    data = path.read_bytes()
                    text = data.decode("utf-8-sig")
                except (OSError, UnicodeDecodeError):
                    continue  # reported with its line when the directory is loaded
                self._digests[path] = roots_cache.digest(data)
                self._index.remember(str(path), st, self._digests[path])
                kind = _kind(path)
                key = self.cache.key(kind, text.encode() if kind == "tfvars" else data)
                if not self.cache.has(key):  # a cached parse is read only if a root needs it
                    work.append((str(path), text, key, kind))
        parallel = self.workers.size > 1
        if not work or (not parallel and len(work) < MIN_FILES_FOR_ONE_WORKER):
            return
        results = None
        if len(work) >= (MIN_FILES_FOR_WORKERS if parallel else MIN_FILES_FOR_ONE_WORKER):
            # the grammar is not loaded here first: each worker loads it (~0.08 s, in parallel)
            # and this process, which only reads the cache, never imports the parser at all
            results = self.workers.map(_parse_into_cache, work,
                                       chunksize=max(1, len(work) // (self.workers.size * 8)))
        if results is None:
            results = [_parse_into_cache(item, self.cache) for item in work]
        self.cache.writes += sum(1 for result in results if result[0] == "stored")  # for prune()
        for (path, _, key, kind), result in zip(work, results):
            # a crash is not remembered: a fixed tagcheck parses again. What the cache holds is
            # read back when its directory is loaded; only what it could not take (all of it
            # with --no-cache) stays here. A tfvars parse has no call summary and is looked up
            # by its content key, as _parse_attributes reads it.
            if kind == "tfvars":
                if result[0] != "stored":
                    self._parsed_vars[key] = result
                continue
            if result[0] in ("ok", "stored"):
                self._file_summaries[Path(path)] = result[2]
            if result[0] != "stored":
                self._parsed[Path(path)] = result

    def _parse_dir(self, directory: Path) -> ModuleDir:
        mod = ModuleDir(directory)
        try:
            files = terraform_files(directory, strict=True)
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
        from tagcheck.sources.terraform.tfvars import read_vars_file  # evaluates: not on a warm run's path

        return read_vars_file(path, self._parse_attributes, ParseError, self.max_file_bytes)

    def _parse_attributes(self, text: str) -> dict:
        key = self.cache.key("tfvars", text.encode())
        result = self._parsed_vars.pop(key, None) or self.cache.get(key)
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


def terraform_files(directory: Path, strict: bool = False) -> list[Path]:
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
    """Worker initialiser: the cache parses and evaluated roots go into."""
    global _WORKER_CACHE
    _WORKER_CACHE = cache


def worker_cache() -> ParseCache:
    """In a worker process: the scan's cache."""
    assert _WORKER_CACHE is not None, "not in a worker process of Workers"
    return _WORKER_CACHE


def _parse_into_cache(item: tuple[str, str, str, str], cache: ParseCache | None = None) -> tuple:
    """Parse one file into the cache: ("stored", None, call summary) when it is there (the
    parse itself is not sent back: the process that needs it reads it from the cache), else
    the parse (see :func:`_parse_to_plain`; a tfvars file's as ``_DirLoader._parse_attributes``
    stores it)."""
    path, text, key, kind = item
    cache = cache if cache is not None else _WORKER_CACHE
    result = _parse_tfvars(text) if kind == "tfvars" else _parse_to_plain((path, text))
    if result[0] != "internal" and cache is not None and cache.put(key, result):
        return ("stored", None, result[2] if result[0] == "ok" and kind != "tfvars" else ((), False, False))
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
