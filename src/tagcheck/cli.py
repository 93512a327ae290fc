"""Command line: the only module that reads argv, the environment and the terminal.

Exit status (DESIGN.md §3): 0 nothing at or above ``--fail-on``; 1 findings at or above
it; 2 bad input (usage, policy file, unreadable path); 3 internal error.

Start-up matters (pre-commit): this module imports only click and tagcheck's light
modules at import time; the Terraform source, the policy loader and the reporters are
imported inside the commands that use them, and nothing on these paths imports boto3.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Sequence

import click

from tagcheck import __version__
from tagcheck.report import FORMATS

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


class BadInput(click.ClickException):
    """Bad input: printed as one line, exit 2."""

    exit_code = EXIT_BAD_INPUT

    def show(self, file=None) -> None:
        click.echo(f"tagcheck: error: {self.format_message()}", err=True)


def _output_options(fn):
    fn = click.option("--output", "-o", "outputs", multiple=True, type=click.Path(dir_okay=False),
                      help="Write the --format given just before it to FILE; a format without one goes to stdout.")(fn)
    fn = click.option("--format", "-f", "formats", multiple=True, type=click.Choice(sorted([*FORMATS, "html"])),
                      help="Output format; repeat with --output for several.")(fn)
    fn = click.option("--docs-url", envvar="TAGCHECK_DOCS_URL", metavar="URL",
                      help="Where the rule docs are published: SARIF helpUri and Markdown links use URL#rule-id.")(fn)
    fn = click.option("--min-allocation", type=click.FloatRange(0, 100), metavar="PCT",
                      help="Exit 1 when allocation coverage (share of estimated dollars fully tagged) is below PCT.")(fn)
    fn = click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path),
                      help="Record the current findings as the baseline in FILE.")(fn)
    fn = click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=Path),
                      help="Report only findings not recorded in this baseline FILE.")(fn)
    fn = click.option("--sort", type=click.Choice(["location", "cost"]), default="location", show_default=True,
                      help="Order of text output: by file and line, or by monthly cost (most expensive first).")(fn)
    fn = click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default="error",
                      show_default=True, help="Lowest severity that makes the exit status 1.")(fn)
    fn = click.option("--policy", "policy_path", type=click.Path(dir_okay=False, path_type=Path),
                      help="Policy file (default: .tagcheck.yaml found upward, else finops-baseline).")(fn)
    return fn


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tagcheck")
def cli() -> None:
    """tagcheck: resource-tag and cost-allocation linter for AWS."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_output_options
@click.option("--var-file", "var_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Terraform variables file, as terraform plan -var-file (repeatable).")
@click.option("--var", "variables", multiple=True, metavar="NAME=VALUE",
              help="Terraform variable, as terraform plan -var (repeatable).")
@click.option("--workspace", metavar="NAME",
              help="terraform.workspace for the scan (default: the one .terraform/environment records, else default).")
@click.option("--diff-base", metavar="REF",
              help="Only resources changed since the merge base with git REF (e.g. origin/main).")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None,
              help="Worker processes for parsing and evaluating what the cache does not hold "
                   "(default: the number of CPUs).")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Parse cache directory (default: $XDG_CACHE_HOME/tagcheck).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the parse cache.")
@click.option("--max-file-size", type=click.FloatRange(min=0), envvar="TAGCHECK_MAX_FILE_MB", metavar="MB",
              help="Files larger than this are reported (TC001) instead of parsed; 0: no limit. Default: 2.")
def scan(paths, formats, outputs, fail_on, sort, docs_url, min_allocation, baseline_path, write_baseline, policy_path,
         var_files, variables, workspace, diff_base, jobs, cache_dir, no_cache, max_file_size) -> None:
    """Check Terraform code (.tf, .tf.json) in PATHS (directories or files; default: .)."""
    from tagcheck.sources.terraform.inputs import RootInputs
    from tagcheck.sources.terraform.source import ScanInputError, scan as scan_terraform

    paths = list(paths) or [Path(".")]
    for var_file in var_files:
        if not var_file.is_file():
            raise BadInput(f"{var_file}: variables file not found")
    inputs = RootInputs(list(var_files), _parse_vars(variables), workspace)
    cache = _parse_cache(cache_dir, no_cache)
    policy = _load_policy(policy_path, paths[0], cache)
    try:
        limit = None if max_file_size is None else (0 if max_file_size == float("inf") else int(max_file_size * 2**20))
        scanned = scan_terraform(paths, inputs, cache=cache, jobs=jobs or os.cpu_count() or 1, max_file_bytes=limit)
    except ScanInputError as exc:
        raise BadInput(str(exc)) from None
    resources, problems, info = scanned.resources, scanned.problems, {"source": "terraform"}
    zeros = scanned.zero_instances
    if diff_base:
        resources, problems, info, files = _only_changed(scanned, diff_base, paths[0])
        info.update(_coverage_change_since(diff_base, paths, inputs, scanned.resources, policy, cache))
        zeros = [z for z in zeros if (scanned.cwd / z.location.file).resolve() in files]
    info.update(_scan_facts(scanned, zeros))
    _finish(resources, problems, policy, formats, outputs, fail_on, sort, info,
            baseline_path=baseline_path, write_baseline=write_baseline, docs_url=docs_url,
            min_allocation=min_allocation)


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


def _coverage_change_since(diff_base: str, paths: list[Path], inputs, after: list, policy, cache) -> dict:
    """Allocation coverage of the whole scanned tree at the merge base and now."""
    import tempfile

    from tagcheck import engine
    from tagcheck.sources.terraform.diff import DiffError, extract_base_tree
    from tagcheck.sources.terraform.source import ScanInputError, scan as scan_terraform

    prices = _prices(policy)
    with tempfile.TemporaryDirectory(prefix="tagcheck-base-") as tmp:
        try:
            top = extract_base_tree(diff_base, paths[0] if paths[0].is_dir() else paths[0].parent, Path(tmp))
        except DiffError as exc:
            raise BadInput(f"--diff-base {diff_base}: {exc}") from None
        old_paths = [Path(tmp) / p.resolve().relative_to(top) for p in paths]
        try:
            before = scan_terraform([p for p in old_paths if p.exists()], inputs, cwd=Path(tmp), cache=cache).resources
        except ScanInputError:
            before = []
    return _coverage_change(engine.allocation_of(before, policy, prices), engine.allocation_of(after, policy, prices))


def _coverage_change(before: dict, after: dict) -> dict:
    """Coverage by dollars before and after; None where there were no priced dollars."""
    was = before["coverage_pct_usd"] if before.get("monthly_usd") else None
    now = after["coverage_pct_usd"] if after.get("monthly_usd") else None
    return {"coverage_before_pct_usd": was, "coverage_after_pct_usd": now,
            "coverage_change_pts": round(now - was, 1) if was is not None and now is not None else None}


def _prices(policy):
    from tagcheck import engine

    try:
        return engine.pricebook_for(policy)
    except ValueError as exc:
        raise BadInput(f"{policy.source}: cost.prices: {exc}") from None


def _only_changed(scanned, diff_base: str, first_path: Path):
    from tagcheck.sources.terraform.diff import DiffError, changed_addresses, changed_files, git_changes

    try:
        change = git_changes(diff_base, first_path if first_path.is_dir() else first_path.parent)
    except DiffError as exc:
        raise BadInput(f"--diff-base {diff_base}: {exc}") from None
    keep = changed_addresses(scanned, change)
    files = changed_files(change)
    resources = [r for r in scanned.resources if r.address in keep]
    problems = [p for p in scanned.problems
                if p.location.file is None or (scanned.cwd / p.location.file).resolve() in files]
    info = {"source": "terraform", "diff_base": diff_base, "skipped_unchanged": len(scanned.resources) - len(resources)}
    return resources, problems, info, files


@cli.command("plan")
@click.argument("plan_file", type=click.Path(path_type=Path))
@_output_options
@click.option("--changed-only", is_flag=True,
              help="Only resources the plan creates, updates or replaces (skip no-op).")
def plan_command(plan_file, formats, outputs, fail_on, sort, docs_url, min_allocation, baseline_path, write_baseline, policy_path,
                 changed_only) -> None:
    """Check a plan: the JSON of `terraform show -json PLANFILE`."""
    from tagcheck.sources.plan import PlanError, load_plan

    policy = _load_policy(policy_path, plan_file if plan_file.exists() else Path("."))
    try:
        scanned = load_plan(plan_file, changed_only=changed_only)
    except PlanError as exc:
        raise BadInput(str(exc)) from None
    info = {"source": "plan", "skipped_unchanged": scanned.skipped_unchanged,
            "skipped_deleted": scanned.skipped_deleted, "other_provider_resources": scanned.other_providers}
    from tagcheck import engine

    prices = _prices(policy)
    everything_after = load_plan(plan_file).resources if changed_only else scanned.resources
    info.update(_coverage_change(engine.allocation_of(load_plan(plan_file, before=True).resources, policy, prices),
                                 engine.allocation_of(everything_after, policy, prices)))
    _finish(scanned.resources, [], policy, formats, outputs, fail_on, sort, info,
            baseline_path=baseline_path, write_baseline=write_baseline, docs_url=docs_url,
            min_allocation=min_allocation)


def _parse_cache(cache_dir: Path | None, no_cache: bool):
    from tagcheck.sources.terraform.cache import ParseCache, default_cache_dir

    return ParseCache(None if no_cache else (cache_dir or default_cache_dir()))


def _parse_vars(variables: Sequence[str]) -> dict[str, str]:
    parsed = {}
    for item in variables:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise BadInput(f"--var {item!r}: expected NAME=VALUE")
        parsed[name.strip()] = value
    return parsed


def _load_policy(policy_path: Path | None, start: Path, cache=None):
    """The policy, validated once per content (the cache remembers a text that passed)."""
    from tagcheck.policy import PolicyError, load_policy
    from tagcheck.rules import rule_schemas

    if cache is None:
        cache = _parse_cache(None, False)
    schemas = rule_schemas()
    try:
        policy = load_policy(policy_path, start=start if start.is_dir() else start.parent, rule_schemas=schemas,
                             validated=cache)
    except PolicyError as exc:
        raise BadInput(str(exc)) from None
    for rule_id in sorted(set(policy.rules) - set(schemas)):
        click.echo(f"tagcheck: note: the policy configures {rule_id}, which this version does not have; ignored",
                   err=True)
    return policy


def _finish(resources, problems, policy, formats, outputs, fail_on, sort="location", scan_info=None, *,
            baseline_path: Path | None = None, write_baseline: Path | None = None, docs_url: str | None = None,
            min_allocation: float | None = None) -> None:
    from tagcheck import engine
    from tagcheck.report import render

    prices = _prices(policy)
    baseline = None
    if baseline_path:
        from tagcheck.baseline import Baseline, BaselineError

        try:
            baseline = Baseline.load(baseline_path)
        except BaselineError as exc:
            raise BadInput(str(exc)) from None
    result = engine.run(resources, problems, policy, prices=prices, scan_info=scan_info, baseline=baseline)
    if write_baseline:
        from tagcheck.baseline import write_baseline as save_baseline

        try:
            count = save_baseline(write_baseline, result.findings)
        except OSError as exc:
            raise BadInput(f"{write_baseline}: cannot write: {exc.strerror}") from None
        click.echo(f"tagcheck: wrote {count} findings to baseline {write_baseline}", err=True)
    for fmt, target in _format_targets(formats, outputs):
        to_terminal = target == "-" and sys.stdout.isatty()
        if fmt == "html":  # the showback page: it needs the policy and the cost model, not only the result
            from tagcheck import showback
            from tagcheck.cost import CostModel

            doc = showback.build(result, policy, CostModel(prices, result.resources), min_allocation=min_allocation)
            text = showback.render("html", doc)
        else:
            text = render(fmt, result, color=to_terminal, sort=sort, docs_url=docs_url)
        write_output(text, target)
    status = engine.exit_status(result, fail_on)
    status = max(status, allocation_gate(result.summary["allocation"]["coverage_pct_usd"], min_allocation))
    raise click.exceptions.Exit(status)


def write_output(text: str, target: str) -> None:
    """A rendered report to stdout ('-') or to a file; a file that cannot be written is bad input."""
    if target == "-":
        click.echo(text, nl=False)
        return
    try:
        Path(target).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"{target}: cannot write: {exc.strerror}") from None


def allocation_gate(coverage: float, min_allocation: float | None) -> int:
    """--min-allocation: say the figure either way (stderr); 1 when coverage is below it."""
    if min_allocation is None:
        return 0
    below = coverage < min_allocation
    click.echo(f"tagcheck: allocation coverage {coverage}% of estimated dollars "
               f"({'below' if below else 'meets'} --min-allocation {min_allocation:g}%)", err=True)
    return 1 if below else 0


def _format_targets(formats: Sequence[str], outputs: Sequence[str]) -> list[tuple[str, str]]:
    """Pair each --output with the --format just before it on the command line (main()
    records that order, which click does not keep); formats without one go to stdout."""
    ctx = click.get_current_context()
    order = (ctx.find_root().obj or {}).get("format_order")
    pairs: list[list[str]] = []
    if order is not None and [f for kind, f in order if kind == "f"] == list(formats):
        for kind, value in order:
            if kind == "f":
                pairs.append([value, "-"])
            elif pairs and pairs[-1][1] == "-":
                pairs[-1][1] = value
            else:
                raise BadInput(f"--output {value} does not follow a --format")
    else:  # called without main(): pair in order
        pairs = [[f, outputs[i] if i < len(outputs) else "-"] for i, f in enumerate(formats)]
    if not pairs:
        pairs = [["text", outputs[0] if outputs else "-"]]
    if sum(1 for _, t in pairs if t == "-") > 1:
        raise BadInput("several formats to stdout: give all but one of them an --output FILE")
    return [(f, t) for f, t in pairs]


_FORMAT_FLAGS = {"--format": "f", "-f": "f", "--output": "o", "-o": "o"}


def _format_order(argv: Sequence[str]) -> list[tuple[str, str]]:
    order = []
    tokens = iter(argv)
    for token in tokens:
        if token == "--":
            break
        name, sep, value = token.partition("=")
        if name in _FORMAT_FLAGS and (sep or name.startswith("--")) and sep:
            order.append((_FORMAT_FLAGS[name], value))
        elif token in _FORMAT_FLAGS:
            order.append((_FORMAT_FLAGS[token], next(tokens, "")))
        elif token[:2] in ("-f", "-o") and len(token) > 2 and not token.startswith("--"):
            order.append((_FORMAT_FLAGS[token[:2]], token[2:]))
    return order


@cli.command("rules")
def rules_command() -> None:
    """List every rule: id, default severity, lever, summary."""
    from tagcheck.rules import ALL_RULES

    for rule in ALL_RULES:
        click.echo(f"{rule.id}  {rule.severity.value:<7}  {rule.lever.value:<11}  {rule.name}: {rule.summary}")


@cli.command()
@click.argument("rule_id")
def explain(rule_id: str) -> None:
    """Print one rule's documentation, with an example."""
    from tagcheck.rules import RULES_BY_ID

    rule = RULES_BY_ID.get(rule_id.upper())
    if rule is None:
        raise BadInput(f"unknown rule {rule_id!r}; `tagcheck rules` lists them")
    click.echo(f"{rule.id} {rule.name} (default severity {rule.severity.value}, lever {rule.lever.value})\n")
    click.echo(rule.summary + "\n")
    click.echo(rule.docs.rstrip())


@cli.command()
@click.option("--path", "target", type=click.Path(path_type=Path), default=Path(".tagcheck.yaml"),
              show_default=True, help="Where to write the policy.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(target: Path, force: bool) -> None:
    """Write a commented starter policy (.tagcheck.yaml)."""
    from tagcheck.policy import starter_policy_text

    if target.is_dir():
        target = target / ".tagcheck.yaml"
    if target.exists() and not force:
        raise BadInput(f"{target} exists; use --force to overwrite it")
    target.write_text(starter_policy_text(), encoding="utf-8")
    click.echo(f"wrote {target}")


def _register_optional_commands() -> None:
    """Commands that live in their own modules (their heavy imports stay inside them)."""
    try:
        from tagcheck.cli_report import report_command
    except ImportError:  # pragma: no cover - the showback report is part of the package
        pass
    else:
        cli.add_command(report_command, "report")
    try:
        from tagcheck.cli_aws import aws_command
    except ImportError:  # pragma: no cover - the live audit is part of the package
        return
    cli.add_command(aws_command, "aws")


_register_optional_commands()


# Python collects cyclic garbage every 700 net allocations. A run builds one large graph
# (resources, tag sets, findings) that lives to the end and makes little cyclic garbage, so
# those collections find next to nothing: on a warm scan of 10,000 resources they were 15% of
# the time. As a program (not when a test calls main), tagcheck collects less often.
_GC_THRESHOLDS = (50_000, 20, 10)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status instead of exiting (for tests and __main__)."""
    if argv is None:
        import gc

        gc.set_threshold(*_GC_THRESHOLDS)
    try:
        args = list(argv) if argv is not None else sys.argv[1:]
        status = cli.main(args=args, prog_name="tagcheck", standalone_mode=False,
                          obj={"format_order": _format_order(args)})
        return status if isinstance(status, int) else EXIT_OK
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:  # usage errors and BadInput
        exc.show()
        return EXIT_BAD_INPUT if not isinstance(exc, BadInput) else exc.exit_code
    except click.exceptions.Abort:
        click.echo("tagcheck: aborted", err=True)
        return EXIT_FINDINGS
    except BrokenPipeError:
        return EXIT_OK
    except Exception:  # anything else is a bug: say so, keep the traceback for the report
        click.echo("tagcheck: internal error (please report it with this traceback):", err=True)
        import traceback  # only when it is needed: it costs start-up time on every run
        click.echo(traceback.format_exc(), err=True)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
