"""``tagcheck report``: the showback report (cost by team, feature, component …).

One source per run: Terraform ``PATHS`` (as ``scan``, with ``--var-file``/``--var``), a plan
(``--plan PLAN.json``), or the live account (``--aws`` with the options of ``tagcheck aws``).
The engine runs as for the other commands; :func:`tagcheck.showback.build` aggregates the
result and one ``--format`` renders it: ``html`` (default, written to
``tagcheck-report.html`` unless ``--output`` says otherwise), ``markdown``, ``csv`` or
``json`` (to stdout unless ``--output FILE``; ``--output -`` is stdout for any format).

A one-line summary goes to stderr whatever the format: total, allocation coverage by
dollars, unallocated dollars, possible saving — and the ``--min-allocation`` verdict.

Exit status (DESIGN.md §3): 0; 1 when allocation coverage (by dollars) is below
``--min-allocation``, or a finding is at or above ``--fail-on`` (default ``never``: a report
is an artefact, not a gate, unless asked to be one); 2 bad input; 3 internal error.

Live source: ``report`` takes the live options of the ``aws`` command (the very same click
parameters, so the two never drift apart: ``--profile``, ``--region``, ``--all-regions``,
``--services``, ``--assume-role``, ``--accounts``, ``--organization``, ``--max-workers``,
``--cost-explorer``, ``--demo``) and collects through
``tagcheck.cli_aws.collect_resources``, as ``tagcheck aws`` does.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from tagcheck.cli import BadInput, _load_policy, allocation_gate, write_output

REPORT_FORMATS = ("html", "markdown", "csv", "json")
DEFAULT_HTML = "tagcheck-report.html"

# parameters of `tagcheck aws` that report has its own version of (or does not take)
_NOT_LIVE = {"formats", "outputs", "fail_on", "sort", "docs_url", "min_allocation", "baseline_path",
             "write_baseline", "policy_path"}


def _live_params() -> list[click.Parameter]:
    """The live-source options of ``tagcheck aws``, when the live audit is installed."""
    try:
        from tagcheck.cli_aws import aws_command
    except ImportError:
        return []
    own = {"paths", "var_files", "variables", "plan_file", "aws", "fmt", "output", "top", "title",
           *(_NOT_LIVE)}
    own_flags = {"--var-file", "--var", "--plan", "--aws", "--format", "-f", "--output", "-o", "--policy",
                 "--fail-on", "--min-allocation", "--top", "--title"}
    return [p for p in aws_command.params
            if isinstance(p, click.Option) and p.name not in own and not (set(p.opts) | set(p.secondary_opts)) & own_flags]


LIVE_PARAMS = _live_params()


@click.command("report")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--var-file", "var_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Terraform variables file, as terraform plan -var-file (repeatable).")
@click.option("--var", "variables", multiple=True, metavar="NAME=VALUE",
              help="Terraform variable, as terraform plan -var (repeatable).")
@click.option("--plan", "plan_file", type=click.Path(dir_okay=False, path_type=Path), metavar="PLAN.json",
              help="Report on a plan (`terraform show -json PLANFILE`) instead of Terraform code.")
@click.option("--aws", is_flag=True, help="Report on the live AWS account (takes the options of `tagcheck aws`).")
@click.option("--policy", "policy_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Policy file (default: .tagcheck.yaml found upward, else finops-baseline).")
@click.option("--format", "-f", "fmt", type=click.Choice(REPORT_FORMATS), default="html", show_default=True,
              help="Report format.")
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False),
              help=f"Write the report to FILE ('-': stdout). Default: {DEFAULT_HTML} for html, stdout otherwise.")
@click.option("--min-allocation", type=click.FloatRange(0, 100), metavar="PCT",
              help="Exit 1 when allocation coverage (share of estimated dollars fully tagged) is below PCT.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default="never",
              show_default=True, help="Lowest finding severity that makes the exit status 1.")
@click.option("--top", type=click.IntRange(0, 10_000), default=25, show_default=True,
              help="How many findings the top-findings table keeps (most dollars first).")
@click.option("--title", default="tagcheck showback", show_default=True, help="Report title.")
def report_command(paths, var_files, variables, plan_file, aws, policy_path, fmt, output, min_allocation, fail_on, top,
                   title, **live) -> None:
    """Showback: estimated monthly cost by team, feature, component and every required tag,
    unallocated spend, allocation coverage, savings by lever and by team."""
    from tagcheck import engine, showback
    from tagcheck.cli import _prices
    from tagcheck.cost import CostModel

    chosen = [name for name, on in (("PATHS", bool(paths)), ("--plan", plan_file is not None), ("--aws", aws)) if on]
    if len(chosen) > 1:
        raise BadInput(f"report takes one source: {' and '.join(chosen)} given")
    if (var_files or variables) and (plan_file is not None or aws):
        raise BadInput("--var-file and --var apply to Terraform PATHS only")
    ctx = click.get_current_context()
    given_live = [p.opts[0] for p in LIVE_PARAMS
                  if ctx.get_parameter_source(p.name) is click.core.ParameterSource.COMMANDLINE]
    if given_live and not aws:
        raise BadInput(f"{given_live[0]} applies to the live source only: add --aws")

    if aws:
        policy, resources, problems, info = _collect_live(policy_path, live)
    elif plan_file is not None:
        policy = _load_policy(policy_path, plan_file if plan_file.exists() else Path("."))
        resources, problems, info = _collect_plan(plan_file)
    else:
        paths = list(paths) or [Path(".")]
        policy = _load_policy(policy_path, paths[0])
        resources, problems, info = _collect_terraform(paths, var_files, variables)

    prices = _prices(policy)
    result = engine.run(resources, problems, policy, prices=prices, scan_info=info)
    document = showback.build(result, policy, CostModel(prices, result.resources), top=top,
                              min_allocation=min_allocation, policy_label=_display_path(policy.source))
    text = showback.render(fmt, document, title=title)

    target = output if output is not None else (DEFAULT_HTML if fmt == "html" else "-")
    write_output(text, target)

    status = engine.exit_status(result, fail_on)
    click.echo(_summary(document) + (f"; wrote {target}" if target != "-" else ""), err=True)
    status = max(status, allocation_gate(document["allocation"]["coverage_pct_usd"], min_allocation))
    raise click.exceptions.Exit(status)


report_command.params.extend(LIVE_PARAMS)  # the very Option objects of `tagcheck aws`


def _summary(doc) -> str:
    totals, alloc = doc["totals"], doc["allocation"]
    line = (f"tagcheck: report: ${totals['monthly_usd']:,.2f}/mo estimated over {totals['resources']} resources; "
            f"allocation coverage {alloc['coverage_pct_usd']}% of estimated dollars; "
            f"${alloc['unallocated_monthly_usd']:,.2f}/mo unallocated")
    if alloc["unknown_monthly_usd"]:
        line += f", ${alloc['unknown_monthly_usd']:,.2f}/mo unknown"
    line += f"; possible saving ${totals['possible_saving_monthly_usd']:,.2f}/mo"
    if totals["resources_unpriced"]:
        count = totals["resources_unpriced"]
        line += f"; {count} resource{'s' if count != 1 else ''} not priced"
    return line


def _display_path(path: str | None) -> str | None:
    """A policy path relative to the working directory when it lies under it (stable output)."""
    if not path:
        return path
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return relative if not relative.startswith("..") else path


def _collect_terraform(paths: list[Path], var_files, variables):
    from tagcheck.cli import _parse_vars
    from tagcheck.sources.terraform.inputs import RootInputs
    from tagcheck.sources.terraform.source import ScanInputError, scan as scan_terraform

    for var_file in var_files:
        if not var_file.is_file():
            raise BadInput(f"{var_file}: variables file not found")
    inputs = RootInputs(list(var_files), _parse_vars(variables))
    try:
        scanned = scan_terraform(paths, inputs)
    except ScanInputError as exc:
        raise BadInput(str(exc)) from None
    return scanned.resources, scanned.problems, {"source": "terraform", "inputs": [str(p) for p in paths]}


def _collect_plan(plan_file: Path):
    from tagcheck.sources.plan import PlanError, load_plan

    try:
        scanned = load_plan(plan_file)
    except PlanError as exc:
        raise BadInput(str(exc)) from None
    info = {"source": "plan", "inputs": [str(plan_file)], "skipped_deleted": scanned.skipped_deleted,
            "other_provider_resources": scanned.other_providers}
    return scanned.resources, [], info


def _collect_live(policy_path: Path | None, options: dict):
    """(policy, resources, problems, scan_info) of the live audit, as ``tagcheck aws`` collects them."""
    try:
        from tagcheck.cli_aws import collect_resources
    except ImportError:
        raise BadInput("--aws: live audit not available in this installation; "
                       "report on Terraform PATHS or --plan PLAN.json instead") from None
    return collect_resources(policy_path, **options)
