"""Facts from the hashicorp/aws 6.25.0 schema, as recorded in the generated catalogue."""

import json
import re
from importlib import resources

import pytest

from tagcheck.catalog.taggable import TypeTagging, is_taggable, provider_version, tagging_for


def _raw() -> dict:
    path = resources.files("tagcheck.catalog").joinpath("data", "aws_taggable.json")
    return json.loads(path.read_text(encoding="utf-8"))


def test_provider_version():
    assert provider_version() == "6.25.0"
    raw = _raw()
    assert raw["provider"] == "hashicorp/aws"
    assert raw["source"] == "npm @cdktf/provider-aws@21.22.1"


def test_aws_instance():
    t = tagging_for("aws_instance")
    assert t is not None
    assert t.tags and t.tags_all and t.taggable
    assert t.tag_blocks == ()
    assert "volume_tags" in t.nested_tags
    assert "root_block_device.tags" in t.nested_tags
    assert "ebs_block_device.tags" in t.nested_tags
    assert is_taggable("aws_instance")


def test_aws_s3_bucket():
    t = tagging_for("aws_s3_bucket")
    assert t is not None and t.tags and t.tags_all
    assert is_taggable("aws_s3_bucket")
    # lifecycle_rule.tags / filter tags select objects; they are not nested tags
    assert t.nested_tags == ()


def test_aws_autoscaling_group_uses_tag_blocks_without_tags_all():
    t = tagging_for("aws_autoscaling_group")
    assert t is not None
    assert t.tag_blocks == ("tag",)
    assert t.tags is False  # `tags` was removed from the schema (provider v5)
    assert t.tags_all is False  # so provider default_tags do not reach it
    assert t.taggable and is_taggable("aws_autoscaling_group")


def test_aws_autoscaling_group_tag_is_not_itself_taggable():
    # its single `tag` block tags the group, not the aws_autoscaling_group_tag
    t = tagging_for("aws_autoscaling_group_tag")
    assert t is not None and not t.taggable and t.tag_blocks == ()


def test_aws_launch_template_tag_specifications():
    t = tagging_for("aws_launch_template")
    assert t is not None and t.tags and t.tags_all
    assert t.nested_tags == ("tag_specifications.tags",)


@pytest.mark.parametrize(
    "resource_type", ["aws_iam_role_policy_attachment", "aws_route", "aws_ec2_tag"]
)
def test_known_but_not_taggable(resource_type):
    t = tagging_for(resource_type)
    assert t is not None  # known to the schema ...
    assert not t.taggable and not t.tags and not t.tags_all  # ... but takes no tags
    assert not is_taggable(resource_type)


def test_required_selector_tags_map_is_not_resource_tags():
    # aws_inspector_resource_group.tags is a required map selecting EC2 instances
    t = tagging_for("aws_inspector_resource_group")
    assert t is not None and not t.taggable


def test_framework_resource_with_computed_only_tags_all():
    # plugin-framework resources expose tags_all as computed only
    t = tagging_for("aws_s3_directory_bucket")
    assert t is not None and t.tags and t.tags_all


@pytest.mark.parametrize(
    "resource_type", ["aws_no_such_thing", "aws_ami_ids", "google_compute_instance", ""]
)
def test_unknown_type(resource_type):
    assert tagging_for(resource_type) is None
    assert is_taggable(resource_type) is False


def test_every_entry_well_formed():
    raw = _raw()
    names = list(raw["types"])
    assert len(names) > 1500
    assert names == sorted(names)
    path_re = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
    n_taggable = 0
    for name in names:
        assert name.startswith("aws_"), name
        t = tagging_for(name)
        assert isinstance(t, TypeTagging)
        assert type(t.tags) is bool and type(t.tags_all) is bool
        assert isinstance(t.tag_blocks, tuple) and isinstance(t.nested_tags, tuple)
        assert all(isinstance(b, str) and path_re.match(b) for b in t.tag_blocks), name
        assert all(isinstance(p, str) and path_re.match(p) for p in t.nested_tags), name
        assert list(t.nested_tags) == sorted(set(t.nested_tags)), name
        # in 6.25.0 every resource with a `tags` argument also has tags_all
        assert t.tags == t.tags_all, name
        n_taggable += t.taggable
    assert 700 < n_taggable < len(names)


def test_catalogue_is_cached():
    assert tagging_for("aws_instance") is tagging_for("aws_instance")
