"""``creditline losses ...`` from the command line on a SQLite book with one line written off
(by two officers, maker and checker): the lists, a pool preview, the summary, and bad input
refused naming the field (exit code 2 from the console script)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from creditline.bootstrap import Container
from creditline.cli import _register, app
from creditline.cli.common import console
from creditline.clock import FixedClock
from creditline.errors import ValidationError
from creditline.losses import services as ls
from tests.conftest import SECRET, create_user
from tests.integration.collections_support import debtor
from tests.integration.losses_support import CHECKER, MAKER
from tests.integration.servicing_support import eod_through

_register()


def test_losses_on_the_command_line(sqlite_container: Container, clock: FixedClock,
                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "_width", 200)
    env = {"CREDITLINE_SECRET_KEY": SECRET, "CREDITLINE_DATA_DIR": str(tmp_path),
           "COLUMNS": "200", "CREDITLINE_TOKEN_DAYS_RISK_OFFICER": "3650"}
    d = debtor(sqlite_container, clock)
    eod_through(sqlite_container, clock, date(2026, 4, 20))
    wo = ls.propose_write_off(ls.ProposeWriteOff(d.line_id, "deceased"), sqlite_container.uow(),
                              MAKER)
    ls.decide_write_off(ls.DecideWriteOff(wo.id, True, "certificate seen"),
                        sqlite_container.uow(), CHECKER)
    url = sqlite_container.engine.url.render_as_string(hide_password=False)
    token = create_user(sqlite_container, "li", "risk_officer")["Authorization"][7:]
    run = CliRunner()

    def cli(*args: str) -> str:
        r = run.invoke(app, ["losses", *args, "--token", token, "--db", url], env=env)
        assert r.exit_code == 0, (args, r.output, r.exception)
        return r.output

    def refused(*args: str) -> str:
        """The console script turns these into exit code 2 with the message (cli.main)."""
        r = run.invoke(app, ["losses", *args, "--token", token, "--db", url], env=env)
        assert isinstance(r.exception, ValidationError), (args, r.output, r.exception)
        return str(r.exception)

    [listed] = json.loads(cli("write-offs", "list"))
    assert (listed["status"], listed["amount"], listed["decided_by"]) == (
        "executed", "1206.53", "zhao")
    preview = json.loads(cli("sales", "preview", "--rate", "0.05", "--no-live"))
    assert (preview["count"], preview["face"], preview["price"]) == (1, "1206.53", "60.33")
    assert json.loads(cli("summary"))["written_off"] == "1206.53"
    assert "rate: must be a price per unit of face value" in refused(
        "sales", "preview", "--rate", "2")
    assert "reason: must be text" in refused("write-offs", "propose", d.line_id, "--reason", " ")
    assert json.loads(cli("recoveries")) == []
