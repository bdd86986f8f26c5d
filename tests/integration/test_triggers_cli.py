"""``creditline holds list|release`` and ``creditline triggers list``: a reviewer finds a
held purchase from the command line, releases it, and reads the trigger back."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from creditline.auth import SYSTEM
from creditline.bootstrap import Container
from creditline.cli import _register, app
from creditline.cli.common import console
from creditline.clock import SystemClock
from creditline.errors import Forbidden
from creditline.servicing import services as sv
from tests.conftest import AUDIT_KEY, SECRET, create_user
from tests.integration.servicing_support import open_line

_register()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"CREDITLINE_SECRET_KEY": SECRET, "CREDITLINE_DATA_DIR": str(tmp_path),
            "COLUMNS": "250", "CREDITLINE_AUDIT_KEY": AUDIT_KEY,
            **{f"CREDITLINE_TOKEN_DAYS_{r}": "3650" for r in ("COLLECTOR", "REVIEWER")}}


def test_a_reviewer_lists_and_releases_a_held_purchase(
        sqlite_container: Container, env: dict[str, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "_width", 250)
    line = open_line(sqlite_container, "10000.00")
    for key, amount in (("a", "3000.00"), ("b", "2500.00")):  # the CLI runs on the system clock
        last = sv.purchase(sv.Purchase(line.id, amount, "Gilded Swan", "luxury",
                                       idempotency_key=key, on=SystemClock().today()),
                           sqlite_container.uow(), SYSTEM)
    assert last.status == "held"
    url = sqlite_container.engine.url.render_as_string(hide_password=False)
    reviewer = create_user(sqlite_container, "wang.reviewer", "reviewer")["Authorization"][7:]
    collector = create_user(sqlite_container, "chen.collector", "collector")["Authorization"][7:]
    runner = CliRunner()

    denied = runner.invoke(app, ["holds", "list", "--db", url, "--token", collector], env=env)
    assert isinstance(denied.exception, Forbidden)
    listed = runner.invoke(app, ["holds", "list", "--db", url, "--token", reviewer], env=env)
    assert listed.exit_code == 0, listed.output
    assert last.id in listed.output and "2500.00" in listed.output
    assert "RISKY_CATEGORY_SPIKE" in listed.output

    done = runner.invoke(app, ["holds", "release", last.id, "--note", "customer called",
                               "--db", url, "--token", reviewer], env=env)
    assert done.exit_code == 0, done.output
    assert f"purchase {last.id}: active (2500.00" in done.output
    assert sv.get_line(line.id, sqlite_container.uow()).used == 5500

    fired = runner.invoke(app, ["triggers", "list", "--line", line.id, "--db", url,
                                "--token", collector], env=env)
    assert fired.exit_code == 0, fired.output
    assert "RISKY_CATEGORY_SPIKE" in fired.output and "1 of 1 triggers" in fired.output
