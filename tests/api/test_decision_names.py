"""One name for a decision: ``approved`` / ``declined``, as an application's decision says it.

A reviewer sends ``approved`` or ``declined``, and every answer (the review's decisions, its
outcome, the application) says the same.  The imperative ``approve`` / ``decline`` are still
read for one release so existing integrations keep working (README, "Decisions"); anything
else is a 422 naming the accepted values."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.test_reviews import decide, referred


def test_a_reviewer_approves_with_approved_and_every_answer_says_approved(
        sqlite_api: TestClient, role_headers: dict[str, dict[str, str]]) -> None:
    a = referred(sqlite_api, 301)
    r = decide(sqlite_api, a["review_id"], role_headers["reviewer"], decision="approved")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["outcome"] == "approved" and body["application"]["decision"] == "approved"
    assert [d["decision"] for d in body["decisions"]] == ["approved"]


def test_declined_is_accepted_and_the_old_imperative_is_read_but_answered_in_the_new_form(
        sqlite_api: TestClient, role_headers: dict[str, dict[str, str]]) -> None:
    a = referred(sqlite_api, 302)
    r = decide(sqlite_api, a["review_id"], role_headers["reviewer"], decision="declined")
    assert r.status_code == 200 and r.json()["decisions"][0]["decision"] == "declined"
    b = referred(sqlite_api, 303)
    old = decide(sqlite_api, b["review_id"], role_headers["reviewer"], decision="decline")
    assert old.status_code == 200, old.text
    assert old.json()["outcome"] == "declined"
    assert old.json()["decisions"][0]["decision"] == "declined"


def test_any_other_word_is_a_422_naming_the_accepted_values(
        sqlite_api: TestClient, role_headers: dict[str, dict[str, str]]) -> None:
    a = referred(sqlite_api, 304)
    for word in ("yes", "Approved", "", 1):
        r = decide(sqlite_api, a["review_id"], role_headers["reviewer"], decision=word)
        assert r.status_code == 422, (word, r.text)
        assert "'approved' or 'declined'" in r.text or r.json()["detail"][0]["loc"] == ["decision"]
    item = sqlite_api.get(f"/v1/reviews/{a['review_id']}", headers=role_headers["reviewer"])
    assert item.json()["status"] == "pending"  # nothing was written
