"""Ageing as columns: buckets by days past due (as data), the small-balance tolerance, and
which cases open, move and resolve; promises kept or broken."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from creditline.collections import cases
from creditline.collections.ageing import age, bucket_codes, bucket_of, settle_promises
from creditline.collections.rules import RULES_DIR, default_rules, load_rules
from creditline.errors import Conflict, ValidationError

RULES = default_rules()
B = RULES.buckets
TOL = int(RULES.tolerance * 100)


def test_buckets_m0_to_m7_by_days_past_due() -> None:
    assert RULES.bucket_names == ["M0", "M1", "M2", "M3", "M4", "M5", "M6", "M7"]
    dpd = np.array([0, 1, 30, 31, 60, 61, 90, 91, 120, 121, 150, 151, 180, 181, 999])
    got = bucket_codes(dpd, np.full(len(dpd), 10_000), B, TOL).tolist()
    assert got == [0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7]


def test_a_past_due_amount_under_the_tolerance_does_not_age() -> None:
    assert RULES.tolerance == 1  # "under 1 CNY"
    assert bucket_of(200, 99, B, TOL) == 0  # 0.99 owed for 200 days: current
    assert bucket_of(200, 100, B, TOL) == 7  # 1.00: aged


def test_cases_open_move_and_resolve() -> None:
    dpd = np.array([0, 5, 35, 0, 40, 10])
    past_due = np.array([0, 5000, 5000, 0, 50, 8000])  # line 4 owes 0.50 for 40 days
    case_bucket = np.array([0, 0, 1, 2, 2, 1])
    ch = age(dpd, past_due, case_bucket, B, TOL)
    assert ch.bucket.tolist() == [0, 1, 2, 0, 0, 1]
    assert (ch.opened.tolist(), ch.moved.tolist(), ch.resolved.tolist()) == ([1], [2], [3, 4])
    ch2 = age(np.array([31]), np.array([5000]), np.array([1]), B, TOL)
    assert ch2.moved.tolist() == [0] and ch2.counts["moved"] == 1


def test_promises_kept_once_paid_broken_when_due_date_closes_unpaid() -> None:
    out = settle_promises(np.array([5000, 5000, 5000]), np.array([5000, 4999, 0]),
                          np.array([20, 20, 21]), today=20)
    assert (out.kept, out.broken) == ([0], [1])


def test_the_case_state_machine_is_data() -> None:
    assert cases.states(8)[:3] == ["open", "stage_2", "stage_3"]
    t = cases.transitions(8)
    assert "stage_2" in t["open"] and "resolved" in t["stage_7"] and t["sold"] == frozenset()
    cases.check_transition("open", "stage_2", 8)
    with pytest.raises(Conflict, match="from resolved to open"):
        cases.check_transition("resolved", "open", 8)


def test_rules_are_checked_when_read(tmp_path: Path) -> None:
    for f in ("manifest.json", "buckets.json", "profiles.json", "emergency_contacts.json"):
        (tmp_path / f).write_text((RULES_DIR / f).read_text())
    assert load_rules(tmp_path).hash == RULES.hash
    doc = json.loads((RULES_DIR / "buckets.json").read_text())
    doc["buckets"][2]["from_dpd"] = 40  # a gap between M1 and M2
    (tmp_path / "buckets.json").write_text(json.dumps(doc))
    with pytest.raises(ValidationError, match="bucket M2 must start at 31"):
        load_rules(tmp_path)
