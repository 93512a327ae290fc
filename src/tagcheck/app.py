"""What every command does between its options and its output, without click.

A command collects resources from one source — :func:`collect_terraform`, :func:`collect_plan`
or :func:`collect_aws` — into a :class:`Collected`, loads the policy (:func:`load_policy`) and
runs the engine on them (:func:`check`). The command line (``tagcheck.cli``) only reads
options and writes what comes back; bad input is an :class:`InputError`, which it prints and
exits 2 for.

Each source is imported inside its collector, so a command pays only for its own
(``tagcheck scan`` never imports boto3; a warm scan never imports the parser).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence


class InputError(Exception):
    """Input tagcheck cannot work with (a path, a policy, a plan, an option's value)."""


@dataclass
class Collected:
    """What a source read: resources, the problems met reading them (findings-to-be), and
    ``info`` — what the JSON summary says about the input (``summary.scan``)."""

    resources: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)
    audit: Any = None  # the live audit's own result (its coverage, for the progress lines)


# --- policy, prices and the engine ---------------------------------------------------------

def parse_cache(cache_dir: Path | None, no_cache: bool = False):
    from tagcheck.sources.terraform.cache import ParseCache, default_cache_dir

    return ParseCache(None if no_cache else (cache_dir or default_cache_dir()))


def load_policy(policy_path: Path | None, start: Path, cache=None, note: Callable[[str], None] = print):
    """The policy, validated once per content (the cache remembers a text that passed);
    ``note`` hears about rules the policy configures that this version does not have."""
    from tagcheck.policy import PolicyError, load_policy as load
    from tagcheck.rules import rule_schemas

    if cache is None:
        cache = parse_cache(None)
    schemas = rule_schemas()
    try:
        policy = load(policy_path, start=start if start.is_dir() else start.parent, rule_schemas=schemas,
                      validated=cache)
    except PolicyError as exc:
        raise InputError(str(exc)) from None
    for rule_id in sorted(set(policy.rules) - set(schemas)):
        note(f"the policy configures {rule_id}, which this version does not have; ignored")
    return policy


def prices_for(policy):
    from tagcheck import engine

    try:
        return engine.pricebook_for(policy)
    except ValueError as exc:
        raise InputError(f"{policy.source}: cost.prices: {exc}") from None


def load_baseline(path: Path | None):
    if path is None:
        return None
    from tagcheck.baseline import Baseline, BaselineError

    try:
        return Baseline.load(path)
    except BaselineError as exc:
        raise InputError(str(exc)) from None


def usage_for(policy, usage_file: Path | None = None):
    """The usage quantities of a run (cost/usage.py): ``--usage-file``, else the policy's
    ``cost.usage`` (a path relative to the policy file, or the mapping itself), else none."""
    from tagcheck.cost.usage import NO_USAGE, UsageError, load_usage, parse_usage

    given = policy.cost.usage
    try:
        if usage_file is not None:
            return load_usage(usage_file)
        if isinstance(given, str):
            base = Path(policy.source).parent if policy.source else Path.cwd()
            return load_usage(base / given)
        if given:
            return parse_usage(dict(given), f"{policy.source}: cost.usage")
    except UsageError as exc:
        raise InputError(str(exc)) from None
    return NO_USAGE


def check(collected: Collected, policy, prices=None, baseline=None, usage=None):
    """The engine on what was collected → RunResult."""
    from tagcheck import engine

    return engine.run(collected.resources, collected.problems, policy,
                      prices=prices if prices is not None else prices_for(policy), scan_info=collected.info,
                      baseline=baseline, usage=usage)


def showback(result, policy, prices, usage=None, **options) -> dict:
    """The showback document of a run (``tagcheck.cost.allocation.build``'s options)."""
    from tagcheck.cost.allocation import build
    from tagcheck.cost.estimate import CostModel

    return build(result, policy, CostModel(prices, result.resources, usage=usage), **options)


def sarif_prefix(root: Path | None = None, cwd: Path | None = None) -> str:
    """The working directory relative to ``root`` (default: the top of its git repository,
    else itself) as a URI prefix ("infra/"), "" when they are the same or it lies outside."""
    import os

    from tagcheck.sources.terraform.moduledir import repository_top

    cwd = (cwd or Path.cwd()).resolve()
    root = (root.resolve() if root is not None else None) or repository_top(cwd) or cwd
    relative = os.path.relpath(cwd, root)
    if relative == "." or relative.startswith(".."):
        return ""
    return Path(relative).as_posix() + "/"


def coverage_change(before: dict, after: dict) -> dict:
    """Coverage by dollars before and after; None where there were no priced dollars."""
    was = before["coverage_pct_usd"] if before.get("monthly_usd") else None
    now = after["coverage_pct_usd"] if after.get("monthly_usd") else None
    return {"coverage_before_pct_usd": was, "coverage_after_pct_usd": now,
            "coverage_change_pts": round(now - was, 1) if was is not None and now is not None else None}


# --- Terraform ------------------------------------------------------------------------------

def parse_vars(variables: Sequence[str]) -> dict[str, str]:
    """``--var NAME=VALUE`` items → {NAME: VALUE}."""
    parsed = {}
    for item in variables:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(f"--var {item!r}: expected NAME=VALUE")
        parsed[name.strip()] = value
    return parsed


def root_inputs(var_files: Sequence[Path], variables: Sequence[str], workspace: str | None = None):
    from tagcheck.sources.terraform.inputs import RootInputs

    for var_file in var_files:
        if not var_file.is_file():
            raise InputError(f"{var_file}: variables file not found")
    return RootInputs(list(var_files), parse_vars(variables), workspace)


def collect_terraform(paths: list[Path], inputs, *, cache=None, jobs: int = 1, max_file_bytes: int | None = None,
                      diff_base: str | None = None, policy=None, allow_empty: bool = False,
                      include_untracked: bool = False,
                      progress: Callable[[str, int, int], None] | None = None,
                      warn: Callable[[str], None] | None = None) -> Collected:
    """Terraform code in ``paths``. ``diff_base``: only what changed since the merge base
    with that git ref (``policy`` then prices the coverage change of the whole tree;
    ``include_untracked``: untracked files count as changed).
    Paths holding no Terraform file at all are bad input — a mistyped path in CI must not
    pass as "0 findings" — unless ``allow_empty``. ``progress`` and ``warn``: the source's
    (sources.terraform.source.scan)."""
    from tagcheck.sources.terraform.source import ScanInputError, scan

    try:
        scanned = scan(paths, inputs, cache=cache, jobs=jobs, max_file_bytes=max_file_bytes, progress=progress,
                       warn=warn)
    except ScanInputError as exc:
        raise InputError(str(exc)) from None
    if not scanned.roots and not allow_empty:
        shown = ", ".join(str(p) for p in paths)
        raise InputError(f"no Terraform files (.tf, .tf.json) in {shown}; check the path, or pass --allow-empty")
    collected = Collected(scanned.resources, scanned.problems, {"source": "terraform"})
    zeros = scanned.zero_instances
    if diff_base:
        collected, files = _only_changed(scanned, diff_base, paths, inputs, policy, cache=cache, jobs=jobs,
                                         max_file_bytes=max_file_bytes, include_untracked=include_untracked)
        zeros = [z for z in zeros if (scanned.cwd / z.location.file).resolve() in files]
    collected.info.update(_scan_facts(scanned, zeros))
    return collected


def _scan_facts(scanned, zeros: list) -> dict:
    """What the JSON summary says about how the Terraform was read: the workspace, and the
    blocks that evaluated to no instance (nothing of them was checked; with --diff-base, those
    in the changed files)."""
    names = {name for name, _ in scanned.workspaces.values()}
    if len(names) <= 1:
        name, origin = next(iter(scanned.workspaces.values()), ("default", "default"))
        workspace: dict = {"workspace": name, "workspace_from": origin}
    else:  # roots with different .terraform/environment files
        workspace = {"workspace": {root: name for root, (name, _) in scanned.workspaces.items()},
                     "workspace_from": ".terraform/environment"}
    blocks = [{"address": z.address, "kind": z.kind, "file": z.location.file, "line": z.location.line,
               "expression": z.expression, "value": z.value} for z in zeros]
    blocks.sort(key=lambda b: (b["file"] or "", b["line"] or 0, b["address"]))
    return {**workspace, "zero_instances": {"count": len(blocks), "blocks": blocks}}


def _only_changed(scanned, diff_base: str, paths: list[Path], inputs, policy, **options) -> tuple[Collected, set]:
    """The resources the change since the merge base touches (sources.terraform.diff), the
    problems in its files, and ``info``: what was skipped, what was removed (resources at the
    merge base that are gone now: listed, never findings) and the allocation coverage before
    and after. ``options``: diff.compare_with_base's."""
    from tagcheck.sources.terraform.diff import DiffError, compare_with_base

    try:
        diff = compare_with_base(scanned, diff_base, paths, inputs, **options)
    except DiffError as exc:
        raise InputError(f"--diff-base {diff_base}: {exc}") from None
    resources = [r for r in scanned.resources if r.identity in diff.changed]
    problems = [p for p in scanned.problems
                if p.location.file is None or (scanned.cwd / p.location.file).resolve() in diff.files]
    info = {"source": "terraform", "diff_base": diff_base, "merge_base": diff.merge_base,
            "skipped_unchanged": len(scanned.resources) - len(resources), "removed": diff.removed}
    info.update(_coverage_change_since(diff.before or [], scanned.resources, policy))
    return Collected(resources, problems, info), diff.files


def _coverage_change_since(before: list, after: list, policy) -> dict:
    """Allocation coverage of the whole scanned tree at the merge base and now."""
    from tagcheck.cost.allocation import allocation_of

    prices = prices_for(policy)
    return coverage_change(allocation_of(before, policy, prices), allocation_of(after, policy, prices))


# --- plans ------------------------------------------------------------------------------------

def collect_plan(plan_file: Path, *, changed_only: bool = False, policy=None, config_dir: Path | None = None) -> Collected:
    """A plan's JSON (``terraform show -json``). With ``policy``, ``info`` also holds the
    allocation coverage before the plan and after it (every resource, even with
    ``changed_only``). Resources are located at their blocks in ``config_dir``, the root
    module the plan was made in (default: the plan's directory if it holds Terraform files;
    sources/plan_locations.py), else at the plan file."""
    from tagcheck.sources.plan import PlanError, load_plan
    from tagcheck.sources.plan_locations import ConfigDirError, place, shown

    try:
        scanned = load_plan(plan_file, changed_only=changed_only, display=shown(plan_file, Path.cwd()))
        placed = place(scanned.resources, scanned.configuration, plan_file, config_dir, parse_cache(None))
    except (PlanError, ConfigDirError) as exc:
        raise InputError(str(exc)) from None
    info = {"source": "plan", "skipped_unchanged": scanned.skipped_unchanged,
            "skipped_deleted": scanned.skipped_deleted, "other_provider_resources": scanned.other_providers,
            "source_positions": placed.info}
    if policy is not None:
        from tagcheck.cost.allocation import allocation_of

        prices = prices_for(policy)
        everything_after = load_plan(plan_file).resources if changed_only else scanned.resources
        info.update(coverage_change(allocation_of(load_plan(plan_file, before=True).resources, policy, prices),
                                    allocation_of(everything_after, policy, prices)))
    return Collected(placed.resources, [], info)


# --- the live account -------------------------------------------------------------------------

def collect_aws(options) -> Collected:
    """Audit live accounts with ``options`` (sources.aws.audit.AuditOptions; ``progress``
    hears about each collector). ``info`` holds the coverage of every collector."""
    from tagcheck.sources.aws.audit import run_audit
    from tagcheck.sources.aws.session import AuditInputError

    try:
        result = run_audit(options)
    except AuditInputError as exc:
        raise InputError(str(exc)) from None
    return Collected(result.resources, [], result.scan_info(), audit=result)
