"""The ``creditline`` command line (Typer + Rich).

Each bounded context contributes one Typer sub-app in its own module here and is
registered below; bad input exits with code 2 and a message naming the field and rule.
"""

from __future__ import annotations

import sys

import typer

from creditline.errors import CreditlineError

app = typer.Typer(
    name="creditline",
    help="Creditline: consumer BNPL and SME credit lines with their risk management.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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
