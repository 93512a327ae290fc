"""``tagcheck rules``, ``explain`` and ``init``: about tagcheck itself."""

from __future__ import annotations

from pathlib import Path

import click

from tagcheck.cli.errors import BadInput


@click.command("rules")
def rules_command() -> None:
    """List every rule: id, default severity, lever, summary."""
    from tagcheck.rules import ALL_RULES

    width = max(len(rule.id) for rule in ALL_RULES)
    for rule in ALL_RULES:
        click.echo(f"{rule.id:<{width}}  {rule.severity.value:<7}  {rule.lever.value:<11}  {rule.name}: {rule.summary}")


@click.command("explain")
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


@click.command("init")
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
