"""``creditline rules test`` and ``creditline rules replay``: a changed cut-off replayed over
past applications reports how many decisions would change, before it goes live."""

from __future__ import annotations

import shutil
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from creditline.bootstrap import Container
from creditline.cli import _register, app
from creditline.policy.ruleset import RULES_DIR
from tests.api.test_applications_support import (
    GOOD_BUREAU,
    POOR_BUREAU,
    REFER_BUREAU,
    applied,
    person,
    register,
)

runner = CliRunner()
_register()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_rules_test_passes_the_shipped_cases_and_fails_a_wrong_one(tmp_path: Path) -> None:
    code, out = run("rules", "test")
    assert code == 0 and "0 failed" in out
    (tmp_path / "wrong.json").write_text(
        '{"name": "band A declines?", "facts": {"product": "consumer_bnpl", "kind": "person", '
        '"score": 650, "pd": 0.01, "applicant": {"age": 30, "monthly_income": "12000.00"}}, '
        '"expect": {"decision": "declined"}}')
    code, out = run("rules", "test", str(tmp_path))
    assert code == 1 and "FAIL" in out and "1 failed" in out


def test_a_stricter_cut_off_replayed_over_past_applications_reports_the_changes(
        sqlite_api: TestClient, sqlite_container: Container, tmp_path: Path) -> None:
    api = sqlite_api
    good = [register(api, person(200 + i)) for i in range(3)]
    answers = [applied(api, cid, bureau=GOOD_BUREAU) for cid in good]
    refer = register(api, person(210, income="6000.00", employment="freelancer"))
    answers.append(applied(api, refer, bureau=REFER_BUREAU))
    poor = register(api, person(211, income="3000.00", employment="unemployed"))
    answers.append(applied(api, poor, bureau=POOR_BUREAU))
    assert [a["decision"] for a in answers] == ["approved"] * 3 + ["referred", "declined"]

    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    cutoffs = rules / "cutoffs.json"
    # consumer approvals now need 700 points: band A-C approvals become declines... except
    # that the refer band is untouched, so the referred application stays referred
    text = cutoffs.read_text()
    for old, new in ((">= 600", ">= 700"), ("[585..600)", "[690..700)"),
                     ("[570..585)", "[680..690)")):
        text = text.replace(old, new, 1)
    cutoffs.write_text(text)
    code, out = run("rules", "replay", "--since", "2026-03-01", "--rules", str(rules),
                    "--db", str(sqlite_container.settings.database_url))
    assert code == 0, out
    assert "replayed 5 applications" in out
    assert "decisions changed: 3" in out
    assert "approved" in out and "declined" in out
    for a in answers[:3]:
        assert a["id"] in out

    code, out = run("rules", "replay", "--since", "2026-03-01",
                    "--db", str(sqlite_container.settings.database_url))
    assert code == 0 and "decisions changed: 0" in out and "limits changed (same decision): 0" in out


def test_replay_refuses_a_bad_date() -> None:
    from creditline.errors import ValidationError

    result = runner.invoke(app, ["rules", "replay", "--since", "yesterday"])
    assert isinstance(result.exception, ValidationError)
    assert result.exception.field == "--since"
