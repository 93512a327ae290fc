"""Monthly cost of a resource, from the shipped price catalogue (DESIGN.md §4).

An estimate is the sum of priced lines (instance hours, GB-months, IOPS-months…) at 730
hours a month, on-demand list prices of the resource's region. Any input that cannot be
known — the region, the instance type, a size, a referenced launch template — makes the
estimate unknown (``monthly_usd`` None, ``unknown`` says why): never a made-up number.
Lines that are usage-based and unknowable from code (S3 GB stored, NAT GB processed,
log GB ingested) are left out and named in ``excluded``.

Cross-resource inputs (an ASG's launch template, a node group's instance types) are
resolved through the run's resource index, by the Terraform reference the attribute
evaluated to.
"""

from __future__ import annotations

import datetime
import math
from typing import Any, Iterable, Mapping, Sequence

from tagcheck.catalog.prices import HOURS_PER_MONTH, PriceBook
from tagcheck.cost.families import FAMILY_ESTIMATORS
from tagcheck.cost.usage import NO_USAGE, Usage
from tagcheck.cost.lines import (  # noqa: F401 - CostLine … are read from here too
    COMPONENTS, COMPUTE, FEE, NO_COST, STORAGE, CostLine, Estimate, in_priced_region, unknown)
from tagcheck.model import Resource, Unknown, blocks, first_block, referenced_address



# the component each lever's saving is a part of (None: the whole resource)
LEVER_COMPONENT = {"rightsizing": COMPUTE, "scheduling": COMPUTE, "purchasing": COMPUTE, "storage": STORAGE,
                   "idle": None}


def component_usd(estimate: Estimate, component: str) -> float:
    """The monthly dollars of one component, unrounded (savings are rounded once, at the end)."""
    return sum(line.monthly_usd for line in estimate.lines if line.component == component)


def compound_saving(estimate: Estimate | None, savings: Iterable[tuple[str, float]]) -> float:
    """A resource's possible monthly saving from its findings' ``(lever, saving)`` pairs.

    Savings on one component compound (a schedule, then spot on the hours that remain:
    ``part × (1 − Π(1 − saving/part))``), each capped at its part; savings on different
    components add (gp3 saves on storage whatever the schedule does to the hours). An idle
    resource's saving is the whole resource, and never adds to the rest. Without a known
    estimate, or for a saving whose component the estimate has no dollars for, the savings
    simply add — the figure each finding states."""
    savings = [(lever.value if hasattr(lever, "value") else lever, saving) for lever, saving in savings]
    if estimate is None or not estimate.known or not estimate.lines:
        return sum(saving for _, saving in savings)
    total = estimate.monthly_usd or 0.0
    by_component: dict[str | None, list[float]] = {}
    loose = 0.0
    for lever, saving in savings:
        component = LEVER_COMPONENT.get(lever, "other")
        if component is None or component_usd(estimate, component) > 0:
            by_component.setdefault(component, []).append(saving)
        else:
            loose += saving
    saved = loose
    for component, parts in by_component.items():
        if component is None:
            continue
        part = component_usd(estimate, component)
        remaining = part
        for saving in parts:
            remaining *= max(0.0, 1 - min(saving, part) / part)
        saved += part - remaining
    whole = max(by_component.get(None, ()), default=0.0)
    return min(max(saved, whole), total) if total else max(saved, whole)


class CostModel:
    """Estimates for the resources of one run (so references between them resolve)."""

    def __init__(self, prices: PriceBook, resources: Sequence[Resource] = (), today: datetime.date | None = None,
                 usage: Usage | None = None):
        self.prices = prices
        self.today = today or datetime.date.today()  # extended-support charges depend on the date
        self.usage = usage or NO_USAGE  # quantities the code cannot show (usage.py)
        self.index = {r.identity: r for r in resources}  # (root, address): references resolve within a root
        # id(resource) → (resource, estimate); holding the resource keeps its id from being reused
        self._cache: dict[int, tuple[Resource, Estimate]] = {}

    def estimate(self, resource: Resource) -> Estimate:
        cached = self._cache.get(id(resource))
        if cached is not None and cached[0] is resource:
            return cached[1]
        estimator = _ESTIMATORS.get(resource.type)
        try:
            estimate = estimator(self, resource) if estimator else NO_COST
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            # an argument of a type the estimator does not expect: no number, never a crash
            estimate = unknown(f"cannot estimate {resource.type}: {type(exc).__name__}")
        self._cache[id(resource)] = (resource, estimate)
        return estimate

    # --- building blocks shared by the estimators and the lever rules -----------------

    def region(self, resource: Resource) -> str | None:
        region = resource.region
        return region if isinstance(region, str) and region else None

    def instance_hourly(self, region: str, instance_type: str) -> float | None:
        return self.prices.ec2_hourly(region, instance_type)

    def hourly_rate(self, resource: Resource, size: str) -> float | None:
        """On-demand $/h of ``size`` (an instance type, or a ``db.`` class priced with the
        resource's engine and Multi-AZ setting) in the resource's region."""
        region = self.region(resource)
        if region is None:
            return None
        if size.startswith("db."):
            engine = resource.attributes.get("engine")
            return self.prices.rds_hourly(region, size, engine if isinstance(engine, str) else "postgres",
                                          resource.attributes.get("multi_az") is True)
        return self.prices.ec2_hourly(region, size)

    def volume_lines(self, region: str, volume_type: Any, size: Any, iops: Any = None, throughput: Any = None,
                     label: str = "", default_type: str | None = None) -> tuple[list[CostLine], str | None]:
        """EBS storage (+ provisioned IOPS/throughput) lines; a reason when unknown.

        No lines and no reason: size or type comes from an AMI/snapshot (left out, and the
        caller names it in ``excluded``)."""
        if isinstance(size, Unknown) or isinstance(volume_type, Unknown):
            return [], (size if isinstance(size, Unknown) else volume_type).reason
        if (size is not None and (isinstance(size, bool) or not isinstance(size, (int, float)))) or \
                (volume_type is not None and not isinstance(volume_type, str)):
            return [], "volume size or type is not a number/string"
        vtype = volume_type or default_type
        if size is None or vtype is None:
            return [], None
        price = self.prices.ebs_gb_month(region, vtype)
        if price is None:
            return [], f"no price for {vtype} volumes in {region}"
        lines = [CostLine(f"{label}{vtype} storage", float(size), "GB-mo", price, STORAGE)]
        if vtype in ("io1", "io2") and isinstance(iops, (int, float)):
            lines.append(CostLine(f"{label}{vtype} provisioned IOPS", float(iops), "IOPS-mo",
                                  self.prices.ebs_iops_month(region, vtype) or 0.0, STORAGE))
        if vtype == "gp3" and isinstance(iops, (int, float)) and iops > 3000:
            lines.append(CostLine(f"{label}gp3 IOPS above 3000", float(iops - 3000), "IOPS-mo",
                                  self.prices.ebs_iops_month(region, "gp3") or 0.0, STORAGE))
        if vtype == "gp3" and isinstance(throughput, (int, float)) and throughput > 125:
            lines.append(CostLine(f"{label}gp3 throughput above 125 MB/s", float(throughput - 125), "MBps-mo",
                                  self.prices.ebs_throughput_month(region) or 0.0, STORAGE))
        return lines, None

    def referenced(self, resource: Resource, value: Any) -> Resource | None:
        """The resource of this run (and root) that ``value`` is a reference to, if any."""
        address = referenced_address(value)
        return self.index.get((resource.root, address)) if address else None

    def launch_template_of(self, resource: Resource) -> Resource | None:
        spec = first_block(resource.attributes.get("launch_template"))
        if spec is None:
            policy = first_block(resource.attributes.get("mixed_instances_policy"))
            lt_spec = first_block(policy.get("launch_template")) if policy else None
            spec = first_block(lt_spec.get("launch_template_specification")) if lt_spec else None
        if spec is None:
            return None
        for key in ("id", "name", "launch_template_id", "launch_template_name"):
            address = referenced_address(spec.get(key))
            if address and (resource.root, address) in self.index:
                return self.index[resource.root, address]
        return None


def _live(resource: Resource) -> Mapping[str, Any]:
    """Evidence from the account (``tagcheck aws``); empty for Terraform and plans."""
    live = resource.attributes.get("live")
    return live if isinstance(live, Mapping) else {}


def _stopped(resource: Resource) -> bool:
    """A stopped live instance bills its storage, not its hours."""
    return _live(resource).get("state") in ("stopped", "stopping")


@in_priced_region
def _instance(model: CostModel, resource: Resource, region: str) -> Estimate:
    attrs = resource.attributes
    itype = attrs.get("instance_type")
    if isinstance(itype, Unknown):
        return unknown(f"instance_type unknown ({itype.reason})")
    if not isinstance(itype, str):
        return unknown("instance_type is not set")
    hourly = model.instance_hourly(region, itype)
    if hourly is None:
        return unknown(f"no price for {itype} in {region}")
    market = first_block(attrs.get("instance_market_options")) or {}
    lines = []
    if _stopped(resource):
        pass  # no instance hours while stopped
    elif market.get("market_type") == "spot":
        discount = model.prices.spot_discount(itype)
        lines.append(CostLine(f"{itype} spot (~{discount:.0%} below on-demand)", HOURS_PER_MONTH, "h",
                              round(hourly * (1 - discount), 6)))
    else:
        lines.append(CostLine(f"{itype} on-demand", HOURS_PER_MONTH, "h", hourly))
    excluded = []
    for name, label in (("root_block_device", "root volume "), ("ebs_block_device", "EBS volume ")):
        for block in blocks(attrs.get(name)):
            vol, reason = model.volume_lines(region, block.get("volume_type"), block.get("volume_size"),
                                             block.get("iops"), block.get("throughput"), label)
            if reason:
                return unknown(f"{name}: {reason}")
            if not vol:
                excluded.append(f"{label.strip()} (size or type from the AMI)")
            lines.extend(vol)
    return Estimate(tuple(lines), excluded=tuple(excluded))


@in_priced_region
def _ebs_volume(model: CostModel, resource: Resource, region: str) -> Estimate:
    a = resource.attributes
    if a.get("size") is None and not isinstance(a.get("size"), Unknown):
        return unknown("size not set (taken from the snapshot)")
    # CreateVolume's default type is gp2 (the provider documents the same default)
    lines, reason = model.volume_lines(region, a.get("type"), a.get("size"), a.get("iops"), a.get("throughput"),
                                       default_type="gp2")
    return unknown(reason) if reason else Estimate(tuple(lines))


@in_priced_region
def _db_instance(model: CostModel, resource: Resource, region: str) -> Estimate:
    a = resource.attributes
    klass, engine = a.get("instance_class"), a.get("engine")
    if isinstance(klass, Unknown) or not isinstance(klass, str):
        return unknown(f"instance_class unknown ({klass.reason if isinstance(klass, Unknown) else 'not set'})")
    if not isinstance(engine, str):
        return unknown("engine unknown")
    multi_az = a.get("multi_az") is True
    hourly = model.prices.rds_hourly(region, klass, engine, multi_az)
    if hourly is None:
        return unknown(f"no price for {klass} ({engine}) in {region}")
    lines = [] if _stopped(resource) else [
        CostLine(f"{klass} {engine}{' Multi-AZ' if multi_az else ''}", HOURS_PER_MONTH, "h", hourly)]
    extended, reason = _rds_extended_support(model, resource, region, klass, engine, multi_az)
    if reason:
        return unknown(reason)
    lines += extended
    iops = a.get("iops")
    storage = a.get("allocated_storage")
    stype = a.get("storage_type") or ("io1" if isinstance(iops, (int, float)) and iops else "gp2")
    excluded: tuple[str, ...] = ()
    if isinstance(storage, (int, float)) and isinstance(stype, str):
        copies = 2 if multi_az else 1
        price = model.prices.rds_storage_gb_month(region, stype)
        if price is not None:
            lines.append(CostLine(f"{stype} storage{' ×2 (Multi-AZ)' if multi_az else ''}",
                                  float(storage) * copies, "GB-mo", price, STORAGE))
        iops_price = model.prices.rds_iops_month(region, stype)
        included = rds_gp3_included_iops(engine, float(storage)) if stype == "gp3" else 0
        billed_iops = (iops if stype in ("io1", "io2") else max(0, iops - included)) if isinstance(iops, (int, float)) else 0
        if billed_iops and iops_price:
            lines.append(CostLine(f"{stype} provisioned IOPS" + (f" above {included:,}" if included else ""),
                                  float(billed_iops) * copies, "IOPS-mo", iops_price, STORAGE))
    elif isinstance(storage, Unknown):
        return unknown(f"allocated_storage unknown ({storage.reason})")
    elif storage is None:  # a restore from a snapshot, or a replica: the size comes from the source
        excluded = ("storage (allocated_storage not set: its size comes from the snapshot or source database)",)
    return Estimate(tuple(lines), excluded=excluded)


def _rds_extended_support(model: CostModel, resource: Resource, region: str, klass: str, engine: str,
                          multi_az: bool) -> tuple[list[CostLine], str | None]:
    """The RDS Extended Support charge of a MySQL/PostgreSQL major version past its end of
    standard support (catalog/support.py): vCPUs × hours × the period's rate, standby
    included; nothing when the DB opted out (``engine_lifecycle_support``) or is stopped."""
    from tagcheck.catalog import support
    from tagcheck.catalog.instances import instance_spec

    version = resource.attributes.get("engine_version")
    opted_out = resource.attributes.get("engine_lifecycle_support") == "open-source-rds-extended-support-disabled"
    if not isinstance(version, str) or opted_out or _stopped(resource):
        return [], None
    found = support.rds_extended_rate(engine, version, region, model.today)
    if found is None:
        return [], None
    rate, label = found
    if rate is None:
        return [], f"{label}: no rate for {region} in the catalogue"
    spec = instance_spec(klass)
    if spec is None:
        return [], f"{label}: vCPUs of {klass} not in the catalogue"
    copies = 2 if multi_az else 1
    return [CostLine(f"{label}, {spec.vcpu} vCPU{' ×2 (Multi-AZ)' if multi_az else ''}",
                     HOURS_PER_MONTH * spec.vcpu * copies, "vCPU-h", rate, FEE)], None


def rds_gp3_included_iops(engine: str, storage_gb: float) -> int:
    """The IOPS an RDS gp3 volume includes (billed only above them): 12,000 from 400 GB for
    MySQL, MariaDB, PostgreSQL and Db2 (from 200 GB for Oracle), else 3,000; SQL Server
    always 3,000 (the RDS user guide, "gp3 storage")."""
    engine = engine.lower()
    if engine.startswith("sqlserver"):
        return 3000
    threshold = 200 if engine.startswith("oracle") else 400
    return 12000 if storage_gb >= threshold else 3000


@in_priced_region
def _ebs_snapshot(model: CostModel, resource: Resource, region: str) -> Estimate:
    size = resource.attributes.get("volume_size")
    if not isinstance(size, (int, float)):  # computed in Terraform: the size of the volume it copies
        volume = model.referenced(resource, resource.attributes.get("volume_id"))
        size = volume.attributes.get("size") if volume is not None else None
    if not isinstance(size, (int, float)) or isinstance(size, bool):
        return unknown("snapshot size is known only once it is taken (its volume is not in this configuration)")
    price = model.prices.snapshot_gb_month(region)
    if price is None:
        return unknown(f"no snapshot price in {region}")
    # an upper bound: snapshots are incremental and bill only the blocks that changed
    return Estimate((CostLine("snapshot storage (at most)", float(size), "GB-mo", price, STORAGE),))


@in_priced_region
def _rds_cluster_instance(model: CostModel, resource: Resource, region: str) -> Estimate:
    klass, engine = resource.attributes.get("instance_class"), resource.attributes.get("engine")
    if not isinstance(klass, str) or not isinstance(engine, str):
        return unknown("instance_class or engine unknown")
    hourly = model.prices.rds_hourly(region, klass, engine)
    if hourly is None:
        return unknown(f"no price for {klass} ({engine}) in {region}")
    return Estimate((CostLine(f"{klass} {engine}", HOURS_PER_MONTH, "h", hourly),))


def _hourly_item(item: str, label: str, excluded: tuple[str, ...] = ()):
    @in_priced_region
    def estimate(model: CostModel, resource: Resource, region: str) -> Estimate:
        hourly = model.prices.hourly(region, item)
        if hourly is None:
            return unknown(f"no price for {label} in {region}")
        return Estimate((CostLine(label, HOURS_PER_MONTH, "h", hourly, FEE),), excluded=excluded)
    return estimate


@in_priced_region
def _nat_gateway(model: CostModel, resource: Resource, region: str) -> Estimate:
    """The gateway hour, and the GB it processes when a usage file gives them."""
    hourly = model.prices.hourly(region, "nat_gateway")
    if hourly is None:
        return unknown(f"no price for NAT gateway in {region}")
    lines = [CostLine("NAT gateway", HOURS_PER_MONTH, "h", hourly, FEE)]
    gb = model.usage.of(resource).get("data_processed_gb")
    if gb is None:
        return Estimate(tuple(lines), excluded=("data processed per GB (give data_processed_gb in a usage file)",))
    price = model.prices.per_gb(region, "nat_gateway_gb")
    if price is None:
        return unknown(f"no price for NAT data processing in {region}")
    return Estimate(tuple(lines + [CostLine("NAT data processed (usage file)", float(gb), "GB", price, FEE)]))


@in_priced_region
def _s3_bucket(model: CostModel, resource: Resource, region: str) -> Estimate:
    """Storage only from a usage file (the code does not show the GB stored); requests and
    transfer are left out."""
    usage = model.usage.of(resource)
    if "storage_gb" not in usage:
        return Estimate(excluded=("storage (GB stored: give storage_gb in a usage file)", "requests", "data transfer"))
    storage_class = str(usage.get("storage_class", "STANDARD")).upper()
    price = model.prices.s3_gb_month(region, storage_class)
    if price is None:
        return unknown(f"no price for S3 {storage_class} in {region}")
    return Estimate((CostLine(f"S3 {storage_class} storage (usage file)", float(usage["storage_gb"]), "GB-mo", price,
                              STORAGE),), excluded=("requests", "data transfer"))


@in_priced_region
def _log_group(model: CostModel, resource: Resource, region: str) -> Estimate:
    """Ingestion and storage, from a usage file only."""
    usage = model.usage.of(resource)
    if not usage:
        return Estimate(excluded=("ingestion and storage (give ingested_gb, stored_gb in a usage file)",))
    lines = []
    for key, item, label, unit in (("ingested_gb", "cloudwatch_logs_ingest_gb", "log data ingested", "GB"),
                                   ("stored_gb", "cloudwatch_logs_storage_gb", "log data stored", "GB-mo")):
        if key in usage:
            price = model.prices.per_gb(region, item)
            if price is None:
                return unknown(f"no price for CloudWatch Logs in {region}")
            lines.append(CostLine(f"{label} (usage file)", float(usage[key]), unit, price,
                                  STORAGE if key == "stored_gb" else FEE))
    return Estimate(tuple(lines))


@in_priced_region
def _eks_cluster(model: CostModel, resource: Resource, region: str) -> Estimate:
    """The cluster hour: the standard price, or the extended-support price once the
    cluster's Kubernetes version is past its standard support (catalog/support.py) — unless
    ``upgrade_policy { support_type = "STANDARD" }``, which upgrades it instead."""
    from tagcheck.catalog import support

    version = resource.attributes.get("version")
    policy = first_block(resource.attributes.get("upgrade_policy")) or {}
    if isinstance(version, Unknown):
        return unknown(f"version unknown ({version.reason}): standard or extended support price")
    extended = (isinstance(version, str) and policy.get("support_type") != "STANDARD"
                and support.eks_extended(version, model.today))
    item, label = (("eks_cluster_extended_support", f"EKS cluster (Kubernetes {version}, extended support)")
                   if extended else ("eks_cluster", "EKS cluster"))
    hourly = model.prices.hourly(region, item)
    if hourly is None:
        return unknown(f"no price for {label} in {region}")
    return Estimate((CostLine(label, HOURS_PER_MONTH, "h", hourly, FEE),))


def _eip(model: CostModel, resource: Resource) -> Estimate:
    if resource.attributes.get("domain") not in (None, "vpc") and not isinstance(resource.attributes.get("domain"), Unknown):
        return NO_COST
    return _hourly_item("public_ipv4", "public IPv4 address")(model, resource)


def _load_balancer(model: CostModel, resource: Resource) -> Estimate:
    lb_type = resource.attributes.get("load_balancer_type") or "application"
    if isinstance(lb_type, Unknown):
        return unknown(f"load_balancer_type unknown ({lb_type.reason})")
    if not isinstance(lb_type, str):
        return unknown("load_balancer_type is not a string")
    item = {"application": "alb", "network": "nlb"}.get(lb_type)
    if item is None:
        return unknown(f"no price for {lb_type} load balancers")
    return _hourly_item(item, f"{lb_type} load balancer", ("LCU/NLCU usage",))(model, resource)


@in_priced_region
def _asg(model: CostModel, resource: Resource, region: str) -> Estimate:
    """Instance hours of the desired capacity (else min_size) and the volumes of its launch
    template or configuration. With a mixed instances policy the overrides replace the
    template's type: the first is priced (the default "prioritized" on-demand order), and a
    ``weighted_capacity`` makes the capacity units, not instances."""
    a = resource.attributes
    count = a.get("desired_capacity")
    if count is None:
        count = a.get("min_size")
    if isinstance(count, Unknown) or not isinstance(count, (int, float)) or isinstance(count, bool):
        return unknown("desired capacity unknown")
    template = model.launch_template_of(resource) or model.referenced(resource, a.get("launch_configuration"))
    live = _live(resource)
    overrides = [b for p in blocks(a.get("mixed_instances_policy"))
                 for lt in blocks(p.get("launch_template")) for b in blocks(lt.get("override"))]
    first = overrides[0] if overrides else {}
    if isinstance(first.get("instance_type"), str):
        itype = first["instance_type"]
    elif template is not None:
        itype = template.attributes.get("instance_type")
    elif isinstance(live.get("instance_type"), str):  # a live group's template is an id: the audit resolved it
        itype = live["instance_type"]
    else:
        return unknown("launch template or configuration not resolvable")
    if not isinstance(itype, str):
        return unknown("instance type of the launch template unknown")
    hourly = model.instance_hourly(region, itype)
    if hourly is None:
        return unknown(f"no price for {itype} in {region}")
    weight = first.get("weighted_capacity")
    weight = float(weight) if isinstance(weight, (int, float, str)) and _number(weight) else 1.0
    instances = float(math.ceil(float(count) / weight)) if weight > 0 else float(count)
    spot_share = _asg_spot_share(a)
    lines = []
    on_demand = instances * (1 - spot_share)
    if on_demand:
        lines.append(CostLine(f"{itype} on-demand × {on_demand:g}", HOURS_PER_MONTH * on_demand, "h", hourly))
    if spot_share:
        discount = model.prices.spot_discount(itype)
        lines.append(CostLine(f"{itype} spot × {instances * spot_share:g}", HOURS_PER_MONTH * instances * spot_share,
                              "h", round(hourly * (1 - discount), 6)))
    volumes, excluded, reason = _template_volumes(model, region, template, instances)
    if reason:
        return unknown(reason)
    return Estimate(tuple(lines + volumes), excluded=excluded)


def _number(value: Any) -> bool:
    try:
        return float(value) > 0
    except (TypeError, ValueError):
        return False


def _template_volumes(model: CostModel, region: str, template: Resource | None,
                      instances: float) -> tuple[list[CostLine], tuple[str, ...], str | None]:
    """The EBS volumes each instance of a group gets from its launch template
    (``block_device_mappings``) or launch configuration (``root_block_device``,
    ``ebs_block_device``), times the instances; what the AMI decides is named as excluded."""
    if template is None:
        return [], ("instance volumes (its launch template or configuration is not known here)",), None
    attrs = template.attributes
    if template.type == "aws_launch_configuration":
        specs = [(b, "root volume ") for b in blocks(attrs.get("root_block_device"))] + \
                [(b, "EBS volume ") for b in blocks(attrs.get("ebs_block_device"))]
        size_key, type_key = "volume_size", "volume_type"
    else:
        specs = [(ebs, f"{m.get('device_name') or 'volume'} ") for m in blocks(attrs.get("block_device_mappings"))
                 for ebs in blocks(m.get("ebs"))]
        size_key, type_key = "volume_size", "volume_type"
    lines: list[CostLine] = []
    excluded = () if specs else ("root volume (size and type from the AMI)",)
    for spec, label in specs:
        vol, reason = model.volume_lines(region, spec.get(type_key), spec.get(size_key), spec.get("iops"),
                                         spec.get("throughput"), label)
        if reason:
            return [], (), f"{template.address}: {reason}"
        if not vol:
            excluded += (f"{label.strip()} (size or type from the AMI)",)
        lines.extend(CostLine(f"{line.item} × {instances:g}", line.quantity * instances, line.unit, line.unit_usd,
                              line.component) for line in vol)
    return lines, excluded, None


def _asg_spot_share(attrs: Mapping[str, Any]) -> float:
    """Fraction of an ASG's capacity on spot, from its mixed instances distribution."""
    policy = first_block(attrs.get("mixed_instances_policy"))
    dist = first_block(policy.get("instances_distribution")) if policy else None
    if not dist:
        return 0.0
    pct = dist.get("on_demand_percentage_above_base_capacity")
    return 1 - (float(pct) / 100.0) if isinstance(pct, (int, float)) else 0.0


@in_priced_region
def _node_group(model: CostModel, resource: Resource, region: str) -> Estimate:
    """Nodes × instance hours, and their disks. The instance type is ``instance_types[0]``,
    else the launch template's, else EKS's default t3.medium; without a launch template each
    node gets a ``disk_size`` GB gp2 root volume (EKS's default: 20 GB, 50 for Windows)."""
    a = resource.attributes
    scaling = first_block(a.get("scaling_config")) or {}
    count = scaling.get("desired_size")
    if not isinstance(count, (int, float)) or isinstance(count, bool):
        return unknown("node group size unknown")
    types = a.get("instance_types")
    template = model.launch_template_of(resource)
    if isinstance(types, list) and types and isinstance(types[0], str):
        itype = types[0]
    elif isinstance(types, Unknown) or (isinstance(types, list) and types):
        return unknown("node group instance types unknown")
    elif first_block(a.get("launch_template")) is not None:
        itype = template.attributes.get("instance_type") if template is not None else None
        if template is None:
            return unknown("launch template not resolvable")
        itype = itype if itype is not None else "t3.medium"  # neither sets one: EKS's default
        if not isinstance(itype, str):
            return unknown("instance type of the launch template unknown")
    else:
        itype = "t3.medium"
    hourly = model.instance_hourly(region, itype)
    if hourly is None:
        return unknown(f"no price for {itype} in {region}")
    spot = a.get("capacity_type") == "SPOT"
    unit = round(hourly * (1 - model.prices.spot_discount(itype)), 6) if spot else hourly
    lines = [CostLine(f"{itype} {'spot' if spot else 'on-demand'} × {count:g}", HOURS_PER_MONTH * count, "h", unit)]
    if first_block(a.get("launch_template")) is not None:
        volumes, excluded, reason = _template_volumes(model, region, template, float(count))
        if reason:
            return unknown(reason)
        return Estimate(tuple(lines + volumes), excluded=excluded)
    ami_type = a.get("ami_type")
    default_disk = 50 if isinstance(ami_type, str) and ami_type.upper().startswith("WINDOWS") else 20
    disk = a.get("disk_size") if a.get("disk_size") is not None else default_disk
    volumes, reason = model.volume_lines(region, "gp2", disk, label="node disk ")
    if reason:
        return unknown(f"disk_size: {reason}")
    lines += [CostLine(f"{line.item} × {count:g}", line.quantity * count, line.unit, line.unit_usd, line.component)
              for line in volumes]
    return Estimate(tuple(lines))


_ESTIMATORS = {
    "aws_instance": _instance,
    "aws_ebs_volume": _ebs_volume,
    "aws_ebs_snapshot": _ebs_snapshot,
    "aws_db_instance": _db_instance,
    "aws_rds_cluster_instance": _rds_cluster_instance,
    "aws_nat_gateway": _nat_gateway,
    "aws_s3_bucket": _s3_bucket,
    "aws_cloudwatch_log_group": _log_group,
    "aws_eip": _eip,
    "aws_lb": _load_balancer,
    "aws_alb": _load_balancer,
    "aws_elb": _hourly_item("clb", "classic load balancer", ("data processed per GB",)),
    "aws_eks_cluster": _eks_cluster,
    "aws_autoscaling_group": _asg,
    "aws_eks_node_group": _node_group,
    **FAMILY_ESTIMATORS,
}
