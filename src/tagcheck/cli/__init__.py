"""Command line: the only package that reads argv, the environment and the terminal.

Exit status (DESIGN.md §3): 0 nothing at or above ``--fail-on``; 1 findings at or above
it; 2 bad input (usage, policy file, unreadable path); 3 internal error; 130 interrupted
(Ctrl-C). Writing a baseline (``--write-baseline``) exits 0: the findings it records are
the accepted state, not a failure.

One module per command (scan, plan, aws, report, meta: rules/explain/init), click glue
only: what a command does is in ``tagcheck.app``. Start-up matters (pre-commit): the group
imports a command's module only when that command runs (or ``--help`` lists them all), the
modules import their sources inside the command, and nothing on the scan path imports boto3.
"""

from __future__ import annotations

import importlib
import sys
from typing import Sequence

import click

from tagcheck import __version__
from tagcheck.cli.errors import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, BadInput

# command name → "module:attribute" of its click command
COMMANDS = {
    "scan": "tagcheck.cli.scan:scan",
    "plan": "tagcheck.cli.plan:plan_command",
    "aws": "tagcheck.cli.aws:aws_command",
    "report": "tagcheck.cli.report:report_command",
    "rules": "tagcheck.cli.meta:rules_command",
    "explain": "tagcheck.cli.meta:explain",
    "init": "tagcheck.cli.meta:init",
}


class _LazyGroup(click.Group):
    """A group whose commands are imported when they are used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attribute = target.split(":")
        return getattr(importlib.import_module(module), attribute)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tagcheck")
def cli() -> None:
    """tagcheck: resource-tag and cost-allocation linter for AWS."""


# Python collects cyclic garbage every 700 net allocations. A run builds one large graph
# (resources, tag sets, findings) that lives to the end and makes little cyclic garbage, so
# those collections find next to nothing: on a warm scan of 10,000 resources they were 15% of
# the time. As a program (not when a test calls main), tagcheck collects less often.
_GC_THRESHOLDS = (50_000, 20, 10)


_FORMAT_FLAGS = {"--format": "f", "-f": "f", "--output": "o", "-o": "o"}


def format_order(argv: Sequence[str]) -> list[tuple[str, str]]:
    """The --format/--output values in command-line order (for ``cli.output.format_targets``: click does not keep it; here, so that
    ``--version`` loads nothing of the commands)."""
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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status instead of exiting (for tests and __main__)."""
    if argv is None:
        import gc

        gc.set_threshold(*_GC_THRESHOLDS)
    try:
        args = list(argv) if argv is not None else sys.argv[1:]
        status = cli.main(args=args, prog_name="tagcheck", standalone_mode=False,
                          obj={"format_order": format_order(args)})
        return status if isinstance(status, int) else EXIT_OK
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:  # usage errors and BadInput
        exc.show()
        return EXIT_BAD_INPUT if not isinstance(exc, BadInput) else exc.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):  # click turns Ctrl-C into Abort
        click.echo("tagcheck: interrupted", err=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception:  # anything else is a bug: say so, keep the traceback for the report
        click.echo("tagcheck: internal error (please report it with this traceback):", err=True)
        import traceback  # only when it is needed: it costs start-up time on every run
        click.echo(traceback.format_exc(), err=True)
        return EXIT_INTERNAL
