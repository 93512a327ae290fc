"""The starter .tagcheck.yaml that ``tagcheck init`` writes."""

from __future__ import annotations

# Kept as a string rather than a .yaml file: package data covers only policy/*.json,
# and this must not be extendable by name the way files in policies/ are.
STARTER_POLICY = """\
# tagcheck policy — found by tagcheck in this directory or any directory above the
# files it scans; pass another one with --policy FILE.
version: 1

# Start from the shipped FinOps baseline: tags team, environment and cost-center
# required, environment one of dev/test/staging/prod/sandbox, lower-case keys, and
# non-production instances at most xlarge with a `schedule` tag. Settings below win
# over the baseline's; required tags are added to its list.
extends: [finops-baseline]

tags:
  # Added to the baseline's team, environment, cost-center.
  required: [feature, component]
  allowed:
    environment: [dev, test, staging, prod, sandbox]
    # Either a list of values, or a regular expression the whole value must match:
    # cost-center: {pattern: '^cc-[0-9]{4}$'}
  # Near-miss detection (Team, cost_center, costcenter ...): lower, upper, kebab,
  # snake, camel, pascal, or any.
  key_case: lower

environments:
  tag: environment                    # which tag names the environment
  non_production: [dev, test, sandbox]
  production: [prod]

governance:
  # regions: [us-east-1, eu-west-1]   # resources anywhere else are reported
  non_production:
    max_instance_size: xlarge
    schedule_tag: schedule            # evidence that it is shut down off-hours

# Per-rule severity (error, warning, info), options, or enabled: false.
# `tagcheck rules` lists the rule ids.
# rules:
#   TAG003: {severity: warning}
#   TAG005: {enabled: false}

# Known exceptions. A reason is required; `expires` (YYYY-MM-DD) is the last day
# an entry applies.
# `resource` is a Terraform address where * and ? are wildcards.
# ignore:
#   - rule: TAG001
#     resource: 'aws_s3_bucket.legacy_*'
#     reason: migrating to the new tagging scheme
#     expires: 2027-03-31
"""


def starter_policy_text() -> str:
    """A commented starter policy, valid as written."""
    return STARTER_POLICY
