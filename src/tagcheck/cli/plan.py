"""``tagcheck plan``: the JSON of ``terraform show -json PLANFILE``."""

from __future__ import annotations

from pathlib import Path

import click

from tagcheck import app
from tagcheck.cli.errors import bad_input
from tagcheck.cli.options import output_options
from tagcheck.cli.output import finish, load_policy


@click.command("plan")
@click.argument("plan_file", type=click.Path(path_type=Path))
@output_options
@click.option("--changed-only", is_flag=True,
              help="Only resources the plan creates, updates or replaces (skip no-op).")
@click.option("--config-dir", type=click.Path(path_type=Path), metavar="DIR",
              help="The root module the plan was made in, to show each resource at its block's file and line "
                   "(default: the plan file's directory when it holds .tf files; else findings point at the plan).")
def plan_command(plan_file, policy_path, formats, outputs, fail_on, sort, changed_only, config_dir, **output) -> None:
    """Check a plan: the JSON of `terraform show -json PLANFILE`."""
    policy = load_policy(policy_path, plan_file if plan_file.exists() else Path("."))
    with bad_input():
        collected = app.collect_plan(plan_file, changed_only=changed_only, policy=policy, config_dir=config_dir)
    finish(collected, policy, formats, outputs, fail_on, sort, **output)
