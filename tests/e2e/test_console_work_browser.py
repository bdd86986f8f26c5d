"""The collector, the closure reviewer and the risk officer at work in a real headless
Chromium against the real server, on one book dated 25 April 2026:

- Li Lei bought a 1,200.00 phone in twelve installments on 2 March and paid nothing: his
  case (M1) is Chen's.  At 23:00 Beijing time Chen opens it: the page says a call is not
  allowed now and from when it is; he tries anyway and is stopped (the attempt is logged).
  The next morning he calls and logs Li Lei's promise to pay 50.00 by 28 April.
- Customer 2 asked on 12 March to close a 30,000.00 line owing 8,000.00, with a payslip; the
  system review referred it.  Rita reads the finding and the document and approves with a
  comment: the line goes to closing.
- Five manufacturers hold 100,000.00 SME lines, two 30+ days past due.  Olga runs the sector
  watch (C flagged at 40 %), previews a 20 % cut (5 lines, 100,000.00 of limit) and applies
  it with a reason.  She also reads the rule families and the model registry.

Screenshots of every new page at 1366x768, in English and Chinese, go to
``test-artifacts/console-work/`` (beside the first wave's ``console/``)."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from creditline.access.sessions import SetPassword, set_password
from creditline.auth import SYSTEM, Role
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.closure import services as closure
from creditline.collections import services as cs
from creditline.parties import services as parties
from creditline.servicing import services as sv
from tests.conftest import create_user, make_container
from tests.documents_support import pdf
from tests.e2e.conftest import ARTIFACTS, LiveServer
from tests.e2e.test_console_browser import VIEW, fits
from tests.integration.closure_support import CUSTOMER, person_line
from tests.integration.collections_support import SUPERVISOR, debtor, local
from tests.integration.servicing_support import eod_through

pytestmark = pytest.mark.slow
D = Decimal
PASSWORDS = {"chen": "chen-collects-pass-1", "rita": "rita-reviews-pass-1",
             "olga": "olga-risk-officer-pass-1"}


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[tuple[Container, FixedClock, LiveServer, dict[str, str]]]:
    tmp = tmp_path_factory.mktemp("console-work")
    clock = FixedClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    # a collector's shift is long: sessions here idle out after a day, not 30 minutes
    container = make_container(f"sqlite:///{tmp / 'creditline.db'}", tmp, clock,
                               console_idle_minutes=24 * 60, console_session_hours=48)
    for name, role in (("chen", Role.COLLECTOR), ("rita", Role.REVIEWER),
                       ("olga", Role.RISK_OFFICER)):
        create_user(container, name, role)
        set_password(SetPassword(name, PASSWORDS[name]), container.uow(), SYSTEM)
    ids: dict[str, str] = {}
    li = debtor(container, clock)  # 2 March: the phone, twelve installments
    ids["debtor_line"] = li.line_id
    makers = []
    for n in range(5):
        c = parties.register_customer(parties.RegisterEnterprise(
            name=f"Works {n} Manufacturing Co., Ltd.", uscc=f"91310000MA1K{n:04d}X{n}",
            industry="C", registered_on="2015-06-01", legal_representative="Zhou Min",
            consents={"credit_check": True, "data_processing": True}), container.uow(), SYSTEM)
        makers.append(sv.open_line(sv.OpenLine(c.id, "sme_line", "100000.00"),
                                   container.uow(), SYSTEM).id)
    for n, line_id in enumerate(makers[:2]):
        sv.purchase(sv.Purchase(line_id, "50000.00", "Steel Supply Co", "raw_materials", 3,
                                idempotency_key=f"steel-{n}-{uuid.uuid4()}"),
                    container.uow(), SYSTEM)
    ids["makers"] = ",".join(makers)
    line = person_line(container, 2, limit="30000.00")
    sv.purchase(sv.Purchase(line.id, "8000.00", "Gome", "appliances", 12), container.uow(),
                SYSTEM)
    ids["closure_line"] = line.id
    eod_through(container, clock, date(2026, 3, 12))
    req = closure.submit_request(closure.SubmitRequest(
        line.id, ("income_change",), "My salary was cut by half", "close",
        files=(closure.ProofFile("payslip-2026-02.pdf", pdf("Pay slip February 2026"),
                                 "application/pdf"),)), container.uow(), CUSTOMER)
    assert req["status"] == "manual_review"
    ids["request"] = req["id"]
    eod_through(container, clock, date(2026, 4, 25))
    with container.uow() as uow:
        case = uow.collection_cases.active_for_line(li.line_id)
    assert case is not None
    cs.assign(cs.Assign((case.id,), "chen"), container.uow(), SUPERVISOR)
    ids["case"] = case.id
    with LiveServer(container) as server:
        yield container, clock, server, ids
    container.dispose()


@pytest.fixture(scope="module")
def shots() -> Path:
    """This module's own folder (the first wave's fixture empties ``console/``)."""
    folder = ARTIFACTS.parent / "console-work"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def sign_in(browser: Any, server: LiveServer, name: str) -> Any:
    page = browser.new_context(viewport=VIEW, locale="en-US").new_page()
    page.goto(f"{server.url}/console")
    page.fill("#name", name)
    page.fill("#password", PASSWORDS[name])
    page.click("#sign-in")
    return page


def shot(page: Any, folder: Path, name: str, *, full: bool = False) -> None:
    fits(page)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=full)


def test_a_collector_is_stopped_in_quiet_hours_and_logs_a_promise(
        work: tuple[Container, FixedClock, LiveServer, dict[str, str]], browser: Any,
        shots: Path) -> None:
    container, clock, server, ids = work
    local(clock, 2026, 4, 25, 23)  # 23:00 in Beijing
    page = sign_in(browser, server, "chen")
    page.click("nav >> text=Collection queue")
    assert page.locator("#collection-queue tbody tr").count() == 1
    assert "13812341234" in page.locator("#collection-queue").inner_text()
    shot(page, shots, "collections-queue")
    page.click("#collection-queue >> text=Li Lei")
    call = page.locator("#verdict-call").inner_text()
    assert "not now" in call and "Allowed again at Apr 26, 2026, 8:00:00" in call
    assert "110105********002X" in page.locator("#debtor").inner_text()
    page.select_option("#outcome", "no_answer")
    page.click("#log-call")
    assert "The call was not made" in page.locator("#refused").inner_text()
    assert page.locator("#contacts tr.refused").count() == 1
    shot(page, shots, "collections-case-refused", full=True)

    local(clock, 2026, 4, 26, 10)  # the next morning
    page.reload()
    assert "allowed" in page.locator("#verdict-call").inner_text()
    page.select_option("#outcome", "promise_to_pay")
    page.fill("#promise-amount", "50.00")
    page.fill("#promise-date", "2026-04-28")
    page.fill("#note", "will pay on payday")
    page.click("#log-call")
    assert page.locator("#done").inner_text() == "Call logged: promise to pay."
    assert "CN¥50.00" in page.locator("#promises").inner_text()
    [p] = cs.promises_of(ids["case"], container.uow())
    assert (p.amount, p.due_on, p.made_by) == (D("50.00"), date(2026, 4, 28), "chen")
    shot(page, shots, "collections-case-promise", full=True)
    page.click("#switch-zh")
    assert page.locator("h1").first.inner_text().startswith("催收案件")
    assert "承诺还款" in page.locator("#contacts").inner_text()
    shot(page, shots, "collections-case-zh", full=True)
    page.click("#switch-en")
    page.context.close()


def test_a_reviewer_decides_a_closure_request(
        work: tuple[Container, FixedClock, LiveServer, dict[str, str]], browser: Any,
        shots: Path) -> None:
    container, clock, server, ids = work
    local(clock, 2026, 4, 26, 11)
    page = sign_in(browser, server, "rita")
    page.click("nav >> text=Closure requests")
    assert page.locator("#closure-queue tbody tr").count() == 1
    assert "LARGE_BALANCE" in page.locator("#closure-queue").inner_text()
    shot(page, shots, "closure-queue")
    page.click("#closure-queue >> text=Customer 2")
    assert "LARGE_BALANCE" in page.locator("#findings").inner_text()
    assert "payslip-2026-02.pdf" in page.locator("#documents").inner_text()
    shot(page, shots, "closure-case", full=True)
    page.click("#switch-zh")
    assert "收入发生变化" in page.locator("#reasons").inner_text()
    shot(page, shots, "closure-case-zh", full=True)
    page.click("#switch-en")
    page.fill("#comment", "Payslip checked; the balance runs off on its schedule")
    page.click("#approve")
    assert page.locator("#request-status").inner_text() == "closing"
    assert "Payslip checked" in page.locator("#history").inner_text()
    assert sv.get_line(ids["closure_line"], container.uow()).status == "closing"
    page.context.close()


def test_a_risk_officer_previews_and_applies_a_sector_cut(
        work: tuple[Container, FixedClock, LiveServer, dict[str, str]], browser: Any,
        shots: Path) -> None:
    container, clock, server, ids = work
    local(clock, 2026, 4, 26, 14)
    page = sign_in(browser, server, "olga")
    page.click("nav >> text=Sectors")
    page.click("#watch")
    assert "flagged" in page.locator("#flag-C").inner_text()
    assert "40.0%" in page.locator("#flag-C").inner_text()
    page.select_option("#cut-industry", "C")
    page.fill("#cut-percent", "20")
    page.click("#preview")
    assert page.locator("#preview-lines").inner_text() == "5"
    assert page.locator("#preview-removed").inner_text() == "CN¥100,000.00"
    makers = ids["makers"].split(",")
    assert {sv.get_line(x, container.uow()).limit for x in makers} == {D("100000.00")}
    shot(page, shots, "sectors-preview", full=True)
    page.fill("#cut-reason", "Manufacturing orders down; two of five 30+ days late")
    page.click("#apply")
    assert page.locator("#applied").count() == 1, page.inner_text("main")
    assert "Manufacturing orders down" in page.locator("#actions").inner_text()
    assert {sv.get_line(x, container.uow()).limit for x in makers} == {D("80000.00")}
    shot(page, shots, "sectors-applied", full=True)
    page.click("#switch-zh")
    assert "制造业" in page.locator("#flag-C").inner_text()
    shot(page, shots, "sectors-zh", full=True)
    page.click("#switch-en")

    # the rule families, one family's tables and cases, a changed folder, the model registry
    page.click("nav >> text=Rules")
    assert page.locator("#families tbody tr").count() >= 4
    shot(page, shots, "rules")
    page.click("#families >> text=closure_review")
    page.click("#run-cases")
    page.wait_for_selector("#cases-summary")
    assert "0 failed" in page.locator("#cases-summary").inner_text()
    shot(page, shots, "rules-closure-review", full=True)
    # a changed folder tried before it goes live: the large-balance threshold lowered to
    # 1,000.00 fails two of the shipped examples
    from creditline.closure.rules import RULES_DIR
    changed = shots / "candidate"
    changed.mkdir(exist_ok=True)
    for f in RULES_DIR.glob("*.json"):
        (changed / f.name).write_bytes(f.read_bytes().replace(b"balance > 5000",
                                                              b"balance > 1000"))
    page.set_input_files("#candidate-tables", sorted(str(f) for f in changed.glob("*.json")))
    page.click("#try-candidate")
    page.wait_for_selector("#candidate-report")
    assert "6 passed, 2 failed" in page.locator("#candidate-report").inner_text()
    shot(page, shots, "rules-candidate", full=True)
    page.goto(f"{server.url}/console/rules/origination")
    page.click("#replay")
    page.wait_for_selector("#replay-report")
    shot(page, shots, "rules-origination-replay")
    page.click("nav >> text=Campaigns")
    page.click("#preview-double11_2026")  # the lines opened in March are too new: none
    assert page.locator("#run-granted").inner_text() == "0"
    shot(page, shots, "campaigns")
    page.click("nav >> text=Models")
    shot(page, shots, "models", full=True)
    page.click("#switch-zh")
    shot(page, shots, "models-zh", full=True)
    page.click("#switch-en")
    page.context.close()
