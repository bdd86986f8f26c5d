"""The ``creditline`` command line (Typer + Rich).

Each bounded context contributes one Typer sub-app in its own module here and is
registered below; bad input exits with code 2 and a message naming the field and rule.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from creditline.errors import CreditlineError

app = typer.Typer(
    name="creditline",
    help="Creditline: consumer BNPL and SME credit lines with their risk management.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Click's plain help: flags show as --x/--no-x with no "<bool>" type column (Typer's
    # Rich panels print one), and command lists take each docstring's first sentence.
    rich_markup_mode=None,
    context_settings={"max_content_width": 120},  # as wide as the terminal, up to 120
)


def _print_version(value: bool) -> None:
    if value:
        from creditline import __version__

        typer.echo(f"creditline {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print the version and exit.")] = False) -> None:
    """Creditline: consumer BNPL and SME credit lines with their risk management."""


_registered = False


def _register() -> None:
    """Add the command modules' commands and sub-apps to ``app``, once (tests call this too).
    Imported here, not at the top, so that ``creditline.cli.app`` exists before any command
    module is loaded."""
    global _registered
    if not _registered:
        from creditline.cli.commands import register

        register(app)
        _registered = True


def main() -> None:
    """Console-script entry point: domain errors become exit code 2 with a clear message."""
    _register()
    try:
        code = app(standalone_mode=False)
        # Without standalone mode click *returns* the code of ``typer.Exit(n)`` instead of
        # exiting with it, so a failing ``audit verify`` would otherwise exit 0.
        if isinstance(code, int) and code:
            sys.exit(code)
    except CreditlineError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except Exception as exc:  # click usage errors carry their own exit code (2)
        # Typer >= 0.16 vendors click (``typer._click``), so match the exception by shape
        # rather than by click's class.
        show, exit_code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(exit_code, int):
            show()
            sys.exit(exit_code)
        raise
