"""Early-warning indicators against their thresholds (the shipped ``portfolio/warnings/``),
each worked by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from creditline.errors import ValidationError
from creditline.lines.sectors import default_early_warning
from creditline.portfolio import warning as ew

RULES = ew.default_warning_rules()


def test_an_industry_past_its_sector_threshold_is_an_alert_proposing_a_cut() -> None:
    # manufacturing (C): threshold 10 % at 30+; 2 of 10 lines 30+ days late = 20 %
    ind = ["C"] * 10 + ["K"] * 10
    dpd = np.array([45, 31] + [0] * 8 + [0] * 10)
    got = {s.segment: s for s in ew.industry_signals(RULES, default_early_warning(), ind, dpd)}
    c = got["C"]
    assert (c.level, c.value, c.alert) == ("alert", 0.2, 0.1)
    assert c.proposal == {"action": "sector_cut", "industry": "C", "percent": "20"}
    assert c.evidence["why"] == ["DPD30_RATE"]
    assert (got["K"].level, got["K"].proposal) == ("ok", None)


def test_approval_drift() -> None:
    # 60 % approved against 45 % before: +15 points, past the 10-point alert
    s = ew.approval_signal(RULES, 60, 100, 135, 300)
    assert (s.value, s.level) == (0.15, "alert")
    assert s.proposal is not None and s.proposal["action"] == "stricter_cutoff"
    assert s.proposal["points"] == 20
    # a 7-point fall is a warning (no cut-off to tighten)
    s = ew.approval_signal(RULES, 38, 100, 135, 300)
    assert (s.value, s.level, s.proposal) == (-0.07, "warn", None)
    # too few applications: said so, not guessed
    s = ew.approval_signal(RULES, 5, 10, 135, 300)
    assert s.level == "not_computed" and "fewer than 30" in s.evidence["why"]


def test_psi_of_scores() -> None:
    rng = np.random.default_rng(3)
    base = rng.normal(600, 50, 2000)
    same = ew.psi_signal(RULES, "a_card_psi", base, rng.normal(600, 50, 2000))
    assert same.level == "ok" and same.value is not None and same.value < 0.1
    shifted = ew.psi_signal(RULES, "a_card_psi", base, rng.normal(540, 50, 2000))
    assert shifted.level == "alert" and shifted.value is not None and shifted.value > 0.25
    assert shifted.proposal is not None and shifted.proposal["action"] == "stricter_cutoff"
    b = ew.psi_signal(RULES, "b_card_psi", base, rng.normal(540, 50, 2000))
    assert b.level == "alert" and b.proposal is None
    assert ew.psi_signal(RULES, "b_card_psi", base[:10], base).level == "not_computed"


def _period(m0: float, lines: int = 100) -> dict[str, object]:
    return {"from": "a", "to": "b", "lines": lines, "roll": {"M0": m0, "M1": 0.3}}


def test_roll_rate_jump() -> None:
    # M0 rolled 2 % a month for three months, then 4 %: twice the mean, past 1.5x
    got = {s.segment: s for s in ew.roll_signals(RULES, [_period(.02)] * 3 + [_period(.04)])}
    assert (got["M0"].value, got["M0"].level) == (2.0, "alert")
    assert (got["M1"].value, got["M1"].level) == (1.0, "ok")
    # 1.3x is a warning
    got = {s.segment: s for s in ew.roll_signals(RULES, [_period(.02)] * 3 + [_period(.026)])}
    assert got["M0"].level == "warn"
    assert ew.roll_signals(RULES, [_period(.02)] * 2)[0].level == "not_computed"


def test_ecl_coverage_only_with_an_ecl_result() -> None:
    assert ew.ecl_signal(RULES, None).level == "not_computed"
    s = ew.ecl_signal(RULES, {"allowance": "800.00", "exposure": "100000.00"})
    assert (s.value, s.level) == (0.008, "alert")  # below 1.0 %
    assert ew.ecl_signal(RULES, {"allowance": "1200.00", "exposure": "100000.00"}).level == "warn"
    assert ew.ecl_signal(RULES, {"allowance": "2000.00", "exposure": "100000.00"}).level == "ok"


def test_windows() -> None:
    assert ew.window_bounds(date(2026, 3, 31), 30, 90) == (
        date(2025, 12, 2), date(2026, 3, 2), date(2026, 3, 31))


def test_an_unknown_indicator_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "manifest.json").write_text('{"version": "x", "files": ["i.json"]}')
    (tmp_path / "i.json").write_text('{"mood": {}}')
    with pytest.raises(ValidationError) as e:
        ew.load_warning_rules(tmp_path)
    assert e.value.field == "warnings.mood"
