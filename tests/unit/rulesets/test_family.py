"""One tooling for every family of decision tables: a small family written in a temporary
folder the way a later context writes its own (a returns trigger), its example cases run, and
a folder whose tables break a case is refused at load with the case named."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from creditline.bootstrap import rule_families
from creditline.errors import ValidationError
from creditline.policy.cases import ORIGINATION
from creditline.rulesets import RuleFamily, check_answer


def _table(threshold: int) -> dict:
    return {"contentType": "application/vnd.gorules.decision", "nodes": [
        {"id": "request", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}},
        {"id": "returns", "type": "decisionTableNode", "name": "Returns in 30 days",
         "position": {"x": 300, "y": 0},
         "content": {"hitPolicy": "first", "passThrough": True, "outputPath": "trigger",
                     "inputs": [{"id": "n", "name": "Returns", "type": "expression",
                                 "field": "returns_30d"}],
                     "outputs": [{"id": "a", "name": "Action", "type": "expression",
                                  "field": "action"},
                                 {"id": "c", "name": "Cut", "type": "expression",
                                  "field": "cut_share"},
                                 {"id": "r", "name": "Reasons", "type": "expression",
                                  "field": "reasons"}],
                     "rules": [{"_id": "r1", "n": f">= {threshold}", "a": '"cut"',
                                "c": "0.5", "r": '["FREQUENT_RETURNS"]'},
                               {"_id": "r2", "n": "", "a": '"none"', "c": "0",
                                "r": "[]"}]}},
        {"id": "response", "type": "outputNode", "name": "Response",
         "position": {"x": 600, "y": 0}}],
        "edges": [{"id": "e1", "type": "edge", "sourceId": "request", "targetId": "returns"},
                  {"id": "e2", "type": "edge", "sourceId": "returns", "targetId": "response"}]}


CASES = [
    {"name": "three returns in a month cut half the available credit",
     "facts": {"returns_30d": 3},
     "expect": {"trigger.action": "cut", "trigger.cut_share": "0.50",
                "trigger.reasons": ["FREQUENT_RETURNS"]}},
    {"name": "one return is ordinary", "facts": {"returns_30d": 1},
     "expect": {"trigger.action": "none"}},
]


def _family(tmp_path: Path, threshold: int) -> RuleFamily:
    rules = tmp_path / f"rules-{threshold}"
    rules.mkdir()
    (rules / "returns.json").write_text(json.dumps(_table(threshold)))
    (rules / "manifest.json").write_text(json.dumps(
        {"version": f"t{threshold}", "tables": ["returns.json"]}))
    cases = tmp_path / "cases"
    cases.mkdir(exist_ok=True)
    (cases / "returns.json").write_text(json.dumps(CASES))
    return RuleFamily(name="returns_trigger", title="test family", rules_dir=rules,
                      cases_dir=cases)


def test_a_family_whose_tables_hold_their_cases_loads_and_decides(tmp_path: Path) -> None:
    fam = _family(tmp_path, threshold=3)
    rs = fam.default()
    assert rs.label.startswith("t3+") and len(rs.label) == len("t3+") + 12
    assert rs.evaluate({"returns_30d": 4})["trigger"]["action"] == "cut"
    assert [r.ok for r in fam.run_cases(rs)] == [True, True]


def test_a_table_that_breaks_an_example_case_is_refused_naming_the_case(tmp_path: Path) -> None:
    fam = _family(tmp_path, threshold=5)  # an analyst raised the threshold, not the examples
    with pytest.raises(ValidationError) as err:
        fam.load()
    msg = str(err.value)
    assert "three returns in a month cut half the available credit" in msg
    assert "returns_trigger rules t5+" in msg and "trigger.action 'none' != expected 'cut'" in msg
    fam.load(verify=False)  # still readable for `rules test`, which lists every failure


def test_cases_beside_an_edited_folder_are_the_ones_checked(tmp_path: Path) -> None:
    fam = _family(tmp_path, threshold=5)
    own = fam.rules_dir / "cases"
    own.mkdir()
    (own / "returns.json").write_text(json.dumps(
        [{"name": "five returns cut", "facts": {"returns_30d": 5},
          "expect": {"trigger.action": "cut"}}]))
    assert fam.cases_for(fam.rules_dir) == own
    assert fam.load(fam.rules_dir).version == "t5"


def test_the_generic_check_compares_numbers_as_decimals_and_lists_as_prefixes() -> None:
    answer = {"limit": 13000, "reasons": ["A", "B"], "nested": {"band": "A"}}
    assert check_answer(answer, {"limit": "13000.00", "reasons": ["A"], "nested.band": "A"}) == []
    assert check_answer(answer, {"limit": "12999.99"}) == ["limit 13000 != expected '12999.99'"]
    assert check_answer(answer, {"reasons": ["B"]}) == ["reasons ['A', 'B'] does not start "
                                                        "with ['B']"]
    assert check_answer(answer, {"missing": 1}) == ["missing missing from the answer "
                                                    "(expected 1)"]


def test_origination_is_one_family_among_the_others() -> None:
    families = rule_families()
    assert families["origination"] is ORIGINATION
    rs = ORIGINATION.load(verify=False)
    results = ORIGINATION.run_cases(rs)
    assert results and all(r.ok for r in results)


def test_cli_lists_families_and_refuses_an_unknown_one() -> None:
    from creditline.cli import _register, app

    _register()
    runner = CliRunner()
    out = runner.invoke(app, ["rules", "list"])
    assert out.exit_code == 0, out.output
    assert "origination" in out.output
    ok = runner.invoke(app, ["rules", "test", "--family", "origination"])
    assert ok.exit_code == 0 and "0 failed" in ok.output
    bad = subprocess.run([sys.executable, "-m", "creditline", "rules", "test", "--family",
                          "nope"], capture_output=True, text=True, check=False)
    assert bad.returncode == 2
    # every registered family is named (origination, line_strategy, ...)
    assert "--family: unknown family 'nope'; one of: " in bad.stderr
    assert "origination" in bad.stderr
