"""The one exception the policy package raises for bad input."""

from __future__ import annotations


class PolicyError(Exception):
    """A policy file that cannot be used, located as precisely as we can.

    ``str(error)`` is a single ``FILE:LINE: KEY: MESSAGE`` line (missing parts are left
    out) so the CLI can print it as is before exiting with status 2. When a file has
    several problems, the first one (by line) is raised and the rest ride along in
    ``further_errors`` for callers that want to show them all.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        key: str | None = None,
        further_errors: tuple["PolicyError", ...] = (),
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.key = key
        self.further_errors = further_errors
        super().__init__(self._one_line())

    def __reduce__(self):  # keep file/line/key across process pools
        return _rebuild, (self.message, self.file, self.line, self.key, self.further_errors)

    def _one_line(self) -> str:
        where = ""
        if self.file:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [_printable(p) for p in (where, self.key) if p]
        # Messages and keys can quote user text; keep the contract of a single line, with
        # no control characters (a key may be "\n" or hold a terminal escape).
        message = _printable(" ".join(self.message.splitlines()))
        return ": ".join([*parts, message])

    def __str__(self) -> str:
        return self._one_line()


def _printable(text: str) -> str:
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def _rebuild(message, file, line, key, further_errors) -> PolicyError:
    return PolicyError(message, file=file, line=line, key=key, further_errors=further_errors)


def format_key(path: tuple[str | int, ...]) -> str | None:
    """Dotted key for a path into the document: ``ignore[0].rule``, ``tags.allowed.team``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or None
