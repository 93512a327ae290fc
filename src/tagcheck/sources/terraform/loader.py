"""Module directories read from disk, through the cache: listing, reading and parsing files
(in the worker processes of workers.py when there are many), merging override files
(overrides.py), reading tfvars (variables.py), and the fingerprints and summaries the root
cache and the search for roots use (roots_cache.py, source.py).

Only the parse itself needs python-hcl2 (parser.py, imported where a file is parsed), so
reading a directory whose files are all in the cache never loads it; and only reading a
file's parse needs its plain form (syntax.py, imported there), so a warm run, whose roots all
come from the cache, loads neither.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from tagcheck.model import Location, SourceProblem
from tagcheck.sources.terraform import roots_cache
from tagcheck.sources.terraform.cache import ParseCache
from tagcheck.sources.terraform.digests import DigestIndex
from tagcheck.sources.terraform.moduledir import ModuleDir, ParsedFile, call_summary, has_tfvars, resolve_source
from tagcheck.sources.terraform.progress import Phase, Progress, no_progress
from tagcheck.sources.terraform.workers import Stored, Workers, parse_file_text, parse_into_cache, parse_vars_text

if TYPE_CHECKING:
    from tagcheck.sources.terraform.syntax import FileParse, ParseFailure, ParserCrash

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


class DirLoader:
    """Parses each module directory once per run, through the cache."""

    def __init__(self, cwd: Path, cache: ParseCache, workers: Workers | None = None,
                 max_file_bytes: int = DEFAULT_MAX_FILE_BYTES):
        self.cwd = cwd.resolve()
        self.cache = cache
        self.workers = workers or Workers(0, cache)
        self.max_file_bytes = max_file_bytes
        self._dirs: dict[Path, ModuleDir] = {}
        # parses made by prefetch that the cache could not take (syntax.py's types)
        self._parsed: dict[Path, FileParse | ParseFailure | ParserCrash] = {}
        self._parsed_vars: dict[str, dict | ParseFailure] = {}  # by the tfvars text's cache key
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
        from tagcheck.sources.terraform.overrides import is_override  # after parsing: not on a warm run's path

        files = terraform_files(directory)
        if any(is_override(f) or f not in self._file_summaries for f in files):
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

    def prefetch(self, directories: list[Path], progress: Progress = no_progress) -> None:
        """Parse every Terraform file of these directories that the cache does not hold,
        in worker processes when there are enough of them (results in file order), into the
        cache. Parsing everything before evaluating anything also keeps memory down: each
        file's parse tree is garbage as soon as it is written, before the long-lived
        resources are built, so they do not end up scattered between its freed blocks.
        ``progress`` hears the "files" phase (progress.py) when files are parsed here."""
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
        parsed = Phase(progress, "files", len(work))
        if len(work) >= (MIN_FILES_FOR_WORKERS if parallel else MIN_FILES_FOR_ONE_WORKER):
            # the grammar is not loaded here first: each worker loads it (~0.08 s, in parallel)
            # and this process, which only reads the cache, never imports the parser at all
            results = self.workers.map(parse_into_cache, work, chunksize=max(1, len(work) // (self.workers.size * 8)),
                                       on_result=parsed.step)
        if results is None:
            parsed.back_to(0)
            results = []
            for item in work:
                results.append(parse_into_cache(item, self.cache))
                parsed.step()
        from tagcheck.sources.terraform.syntax import FileParse

        self.cache.writes += sum(1 for result in results if isinstance(result, Stored))  # for prune()
        for (path, _, key, kind), result in zip(work, results):
            # a crash is not remembered: a fixed tagcheck parses again. What the cache holds is
            # read back when its directory is loaded; only what it could not take (all of it
            # with --no-cache) stays here. A tfvars parse has no call summary and is looked up
            # by its content key, as _parse_attributes reads it.
            stored = isinstance(result, Stored)
            if kind == "tfvars":
                if not stored:
                    self._parsed_vars[key] = result
                continue
            if stored or isinstance(result, FileParse):
                self._file_summaries[Path(path)] = result.summary
            if not stored:
                self._parsed[Path(path)] = result

    def _parse_dir(self, directory: Path) -> ModuleDir:
        mod = ModuleDir(directory)
        try:
            files = terraform_files(directory, strict=True)
        except OSError as exc:
            mod.problems.append(SourceProblem("TC001", f"cannot list directory: {exc.strerror}",
                                              Location(self.display(directory))))
            return mod
        from tagcheck.sources.terraform.overrides import is_override, merge_override  # parses: not on a warm run's path

        overrides = []
        for path in files:
            parsed = self._parse_file(path, mod)
            if parsed is not None:
                (overrides if is_override(path) else mod.files).append(parsed)
        for parsed in overrides:  # lexical order, after every primary file, as Terraform does
            merge_override(mod, parsed, self.display(parsed.path))
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
        from tagcheck.sources.terraform.syntax import Block, ParseFailure, ParserCrash, from_cached, to_cached

        result = self._parsed.pop(path, None)
        if result is None:
            kind = _kind(path)
            key = self.cache.key(kind, data)
            result = from_cached(self.cache.get(key), kind)
            if result is None:
                result = parse_file_text(str(path), text)
                if not isinstance(result, ParserCrash):
                    self.cache.put(key, to_cached(result))
        if isinstance(result, ParserCrash):
            mod.problems.append(SourceProblem(
                "TC000", f"internal error parsing the file: {result.exception}: {result.message}{result.where} "
                         "(a bug in tagcheck; please report it with this file)", Location(shown),
                {"exception": result.exception}))
            return None
        if isinstance(result, ParseFailure):
            line, column = result.line, result.column
            mod.problems.append(SourceProblem("TC001", result.message, Location(shown, line, line, column),
                                              {"column": column} if column else {}))
            return None
        # lines are kept only for suppression comments: most files have none, and a monorepo's
        # text would otherwise stay in memory for the whole run
        lines = text.splitlines() if "tagcheck:ignore" in text else []
        return ParsedFile(path, [Block.from_plain(b) for b in result.blocks], lines)

    def variables_file_names(self, path: Path) -> dict[str, int | None] | None:
        """The names a variables file (HCL or JSON) sets, with their lines where known (JSON:
        none); None when it cannot be read or parsed — evaluating the root reports that."""
        import json

        from tagcheck.sources.terraform.syntax import ParseError

        try:
            if self.max_file_bytes and path.stat().st_size > self.max_file_bytes:
                return None
            text = path.read_text(encoding="utf-8-sig")
            if path.name.endswith(".json"):
                data = json.loads(text)
                return {str(name): None for name in data} if isinstance(data, dict) else None
            return {name: line for name, (_, line) in self._parse_attributes(text).items()}
        except (OSError, UnicodeDecodeError, ValueError, RecursionError, ParseError):
            return None

    def read_vars(self, path: Path) -> dict:
        from tagcheck.sources.terraform.syntax import ParseError
        from tagcheck.sources.terraform.variables import read_vars_file  # evaluates: not on a warm run's path

        return read_vars_file(path, self._parse_attributes, ParseError, self.max_file_bytes)

    def _parse_attributes(self, text: str) -> dict:
        from tagcheck.sources.terraform.syntax import ParseError, ParseFailure, from_cached, to_cached

        key = self.cache.key("tfvars", text.encode())
        result = self._parsed_vars.pop(key, None)
        if result is None:
            result = from_cached(self.cache.get(key), "tfvars")
        if result is None:
            result = parse_vars_text(text)
            self.cache.put(key, to_cached(result))
        if isinstance(result, ParseFailure):
            raise ParseError(result.message, result.line, result.column)
        return result


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
