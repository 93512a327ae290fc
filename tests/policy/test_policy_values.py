"""AllowedValues and IgnoreEntry: the small objects rules and the engine call."""

from __future__ import annotations

import datetime

import pytest

from tagcheck.policy import AllowedValues, IgnoreEntry


def test_allowed_list_permits_exact_members_only():
    allowed = AllowedValues(values=("dev", "test", "staging", "prod"))
    assert allowed.permits("prod")
    assert not allowed.permits("Prod")
    assert not allowed.permits("production")
    assert allowed.describe() == "one of dev, test, staging, prod"


def test_allowed_pattern_must_match_the_whole_value():
    allowed = AllowedValues(pattern="cc-[0-9]{4}")
    assert allowed.permits("cc-1234")
    assert not allowed.permits("cc-12345")
    assert not allowed.permits("xcc-1234")
    assert AllowedValues(pattern="^cc-[0-9]{4}$").describe() == "matching ^cc-[0-9]{4}$"


def test_allowed_list_and_pattern_either_passes():
    allowed = AllowedValues(values=("shared",), pattern="cc-[0-9]{4}")
    assert allowed.permits("shared") and allowed.permits("cc-0001")
    assert not allowed.permits("other")
    assert allowed.describe() == "one of shared or matching cc-[0-9]{4}"


def test_allowed_without_constraint_permits_anything():
    assert AllowedValues().permits("whatever")
    assert AllowedValues().describe() == "any value"


def entry(rule="TAG001", resource="*", expires=None) -> IgnoreEntry:
    return IgnoreEntry(rule=rule, resource=resource, reason="r", expires=expires, file="p.yaml", line=1)


@pytest.mark.parametrize(
    "rule, resource, rule_id, address, expected",
    [
        ("TAG001", "*", "TAG001", "aws_instance.web", True),
        ("TAG001", "*", "TAG002", "aws_instance.web", False),
        ("TAG*", "*", "TAG004", "aws_instance.web", True),
        ("TAG*", "*", "COST201", "aws_instance.web", False),
        ("TAG00?", "*", "TAG003", "x", True),
        ("TAG001", "aws_s3_bucket.legacy_*", "TAG001", "aws_s3_bucket.legacy_logs", True),
        ("TAG001", "aws_s3_bucket.legacy_*", "TAG001", "aws_s3_bucket.logs", False),
        ("TAG001", "aws_s3_bucket.legacy_*", "TAG001", "module.a.aws_s3_bucket.legacy_x", False),
        ("TAG001", "module.app.*", "TAG001", 'module.app.aws_instance.web["b"]', True),
        # Brackets are literal: a Terraform address matches itself.
        ("TAG001", 'aws_instance.web["b"]', "TAG001", 'aws_instance.web["b"]', True),
        ("TAG001", "aws_instance.web[0]", "TAG001", "aws_instance.web[0]", True),
        ("TAG001", "aws_instance.web[0]", "TAG001", "aws_instance.web0", False),
        ("TAG001", "aws_instance.web[*]", "TAG001", 'aws_instance.web["a"]', True),
        ("TAG001", "aws_instance.web?0?", "TAG001", "aws_instance.web[0]", True),
        ("TAG001", "aws_instance.web", "TAG001", "aws_instance.web2", False),
    ],
)
def test_ignore_matching(rule, resource, rule_id, address, expected):
    assert entry(rule, resource).matches(rule_id, address) is expected


def test_ignore_expiry_is_inclusive():
    expires = datetime.date(2027, 3, 31)
    assert not entry(expires=expires).expired(datetime.date(2027, 3, 30))
    assert not entry(expires=expires).expired(expires)
    assert entry(expires=expires).expired(datetime.date(2027, 4, 1))
    assert not entry(expires=None).expired(datetime.date(2999, 1, 1))
