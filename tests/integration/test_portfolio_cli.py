"""``creditline portfolio ...`` and ``creditline report risk`` on the worked example's book:
a risk officer reads the vintages and the matrix, runs the early warning and writes the
report; an auditor may read but not run; a bad date is refused naming the option."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from creditline.bootstrap import Container
from creditline.cli import _register, app
from creditline.cli.common import console
from creditline.clock import FixedClock
from creditline.errors import Forbidden, ValidationError
from tests.conftest import AUDIT_KEY, SECRET, create_user
from tests.integration.portfolio_support import four_months

_register()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"CREDITLINE_SECRET_KEY": SECRET, "CREDITLINE_DATA_DIR": str(tmp_path),
            "COLUMNS": "250", "CREDITLINE_AUDIT_KEY": AUDIT_KEY,
            **{f"CREDITLINE_TOKEN_DAYS_{r}": "3650" for r in ("RISK_OFFICER", "AUDITOR")}}


def test_a_risk_officer_reads_the_book_and_writes_the_report(
        sqlite_container: Container, clock: FixedClock, env: dict[str, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "_width", 250)
    four_months(sqlite_container, clock)
    url = sqlite_container.engine.url.render_as_string(hide_password=False)
    officer = create_user(sqlite_container, "li.risk", "risk_officer")["Authorization"][7:]
    auditor = create_user(sqlite_container, "zhao.audit", "auditor")["Authorization"][7:]
    run = CliRunner()
    base = ["--as-of", "2026-04-30", "--db", url]

    v = run.invoke(app, ["portfolio", "vintages", *base, "--json", "--token", auditor], env=env)
    assert v.exit_code == 0, v.output
    rows = {(r["vintage"], r["mob"]): r["share_30"] for r in json.loads(v.output)["rows"]}
    assert rows[("2026-01", 3)] == 0.5
    table = run.invoke(app, ["portfolio", "rolls", *base, "--token", officer], env=env)
    assert table.exit_code == 0 and "transition matrix" in table.output
    assert "60.0 (3)" in table.output  # M0 -> M0: 3 of 5
    conc = run.invoke(app, ["portfolio", "concentration", *base, "--token", officer], env=env)
    assert conc.exit_code == 0 and "Shanghai" in conc.output

    denied = run.invoke(app, ["portfolio", "warnings", *base, "--token", auditor], env=env)
    assert isinstance(denied.exception, Forbidden)
    warned = run.invoke(app, ["portfolio", "warnings", *base, "--token", officer], env=env)
    assert warned.exit_code == 0, warned.output
    assert "ecl_coverage" in warned.output and "not_computed" in warned.output

    out = tmp_path / "report" / "risk.html"
    rep = run.invoke(app, ["report", "risk", "--out", str(out), "--lang", "zh", "--no-pdf",
                           *base, "--token", officer], env=env)
    assert rep.exit_code == 0, rep.output
    assert "风险披露报告" in out.read_text(encoding="utf-8")

    bad = run.invoke(app, ["portfolio", "vintages", "--as-of", "30/04/2026", "--db", url,
                           "--token", officer], env=env)
    # the console script turns it into exit code 2 with the message (cli.main)
    assert isinstance(bad.exception, ValidationError) and bad.exception.field == "--as-of"
