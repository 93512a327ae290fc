"""``tagcheck aws``: audit live AWS accounts (DESIGN.md §5), or the moto demo with ``--demo``.

boto3, botocore and moto are imported inside the command only (``tagcheck --version`` and
``scan`` must not load them). The options are read here, the progress line is cli/progress.py's
(on a terminal only), and the audit itself is ``app.collect_aws``.

Coverage is never silent: besides ``summary.scan.coverage`` in the report, every
collector that was denied or failed is listed on stderr, whatever the format.
"""

from __future__ import annotations

from pathlib import Path

import click

from tagcheck import app
from tagcheck.cli.errors import BadInput, bad_input
from tagcheck.cli.options import live_options, output_options, progress_option, region_name_ok
from tagcheck.cli.output import finish, load_policy
from tagcheck.cli.progress import audit_summary, run_audit

_MAX_PROBLEM_LINES = 20


def _check_options(regions, all_regions, assume_role, accounts, organization, demo, profile) -> None:
    if regions and all_regions:
        raise BadInput("--region and --all-regions exclude each other")
    bad = [r for r in regions if not region_name_ok(r)]
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


def _report_coverage(result) -> None:
    """The summary line (the progress line's last counts: each collector once, with its
    follow-ups), then every coverage entry that is not plainly ok — collectors, their
    follow-ups, an assumed role, Cost Explorer."""
    problems = [c for c in result.coverage if c["status"] != "ok" or c.get("partial")]
    click.echo(audit_summary(result.progress, len(result.accounts), len(result.regions), result.api_calls), err=True)
    from tagcheck.report.escape import one_line  # AWS error messages can carry any text

    for entry in problems[:_MAX_PROBLEM_LINES]:
        click.echo(f"tagcheck: aws: {entry['status']}: {entry['account']} {entry['region']} {entry['service']} "
                   f"{entry['collector']}: {one_line(entry['message'])}", err=True)
    if len(problems) > _MAX_PROBLEM_LINES:
        click.echo(f"tagcheck: aws: … {len(problems) - _MAX_PROBLEM_LINES} more in summary.scan.coverage", err=True)


def _audit(options, progress: bool) -> app.Collected:
    def collect(counts):
        options.progress = counts
        with bad_input():
            return app.collect_aws(options)

    return run_audit(collect, enabled=progress)


@click.command("aws")
@output_options
@live_options
@progress_option
def aws_command(profile, regions, all_regions, services, assume_role, accounts, organization, max_workers, cost_explorer,
                demo, policy_path, formats, outputs, fail_on, sort, no_progress, **common) -> None:
    """Audit live AWS accounts (read-only): tags, governance, cost levers with live evidence."""
    # before any AWS call; why: the docstrings of report/findings/sarif.py and codequality.py
    in_files = next((fmt for fmt in formats if fmt in ("sarif", "codequality")), None)
    if in_files:
        raise BadInput(f"-f {in_files} is not available for a live audit: code scanning and code quality take only "
                       "results located in files of the repository, and live resources have none (an upload would "
                       "be rejected). Use -f json, markdown, junit, github, text or html; `tagcheck scan` and "
                       f"`tagcheck plan` write {in_files} for the code")
    policy, collected = collect_live(policy_path, profile=profile, regions=regions, all_regions=all_regions,
                                     services=services, assume_role=assume_role, accounts=accounts,
                                     organization=organization, max_workers=max_workers,
                                     cost_explorer=cost_explorer, demo=demo, progress=not no_progress)
    finish(collected, policy, formats, outputs, fail_on, sort, **common)


def collect_live(policy_path: Path | None, *, profile=None, regions=(), all_regions=False, services=None,
                 assume_role=None, accounts=None, organization=False, max_workers=8, cost_explorer=False,
                 demo=False, progress=True) -> tuple[object, app.Collected]:
    """The live source as the commands use it (``aws``, ``report --aws``): check the options,
    load the policy, audit (with a progress line on a terminal, unless not ``progress``),
    report coverage on stderr → (policy, collected)."""
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
    policy = load_policy(policy_path, Path("."))

    from tagcheck.sources.aws.audit import AuditOptions

    options = AuditOptions(profile=profile, regions=tuple(dict.fromkeys(regions)), all_regions=all_regions,
                           services=chosen, assume_role=assume_role, accounts=account_ids, organization=organization,
                           max_workers=max_workers, metrics_days=cpu_window_days(policy), cost_explorer=cost_explorer,
                           cost_tag_keys=tuple(policy.required))
    if demo:
        import importlib.util

        if importlib.util.find_spec("moto") is None:
            raise BadInput("--demo needs moto, which is not installed: pip install 'tagcheck[demo]'")
        from tagcheck.sources.aws.demo import REGIONS, demo_account

        options.regions = options.regions or REGIONS
        with demo_account(options.cost_tag_keys if cost_explorer else ()):
            collected = _audit(options, progress)
    else:
        collected = _audit(options, progress)
    _report_coverage(collected.audit)
    if demo:
        collected.info["demo"] = True
    return policy, collected
