"""Every command's ``--help`` reads well in a 100-column terminal: no ``<bool>`` type shown
for a flag, no description cut by Click with "..." in a command list, and ``--version``
prints the package's version."""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from creditline import __version__
from creditline.cli import _register, app

_register()


def _paths() -> list[list[str]]:
    """Every command and group, as the argument list that reaches it."""
    root = typer.main.get_command(app)
    found: list[list[str]] = []

    def walk(cmd: Any, path: list[str]) -> None:  # Typer vendors its own click: duck-type
        found.append(path)
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, [*path, name])

    walk(root, [])
    return found


PATHS = _paths()


def test_the_walk_reaches_every_group_and_leaf() -> None:
    names = {" ".join(p) for p in PATHS}
    assert {"", "serve", "eod", "calendar", "calendar advance", "model list", "users revoke",
            "audit verify", "lines show"} <= names
    assert len(PATHS) > 30


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "creditline")
def test_help_at_100_columns_shows_no_bool_and_cuts_no_sentence(path: list[str]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "<bool>" not in out
    assert max(len(line) for line in out.splitlines()) <= 100, out
    # Click shortens a command's first sentence with "..." when it does not fit the list
    commands = out.split("Commands:", 1)[1] if "Commands:" in out else ""
    cut = [line for line in commands.splitlines() if re.search(r"\.\.\.\s*$", line)]
    assert not cut, f"cut descriptions in `creditline {' '.join(path)} --help`: {cut}"


def test_version_prints_the_package_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"creditline {__version__}"


def test_boolean_options_show_as_a_pair_of_flags() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "100"})
    assert "--access-log / --no-access-log" in result.output
    assert "--log-level" in result.output
