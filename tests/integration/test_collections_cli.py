"""``creditline collections ...`` from the command line, against a SQLite book with one
delinquent case: the queue, a call (the debtor agreed to any hours, so the wall clock the
command runs on cannot make it fail), the case, an agency placement, the legal package
written to a folder, the replay and the rules."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from creditline.bootstrap import Container
from creditline.cli import _register, app
from creditline.cli.common import console
from creditline.clock import FixedClock
from creditline.collections import services as cs
from tests.conftest import SECRET, create_user
from tests.integration.collections_support import SUPERVISOR, delinquent

_register()


def test_a_collectors_day_on_the_command_line(sqlite_container: Container, clock: FixedClock,
                                              tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "_width", 200)
    env = {"CREDITLINE_SECRET_KEY": SECRET, "CREDITLINE_DATA_DIR": str(tmp_path),
           "COLUMNS": "200", **{f"CREDITLINE_TOKEN_DAYS_{r}": "3650"
                                for r in ("COLLECTOR", "RISK_OFFICER")}}
    _, case = delinquent(sqlite_container, clock)
    cs.set_contact_terms(cs.ContactTerms(case.id, hours_agreed=True), sqlite_container.uow(),
                         SUPERVISOR)
    url = sqlite_container.engine.url.render_as_string(hide_password=False)
    chen = create_user(sqlite_container, "chen", "collector")["Authorization"][7:]
    sup = create_user(sqlite_container, "sup", "risk_officer")["Authorization"][7:]
    run = CliRunner()

    def cli(*args: str, token: str = chen) -> str:
        r = run.invoke(app, ["collections", *args, "--token", token, "--db", url], env=env)
        assert r.exit_code == 0, (args, r.output, r.exception)
        return r.output

    assert run.invoke(app, ["collections", "assign", case.id, "--to", "chen", "--token", chen,
                            "--db", url], env=env).exit_code != 0  # collectors do not assign
    assert "assigned chen" in cli("assign", case.id, "--to", "chen", token=sup)
    assert case.id in cli("queue") and "13812341234" in cli("queue")
    payday = (datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=5)).isoformat()
    out = cli("call", case.id, "--outcome", "promise_to_pay", "--promise-amount", "50.00",
              "--promise-date", payday)
    assert f"promise 50.00 by {payday}" in out
    shown = cli("show", case.id)
    assert "M1 from 2026-04-11" in shown and "promise_to_pay (allowed)" in shown
    agency = cli("agencies", "add", "Eastern Recovery", "--rate", "0.18", token=sup).split()[1]
    assert "Eastern Recovery" in cli("agencies", "list", token=sup)
    assert "placed" in cli("place", case.id, "--agency", agency, token=sup)
    assert "Eastern Recovery" in cli("agencies", "performance", token=sup)
    out_dir = tmp_path / "legal"
    cli("legal", case.id, "--out", str(out_dir), token=sup)
    pkg = json.loads((out_dir / f"legal-{case.id}.json").read_text())
    assert pkg["case"]["id"] == case.id and (out_dir / f"legal-{case.id}.html").exists()
    assert "outside allowed hours 0, over frequency limits 0" in cli("replay", token=sup)
    rules = run.invoke(app, ["collections", "rules"], env=env).output
    assert "M7: 181-" in rules and "CN (Asia/Shanghai): 08:00-22:00 unless agreed" in rules
