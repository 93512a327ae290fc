"""FinOps *Optimize* with live evidence: COST210–COST215.

Code says what was asked for; the account says what is used. These rules read
``attributes["live"]``, which only the live source (``tagcheck aws``) fills — CPU
history, attachment, association, registered targets, uptime, age — so they act on
``origin == aws`` resources only and stay silent on Terraform and plans.

Each gives the resource's monthly cost and the saving of its advice from the price
catalogue (``ctx.costs``), with the arithmetic in ``details``; an input that cannot
be priced leaves the dollars out rather than guessing. Ages are counted to the run's
``today``, so a result is reproducible from the same evidence.
"""

from __future__ import annotations

import datetime
from typing import Any, Iterable, Mapping

from tagcheck.catalog.instances import instance_spec, smaller_sizes
from tagcheck.model import Lever, Origin, Resource, Severity
from tagcheck.rules.dollars import compute_usd, money, price_difference, unit_price
from tagcheck.rules.registry import Hit, Rule, RuleContext
from tagcheck.rules.schedules import schedule_tag

DEFAULT_CPU_DAYS = 14
DEFAULT_CPU_THRESHOLD = 20.0
DEFAULT_MIN_DAYS = 7
DEFAULT_UPTIME_DAYS = 7
DEFAULT_SNAPSHOT_DAYS = 90
WEEK_HOURS = 168


def cpu_window_days(policy) -> int:
    """How many days of CPU history the live source should fetch for COST210."""
    return int(policy.rule_config("COST210").options.get("days", DEFAULT_CPU_DAYS))






def _live(resource: Resource) -> Mapping[str, Any] | None:
    if resource.origin != Origin.AWS:
        return None
    live = resource.attributes.get("live")
    return live if isinstance(live, Mapping) else None


def _age_days(stamp: Any, today: datetime.date) -> int | None:
    if not isinstance(stamp, str) or not stamp:
        return None
    try:
        day = datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).date()
    except ValueError:
        return None
    return (today - day).days


def _monthly(resource: Resource, ctx: RuleContext) -> float | None:
    return ctx.costs.estimate(resource).monthly_usd if ctx.costs is not None else None


def _compute(resource: Resource, ctx: RuleContext) -> float | None:
    """The hourly-billed part of the estimate (what stopping changes)."""
    return compute_usd(ctx.costs.estimate(resource) if ctx.costs is not None else None)




def _resource_id(resource: Resource) -> str:
    return resource.address.rsplit("/", 1)[-1].rsplit(":", 1)[-1]


# --- COST210 right-size on CPU history ---------------------------------------------------------

def check_low_cpu(resource: Resource, ctx: RuleContext) -> Iterable[Hit]:
    live = _live(resource)
    if live is None or resource.type not in ("aws_instance", "aws_db_instance"):
        return
    options = ctx.options("COST210")
    days = int(options.get("days", DEFAULT_CPU_DAYS))
    threshold = float(options.get("threshold_pct", DEFAULT_CPU_THRESHOLD))
    min_days = min(int(options.get("min_days", DEFAULT_MIN_DAYS)), days)
    points = [float(p) for p in live.get("cpu_daily_max_pct") or [] if isinstance(p, (int, float))][-days:]
    if len(points) < min_days or max(points) >= threshold:
        return
    attr = "instance_class" if resource.type == "aws_db_instance" else "instance_type"
    current = resource.attributes.get(attr)
    spec = instance_spec(current) if isinstance(current, str) else None
    if spec is None or spec.gpus:  # GPU work is not visible in CPU utilisation
        return
    smaller = smaller_sizes(current)
    if not smaller:
        return
    target = ("db." if current.startswith("db.") else "") + smaller[0].name
    peak = max(points)
    projected = peak * spec.vcpu / smaller[0].vcpu
    saving, arithmetic = price_difference(resource, ctx, current, target)
    ident = _resource_id(resource)
    cli = (f"aws rds modify-db-instance --db-instance-identifier {ident} --db-instance-class {target} --apply-immediately"
           if resource.type == "aws_db_instance" else
           f"aws ec2 stop-instances --instance-ids {ident} && aws ec2 modify-instance-attribute --instance-id {ident} "
           f"--instance-type {target} && aws ec2 start-instances --instance-ids {ident}")
    yield Hit(f"right-size: CPU peaked at {peak:.0f}% (highest daily maximum over {len(points)} days, threshold "
              f"{threshold:g}%); {target} has {smaller[0].vcpu} vCPUs instead of {spec.vcpu} and would peak near "
              f"{projected:.0f}%" + (f", saving {money(saving)}/mo" if saving is not None else ""),
              key=attr, monthly_saving_usd=saving,
              details={"current": current, "suggested": target, "peak_pct": round(peak, 2),
                       "projected_peak_pct": round(projected, 1), "threshold_pct": threshold, "days": len(points),
                       "cpu_daily_max_pct": points, "arithmetic": arithmetic},
              fix=f'{attr} = "{target}"    # in Terraform; or, live:\n{cli}')


# --- COST211 schedule tag not honoured -----------------------------------------------------------

def check_schedule_not_applied(resource: Resource, ctx: RuleContext) -> Iterable[Hit]:
    live = _live(resource)
    if live is None or resource.type != "aws_instance" or live.get("state") != "running":
        return
    found = schedule_tag(resource, ctx)  # the policy's tag, Custodian's or Instance Scheduler's
    if found is None or not ctx.is_non_production(resource):
        return  # without the tag, COST202 already reports the missing schedule and its saving
    tag = found[0]
    uptime = _age_days(live.get("launch_time"), ctx.today)
    minimum = int(ctx.options("COST211").get("min_uptime_days", DEFAULT_UPTIME_DAYS))
    if uptime is None or uptime < minimum:
        return
    hours = int(ctx.options("COST202").get("hours_per_week", 50))
    compute = _compute(resource, ctx)
    saving = round(compute * (1 - hours / WEEK_HOURS), 2) if compute is not None else None
    value = resource.tags.values[tag].value
    yield Hit(f"scheduling: tagged {tag}={value!r} but running without a stop for {uptime} days "
              f"(launched {live.get('launch_time', '')[:10]}); the off-hours schedule is not applied"
              + (f" ({money(saving)}/mo if it were)" if saving is not None else ""),
              key=tag, monthly_saving_usd=saving,
              details={"schedule_tag": tag, "schedule": value, "uptime_days": uptime, "hours_per_week": hours,
                       "launch_time": live.get("launch_time"),
                       "arithmetic": f"{money(compute)} compute × (1 − {hours}/{WEEK_HOURS} h) = {money(saving)}/mo"
                       if saving is not None else None},
              fix=f"check that the scheduler reading the {tag!r} tag (Instance Scheduler, an EventBridge rule, a Lambda) "
                  f"covers {_resource_id(resource)} in {resource.region}")


# --- COST212/213/214 idle resources ----------------------------------------------------------------

def _idle(resource: Resource, ctx: RuleContext, message: str, details: dict, fix: str) -> Hit:
    cost = _monthly(resource, ctx)
    return Hit(message + (f"; it costs {money(cost)}/mo for nothing" if cost else ""), monthly_cost_usd=cost,
               monthly_saving_usd=cost if cost else None, details={**details, "monthly_usd": cost}, fix=fix)


def check_unattached_volume(resource: Resource, ctx: RuleContext) -> Iterable[Hit]:
    live = _live(resource)
    if live is None or resource.type != "aws_ebs_volume" or live.get("attached") is not False:
        return
    a = resource.attributes
    ident = _resource_id(resource)
    yield _idle(resource, ctx, f"idle: EBS volume ({a.get('size')} GiB {a.get('type')}) is not attached to any instance",
                {"state": live.get("state"), "size_gb": a.get("size"), "volume_type": a.get("type"),
                 "created": live.get("create_time"), "age_days": _age_days(live.get("create_time"), ctx.today)},
                f"aws ec2 create-snapshot --volume-id {ident} --description 'before deleting'   # if the data matters\n"
                f"aws ec2 delete-volume --volume-id {ident}")


def check_unassociated_eip(resource: Resource, ctx: RuleContext) -> Iterable[Hit]:
    live = _live(resource)
    if live is None or resource.type != "aws_eip" or live.get("associated") is not False:
        return
    a = resource.attributes
    release = (f"aws ec2 release-address --allocation-id {a['allocation_id']}" if a.get("allocation_id")
               else f"aws ec2 release-address --public-ip {a.get('public_ip')}")
    yield _idle(resource, ctx, f"idle: Elastic IP {a.get('public_ip')} is not associated with anything",
                {"public_ip": a.get("public_ip"), "allocation_id": a.get("allocation_id")}, release)


def check_lb_without_targets(resource: Resource, ctx: RuleContext) -> Iterable[Hit]:
    live = _live(resource)
    if live is None or resource.type != "aws_lb" or live.get("target_count") != 0 or live.get("state") == "failed":
        return
    groups = live.get("target_groups") or 0
    where = f"in its {groups} target group{'s' if groups != 1 else ''}" if groups else "(no target group attached)"
    yield _idle(resource, ctx, f"idle: load balancer has no registered targets {where}",
                {"target_groups": groups, "target_count": 0, "load_balancer_type": resource.attributes.get("load_balancer_type")},
                f"aws elbv2 delete-load-balancer --load-balancer-arn {resource.address}")


# --- COST215 old snapshots ---------------------------------------------------------------------

def check_old_snapshot(resource: Resource, ctx: RuleContext) -> Iterable[Hit]:
    live = _live(resource)
    if live is None or resource.type != "aws_ebs_snapshot":
        return
    days = int(ctx.options("COST215").get("days", DEFAULT_SNAPSHOT_DAYS))
    age = _age_days(live.get("start_time"), ctx.today)
    if age is None or age <= days:
        return
    size = resource.attributes.get("volume_size")
    region = ctx.costs.region(resource) if ctx.costs is not None else None
    price = ctx.costs.prices.snapshot_gb_month(region) if region else None
    cost = _monthly(resource, ctx) or (round(size * price, 2) if isinstance(size, (int, float)) and price else None)
    if resource.attributes.get("storage_tier") == "archive":
        cost = None  # archive-tier prices are not catalogued
    ident = _resource_id(resource)
    ami = live.get("ami")
    arithmetic = f"{size} GiB × {unit_price(price)}/GB-month = {money(cost)}/mo (at most)" if cost and price else None
    yield Hit(f"idle: snapshot is {age} days old (older than {days})"
              + (f"; up to {money(cost)}/mo — snapshots are incremental, so the bill can be less" if cost else "")
              + (f"; it backs {ami}: deregister the AMI first if nobody launches it" if ami else ""),
              monthly_cost_usd=cost, monthly_saving_usd=cost,
              details={"age_days": age, "max_age_days": days, "volume_size_gb": size, "ami": ami,
                       "started": live.get("start_time"), "arithmetic": arithmetic},
              fix=(f"aws ec2 deregister-image --image-id {ami}\n" if ami else "")
              + f"aws ec2 delete-snapshot --snapshot-id {ident}\n"
                "# and keep the next ones in check: a Data Lifecycle Manager policy or an AWS Backup retention")


def _schema(**properties: Any) -> dict:
    return {"type": "object", "properties": properties, "additionalProperties": False}


RULES = (
    Rule("COST210", "rightsize-on-cpu-history", Severity.WARNING, Lever.RIGHTSIZING,
         "A live instance or DB instance whose daily CPU peak stayed low for weeks is a size too big.",
         """Lever: right-sizing, from evidence (live audit only). `tagcheck aws` reads each running instance's and
available DB instance's CloudWatch `CPUUtilization`, daily Maximum, over `days` (default 14). When the
highest daily peak stays under `threshold_pct` (default 20) on at least `min_days` days (default 7), the
next smaller size of the same family — about half the vCPUs — would still peak under ~40 %. The saving
is the on-demand price difference × 730 h. GPU instances are left out: their work does not show in CPU.

    rules: {COST210: {days: 14, threshold_pct: 20, min_days: 7}}
    m5.xlarge (dev notebook), daily CPU peaks 6–14 % for 14 days → m5.large:
    ($0.192/h − $0.096/h) × 730 h = $70.08/mo
""", check_low_cpu,
         _schema(days={"type": "integer", "minimum": 1, "maximum": 455},
                 threshold_pct={"type": "number", "exclusiveMinimum": 0, "maximum": 100},
                 min_days={"type": "integer", "minimum": 1, "maximum": 455}),
         resource_types=frozenset({"aws_instance", "aws_db_instance"})),
    Rule("COST211", "schedule-not-applied", Severity.WARNING, Lever.SCHEDULING,
         "A non-production instance tagged for an off-hours schedule has been running for days without a stop.",
         """Lever: scheduling, from evidence (live audit only). An instance's launch time resets every time it
starts, so a running non-production instance that carries a schedule tag (the policy's `schedule_tag`,
Cloud Custodian's `maid_offhours`/`custodian_downtime`, or Instance Scheduler's `Schedule`) but launched
more than `min_uptime_days` ago (default 7) has not been stopped at night or at weekends: the schedule
exists on paper only. The saving is COST202's: compute × (1 − hours_per_week/168). Without the tag, COST202
reports the missing schedule instead, so the two never count the same saving twice.

    tags: {environment: dev, schedule: office-hours}, launched 21 days ago, m5.xlarge:
    $140.16 × (1 − 50/168) = $98.45/mo
""", check_schedule_not_applied, _schema(min_uptime_days={"type": "integer", "minimum": 1, "maximum": 365}),
         resource_types=frozenset({"aws_instance"})),
    Rule("COST212", "unattached-ebs-volume", Severity.WARNING, Lever.IDLE,
         "An EBS volume is attached to no instance and is billed every month.",
         """Lever: idle (live audit only). A volume in the `available` state stores data nobody is using and
costs its full GB-month price. Snapshot it if the data matters (a snapshot costs about half per GB and
only for the blocks used), then delete it.

    200 GiB gp2, available: 200 × $0.10 = $20.00/mo
""", check_unattached_volume, _schema(), resource_types=frozenset({"aws_ebs_volume"})),
    Rule("COST213", "unassociated-elastic-ip", Severity.WARNING, Lever.IDLE,
         "An Elastic IP is associated with nothing.",
         """Lever: idle (live audit only). Every public IPv4 address is billed by the hour, in use or not.
An Elastic IP that is not associated with an instance or network interface only costs money:
release it.

    $0.005/h × 730 h = $3.65/mo
""", check_unassociated_eip, _schema(), resource_types=frozenset({"aws_eip"})),
    Rule("COST214", "load-balancer-without-targets", Severity.WARNING, Lever.IDLE,
         "A load balancer has no registered targets.",
         """Lever: idle (live audit only). A load balancer bills its hours whether or not anything is behind
it. No target registered in any of its target groups (or no target group at all) means it serves
nothing; delete it (and its listeners and target groups) if it is not about to be used.

    application load balancer: $0.0225/h × 730 h = $16.43/mo, plus LCUs
""", check_lb_without_targets, _schema(), resource_types=frozenset({"aws_lb"})),
    Rule("COST215", "old-ebs-snapshot", Severity.INFO, Lever.IDLE,
         "An EBS snapshot is older than the policy's retention.",
         """Lever: idle (live audit only). Snapshots older than `days` (default 90) are usually forgotten
backups. The cost shown is an upper bound — the volume size × the snapshot price — because snapshots
are incremental. A snapshot that backs an AMI can only go once the AMI is deregistered. Keep the next
ones in check with a Data Lifecycle Manager policy or an AWS Backup retention rule.

    rules: {COST215: {days: 90}}
    500 GiB snapshot from 400 days ago: 500 × $0.05 = $25.00/mo at most
""", check_old_snapshot, _schema(days={"type": "integer", "minimum": 1, "maximum": 3650}),
         resource_types=frozenset({"aws_ebs_snapshot"})),
)
