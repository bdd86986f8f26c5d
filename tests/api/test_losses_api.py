"""The losses routes over HTTP: a write-off proposed, refused to its proposer, approved by
a second officer, refused again (409); a pool previewed and a bad price refused naming the
field; permissions by role."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from creditline.auth import Role
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from tests.conftest import create_user
from tests.integration.collections_support import debtor
from tests.integration.servicing_support import eod_through


def test_write_off_maker_checker_and_pool_preview_over_http(
        api: TestClient, container: Container, clock: FixedClock) -> None:
    maker = create_user(container, "wang", Role.RISK_OFFICER)
    checker = create_user(container, "zhao", Role.RISK_OFFICER)
    collector = create_user(container, "chen", Role.COLLECTOR)
    d = debtor(container, clock)
    eod_through(container, clock, date(2026, 4, 20))

    body = {"line_id": d.line_id, "reason": "fraud confirmed by the police report"}
    assert api.post("/v1/losses/write-offs", headers=collector, json=body).status_code == 403
    r = api.post("/v1/losses/write-offs", headers=maker, json=body)
    assert r.status_code == 201, r.text
    wo = r.json()
    assert (wo["status"], wo["dpd"], wo["threshold_dpd"], wo["amount"]) == (
        "pending", 10, 180, "0.00")
    url = f"/v1/losses/write-offs/{wo['id']}/decision"
    assert api.post(url, headers=maker, json={"approve": True, "note": "mine"}).status_code == 403
    r = api.post(url, headers=checker, json={"approve": True, "note": "report seen"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["amount"], r.json()["to_expense"]) == (
        "executed", "1206.53", "1206.53")  # 1,200.00 + 6.00 fee + 0.53 penalties
    assert api.post(url, headers=checker, json={"approve": True, "note": "x"}).status_code == 409
    again = api.post("/v1/losses/write-offs", headers=maker, json=body)
    assert again.status_code == 409 and "written_off" in again.json()["message"]
    account = api.get(f"/v1/losses/accounts/{d.line_id}", headers=checker).json()
    assert (account["status"], account["claim"]) == ("written_off", "1206.53")

    bad = api.post("/v1/losses/sales/preview", headers=maker,
                   json={"method": "per_face", "rate": "1.5"})
    assert bad.status_code == 422 and bad.json()["message"].startswith("rate: ")
    p = api.post("/v1/losses/sales/preview", headers=maker,
                 json={"method": "per_face", "rate": "0.05", "live": False})
    assert p.status_code == 200, p.text
    assert (p.json()["count"], p.json()["face"], p.json()["price"]) == (1, "1206.53", "60.33")
    assert api.get("/v1/losses/recoveries", headers=collector).status_code == 403
    assert api.get("/v1/losses/recoveries", headers=checker).json() == []
