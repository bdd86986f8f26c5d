"""``/v1/portfolio/...``: the worked example's book (``portfolio_support``) answered as JSON
for every table, who may read it, who may run the early warning, and bad input as a 422
naming the field."""

from __future__ import annotations

from fastapi.testclient import TestClient

from creditline.bootstrap import Container
from creditline.clock import FixedClock
from tests.integration.portfolio_support import four_months

AS_OF = "2026-04-30"


def test_every_table_as_json_and_the_early_warning(
        sqlite_api: TestClient, sqlite_container: Container, clock: FixedClock,
        role_headers: dict[str, dict[str, str]]) -> None:
    four_months(sqlite_container, clock)
    officer, auditor = role_headers["risk_officer"], role_headers["auditor"]

    v = sqlite_api.get(f"/v1/portfolio/vintages?as_of={AS_OF}", headers=auditor)
    assert v.status_code == 200, v.text
    rows = {(r["vintage"], r["mob"]): r["share_30"] for r in v.json()["rows"]}
    assert rows[("2026-01", 2)] == 0.5 and rows[("2026-02", 2)] == 1.0
    by = sqlite_api.get(f"/v1/portfolio/vintages?as_of={AS_OF}&by=product", headers=auditor)
    assert {r["product"] for r in by.json()["rows"]} == {"consumer_bnpl"}

    r = sqlite_api.get(f"/v1/portfolio/rolls?as_of={AS_OF}", headers=officer).json()
    assert [p["roll"]["M0"] for p in r["periods"]] == [0.5, 0.5, 0.0]
    t = sqlite_api.get(f"/v1/portfolio/transition?as_of={AS_OF}", headers=officer).json()
    assert t["matrix"][0][:2] == [0.6, 0.4] and t["states"][-1] == "WO"
    c = sqlite_api.get(f"/v1/portfolio/concentration?as_of={AS_OF}", headers=officer).json()
    assert {s["segment"] for s in c["dimensions"]["region"]["segments"]} == {"Shanghai", "Beijing"}

    assert sqlite_api.post("/v1/portfolio/warnings/run", headers=auditor,
                           json={"as_of": AS_OF}).status_code == 403
    run = sqlite_api.post("/v1/portfolio/warnings/run", headers=officer, json={"as_of": AS_OF})
    assert run.status_code == 201, run.text
    body = run.json()
    levels = {(s["indicator"], s["segment"]): s["level"] for s in body["signals"]}
    # four months of three lines: too few applications and scores to compare, no ECL yet
    assert levels[("approval_drift", "book")] == "not_computed"
    assert levels[("ecl_coverage", "book")] == "not_computed"
    # three months of rolls: a jump needs three months before the last one
    assert levels[("roll_jump", "M0")] == "not_computed"
    kept = sqlite_api.get(f"/v1/portfolio/alerts?as_of={AS_OF}", headers=auditor).json()["items"]
    assert [a["run_id"] for a in kept] == [body["run_id"]] * len(body["alerts"])

    assert sqlite_api.get("/v1/portfolio/vintages", headers=role_headers["collector"]).status_code == 403


def test_bad_input_is_a_422_naming_the_field(
        sqlite_api: TestClient, role_headers: dict[str, dict[str, str]]) -> None:
    h = role_headers["risk_officer"]
    bad = sqlite_api.get("/v1/portfolio/vintages?as_of=2026-13-01", headers=h)
    assert bad.status_code == 422 and "as_of" in bad.text
    late = sqlite_api.get("/v1/portfolio/vintages?as_of=2999-01-01", headers=h)
    assert late.status_code == 422 and late.json()["detail"][0]["loc"] == ["as_of"]
    seg = sqlite_api.get("/v1/portfolio/vintages?by=colour", headers=h)
    assert seg.status_code == 422 and seg.json()["detail"][0]["loc"] == ["by"]
    extra = sqlite_api.post("/v1/portfolio/warnings/run", headers=h, json={"when": "now"})
    assert extra.status_code == 422
