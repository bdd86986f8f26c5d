"""``creditline lines limit|proposals|approve-limit|reject-limit|refund``: the money
guardrails from the command line.  A risk officer proposes a large raise, another approves
it; a credit balance left by a return is paid back with a key that makes the command safe
to run twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from creditline.auth import SYSTEM
from creditline.bootstrap import Container
from creditline.cli import _register, app
from creditline.cli.common import console
from creditline.errors import Forbidden, ValidationError
from creditline.servicing import services as sv
from tests.conftest import SECRET, create_user
from tests.integration.servicing_support import open_line

_register()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    # the users are made on the fixtures' fixed clock, the command runs on the system clock
    return {"CREDITLINE_SECRET_KEY": SECRET, "CREDITLINE_DATA_DIR": str(tmp_path), "COLUMNS": "200",
            "CREDITLINE_TOKEN_DAYS_RISK_OFFICER": "3650"}


def test_a_large_raise_waits_for_a_second_officer_on_the_command_line(
        sqlite_container: Container, env: dict[str, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "_width", 200)
    line = open_line(sqlite_container, "1000.00")
    url = sqlite_container.engine.url.render_as_string(hide_password=False)
    li = create_user(sqlite_container, "li.officer", "risk_officer")["Authorization"][7:]
    wu = create_user(sqlite_container, "wu.officer", "risk_officer")["Authorization"][7:]
    runner = CliRunner()

    low = runner.invoke(app, ["lines", "limit", line.id, "--limit", "10.00", "--reason", "x",
                              "--token", li, "--db", url], env=env)
    assert isinstance(low.exception, ValidationError) and low.exception.field == "limit"
    prop = runner.invoke(app, ["lines", "limit", line.id, "--limit", "15000.00", "--reason",
                               "salary up", "--token", li, "--db", url], env=env)
    assert prop.exit_code == 0, prop.output
    assert "1000.00 -> 15000.00 waits for a second person" in prop.output
    [pending] = sv.list_limit_proposals(sqlite_container.uow()).items
    listed = runner.invoke(app, ["lines", "proposals", "--token", wu, "--db", url], env=env)
    assert pending.id in listed.output and "li.officer" in listed.output

    own = runner.invoke(app, ["lines", "approve-limit", pending.id, "--note", "fine",
                              "--token", li, "--db", url], env=env)
    assert isinstance(own.exception, Forbidden)
    ok = runner.invoke(app, ["lines", "approve-limit", pending.id, "--note", "payslips checked",
                             "--token", wu, "--db", url], env=env)
    assert ok.exit_code == 0, ok.output
    assert "approved by wu.officer" in ok.output
    assert sv.get_line(line.id, sqlite_container.uow()).limit == 15000


def test_a_credit_balance_is_refunded_from_the_command_line_once(
        sqlite_container: Container, env: dict[str, str]) -> None:
    line = open_line(sqlite_container, "1000.00")
    p = sv.purchase(sv.Purchase(line.id, "100.00", "JD", "phones"), sqlite_container.uow(), SYSTEM)
    sv.repay(sv.Repay(line.id, "100.00"), sqlite_container.uow(), SYSTEM)
    sv.return_goods(sv.ReturnGoods(p.id, "100.00"), sqlite_container.uow(), SYSTEM)
    url = sqlite_container.engine.url.render_as_string(hide_password=False)
    li = create_user(sqlite_container, "li.officer", "risk_officer")["Authorization"][7:]
    runner = CliRunner()
    args = ["lines", "refund", line.id, "--key", "refund-1", "--amount", "100.00",
            "--token", li, "--db", url]
    first = runner.invoke(app, args, env=env)
    assert first.exit_code == 0, first.output
    assert "100.00 to the customer" in first.output and "credit balance left 0.00" in first.output
    again = runner.invoke(app, args, env=env)
    assert again.exit_code == 0 and "already booked with this key" in again.output
    assert sv.get_line(line.id, sqlite_container.uow()).credit_balance == 0
    assert sv.check_ledger(sqlite_container.uow()).ok
