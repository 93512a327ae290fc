"""From a run's result to what the user gets: the formats to stdout and files, a baseline
written, the exit status (DESIGN.md §3)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Sequence

import click

from tagcheck import app
from tagcheck.cli.errors import BadInput, bad_input, note


def finish(collected: app.Collected, policy, formats, outputs, fail_on, sort="location", *,
           baseline_path: Path | None = None, write_baseline: Path | None = None, docs_url: str | None = None,
           min_allocation: float | None = None, color: str = "auto", compact: bool = False,
           max_comment_chars: int | None = None, sarif_root: Path | None = None,
           usage_file: Path | None = None) -> None:
    """Check what was collected, write every --format, exit with the status."""
    from tagcheck import engine
    from tagcheck.report import RUN_FORMATS, render

    with bad_input():
        prices = app.prices_for(policy)
        usage = app.usage_for(policy, usage_file)
        baseline = app.load_baseline(baseline_path)
    result = app.check(collected, policy, prices, baseline, usage)
    if write_baseline:
        from tagcheck.baseline import write_baseline as save_baseline

        try:
            count = save_baseline(write_baseline, result.findings)
        except OSError as exc:
            raise BadInput(f"{write_baseline}: cannot write: {exc.strerror}") from None
        click.echo(f"tagcheck: wrote {count} findings to baseline {write_baseline}", err=True)
    for fmt, target in format_targets(formats, outputs):
        if RUN_FORMATS[fmt] == "showback":  # it needs the policy and the cost model, not only the result
            text = render("showback", fmt, app.showback(result, policy, prices, usage,
                                                        min_allocation=min_allocation))
        else:
            text = render("findings", fmt, result, color=use_color(color, target), sort=sort, docs_url=docs_url,
                          compact=compact, max_chars=max_comment_chars,
                          uri_prefix=app.sarif_prefix(sarif_root) if fmt in ("sarif", "codequality") else "")
        write_output(text, target)
    status = 0 if write_baseline else engine.exit_status(result, fail_on)  # recorded: accepted, not failed
    status = max(status, allocation_gate(result.summary.allocation["coverage_pct_usd"], min_allocation))
    raise click.exceptions.Exit(status)


def use_color(mode: str, target: str, environ=os.environ, stream=None) -> bool:
    """--color always|never; auto: colour on a terminal only, and never with NO_COLOR set to
    anything (no-color.org) or TERM=dumb. Files never get colour unless asked."""
    if mode != "auto":
        return mode == "always"
    if target != "-" or environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    return (stream or sys.stdout).isatty()


def write_output(text: str, target: str) -> None:
    """A rendered report to stdout ('-') or to a file; a file that cannot be written is bad input."""
    if target == "-":
        # colour was decided already (use_color); click would strip it again off a terminal
        click.echo(text, nl=False, color=True)
        return
    try:
        Path(target).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"{target}: cannot write: {exc.strerror}") from None


def allocation_gate(coverage: float, min_allocation: float | None) -> int:
    """--min-allocation: say the figure either way (stderr); 1 when coverage is below it."""
    if min_allocation is None:
        return 0
    below = coverage < min_allocation
    click.echo(f"tagcheck: allocation coverage {coverage}% of estimated dollars "
               f"({'below' if below else 'meets'} --min-allocation {min_allocation:g}%)", err=True)
    return 1 if below else 0


def format_targets(formats: Sequence[str], outputs: Sequence[str]) -> list[tuple[str, str]]:
    """Pair each --output with the --format just before it on the command line (main()
    records that order with cli.format_order: click does not keep it); formats without one
    go to stdout."""
    ctx = click.get_current_context()
    order = (ctx.find_root().obj or {}).get("format_order")
    pairs: list[list[str]] = []
    if order is not None and [f for kind, f in order if kind == "f"] == list(formats):
        for kind, value in order:
            if kind == "f":
                pairs.append([value, "-"])
            elif pairs and pairs[-1][1] == "-":
                pairs[-1][1] = value
            else:
                raise BadInput(f"--output {value} does not follow a --format")
    else:  # called without main(): pair in order
        pairs = [[f, outputs[i] if i < len(outputs) else "-"] for i, f in enumerate(formats)]
    if not pairs:
        pairs = [["text", outputs[0] if outputs else "-"]]
    if sum(1 for _, t in pairs if t == "-") > 1:
        raise BadInput("several formats to stdout: give all but one of them an --output FILE")
    files = [os.path.realpath(t) for _, t in pairs if t != "-"]
    twice = next((t for t in files if files.count(t) > 1), None)
    if twice is not None:
        raise BadInput(f"--output {twice} is given to two formats: one would overwrite the other")
    return [(f, t) for f, t in pairs]


def load_policy(policy_path: Path | None, start: Path, cache=None):
    """app.load_policy with notes on stderr and bad input as exit 2."""
    with bad_input():
        return app.load_policy(policy_path, start, cache, note=note)
