"""Closure over HTTP: the customer's channel (a service integration) files a request and
reads its state without the review's internals; a reviewer works the queue; the bad inputs
and the edges the issue lists answer 409 / 422 / 403 and change nothing."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from creditline.auth import SYSTEM
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.servicing import services as sv
from tests.documents_support import EXE_HEADER, image, pdf
from tests.integration.closure_support import OFFICER, person_line, render_notices

Part = tuple[str, tuple[str | None, bytes | str, str | None]]


def form(*files: Part, **fields: str | list[str]) -> list[Part]:
    """A ``multipart/form-data`` body: the fields as parts, then the files."""
    parts: list[Part] = []
    for name, value in fields.items():
        for v in value if isinstance(value, list) else [value]:
            parts.append((name, (None, v, None)))
    return parts + list(files)


def test_a_request_through_the_api_with_its_edges(sqlite_api: TestClient,
                                                   sqlite_container: Container,
                                                   clock: FixedClock,
                                                   role_headers: dict[str, dict[str, str]]
                                                   ) -> None:
    clock.set_date(date(2026, 3, 2))
    line = person_line(sqlite_container, 11, limit="20000.00")
    sv.purchase(sv.Purchase(line.id, "6000.00", "JD", "electronics", 6),
                sqlite_container.uow(), OFFICER)
    svc, rv, ro = role_headers["service"], role_headers["reviewer"], role_headers["risk_officer"]
    url = f"/v1/credit-lines/{line.id}/closure-requests"

    assert sqlite_api.get("/v1/closure-reasons", headers=svc).json()[0] == {
        "code": "income_change", "en": "My income has changed", "zh": "收入发生变化"}
    bad = sqlite_api.post(url, headers=svc, files=form(**{"reasons": ["bored"], "outcome": "close"}))
    assert bad.status_code == 422 and "reasons" in bad.text
    bad = sqlite_api.post(url, headers=svc, files=form(**{"reasons": ["too_much_credit"],
                                                 "outcome": "reduce",
                                                 "target_limit": "25000.00"}))
    assert bad.status_code == 422 and "target_limit" in bad.text
    assert sqlite_api.post(url, headers=svc, json={"reasons": ["other"], "outcome": "close"}
                           ).status_code == 415  # a form with files, not JSON
    assert sqlite_api.post(url, headers=role_headers["collector"], files=form(
        reasons=["other"], outcome="close")).status_code == 403
    # a refused file (an executable) is a 422 naming it, and nothing is stored
    exe = sqlite_api.post(url, headers=svc, files=form(
        ("files", ("payslip.pdf", pdf("ok"), "application/pdf")),
        ("files", ("setup.exe", EXE_HEADER, "application/pdf")),
        reasons=["income_change"], outcome="close"))
    assert exe.status_code == 422 and "setup.exe" in exe.text
    with sqlite_container.uow() as uow:
        assert uow.closure_requests.open_for_line(line.id) is None

    r = sqlite_api.post(url, headers=svc, files=form(**{"reasons": ["income_change"], "outcome": "close",
                                               "text": "lost my job"}))
    assert r.status_code == 201, r.text
    req = r.json()
    assert req["status"] == "manual_review" and "review" not in req
    assert req["review_outcome"] == "refer"
    again = sqlite_api.post(url, headers=svc, files=form(**{"reasons": ["other"], "outcome": "close",
                                                   "text": "x"}))
    assert again.status_code == 409

    staff = sqlite_api.get(f"/v1/closure-requests/{req['id']}", headers=rv).json()
    assert [f["code"] for f in staff["review"]["findings"]] == ["LARGE_BALANCE", "PROOF_MISSING"]
    queue = sqlite_api.get("/v1/closure-requests?queue=true", headers=rv).json()
    assert queue["total"] == 1 and queue["items"][0]["id"] == req["id"]
    assert sqlite_api.get("/v1/closure-requests", headers=svc).status_code == 403
    screen = sqlite_api.get(f"/v1/closure-requests/{req['id']}/screen", headers=rv).json()
    assert screen["line"]["total_owed"] == "6000.00"

    over = sqlite_api.post(f"/v1/closure-requests/{req['id']}/decision", headers=rv,
                           json={"decision": "counter_offer", "reason": "reduce instead",
                                 "counter_limit": "20000.01"})
    assert over.status_code == 422 and "counter_limit" in over.text
    asked = sqlite_api.post(f"/v1/closure-requests/{req['id']}/decision", headers=rv,
                            json={"decision": "ask_documents",
                                  "reason": "a letter from the employer, please"})
    assert asked.json()["status"] == "awaiting_documents"
    letter = sqlite_api.post(f"/v1/closure-requests/{req['id']}/documents", headers=svc,
                             files=[("files", ("letter.png", image("PNG"), "image/png"))])
    assert letter.status_code == 200, letter.text
    assert letter.json()["status"] == "manual_review"
    assert [d["media_type"] for d in letter.json()["documents"]] == ["image/png"]
    sqlite_api.post(f"/v1/closure-requests/{req['id']}/decision", headers=rv,
                    json={"decision": "ask_documents", "reason": "and the termination letter"})
    gone = sqlite_api.post(f"/v1/closure-requests/{req['id']}/withdraw", headers=svc, json={})
    assert gone.status_code == 200 and gone.json()["status"] == "withdrawn"
    line_now = sqlite_api.get(f"/v1/credit-lines/{line.id}", headers=ro).json()
    assert (line_now["status"], line_now["limit"]) == ("active", "20000.00")
    late = sqlite_api.post(f"/v1/closure-requests/{req['id']}/decision", headers=rv,
                           json={"decision": "approve", "reason": "ok"})
    assert late.status_code == 409

    sv.set_status(sv.SetStatus(line.id, "closing", "customer asked by phone"),
                  sqlite_container.uow(), SYSTEM)
    assert sqlite_api.post(url, headers=svc, files=form(**{"reasons": ["other"], "outcome": "close",
                                                  "text": "x"})).status_code == 409
    subjects = render_notices(sqlite_container)  # every notice renders in en and zh
    assert any("withdrawn" in t for t in subjects) and any("材料" in t for t in subjects)
