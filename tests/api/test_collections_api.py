"""Collections over HTTP: a collector's queue (masked data except what a call needs), a call
refused in quiet hours (422 naming the rule, and logged), a promise in the past (422),
placement with an unknown agency (404), the legal package as JSON and HTML, the replay,
and who may do what."""

from __future__ import annotations

from fastapi.testclient import TestClient

from creditline.auth import Role
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from tests.conftest import create_user
from tests.integration.collections_support import delinquent, local


def test_a_collectors_day_over_http(sqlite_api: TestClient, sqlite_container: Container,
                                    clock: FixedClock) -> None:
    d, case = delinquent(sqlite_container, clock)
    chen = create_user(sqlite_container, "chen", Role.COLLECTOR)
    sup = create_user(sqlite_container, "sup", Role.RISK_OFFICER)
    audit = create_user(sqlite_container, "aud", Role.AUDITOR)
    base = "/v1/collections"

    r = sqlite_api.post(f"{base}/cases/assign", headers=chen,
                        json={"case_ids": [case.id], "collector": "chen"})
    assert r.status_code == 403
    r = sqlite_api.post(f"{base}/cases/assign", headers=sup,
                        json={"case_ids": [case.id], "collector": "chen"})
    assert r.status_code == 200 and r.json()[0]["assigned_to"] == "chen"

    q = sqlite_api.get(f"{base}/queue", headers=chen).json()
    assert q["total"] is None and q["next_cursor"] is None
    [item] = q["items"]
    assert item["bucket_name"] == "M1" and item["collectable"] == "50.00"
    assert item["debtor"]["phone"] == "13812341234"
    assert item["debtor"]["id_number"] == "110105********002X"
    # the auditor reads the case with the phone masked too
    seen = sqlite_api.get(f"{base}/cases/{case.id}", headers=audit).json()
    assert seen["debtor"]["phone"] == "138****1234"
    assert sqlite_api.get(f"{base}/queue?collector=sup", headers=chen).status_code == 403

    local(clock, 2026, 4, 20, 23)
    r = sqlite_api.post(f"{base}/cases/{case.id}/calls", headers=chen,
                        json={"outcome": "no_answer"})
    assert r.status_code == 422
    body = r.json()
    assert body["reason"] == "contact_refused" and "CN.hours" in body["message"]
    assert body["detail"][0]["rule"] == "CN.hours"
    assert body["detail"][0]["allowed_again_at"] == "2026-04-21T00:00:00+00:00"

    local(clock, 2026, 4, 21, 10)
    r = sqlite_api.post(f"{base}/cases/{case.id}/calls", headers=chen,
                        json={"outcome": "promise_to_pay", "promise_amount": "40.00",
                              "promise_date": "2026-04-20"})
    assert r.status_code == 422 and "promise_date" in r.text
    r = sqlite_api.post(f"{base}/cases/{case.id}/calls", headers=chen,
                        json={"outcome": "promise_to_pay", "promise_amount": 40,
                              "promise_date": "2026-04-25"})
    assert r.status_code == 422  # a JSON number is not money
    r = sqlite_api.post(f"{base}/cases/{case.id}/calls", headers=chen,
                        json={"outcome": "promise_to_pay", "promise_amount": "40.00",
                              "promise_date": "2026-04-25"})
    assert r.status_code == 201 and r.json()["promise"]["status"] == "open"

    detail = sqlite_api.get(f"{base}/cases/{case.id}", headers=chen).json()
    assert [(c["allowed"], c["rule"]) for c in detail["contacts"] if c["channel"] == "call"] == [
        (False, "CN.hours"), (True, None)]  # (the collection strategy's texts are there too)
    assert detail["bucket_history"][0]["bucket"] == "M1"

    r = sqlite_api.post(f"{base}/cases/{case.id}/placement", headers=sup,
                        json={"agency_id": "no-such-agency"})
    assert r.status_code == 404
    r = sqlite_api.post(f"{base}/agencies", headers=sup,
                        json={"name": "Eastern Recovery", "commission_rate": "0.2"})
    assert r.status_code == 201
    agency = r.json()["id"]
    r = sqlite_api.post(f"{base}/cases/{case.id}/placement", headers=sup,
                        json={"agency_id": agency})
    assert r.status_code == 201
    perf = sqlite_api.get(f"{base}/agencies/performance", headers=audit).json()
    assert perf[0]["placements"] == 1 and perf[0]["recovered"] == "0.00"

    r = sqlite_api.post(f"{base}/cases/{case.id}/legal-referral", headers=sup)
    assert r.status_code == 201 and r.json()["package"]["contract"]["line_id"] == d.line_id
    html = sqlite_api.get(f"{base}/cases/{case.id}/legal-referral.html", headers=sup)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert sqlite_api.post(f"{base}/cases/{case.id}/legal-referral", headers=chen).status_code == 403

    rep = sqlite_api.get(f"{base}/contact-log/replay", headers=audit).json()
    texts = sum(1 for c in detail["contacts"] if c["channel"] != "call")  # the strategy's
    assert (rep["contacts"], rep["refused"], rep["outside_hours"], rep["over_limits"]) == (
        1 + texts, 1, 0, 0)
    assert sqlite_api.get(f"{base}/contact-log/replay", headers=chen).status_code == 403
