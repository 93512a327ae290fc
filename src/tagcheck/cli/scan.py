"""``tagcheck scan``: Terraform code."""

from __future__ import annotations

import os
from pathlib import Path

import click

from tagcheck import app
from tagcheck.cli.errors import bad_input
from tagcheck.cli.options import output_options, progress_option, terraform_input_options
from tagcheck.cli.output import finish, load_policy
from tagcheck.cli.progress import run_scan


@click.command("scan")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@output_options
@terraform_input_options
@click.option("--workspace", metavar="NAME",
              help="terraform.workspace for the scan (default: the one .terraform/environment records, else default).")
@click.option("--diff-base", metavar="REF",
              help="Only resources a change since the merge base with git REF touches (e.g. origin/main): "
                   "their block, or a variable, tfvars value, local, provider, module argument, data source "
                   "or resource they read; resources removed since are listed, not reported.")
@click.option("--include-untracked", is_flag=True,
              help="With --diff-base: untracked files (not git-ignored) count as changed (default: ignored).")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None,
              help="Worker processes for parsing and evaluating what the cache does not hold "
                   "(default: the number of CPUs).")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Parse cache directory (default: $XDG_CACHE_HOME/tagcheck).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the parse cache.")
@click.option("--allow-empty", is_flag=True, help="Exit 0 when PATHS hold no Terraform file (default: bad input, exit 2).")
@click.option("--max-file-size", type=click.FloatRange(min=0), envvar="TAGCHECK_MAX_FILE_MB", metavar="MB",
              help="Files larger than this are reported (TC001) instead of parsed; 0: no limit. Default: 2.")
@progress_option
def scan(paths, policy_path, formats, outputs, fail_on, sort, var_files, variables, workspace, diff_base,
         include_untracked, jobs, cache_dir, no_cache, allow_empty, max_file_size, no_progress, **output) -> None:
    """Check Terraform code (.tf, .tf.json) in PATHS (directories or files; default: .)."""
    paths = list(paths) or [Path(".")]
    with bad_input():
        inputs = app.root_inputs(var_files, variables, workspace)
    cache = app.parse_cache(cache_dir, no_cache)
    policy = load_policy(policy_path, paths[0], cache)
    limit = None if max_file_size is None else (0 if max_file_size == float("inf") else int(max_file_size * 2**20))

    def collect(progress, note):
        with bad_input():
            return app.collect_terraform(paths, inputs, cache=cache, jobs=jobs or os.cpu_count() or 1,
                                         max_file_bytes=limit, diff_base=diff_base,
                                         include_untracked=include_untracked, policy=policy,
                                         allow_empty=allow_empty, progress=progress,
                                         warn=lambda message: note(f"tagcheck: warning: {message}"))

    collected = run_scan(collect, enabled=not no_progress)
    finish(collected, policy, formats, outputs, fail_on, sort, **output)
