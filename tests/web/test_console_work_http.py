"""The collector's, closure reviewer's and risk officer's pages over HTTP (no browser), as
worked examples on one book each:

- Li Lei bought a 1,200.00 phone in twelve installments on 2 March 2026 and paid nothing; by
  20 April his line is in M1 with 50.00 past due and the case is Chen's.  At 23:00 Beijing
  time the gate refuses a call (quiet hours, allowed again at 08:00); the refusal is logged
  and the page says so.  At 10:00 Chen logs a promise of 50.00 by 23 April.
- Customer 2 asks to close a 30,000.00 line owing 8,000.00 with a payslip; the system review
  refers it (LARGE_BALANCE).  A reviewer sees the finding and the payslip (downloaded as an
  attachment, byte for byte) and counter-offers 10,000.00 with a comment.  A 150,000.00 line's
  approval (an SME line) waits for a second reviewer, marked in the queue, and its proposer cannot confirm.
- Five manufacturers hold 100,000.00 SME lines, two 30+ days past due: the watch flags
  section C; the risk officer previews a 20 % cut (5 lines, 100,000.00 of limit) and applies
  it with a reason; every limit is then 80,000.00.
- The rule families, their example cases and the origination replay; the model registry."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from creditline.access.sessions import SetPassword, set_password
from creditline.api.app import create_app
from creditline.auth import SYSTEM, Role
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.closure import services as closure
from creditline.collections import services as cs
from creditline.parties import services as parties
from creditline.servicing import services as sv
from tests.conftest import create_user
from tests.documents_support import pdf
from tests.integration.closure_support import CUSTOMER, OFFICER2, enterprise_line, person_line
from tests.integration.collections_support import SUPERVISOR, delinquent, local
from tests.integration.servicing_support import eod_through
from tests.web.test_console_http import sign_in

PASSWORD = "console-pass-2026"
D = Decimal


@pytest.fixture
def web(sqlite_container: Container) -> Iterator[TestClient]:
    for name, role in (("chen", Role.COLLECTOR), ("rita", Role.REVIEWER),
                       ("rosa", Role.REVIEWER), ("olga", Role.RISK_OFFICER),
                       ("audrey", Role.AUDITOR)):
        create_user(sqlite_container, name, role)
        set_password(SetPassword(name, PASSWORD), sqlite_container.uow(), SYSTEM)
    with TestClient(create_app(sqlite_container), base_url="https://console.test") as c:
        yield c


def text_of(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert found, element_id
    return re.sub(r"\s+", " ", found.group(1)).strip()


def test_a_collector_is_refused_in_quiet_hours_then_logs_a_promise(
        web: TestClient, sqlite_container: Container, clock: FixedClock) -> None:
    d, case = delinquent(sqlite_container, clock)
    cs.assign(cs.Assign((case.id,), "chen"), sqlite_container.uow(), SUPERVISOR)
    local(clock, 2026, 4, 20, 23)  # 23:00 in Beijing: quiet hours (22:00-08:00)
    csrf = sign_in(web, "chen")

    queue = web.get("/console/collections").text
    assert "Li Lei" in queue and "13812341234" in queue  # a call needs the phone
    assert "M1" in queue and "CN¥50.00" in queue
    page = web.get(f"/console/collections/cases/{case.id}").text
    assert "110105********002X" in page  # the identity number stays masked
    assert "Allowed again at Apr 21, 2026, 8:00:00\u202fAM." in page
    assert 'id="verdict-call"' in page and "not now" in page

    r = web.post(f"/console/collections/cases/{case.id}/call", data={
        "csrf": csrf, "outcome": "no_answer", "note": "tried late"})
    assert r.status_code == 422
    assert "The call was not made" in r.text and "CN.hours" in r.text
    assert 'class="refused"' in r.text  # the refused attempt is in the contact log

    local(clock, 2026, 4, 21, 10)  # the next morning (a new session: the old one idled out)
    csrf = sign_in(web, "chen")
    page = web.get(f"/console/collections/cases/{case.id}").text
    assert "not now" not in page
    r = web.post(f"/console/collections/cases/{case.id}/call", data={
        "csrf": csrf, "outcome": "promise_to_pay", "promise_amount": "50.00",
        "promise_date": "2026-04-23", "note": "will pay on payday"}, follow_redirects=True)
    assert r.status_code == 200 and "Call logged: promise to pay." in r.text
    [p] = cs.promises_of(case.id, sqlite_container.uow())
    assert (p.amount, p.due_on, p.made_by) == (D("50.00"), date(2026, 4, 23), "chen")
    assert "will pay on payday" in r.text

    # bad input names the field and changes nothing
    r = web.post(f"/console/collections/cases/{case.id}/call", data={
        "csrf": csrf, "outcome": "promise_to_pay", "promise_amount": "50.00",
        "promise_date": "23/04/2026"})
    assert r.status_code == 422 and "promise_date" in r.text
    assert len(cs.promises_of(case.id, sqlite_container.uow())) == 1

    # a dispute lowers what is collectable
    r = web.post(f"/console/collections/cases/{case.id}/call", data={
        "csrf": csrf, "outcome": "dispute", "disputed_amount": "20.00",
        "note": "one installment was returned"}, follow_redirects=True)
    assert text_of(r.text, "disputed") == "CN¥20.00"
    assert text_of(r.text, "collectable") == "CN¥30.00"
    assert d.line_id in r.text

    # hardship pauses collection: the case leaves the queue until it ends
    r = web.post(f"/console/collections/cases/{case.id}/hardship", data={
        "csrf": csrf, "until": "2026-05-20", "reason": "hospital stay"}, follow_redirects=True)
    assert "Hardship recorded" in r.text and 'id="on-hold"' in r.text
    assert "No case to work." in web.get("/console/collections").text
    r = web.post(f"/console/collections/cases/{case.id}/hardship", data={
        "csrf": csrf, "until": "", "reason": "x"})
    assert r.status_code == 422 and "until" in r.text

    # a supervisor looks at Chen's queue; a collector may not look at another's
    assert web.get("/console/collections?collector=olga").status_code == 403
    sign_in(web, "olga")
    page = web.get("/console/collections?collector=chen").text
    assert 'id="queue-of"' in page and "No case to work." in page

    # an auditor reads the case (no verdicts, no forms); a reviewer may not
    sign_in(web, "audrey")
    page = web.get(f"/console/collections/cases/{case.id}").text
    assert "Only the collector working the case" in page and "log-call" not in page
    assert web.get("/console/collections").status_code == 403
    sign_in(web, "rita")
    assert web.get(f"/console/collections/cases/{case.id}").status_code == 403


def test_a_reviewer_counter_offers_a_referred_closure_request(
        web: TestClient, sqlite_container: Container, clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    line = person_line(sqlite_container, 2, limit="30000.00")
    sv.purchase(sv.Purchase(line.id, "8000.00", "Gome", "appliances", 12),
                sqlite_container.uow(), SYSTEM)
    clock.set_date(date(2026, 3, 12))
    payslip = pdf("Pay slip February 2026: 6,000.00")
    req = closure.submit_request(closure.SubmitRequest(
        line.id, ("income_change",), "My salary was cut by half", "close",
        files=(closure.ProofFile("payslip-2026-02.pdf", payslip, "application/pdf"),)),
        sqlite_container.uow(), CUSTOMER)
    big = enterprise_line(sqlite_container, 3, limit="150000.00")
    sv.purchase(sv.Purchase(big.id, "20000.00", "Gome", "appliances", 12),
                sqlite_container.uow(), SYSTEM)
    second = closure.submit_request(closure.SubmitRequest(
        big.id, ("no_longer_needed",), "", "close"), sqlite_container.uow(), CUSTOMER)
    closure.decide_request(closure.DecideRequest(second["id"], "approve", "balance is fine"),
                           sqlite_container.uow(), OFFICER2)

    csrf = sign_in(web, "rita")
    home = web.get("/console").text
    assert text_of(home, "closure-waiting") == "2"
    queue = web.get("/console/closure").text
    assert "Customer 2" in queue and "LARGE_BALANCE" in queue
    assert queue.count("second reviewer needed") == 2  # the status and the badge of one case
    page = web.get(f"/console/closure/{req['id']}").text
    assert "My income has changed" in page and "My salary was cut by half" in page
    assert "LARGE_BALANCE" in page and "payslip-2026-02.pdf" in page
    doc_id = req["documents"][0]["id"]
    got = web.get(f"/console/documents/{doc_id}")
    assert got.content == payslip
    assert got.headers["content-disposition"].startswith("attachment;")

    r = web.post(f"/console/closure/{req['id']}/decision", data={
        "csrf": csrf, "decision": "counter_offer", "reason": "keep a smaller line",
        "counter_limit": "10000.00"}, follow_redirects=True)
    assert r.status_code == 200 and "counter-offered" in r.text
    assert "keep a smaller line" in r.text
    assert closure.get_request(req["id"], sqlite_container.uow(), SYSTEM)["counter_limit"] \
        == "10000.00"

    # the four-eyes case: marked, and decided by a second person only
    page = web.get(f"/console/closure/{second['id']}").text
    assert 'id="second-needed"' in page and "ro-qian proposed to approve" in page
    r = web.post(f"/console/closure/{second['id']}/decision", data={
        "csrf": csrf, "decision": "approve", "reason": "confirmed"}, follow_redirects=True)
    assert "closing" in text_of(r.text, "request-status")
    assert sv.get_line(big.id, sqlite_container.uow()).status == "closing"

    # a counter-offer above the limit is refused, naming the field, and nothing changes
    third = person_line(sqlite_container, 4, limit="20000.00")
    sv.purchase(sv.Purchase(third.id, "8000.00", "Gome", "appliances", 12),
                sqlite_container.uow(), SYSTEM)
    req3 = closure.submit_request(closure.SubmitRequest(third.id, ("other",), "why not",
                                                        "close"), sqlite_container.uow(),
                                  CUSTOMER)
    r = web.post(f"/console/closure/{req3['id']}/decision", data={
        "csrf": csrf, "decision": "counter_offer", "reason": "x", "counter_limit": "25000.00"})
    assert r.status_code == 422 and "counter_limit" in r.text
    assert closure.get_request(req3["id"], sqlite_container.uow(), SYSTEM)["status"] \
        == "manual_review"


def _maker(container: Container, n: int) -> str:
    c = parties.register_customer(parties.RegisterEnterprise(
        name=f"Works {n} Manufacturing Co., Ltd.", uscc=f"91310000MA1K{n:04d}X{n % 10}",
        industry="C", registered_on="2015-06-01", legal_representative="Zhou Min",
        consents={"credit_check": True, "data_processing": True}), container.uow(), SYSTEM)
    return sv.open_line(sv.OpenLine(c.id, "sme_line", "100000.00"), container.uow(), SYSTEM).id


def test_a_risk_officer_previews_and_applies_a_sector_cut(
        web: TestClient, sqlite_container: Container, clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    makers = [_maker(sqlite_container, n) for n in range(5)]
    for n, line_id in enumerate(makers[:2]):
        sv.purchase(sv.Purchase(line_id, "50000.00", "Steel Supply Co", "raw_materials", 3,
                                idempotency_key=f"steel-{n}-{uuid.uuid4()}"),
                    sqlite_container.uow(), SYSTEM)
    eod_through(sqlite_container, clock, date(2026, 4, 25))

    csrf = sign_in(web, "olga")
    page = web.get("/console/sectors").text  # end of day's own watch flagged C on 19 April
    assert "The watch has not run yet." not in page and "40.0%" in page
    page = web.post("/console/sectors/watch", data={"csrf": csrf}, follow_redirects=True).text
    assert "flagged" in text_of(page, "flag-C").lower() or "flagged" in page
    assert "40.0%" in page  # two of five manufacturers 30+ days past due

    # a cut of an industry the watch did not flag is refused at apply (409), nothing moves
    r = web.post("/console/sectors/cut", data={"csrf": csrf, "industry": "F", "percent": "20",
                                               "reason": "stress"})
    assert r.status_code == 409
    r = web.post("/console/sectors/preview", data={"csrf": csrf, "industry": "C",
                                                   "percent": "120"})
    assert r.status_code == 422 and "percent" in r.text

    page = web.post("/console/sectors/preview", data={"csrf": csrf, "industry": "C",
                                                      "percent": "20"}).text
    assert text_of(page, "preview-lines") == "5"
    assert text_of(page, "preview-removed") == "CN¥100,000.00"
    assert all(sv.get_line(x, sqlite_container.uow()).limit == D("100000.00") for x in makers)
    page = web.post("/console/sectors/cut", data={
        "csrf": csrf, "industry": "C", "percent": "20", "reason": "manufacturing downturn"},
        follow_redirects=True).text
    assert 'id="applied"' in page and "manufacturing downturn" in page
    assert [sv.get_line(x, sqlite_container.uow()).limit for x in makers] == [D("80000.00")] * 5

    sign_in(web, "audrey")  # auditors read the sector pages, and cannot cut
    page = web.get("/console/sectors").text
    assert "manufacturing downturn" in page and 'id="preview-form"' not in page
    assert web.post("/console/sectors/preview", data={"csrf": "x", "industry": "C",
                                                      "percent": "20"}).status_code == 403


def test_rule_families_their_cases_and_a_replay(web: TestClient,
                                                sqlite_container: Container) -> None:
    from creditline.bootstrap import rule_families
    csrf = sign_in(web, "olga")
    page = web.get("/console/rules").text
    for name in rule_families():
        assert f'id="family-{name}"' in page
    label = rule_families()["closure_review"].default().label
    page = web.get("/console/rules/closure_review").text
    assert label in page and "exposure.json" in page and "PAST_DUE" in page
    r = web.post("/console/rules/closure_review/test", data={"csrf": csrf},
                 headers={"HX-Request": "true"})
    assert re.search(r"passed, 0 failed", r.text) and "<html" not in r.text
    r = web.post("/console/rules/origination/replay", data={"csrf": csrf,
                                                            "since": "2026-01-01"})
    assert "0 applications replayed" in r.text
    r = web.post("/console/rules/origination/replay", data={"csrf": csrf, "since": "soon"})
    assert r.status_code == 422 and "since" in r.text
    assert web.get("/console/rules/nonsense").status_code == 404

    sign_in(web, "audrey")  # auditors read the tables but do not replay history
    assert web.get("/console/rules/origination").status_code == 200
    assert web.post("/console/rules/origination/replay",
                    data={"since": "2026-01-01"}).status_code == 403


def test_the_model_registry_and_its_monitoring(web: TestClient,
                                               sqlite_container: Container) -> None:
    from tests.api.test_applications_support import GOOD_BUREAU, applied, person, register
    from tests.conftest import ADMIN
    register(web, person(901))
    applied(web, register(web, person(902)), bureau=GOOD_BUREAU)  # installs the A-card
    sign_in(web, "olga")
    page = web.get("/console/models").text
    assert "bnpl_a_card" in page and "champion" in page
    assert "too few scores to compare" in page and 'id="no-challenger"' in page
    assert ADMIN  # the API's bearer tokens stay for machines; the page needs none
    sign_in(web, "chen")
    assert web.get("/console/models").status_code == 403


def test_a_changed_folder_is_tried_before_it_goes_live(web: TestClient) -> None:
    """An analyst lowers the closure review's large-balance threshold from 5,000 to 1,000:
    the candidate gets its own label, and the shipped example "a clean consumer line owing
    1,200.00: approved at once" now fails (and so does a 3,000.00 reduction), so the folder
    would be refused at load.  The
    origination folder sent unchanged is the live one, replayed over no applications."""
    from creditline.closure.rules import RULES_DIR as CLOSURE_RULES
    from creditline.policy.ruleset import RULES_DIR as POLICY_RULES
    csrf = sign_in(web, "olga")
    files = [("tables", (p.name, p.read_bytes(), "application/json"))
             for p in sorted(CLOSURE_RULES.glob("*.json"))]
    changed = [(k, (n, b.replace(b"balance > 5000", b"balance > 1000"), t))
               for k, (n, b, t) in files]
    assert changed != files
    r = web.post("/console/rules/closure_review/candidate", data={"csrf": csrf}, files=changed)
    assert r.status_code == 200, r.text
    live = text_of(web.get("/console/rules/closure_review").text, "family-label")
    said = text_of(r.text, "candidate-label")
    assert said.endswith(f"(live: {live}).") and not said.startswith(f"Candidate {live}")
    assert "6 passed, 2 failed" in r.text  # the 1,200.00 and the 3,000.00 examples
    assert "a clean consumer line owing 1,200.00: approved at once" in r.text

    r = web.post("/console/rules/closure_review/candidate", data={"csrf": csrf},
                 files=[("tables", ("../manifest.json", b"{}", "application/json"))])
    assert r.status_code == 422 and "tables" in r.text
    r = web.post("/console/rules/closure_review/candidate",
                 files=[("tables", f) for _, f in files[:1]])
    assert r.status_code == 403  # no CSRF token: refused

    r = web.post("/console/rules/origination/candidate", data={"csrf": csrf,
                                                               "since": "2026-01-01"},
                 files=[("tables", (p.name, p.read_bytes(), "application/json"))
                        for p in sorted(POLICY_RULES.glob("*.json"))])
    assert "the same tables as live" in r.text and "0 applications replayed" in r.text


def test_a_campaign_is_dry_run_then_granted(web: TestClient, sqlite_container: Container,
                                             clock: FixedClock) -> None:
    """Customer 5's 10,000.00 line, opened on 2 March, is 105 days on book on 15 June with
    nothing past due: Singles' Day 2026 raises it by 30 % (3,000.00) from 1 to 11 November."""
    clock.set_date(date(2026, 3, 2))
    line = person_line(sqlite_container, 5, limit="10000.00")
    clock.set_date(date(2026, 6, 15))
    csrf = sign_in(web, "olga")
    page = web.get("/console/campaigns").text
    assert "Singles&#39; Day 2026" in page and "+30%" in page
    page = web.post("/console/campaigns/double11_2026/preview", data={"csrf": csrf}).text
    assert "nothing was granted" in page
    assert (text_of(page, "run-granted"), text_of(page, "run-raised")) == ("1", "CN¥3,000.00")
    assert sv.get_line(line.id, sqlite_container.uow()).temporary_limit is None
    page = web.post("/console/campaigns/double11_2026/grant", data={"csrf": csrf}).text
    assert text_of(page, "run-granted") == "1"
    t = sv.get_line(line.id, sqlite_container.uow()).temporary_limit
    assert t is not None
    assert (t.amount, t.start, t.end) == (D("13000.00"), date(2026, 11, 1), date(2026, 11, 11))
    assert web.post("/console/campaigns/nonsense/preview",
                    data={"csrf": csrf}).status_code == 422
    sign_in(web, "audrey")  # auditors see the campaigns, and grant nothing
    assert "Singles&#39; Day 2026" in web.get("/console/campaigns").text
    assert web.post("/console/campaigns/double11_2026/grant",
                    data={"csrf": "x"}).status_code == 403
