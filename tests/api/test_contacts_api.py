"""Emergency contacts and regional relief over HTTP: who may do what, bad input named by
field and rule (nothing changed), and a relief previewed, declared and shown on the case."""

from __future__ import annotations

from fastapi.testclient import TestClient

from creditline.auth import Role
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from tests.conftest import create_user
from tests.integration.collections_support import delinquent, local


def test_contacts_and_relief_over_http(sqlite_api: TestClient, sqlite_container: Container,
                                       clock: FixedClock) -> None:
    c = sqlite_container
    d, case = delinquent(c, clock)
    chen = create_user(c, "chen", Role.COLLECTOR)
    ro = create_user(c, "ro", Role.RISK_OFFICER)
    app = create_user(c, "app", Role.SERVICE)
    sqlite_api.post("/v1/collections/cases/assign", headers=ro,
                    json={"case_ids": [case.id], "collector": "chen"})

    # Li Lei gave no consent to emergency contacts in this example: nothing to verify
    r = sqlite_api.post("/v1/emergency-contacts/nope/verification", headers=app)
    assert r.status_code == 404
    assert sqlite_api.post("/v1/emergency-contacts/nope/verification",
                           headers=chen).status_code == 403
    # the contact's answers come through a service integration only
    r = sqlite_api.post("/v1/contact-verification/confirm", headers=chen,
                        json={"reference": "ABCDEF1234", "code": "123456"})
    assert r.status_code == 403
    r = sqlite_api.post("/v1/contact-verification/confirm", headers=app,
                        json={"reference": "ABCDEF1234", "code": "12345x"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "code"
    r = sqlite_api.post("/v1/contact-verification/confirm", headers=app,
                        json={"reference": "ABCDEF1234", "code": "123456"})
    assert r.status_code == 404
    r = sqlite_api.post("/v1/contact-verification/withdraw", headers=app,
                        json={"reference": "AB", "reason": ""})
    assert r.status_code == 422 and "reference" in r.text

    # a relief: previewed (nothing changes), declared by a risk officer only, on the case
    body = {"regions": ["Beijing"], "start": "2026-04-21", "end": "2026-04-30",
            "reason": "Flood"}
    # Li Lei registered without a region on his address: the preview finds nobody
    p = sqlite_api.post("/v1/reliefs/preview", headers=ro, json=body).json()
    assert (p["customers"], p["lines"], p["cases"], p["past_due"]) == (0, 0, 0, "0.00")
    assert sqlite_api.get("/v1/reliefs", headers=ro).json() == []
    assert sqlite_api.post("/v1/reliefs", headers=chen, json=body).status_code == 403
    bad = sqlite_api.post("/v1/reliefs", headers=ro, json={**body, "end": "2026-04-01"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "end"
    made = sqlite_api.post("/v1/reliefs", headers=ro, json=body)
    assert made.status_code == 201
    rid = made.json()["id"]
    assert made.json()["state"] == "declared" and made.json()["preview"]["customers"] == 0
    listed = sqlite_api.get("/v1/reliefs", headers=chen).json()
    assert [(x["id"], x["state"]) for x in listed] == [(rid, "scheduled")]
    r = sqlite_api.get(f"/v1/reliefs/holds?on=2026-04-25&line_id={d.line_id}", headers=chen)
    assert r.json() == {"held": False, "reason": None}  # Li Lei lives elsewhere
    r = sqlite_api.get("/v1/reliefs/holds?on=2026-04-25", headers=chen)
    assert r.status_code == 422 and "customer_id" in r.text
    r = sqlite_api.post(f"/v1/reliefs/{rid}/cancel", headers=ro, json={"reason": "lifted"})
    assert r.status_code == 200 and r.json()["last_day"] == "2026-04-20"

    # the case's contacts (none) and its view without relief
    assert sqlite_api.get(f"/v1/collections/cases/{case.id}/emergency-contacts",
                          headers=chen).json() == []
    local(clock, 2026, 4, 21, 10)
    seen = sqlite_api.get(f"/v1/collections/cases/{case.id}", headers=chen).json()
    assert seen["relief"] is None
    replay = sqlite_api.get("/v1/collections/contact-log/replay", headers=ro).json()
    assert (replay["disclosures"], replay["emergency_violations"]) == (0, 0)
