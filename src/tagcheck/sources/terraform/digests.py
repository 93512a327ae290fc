"""File digests remembered by their stat, so a warm run hashes only the files that changed.

Every cached result is keyed by the sha256 of the files it read; finding that nothing changed
used to mean reading and hashing every file of the repository (a third of a warm scan of
4,000 files). As git's index does, the digest is kept with the file's stat — size, mtime and
ctime in nanoseconds, inode and device — and trusted while the stat is the same. ctime cannot
be set by tools that restore an mtime (``touch -r``, archive extraction), and any write changes
it.

Racy entries are not kept: a file whose last change is less than :data:`RACY_NS` before it
was hashed could be written again within the same timestamp tick without its stat changing
(git's "racily clean" case), so it is hashed again next run. The index is one cache entry per
working directory, written at the end of a run that hashed something; it keeps at most
:data:`MAX_ENTRIES` files. Without a cache (``--no-cache``) nothing is remembered.
"""

from __future__ import annotations

import os
import stat
import time

RACY_NS = 2_000_000_000  # 2 s: far above any filesystem's timestamp granularity
MAX_ENTRIES = 200_000

Signature = tuple[int, int, int, int, int]


def signature(st: os.stat_result) -> Signature:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


class DigestIndex:
    """path → (stat signature, digest), loaded from and saved to ``cache`` under ``key``."""

    def __init__(self, cache, key: str | None):
        self._cache = cache
        self._key = key
        self._loaded: dict[str, tuple[Signature, str]] | None = None  # read on first use
        self._changed = False

    @property
    def _entries(self) -> dict[str, tuple[Signature, str]]:
        if self._loaded is None:
            loaded = self._cache.get(self._key, counted=False) if self._key is not None else None
            self._loaded = loaded if isinstance(loaded, dict) else {}
        return self._loaded

    def lookup(self, path: str, st: os.stat_result) -> str | None:
        entry = self._entries.get(path)
        if entry is not None and tuple(entry[0]) == signature(st):
            return entry[1]
        return None

    def remember(self, path: str, st: os.stat_result, digest: str) -> None:
        if not stat.S_ISREG(st.st_mode) or time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) < RACY_NS:
            return
        self._entries[path] = (signature(st), digest)
        self._changed = True

    def save(self) -> None:
        if not self._changed or self._key is None:
            return
        entries = self._entries
        if len(entries) > MAX_ENTRIES:  # the oldest insertions go first
            entries = dict(list(entries.items())[-MAX_ENTRIES:])
        self._cache.put(self._key, entries, counted=False)
        self._changed = False
