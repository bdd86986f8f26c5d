"""Expected credit loss over HTTP: measure now, read a run by stage / product / industry /
region, the movement between two dates, stress scenarios side by side and the cash flow, as
JSON with money as decimal strings; bad input is a 4xx naming the field and changes nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from click.testing import Result
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from creditline.bootstrap import Container
from creditline.cli import _register, app
from creditline.errors import ValidationError
from tests.api.test_lines import buy, open_line
from tests.conftest import ADMIN, SECRET, create_user


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
    # new draws at the last 90 days' pace: 1,200.00 / 3 = 400.00 a month; repayments: the
    # 1,272.00 scheduled (less expected defaults) plus the new draws running off
    assert base["cashflow_totals"]["draws_out"] == "4800.00"
    assert [m["draws_out"] for m in base["cashflow"]] == ["400.00"] * 12
    # month 1: April's installment in full (no default can come before it), nothing yet
    # from new draws
    assert base["cashflow"][0]["repayments_in"] == "106.00"
    unknown = api.get("/v1/portfolio/stress?scenarios=meteor", headers=ADMIN)
    assert unknown.status_code == 422 and "meteor" in unknown.text

    cf = api.get("/v1/portfolio/cashflow", headers=ADMIN)
    assert cf.status_code == 200
    assert [m["month"] for m in cf.json()["months"]] == list(range(1, 13))
    assert cf.json()["months"] == base["cashflow"]
    # nothing above changed the book: still one run
    assert len(api.get("/v1/portfolio/ecl/runs", headers=ADMIN).json()["items"]) == 1


def test_the_cli_measures_shows_moves_and_stresses(
        sqlite_api: TestClient, sqlite_container: Container, tmp_path: Path) -> None:
    line = open_line(sqlite_api, sqlite_container, "3000.00")
    assert buy(sqlite_api, line["id"], "600.00", key="c1", installments=6).status_code == 201
    _register()
    token = create_user(sqlite_container, "cli-risk", "risk_officer")["Authorization"].split()[1]
    env = {"CREDITLINE_SECRET_KEY": SECRET, "CREDITLINE_DATA_DIR": str(tmp_path),
           "COLUMNS": "200", "CREDITLINE_TOKEN": token,
           "CREDITLINE_TOKEN_DAYS_RISK_OFFICER": "3650"}
    url = sqlite_container.engine.url.render_as_string(hide_password=False)

    def cli(*args: str) -> Result:
        return CliRunner().invoke(app, [*args, "--db", url], env=env)

    run = cli("ecl", "run")
    assert run.exit_code == 0, run.output
    assert "1 lines, EAD 1080.00" in run.output  # 600.00 + 0.20 x 2,400.00
    shown = cli("ecl", "show")
    assert shown.exit_code == 0 and "by stage" in shown.output and "consumer_bnpl" in shown.output
    # a bad date is the validation error ``creditline.cli.main`` turns into exit 2
    bad = cli("ecl", "movement", "--from", "31/03/2026", "--to", "2026-04-30")
    assert isinstance(bad.exception, ValidationError)
    assert str(bad.exception) == "--from: must be a date as YYYY-MM-DD"
    stress = cli("stress", "run", "--scenario", "export_shock")
    assert stress.exit_code == 0, stress.output
    assert "base" in stress.output and "export_shock" in stress.output
    flow = cli("ecl", "cashflow")
    assert flow.exit_code == 0 and "funding need" in flow.output
