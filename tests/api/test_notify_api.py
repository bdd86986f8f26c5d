"""The inbox and the delivery status over HTTP, and the relay running inside the server."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient

from creditline.api.app import create_app
from creditline.api.relay_task import install_relay
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.notify.relay import relay_once
from tests.conftest import ADMIN
from tests.integration.notify_support import open_line, register


def test_inbox_status_and_retry_over_http(
        sqlite_api: TestClient, sqlite_container: Container, clock: FixedClock,
        role_headers: dict[str, dict[str, str]]) -> None:
    clock.set_date(date(2026, 3, 2))
    cid = register(sqlite_container, language="en", name="Wei Zhang")
    open_line(sqlite_container, cid)
    assert sqlite_api.get(f"/v1/customers/{cid}/inbox", headers=ADMIN).json()["items"] == []
    relay_once(sqlite_container.uow, {})  # no e-mail or SMS channel: the inbox only

    r = sqlite_api.get(f"/v1/customers/{cid}/inbox", headers=role_headers["collector"])
    assert r.status_code == 200
    [item] = r.json()["items"]
    assert item["topic"] == "line.opened" and item["language"] == "en"
    assert item["subject"].startswith("Your credit line ****") and item["delivered_at"]
    assert "credit limit of CNY 10000.00" in item["body"]
    assert sqlite_api.get(f"/v1/customers/{cid}/inbox",
                          headers=role_headers["service"]).status_code == 403
    assert sqlite_api.get("/v1/customers/nobody/inbox", headers=ADMIN).status_code == 404

    page = sqlite_api.get("/v1/notifications", headers=role_headers["auditor"],
                          params={"customer_id": cid}).json()
    assert [(m["channel"], m["status"], m["attempts"]) for m in page["items"]] == [
        ("inbox", "sent", 1)]
    assert "address" not in page["items"][0]
    mid = page["items"][0]["id"]
    assert sqlite_api.get(f"/v1/notifications/{mid}", headers=ADMIN).json()["id"] == mid
    assert sqlite_api.get("/v1/notifications/nope", headers=ADMIN).status_code == 404
    bad = sqlite_api.get("/v1/notifications", headers=ADMIN, params={"channel": "pigeon"})
    assert bad.status_code == 422 and "channel" in bad.text
    assert sqlite_api.get("/v1/notifications",
                          headers=role_headers["reviewer"]).status_code == 403
    assert sqlite_api.get("/v1/notifications/summary", headers=ADMIN).json() == [
        {"topic": "line.opened", "channel": "inbox", "status": "sent", "messages": 1}]
    refused = sqlite_api.post(f"/v1/notifications/{mid}/retry", headers=ADMIN)
    assert refused.status_code == 422 and "only a failed message" in refused.text
    assert sqlite_api.post(f"/v1/notifications/{mid}/retry",
                           headers=role_headers["collector"]).status_code == 403


def test_the_relay_runs_inside_the_server(sqlite_container: Container, clock: FixedClock,
                                          tmp_path: Path) -> None:
    """``creditline serve`` installs the relay as a background task: a line opened while
    the app runs reaches the file sink and the inbox without anyone running the relay."""
    sink = tmp_path / "out.jsonl"
    sqlite_container.settings = sqlite_container.settings.model_copy(
        update={"notify_sink": sink, "notify_poll_seconds": 0.1})
    clock.set_date(date(2026, 3, 2))
    app = create_app(sqlite_container)
    install_relay(app, sqlite_container)
    with TestClient(app) as client:
        cid = register(sqlite_container, email="wei@example.com")
        open_line(sqlite_container, cid)
        for _ in range(100):
            if sink.exists() and len(sink.read_text().splitlines()) == 2:
                break
            time.sleep(0.05)
        lines = [json.loads(x) for x in sink.read_text().splitlines()]
        assert sorted(x["channel"] for x in lines) == ["email", "sms"]
        assert {x["to"] for x in lines} == {"w***@example.com", "138****1234"}
        inbox = client.get(f"/v1/customers/{cid}/inbox", headers=ADMIN).json()["items"]
        assert [m["topic"] for m in inbox] == ["line.opened"]
        assert app.state.relay.errors == 0
    assert app.state.relay.stopping.is_set()


def test_registration_takes_a_language_and_a_time_zone_and_refuses_bad_ones(
        sqlite_api: TestClient) -> None:
    body = {"kind": "person", "name": "Wei Zhang", "id_number": "11010519491231002X",
            "phone": "13812341234", "monthly_income": "8000.00",
            "consents": {"credit_check": True, "data_processing": True}}
    bad = sqlite_api.post("/v1/customers", headers=ADMIN,
                          json={**body, "language": "fr", "time_zone": "Mars/Olympus"})
    assert bad.status_code == 422
    assert {e["loc"][-1] for e in bad.json()["detail"]} == {"language", "time_zone"}
    ok = sqlite_api.post("/v1/customers", headers=ADMIN,
                         json={**body, "language": "en", "time_zone": "Europe/London"})
    assert ok.status_code == 201
    assert (ok.json()["language"], ok.json()["time_zone"]) == ("en", "Europe/London")
