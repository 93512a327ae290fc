"""How a scan tells its caller how far it is: ``progress(phase, done, total)``.

The phases, in order: ``"files"`` parsed up front (in worker processes, when there are
enough files the cache does not hold), ``"modules"`` — module directories read to find the
roots (on a run without workers, where the parsing happens) — and ``"roots"`` evaluated or
read back from the cache. A phase that has nothing to do is not reported. Each phase's total
is known before its first call and never changes; the callback runs in the scanning process,
between two pieces of work, so it must be quick (the command line only stores the numbers).
"""

from __future__ import annotations

from typing import Callable

Progress = Callable[[str, int, int], None]


def no_progress(phase: str, done: int, total: int) -> None:
    pass


class Phase:
    """One phase's count: reported at 0 when it starts, then at each step; never when its
    total is 0 (nothing to do)."""

    def __init__(self, progress: Progress, phase: str, total: int):
        self.progress = progress if total else no_progress
        self.phase, self.total, self.done = phase, total, 0
        self.progress(phase, 0, total)

    def step(self, count: int = 1) -> None:
        self.done = min(self.total, self.done + count)
        self.progress(self.phase, self.done, self.total)

    def back_to(self, done: int = 0) -> None:
        """The work from ``done`` on is done again (worker processes that failed)."""
        self.done = done
        self.progress(self.phase, done, self.total)
