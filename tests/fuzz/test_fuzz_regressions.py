"""Regression tests from bench/fuzz_hcl.py: every reproducer it saved in ``crashes/`` (a
mutated Terraform project that once made ``scan()`` or ``engine.run()`` raise, or a rule
crash as TC000) must now scan cleanly — findings are fine, exceptions and TC000 are not.

Each reproducer's ``crash.txt`` keeps the original traceback and how to replay it; the
expected outcome of each is pinned below, so a fix that silently drops the file (instead
of reporting it) fails too."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from tagcheck import engine
from tagcheck.policy import load_policy
from tagcheck.sources.terraform.cache import ParseCache
from tagcheck.sources.terraform.source import scan

CRASHES = Path(__file__).parent / "crashes"
POLICY = Path(__file__).parents[1] / "sources" / "terraform" / "cases" / "policy.yaml"

# reproducer -> (what it was, (resource address, attribute, the reason it is now unknown))
EXPECTED = {
    "95ea2a20cb7d": ("title(null, true...) expanding a bool: TypeError escaped evaluate._call",
                     ("aws_s3_bucket.scratch", "bucket", "title(): the argument before ... must be a list, not True")),
    "abcc47ad11a5": ("can() without arguments: IndexError escaped evaluate._call",
                     ("aws_s3_bucket.backup", "tags", "can() takes exactly one argument, not 0")),
    "184f53a3da32": ("dynamic \"tag\" { for_each = 1e3 }: TypeError escaped module._dynamic",
                     ("aws_autoscaling_group.dynamic", "tag", 'dynamic "tag": for_each is a float, not a collection')),
    "fca08f579afe": ("aws_ebs_volume size = [...]: TypeError in cost.py volume_lines escaped engine.run", None),
}
# Reproducers of bugs still open (strict xfails: fixing one flips it to a failure, to be
# moved to EXPECTED). Empty: the cost.py crash above was fixed in cost.py.
OPEN: dict[str, str] = {}


def _reproducers() -> list[Path]:
    return sorted(p for p in CRASHES.iterdir() if p.is_dir()) if CRASHES.is_dir() else []


def _params():
    for path in _reproducers():
        marks = [pytest.mark.xfail(strict=True, reason=OPEN[path.name])] if path.name in OPEN else []
        yield pytest.param(path, id=path.name, marks=marks)


def test_every_reproducer_is_pinned():
    assert {p.name for p in _reproducers()} == set(EXPECTED)


@pytest.mark.parametrize("directory", list(_params()))
def test_reproducer_scans_without_crashing(directory: Path):
    scanned = scan([directory], cwd=directory, cache=ParseCache(None))
    result = engine.run(scanned.resources, scanned.problems, load_policy(POLICY), today=datetime.date(2026, 11, 26))
    assert not [f.message for f in result.findings if f.rule == "TC000"]
    if EXPECTED[directory.name][1] is None:
        return
    address, attribute, reason = EXPECTED[directory.name][1]
    resource = next(r for r in scanned.resources if r.address == address)
    assert reason in resource.attributes[attribute].reason
