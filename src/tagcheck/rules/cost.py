"""FinOps *Optimize*: the cost levers, COST201–COST208, each with the dollars.

Every rule names its lever, the resource's monthly cost and the monthly saving of the
advice, computed from the price catalogue, and says how (``details.arithmetic``). When
an input is unknown (region, instance type, a referenced launch template) the finding is
still made where the advice holds, but without a dollar figure — never a guessed one.

Savings of different levers on one resource are not additive: scheduling a dev GPU
instance to 50 h a week and moving it to spot saves 1 − (50/168)·(1 − spot discount) of
its compute, which COST203 reports as ``combined_with_schedule_usd``.
"""

from __future__ import annotations

import re
import shlex
from typing import Any, Iterable

from tagcheck.catalog.instances import current_generation_equivalent, instance_spec, size_rank, smaller_sizes
from tagcheck.model import Lever, Origin, Resource, Severity, Unknown, blocks, first_block, referenced_address
from tagcheck.rules.dollars import compute_usd, money, price_difference, unit_price
from tagcheck.rules.registry import Hit, Rule, RuleContext
from tagcheck.rules.schedules import schedule_evidence

WEEK_HOURS = 168
GP3_MAX_IOPS = 16000
GP3_BASELINE_IOPS = 3000
DEFAULT_SCHEDULE_HOURS = 50  # 10 h × 5 working days








def _size_of(resource: Resource) -> tuple[str | None, str]:
    """(instance type or DB class, attribute name) of a compute resource."""
    attr = "instance_class" if resource.type in ("aws_db_instance", "aws_rds_cluster_instance") else "instance_type"
    value = resource.attributes.get(attr)
    return (value if isinstance(value, str) else None), attr


def _schedule_hours(ctx: RuleContext) -> int:
    return int(ctx.options("COST202").get("hours_per_week", DEFAULT_SCHEDULE_HOURS))


# --- COST201 right-size ------------------------------------------------------------------

def check_rightsize(resource: Resource, ctx: RuleContext) -> Iterable[Hit]:
    if resource.type not in ("aws_instance", "aws_db_instance") or not ctx.is_non_production(resource):
        return
    max_size = ctx.policy.governance.max_instance_size
    current, attr = _size_of(resource)
    spec = instance_spec(current) if current else None
    if not max_size or spec is None or size_rank(spec.size) <= size_rank(max_size):
        return
    prefix = "db." if current.startswith("db.") else ""
    fits = [s for s in smaller_sizes(current) if size_rank(s.size) <= size_rank(max_size)]
    env = ctx.environment(resource)
    if not fits:
        yield Hit(f"{current} is larger than {max_size}, the largest size allowed in {env}; the {spec.family} family "
                  f"has no size that small — choose a smaller family", key=attr,
                  details={"current": current, "max_size": max_size, "environment": env})
        return
    target = prefix + fits[0].name
    saving, arithmetic = price_difference(resource, ctx, current, target)
    yield Hit(f"right-size: {current} is larger than {max_size} allowed in {env}; {target} is the largest size that fits"
              + (f", saving {money(saving)}/mo" if saving is not None else ""),
              key=attr, monthly_saving_usd=saving,
              details={"current": current, "suggested": target, "max_size": max_size, "environment": env,
                       "arithmetic": arithmetic},
              fix=f'{attr} = "{target}"')






# --- COST202 schedule --------------------------------------------------------------------

_SCHEDULABLE = ("aws_instance", "aws_autoscaling_group", "aws_db_instance", "aws_eks_node_group",
                "aws_sagemaker_notebook_instance", "aws_sagemaker_endpoint")
# how to stop what a tag cannot: notebooks stop themselves when idle, endpoints go serverless
_SCHEDULE_FIX = {
    "aws_sagemaker_notebook_instance":
        "attach a lifecycle configuration that stops the notebook when idle (AWS's auto-stop-idle sample):\n"
        'lifecycle_config_name = aws_sagemaker_notebook_instance_lifecycle_configuration.auto_stop.name',
    "aws_sagemaker_endpoint":
        "use serverless inference for a dev endpoint (billed per request, no idle hours):\n"
        "production_variants {\n  serverless_config {\n    max_concurrency   = 5\n    memory_size_in_mb = 4096\n"
        "  }\n}\n# or delete the endpoint outside working hours and re-create it from its configuration",
}


def check_schedule(resource: Resource, ctx: RuleContext) -> Iterable[Hit]:
    if resource.type not in _SCHEDULABLE or not ctx.is_non_production(resource) or schedule_evidence(resource, ctx):
        return
    hours = _schedule_hours(ctx)
    compute = compute_usd(ctx.costs.estimate(resource))
    fraction = 1 - hours / WEEK_HOURS
    saving = round(compute * fraction, 2) if compute is not None else None
    tag = ctx.policy.governance.suggested_schedule_tag
    arithmetic = (f"{money(compute)} compute × (1 − {hours}/{WEEK_HOURS} h) = {money(saving)}/mo"
                  if saving is not None else None)
    yield Hit(f"schedule: always-on {ctx.environment(resource)} {resource.type.removeprefix('aws_').replace('_', ' ')} "
              f"with no off-hours schedule; running {hours} h a week instead of {WEEK_HOURS} saves {fraction:.0%}"
              + (f" ({money(saving)}/mo)" if saving is not None else ""),
              monthly_saving_usd=saving,
              details={"hours_per_week": hours, "schedule_tag": tag, "arithmetic": arithmetic},
              fix=_SCHEDULE_FIX.get(resource.type)
              or f'add a "{tag}" tag naming the off-hours schedule (e.g. "{tag}" = "office-hours") and stop it '
                 f"outside those hours (Instance Scheduler, EventBridge, or aws_autoscaling_schedule for ASGs)")


# --- COST203 purchasing (spot) ------------------------------------------------------------

# whole words only: "pricing" is not CI, "catalog" is not a log
_INTERRUPTIBLE = re.compile(r"(?<![a-z])(train\w*|batch|experiments?|ci|builds?|render\w*|spot)(?![a-z])", re.I)


def _interruptible(resource: Resource, itype: str) -> str | None:
    """Why this looks like interruptible (checkpointable) work, or None."""
    spec = instance_spec(itype)
    if spec is not None and spec.gpus:
        return f"GPU instance ({spec.gpus}× GPU)"
    words = [resource.address] + [v.value or "" for v in (resource.tags.values.values() if resource.tags else [])]
    hit = next((w for w in words if _INTERRUPTIBLE.search(w)), None)
    return f"batch/training workload ({hit!r})" if hit else None


def check_spot(resource: Resource, ctx: RuleContext) -> Iterable[Hit]:
    if not ctx.is_non_production(resource):
        return
    estimate = ctx.costs.estimate(resource)
    compute = compute_usd(estimate)
    if resource.type == "aws_instance":
        itype, _ = _size_of(resource)
        market = first_block(resource.attributes.get("instance_market_options")) or {}
        if itype is None or market.get("market_type") == "spot":
            return
        why = _interruptible(resource, itype)
        if why is None:
            return
        fix = 'instance_market_options {\n  market_type = "spot"\n}\n# and checkpoint the job so an interruption only loses minutes'
    elif resource.type == "aws_autoscaling_group":
        template = ctx.costs.launch_template_of(resource)
        itype = template.attributes.get("instance_type") if template else None
        dist = first_block((first_block(resource.attributes.get("mixed_instances_policy")) or {}).get("instances_distribution"))
        if dist and dist.get("on_demand_percentage_above_base_capacity") not in (None, 100):
            return
        itype, why = (itype if isinstance(itype, str) else None), "non-production auto scaling group"
        fix = ("mixed_instances_policy {\n  instances_distribution {\n    on_demand_percentage_above_base_capacity = 0\n"
               '    spot_allocation_strategy                 = "price-capacity-optimized"\n  }\n  launch_template { … }\n}')
    elif resource.type == "aws_eks_node_group":
        if resource.attributes.get("capacity_type") == "SPOT":
            return
        types = resource.attributes.get("instance_types")
        itype = types[0] if isinstance(types, list) and types and isinstance(types[0], str) else None
        why, fix = "non-production EKS node group", 'capacity_type = "SPOT"'
    else:
        return
    discount = ctx.costs.prices.spot_discount(itype) if itype else ctx.costs.prices.spot_discount("")
    saving = round(compute * discount, 2) if compute is not None else None
    hours = _schedule_hours(ctx)
    combined = round(compute * (1 - hours / WEEK_HOURS * (1 - discount)), 2) if compute is not None else None
    details: dict[str, Any] = {"reason": why, "spot_discount": discount, "instance_type": itype}
    if saving is not None:
        details["arithmetic"] = f"{money(compute)} compute × {discount:.0%} spot discount = {money(saving)}/mo"
        details["combined_with_schedule_usd"] = combined
        details["combined_arithmetic"] = (
            f"{money(compute)} × (1 − {hours}/{WEEK_HOURS} h × (1 − {discount:.0%})) = {money(combined)}/mo saved "
            f"({combined / compute:.0%}); it then costs {money(compute - combined)}/mo")
    yield Hit(f"purchasing: {why} on on-demand in {ctx.environment(resource)}; spot is ~{discount:.0%} cheaper"
              + (f" ({money(saving)}/mo; {money(combined)}/mo with an off-hours schedule too)" if saving is not None else ""),
              monthly_saving_usd=saving, details=details, fix=fix)


# --- COST204 storage: gp2/io1 → gp3 --------------------------------------------------------

def _volumes(resource: Resource) -> list[tuple[str, Any, Any, Any, str]]:
    """(where, type, size, iops, attribute) of the EBS-like storage a resource declares."""
    a = resource.attributes
    if resource.type == "aws_ebs_volume":
        vtype = a.get("type") if "type" in a else "gp2"  # CreateVolume's default
        return [("volume", vtype, a.get("size"), a.get("iops"), "type")]
    if resource.type == "aws_db_instance":
        stype = a.get("storage_type") if "storage_type" in a else ("io1" if a.get("iops") else "gp2")
        return [("storage", stype, a.get("allocated_storage"), a.get("iops"), "storage_type")]
    out = []
    if resource.type in ("aws_instance", "aws_spot_instance_request"):
        for name in ("root_block_device", "ebs_block_device"):
            for block in blocks(a.get(name)):
                out.append((name, block.get("volume_type"), block.get("volume_size"), block.get("iops"), "volume_type"))
    if resource.type == "aws_launch_template":
        for mapping in blocks(a.get("block_device_mappings")):
            for ebs in blocks(mapping.get("ebs")):
                out.append(("block_device_mappings.ebs", ebs.get("volume_type"), ebs.get("volume_size"), ebs.get("iops"),
                            "volume_type"))
    return out


def check_gp3(resource: Resource, ctx: RuleContext) -> Iterable[Hit]:
    region = ctx.costs.region(resource)
    prices = ctx.costs.prices
    for where, vtype, size, iops, attr in _volumes(resource):
        if vtype not in ("gp2", "io1"):
            continue
        if isinstance(iops, (int, float)) and iops > GP3_MAX_IOPS:
            continue  # more than gp3 can provide: io1/io2 is the right class
        saving = arithmetic = None
        rds = resource.type == "aws_db_instance"
        old = (prices.rds_storage_gb_month if rds else prices.ebs_gb_month)(region, vtype) if region else None
        new = (prices.rds_storage_gb_month if rds else prices.ebs_gb_month)(region, "gp3") if region else None
        if isinstance(size, (int, float)) and old is not None and new is not None and resource.type != "aws_launch_template":
            saving = (old - new) * size
            arithmetic = f"{size:g} GB × ({unit_price(old)} − {unit_price(new)}) per GB-month"
            if vtype == "io1" and isinstance(iops, (int, float)):
                iops_price = prices.rds_iops_month if rds else prices.ebs_iops_month
                io1_iops, gp3_iops = iops_price(region, "io1") or 0.0, iops_price(region, "gp3") or 0.0
                extra = max(0.0, iops - GP3_BASELINE_IOPS)
                saving += iops * io1_iops - extra * gp3_iops
                arithmetic += f" + IOPS {iops:g} × {unit_price(io1_iops)} − {extra:g} × {unit_price(gp3_iops)}"
            saving = round(saving, 2)
            arithmetic += f" = {money(saving)}/mo"
            if saving <= 0:
                continue  # same price (RDS gp2 and gp3 in most regions): not a cost lever
        yield Hit(f"storage: {where} uses {vtype}; gp3 gives the same or better baseline performance for less"
                  + (f" ({money(saving)}/mo)" if saving is not None else ""),
                  key=where, monthly_saving_usd=saving,
                  details={"volume": where, "current": vtype, "suggested": "gp3", "size_gb": size if isinstance(size, (int, float)) else None,
                           "arithmetic": arithmetic},
                  fix=f'{attr} = "gp3"')


# --- COST205 S3 lifecycle ----------------------------------------------------------------

_ARCHIVE_LIKE = re.compile(r"(?<![a-z])(logs?|logging|archives?|backups?|audit|cloudtrail|trail|history|snapshots?)(?![a-z])",
                           re.I)


def _bucket_has_lifecycle(resource: Resource, ctx: RuleContext) -> bool:
    if any(rule.get("enabled", True) is not False and rule.get("status", "Enabled") != "Disabled"
           for rule in blocks(resource.attributes.get("lifecycle_rule"))):
        return True
    name = resource.attributes.get("bucket")
    for other in ctx.by_type.get("aws_s3_bucket_lifecycle_configuration", ()):
        target = other.attributes.get("bucket")
        if other.root != resource.root:
            continue  # another root module: another configuration
        if referenced_address(target) == resource.address or (isinstance(name, str) and target == name):
            return any((blocks(rule.get("transition")) or blocks(rule.get("expiration")))
                       and rule.get("status", "Enabled") != "Disabled"
                       for rule in blocks(other.attributes.get("rule")))
    return False


def check_s3_lifecycle(resource: Resource, ctx: RuleContext) -> Iterable[Hit]:
    if resource.type != "aws_s3_bucket" or isinstance(resource.attributes.get("lifecycle_rule"), Unknown):
        return  # unknown: the account would not show it (the audit's coverage says so)
    name = resource.attributes.get("bucket")
    label = name if isinstance(name, str) else resource.address
    archive_like = bool(_ARCHIVE_LIKE.search(label) or _ARCHIVE_LIKE.search(resource.address))
    if not (archive_like or ctx.options("COST205").get("all_buckets", False)) or _bucket_has_lifecycle(resource, ctx):
        return
    region = ctx.costs.region(resource)
    hot = ctx.costs.prices.s3_gb_month(region, "STANDARD") if region else None
    cold = ctx.costs.prices.s3_gb_month(region, "GLACIER_IR") if region else None
    per_gb = f"{unit_price(hot)} vs {unit_price(cold)} per GB-month in Glacier Instant Retrieval ({1 - cold / hot:.0%} less)" \
        if hot and cold else None
    yield Hit(f"storage: bucket {label!r} keeps objects forever in S3 Standard (no lifecycle transition or expiration)"
              + (f"; {per_gb}" if per_gb else ""),
              details={"bucket": label, "per_gb": per_gb, "standard_gb_month": hot, "glacier_ir_gb_month": cold,
                       "note": "the saving depends on the GB stored, which code does not show"},
              fix=_lifecycle_fix(resource, label))


def _lifecycle_fix(resource: Resource, bucket: str) -> str:
    if resource.origin == Origin.AWS:
        rules = ('{"Rules": [{"ID": "archive", "Status": "Enabled", "Filter": {}, '
                 '"Transitions": [{"Days": 30, "StorageClass": "GLACIER_IR"}], "Expiration": {"Days": 365}}]}')
        return (f"aws s3api put-bucket-lifecycle-configuration --bucket {shlex.quote(bucket)} "
                f"--lifecycle-configuration {shlex.quote(rules)}")
    return (f'resource "aws_s3_bucket_lifecycle_configuration" "{_block_name(resource)}" {{\n'
            f"  bucket = {resource.type}.{_block_name(resource)}.id\n"
            '  rule {\n    id     = "archive"\n    status = "Enabled"\n    filter {}\n'
            '    transition {\n      days          = 30\n      storage_class = "GLACIER_IR"\n    }\n'
            "    expiration {\n      days = 365\n    }\n  }\n}")


def _block_name(resource: Resource) -> str:
    return resource.address.rsplit(resource.type + ".", 1)[-1].split("[")[0]


# --- COST206 CloudWatch log retention -------------------------------------------------------

def check_log_retention(resource: Resource, ctx: RuleContext) -> Iterable[Hit]:
    if resource.type != "aws_cloudwatch_log_group":
        return
    days = resource.attributes.get("retention_in_days")
    if isinstance(days, Unknown) or (isinstance(days, (int, float)) and days > 0):
        return
    region = ctx.costs.region(resource)
    per_gb = ctx.costs.prices.per_gb(region, "cloudwatch_logs_storage_gb") if region else None
    yield Hit("storage: log group keeps logs forever (no retention_in_days)"
              + (f"; stored logs cost {unit_price(per_gb)} per GB-month, growing every month" if per_gb else ""),
              key="retention_in_days", details={"storage_gb_month": per_gb},
              fix=(f"aws logs put-retention-policy --log-group-name "
                   f"{shlex.quote(str(resource.attributes.get('name') or resource.address))} --retention-in-days 30"
                   if resource.origin == Origin.AWS else "retention_in_days = 30"))


# --- COST207 previous generation -------------------------------------------------------------

def check_generation(resource: Resource, ctx: RuleContext) -> Iterable[Hit]:
    if resource.type not in ("aws_instance", "aws_db_instance", "aws_launch_template"):
        return
    current, attr = _size_of(resource)
    spec = instance_spec(current) if current else None
    successor = current_generation_equivalent(current) if spec else None
    # AWS still lists some old families (t2) as current; a mapped successor is the signal
    if spec is None or (spec.generation != "previous" and successor is None):
        return
    if successor is None:
        yield Hit(f"generation: {current} is a previous-generation type", key=attr, details={"current": current})
        return
    target = ("db." + successor) if current.startswith("db.") and not successor.startswith("db.") else successor
    saving, arithmetic = (None, None) if resource.type == "aws_launch_template" else price_difference(resource, ctx, current, target)
    cheaper = saving is not None and saving > 0
    yield Hit(f"generation: {current} is a previous-generation type; {target} is its current equivalent"
              + (f" and saves {money(saving)}/mo" if cheaper else " (better price-performance)"),
              key=attr, monthly_saving_usd=saving if cheaper else None,
              details={"current": current, "suggested": target, "arithmetic": arithmetic},
              fix=f'{attr} = "{target}"')


# --- COST208 GPU notebook -------------------------------------------------------------------

NOTEBOOK_TARGET = "ml.t3.medium"  # an editor's size: the training runs elsewhere


def check_gpu_notebook(resource: Resource, ctx: RuleContext) -> Iterable[Hit]:
    itype = resource.attributes.get("instance_type")
    if resource.type != "aws_sagemaker_notebook_instance" or not isinstance(itype, str) \
            or not ctx.is_non_production(resource):
        return
    spec = instance_spec(itype.removeprefix("ml."))
    if spec is None or not spec.gpus:
        return
    saving, arithmetic = price_difference(resource, ctx, itype, NOTEBOOK_TARGET)
    yield Hit(f"right-size: {ctx.environment(resource)} notebook on {itype} ({spec.gpus}× GPU) bills the GPU every "
              f"hour it is open, mostly for editing; a {NOTEBOOK_TARGET} notebook with training as SageMaker jobs "
              "uses the GPU only while a job runs" + (f", saving {money(saving)}/mo" if saving is not None else ""),
              key="instance_type", monthly_saving_usd=saving,
              details={"current": itype, "suggested": NOTEBOOK_TARGET, "gpus": spec.gpus, "arithmetic": arithmetic},
              fix=f'instance_type = "{NOTEBOOK_TARGET}"\n# and run training as aws_sagemaker training jobs '
                  "(or a spot training job) on the GPU type")


_NO_OPTIONS = {"type": "object", "properties": {}, "additionalProperties": False}

RULES = (
    Rule("COST201", "rightsize-non-production", Severity.WARNING, Lever.RIGHTSIZING,
         "A non-production instance or DB is larger than the policy's max_instance_size.",
         """Lever: right-sizing. `governance.non_production.max_instance_size` caps instance and DB sizes in
non-production environments (from the environment tag). The advice is the largest size of the same
family that fits, and the saving is the difference in on-demand price × 730 h.

    governance: {non_production: {max_instance_size: xlarge}}
    instance_class = "db.r5.2xlarge"   # dev → db.r5.xlarge, ($1.00 − $0.50)/h × 730 h ≈ $365/mo
""", check_rightsize, _NO_OPTIONS, resource_types=frozenset({"aws_instance", "aws_db_instance"})),
    Rule("COST202", "schedule-non-production", Severity.WARNING, Lever.SCHEDULING,
         "Always-on non-production compute with no off-hours schedule.",
         """Lever: scheduling. Dev and test compute rarely needs to run nights and weekends. Without a
schedule tagcheck can see, a non-production instance, ASG, DB instance, node group, SageMaker
notebook instance or endpoint is taken to run 24 × 7. Running 10 h × 5 days (50 of 168 h) saves 70 % of its hourly cost; storage is still billed.
Option: `hours_per_week` (default 50).

    a dev p3.2xlarge: $3.06/h × 730 h = $2,233.80/mo; × (1 − 50/168) = $1,568.98/mo saved

These count as a schedule, and the rule stays silent on what they cover:
- the policy's `governance.non_production.schedule_tag`, whatever its value;
- Cloud Custodian's off-hours tags `maid_offhours` and `custodian_downtime` (key in any case), unless
  the value is `off` (the resource opting out);
- AWS Instance Scheduler's `Schedule` tag with a non-empty value (the schedule's name);
- for an ASG, a recurring `aws_autoscaling_schedule` (or, live, a scheduled action) that scales it to
  zero (`desired_capacity` or `max_size` 0), naming the group by reference or by name; one that
  scales to 1 or more leaves it running and does not count;
- an enabled, recurring (`cron()`/`rate()`) `aws_scheduler_schedule` whose universal target stops it
  (`aws-sdk:ec2:stopInstances`, `aws-sdk:rds:stopDBInstance`), its `input` naming the resource by
  reference (`jsonencode({InstanceIds = [aws_instance.dev.id]})`) or by its literal id;
- for a SageMaker notebook, a lifecycle configuration whose script stops it when idle (AWS's
  auto-stop-idle sample, or any script calling StopNotebookInstance), or one not in the code; for an
  endpoint, serverless variants only (`serverless_config`: billed per request). The fix for a notebook
  is such a lifecycle configuration; for a dev endpoint, serverless inference.

A value read from a variable counts. Of an input naming several resources by reference, only the
first is recognised.
""", check_schedule, {"type": "object", "properties": {"hours_per_week": {"type": "integer", "minimum": 1, "maximum": 167}},
                      "additionalProperties": False}, resource_types=frozenset(_SCHEDULABLE)),
    Rule("COST203", "spot-for-interruptible-work", Severity.WARNING, Lever.PURCHASING,
         "Interruptible non-production work (GPU/training, dev ASGs, dev node groups) on on-demand.",
         """Lever: purchasing model. Checkpointed training jobs, batch work and dev capacity tolerate
interruption, and spot costs roughly 60–70 % less (the per-family discount is a planning figure,
configurable in `cost.spot_discount`). The finding also gives the saving combined with an off-hours
schedule, which multiplies rather than adds:

    $2,233.80 × (1 − 50/168 × (1 − 70 %)) = $2,034.35/mo saved (91 %): the dev GPU trainer then costs
    about $199/mo, against $2,233.80 always on and on-demand.
""", check_spot, _NO_OPTIONS,
         resource_types=frozenset({"aws_instance", "aws_autoscaling_group", "aws_eks_node_group"})),
    Rule("COST204", "gp3-instead-of-gp2", Severity.WARNING, Lever.STORAGE,
         "An EBS volume or RDS storage uses gp2 or io1 where gp3 is cheaper.",
         """Lever: storage class. gp3 costs about 20 % less per GB than gp2 and includes 3,000 IOPS and
125 MB/s, more than gp2 gives below 1 TB; io1 volumes under 16,000 IOPS are usually cheaper on gp3.

    root_block_device { volume_type = "gp2", volume_size = 500 }   # 500 GB × ($0.10 − $0.08) = $10/mo
""", check_gp3, _NO_OPTIONS, resource_types=frozenset(
        {"aws_ebs_volume", "aws_db_instance", "aws_instance", "aws_spot_instance_request", "aws_launch_template"})),
    Rule("COST205", "s3-without-lifecycle", Severity.WARNING, Lever.STORAGE,
         "A log/archive-like S3 bucket keeps everything in S3 Standard forever.",
         """Lever: storage class. Logs and archives are written once and rarely read: transition them to
Glacier Instant Retrieval (~83 % cheaper per GB) and expire them. By default only buckets whose name or
address looks like logs/archives/backups are checked; option `all_buckets: true` checks every bucket.
The dollar saving depends on the GB stored, which code does not show; the per-GB prices are given.
""", check_s3_lifecycle, {"type": "object", "properties": {"all_buckets": {"type": "boolean"}},
                          "additionalProperties": False}, resource_types=frozenset({"aws_s3_bucket"})),
    Rule("COST206", "log-group-without-retention", Severity.WARNING, Lever.STORAGE,
         "A CloudWatch log group keeps logs forever.",
         """Lever: storage class. Without `retention_in_days` CloudWatch keeps every log event forever and
bills its storage every month. Set a retention that matches how far back anyone looks.
""", check_log_retention, _NO_OPTIONS, resource_types=frozenset({"aws_cloudwatch_log_group"})),
    Rule("COST207", "previous-generation", Severity.INFO, Lever.RIGHTSIZING,
         "A previous-generation instance or DB class has a current equivalent.",
         """Lever: right-sizing (generation). Previous-generation types (m4, c4, r4 …) and old families AWS
still sells (t2) cost the same or more than their current equivalents for less performance. The saving is the on-demand price
difference of the same size, when the new type is cheaper.
""", check_generation, _NO_OPTIONS,
         resource_types=frozenset({"aws_instance", "aws_db_instance", "aws_launch_template"})),
    Rule("COST208", "gpu-notebook", Severity.WARNING, Lever.RIGHTSIZING,
         "A non-production SageMaker notebook instance runs on a GPU type.",
         """Lever: right-sizing. A notebook is open for hours of editing and runs its GPU only in short bursts;
on a GPU type every open hour bills the GPU. Edit on a small CPU notebook (ml.t3.medium) and run
training as SageMaker training jobs (spot training where checkpoints allow), which bill the GPU only
while the job runs. The saving is the on-demand price difference × 730 h.

    a dev ml.p3.2xlarge notebook → ml.t3.medium: (its $/h − ml.t3.medium's $/h) × 730 h
""", check_gpu_notebook, _NO_OPTIONS, resource_types=frozenset({"aws_sagemaker_notebook_instance"})),
)
