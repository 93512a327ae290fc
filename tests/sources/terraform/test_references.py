"""References to other resources arrive as ``Unknown.ref``: the full address of the
resource the value was read from, so cost rules follow a launch template or an
Auto Scaling group without parsing the reason text (issue #13). Refs are full addresses,
so a value passed into a module through a variable still names the caller's resource."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tagcheck.catalog.prices import default_pricebook
from tagcheck.cost.estimate import CostModel
from tagcheck.model import Unknown, referenced_address
from tagcheck.sources.terraform.cache import ParseCache
from tagcheck.sources.terraform.evaluate import Scope, evaluate
from tagcheck.sources.terraform.inputs import RootInputs
from tagcheck.sources.terraform.parser import parse_expression
from tagcheck.sources.terraform.source import scan

LAUNCH_TEMPLATE = """\
resource "aws_launch_template" "api" {
  instance_type = "m5.xlarge"
  image_id      = "ami-123"
}
"""


def ref_of(text: str, prefix: str = "") -> str | None:
    value = evaluate(parse_expression(text), Scope(address_prefix=prefix))
    assert isinstance(value, Unknown)
    return value.ref


@pytest.mark.parametrize("text, ref", [
    ("aws_launch_template.api.id", "aws_launch_template.api"),
    ("aws_launch_template.api[0].id", "aws_launch_template.api[0]"),
    ('aws_launch_template.api["blue"].id', 'aws_launch_template.api["blue"]'),
    ("aws_instance.web[*].id", "aws_instance.web"),
    ("data.aws_ami.base.id", "data.aws_ami.base"),
    ("lower(aws_s3_bucket.logs.id)", "aws_s3_bucket.logs"),  # an unknown argument passed on
    ("path.cwd", None),
    ("module.app.name", None),
])
def test_a_reference_records_the_resource_it_reads(text, ref):
    assert ref_of(text) == ref


def test_inside_a_module_the_ref_is_the_full_address():
    assert ref_of("aws_launch_template.api.id", "module.app[0].") == "module.app[0].aws_launch_template.api"


def test_the_ref_is_not_part_of_equality():
    assert Unknown("x", "aws_instance.a") == Unknown("x")
    assert referenced_address(Unknown("aws_instance.a.id", "aws_instance.a")) == "aws_instance.a"
    assert referenced_address("aws_instance.a.id") is None  # a plain string is a name, not a reference


def write(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))
    return tmp_path


def priced_group(root: Path, cache=None) -> float | None:
    scanned = scan([root], RootInputs([], {}, None), cache=cache)
    group = next(r for r in scanned.resources if r.type == "aws_autoscaling_group")
    return CostModel(default_pricebook(), scanned.resources).estimate(group).monthly_usd


def test_a_launch_template_passed_into_a_module_prices_the_group_there(tmp_path):
    # the old text parse put the module's prefix on the caller's reference and found nothing
    root = write(tmp_path, {
        "main.tf": 'provider "aws" {\n  region = "us-east-1"\n}\n' + LAUNCH_TEMPLATE + """
module "asg" {
  source             = "./asg"
  launch_template_id = aws_launch_template.api.id
}
""",
        "asg/main.tf": """
variable "launch_template_id" {}
resource "aws_autoscaling_group" "web" {
  min_size         = 2
  max_size         = 4
  desired_capacity = 2
  launch_template {
    id = var.launch_template_id
  }
}
"""})
    m5 = default_pricebook().ec2_hourly("us-east-1", "m5.xlarge")
    cost = priced_group(root)
    assert cost is not None and cost >= 2 * m5 * 730 * 0.99


def test_refs_survive_the_evaluated_roots_cache(tmp_path):
    root = write(tmp_path / "code", {"main.tf": 'provider "aws" {\n  region = "us-east-1"\n}\n' + LAUNCH_TEMPLATE + """
resource "aws_autoscaling_group" "web" {
  min_size = 1
  max_size = 1
  launch_template {
    id = aws_launch_template.api.id
  }
}
"""})
    cache = ParseCache(tmp_path / "cache")
    cold = priced_group(root, cache)
    warm = priced_group(root, ParseCache(tmp_path / "cache"))  # from the stored entry
    assert cold is not None and cold == warm
