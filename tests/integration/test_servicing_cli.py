"""The servicing commands: ``creditline eod``, ``ledger check`` (which catches a tampered
balance), ``ledger trial-balance`` and ``lines show``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from creditline.auth import SYSTEM, Role
from creditline.bootstrap import Container
from creditline.cli import _register, app
from creditline.clock import FixedClock
from creditline.errors import Unauthorized, ValidationError
from creditline.servicing import services as sv
from tests.conftest import SECRET, create_user
from tests.integration.servicing_support import open_line

_register()  # the command groups (the console script does this in main)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"CREDITLINE_SECRET_KEY": SECRET, "CREDITLINE_DATA_DIR": str(tmp_path), "COLUMNS": "200"}


def test_eod_then_ledger_check_and_a_tampered_balance_is_caught(
        sqlite_container: Container, clock: FixedClock, env: dict[str, str]) -> None:
    clock.set_date(date(2026, 3, 2))
    line = open_line(sqlite_container, "3000.00")
    sv.purchase(sv.Purchase(line.id, "900.00", "JD", "phones", 3), sqlite_container.uow(), SYSTEM)
    url = sqlite_container.engine.url.render_as_string(hide_password=False)
    runner = CliRunner()
    refused = runner.invoke(app, ["eod", "--date", "2026-04-01", "--db", url], env=env)
    assert isinstance(refused.exception, Unauthorized) and "--token" in refused.exception.message
    admin = create_user(sqlite_container, "eod-admin", Role.ADMIN)["Authorization"].split()[1]
    # end of day acts as (and is audited as) a user; the token was issued on the test's
    # clock, the CLI checks it against the wall clock
    env = {**env, "CREDITLINE_TOKEN": admin, "CREDITLINE_TOKEN_DAYS_ADMIN": "3650"}

    eod = runner.invoke(app, ["eod", "--date", "2026-04-01", "--db", url], env=env)
    assert eod.exit_code == 0, eod.output
    assert "closed 31 day(s) through 2026-04-01" in eod.output
    again = runner.invoke(app, ["eod", "--date", "2026-04-01", "--db", url], env=env)
    assert "nothing to do" in again.output

    ok = runner.invoke(app, ["ledger", "check", "--db", url], env=env)
    assert ok.exit_code == 0 and "ledger sound: 1 lines reconciled" in ok.output
    tb = runner.invoke(app, ["ledger", "trial-balance", "--db", url], env=env)
    assert tb.exit_code == 0 and "total 0.00" in tb.output
    show = runner.invoke(app, ["lines", "show", line.id, "--db", url], env=env)
    assert show.exit_code == 0 and "904.50" not in show.output and "300.00" in show.output

    with sqlite_container.engine.begin() as c:
        c.execute(text("UPDATE credit_lines SET principal_billed = principal_billed + 1"))
    bad = runner.invoke(app, ["ledger", "check", "--db", url], env=env)
    assert bad.exit_code == 1
    assert f"line {line.id} principal_billed: cached 300.01" in bad.output


def test_a_malformed_date_is_refused_naming_the_option(sqlite_url: str, env: dict[str, str]) -> None:
    r = CliRunner().invoke(app, ["eod", "--date", "2026-13-01", "--db", sqlite_url], env=env)
    assert isinstance(r.exception, ValidationError) and r.exception.field == "--date"


def test_a_credit_balance_is_spent_on_the_next_purchase(
        sqlite_container: Container, clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    line = open_line(sqlite_container, "1000.00")
    # owing nothing, 30.00 is above the default overpayment tolerance: a lender that takes
    # deposits ahead of purchases sets a tolerance of at least that
    r = sv.repay(sv.Repay(line.id, "30.00", tolerance="30.00"), sqlite_container.uow(), SYSTEM)
    assert r.allocation["credit_balance"] == Decimal("30.00")
    p = sv.purchase(sv.Purchase(line.id, "90.00", "JD", "books", 3), sqlite_container.uow(), SYSTEM)
    v = sv.get_line(line.id, sqlite_container.uow())
    assert (v.credit_balance, v.used, v.total_owed) == (0, Decimal("60.00"), Decimal("60.00"))
    first = sv.get_purchase(p.id, sqlite_container.uow()).schedule[0]
    assert (first.principal_paid, first.fee) == (Decimal("30.00"), Decimal("0.00"))
    with sqlite_container.uow() as uow:
        kinds = sorted(e.kind for e in uow.ledger.entries(line_id=line.id))
    assert kinds == ["credit_applied", "purchase", "repayment"]
    assert sv.check_ledger(sqlite_container.uow()).ok
