"""What a client can rely on across the whole API: one error shape for every status and for
routes that do not exist, every route named and described in the docs with each error it
can answer, instants with an offset, and ``/docs`` that works without internet."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.api.test_hostile_input import error
from tests.conftest import ADMIN

METHODS = {"get", "post", "put", "patch", "delete"}


def operations(api: TestClient) -> list[tuple[str, str, dict[str, Any]]]:
    spec = api.get("/openapi.json").json()
    return [(path, method, op) for path, item in spec["paths"].items()
            for method, op in item.items() if method in METHODS]


def test_unknown_routes_and_methods_answer_in_the_error_shape(sqlite_api: TestClient) -> None:
    body = error(sqlite_api.get("/v1/nothing-here", headers=ADMIN), 404)
    assert body["code"] == "not_found" and "/v1/nothing-here" in body["message"]
    body = error(sqlite_api.put("/v1/customers", headers=ADMIN, json={}), 405)
    assert body["code"] == "method_not_allowed" and "PUT" in body["message"]
    body = error(sqlite_api.get("/v1/customers/x"), 401)
    assert body["code"] == "unauthorized"


def test_every_route_has_a_summary_and_a_description(sqlite_api: TestClient) -> None:
    for path, method, op in operations(sqlite_api):
        name = f"{method.upper()} {path}"
        summary = op.get("summary", "")
        # FastAPI's fallback is the function name in title case ("Eod", "Check", "Get")
        assert summary and len(summary.split()) >= 2, f"{name}: summary {summary!r}"
        assert op.get("description", "").strip(), f"{name}: no description"


def test_every_route_documents_its_errors_with_the_one_shape(sqlite_api: TestClient) -> None:
    spec = sqlite_api.get("/openapi.json").json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for path, method, op in operations(sqlite_api):
        codes = {c for c in op["responses"] if c.startswith("4")}
        assert {"400", "422"} <= codes, (method, path, codes)
        if op.get("security"):
            assert {"401", "403", "429"} <= codes, (method, path)
        if "requestBody" in op:
            assert {"413", "415"} <= codes, (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)
        for code in codes:
            schema = op["responses"][code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, code)


def test_amount_fields_document_the_ascii_decimal_pattern(sqlite_api: TestClient) -> None:
    schemas = sqlite_api.get("/openapi.json").json()["components"]["schemas"]
    amount = schemas["PurchaseCreate"]["properties"]["amount"]
    assert amount["type"] == "string" and amount["pattern"].startswith("^[0-9]")
    assert schemas["PurchaseCreate"]["properties"]["installments"]["type"] == "integer"


def test_instants_in_answers_carry_an_offset(sqlite_api: TestClient) -> None:
    r = sqlite_api.post("/v1/blacklist", headers=ADMIN,
                        json={"kind": "device", "value": "dev-1", "reason": "stolen"})
    assert r.status_code == 201, r.text
    assert r.json()["created_at"].endswith("Z")
    entries = sqlite_api.get("/v1/audit", headers=ADMIN).json()["items"]
    assert entries and all(re.search(r"(Z|[+-]\d\d:\d\d)$", e["at"]) for e in entries)
    for m in sqlite_api.get("/v1/models", headers=ADMIN).json()["items"]:
        assert m["created_at"].endswith("Z")


def test_docs_load_only_from_this_server(sqlite_api: TestClient) -> None:
    page = sqlite_api.get("/docs")
    assert page.status_code == 200
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']|url: ?'([^']+)'""", page.text)
    found = [u for pair in urls for u in pair if u]
    assert found and all(u.startswith("/") for u in found), found
    assert "cdn" not in page.text.lower() and "http://" not in page.text \
        and "https://" not in page.text
    js = sqlite_api.get("/docs/static/swagger-ui-bundle.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert "SwaggerUIBundle" in js.text[:2000]
    css = sqlite_api.get("/docs/static/swagger-ui.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    assert sqlite_api.get("/docs/static/favicon-32x32.png").status_code == 200
    assert sqlite_api.get("/docs/oauth2-redirect").status_code == 200
    error(sqlite_api.get("/docs/static/nope.js"), 404)
    error(sqlite_api.get("/redoc"), 404)  # ReDoc would need a CDN: off
