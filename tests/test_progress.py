"""The progress line of ``scan`` and ``aws`` (cli/progress.py): on a terminal's stderr only,
one line redrawn in place, totals that never move, a summary that agrees with the last
counts — and nothing at all, not even rich, where nobody watches."""

from __future__ import annotations

import io
import os
import re
import select
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tagcheck.cli.progress import AuditProgress, ProgressLine, ScanProgress, audit_summary

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "terraform"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
FRAME = re.compile(r"(?:scan|aws): .*")


def _frames(output: str) -> list[str]:
    """What the line said, frame by frame (rich redraws it after a carriage return)."""
    frames = []
    for piece in re.split(r"[\r\n]", output):
        piece = ANSI.sub("", piece)
        match = FRAME.search(piece)
        if match and not piece.startswith("tagcheck:"):  # the summary, printed after the line is erased
            frames.append(match.group(0).strip())
    return frames


def _numbers(pattern: str, text: str) -> tuple[int, ...]:
    match = re.search(pattern, text)
    assert match, (pattern, text)
    return tuple(int(g.replace(",", "")) for g in match.groups())


# --- the line itself, on a forced terminal ---------------------------------------------------

def test_the_line_redraws_what_describe_says_and_is_erased_at_the_end():
    stream = io.StringIO()
    counts = ScanProgress()
    counts("roots", 0, 3)
    line = ProgressLine(counts.describe, stream=stream).start()
    for done in range(4):
        counts("roots", done, 3)
        line.refresh()
    line.note("tagcheck: warning: a note goes above the line")
    assert line.stop() is True
    out = stream.getvalue()
    drawn = [f for i, f in enumerate(_frames(out)) if i == 0 or f != _frames(out)[i - 1]]  # it redraws on its own too
    assert drawn == [f"scan: {d}/3 roots evaluated" for d in range(4)]
    assert "a note goes above the line" in out
    assert out.endswith("\x1b[2K")  # the line is erased: what stays is the summary printed after it


def test_a_line_stopped_before_its_delay_never_draws_anything():
    stream = io.StringIO()
    line = ProgressLine(lambda: "scan: never", stream=stream, delay=5.0).start()
    assert line.stop() is False
    time.sleep(0.05)
    assert stream.getvalue() == ""


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_scan_that_ends_within_the_delay_shows_nothing_not_even_its_summary(capsys):
    from tagcheck.cli.progress import run_scan

    terminal = _Tty()
    assert run_scan(lambda progress, note: progress("roots", 1, 1) or "done", enabled=True, stream=terminal) == "done"
    assert terminal.getvalue() == "" and capsys.readouterr().err == ""


def test_scan_phases_appear_in_order_with_their_own_totals():
    counts = ScanProgress()
    assert counts.describe() == "scan: finding Terraform files"
    counts("files", 1_200, 1_500)
    counts("modules", 3, 40)
    assert counts.describe() == "scan: 1,200/1,500 files parsed · 3/40 modules read"
    counts("files", 1_500, 1_500)
    counts("modules", 40, 40)
    counts("roots", 1, 1)
    assert counts.describe() == "scan: 1,500/1,500 files parsed · 40/40 modules read · 1/1 root evaluated"
    assert re.fullmatch(r"tagcheck: scan: 1,500 files parsed, 40 modules read, 1 root evaluated in \d+\.\d s",
                        counts.summary())


def test_audit_line_and_summary_say_the_same_counts():
    from tagcheck.sources.aws.audit import Progress

    counts = AuditProgress()
    assert counts.describe() == "aws: starting"
    last = Progress(collectors=204, collectors_total=204, regions=17, regions_total=17, accounts=2, accounts_total=2,
                    resources=1234, denied=2, errors=1)
    counts(last)
    assert counts.describe() == ("aws: 2/2 accounts · 17/17 regions · 204/204 collectors · 1,234 resources · "
                                 "2 denied · 1 error")
    assert audit_summary(last, 2, 17, 5000) == (
        "tagcheck: aws: 2 accounts × 17 regions; collectors: 204 of 204 (201 ok, 2 denied, 1 error); "
        "1,234 resources; 5,000 API calls")


# --- the audit's counts: every collector once, totals fixed up front -------------------------

class _Session:
    account = "111111111111"


def _task(collector, scope, run, service="svc"):
    from tagcheck.sources.aws.common import Task

    return Task(service, collector, _Session.account, scope if scope != "global" else "us-east-1", scope, run)


def _resource(address):
    from tagcheck.model import Location, Origin, Resource

    return Resource(address=address, type="aws_s3_bucket", origin=Origin.AWS, location=Location(arn=address),
                    tags=None)


def test_follow_up_tasks_belong_to_their_collector_and_totals_never_change():
    """S3's listing with two batches of bucket details, and EC2 with a CPU-metrics follow-up
    that is denied: four collectors, each counted once, when all its parts are done."""
    from botocore.exceptions import ClientError

    from tagcheck.sources.aws.audit import _Pool
    from tagcheck.sources.aws.common import AuditSettings, Outcome

    def batch(names):
        return lambda ctx: Outcome(resources=[_resource(f"arn:aws:s3:::{n}") for n in names])

    def buckets(ctx):
        return Outcome(more=[_task("buckets", "global", batch(["a", "b"]), "s3"),
                             _task("buckets", "global", batch(["c", "a"]), "s3")])  # "a" twice: one resource

    def denied(ctx):
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "GetMetricData")

    def instances(ctx):
        return Outcome(resources=[_resource(f"arn:aws:ec2:{ctx.region}:1:instance/i-1")],
                       more=[_task("cpu AWS/EC2", ctx.region, denied, "cloudwatch")])

    tasks = [_task("buckets", "global", buckets, "s3"),
             _task("instances", "us-east-1", instances, "ec2"), _task("instances", "eu-west-1", instances, "ec2"),
             _task("volumes", "eu-west-1", lambda ctx: Outcome(), "ec2")]
    heard = []
    outcomes, entries, final = _Pool({_Session.account: _Session()}, AuditSettings(), 2, heard.append).run(tasks)
    # every task ran: 4 collectors, 2 bucket batches, 2 metric fetches (the only ones denied)
    assert sorted((e["collector"], e["status"]) for e in entries) == [
        ("buckets", "ok")] * 3 + [("cpu AWS/EC2", "denied")] * 2 + [("instances", "ok")] * 2 + [("volumes", "ok")]
    assert {(p.collectors_total, p.regions_total, p.accounts_total) for p in heard} == {(4, 2, 1)}
    assert heard[0].collectors == 0 and [p.collectors for p in heard] == sorted(p.collectors for p in heard)
    assert final == heard[-1]
    assert (final.collectors, final.regions, final.accounts) == (4, 2, 1)
    assert final.resources == 5  # a, b, c and two instances
    assert (final.ok, final.denied, final.errors) == (2, 2, 0)  # both EC2 collectors lost their metrics


# --- the commands, on a pseudo-terminal ------------------------------------------------------

def _on_a_terminal(argv: list[str], cwd: Path, env: dict | None = None, timeout: float = 300) -> tuple[int, str]:
    """Run tagcheck with stderr on a pseudo-terminal (stdout a pipe): (status, stderr)."""
    master, slave = os.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "160", **(env or {})}
    proc = subprocess.Popen([sys.executable, "-m", "tagcheck", *argv], cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    chunks, deadline = [], time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # the other end closed
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
        proc.stdout.read()
        status = proc.wait(timeout=10)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    return status, b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Sixty roots of ten files each: a scan without cache or workers takes a couple of
    seconds, more than the second the line waits for."""
    top = tmp_path_factory.mktemp("progress") / "infra"
    for r in range(60):
        root = top / f"env{r:02d}"
        root.mkdir(parents=True)
        (root / "providers.tf").write_text('terraform {\n  backend "s3" {}\n}\n'
                                           'provider "aws" {\n  region = "us-east-1"\n}\n')
        for f in range(10):
            (root / f"f{f}.tf").write_text("".join(textwrap.dedent(f'''\
                resource "aws_s3_bucket" "b{f}_{i}" {{
                  bucket = "b-{r}-{f}-{i}"
                  tags   = {{ team = "ml", environment = "dev" }}
                }}
                ''') for i in range(10)))
    return top


SCAN = ["scan", ".", "--no-cache", "-j", "1", "--fail-on", "never", "-f", "json", "-o", os.devnull]


def test_a_long_scan_shows_one_updating_line_with_fixed_totals_and_a_summary_that_agrees(corpus):
    status, err = _on_a_terminal(SCAN, corpus)
    assert status == 0, err
    frames = _frames(err)
    assert len(set(frames)) >= 2, err  # it moved
    for noun in ("module", "root"):
        seen = [_numbers(rf"([\d,]+)/([\d,]+) {noun}s? ", f) for f in frames if f" {noun}" in f]
        assert {total for _, total in seen} == {60}, (noun, seen)  # never a total that grows
        assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    summary = [line for line in ANSI.sub("", err).replace("\r", "\n").splitlines() if line.startswith("tagcheck:")]
    assert len(summary) == 1 and re.fullmatch(r"tagcheck: scan: 60 modules read, 60 roots evaluated in \d+\.\d s",
                                              summary[0]), err
    assert frames[-1] == "scan: 60/60 modules read · 60/60 roots evaluated"


@pytest.mark.parametrize("how", [{"argv": ["--no-progress"]}, {"env": {"TERM": "dumb"}}])
def test_no_progress_and_term_dumb_turn_the_line_off(corpus, how):
    status, err = _on_a_terminal(SCAN + how.get("argv", []), corpus, how.get("env"))
    assert status == 0 and err == "", err


def test_colour_off_keeps_the_line(corpus):
    status, err = _on_a_terminal(SCAN + ["--color", "never"], corpus, {"NO_COLOR": "1"})
    assert status == 0 and _frames(err), err


def test_the_audit_line_counts_every_collector_once_and_the_summary_agrees():
    pytest.importorskip("moto")
    from tagcheck.sources.aws import demo
    from tagcheck.sources.aws.audit import COLLECTORS, GLOBAL_SERVICES

    status, err = _on_a_terminal(["aws", "--demo", "--fail-on", "never", "-f", "json"], REPO,
                                 {"HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"})
    assert status == 0, err
    expected = sum(len(c) * (1 if s in GLOBAL_SERVICES else len(demo.REGIONS)) for s, c in COLLECTORS.items())
    frames = _frames(err)
    assert len(set(frames)) >= 2, err
    collectors = [_numbers(r"([\d,]+)/([\d,]+) collectors", f) for f in frames]
    regions = [_numbers(r"([\d,]+)/([\d,]+) regions", f) for f in frames]
    resources = [_numbers(r"([\d,]+) resources?", f)[0] for f in frames]
    assert {t for _, t in collectors} == {expected} and {t for _, t in regions} == {len(demo.REGIONS)}
    assert [d for d, _ in collectors] == sorted(d for d, _ in collectors) and collectors[-1][0] == expected
    assert resources == sorted(resources)
    [summary] = [line for line in ANSI.sub("", err).replace("\r", "\n").splitlines() if line.startswith("tagcheck: aws:")]
    done, total, ok, denied, errors, found = _numbers(
        r"collectors: ([\d,]+) of ([\d,]+) \(([\d,]+) ok, ([\d,]+) denied, ([\d,]+) errors?\); ([\d,]+) resources", summary)
    assert (done, total) == (expected, expected) and ok + denied + errors == expected
    assert found == resources[-1]
    assert f"{len(demo.REGIONS)} regions" in summary


# --- nothing where nobody watches, and rich stays unloaded -----------------------------------

def _run_and_list_modules(argv: list[str], cwd: Path) -> tuple[str, set[str]]:
    """tagcheck's main in a subprocess whose stderr is a pipe: (stderr, modules loaded)."""
    code = ("import contextlib, io, sys\nfrom tagcheck.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()):\n    main({argv!r})\n"
            "print(' '.join(sorted(sys.modules)))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=300)
    return proc.stderr, set(proc.stdout.split())


def test_a_scan_off_a_terminal_prints_no_progress_and_never_imports_rich(corpus):
    err, loaded = _run_and_list_modules(SCAN, corpus)
    assert err == ""
    assert "rich" not in loaded


def test_version_never_imports_rich():
    _, loaded = _run_and_list_modules(["--version"], REPO)
    assert "tagcheck" in loaded and "rich" not in loaded


def test_an_audit_off_a_terminal_keeps_only_its_summary_line():
    pytest.importorskip("moto")
    err, loaded = _run_and_list_modules(["aws", "--demo", "--fail-on", "never", "-f", "json"], REPO)
    assert "rich" not in loaded
    assert "\x1b" not in err and "\r" not in err
    [summary] = err.splitlines()
    assert summary.startswith("tagcheck: aws: 1 account × 2 regions; collectors: ")
