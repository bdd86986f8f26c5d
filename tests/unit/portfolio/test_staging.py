"""IFRS 9 stage allocation, one line per trigger: the shipped staging table decides each line's
stage and names the trigger(s) that put it there."""

from __future__ import annotations

import polars as pl

from creditline.bootstrap import rule_families
from creditline.portfolio.staging import STAGING, allocate

CLEAN = {"dpd": 0, "score_drop": 0, "restructured": False, "sector_watch": False,
         "frozen": False, "written_off": False}

LINES = [  # (line, facts that differ from a clean line, stage, triggers)
    ("clean", {}, 1, ""),
    ("30 days late", {"dpd": 30}, 1, ""),
    ("31 days late", {"dpd": 31}, 2, "DPD_30"),
    ("90 days late", {"dpd": 90}, 2, "DPD_30"),
    ("91 days late", {"dpd": 91}, 3, "DPD_90"),
    ("score down 39", {"score_drop": 39}, 1, ""),
    ("score down 40", {"score_drop": 40}, 2, "BSCORE_DROP"),
    ("score up 60", {"score_drop": -60}, 1, ""),
    ("restructured", {"restructured": True}, 2, "RESTRUCTURED"),
    ("watched sector", {"sector_watch": True}, 2, "WATCH_SECTOR"),
    ("frozen", {"frozen": True}, 2, "FROZEN"),
    ("written off", {"written_off": True}, 3, "WRITTEN_OFF"),
    ("late and restructured", {"dpd": 45, "restructured": True}, 2, "DPD_30,RESTRUCTURED"),
    ("defaulted and frozen", {"dpd": 120, "frozen": True}, 3, "DPD_90"),
    ("unscored", {"score_drop": None}, 1, ""),
]


def test_every_trigger_puts_its_line_in_its_stage() -> None:
    facts = pl.DataFrame([{"line": name, **CLEAN, **over} for name, over, _, _ in LINES],
                         schema_overrides={"score_drop": pl.Int64})
    staged = allocate(facts)
    got = list(zip(staged["line"], staged["stage"], staged["triggers"], strict=True))
    assert got == [(name, stage, triggers) for name, _, stage, triggers in LINES]


def test_the_table_is_a_rule_family_with_passing_cases() -> None:
    assert rule_families()["ecl_staging"] is STAGING
    ruleset = STAGING.default()
    results = STAGING.run_cases(ruleset)
    assert len(results) == 13 and all(r.ok for r in results), [r.problems for r in results]
    assert ruleset.label.startswith("2026.11.1+")


def test_an_enterprise_line_is_staged_without_the_consumer_b_card() -> None:
    """The shipped B-card learned from consumer lines: an SME line whose consumer score fell
    60 points stays in stage 1 and takes no B-card PD; a consumer line with the same fall
    moves to stage 2 (BSCORE_DROP)."""
    from creditline.portfolio.ecl_services import consumer_card_only

    book = pl.DataFrame({"line": ["person", "firm"], "kind": ["person", "enterprise"],
                         "score_first": [620.0, 620.0], "score_last": [560.0, 560.0],
                         "pd_bcard": [0.2, 0.2]})
    kept = consumer_card_only(book)
    assert kept["pd_bcard"].to_list() == [0.2, None]
    facts = kept.with_columns(
        (pl.col("score_first") - pl.col("score_last")).round(0).fill_null(0).cast(pl.Int64)
        .alias("score_drop")).with_columns(
        **{k: pl.lit(v) for k, v in CLEAN.items() if k != "score_drop"})
    staged = allocate(facts)
    assert list(zip(staged["line"], staged["stage"], staged["triggers"], strict=True)) == [
        ("person", 2, "BSCORE_DROP"), ("firm", 1, "")]
