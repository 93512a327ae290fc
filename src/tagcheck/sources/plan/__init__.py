"""The plan source: ``terraform show -json PLANFILE`` → resources.

In a plan the AWS provider has already computed the effective tags: ``change.after.tags_all``
is the truth (``tags`` for types without ``tags_all``, ``tag`` blocks for auto scaling
groups); ``after_unknown`` marks values known only after apply. Provider ``ignore_tags``
and regions come from the plan's ``configuration`` section. Plans carry no file and line,
so resources are located at the plan file (app.collect_plan then puts them at their blocks
when it finds the configuration: sources/plan_locations.py); addresses are Terraform's own.

Resources that the plan deletes are skipped (they will not exist); data sources are not
resources. With ``changed_only`` only create/update/replace actions are kept (no-op and
read resources are counted as skipped).

The package: document.py reads the file and checks it is a plan; providers.py finds each
resource's provider configuration; resources.py builds the Resource and its tags.

Hardening (issue #8). A file that is not a plan of the supported format is a
:class:`PlanError` (the CLI exits 2) with one line naming the file — and, for a document
whose structure is not a plan's, the JSON path of the first part that is wrong
(``resource_changes[3].change.after: expected an object, got a list``): a state file, a
``terraform show -json`` of a state, another ``format_version``, truncated or binary
JSON, JSON nested too deeply or with numbers Python cannot read. Values inside a
well-formed resource change that are not what the provider writes — ``tags_all`` that is
not a map, a tag value that is a list, a create without ``change.after`` — make that
resource's tags unknown, with the reason (TAG005), and the rest of the plan is checked.

Real plans (issue #12). ``format_version`` 0.x (Terraform 0.12 to 1.0: "0.1", "0.2") and 1.x
are read alike: everything tagcheck reads — ``resource_changes`` with ``change.after``,
``after_unknown`` and ``actions``, ``configuration.provider_config`` and its
``expressions`` — has the same layout in both; an older plan simply lacks ``tags_all`` (AWS
provider < 3.38), and the resource's own ``tags`` are used. The file may be UTF-8 with or
without a BOM, or UTF-16 with a BOM (what PowerShell's ``>`` writes) or without one (told
from the NUL bytes of JSON text). An auto scaling group's tags are its ``tag`` blocks or the
AWS provider ≤ 4.x ``tags = [{key, value, propagate_at_launch}]`` list, read alike
(``propagate_at_launch`` only says whether instances get the tag; the group has it either
way); an element or a key known only after apply leaves the known tags and makes the rest
unknown (TAG005), never missing.

What the older formats write differently, found on 144 real plan files (Terraform 0.12.0 to
1.15). Terraform 0.12 names an aliased provider ``"aws.east"`` in ``provider_name``.
Terraform before 1.2 writes a module resource's ``provider_config_key`` unresolved, as
``CALL:aws`` (the call's name alone), while ``provider_config`` keys are ``a.b:aws`` (0.12)
or ``module.a.module.b:aws`` (0.13+) and also list a module's ``required_providers`` entry
with no expressions: the configuration is looked up in the module, then towards the root,
as Terraform passes the default provider down. Where a caller on the way has aliased
configurations (or the module uses an alias), its ``providers = {...}`` could have passed
any of them and these plans do not record it: the region is then unknown, with that
reason, rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from tagcheck.model import Resource
from tagcheck.sources.plan.document import PlanError, check_shape, read
from tagcheck.sources.plan.providers import provider_configs
from tagcheck.sources.plan.resources import resource, resource_configs

__all__ = ["CHANGED", "PlanError", "PlanScan", "load_plan"]

CHANGED = {"create", "update"}


@dataclass
class PlanScan:
    resources: list[Resource] = field(default_factory=list)
    skipped_unchanged: int = 0
    skipped_deleted: int = 0
    other_providers: int = 0
    configuration: dict = field(default_factory=dict)  # the plan's own, for plan_locations.py


def load_plan(path: Path, *, changed_only: bool = False, display: str | None = None, before: bool = False) -> PlanScan:
    """``before=True``: the resources as they are before the plan is applied (their prior
    values; created resources absent), for the coverage change a plan causes."""
    doc = read(path)
    check_shape(doc, path)
    shown = display or str(path)
    variables = {k: v.get("value") for k, v in (doc.get("variables") or {}).items() if isinstance(v, dict)}
    providers = provider_configs(doc.get("configuration") or {}, variables)
    configs = resource_configs((doc.get("configuration") or {}).get("root_module") or {}, "")
    scan = PlanScan(configuration=doc.get("configuration") or {})
    for index, change in enumerate(doc.get("resource_changes") or []):
        try:
            _add_change(scan, change, providers, configs, shown, changed_only, before)
        except RecursionError:
            raise PlanError(f"{path}: resource_changes[{index}] is nested too deeply to read") from None
    return scan


def _add_change(scan: PlanScan, change: Mapping[str, Any], providers, configs, shown: str,
                changed_only: bool, before: bool) -> None:
    if change.get("mode") != "managed":
        return
    if not _is_aws(change):
        scan.other_providers += 1
        return
    body = change.get("change") or {}
    actions = set(body.get("actions") or [])
    if before:
        if body.get("before") is not None:
            scan.resources.append(resource(change, providers, configs, shown, state="before"))
        return
    if actions <= {"delete", "forget"} and actions:  # gone after apply (or no longer managed)
        scan.skipped_deleted += 1
        return
    if changed_only and not (actions & CHANGED):
        scan.skipped_unchanged += 1
        return
    scan.resources.append(resource(change, providers, configs, shown))


def _is_aws(change: Mapping[str, Any]) -> bool:
    provider = change.get("provider_name") or ""
    # Terraform 0.12 writes the local name with the alias ("aws.east"); later ones the source address
    return (provider.endswith("/aws") or provider.split(".")[0] == "aws"
            or (not provider and str(change.get("type", "")).startswith("aws_")))
