"""The customer's opt-out of automatic limit increases over HTTP (through the app, a
``service`` user), and the strategy's decisions list: bad input is a 4xx naming the field
and changes nothing."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import insert
from typer.testing import CliRunner

from creditline.bootstrap import Container
from creditline.cli import _register, app
from creditline.errors import ValidationError
from creditline.lines.strategy import STRATEGY
from creditline.store.tables.behaviour import strategy_snapshots
from tests.api.test_lines import open_line
from tests.conftest import ADMIN, SECRET

_register()


def test_a_customer_opts_out_and_back_in_through_the_app(
        sqlite_api: TestClient, sqlite_container: Container,
        role_headers: dict[str, dict[str, str]]) -> None:
    line = open_line(sqlite_api, sqlite_container, "1000.00")
    url = f"/v1/credit-lines/{line['id']}/auto-increase"
    assert sqlite_api.get(url, headers=ADMIN).json()["opted_out"] is False
    r = sqlite_api.put(url, headers=role_headers["service"], json={"opted_out": True})
    assert r.status_code == 200, r.text
    assert (r.json()["opted_out"], r.json()["changed_by"]) == (True, "user-service")
    assert sqlite_api.get(url, headers=ADMIN).json()["opted_out"] is True
    # the same choice again changes nothing; back in
    again = sqlite_api.put(url, headers=role_headers["service"], json={"opted_out": True})
    assert again.json()["changed_at"] == r.json()["changed_at"]
    back = sqlite_api.put(url, headers=role_headers["risk_officer"], json={"opted_out": False})
    assert back.json()["opted_out"] is False

    bad = sqlite_api.put(url, headers=ADMIN, json={"opted_out": "yes"})
    assert bad.status_code == 422 and "opted_out" in bad.text
    assert sqlite_api.put(url, headers=role_headers["auditor"],
                          json={"opted_out": True}).status_code == 403
    missing = sqlite_api.put("/v1/credit-lines/nope/auto-increase", headers=ADMIN,
                             json={"opted_out": True})
    assert missing.status_code == 404
    assert sqlite_api.get(url, headers=ADMIN).json()["opted_out"] is False


def test_the_decisions_list_checks_its_dates(sqlite_api: TestClient,
                                             role_headers: dict[str, dict[str, str]]) -> None:
    ok = sqlite_api.get("/v1/limit-strategy/decisions", headers=role_headers["reviewer"])
    assert ok.status_code == 200 and ok.json() == {"items": []}
    bad = sqlite_api.get("/v1/limit-strategy/decisions?start=2026-03-10&end=2026-03-01",
                         headers=ADMIN)
    assert bad.status_code == 422 and "start" in bad.text
    wide = sqlite_api.get("/v1/limit-strategy/decisions?start=2024-01-01&end=2026-03-01",
                          headers=ADMIN)
    assert wide.status_code == 422 and "366" in wide.text
    assert sqlite_api.get("/v1/limit-strategy/decisions",
                          headers=role_headers["service"]).status_code == 403


def _keep_cases(container: Container) -> int:
    """The shipped example cases as if end of day had kept them on 1 June 2026, each with
    the decision its case expects -- but the first recorded as "none", as an older table
    would have decided it."""
    cases = json.loads((STRATEGY.cases_dir / "strategy.json").read_text())
    rows = []
    for k, case in enumerate(c for c in cases if "new_limit" in c["expect"]):
        first = k == 0
        rows.append({"line_id": f"line-{k:03d}", "business_date": date(2026, 6, 1),
                     "facts": case["facts"],
                     "action": "none" if first else case["expect"]["action"],
                     "new_limit": Decimal(case["facts"]["limit"] if first
                                          else case["expect"]["new_limit"]),
                     "rules_version": "2026.10.1+older"})
    with container.uow() as uow:
        uow.session.execute(insert(strategy_snapshots), rows)
        uow.commit()
    return len(rows)


def test_a_replay_of_the_shipped_tables_over_kept_statement_days(
        sqlite_api: TestClient, sqlite_container: Container,
        role_headers: dict[str, dict[str, str]]) -> None:
    n = _keep_cases(sqlite_container)
    url = "/v1/limit-strategy/replay?start=2026-06-01&end=2026-06-30"
    r = sqlite_api.get(url, headers=role_headers["risk_officer"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["total"], body["changed"], body["limit_changed"]) == (n, 1, 0)
    assert body["rules_before"] == {"2026.10.1+older": n}
    assert body["rules_after"] == STRATEGY.default().label
    assert body["transitions"] == [{"before": "none", "after": "increase", "count": 1}]
    assert body["changes"][0]["line_id"] == "line-000" and body["limit_delta"] == "3000.00"
    # before the kept day: nothing to replay; dates the wrong way round: 422 naming start
    assert sqlite_api.get("/v1/limit-strategy/replay?start=2026-05-01&end=2026-05-31",
                          headers=ADMIN).json()["total"] == 0
    bad = sqlite_api.get("/v1/limit-strategy/replay?start=2026-07-01&end=2026-06-01",
                         headers=ADMIN)
    assert bad.status_code == 422 and "start" in bad.text
    assert sqlite_api.get(url, headers=role_headers["service"]).status_code == 403


def test_the_cli_replays_a_changed_folder_over_kept_statement_days(
        sqlite_container: Container, tmp_path: Path) -> None:
    n = _keep_cases(sqlite_container)
    db = sqlite_container.engine.url.render_as_string(hide_password=False)
    env = {"CREDITLINE_SECRET_KEY": SECRET, "CREDITLINE_DATA_DIR": str(tmp_path),
           "COLUMNS": "200"}
    result = CliRunner().invoke(app, ["rules", "replay", "--family", "line_strategy",
                                      "--since", "2026-06-01", "--db", db], env=env)
    assert result.exit_code == 0, result.output
    assert f"replayed {n} strategy decisions" in result.output
    assert "actions changed: 1" in result.output and "3000.00" in result.output
    wrong = CliRunner().invoke(app, ["rules", "replay", "--family", "closure_review",
                                     "--since", "2026-06-01", "--db", db], env=env)
    assert isinstance(wrong.exception, ValidationError) and wrong.exception.field == "--family"
