"""Exit statuses (DESIGN.md §3) and bad input as the command line reports it."""

from __future__ import annotations

import contextlib

import click

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT (128 + 2)


class BadInput(click.ClickException):
    """Bad input: printed as one line, exit 2."""

    exit_code = EXIT_BAD_INPUT

    def show(self, file=None) -> None:
        click.echo(f"tagcheck: error: {self.format_message()}", err=True)


@contextlib.contextmanager
def bad_input():
    """The application's InputError as BadInput (exit 2, one line)."""
    from tagcheck.app import InputError

    try:
        yield
    except InputError as exc:
        raise BadInput(str(exc)) from None


def note(message: str) -> None:
    click.echo(f"tagcheck: note: {message}", err=True)
