"""Expected credit loss over HTTP: measure now, read a run by stage / product / industry /
region, the movement between two dates, stress scenarios side by side and the cash flow, as
JSON with money as decimal strings; bad input is a 4xx naming the field and changes nothing."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient

from creditline.bootstrap import Container
from tests.api.test_lines import buy, open_line
from tests.conftest import ADMIN


def test_measure_read_move_and_stress(sqlite_api: TestClient, sqlite_container: Container,
                                      role_headers: dict[str, dict[str, str]]) -> None:
    api = sqlite_api
    missing = api.get("/v1/portfolio/ecl", headers=ADMIN)
    assert missing.status_code == 404 and "no ECL" in missing.text

    line = open_line(api, sqlite_container, "5000.00")
    assert buy(api, line["id"], "1200.00", key="o1", installments=12).status_code == 201

    # an auditor reads, but may not post a provision
    assert api.post("/v1/portfolio/ecl/runs", headers=role_headers["auditor"]).status_code == 403
    r = api.post("/v1/portfolio/ecl/runs", headers=role_headers["risk_officer"])
    assert r.status_code == 201, r.text
    body = r.json()
    run = body["run"]
    assert (run["source"], run["lines"], run["actor"]) == ("manual", 1, "user-risk_officer")
    assert run["staging_rules"].startswith("2026.11.1+") and run["journal_entry"]
    [stage] = body["by_stage"]
    # 1,200.00 drawn + CCF 0.20 x 3,800.00 undrawn
    assert (stage["key"], stage["lines"], stage["drawn"], stage["ead"]) == (
        "1", 1, "1200.00", "1960.00")
    assert stage["ecl"] == run["ecl"] and Decimal(run["ecl"]) > 0
    assert [p["key"] for p in body["by_product"]] == ["consumer_bnpl"]
    assert body["by_industry"][0]["key"] == "-"  # a person: no industry

    got = api.get("/v1/portfolio/ecl", headers=role_headers["auditor"])
    assert got.status_code == 200 and got.json()["run"]["id"] == run["id"]
    assert api.get("/v1/portfolio/ecl", headers=role_headers["collector"]).status_code == 403
    runs = api.get("/v1/portfolio/ecl/runs", headers=ADMIN).json()["items"]
    assert [x["id"] for x in runs] == [run["id"]]

    day = run["as_of"]
    mv = api.get(f"/v1/portfolio/ecl/movement?from={day}&to={day}", headers=ADMIN)
    assert mv.status_code == 200, mv.text
    rows = {x["row"]: x for x in mv.json()["rows"]}
    assert mv.json()["reconciles"] is True
    assert rows["opening"]["total"] == rows["closing"]["total"] == run["ecl"]
    bad = api.get("/v1/portfolio/ecl/movement?from=2026-13-01&to=2026-03-02", headers=ADMIN)
    assert bad.status_code == 422 and "from" in bad.text
    early = api.get("/v1/portfolio/ecl/movement?from=2020-01-01&to=2026-03-02", headers=ADMIN)
    assert early.status_code == 404 and "from" in early.text
    backwards = api.get(f"/v1/portfolio/ecl/movement?from={day}&to=2020-01-01", headers=ADMIN)
    assert backwards.status_code == 422 and "to" in backwards.text

    st = api.get("/v1/portfolio/stress?scenarios=export_shock,severe",
                 headers=role_headers["auditor"])
    assert st.status_code == 200, st.text
    names = [s["name"] for s in st.json()["scenarios"]]
    assert names == ["base", "export_shock", "severe"]
    base, _, severe = st.json()["scenarios"]
    assert base["ecl"] == run["ecl"] and base["ecl_change"] == "0.00"
    assert Decimal(severe["ecl_change"]) > 0 and len(severe["cashflow"]) == 12
    # 12 installments of 100.00 + 6.00 due April to March: 1,272.00 scheduled, less defaults
    assert Decimal("1200.00") < Decimal(base["cashflow_totals"]["repayments_in"]) < Decimal(
        "1272.00")
    unknown = api.get("/v1/portfolio/stress?scenarios=meteor", headers=ADMIN)
    assert unknown.status_code == 422 and "meteor" in unknown.text

    cf = api.get("/v1/portfolio/cashflow", headers=ADMIN)
    assert cf.status_code == 200
    assert [m["month"] for m in cf.json()["months"]] == list(range(1, 13))
    assert cf.json()["months"] == base["cashflow"]
    # nothing above changed the book: still one run
    assert len(api.get("/v1/portfolio/ecl/runs", headers=ADMIN).json()["items"]) == 1
