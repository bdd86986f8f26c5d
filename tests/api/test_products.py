"""The product catalogue over HTTP and on the command line: read-only, every role may read
it, and it shows the same terms a line is opened with."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from rich.console import Console

from creditline.bootstrap import Container
from creditline.products.catalog import CATALOG_DIR, default_catalog
from tests.api.test_cli_foundation import run_cli
from tests.conftest import ADMIN
from tests.integration.servicing_support import add_customer


def test_every_role_reads_the_catalogue_with_its_version(
        sqlite_api: TestClient, role_headers: dict[str, dict[str, str]]) -> None:
    label = default_catalog().label
    for role, headers in role_headers.items():
        r = sqlite_api.get("/v1/products", headers=headers)
        assert r.status_code == 200, role
    body = r.json()
    assert body["catalog_version"] == label
    assert [p["code"] for p in body["products"]] == ["consumer_bnpl", "sme_line"]
    bnpl = body["products"][0]
    assert bnpl["customer_kind"] == "person" and bnpl["limit"] == {
        "min": "500.00", "max": "50000.00", "second_review_above": "20000.00"}
    assert [p["installments"] for p in bnpl["plans"]] == [1, 3, 6, 12, 24]
    assert sqlite_api.get("/v1/products").status_code == 401


def test_one_product_and_an_unknown_code_is_404(sqlite_api: TestClient) -> None:
    sme = sqlite_api.get("/v1/products/sme_line", headers=ADMIN).json()
    assert sme["interest_daily_rate"] == "0.0004" and sme["waterfall"]["order"][0] == "penalty"
    missing = sqlite_api.get("/v1/products/gold_card", headers=ADMIN)
    assert missing.status_code == 404 and "consumer_bnpl, sme_line" in missing.json()["message"]
    assert sqlite_api.post("/v1/products", headers=ADMIN, json={}).status_code == 405


@pytest.mark.parametrize(("limit", "status"), [("499.99", 422), ("500.00", 201),
                                               ("50000.00", 201), ("50000.01", 422)])
def test_a_line_opens_only_within_the_catalogue_limits(
        sqlite_api: TestClient, sqlite_container: Container, limit: str, status: int) -> None:
    r = sqlite_api.post("/v1/credit-lines", headers=ADMIN, json={
        "customer_id": add_customer(sqlite_container), "product": "consumer_bnpl",
        "limit": limit})
    assert r.status_code == status, r.text
    if status == 201:
        assert r.json()["product_version"] == default_catalog().label
    else:
        assert "limit" in r.text and "500.00 and 50000.00" in r.text


def test_products_list_and_show_on_the_command_line(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("creditline.cli.products.console", Console(width=200))
    code, out, _ = run_cli(["products", "list"], monkeypatch, capsys)
    assert code == 0 and "consumer_bnpl" in out and "sme_line" in out
    assert f"catalogue {default_catalog().label}" in out
    code, out, _ = run_cli(["products", "show", "consumer_bnpl"], monkeypatch, capsys)
    shown = json.loads(out)
    assert code == 0 and shown["limit"]["min"] == "500.00"
    assert shown["catalog_version"] == default_catalog().label
    code, _, err = run_cli(["products", "show", "gold_card"], monkeypatch, capsys)
    assert code == 2 and "gold_card" in err


def test_a_broken_catalogue_folder_exits_2_naming_the_file(
        tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "cat"
    folder.mkdir()
    (folder / "manifest.json").write_text((CATALOG_DIR / "manifest.json").read_text())
    (folder / "consumer_bnpl.json").write_text("{not json")
    code, _, err = run_cli(["products", "list", "--catalog", str(folder)], monkeypatch, capsys)
    assert code == 2 and "consumer_bnpl.json" in err
