"""``creditline bureau ...`` from the command line, on a SQLite book whose debtor's line is
reported for March 2026: the run writes both files into a folder, a second run gives back
the same files, the runs list, the line's history, a dispute and a refusal naming the
field (the console script exits 2 on it)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from creditline.bootstrap import Container
from creditline.cli import _register, app
from creditline.cli.common import console
from creditline.clock import FixedClock
from creditline.errors import Forbidden, ValidationError
from tests.conftest import SECRET, create_user
from tests.integration.bureau_support import month_end
from tests.integration.collections_support import debtor
from tests.integration.servicing_support import eod_through

_register()


def test_a_month_reported_on_the_command_line(sqlite_container: Container, clock: FixedClock,
                                              tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "_width", 200)
    env = {"CREDITLINE_SECRET_KEY": SECRET, "CREDITLINE_DATA_DIR": str(tmp_path),
           "COLUMNS": "200", **{f"CREDITLINE_TOKEN_DAYS_{r}": "3650"
                                for r in ("COLLECTOR", "RISK_OFFICER")}}
    d = debtor(sqlite_container, clock)
    eod_through(sqlite_container, clock, month_end(2026, 3))
    url = sqlite_container.engine.url.render_as_string(hide_password=False)
    sup = create_user(sqlite_container, "wu", "risk_officer")["Authorization"][7:]
    chen = create_user(sqlite_container, "chen", "collector")["Authorization"][7:]
    run = CliRunner()

    def cli(*args: str, token: str = sup) -> str:
        r = run.invoke(app, ["bureau", *args, "--token", token, "--db", url], env=env)
        assert r.exit_code == 0, (args, r.output, r.exception)
        return r.output

    out_dir = tmp_path / "files"
    first = cli("run", "--month", "2026-03", "--out", str(out_dir))
    assert "month 2026-03" in first and "1 reported" in first
    text = (out_dir / "bureau-2026-03.txt").read_bytes()
    doc = json.loads((out_dir / "bureau-2026-03.json").read_text())
    assert f"sha256 text {hashlib.sha256(text).hexdigest()}" in first
    assert doc["records"][0]["subject_id"] == "11010519491231002X"
    again = cli("run", "--month", "2026-03", "--out", str(tmp_path / "again"))
    assert again.startswith("already reported: ")
    assert (tmp_path / "again" / "bureau-2026-03.txt").read_bytes() == text

    assert "2026-03" in cli("runs")
    assert "/" * 23 + "*" in cli("history", d.line_id)
    assert "open" in cli("dispute", d.line_id, "--month", "2026-03", "--reason",
                         "not my line", token=chen)
    # refusals are domain errors (the console script turns them into exit code 2)
    r = run.invoke(app, ["bureau", "run", "--month", "2026-03", "--out", str(out_dir),
                         "--token", chen, "--db", url], env=env)
    assert isinstance(r.exception, Forbidden) and "bureau:run" in str(r.exception)
    r = run.invoke(app, ["bureau", "run", "--month", "March", "--out", str(out_dir),
                         "--token", sup, "--db", url], env=env)
    assert isinstance(r.exception, ValidationError)
    assert str(r.exception) == "month: must be a month as YYYY-MM"
    assert "not my line" in cli("history", d.line_id)
