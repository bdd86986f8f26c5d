"""End of day over HTTP: the stages in order, a run's per-stage timings, one stage alone
refused with the rule it would break, and who may see and run what."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from creditline.auth import SYSTEM
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.servicing import services as sv
from tests.conftest import ADMIN
from tests.integration.servicing_support import open_line


def test_the_stages_are_listed_in_order_and_a_run_reports_each_stage(
        sqlite_api: TestClient, sqlite_container: Container, clock: FixedClock,
        role_headers: dict[str, dict[str, str]]) -> None:
    r = sqlite_api.get("/v1/eod/stages", headers=role_headers["auditor"])
    assert r.status_code == 200
    kernel, lapse, *later = r.json()
    assert (kernel["position"], kernel["name"], kernel["every_line"], kernel["rerunnable"]) == (
        0, "servicing", False, False)
    assert (lapse["position"], lapse["name"], lapse["every_line"], lapse["rerunnable"]) == (
        1, "temporary_limits", False, True)
    # issue 13: behaviour scoring and the limit strategy follow, both rerunnable
    assert [(s["name"], s["rerunnable"]) for s in later] == [
        ("behaviour", True), ("limit_strategy", True)]
    assert sqlite_api.get("/v1/eod/stages", headers=role_headers["collector"]).status_code == 403

    clock.set_date(date(2026, 3, 2))
    line = open_line(sqlite_container, "3000.00")
    sv.purchase(sv.Purchase(line.id, "900.00", "JD", "phones", 3), sqlite_container.uow(), SYSTEM)
    clock.set_date(date(2026, 3, 4))
    body = sqlite_api.post("/v1/eod", headers=ADMIN, json={"business_date": "2026-03-04"}).json()
    assert body["run_id"] and body["stage"] is None
    assert [d["business_date"] for d in body["days"]] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    st, *_ = body["stages"]
    assert st["name"] == "servicing" and st["lines"] == 1 and st["seconds"] >= 0

    refused = sqlite_api.post("/v1/eod", headers=ADMIN,
                              json={"business_date": "2026-03-04", "stage": "servicing"})
    assert refused.status_code == 422 and "exactly one day" in refused.text
    unknown = sqlite_api.post("/v1/eod", headers=ADMIN,
                              json={"business_date": "2026-03-04", "stage": "nope"})
    assert unknown.status_code == 422 and "stage" in unknown.text
