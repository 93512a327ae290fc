"""Evidence that a resource is stopped off-hours, so COST202 stays silent on it.

:func:`schedule_evidence` says why a resource counts as scheduled, or returns None. It
recognises what tagcheck can see in the configuration, the plan or the account:

* **The policy's tag**, ``governance.non_production.schedule_tag``: present, whatever its
  value (the policy says the tag is the evidence).
* **Cloud Custodian's off-hours tags**: ``maid_offhours`` (the ``offhour``/``onhour``
  filters' default tag) and ``custodian_downtime`` (the tag Custodian's docs configure for
  them). Custodian lower-cases tag keys before comparing, so ``Maid_OffHours`` counts too.
  An empty value or ``on`` is the policy's default schedule and ``off=(M-F,19);on=…`` its
  own; the value ``off`` (any case, quotes stripped, as Custodian reads it) is the
  resource opting *out*, not a schedule.
* **AWS Instance Scheduler's tag** ``Schedule`` (the solution's default tag name; tag keys
  are case-sensitive, and so is the scheduler): a non-empty value names the schedule.
* **Auto Scaling scheduled actions that scale a group to zero** (``desired_capacity`` or
  ``max_size`` 0) on a recurrence: an ``aws_autoscaling_schedule`` naming the group by
  reference or by name, or the group's ``live.scheduled_actions`` in ``tagcheck aws``. An
  action that scales to 1 or more is not an off-hours schedule: the group still runs
  every hour, and COST202's saving is for stopping it.
* **EventBridge Scheduler stop targets**: an enabled, recurring (``cron()``/``rate()``,
  not a one-time ``at()``) ``aws_scheduler_schedule`` whose universal target stops the
  resource (:data:`_STOP_ACTIONS`), its ``input`` naming the resource by reference (the
  instance ids are known after apply) or by a literal id equal to the resource's known
  id, identifier or name.

* **SageMaker**: a notebook instance whose lifecycle configuration (``lifecycle_config_name``,
  by reference or name) runs an idle auto-stop script (AWS's "auto-stop-idle" sample, or any
  script that calls StopNotebookInstance; the base64 ``on_start``/``on_create`` is decoded),
  or names a configuration that is not in the code (its script is not visible); an endpoint
  whose every production variant is serverless (``serverless_config``): billed per request,
  never always-on.

Decisions where the schedulers leave it open:

* A value tagcheck cannot know (a tag value, a scheduled size, a schedule expression or
  state read from a variable) counts as a schedule: the scheduler's configuration is
  there, and tagcheck does not claim one is missing on a guess.
* A reference without an instance key (``aws_instance.dev[*].id``, ``for i in
  aws_instance.dev``) names every instance of ``aws_instance.dev``.
* Only the first resource an unknown ``input`` refers to is known (``Unknown.ref`` is
  one address): ``InstanceIds = [aws_instance.a.id, aws_instance.b.id]`` covers ``a``;
  ``b`` is still reported.
* A schedule counts only within its own root module: another root is another
  configuration (as for the launch templates and lifecycle rules other rules follow).
* Not recognised: a Lambda or SSM Automation target (what it stops is in its code or
  document, not in the schedule), and scheduler targets that resize a group
  (``autoscaling:updateAutoScalingGroup``); the ASG's own scheduled actions are the way
  Terraform declares that.
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping, NamedTuple

from tagcheck.model import Resource, TagValue, Unknown, blocks, referenced_address
from tagcheck.rules.registry import RuleContext

CUSTODIAN_TAGS = ("maid_offhours", "custodian_downtime")
INSTANCE_SCHEDULER_TAG = "Schedule"


class _Stop(NamedTuple):
    resource_type: str  # what the API action stops
    input_key: str  # the request parameter naming it, lower case
    id_attribute: str  # the resource's attribute a literal id in the input is compared with


# universal target action (service:apiAction, lower case; the ARN spells the action in
# camelCase) -> what it stops. The SageMaker entry is for when COST202 covers notebooks.
_STOP_ACTIONS: Mapping[str, _Stop] = {
    "ec2:stopinstances": _Stop("aws_instance", "instanceids", "id"),
    "rds:stopdbinstance": _Stop("aws_db_instance", "dbinstanceidentifier", "identifier"),
    "sagemaker:stopnotebookinstance": _Stop("aws_sagemaker_notebook_instance", "notebookinstancename", "name"),
}
_UNIVERSAL_TARGET = re.compile(r"arn:aws[a-z-]*:scheduler:::aws-sdk:([a-z0-9]+:[A-Za-z0-9]+)")


def schedule_evidence(resource: Resource, ctx: RuleContext) -> str | None:
    """Why ``resource`` counts as stopped off-hours, or None when nothing shows it."""
    return (_tag_evidence(resource, ctx) or _asg_evidence(resource, ctx)
            or _scheduler_evidence(resource, ctx) or _sagemaker_evidence(resource, ctx))


# --- tags -------------------------------------------------------------------------------------

def schedule_tag(resource: Resource, ctx: RuleContext) -> tuple[str, str] | None:
    """(the tag key that puts the resource on a schedule, whose tag it is), or None: what
    COST211 checks against the instance's uptime in the live audit."""
    if resource.tags is None:
        return None
    tags = resource.tags.values
    policy_tag = ctx.policy.governance.schedule_tag
    if policy_tag and policy_tag in tags:
        return policy_tag, "the policy's schedule tag"
    for key, tag in tags.items():
        if key.lower() in CUSTODIAN_TAGS and not _custodian_opt_out(tag):
            return key, "Cloud Custodian off-hours tag"
    tag = tags.get(INSTANCE_SCHEDULER_TAG)
    if tag is not None and (not tag.known or tag.value):
        return INSTANCE_SCHEDULER_TAG, "Instance Scheduler tag"
    return None


def _tag_evidence(resource: Resource, ctx: RuleContext) -> str | None:
    found = schedule_tag(resource, ctx)
    return f"{found[1]} {found[0]!r}" if found else None


def _custodian_opt_out(tag: TagValue) -> bool:
    # Custodian lower-cases the value and strips quotes people copy from its docs
    return tag.known and (tag.value or "").lower().strip("'").strip('"') == "off"


# --- Auto Scaling scheduled actions -------------------------------------------------------------

def _asg_evidence(resource: Resource, ctx: RuleContext) -> str | None:
    if resource.type != "aws_autoscaling_group":
        return None
    for action in (resource.attributes.get("live") or {}).get("scheduled_actions") or ():  # tagcheck aws
        if action.get("recurrence") is not None and _scales_to_zero(action):
            return f"scheduled action {action.get('name')!r} scales the group to zero"
    name = resource.attributes.get("name")
    for other in ctx.by_type.get("aws_autoscaling_schedule", ()):
        if other.root != resource.root:
            continue  # another root module: another configuration
        target = other.attributes.get("autoscaling_group_name")
        if not (_refers_to(target, resource) or (isinstance(name, str) and target == name)):
            continue
        recurrence = other.attributes.get("recurrence")
        if (isinstance(recurrence, Unknown) or recurrence) and _scales_to_zero(other.attributes):
            return f"{other.address} scales the group to zero"
    return None


def _scales_to_zero(action: Mapping[str, Any]) -> bool:
    desired, maximum = action.get("desired_capacity"), action.get("max_size")
    if _zero(desired) or _zero(maximum):
        return True
    if _number(desired) is not None:
        return False  # a known capacity above zero: the group keeps running
    return isinstance(desired, Unknown) or isinstance(maximum, Unknown)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _zero(value: Any) -> bool:
    return _number(value) == 0


# --- EventBridge Scheduler ---------------------------------------------------------------------

def _scheduler_evidence(resource: Resource, ctx: RuleContext) -> str | None:
    for schedule in ctx.by_type.get("aws_scheduler_schedule", ()):
        if schedule.root != resource.root or not _recurring_and_enabled(schedule.attributes):
            continue
        for target in blocks(schedule.attributes.get("target")):
            stop = _stop_action(target.get("arn"))
            if stop is None or stop.resource_type != resource.type:
                continue
            if _input_names(target.get("input"), stop, resource):
                return f"{schedule.address} stops it"
    return None


def _recurring_and_enabled(attributes: Mapping[str, Any]) -> bool:
    state = attributes.get("state", "ENABLED")  # the provider's default
    if isinstance(state, str) and state.upper() == "DISABLED":
        return False
    expression = attributes.get("schedule_expression")
    return isinstance(expression, Unknown) or (
        isinstance(expression, str) and expression.strip().lower().startswith(("cron(", "rate(")))


def _stop_action(arn: Any) -> _Stop | None:
    match = _UNIVERSAL_TARGET.fullmatch(arn) if isinstance(arn, str) else None
    return _STOP_ACTIONS.get(match.group(1).lower()) if match else None


def _input_names(value: Any, stop: _Stop, resource: Resource) -> bool:
    """Whether a stop target's ``input`` names ``resource``: by reference when the input
    is known only after apply, else by a literal id equal to the resource's known one."""
    if isinstance(value, Unknown):
        return _refers_to(value, resource)
    known_id = resource.attributes.get(stop.id_attribute)
    if not isinstance(value, str) or not isinstance(known_id, str):
        return False
    try:
        document = json.loads(value)
    except ValueError:
        return False
    if not isinstance(document, dict):
        return False
    for key, named in document.items():
        if key.lower() == stop.input_key and known_id in (named if isinstance(named, list) else [named]):
            return True
    return False


_INSTANCE_KEY = re.compile(r'\[(?:\d+|"(?:[^"\\]|\\.)*")\]')  # [0] or ["a"]


def _refers_to(value: Any, resource: Resource) -> bool:
    """A reference to ``resource``, or to every instance of its block (no instance key)."""
    ref = referenced_address(value)
    if ref is None or not resource.address.startswith(ref):
        return False
    rest = resource.address[len(ref):]
    return rest == "" or _INSTANCE_KEY.fullmatch(rest) is not None


# --- SageMaker -----------------------------------------------------------------------------------

# what an idle auto-stop script says: AWS's "auto-stop-idle" lifecycle sample, and the
# StopNotebookInstance call every such script ends with
_AUTO_STOP = re.compile(r"auto[-_ ]?stop|autostop|idle|stop[-_]notebook[-_]instance|StopNotebookInstance", re.I)


def _sagemaker_evidence(resource: Resource, ctx: RuleContext) -> str | None:
    """A notebook whose lifecycle configuration stops it when idle; an endpoint whose every
    variant is serverless (billed per request, never always-on)."""
    if resource.type == "aws_sagemaker_notebook_instance":
        return _notebook_auto_stop(resource, ctx)
    if resource.type == "aws_sagemaker_endpoint":
        config = _named(resource, ctx, resource.attributes.get("endpoint_config_name"),
                        "aws_sagemaker_endpoint_configuration")
        variants = blocks(config.attributes.get("production_variants")) if config is not None else []
        if variants and all(blocks(v.get("serverless_config")) for v in variants):
            return "serverless inference (billed per request)"
    return None


def _notebook_auto_stop(resource: Resource, ctx: RuleContext) -> str | None:
    name = resource.attributes.get("lifecycle_config_name")
    if name is None:
        return None
    config = _named(resource, ctx, name, "aws_sagemaker_notebook_instance_lifecycle_configuration")
    if config is None:  # configured elsewhere: its script is not visible, so not claimed missing
        return f"lifecycle configuration {name if isinstance(name, str) else 'from an input'} (not in this code)"
    scripts = [config.attributes.get(key) for key in ("on_start", "on_create")]
    if any(isinstance(script, Unknown) for script in scripts):
        return f"{config.address} (its script is not known statically)"
    for script in scripts:
        if isinstance(script, str) and _AUTO_STOP.search(_decoded(script)):
            return f"{config.address} stops it when idle"
    return None


def _decoded(script: str) -> str:
    """Lifecycle scripts are base64 in Terraform (``base64encode(…)``); plain text is kept."""
    import base64
    import binascii

    try:
        return base64.b64decode(script, validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return script


def _named(resource: Resource, ctx: RuleContext, value: Any, rtype: str) -> Resource | None:
    """The ``rtype`` resource of the same root that ``value`` names: by reference or by ``name``."""
    for other in ctx.by_type.get(rtype, ()):
        if other.root == resource.root and (_refers_to(value, other) or (
                isinstance(value, str) and value == other.attributes.get("name"))):
            return other
    return None

