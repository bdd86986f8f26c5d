"""Health, docs, authentication and the audit chain over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import ADMIN, auth


def test_health_and_docs_need_no_token(sqlite_api: TestClient) -> None:
    assert sqlite_api.get("/healthz").json()["status"] == "ok"
    assert sqlite_api.get("/openapi.json").status_code == 200
    assert sqlite_api.get("/docs").status_code == 200


def test_v1_routes_need_a_valid_bearer_token(sqlite_api: TestClient) -> None:
    r = sqlite_api.get("/v1/audit")
    assert r.status_code == 401 and "bearer" in r.json()["message"]
    assert sqlite_api.get("/v1/audit", headers=auth("not-a-token")).status_code == 401
    assert sqlite_api.get("/v1/audit", headers=ADMIN).status_code == 200


def test_audit_chain_is_readable_by_auditors_only(
        api: TestClient, role_headers: dict[str, dict[str, str]]) -> None:
    assert api.get("/v1/audit", headers=role_headers["auditor"]).status_code == 200
    assert api.get("/v1/audit", headers=role_headers["collector"]).status_code == 403
    v = api.get("/v1/audit/verify", headers=role_headers["auditor"]).json()
    assert v["ok"] is True
