"""``creditline customers list|search``, ``lines list``, ``purchases list`` and
``applications list``: the API's filters and cursor from the command line, in 100 columns,
with the same token rules (a reviewer sees phones masked; a merchant integration only its
merchants' purchases)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from creditline.auth import SYSTEM, Principal, Role
from creditline.bootstrap import Container
from creditline.cli import _register, app
from creditline.cli.common import console
from creditline.errors import Forbidden, ValidationError
from creditline.servicing import services as sv
from tests.api.test_applications_support import id_number, person
from tests.conftest import LONG_TOKENS, SECRET, create_user

_register()
RISK = Principal(user_id="u-risk", name="risk", role=Role.RISK_OFFICER)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setattr(console, "_width", 100)  # what a reader's terminal gives
    # the command runs on the system clock; the fixture users were made on the test clock
    days = {f"CREDITLINE_{k.upper()}": str(v) for k, v in LONG_TOKENS.items()}
    return {"CREDITLINE_SECRET_KEY": SECRET, "CREDITLINE_DATA_DIR": str(tmp_path),
            "COLUMNS": "100", **days}


def _register(container: Container, i: int) -> str:
    from creditline.parties import services as parties

    body = {k: v for k, v in person(i).items() if k != "kind"}
    return parties.register_customer(parties.RegisterPerson(**body), container.uow(), RISK).id


def test_an_officer_lists_and_searches_customers_and_pages_with_the_printed_cursor(
        sqlite_container: Container, env: dict[str, str]) -> None:
    # one instant on the test clock: the id breaks the tie, so pages follow id order
    ids = sorted(_register(sqlite_container, i) for i in (1, 2, 3))
    url = sqlite_container.engine.url.render_as_string(hide_password=False)
    officer = create_user(sqlite_container, "li.officer", "risk_officer")["Authorization"][7:]
    reviewer = create_user(sqlite_container, "wang.reviewer", "reviewer")["Authorization"][7:]
    run = CliRunner()
    base = ["--db", url, "--token", officer]

    first = run.invoke(app, ["customers", "list", "--limit", "2", *base], env=env)
    assert first.exit_code == 0, first.output
    assert "2 of 3 customers" in first.output and "next page: --cursor" in first.output
    assert max(len(line) for line in first.output.splitlines()) <= 100
    cursor = first.output.split("--cursor ")[1].split()[0]
    rest = run.invoke(app, ["customers", "list", "--limit", "2", "--cursor", cursor, *base],
                      env=env)
    assert rest.exit_code == 0 and "1 of 3 customers" in rest.output
    assert ids[2][:8] in rest.output and ids[0][:8] not in rest.output

    found = run.invoke(app, ["customers", "search", "--phone", "+86 138 0000 0002", *base],
                       env=env)
    assert found.exit_code == 0 and "1 of 1 customers" in found.output
    assert "13800000002" in found.output
    masked = run.invoke(app, ["customers", "search", "--id-number", id_number(2), "--db", url,
                              "--token", reviewer], env=env)
    assert masked.exit_code == 0 and "1 of 1 customers" in masked.output
    assert "13800000002" not in masked.output and id_number(2) not in masked.output

    nothing = run.invoke(app, ["customers", "search", *base], env=env)
    assert isinstance(nothing.exception, ValidationError) and nothing.exception.field == "--phone"
    bad = run.invoke(app, ["customers", "list", "--cursor", "nope!", *base], env=env)
    assert isinstance(bad.exception, ValidationError) and bad.exception.field == "--cursor"


def test_lines_purchases_and_applications_are_listed_with_their_filters(
        sqlite_container: Container, env: dict[str, str]) -> None:
    cid = _register(sqlite_container, 4)
    line = sv.open_line(sv.OpenLine(cid, "consumer_bnpl", "5000.00"), sqlite_container.uow(),
                        SYSTEM)
    for merchant, key in (("Shop A", "k1"), ("Shop B", "k2")):
        sv.purchase(sv.Purchase(line.id, "120.00", merchant, "electronics", idempotency_key=key),
                    sqlite_container.uow(), SYSTEM)
    url = sqlite_container.engine.url.render_as_string(hide_password=False)
    officer = create_user(sqlite_container, "li.officer", "risk_officer")["Authorization"][7:]
    shop = create_user(sqlite_container, "shop-a", Role.SERVICE, ("Shop A",))["Authorization"][7:]
    run = CliRunner()
    base = ["--db", url, "--token", officer]

    lines = run.invoke(app, ["lines", "list", "--status", "active", "--max-dpd", "0", *base],
                       env=env)
    assert lines.exit_code == 0, lines.output
    assert "1 of 1 lines" in lines.output and "5000.00" in lines.output
    overdue = run.invoke(app, ["lines", "list", "--min-dpd", "30", *base], env=env)
    assert "0 of 0 lines" in overdue.output

    bought = run.invoke(app, ["purchases", "list", "--line", line.id, *base], env=env)
    assert bought.exit_code == 0 and "2 of 2 purchases" in bought.output
    mine = run.invoke(app, ["purchases", "list", "--db", url, "--token", shop], env=env)
    assert "1 of 1 purchases" in mine.output and "Shop B" not in mine.output
    denied = run.invoke(app, ["lines", "list", "--db", url, "--token", shop], env=env)
    assert isinstance(denied.exception, Forbidden)

    apps = run.invoke(app, ["applications", "list", "--status", "approved", *base], env=env)
    assert apps.exit_code == 0 and "0 of 0 applications" in apps.output
    old = run.invoke(app, ["applications", "list", "--status", "approve", *base], env=env)
    assert isinstance(old.exception, ValidationError) and old.exception.field == "status"
    for out in (lines, bought, mine, apps):
        assert max(len(x) for x in out.output.splitlines()) <= 100
