"""Limits over HTTP: a risk officer lifts a 1,000.00 line to 1,500.00 for a week, the
customer spends above the permanent limit, the temporary limit runs out, and the limit
history tells the whole story, on both stores."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from creditline.bootstrap import Container
from creditline.clock import FixedClock
from tests.api.test_lines import buy, open_line
from tests.conftest import ADMIN


def test_a_temporary_limit_is_spent_lapses_and_is_in_the_history(
        api: TestClient, container: Container, clock: FixedClock,
        role_headers: dict[str, dict[str, str]]) -> None:
    line = open_line(api, container, "1000.00")
    assert (line["effective_limit"], line["temporary_limit"]) == ("1000.00", None)
    assert buy(api, line["id"], "900.00", key="a").status_code == 201
    r = api.post(f"/v1/credit-lines/{line['id']}/temporary-limit",
                 headers=role_headers["risk_officer"],
                 json={"amount": "1500.00", "end": "2026-03-08", "reason": "Women's Day sale",
                       "reason_codes": ["SEASONAL"]})
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["limit"], got["effective_limit"], got["available"]) == (
        "1000.00", "1500.00", "600.00")
    assert got["temporary_limit"] == {"amount": "1500.00", "start": "2026-03-02",
                                      "end": "2026-03-08"}
    assert buy(api, line["id"], "500.00", key="b").status_code == 201

    clock.set_date(date(2026, 3, 9))  # the week is over: the line keeps its 1,400.00 used
    after = api.get(f"/v1/credit-lines/{line['id']}", headers=ADMIN).json()
    assert (after["used"], after["effective_limit"], after["available"]) == (
        "1400.00", "1000.00", "0.00")
    refused = buy(api, line["id"], "1.00", key="c")
    assert refused.status_code == 422
    assert refused.json()["reason"] == "insufficient_available_credit"

    history = api.get(f"/v1/credit-lines/{line['id']}/limit-history",
                      headers=role_headers["auditor"])
    assert history.status_code == 200
    assert [(e["kind"], e["source"], e["old_limit"], e["new_limit"], e["starts_on"],
             e["ends_on"], e["reason_codes"], e["note"]) for e in history.json()["items"]] == [
        ("permanent", "origination", "0.00", "1000.00", None, None, [], "line opened"),
        ("temporary", "manual", "1000.00", "1500.00", "2026-03-02", "2026-03-08", ["SEASONAL"],
         "Women's Day sale")]
    assert history.json()["items"][1]["actor"] == "user-risk_officer"
    assert (history.json()["next_cursor"], history.json()["total"]) == (None, 2)


def test_a_permanent_limit_change_is_recorded_with_its_reason(
        sqlite_api: TestClient, sqlite_container: Container) -> None:
    line = open_line(sqlite_api, sqlite_container, "1000.00")
    r = sqlite_api.post(f"/v1/credit-lines/{line['id']}/limit", headers=ADMIN,
                        json={"limit": "600.00", "reason": "income fell"})  # min 500.00
    assert r.status_code == 200
    last = sqlite_api.get(f"/v1/credit-lines/{line['id']}/limit-history",
                          headers=ADMIN).json()["items"][-1]
    assert (last["kind"], last["source"], last["old_limit"], last["new_limit"], last["note"],
            last["business_date"], last["rules_version"]) == (
        "permanent", "manual", "1000.00", "600.00", "income fell", "2026-03-02", None)


@pytest.mark.parametrize(("body", "field"), [
    ({"amount": "1000.00", "end": "2026-03-08"}, "amount"),
    ({"amount": "1500.00", "end": "2026-03-05", "start": "2026-03-06"}, "end"),
    ({"amount": "1500.00", "end": "2026-02-28"}, "end"),
    ({"amount": "1500.00", "end": "next week"}, "end"),
    ({"amount": "1500.001", "end": "2026-03-08"}, "amount"),
    ({"amount": "99999.00", "end": "2026-03-08"}, "amount"),
])
def test_a_bad_temporary_limit_is_422_naming_the_field_and_changes_nothing(
        sqlite_api: TestClient, sqlite_container: Container, body: dict, field: str) -> None:
    line = open_line(sqlite_api, sqlite_container, "1000.00")
    r = sqlite_api.post(f"/v1/credit-lines/{line['id']}/temporary-limit", headers=ADMIN,
                        json={"reason": "why", **body})
    assert r.status_code == 422 and field in r.text, r.text
    again = sqlite_api.get(f"/v1/credit-lines/{line['id']}", headers=ADMIN).json()
    assert again["temporary_limit"] is None and again["version"] == line["version"]
    assert len(sqlite_api.get(f"/v1/credit-lines/{line['id']}/limit-history",
                              headers=ADMIN).json()["items"]) == 1


def test_who_may_grant_and_read_and_unknown_lines_are_404(
        sqlite_api: TestClient, sqlite_container: Container,
        role_headers: dict[str, dict[str, str]]) -> None:
    line = open_line(sqlite_api, sqlite_container, "1000.00")
    body = {"amount": "1500.00", "end": "2026-03-08", "reason": "why"}
    url = f"/v1/credit-lines/{line['id']}"
    for role in ("reviewer", "collector", "auditor", "service"):
        assert sqlite_api.post(f"{url}/temporary-limit", headers=role_headers[role],
                               json=body).status_code == 403
    assert sqlite_api.get(f"{url}/limit-history",
                          headers=role_headers["service"]).status_code == 403
    assert sqlite_api.get(f"{url}/limit-history",
                          headers=role_headers["collector"]).status_code == 200
    assert sqlite_api.post("/v1/credit-lines/nope/temporary-limit", headers=ADMIN,
                           json=body).status_code == 404
    assert sqlite_api.get("/v1/credit-lines/nope/limit-history",
                          headers=ADMIN).status_code == 404


def test_limit_history_pages_one_change_at_a_time_and_refuses_a_forged_cursor(
        sqlite_api: TestClient, sqlite_container: Container) -> None:
    """Opened at 1000, cut to 800 then 600, then a week's seasonal raise: four changes,
    read one per page in order, each once, and a made-up cursor is a 422 naming it."""
    line = open_line(sqlite_api, sqlite_container, "1000.00")
    url = f"/v1/credit-lines/{line['id']}/limit-history"
    for limit in ("800.00", "600.00"):
        assert sqlite_api.post(f"/v1/credit-lines/{line['id']}/limit", headers=ADMIN,
                               json={"limit": limit, "reason": "income fell"}).status_code == 200
    assert sqlite_api.post(f"/v1/credit-lines/{line['id']}/temporary-limit", headers=ADMIN,
                           json={"amount": "900.00", "end": "2026-03-08",
                                 "reason": "sale"}).status_code == 200
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        body = sqlite_api.get(url, headers=ADMIN, params=params).json()
        assert body["total"] == 4 and len(body["items"]) == 1
        seen.append(body["items"][0]["new_limit"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ["1000.00", "800.00", "600.00", "900.00"]
    everything = sqlite_api.get(url, headers=ADMIN).json()
    assert [e["new_limit"] for e in everything["items"]] == seen
    for bad in ("nope!", "eyJhIjoxfQ", "WzEsImEiXQ"):  # not base64url; {"a":1}; a (time, id) key
        r = sqlite_api.get(url, headers=ADMIN, params={"cursor": bad})
        assert r.status_code == 422 and "cursor" in r.text, r.text
    assert sqlite_api.get(url, headers=ADMIN, params={"limit": 0}).status_code == 422
