"""The ruleset is a folder of JDM tables with a versioned manifest; its hash changes with any
byte of any table, and broken folders are refused with the file named."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from creditline.errors import ValidationError
from creditline.policy.ruleset import RULES_DIR, default_ruleset, load_ruleset


def copy_rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES_DIR, folder)
    return folder


def test_the_shipped_ruleset_loads_with_its_version_and_a_content_hash() -> None:
    rs = default_ruleset()
    manifest = json.loads((RULES_DIR / "manifest.json").read_text())
    assert rs.version == manifest["version"]
    assert len(rs.hash) == 64 and rs.label == f"{rs.version}+{rs.hash[:12]}"
    assert rs.tables[0] == "knockouts.json"


def test_each_table_file_is_a_complete_graph_an_analyst_can_open_alone() -> None:
    for name in default_ruleset().tables:
        doc = json.loads((RULES_DIR / name).read_text())
        kinds = [n["type"] for n in doc["nodes"]]
        assert kinds.count("decisionTableNode") == 1, name
        assert "inputNode" in kinds and "outputNode" in kinds, name


def test_changing_one_cell_changes_the_hash_but_not_the_version(tmp_path: Path) -> None:
    folder = copy_rules(tmp_path)
    before = load_ruleset(folder)
    path = folder / "cutoffs.json"
    path.write_text(path.read_text().replace(">= 600", ">= 610", 1))
    after = load_ruleset(folder)
    assert after.version == before.version and after.hash != before.hash
    assert before.hash == default_ruleset().hash


def test_a_missing_table_is_named(tmp_path: Path) -> None:
    folder = copy_rules(tmp_path)
    (folder / "debt_burden.json").unlink()
    with pytest.raises(ValidationError, match=r"debt_burden\.json"):
        load_ruleset(folder)


def test_a_table_without_output_path_is_refused(tmp_path: Path) -> None:
    folder = copy_rules(tmp_path)
    path = folder / "cutoffs.json"
    doc = json.loads(path.read_text())
    del doc["nodes"][1]["content"]["outputPath"]
    path.write_text(json.dumps(doc))
    with pytest.raises(ValidationError, match=r"cutoffs.json.*outputPath"):
        load_ruleset(folder)


def test_batch_evaluation_agrees_with_one_at_a_time() -> None:
    rs = default_ruleset()
    contexts = [{"product": "consumer_bnpl", "kind": "person", "score": s, "pd": 0.02,
                 "screening": {}, "applicant": {"age": 30, "monthly_income": 9000.0},
                 "enterprise": None, "collateral": [], "assets": []} for s in (500, 580, 600, 650)]
    assert rs.evaluate_many(contexts) == [rs.evaluate(c) for c in contexts]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), 2**64, 2**130])
def test_a_value_the_engine_cannot_take_fails_that_context_with_the_ruleset_named(
        bad: float) -> None:
    """NaN, an infinity or a huge integer in one line's facts is that line's error (the
    stage sets the line aside), not an exception that stops the stage."""
    rs = default_ruleset()
    with pytest.raises(ValidationError, match=rf"ruleset {re.escape(rs.label)} failed: "):
        rs.evaluate({"product": "consumer_bnpl", "kind": "person", "score": bad})
