"""Stress tests worked by hand: the seeds' export-industry shock on a three-line book (its
deltas line by line), a scenario refused when it names an unknown segment, and the 12-month
cash-flow projection's first months."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from creditline.errors import ValidationError
from creditline.portfolio.cashflow import project
from creditline.portfolio.ecl import PdModel, cumulative_default, estimate_lgd, load_parameters
from creditline.portfolio.stress import parse, run, scenarios

PARAMS = load_parameters()


def _model() -> PdModel:
    """Every current line defaults at 1 % a month: C[0, h] = 1 - 0.99^h."""
    m = np.eye(5)
    m[0, 0], m[0, 4] = 0.99, 0.01
    return PdModel(m, cumulative_default(m, PARAMS.max_lifetime), (), 0)


def _lgd() -> dict:
    empty = pl.DataFrame(schema={"line_id": pl.Utf8, "product": pl.Utf8,
                                 "written_off": pl.Int64, "recovered": pl.Int64})
    return estimate_lgd(empty, ["consumer_bnpl", "sme_line"], PARAMS)  # priors 0.80, 0.55


BOOK = pl.DataFrame({
    "line_id": ["gd", "bj", "mfg"],
    "product": ["consumer_bnpl", "consumer_bnpl", "sme_line"],
    "kind": ["person", "person", "enterprise"],
    "industry": [None, None, "C"], "region": ["Guangdong", "Beijing", "Zhejiang"],
    "status": ["active"] * 3, "dpd": [0, 0, 0],
    "drawn": [100_000, 100_000, 100_000], "limit_unused": [0, 0, 200_000],
    "pd_bcard": [None, None, None], "stage": [1, 1, 1], "triggers": ["", "", ""]},
    schema_overrides={"industry": pl.Utf8, "pd_bcard": pl.Float64, "stage": pl.Int8})
EMPTY_SCHEDULE = pl.DataFrame(schema={"line_id": pl.Utf8, "month": pl.Int64,
                                      "amount": pl.Int64})


def test_the_export_shock_line_by_line() -> None:
    base, shock = run(BOOK, _model(), _lgd(), PARAMS, EMPTY_SCHEDULE, 0,
                      ["base", "export_shock"])
    # Base, all stage 1, 12-month PD 1 - 0.99^12 = 0.1136151, weighted x 1.133625:
    # persons 0.1136151 x 0.80 x 1,000.00 x 1.133625 = 103.04 each; the manufacturer's
    # EAD 1,000.00 + 0.40 x 2,000.00 = 1,800.00: 0.1136151 x 0.55 x 1,800.00 x 1.133625 = 127.51
    assert base.results["ecl"].to_list() == [10_304, 10_304, 12_751]
    assert base.ecl == 33_359
    # Export shock: recoveries cut 20 % (LGD 0.80 -> 0.84, 0.55 -> 0.64);
    # Guangdong's worker: PD x 1.4 -> 0.1136151 x 1.4 x 0.84 x 1,000.00 x 1.133625 = 151.47;
    # Beijing's: only the haircut -> 108.19;
    # the manufacturer (section C) moves to stage 2: lifetime 36 months, PD (1 - 0.99^36)
    # x 2.5 = 0.7589670; EAD 1,000.00 + 0.50 x 2,000.00 = 2,000.00; per scenario
    # base 0.6 x 0.758967 x 0.64 x 2,000 = 582.89, upside 0.15 x 0.645122 x 0.608 x 2,000
    # = 117.67, downside 0.25 x min(1, 1.138450) x 0.704 x 2,000 = 352.00 -> 1,052.56
    assert shock.results["ecl"].to_list() == [15_147, 10_819, 105_256]
    assert shock.results["stage"].to_list() == [1, 1, 2]
    assert shock.results["triggers"].to_list() == ["", "", "STRESS_DOWNTURN"]
    assert shock.ecl - base.ecl == 131_222 - 33_359 == 97_863
    assert shock.ecl_by_stage() == {1: 25_966, 2: 105_256, 3: 0}
    assert scenarios(PARAMS)["export_shock"].repayment_drop == 0.05


def test_a_scenario_naming_an_unknown_segment_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown keys city"):
        parse({"name": "x", "pd_multipliers": [{"city": "Shenzhen", "multiplier": "2"}]})
    with pytest.raises(ValidationError, match=r"recovery_haircut must be between 0\.0 and 1\.0"):
        parse({"name": "x", "recovery_haircut": "1.5"})
    with pytest.raises(ValidationError, match="unknown stress scenario 'nope'"):
        run(BOOK, _model(), _lgd(), PARAMS, EMPTY_SCHEDULE, 0, ["nope"])


def test_cash_flow_projection_by_hand() -> None:
    """One current line owing 300.00, 100.00 due in each of the next three months; the
    scenario-weighted PD multiplier 0.6 x 1 + 0.15 x 0.85 + 0.25 x 1.5 = 1.1025, so the
    cumulative PD is (1 - 0.99^m) x 1.1025: 0, 0.011025, 0.0219398, 0.0327454.  New draws
    of 300.00 a month run off like the book: 100.00 a month over 300.00 drawn = 1/3 a month,
    defaulting at 0.011025 a month at LGD 0.80."""
    results = pl.DataFrame({"line_id": ["x"], "state": [0], "stage": [1], "pd_scale": [1.0],
                            "lgd": [0.8], "drawn": [30_000], "ead": [30_000]})
    schedule = pl.DataFrame({"line_id": ["x"] * 3, "month": [1, 2, 3],
                             "amount": [10_000] * 3})
    p = project(results, schedule, 30_000, _model(), pd_multiplier=1.1025, months=3)
    rows = p.months.to_dicts()
    # the line repays if not defaulted by the start of the month: 100.00, 98.8975, 97.806025;
    # month 2 adds 1/3 of month 1's 300.00 of new draws (100.00); month 3 1/3 of what is
    # left of them, 300.00 x (1 - 1/3 - 0.011025) + 300.00 = 496.6925 -> 165.5642
    assert [r["repayments_in"] for r in rows] == [10_000, 19_890, 26_337]
    # the line's new defaults x LGD 0.80 x EAD 300.00: 2.646, 2.61954, 2.5933446, plus the
    # new draws' 300.00 x 0.011025 x 0.80 = 2.646 in month 2 and 496.6925 x 0.00882 = 4.3808
    # in month 3
    assert [r["losses"] for r in rows] == [265, 527, 697]
    assert [r["net"] for r in rows] == [-20_000, -10_110, -3_663]
    assert [r["cumulative"] for r in rows] == [-20_000, -30_110, -33_773]
    assert p.funding_need == 33_773
    # 10 % of repayments missed, half the draws: 90.00; 89.007750 + 45.00; 88.025423 +
    # 0.9 x 1/3 x 248.34625
    dropped = project(results, schedule, 30_000, _model(), pd_multiplier=1.1025, months=3,
                      repayment_drop=0.10, draw_change=-0.5)
    assert [r["repayments_in"] for r in dropped.months.to_dicts()] == [9_000, 13_401, 16_253]
    assert dropped.months["draws_out"].to_list() == [15_000] * 3
