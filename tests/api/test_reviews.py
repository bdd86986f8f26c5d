"""The manual review queue over HTTP: what a reviewer sees, approving and declining, and four
eyes above the product's second-review threshold (consumer_bnpl: 20,000.00)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from creditline.bootstrap import Container
from creditline.store.tables.foundation import outbox
from tests.api.test_applications_support import REFER_BUREAU, applied, person, register
from tests.conftest import create_user


def referred(api: TestClient, i: int) -> dict[str, Any]:
    cid = register(api, person(i, income="6000.00", employment="freelancer"))
    a = applied(api, cid, bureau=REFER_BUREAU, device_id=f"dev-{i}")
    assert a["decision"] == "referred", a
    return a


def decide(api: TestClient, review_id: str, headers: dict[str, str], **body: Any) -> Any:
    return api.post(f"/v1/reviews/{review_id}/decision", headers=headers,
                    json={"comment": "checked", **body})


def test_the_reviewer_sees_the_application_checks_and_score_reasons(
        sqlite_api: TestClient, role_headers: dict[str, dict[str, str]]) -> None:
    a = referred(sqlite_api, 100)
    item = sqlite_api.get(f"/v1/reviews/{a['review_id']}", headers=role_headers["reviewer"]).json()
    assert item["status"] == "pending" and item["proposed_limit"] == "3000.00"
    assert item["application"]["id"] == a["id"]
    assert item["checks"]["screening"]["velocity"]["device_24h"] == 1
    assert item["score"]["score"] == a["score"] and item["score"]["reasons"]
    assert all(r["source"] == "score" for r in item["score"]["reasons"])
    assert item["ring"] is None
    assert sqlite_api.get("/v1/reviews", headers=role_headers["service"]).status_code == 403
    assert sqlite_api.get("/v1/reviews?status=later",
                   headers=role_headers["reviewer"]).status_code == 422


def test_an_approval_within_the_threshold_opens_the_line(
        api: TestClient, container: Container, role_headers: dict[str, dict[str, str]]) -> None:
    a = referred(api, 101)
    r = decide(api, a["review_id"], role_headers["reviewer"], decision="approve")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "decided" and body["outcome"] == "approved"
    app = body["application"]
    assert app["decision"] == "approved" and app["policy_decision"] == "referred"
    assert app["limit"] == "3000.00" and app["line_id"]
    assert app["reasons"][0]["code"] == "MANUAL_REVIEW"
    with container.engine.connect() as c:
        payloads = [r.payload for r in c.execute(
            select(outbox.c.payload).where(outbox.c.topic == "notification.requested"))]
    assert any(p["application_id"] == a["id"] and p["template"] == "application_approved"
               for p in payloads)
    again = decide(api, a["review_id"], role_headers["risk_officer"], decision="decline")
    assert again.status_code == 409
    pending = api.get("/v1/reviews?status=pending", headers=role_headers["reviewer"]).json()["items"]
    assert pending == []


def test_a_large_approval_needs_a_second_different_reviewer(
        api: TestClient, container: Container) -> None:
    first = create_user(container, "reviewer-one", "reviewer")
    second = create_user(container, "reviewer-two", "reviewer")
    a = referred(api, 102)
    r = decide(api, a["review_id"], first, decision="approve", limit="30000.00")
    assert r.json()["status"] == "second_review" and r.json()["application"]["line_id"] is None
    assert r.json()["application"]["decision"] == "referred"
    same = decide(api, a["review_id"], first, decision="approve")
    assert same.status_code == 403 and "another reviewer" in same.json()["message"]
    higher = decide(api, a["review_id"], second, decision="approve", limit="40000.00")
    assert higher.status_code == 422 and higher.json()["detail"][0]["loc"] == ["limit"]
    queue = api.get("/v1/reviews?status=second_review", headers=second).json()["items"]
    assert [i["id"] for i in queue] == [a["review_id"]]
    ok = decide(api, a["review_id"], second, decision="approve")
    assert ok.status_code == 200
    body = ok.json()
    assert body["outcome"] == "approved" and body["application"]["limit"] == "30000.00"
    assert [d["reviewer"] for d in body["decisions"]] == ["reviewer-one", "reviewer-two"]


def test_a_decline_is_final_and_the_customer_may_apply_again_after_the_cool_down(
        sqlite_api: TestClient, role_headers: dict[str, dict[str, str]]) -> None:
    a = referred(sqlite_api, 103)
    r = decide(sqlite_api, a["review_id"], role_headers["reviewer"], decision="decline",
               comment="income not verified")
    assert r.json()["outcome"] == "declined" and r.json()["application"]["limit"] == "0.00"
    bad = decide(sqlite_api, a["review_id"], role_headers["reviewer"], decision="approve")
    assert bad.status_code == 409
    no_comment = sqlite_api.post(f"/v1/reviews/{a['review_id']}/decision",
                          headers=role_headers["reviewer"], json={"decision": "approve",
                                                                   "comment": " "})
    assert no_comment.status_code == 422
    # the decision ends the pending application: a new one is decided (cool-down applies)
    again = applied(sqlite_api, a["customer_id"], bureau=REFER_BUREAU)
    assert again["decision"] == "declined" and again["reasons"][0]["code"] == "COOLDOWN"
