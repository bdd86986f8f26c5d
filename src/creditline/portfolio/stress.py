"""Stress tests: scenarios as data (``portfolio/scenarios/stress.json``) rerun ECL, the
12-month expected loss and the 12-month cash-flow projection on a changed book, side by
side with the book as measured.

A scenario changes four things, each named in its file:

- the PD of every line, by a multiplier built from segment multipliers (product, kind,
  industry, region; every matching one multiplies), an income shock and an unemployment rise
  (persons only, linear in the shock);
- the stage: enterprises in a ``downturn_industries`` section move to stage 2 (lifetime PD,
  trigger ``STRESS_DOWNTURN``) -- a downturn is a significant increase in credit risk;
- the LGD, by a recovery haircut;
- the cash flow, by a drop in repayments and a change in new draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl

from creditline.errors import ValidationError
from creditline.portfolio.cashflow import Projection, project
from creditline.portfolio.ecl import EclParameters, LgdEstimate, PdModel, measure

SEGMENT_KEYS: tuple[str, ...] = ("product", "kind", "industry", "region")


@dataclass(frozen=True)
class Segment:
    match: tuple[tuple[str, str], ...]  # (column, value) pairs, all must hold
    multiplier: float


@dataclass(frozen=True)
class StressScenario:
    name: str
    title: str
    segments: tuple[Segment, ...] = ()
    income_shock: float = 0.0
    income_elasticity: float = 0.0
    unemployment_rise_pp: float = 0.0
    pd_per_unemployment_pp: float = 0.0
    downturn_industries: tuple[str, ...] = ()
    recovery_haircut: float = 0.0
    repayment_drop: float = 0.0
    draw_change: float = 0.0


def _num(doc: dict[str, Any], key: str, name: str, low: float, high: float) -> float:
    raw = doc.get(key, "0")
    try:
        v = Decimal(str(raw))
    except ArithmeticError:
        raise ValidationError("stress", f"{name}.{key} must be a number, got {raw!r}") from None
    if not v.is_finite() or not low <= float(v) <= high:
        raise ValidationError("stress", f"{name}.{key} must be between {low} and {high}, "
                                        f"got {raw}")
    return float(v)


def parse(doc: dict[str, Any]) -> StressScenario:
    name = str(doc.get("name") or "")
    if not name:
        raise ValidationError("stress", "every scenario needs a name")
    segments = []
    for seg in doc.get("pd_multipliers", []):
        unknown = set(seg) - {*SEGMENT_KEYS, "multiplier"}
        if unknown:
            raise ValidationError("stress", f"{name}.pd_multipliers: unknown keys "
                                            f"{', '.join(sorted(unknown))}")
        segments.append(Segment(tuple((k, str(seg[k])) for k in SEGMENT_KEYS if k in seg),
                                _num(seg, "multiplier", name, 0.0, 100.0)))
    return StressScenario(
        name=name, title=str(doc.get("title", name)), segments=tuple(segments),
        income_shock=_num(doc, "income_shock", name, 0.0, 1.0),
        income_elasticity=_num(doc, "income_elasticity", name, 0.0, 20.0),
        unemployment_rise_pp=_num(doc, "unemployment_rise_pp", name, 0.0, 50.0),
        pd_per_unemployment_pp=_num(doc, "pd_per_unemployment_pp", name, 0.0, 5.0),
        downturn_industries=tuple(str(i) for i in doc.get("downturn_industries", [])),
        recovery_haircut=_num(doc, "recovery_haircut", name, 0.0, 1.0),
        repayment_drop=_num(doc, "repayment_drop", name, 0.0, 1.0),
        draw_change=_num(doc, "draw_change", name, -1.0, 10.0))


def scenarios(params: EclParameters) -> dict[str, StressScenario]:
    """The shipped stress scenarios by name, in file order."""
    return {s.name: s for s in (parse(d) for d in params.stress)}


def pd_multiplier(book: pl.DataFrame, sc: StressScenario) -> np.ndarray:
    """Per line, the product of every matching segment multiplier and the persons'
    income and unemployment factors."""
    mult = np.ones(book.height)
    for seg in sc.segments:
        hit = np.ones(book.height, dtype=bool)
        for col, value in seg.match:
            hit &= (book[col].cast(pl.Utf8).fill_null("") == value).to_numpy()
        mult = np.where(hit, mult * seg.multiplier, mult)
    person = (book["kind"] == "person").to_numpy()
    macro = ((1.0 + sc.income_elasticity * sc.income_shock)
             * (1.0 + sc.pd_per_unemployment_pp * sc.unemployment_rise_pp))
    return np.where(person, mult * macro, mult)


def stressed_book(book: pl.DataFrame, sc: StressScenario) -> pl.DataFrame:
    """The book with enterprises of the downturn industries moved from stage 1 to 2."""
    if not sc.downturn_industries:
        return book
    hit = ((pl.col("kind") == "enterprise") & pl.col("industry").is_in(sc.downturn_industries)
           & (pl.col("stage") == 1))
    return book.with_columns(
        pl.when(hit).then(pl.lit(2, dtype=pl.Int8)).otherwise(pl.col("stage")).alias("stage"),
        pl.when(hit).then(pl.lit("STRESS_DOWNTURN")).otherwise(pl.col("triggers"))
        .alias("triggers"))


@dataclass(frozen=True)
class StressResult:
    scenario: StressScenario
    results: pl.DataFrame  # the lines measured under the scenario
    cashflow: Projection

    @property
    def ecl(self) -> int:
        return int(self.results["ecl"].sum())

    @property
    def el_12m(self) -> int:
        return int(self.results["el_12m"].sum())

    def ecl_by_stage(self) -> dict[int, int]:
        out = dict.fromkeys((1, 2, 3), 0)
        for s, v in self.results.group_by("stage").agg(pl.col("ecl").sum()).iter_rows():
            out[int(s)] = int(v)
        return out


def run(book: pl.DataFrame, model: PdModel, lgd: dict[str, LgdEstimate],
        params: EclParameters, schedule: pl.DataFrame, monthly_draws: int,
        names: list[str] | None = None) -> list[StressResult]:
    """Each named scenario (default: all, ``base`` first) on ``book`` (staged, as for
    :func:`creditline.portfolio.ecl.measure`)."""
    known = scenarios(params)
    wanted = names or list(known)
    missing = [n for n in wanted if n not in known]
    if missing:
        raise ValidationError("scenario", f"unknown stress scenario {missing[0]!r}; known: "
                                          f"{', '.join(known)}")
    weighted = sum(s.weight * s.pd_multiplier for s in params.scenarios)
    out = []
    for name in wanted:
        sc = known[name]
        staged = stressed_book(book, sc)
        mult = pd_multiplier(staged, sc)
        res = measure(staged, model, lgd, params, pd_multiplier=mult,
                      recovery_haircut=sc.recovery_haircut)
        cf = project(res, schedule, monthly_draws, model, pd_multiplier=weighted,
                     repayment_drop=sc.repayment_drop, draw_change=sc.draw_change)
        out.append(StressResult(sc, res, cf))
    return out
