"""``tagcheck report``: the showback report (cost by team, feature, component …).

One source per run: Terraform ``PATHS`` (as ``scan``, with ``--var-file``/``--var``, through
the same cache), a plan (``--plan PLAN.json``), or the live account (``--aws`` with the
options of ``tagcheck aws``). The engine runs as for the other commands;
:func:`tagcheck.cost.allocation.build` aggregates the result and one ``--format`` renders it:
``html`` (default, written to ``tagcheck-report.html`` unless ``--output`` says otherwise),
``markdown``, ``csv`` or ``json`` (to stdout unless ``--output FILE``; ``--output -`` is
stdout for any format).

A one-line summary goes to stderr whatever the format: total, allocation coverage by
dollars, unallocated dollars, possible saving — and the ``--min-allocation`` verdict.

Exit status (DESIGN.md §3): 0; 1 when allocation coverage (by dollars) is below
``--min-allocation``, or a finding is at or above ``--fail-on`` (default ``never``: a report
is an artefact, not a gate, unless asked to be one); 2 bad input; 3 internal error.

Live source: ``report`` takes the live options of the ``aws`` command, declared once in
``cli.options.live_options`` (``--profile``, ``--region``, ``--all-regions``, ``--services``,
``--assume-role``, ``--accounts``, ``--organization``, ``--max-workers``, ``--cost-explorer``,
``--demo``) and collects through ``cli.aws.collect_live``, as ``tagcheck aws`` does.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from tagcheck import app
from tagcheck.cli.errors import BadInput, bad_input
from tagcheck.cli.options import (
    LIVE_OPTION_NAMES, fail_on_option, live_options, min_allocation_option, policy_option, terraform_input_options,
    usage_file_option,
)
from tagcheck.cli.output import allocation_gate, load_policy, write_output
from tagcheck.report import formats

DEFAULT_HTML = "tagcheck-report.html"


@click.command("report")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@terraform_input_options
@click.option("--plan", "plan_file", type=click.Path(dir_okay=False, path_type=Path), metavar="PLAN.json",
              help="Report on a plan (`terraform show -json PLANFILE`) instead of Terraform code.")
@click.option("--aws", is_flag=True, help="Report on the live AWS account (takes the options of `tagcheck aws`).")
@policy_option
@click.option("--format", "-f", "fmt", type=click.Choice(formats("showback")), default="html", show_default=True,
              help="Report format.")
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False),
              help=f"Write the report to FILE ('-': stdout). Default: {DEFAULT_HTML} for html, stdout otherwise.")
@min_allocation_option
@fail_on_option("never")
@click.option("--top", type=click.IntRange(0, 10_000), default=25, show_default=True,
              help="How many findings the top-findings table keeps (most dollars first).")
@click.option("--title", default="tagcheck showback", show_default=True, help="Report title.")
@usage_file_option
@live_options
def report_command(paths, var_files, variables, plan_file, aws, policy_path, fmt, output, min_allocation, fail_on, top,
                   title, usage_file, **live) -> None:
    """Showback: estimated monthly cost by team, feature, component and every required tag,
    unallocated spend, allocation coverage, savings by lever and by team."""
    from tagcheck import engine
    from tagcheck.report import render

    chosen = [name for name, on in (("PATHS", bool(paths)), ("--plan", plan_file is not None), ("--aws", aws)) if on]
    if len(chosen) > 1:
        raise BadInput(f"report takes one source: {' and '.join(chosen)} given")
    if (var_files or variables) and (plan_file is not None or aws):
        raise BadInput("--var-file and --var apply to Terraform PATHS only")
    ctx = click.get_current_context()
    given_live = [p.opts[0] for p in ctx.command.params if p.name in LIVE_OPTION_NAMES
                  and ctx.get_parameter_source(p.name) is click.core.ParameterSource.COMMANDLINE]
    if given_live and not aws:
        raise BadInput(f"{given_live[0]} applies to the live source only: add --aws")

    if aws:
        try:
            from tagcheck.cli.aws import collect_live
        except ImportError:
            raise BadInput("--aws: live audit not available in this installation; "
                           "report on Terraform PATHS or --plan PLAN.json instead") from None
        policy, collected = collect_live(policy_path, **live)
    elif plan_file is not None:
        policy = load_policy(policy_path, plan_file if plan_file.exists() else Path("."))
        with bad_input():
            collected = app.collect_plan(plan_file)
        collected.info = {"source": "plan", "inputs": [str(plan_file)], **{
            k: collected.info[k] for k in ("skipped_deleted", "other_provider_resources")}}
    else:
        paths = list(paths) or [Path(".")]
        cache = app.parse_cache(None)
        policy = load_policy(policy_path, paths[0], cache)
        with bad_input():
            collected = app.collect_terraform(paths, app.root_inputs(var_files, variables), cache=cache,
                                              jobs=os.cpu_count() or 1)
        collected.info = {"source": "terraform", "inputs": [str(p) for p in paths]}

    with bad_input():
        prices = app.prices_for(policy)
        usage = app.usage_for(policy, usage_file)
    result = app.check(collected, policy, prices, usage=usage)
    document = app.showback(result, policy, prices, usage, top=top, min_allocation=min_allocation,
                            policy_label=_display_path(policy.source))
    text = render("showback", fmt, document, title=title)

    target = output if output is not None else (DEFAULT_HTML if fmt == "html" else "-")
    write_output(text, target)

    status = engine.exit_status(result, fail_on)
    click.echo(_summary(document) + (f"; wrote {target}" if target != "-" else ""), err=True)
    status = max(status, allocation_gate(document["allocation"]["coverage_pct_usd"], min_allocation))
    raise click.exceptions.Exit(status)


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
