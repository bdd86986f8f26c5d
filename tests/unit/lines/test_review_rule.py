"""The periodic review's parameters are versioned data (``lines/review_rules``): the shipped
folder gives the documented rule; a folder with a bad figure is refused, naming it."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from creditline.errors import ValidationError
from creditline.lines.reviews import REVIEW_RULE, RULES_DIR, load_review_rule


def test_the_shipped_rule_is_the_documented_one() -> None:
    r = load_review_rule()
    assert (r.target_dscr, r.increase_share, r.step) == (Decimal("1.40"), Decimal("0.30"),
                                                         Decimal("1000.00"))
    assert (r.yearly_months, r.flagged_months, r.freeze_after_days) == (12, 3, 60)
    assert r.version == "2026.11.1" and len(r.hash) == 64 and r == REVIEW_RULE


@pytest.mark.parametrize(("name", "value", "rule"), [
    ("target_dscr", "-1.40", "positive decimal"),
    ("target_dscr", 1.4, "positive decimal"),
    ("flagged_months", 0, "positive whole number"),
    ("freeze_after_days", "60", "positive whole number"),
])
def test_a_bad_figure_is_refused_naming_it(tmp_path: Path, name: str, value: object,
                                           rule: str) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(RULES_DIR, folder)
    doc = json.loads((folder / "review_rule.json").read_text())
    doc[name] = value
    (folder / "review_rule.json").write_text(json.dumps(doc))
    with pytest.raises(ValidationError) as e:
        load_review_rule(folder)
    assert e.value.field == f"review_rule.{name}" and rule in e.value.message


def test_a_changed_folder_has_another_label(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(RULES_DIR, folder)
    doc = json.loads((folder / "review_rule.json").read_text())
    doc["increase_share"] = "0.20"
    (folder / "review_rule.json").write_text(json.dumps(doc))
    changed = load_review_rule(folder)
    assert changed.increase_share == Decimal("0.20") and changed.label != REVIEW_RULE.label
