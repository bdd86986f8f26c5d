"""The demo summary's ``ecl`` key (issue 17): the loss allowance the month-end provisions stage
kept over the year, ECL by stage at the end, the stress scenarios side by side, and how well
the provision made at a month in the middle of the year predicted what happened afterwards.

**The comparison, stated plainly.**  At month M (the middle month-end run) each line not yet
90+ days past due carries a 12-month (stage 1) or lifetime (stage 2) ECL.  What the simulator
then realises in the months left is measured two ways, each named for what it is:
``written_off_after`` (amounts the losses context wrote off on those lines after M: journal
kind ``write_off``; zero when no write-off ran) and ``balance_reaching_90_plus_after`` (the
balance of those lines when they first entered the 90+ bucket after M) with
``loss_at_applied_lgd`` = that balance x the LGD the run applied.  The months left are fewer
than twelve, so the 12-month ECL is expected to run above what the remaining months show; the
summary gives the months left beside the figures and does not tune anything to close a gap.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import polars as pl

from creditline.portfolio import ecl_services as svc
from creditline.portfolio.charts import ecl_by_stage, stress_cashflow, stress_ecl
from creditline.portfolio.ecl import DEFAULT_STATE, bucket_state, summarise
from creditline.portfolio.movement import ROWS, movement
from creditline.reporting.charts import Chart
from creditline.simulate.context import DemoContext


def _money(cents: int) -> str:
    return f"{svc.cents_to_money(int(cents)):.2f}"


def _rows(frame: pl.DataFrame, key: str) -> list[dict[str, Any]]:
    return [{key: r[key], "lines": int(r["lines"]), "ead": _money(r["ead"]),
             "ecl": _money(r["ecl"]), "coverage": round(float(r["coverage"]), 6)}
            for r in summarise(frame, key).to_dicts()]


def ecl_summary(ctx: DemoContext) -> dict[str, Any]:
    with ctx.uow() as uow:
        runs = sorted((r for r in uow.ecl.runs(500) if r.source == "provisions"),
                      key=lambda r: (r.as_of, r.created_at))
        if not runs:
            return {}
        last, mid = runs[-1], runs[(len(runs) - 1) // 2]
        end = uow.ecl.results(last.id)
        at_m = uow.ecl.results(mid.id)
        end_day = ctx.config.last_day
        wo_end, wo_mid = uow.ecl.write_offs(end_day), uow.ecl.write_offs(mid.as_of)
        spells = uow.ecl.spells(end_day)
        first = runs[0]
        year = movement(uow.ecl.results(first.id), end,
                        uow.ecl.written_off_between(first.as_of, last.as_of))
    performing = at_m.filter(pl.col("stage") < 3)
    ids = performing.select("line_id")
    later_wo = (wo_end.select("line_id", pl.col("written_off").alias("end"))
                .join(wo_mid.select("line_id", pl.col("written_off").alias("mid")),
                      on="line_id", how="left")
                .join(ids, on="line_id", how="semi")
                .select((pl.col("end") - pl.col("mid").fill_null(0)).sum()).item())
    reached = (spells.with_columns(
                   pl.col("bucket").map_elements(bucket_state, return_dtype=pl.Int64)
                   .alias("state"))
               .filter((pl.col("state") >= DEFAULT_STATE) & (pl.col("entered_on") > mid.as_of))
               .join(ids, on="line_id", how="semi")
               .sort("entered_on").group_by("line_id")
               .agg(pl.col("entered_balance").first())
               .join(performing.select("line_id", "lgd"), on="line_id", how="left"))
    reached_balance = int(reached["entered_balance"].sum() or 0)
    reached_loss = round(float((reached["entered_balance"] * reached["lgd"]).sum() or 0))
    months_left = (end_day.year - mid.as_of.year) * 12 + end_day.month - mid.as_of.month
    stress = svc.run_stress(svc.RunStress(), ctx.uow(), ctx.system)
    base = stress.results[0]
    return {
        "method": "IFRS 9: staging table (ecl_staging), PD from the B-card level and the "
                  "roll-rate shape, LGD observed or prior with a floor, EAD = drawn + CCF x "
                  "undrawn, three weighted scenarios; provisions at every month end",
        "parameters": last.parameters, "staging_rules": last.staging_rules,
        "month_ends": [{"as_of": r.as_of.isoformat(), "lines": r.lines, "ead": f"{r.ead:.2f}",
                        "ecl": f"{r.ecl:.2f}"} for r in runs],
        "end": {"as_of": last.as_of.isoformat(), "lines": last.lines,
                "ead": f"{last.ead:.2f}", "ecl": f"{last.ecl:.2f}",
                "by_stage": _rows(end, "stage") if end.height else [],
                "by_product": _rows(end, "product") if end.height else [],
                "lgd": last.model.get("lgd", {}),
                "rows_from_prior": last.model.get("rows_from_prior", [])},
        "provision_vs_outcome": {
            "month": mid.as_of.isoformat(), "months_left": months_left,
            "performing_lines": performing.height,
            "ecl_stage_1": _money(performing.filter(pl.col("stage") == 1)["ecl"].sum() or 0),
            "ecl_stage_2": _money(performing.filter(pl.col("stage") == 2)["ecl"].sum() or 0),
            "ecl_performing": _money(performing["ecl"].sum() or 0),
            "el_12m_performing": _money(performing["el_12m"].sum() or 0),
            "written_off_after": _money(later_wo or 0),
            "lines_reaching_90_plus_after": reached.height,
            "balance_reaching_90_plus_after": _money(reached_balance),
            "loss_at_applied_lgd": _money(reached_loss),
        },
        "movement": {"from": first.as_of.isoformat(), "to": last.as_of.isoformat(),
                     "reconciles": year.reconciles,
                     "rows": {row: {str(k): _money(v) for k, v in year.cells[row].items()}
                              for row in ROWS}},
        "stress": [{"name": r.scenario.name, "ecl": _money(r.ecl),
                    "change": _money(r.ecl - base.ecl), "el_12m": _money(r.el_12m),
                    "by_stage": {str(k): v for k, v in r.ecl_by_stage().items()},
                    "funding_need": _money(r.cashflow.funding_need),
                    "cumulative": r.cashflow.months["cumulative"].to_list()}
                   for r in stress.results],
    }


def ecl_charts(ecl: dict[str, Any]) -> list[Chart]:
    """ECL by stage at the end of the year and the stress scenarios (ECL, cash flow)."""
    if not ecl:
        return []
    rows = [{"stage": r["stage"], "lines": r["lines"], "ead": int(Decimal(r["ead"]) * 100),
             "ecl": int(Decimal(r["ecl"]) * 100)} for r in ecl["end"]["by_stage"]]
    names = [s["name"] for s in ecl["stress"]]
    out = [ecl_by_stage(rows, f"ECL by stage, {ecl['end']['as_of']}")] if rows else []
    out.append(stress_ecl(names, [{int(k): v for k, v in s["by_stage"].items()}
                                  for s in ecl["stress"]]))
    out.append(stress_cashflow(names, [s["cumulative"] for s in ecl["stress"]]))
    return out
