"""People at work in the console, in a real headless Chromium against the real server:
a wrong password is refused, a reviewer approves a referred application (the line opens,
its 360 view shows the limit and the schedule of a purchase), an auditor verifies the
chain, a user switches to Chinese and keeps it, and a form posted without its CSRF token is
refused and changes nothing.  Screenshots of the main pages at 1366x768 are kept in
``test-artifacts/console/``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from creditline.bootstrap import Container
from tests.api.test_applications_support import (
    GOOD_BUREAU,
    REFER_BUREAU,
    add_contact,
    applied,
    person,
    register,
)
from tests.conftest import ADMIN, ADMIN_NAME
from tests.e2e.conftest import PASSWORDS, LiveServer, api

pytestmark = pytest.mark.slow
VIEW = {"width": 1366, "height": 768}


def sign_in(browser: Any, server: LiveServer, name: str, password: str | None = None) -> Any:
    page = browser.new_context(viewport=VIEW, locale="en-US").new_page()
    page.goto(f"{server.url}/console")
    assert "/console/login" in page.url  # no session: sent to sign in
    page.fill("#name", name)
    page.fill("#password", password or PASSWORDS[name])
    page.click("#sign-in")
    return page


def fits(page: Any) -> None:
    """The page does not scroll sideways at 1366 px: wide tables scroll in their own box."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the window"


def shot(page: Any, folder: Path, name: str, *, full: bool = False) -> None:
    fits(page)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=full)


def test_people_at_work_in_the_console(book: tuple[Container, LiveServer], browser: Any,
                                       shots: Path) -> None:
    _, server = book
    with api(server) as http:
        referred = applied(http, register(http, person(700, income="6000.00",
                                                       employment="freelancer")),
                           bureau=REFER_BUREAU, device_id="dev-700")
        assert referred["decision"] == "referred"
        ring = [register(http, person(710 + i)) for i in range(5)]
        for cid in ring:
            add_contact(http, cid, "13999997777")
        ringed = [applied(http, cid, bureau=GOOD_BUREAU) for cid in ring]
        assert {a["decision"] for a in ringed} == {"referred"}

    # -- a wrong password is refused, and says so without telling which part was wrong
    page = sign_in(browser, server, "rita", "not-ritas-password")
    assert "/console/login" in page.url
    assert page.locator(".error").inner_text() == "Wrong user name or password."
    page.context.close()

    # -- the reviewer works the queue and approves the referred application
    page = sign_in(browser, server, "rita")
    assert page.url.rstrip("/").endswith("/console")
    page.click("text=Review queue >> nth=0")
    assert page.locator("#queue tbody tr").count() == 6
    shot(page, shots, "reviews-queue")
    page.goto(f"{server.url}/console/reviews/{ringed[0]['review_id']}")
    assert page.locator("svg.ring circle").count() == 5  # the five linked applicants
    shot(page, shots, "review-case-ring")
    page.goto(f"{server.url}/console/reviews/{referred['review_id']}")
    applicant = page.locator("dl.facts").first.inner_text()
    assert "Applicant 700" in applicant and "*" in applicant  # identity masked for reviewers
    assert page.locator("#score-reasons li").count() >= 1
    shot(page, shots, "review-case")
    page.fill("#comment", "Income checked against the payslips")
    page.click("#approve")
    assert page.locator("#case-outcome").inner_text() == "approved"
    assert "Income checked against the payslips" in page.locator("#decisions").inner_text()
    with api(server) as http:
        app = http.get(f"/v1/applications/{referred['id']}", headers=ADMIN).json()
        assert app["decision"] == "approved" and app["limit"] == "3000.00"
        line_id = app["line_id"]
        r = http.post(f"/v1/credit-lines/{line_id}/purchases", headers={
            **ADMIN, "Idempotency-Key": "console-e2e-1"}, json={
            "amount": "1200.00", "merchant": "Freshway Market", "merchant_category": "grocery",
            "installments": 3})
        assert r.status_code == 201, r.text
    page.goto(f"{server.url}/console/lines/{line_id}")
    assert page.locator("#available").inner_text() == "CN¥1,800.00"
    assert page.locator("table.schedule tbody tr").count() == 3
    assert "Not for your role." in page.inner_text("body")  # reviewers see no postings
    shot(page, shots, "line-360-reviewer", full=True)

    # -- a form posted without its CSRF token is refused and changes nothing
    other = ringed[1]["review_id"]
    answer = page.request.post(f"{server.url}/console/reviews/{other}/decision",
                               form={"decision": "approved", "comment": "forged"})
    assert answer.status == 403 and "CSRF" in answer.text()
    with api(server) as http:
        assert http.get(f"/v1/reviews/{other}", headers=ADMIN).json()["status"] == "pending"

    # -- the user switches to Chinese; the choice stays with them
    page.goto(f"{server.url}/console/reviews")
    page.click("#switch-zh")
    assert page.locator("h1").inner_text() == "审核队列"
    assert page.locator("#sign-out").inner_text() == "退出登录"
    shot(page, shots, "reviews-queue-zh")
    page.goto(f"{server.url}/console/lines/{line_id}")
    assert page.locator("#available").inner_text() == "¥1,800.00"
    shot(page, shots, "line-360-zh")
    page.click("#sign-out")
    assert "/console/login" in page.url
    page.context.close()
    page = sign_in(browser, server, "rita")
    assert page.locator("#sign-out").inner_text() == "退出登录"
    page.context.close()

    # -- the auditor reads the trail and verifies the chain
    page = sign_in(browser, server, "audrey")
    page.goto(f"{server.url}/console/audit")
    assert page.locator("#entries tbody tr").count() > 5
    page.fill("#f-entity", "review")
    page.click("#filter")
    page.wait_for_function("document.querySelectorAll('#entries tbody tr').length === 1")
    assert "review.approve" in page.locator("#entries").inner_text()
    page.click("#verify")
    page.wait_for_selector("#verify-result")
    assert page.locator("#verify-result").inner_text().startswith("✔ The chain verifies")
    shot(page, shots, "audit-trail")
    assert page.goto(f"{server.url}/console/users").status == 403  # not an auditor's page
    page.context.close()

    # -- the admin: line with its postings, users, search
    page = sign_in(browser, server, ADMIN_NAME)
    page.goto(f"{server.url}/console/lines/{line_id}")
    assert page.locator("#postings tbody tr").count() >= 2
    told = page.locator("#notifications").inner_text()
    assert "application_approved" in told and "line.opened" in told and "queued" in told
    shot(page, shots, "line-360-admin", full=True)
    page.goto(f"{server.url}/console/users")
    assert page.locator("#user-rita").count() == 1
    shot(page, shots, "users")
    page.fill("#quick-search", "applicant 70")  # the search box on every page
    page.press("#quick-search", "Enter")
    page.wait_for_selector("#found")
    assert page.locator("#found tbody tr").count() == 1
    page.goto(f"{server.url}/console/search")
    page.fill("#q-phone", "+86 138-0000-0700")
    page.click("#search")
    page.wait_for_selector("#found tbody tr a")
    assert page.locator("#found tbody tr").count() == 1
    assert "Applicant 700" in page.locator("#found").inner_text()
    shot(page, shots, "search")
    page.context.close()
