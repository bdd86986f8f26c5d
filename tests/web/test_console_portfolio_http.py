"""The risk officer's portfolio dashboard over HTTP (no browser), on a small book opened on
2 March 2026:

- Li Lei buys 1,200.00 in 12 installments and pays his first bill on 5 April;
- Han Meimei buys 3,000.00 in 6 installments and never pays (20 days past due on 30 April);
- Wang Fang holds a 2,000.00 line she never uses;
- five manufacturers (GB/T 4754 section C) hold 100,000.00 SME lines; two buy 50,000.00 of
  steel in 3 installments and never pay.

End of day runs through 30 April, so the month end's provisions stage measured the book
once.  Olga (risk officer) opens the dashboard: the ECL total is the service's to the cent;
she runs the stress scenarios and the early warning through the page's forms; the warning
alerts on manufacturing (two of five lines 30+ days past due) and proposes a sector cut,
whose button opens the sectors page's preview of it.  An auditor
reads the dashboard and runs stress (a read) but cannot run the early warning; a reviewer
may not open it; a form posted without its CSRF token changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from creditline.access.sessions import SetPassword, set_password
from creditline.api.app import create_app
from creditline.auth import SYSTEM, Role
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.parties import services as parties
from creditline.portfolio import ecl_services as es
from creditline.portfolio import services as ps
from creditline.servicing import services as sv
from creditline.web.i18n import Formats
from tests.conftest import create_user
from tests.integration.servicing_support import eod_through, open_line
from tests.web.test_console_http import sign_in
from tests.web.test_console_work_http import PASSWORD, text_of

EN, ZH = Formats("en"), Formats("zh")
# the month end's ECL of this book, to the cent (the service's own figure is asserted equal)
RUN_ECL = "58699.47"  # the SME lines staged and PD-ed without the consumer B-card


def _maker(container: Container, n: int) -> str:
    c = parties.register_customer(parties.RegisterEnterprise(
        name=f"Works {n} Manufacturing Co., Ltd.", uscc=f"91310000MA1K{n:04d}X{n % 10}",
        industry="C", registered_on="2015-06-01", legal_representative="Zhou Min",
        consents={"credit_check": True, "data_processing": True}), container.uow(), SYSTEM)
    return sv.open_line(sv.OpenLine(c.id, "sme_line", "100000.00"), container.uow(), SYSTEM).id


def build_book(c: Container, clock: FixedClock) -> Container:
    """The book of the module docstring, through end of day on 30 April."""
    clock.set_date(date(2026, 3, 2))
    li, han, _wang = open_line(c, "10000.00"), open_line(c, "5000.00"), open_line(c, "2000.00")
    sv.purchase(sv.Purchase(li.id, "1200.00", "JD Mall", "electronics", 12,
                            idempotency_key="li-1"), c.uow(), SYSTEM)
    sv.purchase(sv.Purchase(han.id, "3000.00", "JD Mall", "electronics", 6,
                            idempotency_key="han-1"), c.uow(), SYSTEM)
    for n, line_id in enumerate(_maker(c, n) for n in range(5)):
        if n < 2:
            sv.purchase(sv.Purchase(line_id, "50000.00", "Steel Supply Co", "raw_materials", 3,
                                    idempotency_key=f"steel-{n}"), c.uow(), SYSTEM)
    eod_through(c, clock, date(2026, 4, 5))
    sv.repay(sv.Repay(li.id, "106.00", idempotency_key="li-p1"), c.uow(), SYSTEM)
    eod_through(c, clock, date(2026, 4, 30))
    return c


@pytest.fixture
def book(sqlite_container: Container, clock: FixedClock) -> Container:
    return build_book(sqlite_container, clock)


@pytest.fixture
def web(book: Container) -> Iterator[TestClient]:
    for name, role in (("olga", Role.RISK_OFFICER), ("audrey", Role.AUDITOR),
                       ("rita", Role.REVIEWER)):
        create_user(book, name, role)
        set_password(SetPassword(name, PASSWORD), book.uow(), SYSTEM)
    with TestClient(create_app(book), base_url="https://console.test") as c:
        yield c


def _warning_runs(container: Container) -> int:
    with container.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM audit_log "
                                     "WHERE action = 'portfolio.warnings_run'")).scalar_one())


def test_a_risk_officer_reads_the_book_runs_stress_and_the_early_warning(
        web: TestClient, book: Container) -> None:
    run = es.show_ecl(es.ShowEcl(), book.uow(), SYSTEM).run
    assert (run.as_of, run.source, run.lines) == (date(2026, 4, 30), "provisions", 8)

    csrf = sign_in(web, "olga")
    assert 'href="/console/portfolio"' in web.get("/console").text  # in her menu
    page = web.get("/console/portfolio").text
    assert text_of(page, "ecl-total") == EN.money(run.ecl) == EN.money(Decimal(RUN_ECL))
    assert text_of(page, "kpi-ecl") == EN.money(run.ecl)
    assert text_of(page, "ecl-ead") == EN.money(run.ead)
    assert text_of(page, "book-lines") == "8"
    # every section is there with its chart (PNG from reporting/charts.py)
    for section in ("alerts", "ecl", "stress", "vintages", "rolls", "concentration"):
        assert f'id="{section}"' in page
    assert page.count('src="data:image/png;base64,') >= 4  # ECL, vintages, heat map, 2 conc.
    assert 'id="vintage-table"' in page and "2026-03" in page
    assert 'id="no-stress"' in page and 'id="no-alerts"' in page

    # stress, through the form: base first, each scenario as the service answers it
    r = web.post("/console/portfolio/stress", data={"csrf": csrf})
    assert r.status_code == 200 and 'id="stress-table"' in r.text
    view = es.run_stress(es.RunStress(), book.uow(), SYSTEM)
    assert view.results[0].scenario.name == "base" and len(view.results) > 1
    for res in view.results:
        assert text_of(r.text, f"stress-{res.scenario.name}-ecl") \
            == EN.money(es.cents_to_money(res.ecl))
    assert r.text.count('src="data:image/png;base64,') >= 5  # plus the stress chart

    # the early warning, through the form: kept, audited, listed on the page
    before = _warning_runs(book)
    r = web.post("/console/portfolio/warnings", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/console/portfolio?warned=")
    assert _warning_runs(book) == before + 1
    page = web.get(r.headers["location"]).text
    assert 'id="warned"' in page
    [alert] = ps.list_alerts(ps.AlertQuery(), book.uow())
    assert (alert["indicator"], alert["segment"], alert["level"], alert["value"]) \
        == ("industry_rates", "C", "alert", 0.4)
    assert page.count('class="alert-row"') == 1
    assert "Cut industry C by 20 %" in page and "5 lines, 5 customers, CN¥100,000.00" in page
    # the proposed cut opens the sectors page's preview (a preview changes nothing)
    assert 'action="/console/sectors/preview"' in page and 'id="preview-C"' in page
    r = web.post("/console/sectors/preview", data={"csrf": csrf, "industry": "C",
                                                   "percent": "20"})
    assert text_of(r.text, "preview-lines") == "5"
    assert text_of(r.text, "preview-removed") == "CN¥100,000.00"

    # the page in Chinese: the same ECL, formatted for the locale
    web.post("/console/locale", data={"csrf": csrf, "locale": "zh", "next": "/console/portfolio"})
    page = web.get("/console/portfolio").text
    assert "资产组合" in page and "按阶段的预期信用损失" in page
    assert text_of(page, "ecl-total") == ZH.money(run.ecl)


def test_who_may_do_what_and_forms_without_csrf(web: TestClient, book: Container) -> None:
    sign_in(web, "rita")  # a reviewer does not read the book
    assert web.get("/console/portfolio").status_code == 403

    csrf = sign_in(web, "audrey")  # an auditor reads and stresses, but runs no warning
    page = web.get("/console/portfolio").text
    assert 'id="ecl-total"' in page and 'id="run-stress"' in page
    assert 'id="run-warnings"' not in page
    assert web.post("/console/portfolio/warnings", data={"csrf": csrf}).status_code == 403
    assert web.post("/console/portfolio/stress", data={"csrf": csrf}).status_code == 200

    sign_in(web, "olga")  # without the CSRF token nothing runs
    before = _warning_runs(book)
    r = web.post("/console/portfolio/warnings", data={})
    assert r.status_code == 403 and "CSRF" in r.text
    assert web.post("/console/portfolio/stress", data={"csrf": "forged"}).status_code == 403
    assert _warning_runs(book) == before
    assert ps.list_alerts(ps.AlertQuery(), book.uow()) == []
