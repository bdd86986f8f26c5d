"""Held purchases and triggers over HTTP: a spend spike answers 202 with the reason, the
line shows the held amount, a reviewer lists and releases it, the triggers are listed,
and the roles are as the permission table says."""

from __future__ import annotations

from fastapi.testclient import TestClient

from creditline.bootstrap import Container
from tests.api.test_lines import open_line
from tests.conftest import ADMIN


def buy(api: TestClient, line_id: str, amount: str, category: str, key: str,
        headers: dict[str, str] = ADMIN):
    return api.post(f"/v1/credit-lines/{line_id}/purchases",
                    headers={**headers, "Idempotency-Key": key},
                    json={"amount": amount, "merchant": "Maison Orient",
                          "merchant_category": category})


def test_a_held_purchase_is_answered_202_listed_released_and_its_trigger_listed(
        sqlite_api: TestClient, sqlite_container: Container,
        role_headers: dict[str, dict[str, str]]) -> None:
    line = open_line(sqlite_api, sqlite_container, "10000.00")
    assert buy(sqlite_api, line["id"], "3000.00", "luxury", "a").status_code == 201
    held = buy(sqlite_api, line["id"], "2500.00", "luxury", "b")
    assert held.status_code == 202, held.text
    body = held.json()
    assert (body["status"], body["schedule"], body["hold"]["triggers"]) == (
        "held", [], ["RISKY_CATEGORY_SPIKE"])
    assert body["hold"]["reason_en"].startswith("Spending in high-risk categories rose")
    got = sqlite_api.get(f"/v1/credit-lines/{line['id']}", headers=ADMIN).json()
    assert (got["limit"], got["used"], got["held"], got["available"]) == (
        "10000.00", "3000.00", "2500.00", "4500.00")

    assert sqlite_api.get("/v1/held-purchases", headers=role_headers["collector"]).status_code == 403
    listed = sqlite_api.get("/v1/held-purchases", headers=role_headers["reviewer"]).json()
    assert [(h["id"], h["amount"], h["status"]) for h in listed["items"]] == [
        (body["id"], "2500.00", "held")]
    assert sqlite_api.post(f"/v1/held-purchases/{body['id']}/release",
                           headers=role_headers["auditor"], json={"note": "x"}).status_code == 403
    assert sqlite_api.post(f"/v1/held-purchases/{body['id']}/release", headers=ADMIN,
                           json={"note": "mine"}).status_code == 403  # made it: a second person
    released = sqlite_api.post(f"/v1/held-purchases/{body['id']}/release",
                               headers=role_headers["reviewer"], json={"note": "customer called"})
    assert released.status_code == 200, released.text
    assert (released.json()["status"], released.json()["amount"]) == ("active", "2500.00")
    again = sqlite_api.post(f"/v1/held-purchases/{body['id']}/refuse",
                            headers=role_headers["reviewer"], json={"note": "late"})
    assert again.status_code == 409
    got = sqlite_api.get(f"/v1/credit-lines/{line['id']}", headers=ADMIN).json()
    assert (got["used"], got["held"], got["available"]) == ("5500.00", "0.00", "4500.00")

    fired = sqlite_api.get(f"/v1/credit-lines/{line['id']}/triggers",
                           headers=role_headers["collector"]).json()
    assert [(t["code"], t["action"], t["ref_id"]) for t in fired["items"]] == [
        ("RISKY_CATEGORY_SPIKE", "hold", body["id"])]
    assert fired["items"][0]["reason_zh"].startswith("高风险类别消费骤增")
    every = sqlite_api.get("/v1/triggers?code=RISKY_CATEGORY_SPIKE", headers=ADMIN).json()
    assert every["total"] == 1
    assert sqlite_api.get("/v1/credit-lines/nope/triggers", headers=ADMIN).status_code == 404


def test_a_prohibited_category_is_a_422_naming_the_cap(
        sqlite_api: TestClient, sqlite_container: Container) -> None:
    line = open_line(sqlite_api, sqlite_container, "10000.00")
    r = buy(sqlite_api, line["id"], "100.00", "gambling", "g")
    assert r.status_code == 422
    assert r.json()["reason"] == "category_prohibited"
    assert "prohibited" in r.json()["message"]


def test_campaigns_are_listed_and_a_dry_run_counts_by_role(
        sqlite_api: TestClient, sqlite_container: Container,
        role_headers: dict[str, dict[str, str]]) -> None:
    listed = sqlite_api.get("/v1/campaigns", headers=role_headers["reviewer"])
    assert listed.status_code == 200
    first = listed.json()[0]
    assert (first["code"], first["raise_share"], first["over_limit"]) == (
        "double11_2026", "0.30", "run_off")
    assert first["name_zh"] == "2026年双十一"
    open_line(sqlite_api, sqlite_container, "5000.00")  # 244 days on the book by 1 November
    body = {"dry_run": True}
    assert sqlite_api.post("/v1/campaigns/double11_2026/grant", headers=role_headers["reviewer"],
                           json=body).status_code == 403
    r = sqlite_api.post("/v1/campaigns/double11_2026/grant", headers=role_headers["risk_officer"],
                        json=body)
    assert r.status_code == 200, r.text
    assert (r.json()["looked_at"], r.json()["granted"], r.json()["raised"]) == (1, 1, "1500.00")
    unknown = sqlite_api.post("/v1/campaigns/nope/grant", headers=ADMIN, json=body)
    assert unknown.status_code == 422 and "campaign" in unknown.text


def test_sector_routes_check_roles_and_name_a_bad_industry(
        sqlite_api: TestClient, role_headers: dict[str, dict[str, str]]) -> None:
    assert sqlite_api.post("/v1/sectors/watch", headers=role_headers["auditor"]).status_code == 403
    watched = sqlite_api.post("/v1/sectors/watch", headers=role_headers["risk_officer"])
    assert (watched.status_code, watched.json()) == (200, [])  # no enterprise lines yet
    assert sqlite_api.get("/v1/sectors", headers=role_headers["auditor"]).json() == []
    bad = sqlite_api.post("/v1/sectors/Z/cut-preview", headers=ADMIN, json={"percent": "20"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["industry"]
    over = sqlite_api.post("/v1/sectors/C/cut-preview", headers=ADMIN, json={"percent": "101"})
    assert over.status_code == 422 and over.json()["detail"][0]["loc"] == ["percent"]
    empty = sqlite_api.post("/v1/sectors/C/cut-preview", headers=ADMIN, json={"percent": "20"})
    assert (empty.json()["lines"], empty.json()["limit_removed"]) == (0, "0.00")
    refused = sqlite_api.post("/v1/sectors/C/cut", headers=ADMIN,
                              json={"percent": "20", "reason": "stress"})
    assert refused.status_code == 409


def test_review_routes_check_roles_and_refuse_unknown_cases(
        sqlite_api: TestClient, role_headers: dict[str, dict[str, str]]) -> None:
    assert sqlite_api.post("/v1/line-reviews/schedule",
                           headers=role_headers["reviewer"]).status_code == 403
    run = sqlite_api.post("/v1/line-reviews/schedule", headers=role_headers["risk_officer"])
    assert (run.status_code, run.json()) == (200, {"opened": [], "frozen": []})
    assert sqlite_api.get("/v1/line-reviews/overdue", headers=role_headers["auditor"]).json() == []
    missing = sqlite_api.post("/v1/line-reviews/nope/statements", headers=ADMIN,
                              json={"statements": {"revenue": "1.00"}})
    assert missing.status_code == 422  # the figures are checked first: net_profit missing
    assert missing.json()["detail"][0]["loc"] == ["statements", "net_profit"]
