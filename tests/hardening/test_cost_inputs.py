"""Attribute values of the wrong type reach the cost model too (issue #8). Found while
hardening — by the fuzzer (tests/fuzz/crashes/fca08f579afe) and by hand — as exceptions
escaping ``engine.run`` (``tagcheck scan`` exited 3 with a traceback); fixed in cost.py.
Terraform would reject these values at plan time; tagcheck prices nothing and goes on."""

from __future__ import annotations

import pytest

from tagcheck.cli import main

PROVIDER = 'provider "aws" {\n  region = "us-east-1"\n}\n'


@pytest.mark.parametrize("resource", [
    'resource "aws_ebs_volume" "v" {\n  availability_zone = "us-east-1a"\n  size = "big"\n}\n',
    'resource "aws_ebs_volume" "v" {\n  availability_zone = "us-east-1a"\n  size = [100]\n}\n',
    'resource "aws_ebs_volume" "v" {\n  availability_zone = "us-east-1a"\n  size = 100\n  type = ["gp3"]\n}\n',
    'resource "aws_lb" "lb" {\n  load_balancer_type = ["application"]\n}\n',
    'resource "aws_instance" "i" {\n  ami = "x"\n  instance_type = { size = "large" }\n}\n',
])
def test_odd_attribute_types_do_not_crash_the_run(tmp_path, capsys, resource):
    (tmp_path / "main.tf").write_text(PROVIDER + resource)
    assert main(["scan", str(tmp_path), "--no-cache"]) in (0, 1)
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "TC000" not in out
