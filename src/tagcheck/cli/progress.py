"""The progress line of ``scan`` and ``aws``: one line on stderr that rich redraws in place.

It is shown only where someone watches it: stderr is a terminal, ``TERM`` is not ``dumb``
and ``--no-progress`` is not given (colour is a separate choice: ``--color never`` and
``NO_COLOR`` keep the line, uncoloured). A CI log or a pre-commit run gets nothing from
here, and rich is imported only when the line is drawn, so it stays off the path of
``--version``, of a pre-commit run and of a scan that ends before the line appears.

The line is transient: it is erased when the run ends, and what stays is one summary line
built from the same counts (``aws`` prints its coverage summary always, as before; ``scan``
prints one only when its line was shown, so a short or non-terminal scan says nothing). A
scan draws its line after :data:`SCAN_DELAY` seconds; ``aws`` at once.

The counts come from the sources as plain calls — ``scan``'s ``(phase, done, total)``,
the audit's ``Progress`` snapshots — and every total they carry is fixed before its phase
starts, so the line's totals never move.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any, Callable

import click

SCAN_DELAY = 1.0  # seconds: a scan that ends sooner shows no progress at all
_REFRESH_PER_SECOND = 8


def wanted(enabled: bool = True, stream=None, environ=os.environ) -> bool:
    """Whether to draw a progress line on ``stream`` (stderr)."""
    stream = stream if stream is not None else sys.stderr
    if not enabled or environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


class ProgressLine:
    """A line redrawn in place with whatever ``describe()`` says at the time, from
    ``delay`` seconds after :meth:`start` until :meth:`stop`, which erases it."""

    def __init__(self, describe: Callable[[], str], *, stream=None, delay: float = 0.0):
        self.describe = describe
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._live = None
        self._stopped = False
        self.shown = False

    def start(self) -> "ProgressLine":
        if self.delay > 0:
            self._timer = threading.Timer(self.delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        else:
            self._show()
        return self

    def _show(self) -> None:
        with self._lock:
            if self._stopped or self._live is not None:
                return
            from rich.console import Console
            from rich.live import Live
            from rich.spinner import Spinner

            spinner = Spinner("dots")

            def render():
                from rich.text import Text

                spinner.update(text=Text(" " + self.describe(), no_wrap=True, overflow="ellipsis"))
                return spinner

            console = Console(file=self.stream, force_terminal=True, highlight=False)
            self._live = Live(console=console, get_renderable=render, transient=True,
                              refresh_per_second=_REFRESH_PER_SECOND, redirect_stdout=False, redirect_stderr=False)
            self._live.start()
            self.shown = True

    def refresh(self) -> None:
        """Draw the current counts now (the line also redraws itself several times a second)."""
        live = self._live
        if live is not None:
            live.refresh()

    def note(self, text: str) -> None:
        """A message on stderr, above the line while it is shown."""
        with self._lock:
            if self._live is not None:
                self._live.console.print(text, markup=False, highlight=False, soft_wrap=True)
                return
        click.echo(text, err=True)

    def stop(self) -> bool:
        """Erase the line (or cancel it before it appeared); True when it was shown."""
        with self._lock:
            self._stopped = True
            if self._timer is not None:
                self._timer.cancel()
            if self._live is not None:
                self._live.stop()
                self._live = None
        return self.shown


class NoLine:
    """Where no progress is shown: the same calls, and notes as plain stderr lines."""

    shown = False

    def start(self) -> "NoLine":
        return self

    def refresh(self) -> None:
        pass

    def note(self, text: str) -> None:
        click.echo(text, err=True)

    def stop(self) -> bool:
        return False


def line_for(describe: Callable[[], str], *, enabled: bool, delay: float = 0.0, stream=None) -> ProgressLine | NoLine:
    return ProgressLine(describe, stream=stream, delay=delay) if wanted(enabled, stream) else NoLine()


def count(n: int, word: str, plural: str | None = None) -> str:
    """1 resource, 1,234 resources."""
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


# --- tagcheck scan --------------------------------------------------------------------------

_SCAN_PHASES = {  # phase → (what is counted, what happened to it), in the order they come
    "files": ("file", "parsed"),
    "modules": ("module", "read"),
    "roots": ("root", "evaluated"),
}


class ScanProgress:
    """The scan's counts: pass it to the Terraform source as its ``progress`` callback."""

    def __init__(self) -> None:
        self.phases: dict[str, tuple[int, int]] = {}
        self.started = time.monotonic()

    def __call__(self, phase: str, done: int, total: int) -> None:
        self.phases[phase] = (done, total)

    def describe(self) -> str:
        parts = []
        for phase, (noun, verb) in _SCAN_PHASES.items():
            if phase in self.phases:
                done, total = self.phases[phase]
                parts.append(f"{done:,}/{count(total, noun)} {verb}")
        return "scan: " + (" · ".join(parts) if parts else "finding Terraform files")

    def summary(self) -> str:
        parts = [f"{count(self.phases[phase][0], noun)} {verb}" for phase, (noun, verb) in _SCAN_PHASES.items()
                 if phase in self.phases]
        took = time.monotonic() - self.started
        return f"tagcheck: scan: {', '.join(parts) or 'nothing read'} in {took:.1f} s"


def run_scan(collect: Callable[[ScanProgress, Callable[[str], None]], Any], *, enabled: bool, stream=None,
             delay: float = SCAN_DELAY) -> Any:
    """``collect(progress, note)`` with the scan's progress line; its summary on stderr when the
    line was shown."""
    counts = ScanProgress()
    line = line_for(counts.describe, enabled=enabled, delay=delay, stream=stream).start()
    try:
        result = collect(counts, line.note)
    finally:
        shown = line.stop()
    if shown:
        click.echo(counts.summary(), err=True)
    return result


# --- tagcheck aws ---------------------------------------------------------------------------

class AuditProgress:
    """The live audit's counts: ``AuditOptions.progress``; it keeps the last snapshot."""

    def __init__(self) -> None:
        self.last = None

    def __call__(self, snapshot) -> None:
        self.last = snapshot

    def describe(self) -> str:
        p = self.last
        if p is None:
            return "aws: starting"
        parts = []
        if p.accounts_total > 1:
            parts.append(f"{p.accounts:,}/{count(p.accounts_total, 'account')}")
        if p.regions_total:
            parts.append(f"{p.regions:,}/{count(p.regions_total, 'region')}")
        parts += [f"{p.collectors:,}/{count(p.collectors_total, 'collector')}", count(p.resources, "resource")]
        if p.denied:
            parts.append(f"{p.denied:,} denied")
        if p.errors:
            parts.append(count(p.errors, "error"))
        return "aws: " + " · ".join(parts)


def audit_summary(p, accounts: int, regions: int, api_calls: int) -> str:
    """The line that stays after the audit: the same counts as the progress line's last."""
    return (f"tagcheck: aws: {count(accounts, 'account')} × {count(regions, 'region')}; "
            f"collectors: {p.collectors:,} of {p.collectors_total:,} ({p.ok:,} ok, {p.denied:,} denied, "
            f"{count(p.errors, 'error')}); {count(p.resources, 'resource')}; {count(api_calls, 'API call')}")


def run_audit(collect: Callable[[AuditProgress], Any], *, enabled: bool, stream=None) -> Any:
    """``collect(progress)`` with the audit's progress line, erased when it returns."""
    counts = AuditProgress()
    line = line_for(counts.describe, enabled=enabled, stream=stream).start()
    try:
        return collect(counts)
    finally:
        line.stop()
