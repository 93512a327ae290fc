"""``tagcheck aws`` through ``main([...])``: options, exit status, scan_info; and the start-up path
that must never load boto3."""

from __future__ import annotations

import json
import subprocess
import sys

import boto3
import pytest
from aws_helpers import ACCOUNT, REGION

from tagcheck.cli import main


def _seed():
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="untagged-bucket")
    boto3.client("logs", region_name=REGION).create_log_group(logGroupName="/x", tags={"team": "a"})


def test_json_scan_info(moto, capsys):
    _seed()
    assert main(["aws", "-f", "json", "--services", "s3,logs"]) == 1  # TAG001 errors, default --fail-on error
    doc = json.loads(capsys.readouterr().out)
    scan = doc["summary"]["scan"]
    assert scan["source"] == "aws" and scan["accounts"] == [ACCOUNT]
    assert scan["regions"] == [REGION]  # the session's region (AWS_DEFAULT_REGION)
    assert scan["services"] == ["s3", "logs"]
    assert {(c["service"], c["collector"], c["region"]) for c in scan["coverage"]} == {
        ("s3", "buckets", "global"), ("logs", "log_groups", REGION)}
    assert scan["api_calls"] == sum(scan["api_calls_by_service"].values()) > 0
    assert {f["resource"]["address"] for f in doc["findings"] if f["rule"] == "TAG001"} == {
        "arn:aws:s3:::untagged-bucket", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/x"}


def test_fail_on_never_and_baseline(moto, tmp_path, capsys):
    _seed()
    baseline = tmp_path / "baseline.json"
    assert main(["aws", "--services", "s3", "--write-baseline", str(baseline), "--fail-on", "never"]) == 0
    capsys.readouterr()
    assert main(["aws", "--services", "s3", "--baseline", str(baseline), "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []


def test_regions_and_max_workers(moto, capsys):
    boto3.client("logs", region_name="eu-west-1").create_log_group(logGroupName="/eu")
    assert main(["aws", "--region", "eu-west-1", "--region", REGION, "--services", "logs", "--max-workers", "1",
                 "-f", "json", "--fail-on", "never"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["scan"]["regions"] == ["eu-west-1", REGION]
    assert [f["resource"]["region"] for f in doc["findings"] if f["rule"] == "TAG001"] == ["eu-west-1"]


def test_all_regions(moto, capsys):
    assert main(["aws", "--all-regions", "--services", "efs", "-f", "json", "--fail-on", "never"]) == 0
    regions = json.loads(capsys.readouterr().out)["summary"]["scan"]["regions"]
    assert REGION in regions and "eu-west-1" in regions and len(regions) > 10


def _loaded_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("code", [
    "import tagcheck.cli",
    "import contextlib, io\nfrom tagcheck.cli import main\nwith contextlib.redirect_stdout(io.StringIO()):\n    main(['--version'])",
    "import contextlib, io\nfrom tagcheck.cli import main\nwith contextlib.redirect_stdout(io.StringIO()):\n    main(['aws', '--help'])",
    "import tagcheck.cli.aws",
])
def test_startup_never_imports_boto3(code):
    loaded = _loaded_after(code)
    assert not {"boto3", "botocore", "moto"} & loaded


def test_every_command_is_listed_and_imported_only_when_it_runs():
    code = ("import click, sys\nfrom tagcheck.cli import cli\n"
            "names = cli.list_commands(click.Context(cli))\n"
            "assert {'scan', 'plan', 'aws', 'report', 'rules', 'explain', 'init'} <= set(names), names\n"
            "assert not [m for m in sys.modules if m.startswith('tagcheck.cli.') and m not in "
            "('tagcheck.cli.errors',)], 'a command module was imported by listing'\n"
            "assert cli.get_command(click.Context(cli), 'aws').name == 'aws'\n"
            "assert 'tagcheck.cli.aws' in sys.modules and 'tagcheck.cli.scan' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
