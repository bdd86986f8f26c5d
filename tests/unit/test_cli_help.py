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


def test_model_list_reads_in_100_columns() -> None:
    """Each model is one line at 100 columns, its full id included (a wrapped id cannot be
    copied into ``model promote``)."""
    from datetime import UTC, datetime
    from io import StringIO

    from rich.console import Console

    from creditline.cli.model import _record_table
    from creditline.scoring.registry import ModelRecord, ModelStatus

    records = [ModelRecord(id=f"6f1c2b1e-8d7a-4f4e-9a51-1d2c3b4a5f6{v}", name="bnpl_a_card",
                           version=v, card_type="A", kind="scorecard", status=status,
                           data_fingerprint="f" * 64, metrics={"auc": 0.7512}, model_json="{}",
                           created_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
                           created_by="rita", shadow_share=share)
               for v, status, share in [(1, ModelStatus.CHAMPION, 0.0),
                                        (2, ModelStatus.CANDIDATE, 0.2)]]
    out = StringIO()
    Console(file=out, width=100, color_system=None).print(_record_table(records))
    rows = [ln for ln in out.getvalue().splitlines() if "bnpl_a_card" in ln]
    assert len(rows) == 2 and max(len(ln) for ln in out.getvalue().splitlines()) <= 100
    assert all(r.id in row for r, row in zip(records, rows, strict=True))
    assert "champion" in rows[0] and "candidate 20%" in rows[1] and "0.7512" in rows[0]
