"""Expected credit loss, the allowance movement, stress tests and the cash-flow forecast as the
risk disclosure report shows them: one JSON-able dict read from the store in bulk.

The ECL tables come from the latest ``ecl_runs`` run on or before the report date (the
provision the ledger holds), so the report discloses what was booked; with no run yet the book
is measured now (on the business date) and the section says so.  The movement is from the run in force at the end of
the month before that run to the run itself.  Stress tests and the cash flow are not stored:
they are rerun on the book as it stands (the store reads today's balances), measured on the
business date with ``ecl_services.stress_measured`` -- the code ``creditline stress run``
uses -- which is later than the report date when the report looks back; the sections say
which date.  Money in integer cents.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl

from creditline.calendar.services import current_business_date
from creditline.portfolio.ecl_ports import EclRunRecord
from creditline.portfolio.ecl_services import (
    Measured,
    measure_book,
    stress_measured,
)
from creditline.portfolio.movement import ROWS, STAGES, movement
from creditline.uow import UnitOfWork

BY = ("stage", "product", "industry", "region")


def _rows(results: pl.DataFrame, by: str) -> list[dict[str, Any]]:
    from creditline.portfolio.ecl import summarise

    if results.is_empty():
        return []
    return [{"key": str(r[by]), "lines": int(r["lines"]), "ead": int(r["ead"]),
             "ecl": int(r["ecl"]), "el_12m": int(r["el_12m"]),
             "coverage": round(float(r["coverage"]), 6)}
            for r in summarise(results, by).to_dicts()]


def _triggers(results: pl.DataFrame) -> list[dict[str, Any]]:
    """How many lines each staging trigger put in stage 2 or 3 (a line may count under
    several triggers)."""
    if results.is_empty():
        return []
    t = (results.filter(pl.col("stage") > 1)
         .select("stage", pl.col("triggers").fill_null("").str.split(","))
         .explode("triggers").filter(pl.col("triggers") != "")
         .group_by("stage", "triggers").agg(pl.len().alias("lines"))
         .sort("stage", "lines", "triggers", descending=[False, True, False]))
    return [{"stage": int(s), "trigger": str(tr), "lines": int(n)} for s, tr, n in t.iter_rows()]


def _run_json(run: EclRunRecord) -> dict[str, Any]:
    return {"id": run.id, "as_of": run.as_of.isoformat(), "source": run.source,
            "staging_rules": run.staging_rules, "parameters": run.parameters,
            "lines": run.lines, "ead": int(run.ead.scaleb(2)), "ecl": int(run.ecl.scaleb(2)),
            "journal_entry": run.journal_entry}


def _movement(uow: UnitOfWork, closing: EclRunRecord, results: pl.DataFrame
              ) -> dict[str, Any] | None:
    prior = closing.as_of.replace(day=1) - timedelta(days=1)
    opening = uow.ecl.latest_run(prior)
    if opening is None:
        return None
    mv = movement(uow.ecl.results(opening.id), results,
                  uow.ecl.written_off_between(opening.as_of, closing.as_of))
    return {"opening": _run_json(opening), "closing": _run_json(closing),
            "reconciles": mv.reconciles,
            "rows": [{"row": r, "lines": mv.lines.get(r, 0),
                      "stages": [mv.cells[r][s] for s in STAGES], "total": mv.total(r)}
                     for r in ROWS]}


def _ecl_part(results: pl.DataFrame) -> dict[str, Any]:
    ead = int(results["ead"].sum()) if results.height else 0
    ecl = int(results["ecl"].sum()) if results.height else 0
    return {"lines": results.height, "ead": ead, "ecl": ecl,
            "el_12m": int(results["el_12m"].sum()) if results.height else 0,
            "coverage": round(ecl / ead, 6) if ead else 0.0,
            "by": {b: _rows(results, b) for b in BY}, "triggers": _triggers(results)}


def _stress_part(uow: UnitOfWork, m: Measured) -> dict[str, Any]:
    runs = stress_measured(uow, m, None)
    base = runs[0].ecl if runs else 0
    out = []
    for r in runs:
        cf = r.cashflow
        out.append({"name": r.scenario.name, "title": r.scenario.title, "ecl": r.ecl,
                    "change": r.ecl - base, "change_share": round((r.ecl - base) / base, 6)
                    if base else 0.0, "el_12m": r.el_12m, "funding_need": cf.funding_need,
                    "by_stage": [r.ecl_by_stage()[s] for s in STAGES],
                    "cumulative": [int(v) for v in cf.months["cumulative"]]})
    cash = runs[0].cashflow if runs else None
    return {"parameters": m.params.label, "scenarios": out,
            "cashflow": None if cash is None else {
                "months": cash.months.to_dicts(), "totals": cash.totals(),
                "funding_need": cash.funding_need}}


def ecl_disclosure(uow: UnitOfWork, as_of: date) -> dict[str, Any]:
    """Everything the report's ECL, movement, stress and cash-flow sections show (a read:
    nothing is stored or posted)."""
    with uow:
        run = uow.ecl.latest_run(as_of)
        # the store reads the book as it stands: it is measured on the business date
        m = measure_book(uow, current_business_date(uow))
        if run is not None:
            results = uow.ecl.results(run.id)
            mv = _movement(uow, run, results)
        else:
            results, mv = m.results, None
        stress = _stress_part(uow, m)
    return {"as_of": as_of.isoformat(), "measured_on": m.as_of.isoformat(), "source": "run" if run is not None else "computed",
            "run": None if run is None else _run_json(run), "ecl": _ecl_part(results),
            "movement": mv, "stress": {k: v for k, v in stress.items() if k != "cashflow"},
            "cashflow": stress["cashflow"]}
