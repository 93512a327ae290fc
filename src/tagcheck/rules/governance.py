"""FinOps *Operate*: governance rules GOV101–GOV103 from the policy's ``governance`` block.

The environment of a resource comes from its effective tags (``environments.tag``); a
rule that depends on the environment stays silent when the environment is unknown
(TAG005 already says so) rather than guessing.
"""

from __future__ import annotations

from typing import Iterable

from tagcheck.catalog.instances import instance_spec
from tagcheck.model import Lever, Resource, Severity
from tagcheck.rules.registry import Hit, Rule, RuleContext

# Services whose resources are global: the provider's region says nothing about them.
_GLOBAL_PREFIXES = ("aws_iam_", "aws_cloudfront_", "aws_route53_", "aws_organizations_", "aws_budgets_",
                    "aws_ce_", "aws_shield_", "aws_waf_", "aws_globalaccelerator_", "aws_s3control_")


def check_region(resource: Resource, ctx: RuleContext) -> Iterable[Hit]:
    allowed = ctx.policy.governance.regions
    region = resource.region
    if not allowed or not isinstance(region, str) or resource.type.startswith(_GLOBAL_PREFIXES):
        return
    if resource.tags is None and ctx.costs.estimate(resource).monthly_usd in (None, 0):
        return  # a free, untaggable helper resource (route table association …): noise
    if region not in allowed:
        yield Hit(f"region {region} is not allowed (allowed: {', '.join(allowed)})", key="region",
                  details={"region": region, "allowed": list(allowed), "provider": resource.provider},
                  fix=f'set the provider {resource.provider} region to one of {", ".join(allowed)}')


def _families(resource: Resource) -> list[tuple[str, str, str]]:
    """(family, instance type or class, attribute) for every size a resource declares."""
    out = []
    for attr in ("instance_type", "instance_class", "instance_types"):
        value = resource.attributes.get(attr)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                spec = instance_spec(item)
                out.append((spec.family if spec else item.removeprefix("db.").split(".")[0], item, attr))
    return out


def check_instance_family(resource: Resource, ctx: RuleContext) -> Iterable[Hit]:
    allowed_by_env = ctx.policy.governance.allowed_instance_families
    env = ctx.environment(resource)
    if env not in allowed_by_env:
        return
    for family, value, attr in _families(resource):
        if family not in allowed_by_env[env]:
            yield Hit(f"instance family {family} ({value}) is not allowed in {env} "
                      f"(allowed: {', '.join(allowed_by_env[env])})",
                      key=f"{attr}:{value}" if attr == "instance_types" else attr,
                      details={"family": family, "value": value, "environment": env,
                               "allowed": list(allowed_by_env[env])})


def check_prohibited_type(resource: Resource, ctx: RuleContext) -> Iterable[Hit]:
    prohibited = ctx.policy.governance.prohibited_types
    env = ctx.environment(resource)
    if env in prohibited and resource.type in prohibited[env]:
        cost = ctx.costs.estimate(resource).monthly_usd
        yield Hit(f"{resource.type} is not allowed in {env}", key=resource.type,
                  details={"environment": env, "type": resource.type},
                  monthly_saving_usd=cost if cost else None)


RULES = (
    Rule("GOV101", "region-not-allowed", Severity.ERROR, Lever.GOVERNANCE,
         "A resource is in a region the policy does not allow.",
         """`governance.regions` lists where resources may live. The region is the resource's own `region`
argument (AWS provider 6) or its provider configuration's. Global services (IAM, CloudFront, Route 53 …)
are not checked.

    governance: {regions: [us-east-1, eu-west-1]}
    provider "aws" { region = "ap-south-1" }     # GOV101 on its resources
"""
         , check_region),
    Rule("GOV102", "instance-family-not-allowed", Severity.ERROR, Lever.GOVERNANCE,
         "An instance or DB family is not allowed in the resource's environment.",
         """`governance.allowed_instance_families` maps an environment to the families allowed there.

    governance: {allowed_instance_families: {dev: [t3, t4g, m7g]}}
    instance_type = "p3.2xlarge"    # environment = dev → GOV102
""", check_instance_family),
    Rule("GOV103", "type-prohibited-in-environment", Severity.ERROR, Lever.GOVERNANCE,
         "A resource type is prohibited in the resource's environment.",
         """`governance.prohibited_types` maps an environment to Terraform resource types that must not be
created there; the finding carries the resource's monthly cost as the saving of removing it.

    governance: {prohibited_types: {dev: [aws_nat_gateway]}}
""", check_prohibited_type),
)
