"""The book's business date is the store's, not the wall clock's.

Worked example: a book dated in 2031 (years ahead of any wall clock running these tests) is
served; its end of day, its purchases and its calendar move on the book's date.  The calendar
never moves backwards, only an admin moves it, and each move is audited."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from creditline.auth import SYSTEM, Principal, Role
from creditline.bootstrap import Container, bootstrap
from creditline.calendar.services import (
    Advance,
    SetBusinessDate,
    advance,
    current_business_date,
    set_business_date,
    show_calendar,
)
from creditline.clock import FixedClock
from creditline.errors import Forbidden, ValidationError
from creditline.settings import Settings
from creditline.simulate.demo import DemoConfig, DemoRun
from tests.conftest import SECRET, auth


def test_a_new_store_follows_the_clock_until_an_admin_sets_the_date(
        container: Container, clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    view = show_calendar(container.uow())
    assert (view.business_date, view.pinned) == (date(2026, 3, 2), False)

    set_business_date(SetBusinessDate(date(2026, 3, 10)), container.uow(), SYSTEM)
    clock.set_date(date(2026, 4, 1))  # the wall clock moves on; the book's date does not
    assert current_business_date(container.uow()) == date(2026, 3, 10)
    assert advance(Advance(2), container.uow(), SYSTEM).business_date == date(2026, 3, 12)

    with pytest.raises(ValidationError) as back:
        set_business_date(SetBusinessDate(date(2026, 3, 11)), container.uow(), SYSTEM)
    assert back.value.field == "business_date" and "never moves back" in back.value.rule
    with pytest.raises(ValidationError) as zero:
        advance(Advance(0), container.uow(), SYSTEM)
    assert zero.value.field == "days"
    officer = Principal("u-ro", "rita", Role.RISK_OFFICER)
    with pytest.raises(Forbidden):
        advance(Advance(1), container.uow(), officer)
    assert current_business_date(container.uow()) == date(2026, 3, 12)

    with container.uow() as uow:
        moves = [e for e in uow.audit_log.page(after=0, limit=100)
                 if e.entity == "business_calendar"]
    assert [(e.action, e.details) for e in moves] == [
        ("calendar.set", {"from": "2026-03-02", "to": "2026-03-10"}),
        ("calendar.advanced", {"from": "2026-03-10", "to": "2026-03-12"}),
    ]


@pytest.mark.slow
def test_a_served_demo_book_runs_end_of_day_and_purchases_on_its_own_date(
        tmp_path: Path) -> None:
    first = date(2031, 1, 1)
    result = DemoRun(DemoConfig(customers=40, months=1, seed=5, activity=1.0, out=tmp_path,
                                as_of=first), secret_key=SECRET).run(report=False)
    last = result.context.config.days[-1]
    assert last > date.today() + timedelta(days=365)
    # what the printed ``creditline serve --db ...`` command opens: the wall clock, not the demo's
    container = bootstrap(Settings(database_url=result.context.config.database_url,
                                   secret_key=SECRET, data_dir=tmp_path), migrate=False)
    token = result.context.admin_token
    assert token
    admin = auth(token)
    line_id = result.context.holder_lines[0]
    try:
        with TestClient(create_app_for(container)) as api:
            cal = api.get("/v1/calendar", headers=admin).json()
            assert (cal["business_date"], cal["pinned"]) == (last.isoformat(), True)

            nothing = api.post("/v1/eod", json={"business_date": last.isoformat()},
                               headers=admin)
            assert nothing.status_code == 200, nothing.text
            assert nothing.json()["days"] == []  # the demo closed its last day itself
            ahead = api.post("/v1/eod", json={"business_date": (last + timedelta(days=1))
                                              .isoformat()}, headers=admin)
            assert ahead.status_code == 422 and "business date" in ahead.text

            moved = api.post("/v1/calendar/advance", json={"days": 1}, headers=admin)
            assert moved.json()["business_date"] == (last + timedelta(days=1)).isoformat()
            eod = api.post("/v1/eod", json={"business_date": moved.json()["business_date"]},
                           headers=admin)
            assert eod.status_code == 200, eod.text
            assert [d["business_date"] for d in eod.json()["days"]] == [
                (last + timedelta(days=1)).isoformat()]

            bought = api.post(f"/v1/credit-lines/{line_id}/purchases",
                              json={"amount": "10.00", "merchant": "Corner Shop",
                                    "merchant_category": "groceries"},
                              headers={**admin, "Idempotency-Key": "calendar-test-1"})
            assert bought.status_code == 201, bought.text
            assert bought.json()["made_on"] > last.isoformat()
    finally:
        container.dispose()


def create_app_for(container: Container) -> Any:
    from creditline.api.app import create_app

    return create_app(container)


def test_the_calendar_commands_act_as_the_token_s_user(
        sqlite_container: Container, sqlite_url: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from creditline.cli import _register, app
    from creditline.errors import Unauthorized
    from tests.conftest import create_user

    _register()
    env = {"CREDITLINE_SECRET_KEY": SECRET, "CREDITLINE_DATA_DIR": str(tmp_path),
           "COLUMNS": "100", "CREDITLINE_TOKEN_DAYS_ADMIN": "3650",
           "CREDITLINE_TOKEN_DAYS_RISK_OFFICER": "3650"}  # tokens issued on the test's clock
    admin = create_user(sqlite_container, "cal-admin", Role.ADMIN)["Authorization"].split()[1]
    officer = create_user(sqlite_container, "cal-ro", Role.RISK_OFFICER)["Authorization"].split()[1]
    run = CliRunner().invoke
    shown = run(app, ["calendar", "show", "--db", sqlite_url], env=env)
    assert shown.exit_code == 0 and "not set: follows the wall clock" in shown.output

    anonymous = run(app, ["calendar", "set", "2040-01-01", "--db", sqlite_url], env=env)
    assert isinstance(anonymous.exception, Unauthorized)
    not_admin = run(app, ["calendar", "advance", "--db", sqlite_url],
                    env={**env, "CREDITLINE_TOKEN": officer})
    assert isinstance(not_admin.exception, Forbidden)
    bad = run(app, ["calendar", "set", "2040-02-30", "--token", admin, "--db", sqlite_url],
              env=env)
    assert isinstance(bad.exception, ValidationError) and bad.exception.field == "DATE"

    done = run(app, ["calendar", "set", "2040-01-01", "--token", admin, "--db", sqlite_url],
               env=env)
    assert done.exit_code == 0 and "business date 2040-01-01 (set by cal-admin" in done.output
    moved = run(app, ["calendar", "advance", "--days", "3", "--db", sqlite_url],
                env={**env, "CREDITLINE_TOKEN": admin})
    assert moved.exit_code == 0 and "2040-01-04" in moved.output
    back = run(app, ["calendar", "set", "2040-01-02", "--token", admin, "--db", sqlite_url],
               env=env)
    assert isinstance(back.exception, ValidationError)
    assert "2040-01-04" in back.exception.rule
