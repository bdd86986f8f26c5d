"""Expected credit loss worked by hand: the migration matrix of a small book, its powers, the
LGD from write-offs and recoveries, and the ECL of one line per stage under the shipped
parameters (three forward-looking scenarios)."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest

from creditline.portfolio.ecl import (
    PdModel,
    bucket_state,
    cumulative_default,
    estimate_lgd,
    load_parameters,
    measure,
    migration_counts,
    month_ends,
    summarise,
    transition_matrix,
)

PARAMS = load_parameters()
# sum over the scenarios of weight x PD multiplier x LGD multiplier (no PD or LGD reaches 1):
# 0.60 x 1.00 x 1.00 + 0.15 x 0.85 x 0.95 + 0.25 x 1.50 x 1.10
WEIGHTED = 1.133625


def test_month_ends_and_bucket_states() -> None:
    assert month_ends(date(2026, 1, 15), date(2026, 4, 30)) == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    assert month_ends(date(2026, 1, 15), date(2026, 4, 29))[-1] == date(2026, 3, 31)
    assert [bucket_state(b) for b in ("M0", "M1", "M3", "M4", "M7")] == [0, 1, 3, 4, 4]


def test_cohort_counts_of_a_four_line_book() -> None:
    """Month ends 31 Jan and 28 Feb.  a: current both times; b: M1 from 20 Jan, cured
    5 Feb; c: M1 from 25 Jan, M2 from 24 Feb; d: opened in February (not in January's
    cohort)."""
    population = pl.DataFrame({
        "line_id": ["a", "b", "c", "d"],
        "opened_on": [date(2025, 12, 1), date(2025, 12, 1), date(2025, 12, 1), date(2026, 2, 3)]})
    spells = pl.DataFrame({
        "line_id": ["b", "c", "c"], "state": [1, 1, 2],
        "entered_on": [date(2026, 1, 20), date(2026, 1, 25), date(2026, 2, 24)],
        "left_on": [date(2026, 2, 5), date(2026, 2, 24), None]},
        schema_overrides={"left_on": pl.Date})
    counts = migration_counts(population, spells, [date(2026, 1, 31), date(2026, 2, 28)])
    expected = np.zeros((5, 5), dtype=np.int64)
    expected[0, 0] = 1  # a
    expected[1, 0] = 1  # b cured
    expected[1, 2] = 1  # c rolled
    assert (counts == expected).all()


def test_rows_seen_too_rarely_come_from_the_prior_and_default_absorbs() -> None:
    counts = np.zeros((5, 5), dtype=np.int64)
    counts[0] = [97, 3, 0, 0, 0]  # 100 observations: estimated
    counts[1] = [5, 0, 5, 0, 0]  # 10 observations: under 30, the prior's row
    matrix, from_prior = transition_matrix(counts, PARAMS.prior_migration, 30)
    assert matrix[0].tolist() == [0.97, 0.03, 0.0, 0.0, 0.0]
    assert matrix[1].tolist() == PARAMS.prior_migration[1].tolist()
    assert matrix[4].tolist() == [0.0, 0.0, 0.0, 0.0, 1.0]
    assert from_prior == ["M1", "M2", "M3"]


def test_cumulative_default_is_the_matrix_powered_up() -> None:
    m = np.zeros((5, 5))
    m[0, 0], m[0, 1] = 0.9, 0.1
    m[1, 0], m[1, 4] = 0.5, 0.5
    m[2, 2] = m[3, 3] = m[4, 4] = 1.0
    c = cumulative_default(m, 3)
    # from M0: month 1 nobody, month 2 0.1 x 0.5, month 3 adds 0.9 x 0.1 x 0.5 + 0.1 x 0.5 x 0
    assert c[0].tolist() == pytest.approx([0.0, 0.0, 0.05, 0.095])
    assert c[1].tolist() == pytest.approx([0.0, 0.5, 0.5, 0.525])


def test_lgd_from_write_offs_and_recoveries_with_prior_and_floor() -> None:
    observed = pl.DataFrame({
        "line_id": [f"w{i}" for i in range(25)] + ["s1", "s2"],
        "product": ["consumer_bnpl"] * 25 + ["sme_line"] * 2,
        # 25 consumer write-offs of 1,000.00, 150.00 recovered on each: LGD 0.85
        "written_off": [100_000] * 25 + [500_000, 500_000],
        "recovered": [15_000] * 25 + [450_000, 450_000]})
    lgd = estimate_lgd(observed, ["consumer_bnpl", "sme_line", "new_product"], PARAMS)
    assert lgd["consumer_bnpl"].lgd == pytest.approx(0.85)
    assert (lgd["consumer_bnpl"].source, lgd["consumer_bnpl"].write_offs) == ("observed", 25)
    assert (lgd["consumer_bnpl"].written_off, lgd["consumer_bnpl"].recovered) == (
        2_500_000, 375_000)
    # two SME write-offs (under the 20 the parameters ask for): the prior, 0.55
    assert (lgd["sme_line"].lgd, lgd["sme_line"].source) == (0.55, "prior")
    assert (lgd["new_product"].lgd, lgd["new_product"].source) == (0.75, "prior")
    # a book recovering 90 %: LGD 0.10 observed, held at the 0.30 floor
    rich = observed.with_columns(pl.lit(90_000).alias("recovered"))
    held = estimate_lgd(rich, ["consumer_bnpl"], PARAMS)["consumer_bnpl"]
    assert (held.lgd, held.source) == (0.30, "observed (floor)")


def _model() -> PdModel:
    """M0 defaults at 1 % a month and otherwise stays; M1 defaults at 10 % a month and
    otherwise stays: C[0, h] = 1 - 0.99^h, C[1, h] = 1 - 0.9^h."""
    m = np.zeros((5, 5))
    m[0, 0], m[0, 4] = 0.99, 0.01
    m[1, 1], m[1, 4] = 0.90, 0.10
    m[2, 2] = m[3, 3] = m[4, 4] = 1.0
    return PdModel(m, cumulative_default(m, PARAMS.max_lifetime), (), 0)


def _book() -> pl.DataFrame:
    return pl.DataFrame({
        "line_id": ["s1", "s2", "s3", "late"], "product": ["consumer_bnpl"] * 4,
        "kind": ["person"] * 4, "industry": [None] * 4, "region": ["Guangdong"] * 4,
        "status": ["active", "active", "suspended", "active"], "dpd": [0, 0, 100, 10],
        "drawn": [100_000, 200_000, 50_000, 200_000],
        "limit_unused": [400_000, 300_000, 450_000, 300_000],
        "pd_bcard": [None, 0.05, 0.30, 0.01], "stage": [1, 2, 3, 2],
        "triggers": ["", "RESTRUCTURED", "DPD_90", "RESTRUCTURED"]},
        schema_overrides={"industry": pl.Utf8, "pd_bcard": pl.Float64, "stage": pl.Int8})


def test_ecl_of_one_line_per_stage_by_hand() -> None:
    lgd = estimate_lgd(pl.DataFrame(schema={"line_id": pl.Utf8, "product": pl.Utf8,
                                            "written_off": pl.Int64, "recovered": pl.Int64}),
                       ["consumer_bnpl"], PARAMS)
    assert lgd["consumer_bnpl"].lgd == 0.80  # no write-offs yet: the prior
    r = measure(_book(), _model(), lgd, PARAMS)
    s1, s2, s3, late = r.to_dicts()

    # Stage 1, current, unscored: 12-month PD from the matrix, 1 - 0.99^12 = 0.1136151;
    # EAD = 1,000.00 drawn + CCF 0.20 x 4,000.00 undrawn = 1,800.00;
    # ECL = 0.1136151 x 0.80 x 1,800.00 x 1.133625 = 185.4676 -> 185.47
    assert s1["pd_12m"] == pytest.approx(1 - 0.99 ** 12)
    assert (s1["ead"], s1["ecl"]) == (180_000, 18_547)

    # Stage 2 (restructured), current, B-card pd 0.05 over 6 months: the level scales M0's
    # curve, 0.05 / (1 - 0.99^6) = 0.8544109; lifetime (24 months) PD = 0.8544109 x
    # (1 - 0.99^24) = 0.1831189; EAD = 2,000.00 + 0.30 x 3,000.00 = 2,900.00;
    # ECL = 0.1831189 x 0.80 x 2,900.00 x 1.133625 = 481.6046 -> 481.60
    assert s2["pd_lifetime"] == pytest.approx(0.05 / (1 - 0.99 ** 6) * (1 - 0.99 ** 24))
    assert s2["pd_12m"] == pytest.approx(0.05 / (1 - 0.99 ** 6) * (1 - 0.99 ** 12))
    assert (s2["ead"], s2["ecl"]) == (290_000, 48_160)

    # The same line 10 days late (M1) with a B-card pd of only 0.01: a late line keeps its
    # state's roll-rate curve, lifetime PD 1 - 0.9^24 = 0.9202336 (the downside's x 1.5
    # reaches 1); ECL = 2,900.00 x (0.60 x 0.9202336 x 0.80 + 0.15 x 0.7821985 x 0.76
    # + 0.25 x 1 x 0.88) = 2,177.5599 -> 2,177.56
    assert late["pd_lifetime"] == pytest.approx(1 - 0.9 ** 24)
    assert (late["ead"], late["ecl"]) == (290_000, 217_756)

    # Stage 3: PD 1; a suspended line cannot draw, EAD = 500.00 drawn;
    # ECL = 500.00 x (0.60 x 0.80 + 0.15 x 0.76 + 0.25 x 0.88) = 500.00 x 0.814 = 407.00
    assert (s3["pd"], s3["undrawn"], s3["ead"], s3["ecl"]) == (1.0, 0, 50_000, 40_700)

    by_stage = summarise(r, "stage").to_dicts()
    assert [(x["stage"], x["lines"], x["ecl"]) for x in by_stage] == [
        (1, 1, 18_547), (2, 2, 48_160 + 217_756), (3, 1, 40_700)]
    assert summarise(r, "product")["ecl"].to_list() == [18_547 + 48_160 + 217_756 + 40_700]
    assert summarise(r, "industry")["industry"].to_list() == ["-"]


def test_weighted_multiplier_matches_the_shipped_scenarios() -> None:
    got = sum(s.weight * s.pd_multiplier * s.lgd_multiplier for s in PARAMS.scenarios)
    assert got == pytest.approx(WEIGHTED)
    assert [s.name for s in PARAMS.scenarios] == ["base", "upside", "downside"]
