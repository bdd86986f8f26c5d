"""``creditline lines temp-limit`` and ``lines limit-history``: a risk officer grants a
temporary limit from the command line and reads the history back."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from creditline.bootstrap import Container
from creditline.cli import _register, app
from creditline.cli.common import console
from creditline.clock import SystemClock
from creditline.errors import Forbidden, ValidationError
from tests.conftest import AUDIT_KEY, SECRET, create_user
from tests.integration.servicing_support import open_line

_register()  # the command groups (the console script does this in main)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    # the fixture's users are issued on the fixture clock; the CLI checks expiry on the
    # system clock, so the tokens must outlive the gap between the two
    return {"CREDITLINE_SECRET_KEY": SECRET, "CREDITLINE_DATA_DIR": str(tmp_path), "COLUMNS": "200",
            "CREDITLINE_AUDIT_KEY": AUDIT_KEY,
            **{f"CREDITLINE_TOKEN_DAYS_{r}": "3650" for r in ("RISK_OFFICER", "REVIEWER")}}


def test_a_risk_officer_grants_a_temporary_limit_and_reads_the_history(
        sqlite_container: Container, env: dict[str, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "_width", 200)  # wide tables, whatever the worker's terminal
    line = open_line(sqlite_container, "3000.00")
    url = sqlite_container.engine.url.render_as_string(hide_password=False)
    officer = create_user(sqlite_container, "li.officer", "risk_officer")["Authorization"][7:]
    reviewer = create_user(sqlite_container, "wang.reviewer", "reviewer")["Authorization"][7:]
    end = (SystemClock().today() + timedelta(days=6)).isoformat()  # the command runs on the system clock
    runner = CliRunner()
    args = ["lines", "temp-limit", line.id, "--amount", "5000.00", "--end", end,
            "--reason", "Singles' Day", "--db", url]

    denied = runner.invoke(app, [*args, "--token", reviewer], env=env)
    assert isinstance(denied.exception, Forbidden)
    bad = runner.invoke(app, [*args[:4], "2000.00", *args[5:], "--token", officer], env=env)
    assert isinstance(bad.exception, ValidationError) and bad.exception.field == "amount"

    ok = runner.invoke(app, [*args, "--token", officer], env=env)
    assert ok.exit_code == 0, ok.output
    assert f"temporary limit 5000.00 from {SystemClock().today().isoformat()} to {end}" in ok.output
    show = runner.invoke(app, ["lines", "show", line.id, "--db", url], env=env)
    assert "temporary_limit" in show.output and "effective_limit" in show.output

    history = runner.invoke(app, ["lines", "limit-history", line.id, "--db", url], env=env)
    assert history.exit_code == 0, history.output
    rows = [ln for ln in history.output.splitlines() if "permanent" in ln or "temporary" in ln]
    assert len(rows) == 2
    assert "origination" in rows[0] and "3000.00" in rows[0] and "line opened" in rows[0]
    assert all(s in rows[1] for s in ("manual", "3000.00", "5000.00", "li.officer",
                                      "Singles' Day", end))
