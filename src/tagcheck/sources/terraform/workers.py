"""The worker processes of a scan, and the parsing they do.

:class:`Workers` is one process pool per scan, started on first use: it parses the files the
cache does not hold (loader.py's ``DirLoader.prefetch``, with :func:`parse_into_cache`) and
then evaluates roots (source.py's ``_evaluate_in_workers``), so processes start once instead
of twice. A worker writes what it makes into the scan's cache (:func:`worker_cache`) and
sends back only what the main process cannot read there: :class:`Stored` and the file's
call summary, or the parse itself (syntax.py's typed parses; all are pickled on the way).
:func:`parse_file_text` and :func:`parse_vars_text` are also how this process parses a file
itself.

Nothing here imports the parser (or syntax.py) until a file is parsed, so a warm run (every
root read from the cache) never loads python-hcl2.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, NamedTuple

from tagcheck.sources.terraform.cache import ParseCache
from tagcheck.sources.terraform.moduledir import call_summary

if TYPE_CHECKING:
    from tagcheck.sources.terraform.syntax import FileParse, ParseFailure, ParserCrash


class Workers:
    """The worker processes of one scan: started on first use, used to parse and then to
    evaluate roots (one start-up instead of two), shut down by ``close``. ``size`` 0: none."""

    def __init__(self, size: int, cache: ParseCache):
        self.size = size
        self.cache = cache
        self._pool = None
        self.failed = False

    def map(self, fn, items: list, chunksize: int = 1, on_result: Callable[[], None] | None = None) -> list | None:
        """``fn`` over ``items`` in the workers, results in order; None when there are no
        processes here (a sandbox, a worker killed): the caller does the work itself.
        ``on_result`` is called here as each result arrives (the scan's progress)."""
        if not self.size or self.failed:
            return None
        from concurrent.futures import ProcessPoolExecutor

        try:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=self.size, initializer=_use_cache,
                                                 initargs=(self.cache,))
            results = []
            for result in self._pool.map(fn, items, chunksize=chunksize):
                results.append(result)
                if on_result is not None:
                    on_result()
            return results
        except Exception:  # noqa: BLE001 - see above
            self.failed = True
            self.close()
            return None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


_WORKER_CACHE: ParseCache | None = None


def _use_cache(cache: ParseCache) -> None:
    """Worker initialiser: the cache parses and evaluated roots go into."""
    global _WORKER_CACHE
    _WORKER_CACHE = cache


def worker_cache() -> ParseCache:
    """In a worker process: the scan's cache."""
    assert _WORKER_CACHE is not None, "not in a worker process of Workers"
    return _WORKER_CACHE


# --- what the workers run ------------------------------------------------------------------
# The parses are syntax.py's types, imported where a file is parsed: a warm run needs neither
# them nor the parser.

class Stored(NamedTuple):
    """A worker's parse is in the cache (the process that needs it reads it there), with the
    file's call summary (no calls for a tfvars file or a file that does not parse)."""

    summary: tuple


_NO_CALLS = ((), False, False)


def parse_into_cache(item: tuple[str, str, str, str],
                     cache: ParseCache | None = None) -> Stored | FileParse | ParseFailure | ParserCrash | dict:
    """Worker: parse one file (``(path, text, cache key, kind)``) into the cache. Stored when
    it is there (the parse itself is not sent back: the process that needs it reads it from
    the cache), else the parse itself (:func:`parse_file_text`, :func:`parse_vars_text`)."""
    from tagcheck.sources.terraform.syntax import FileParse, ParserCrash, to_cached

    path, text, key, kind = item
    cache = cache if cache is not None else _WORKER_CACHE
    result = parse_vars_text(text) if kind == "tfvars" else parse_file_text(path, text)
    if not isinstance(result, ParserCrash) and cache is not None and cache.put(key, to_cached(result)):
        return Stored(result.summary if isinstance(result, FileParse) else _NO_CALLS)
    return result


def parse_file_text(path: str, text: str) -> FileParse | ParseFailure | ParserCrash:
    """One Terraform file's text → its parse in plain form (syntax.py)."""
    from tagcheck.sources.terraform import parser
    from tagcheck.sources.terraform.syntax import FileParse, ParseError, ParseFailure, ParserCrash

    try:
        blocks = parser.parse_file(Path(path), text)
        return FileParse([b.to_plain() for b in blocks], call_summary(blocks))
    except ParseError as exc:
        return ParseFailure(exc.message, exc.line, exc.column)
    except RecursionError:
        return ParseFailure("file nested too deeply to parse", None, None)
    except Exception as exc:  # noqa: BLE001 - a bug in the parser adapter: TC000, the run goes on
        import traceback

        frames = traceback.extract_tb(exc.__traceback__)
        where = f" at {frames[-1].name}:{frames[-1].lineno}" if frames else ""
        return ParserCrash(type(exc).__name__, str(exc), where)


def parse_vars_text(text: str) -> dict | ParseFailure:
    """A tfvars file's text → its attributes (name → (expression, line))."""
    from tagcheck.sources.terraform import parser
    from tagcheck.sources.terraform.syntax import ParseError, ParseFailure

    try:
        return parser.parse_attribute_file(text)
    except ParseError as exc:
        return ParseFailure(exc.message, exc.line, exc.column)
