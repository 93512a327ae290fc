"""Content-addressed cache of parsed files, so an unchanged file costs a hash and a read.

Key: sha256 of the file's bytes, what kind of parse it is (.tf, .tf.json, tfvars), the
versions of tagcheck and python-hcl2, and the plain-form version. Value: the plain parse
(syntax.Block tuples, or the parse error) serialised with ``marshal`` — fast, and loading
it never imports hcl2, so a warm run does not pay for the parser at all.

Safe under concurrent runs: entries are written to a temporary file and renamed into place
(atomic on POSIX). A corrupt or truncated entry is ignored and rewritten. The cache is
bounded: after a run that wrote entries, the oldest are deleted until it is under its
size limit again.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from functools import cache
from pathlib import Path
from typing import Any

from tagcheck import __version__

PLAIN_FORM_VERSION = 3  # bump when parser.py's output shape (or the call summary with it) changes
DEFAULT_MAX_BYTES = 256 * 1024 * 1024


@cache
def _salt() -> bytes:
    """What a cached parse depends on besides the file: the parser's versions."""
    hcl2_version = installed_version("hcl2", "python-hcl2")
    lark_version = installed_version("lark", "lark")
    return (f"tagcheck {__version__}|python-hcl2 {hcl2_version}|lark {lark_version}|"
            f"plain {PLAIN_FORM_VERSION}|").encode()


def installed_version(module: str, distribution: str) -> str:
    """The version of an installed distribution, from the name of its ``.dist-info`` folder
    beside the module (found, not imported) — what importlib.metadata reports, without the
    ~20 ms its import costs every run; importlib.metadata where that folder is not there."""
    import importlib.util

    spec = importlib.util.find_spec(module)
    if spec is not None and spec.origin:
        prefix = distribution.replace("-", "_").lower() + "-"
        try:
            for entry in os.scandir(Path(spec.origin).parent.parent):
                name = entry.name.lower()
                if name.startswith(prefix) and name.endswith(".dist-info"):
                    return entry.name[len(prefix):-len(".dist-info")]
        except OSError:
            pass
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tagcheck"


class ParseCache:
    """``directory`` None: a cache that stores nothing (``--no-cache``)."""

    def __init__(self, directory: Path | None, max_bytes: int = DEFAULT_MAX_BYTES):
        self.directory = directory / "parse" if directory is not None else None
        self.max_bytes = max_bytes
        self.hits = self.misses = self.writes = 0

    def key(self, kind: str, data: bytes) -> str:
        return hashlib.sha256(_salt() + kind.encode() + b"|" + data).hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / key

    def get(self, key: str, *, counted: bool = True) -> Any | None:
        """An entry, or None; ``counted`` as for :meth:`put` (``hits``/``misses``)."""
        if self.directory is None:
            return None
        try:
            value = marshal.loads(self._path(key).read_bytes())
        except FileNotFoundError:
            self.misses += counted
            return None
        except (OSError, ValueError, EOFError, TypeError):  # unreadable or corrupt: parse again
            self.misses += counted
            return None
        self.hits += counted
        return value

    def has(self, key: str) -> bool:
        return self.directory is not None and self._path(key).is_file()

    def put(self, key: str, value: Any, *, counted: bool = True) -> bool:
        """Store an entry; False when it could not be (no cache, a read-only or full disk).
        ``counted``: False for bookkeeping (the digest index), which ``writes`` — what
        this run parsed and evaluated into the cache — leaves out."""
        if self.directory is None:
            return False
        target = self._path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            import tempfile  # only when it is needed: it costs start-up time on every run
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(marshal.dumps(value))
            os.replace(tmp, target)
            self.writes += counted
            return True
        except (OSError, ValueError):
            # a read-only or full disk makes the run slower, never wrong
            try:
                os.unlink(tmp)  # type: ignore[possibly-undefined]
            except (OSError, NameError):
                pass
            return False

    def prune(self) -> None:
        """Delete the least recently written entries while the cache is over its limit."""
        if self.directory is None or not self.writes:
            return
        entries = []
        total = 0
        for shard in _scandir(self.directory):
            for entry in _scandir(Path(shard.path)):
                try:
                    stat = entry.stat()
                except OSError:
                    continue
                entries.append((stat.st_mtime, stat.st_size, entry.path))
                total += stat.st_size
        if total <= self.max_bytes:
            return
        for _mtime, size, path in sorted(entries):
            try:
                os.unlink(path)
            except OSError:
                continue
            total -= size
            if total <= self.max_bytes * 0.8:
                break


def _scandir(path: Path):
    try:
        return list(os.scandir(path))
    except OSError:
        return []
