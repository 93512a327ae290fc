"""``tagcheck aws``: audit live AWS accounts (DESIGN.md §5), or the moto demo with ``--demo``.

This module is imported by ``tagcheck.cli`` to register the command, so it must stay
light: boto3, botocore and moto are imported inside the command only (``tagcheck
--version`` must not load them). It reads the options, builds the audit, renders
progress on stderr, and hands the resources to ``cli._finish`` like ``scan`` does.

Coverage is never silent: besides ``summary.scan.coverage`` in the report, every
collector that was denied or failed is listed on stderr, whatever the format.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from tagcheck.cli import BadInput, _finish, _load_policy, _output_options
from tagcheck.cli import cli as _group

_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$")
_MAX_PROBLEM_LINES = 20


def _check_options(regions, all_regions, assume_role, accounts, organization, demo, profile) -> None:
    if regions and all_regions:
        raise BadInput("--region and --all-regions exclude each other")
    bad = [r for r in regions if not _REGION.match(r)]
    if bad:
        raise BadInput(f"--region {bad[0]!r} is not an AWS region name (e.g. us-east-1)")
    if (accounts or organization) and not assume_role:
        raise BadInput("--accounts and --organization need --assume-role NAME (the role to assume in each account)")
    if accounts and organization:
        raise BadInput("--accounts and --organization exclude each other")
    if assume_role and not (accounts or organization):
        raise BadInput("--assume-role needs --accounts ID,… or --organization")
    if assume_role and assume_role.startswith("arn:"):
        raise BadInput("--assume-role takes a role name (the same in every account), not an ARN")
    if demo and (profile or assume_role or all_regions):
        raise BadInput("--demo audits its own moto account: it takes no --profile, --assume-role or --all-regions")


class _Progress:
    """Per-collector progress on stderr: a rich bar when stderr is a terminal and rich is
    installed, plain lines on a terminal without it, nothing when stderr is redirected."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.bar = self.task = None
        if self.tty:
            try:
                from rich.console import Console
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
            except ImportError:
                return
            self.bar = Progress(TextColumn("{task.description:<40}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("auditing", total=None)

    def __call__(self, event) -> None:
        task = event.task
        label = f"{task.scope} {task.service} {task.collector}"
        if self.bar is not None:
            self.bar.update(self.task, total=event.total, completed=event.done, description=label[:40])
        elif self.tty:
            click.echo(f"tagcheck: aws: [{event.done}/{event.total}] {task.account} {label}: {event.status} "
                       f"({event.resources})", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _report_coverage(result) -> None:
    problems = [c for c in result.coverage if c["status"] != "ok" or c.get("partial")]
    counts = {s: sum(1 for c in result.coverage if c["status"] == s) for s in ("ok", "denied", "error")}
    click.echo(f"tagcheck: aws: {len(result.resources)} resources in {len(result.accounts)} account(s) × "
               f"{len(result.regions)} region(s); collectors: {counts['ok']} ok, {counts['denied']} denied, "
               f"{counts['error']} error; {result.api_calls} API calls", err=True)
    from tagcheck.report.escape import one_line  # AWS error messages can carry any text

    for entry in problems[:_MAX_PROBLEM_LINES]:
        click.echo(f"tagcheck: aws: {entry['status']}: {entry['account']} {entry['region']} {entry['service']} "
                   f"{entry['collector']}: {one_line(entry['message'])}", err=True)
    if len(problems) > _MAX_PROBLEM_LINES:
        click.echo(f"tagcheck: aws: … {len(problems) - _MAX_PROBLEM_LINES} more in summary.scan.coverage", err=True)


def _audit(options):
    from tagcheck.sources.aws.audit import run_audit
    from tagcheck.sources.aws.session import AuditInputError

    progress = _Progress()
    options.progress = progress
    try:
        return run_audit(options)
    except AuditInputError as exc:
        raise BadInput(str(exc)) from None
    finally:
        progress.close()


@click.command("aws")
@_output_options
@click.option("--profile", metavar="NAME", help="AWS profile of the shared config/credentials files.")
@click.option("--region", "regions", multiple=True, metavar="REGION",
              help="Region to audit (repeatable). Default: the session's region, else us-east-1.")
@click.option("--all-regions", is_flag=True, help="Every region enabled for the account (ec2:DescribeRegions).")
@click.option("--services", metavar="LIST",
              help="Comma list of collectors: ec2, elbv2, autoscaling, rds, s3, lambda, dynamodb, eks, ecs, "
                   "elasticache, efs, logs, cloudwatch (CPU metrics). Default: all.")
@click.option("--assume-role", metavar="NAME", help="Role to assume in each account of --accounts / --organization.")
@click.option("--accounts", metavar="ID,…", help="Member accounts to audit through --assume-role.")
@click.option("--organization", is_flag=True, help="Audit every ACTIVE account of the organisation through --assume-role.")
@click.option("--max-workers", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Collectors running at once (accounts × regions × services).")
@click.option("--cost-explorer", is_flag=True,
              help="Also read last month's cost by required tag from Cost Explorer ($0.01 per request).")
@click.option("--demo", is_flag=True, help="Audit a demo account built in moto, in-process: no credentials, no network.")
def aws_command(profile, regions, all_regions, services, assume_role, accounts, organization, max_workers, cost_explorer,
                demo, **common) -> None:
    """Audit live AWS accounts (read-only): tags, governance, cost levers with live evidence.

    ``common`` are the options of ``_output_options``, shared with ``scan``: they go to
    ``_finish`` as ``scan`` passes them (the positional ones by name here)."""
    policy, resources, problems, info = collect_resources(
        common.pop("policy_path"), profile=profile, regions=regions, all_regions=all_regions, services=services,
        assume_role=assume_role, accounts=accounts, organization=organization, max_workers=max_workers,
        cost_explorer=cost_explorer, demo=demo)
    positional = [common.pop(name) for name in ("formats", "outputs", "fail_on", "sort")]
    _finish(resources, problems, policy, *positional, info, **common)


def collect_resources(policy_path: Path | None, *, profile=None, regions=(), all_regions=False, services=None,
                      assume_role=None, accounts=None, organization=False, max_workers=8, cost_explorer=False,
                      demo=False):
    """The live source as the commands use it (``aws``, ``report --aws``): check the options,
    load the policy, audit, report coverage on stderr → (policy, resources, problems, scan_info)."""
    from tagcheck.rules.idle import cpu_window_days
    from tagcheck.sources.aws.services import parse_services

    _check_options(regions, all_regions, assume_role, accounts, organization, demo, profile)
    try:
        chosen = parse_services(services)
    except ValueError as exc:
        raise BadInput(f"--services: {exc}") from None
    account_ids: tuple[str, ...] = ()
    if accounts:
        from tagcheck.sources.aws.session import parse_accounts

        try:
            account_ids = tuple(parse_accounts(accounts))
        except ValueError as exc:
            raise BadInput(str(exc)) from None
    if demo and policy_path is None:
        from tagcheck.sources.aws.demo import policy_path as demo_policy

        policy_path = demo_policy()
    policy = _load_policy(policy_path, Path("."))

    from tagcheck.sources.aws.audit import AuditOptions

    options = AuditOptions(profile=profile, regions=tuple(dict.fromkeys(regions)), all_regions=all_regions,
                           services=chosen, assume_role=assume_role, accounts=account_ids, organization=organization,
                           max_workers=max_workers, metrics_days=cpu_window_days(policy), cost_explorer=cost_explorer,
                           cost_tag_keys=tuple(policy.required))
    if demo:
        from tagcheck.sources.aws.demo import REGIONS, demo_account

        options.regions = options.regions or REGIONS
        with demo_account(options.cost_tag_keys if cost_explorer else ()):
            result = _audit(options)
    else:
        result = _audit(options)
    _report_coverage(result)
    info = result.scan_info()
    if demo:
        info["demo"] = True
    return policy, result.resources, [], info


if "aws" not in _group.commands:  # imported before tagcheck.cli finished registering it
    _group.add_command(aws_command, "aws")
