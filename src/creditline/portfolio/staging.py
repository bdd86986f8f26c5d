"""IFRS 9 staging: stage 1, 2 or 3 per line, with the triggers that put it there.

The thresholds are data: the ``ecl_staging`` rule family (``portfolio/staging_rules/``, a
collect-policy decision table with example cases in ``portfolio/staging_cases/``; ``creditline
rules test --family ecl_staging``), its ``version+hash12`` label recorded on every ECL run.

Columnar: the table is evaluated once per *distinct* combination of facts (days past due,
score drop in whole points and four flags), not once per line, and the answers are joined
back; a book of a million lines has a few thousand distinct combinations.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from creditline.rulesets import RuleFamily, Ruleset

RULES_DIR = Path(__file__).parent / "staging_rules"
CASES_DIR = Path(__file__).parent / "staging_cases"

FACTS: tuple[str, ...] = ("dpd", "score_drop", "restructured", "sector_watch", "frozen",
                          "written_off")


def stage_of(answer: Mapping[str, Any]) -> tuple[int, list[str]]:
    """The stage (the highest fired, 1 when none) and the triggers fired at that stage."""
    fired = answer.get("staging") or []
    rows = fired if isinstance(fired, list) else [fired]
    stage = max([int(r["stage"]) for r in rows], default=1)
    return stage, [str(r["code"]) for r in rows if int(r["stage"]) == stage]


def _run(ruleset: Ruleset, facts: Mapping[str, Any]) -> dict[str, Any]:
    stage, triggers = stage_of(ruleset.evaluate(facts))
    return {"stage": stage, "triggers": triggers}


STAGING = RuleFamily(name="ecl_staging", title="IFRS 9 staging of credit lines (ECL)",
                     rules_dir=RULES_DIR, cases_dir=CASES_DIR, run=_run)


def staging_rules() -> Ruleset:
    """The shipped staging table, loaded and checked on its cases once per process."""
    return STAGING.default()


def allocate(facts: pl.DataFrame, rules: Ruleset | None = None) -> pl.DataFrame:
    """``facts`` (one row per line, the ``FACTS`` columns) with ``stage`` (1-3) and
    ``triggers`` (the codes at that stage, comma-separated; empty in stage 1) added."""
    rules = rules or staging_rules()
    keyed = facts.with_columns(
        pl.col("dpd").fill_null(0).cast(pl.Int64),
        pl.col("score_drop").fill_null(0).cast(pl.Int64),
        *(pl.col(c).fill_null(False).cast(pl.Boolean)
          for c in ("restructured", "sector_watch", "frozen", "written_off")))
    distinct = keyed.select(FACTS).unique(maintain_order=True)
    answers = rules.evaluate_many(distinct.to_dicts())
    stages, triggers = zip(*(stage_of(a) for a in answers), strict=True) if answers else ((), ())
    decided = distinct.with_columns(
        pl.Series("stage", list(stages), dtype=pl.Int8),
        pl.Series("triggers", [",".join(t) for t in triggers], dtype=pl.Utf8))
    return keyed.join(decided, on=list(FACTS), how="left", nulls_equal=True,
                      maintain_order="left")
