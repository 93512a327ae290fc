"""Options that several commands share, declared once."""

from __future__ import annotations

import re
from pathlib import Path

import click

from tagcheck.model import FAIL_ON
from tagcheck.report import RUN_FORMATS


def _apply(fn, options):
    for option in reversed(options):
        fn = option(fn)
    return fn


def policy_option(fn):
    return click.option("--policy", "policy_path", type=click.Path(dir_okay=False, path_type=Path),
                        help="Policy file (default: .tagcheck.yaml found upward, else finops-baseline).")(fn)


def fail_on_option(default: str):
    return click.option("--fail-on", type=click.Choice(FAIL_ON), default=default, show_default=True,
                        help="Lowest severity that makes the exit status 1.")


def min_allocation_option(fn):
    return click.option("--min-allocation", type=click.FloatRange(0, 100), metavar="PCT",
                        help="Exit 1 when allocation coverage (share of estimated dollars fully tagged) is below "
                             "PCT.")(fn)


def usage_file_option(fn):
    return click.option("--usage-file", type=click.Path(dir_okay=False, exists=True, path_type=Path), metavar="FILE",
                        help="Usage quantities the code cannot show (S3 GB stored, NAT GB processed, log GB), for "
                             "usage-based charges (default: the policy's cost.usage).")(fn)


def output_options(fn):
    """What scan, plan and aws write, and when they fail: policy_path, formats, outputs,
    fail_on and sort by name; the others (baseline_path, write_baseline, min_allocation,
    docs_url, sarif_root, usage_file, color, compact, max_comment_chars) are passed on to ``cli.output.finish`` as they are."""
    return _apply(fn, [
        policy_option,
        fail_on_option("error"),
        click.option("--sort", type=click.Choice(["location", "cost"]), default="location", show_default=True,
                     help="Order of text output: by file and line, or by monthly cost (most expensive first)."),
        click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=Path),
                     help="Report only findings not recorded in this baseline FILE."),
        click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path),
                     help="Record the current findings as the baseline in FILE."),
        min_allocation_option,
        click.option("--sarif-root", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
                     help="SARIF and codequality paths are relative to DIR (default: the git repository's top directory)."),
        click.option("--docs-url", envvar="TAGCHECK_DOCS_URL", metavar="URL",
                     help="Where the rule docs are published: SARIF helpUri and Markdown links use URL#rule-id."),
        usage_file_option,
        click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
                     help="Colour in text output: auto is on a terminal only, and off with NO_COLOR or TERM=dumb."),
        click.option("--compact", is_flag=True, help="Text output: one line per finding, no fix blocks."),
        click.option("--max-comment-chars", type=click.IntRange(1_000), metavar="N",
                     help="Markdown output (a PR comment): at most N characters (default 60,000; GitHub takes 65,536)."),
        click.option("--format", "-f", "formats", multiple=True, type=click.Choice(sorted(RUN_FORMATS)),
                     help="Output format; repeat with --output for several."),
        click.option("--output", "-o", "outputs", multiple=True, type=click.Path(dir_okay=False),
                     help="Write the --format given just before it to FILE; a format without one goes to stdout."),
    ])


def progress_option(fn):
    """``--no-progress`` (scan, aws): the progress line is on a terminal's stderr only anyway."""
    return click.option("--no-progress", is_flag=True,
                        help="No progress line on stderr (shown only when stderr is a terminal and TERM is not "
                             "dumb).")(fn)


def terraform_input_options(fn):
    """Values from outside the code, as terraform plan takes them."""
    return _apply(fn, [
        click.option("--var-file", "var_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
                     help="Terraform variables file, as terraform plan -var-file (repeatable)."),
        click.option("--var", "variables", multiple=True, metavar="NAME=VALUE",
                     help="Terraform variable, as terraform plan -var (repeatable)."),
    ])


# --- the live account: `tagcheck aws` and `tagcheck report --aws` ---------------------------

LIVE_OPTION_NAMES = ("profile", "regions", "all_regions", "services", "assume_role", "accounts", "organization",
                     "max_workers", "cost_explorer", "demo")
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$")


def live_options(fn):
    """Where and what to audit. ``report`` takes the same, so the two never drift apart."""
    return _apply(fn, [
        click.option("--profile", metavar="NAME", help="AWS profile of the shared config/credentials files."),
        click.option("--region", "regions", multiple=True, metavar="REGION",
                     help="Region to audit (repeatable). Default: the session's region, else us-east-1."),
        click.option("--all-regions", is_flag=True, help="Every region enabled for the account (ec2:DescribeRegions)."),
        click.option("--services", metavar="LIST",
                     help="Comma list of collectors: ec2, elbv2, autoscaling, rds, s3, lambda, dynamodb, eks, ecs, "
                          "elasticache, efs, logs, cloudwatch (CPU metrics). Default: all."),
        click.option("--assume-role", metavar="NAME",
                     help="Role to assume in each account of --accounts / --organization."),
        click.option("--accounts", metavar="ID,…", help="Member accounts to audit through --assume-role."),
        click.option("--organization", is_flag=True,
                     help="Audit every ACTIVE account of the organisation through --assume-role."),
        click.option("--max-workers", type=click.IntRange(1, 64), default=8, show_default=True,
                     help="Collectors running at once (accounts × regions × services)."),
        click.option("--cost-explorer", is_flag=True,
                     help="Also read last month's cost by required tag from Cost Explorer ($0.01 per request)."),
        click.option("--demo", is_flag=True,
                     help="Audit a demo account built in moto, in-process: no credentials, no network."),
    ])


def region_name_ok(region: str) -> bool:
    return bool(_REGION.match(region))
