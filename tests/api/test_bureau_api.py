"""Credit-bureau reporting over HTTP: a month reported and reported again (the same run),
its files checked against the recorded checksums, a line's history, a dispute flagged by a
collector and corrected by a risk officer, and who may do what."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient

from creditline.bootstrap import Container
from creditline.clock import FixedClock
from tests.conftest import ADMIN, create_user
from tests.integration.bureau_support import month_end
from tests.integration.collections_support import debtor
from tests.integration.servicing_support import eod_through


def test_a_month_reported_over_http(sqlite_api: TestClient, sqlite_container: Container,
                                    clock: FixedClock) -> None:
    d = debtor(sqlite_container, clock)
    eod_through(sqlite_container, clock, month_end(2026, 3))
    collector = create_user(sqlite_container, "chen", "collector")
    officer = create_user(sqlite_container, "wu", "risk_officer")
    auditor = create_user(sqlite_container, "au", "auditor")

    r = sqlite_api.post("/v1/bureau/runs", headers=collector, json={"month": "2026-03"})
    assert r.status_code == 403 and "bureau:run" in r.json()["message"]
    r = sqlite_api.post("/v1/bureau/runs", headers=officer, json={"month": "2026-3"})
    assert r.status_code == 422
    r = sqlite_api.post("/v1/bureau/runs", headers=officer, json={"month": "2026-04"})
    assert r.status_code == 422 and "month: must have ended" in r.json()["message"]

    first = sqlite_api.post("/v1/bureau/runs", headers=officer, json={"month": "2026-03"})
    assert first.status_code == 201, first.text
    run = first.json()
    assert (run["month"], run["as_of"], run["created"], run["counts"]["reported"]) == (
        "2026-03", "2026-03-31", True, 1)
    again = sqlite_api.post("/v1/bureau/runs", headers=ADMIN, json={"month": "2026-03"})
    assert again.status_code == 200
    assert {k: v for k, v in again.json().items() if k != "created"} == {
        k: v for k, v in run.items() if k != "created"}
    assert again.json()["created"] is False

    listed = sqlite_api.get("/v1/bureau/runs", headers=auditor).json()
    assert [x["id"] for x in listed] == [run["id"]]
    assert sqlite_api.get(f"/v1/bureau/runs/{run['id']}", headers=auditor).json()["month"] \
        == "2026-03"
    assert sqlite_api.get("/v1/bureau/runs/nope", headers=auditor).status_code == 404
    # the files carry identity numbers: not for auditors
    r = sqlite_api.get(f"/v1/bureau/runs/{run['id']}/file", headers=auditor)
    assert r.status_code == 403 and "bureau:file" in r.json()["message"]
    text = sqlite_api.get(f"/v1/bureau/runs/{run['id']}/file", headers=officer)
    js = sqlite_api.get(f"/v1/bureau/runs/{run['id']}/file?format=json", headers=officer)
    assert text.status_code == js.status_code == 200
    assert hashlib.sha256(text.content).hexdigest() == run["text_sha256"]
    assert hashlib.sha256(js.content).hexdigest() == run["json_sha256"]
    assert text.headers["content-disposition"] == 'attachment; filename="bureau-2026-03.txt"'
    assert "|11010519491231002X|Li Lei|" in text.text

    history = sqlite_api.get(f"/v1/bureau/lines/{d.line_id}/history", headers=auditor).json()
    [rec] = history["records"]
    assert (rec["reported_in"], rec["month_status"], rec["history"]) == (
        "2026-03", "*", "/" * 23 + "*")

    r = sqlite_api.post("/v1/bureau/disputes", headers=collector, json={
        "line_id": d.line_id, "month": "2026-03", "reason": "I never opened this line"})
    assert r.status_code == 201, r.text
    dispute = r.json()
    assert (dispute["status"], dispute["raised_by"]) == ("open", "chen")
    r = sqlite_api.post(f"/v1/bureau/disputes/{dispute['id']}/reject", headers=collector,
                        json={"resolution": "signed contract on file"})
    assert r.status_code == 403
    r = sqlite_api.post(f"/v1/bureau/disputes/{dispute['id']}/reject", headers=officer,
                        json={"resolution": "signed contract and face check on file"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    r = sqlite_api.post("/v1/bureau/corrections", headers=officer, json={
        "line_id": d.line_id, "month": "2026-03", "status": "*", "reason": "no change"})
    assert r.status_code == 422 and "reported as * already" in r.json()["message"]
    assert sqlite_api.get("/v1/bureau/disputes?status=rejected",
                          headers=auditor).json()[0]["id"] == dispute["id"]
