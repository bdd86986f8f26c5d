"""The customer's opt-out of automatic limit increases over HTTP (through the app, a
``service`` user), and the strategy's decisions list: bad input is a 4xx naming the field
and changes nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from creditline.bootstrap import Container
from tests.api.test_lines import open_line
from tests.conftest import ADMIN


def test_a_customer_opts_out_and_back_in_through_the_app(
        sqlite_api: TestClient, sqlite_container: Container,
        role_headers: dict[str, dict[str, str]]) -> None:
    line = open_line(sqlite_api, sqlite_container, "1000.00")
    url = f"/v1/credit-lines/{line['id']}/auto-increase"
    assert sqlite_api.get(url, headers=ADMIN).json()["opted_out"] is False
    r = sqlite_api.put(url, headers=role_headers["service"], json={"opted_out": True})
    assert r.status_code == 200, r.text
    assert (r.json()["opted_out"], r.json()["changed_by"]) == (True, "user-service")
    assert sqlite_api.get(url, headers=ADMIN).json()["opted_out"] is True
    # the same choice again changes nothing; back in
    again = sqlite_api.put(url, headers=role_headers["service"], json={"opted_out": True})
    assert again.json()["changed_at"] == r.json()["changed_at"]
    back = sqlite_api.put(url, headers=role_headers["risk_officer"], json={"opted_out": False})
    assert back.json()["opted_out"] is False

    bad = sqlite_api.put(url, headers=ADMIN, json={"opted_out": "yes"})
    assert bad.status_code == 422 and "opted_out" in bad.text
    assert sqlite_api.put(url, headers=role_headers["auditor"],
                          json={"opted_out": True}).status_code == 403
    missing = sqlite_api.put("/v1/credit-lines/nope/auto-increase", headers=ADMIN,
                             json={"opted_out": True})
    assert missing.status_code == 404
    assert sqlite_api.get(url, headers=ADMIN).json()["opted_out"] is False


def test_the_decisions_list_checks_its_dates(sqlite_api: TestClient,
                                             role_headers: dict[str, dict[str, str]]) -> None:
    ok = sqlite_api.get("/v1/limit-strategy/decisions", headers=role_headers["reviewer"])
    assert ok.status_code == 200 and ok.json() == {"items": []}
    bad = sqlite_api.get("/v1/limit-strategy/decisions?start=2026-03-10&end=2026-03-01",
                         headers=ADMIN)
    assert bad.status_code == 422 and "start" in bad.text
    wide = sqlite_api.get("/v1/limit-strategy/decisions?start=2024-01-01&end=2026-03-01",
                          headers=ADMIN)
    assert wide.status_code == 422 and "366" in wide.text
    assert sqlite_api.get("/v1/limit-strategy/decisions",
                          headers=role_headers["service"]).status_code == 403
