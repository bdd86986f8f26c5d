"""A 12-month cash-flow and liquidity projection of the book, month by month.

- **Repayments in**: each line's scheduled installments falling due in the month (unpaid
  principal and fees, from the installment schedule), times the probability that the line
  has not defaulted by the start of the month, less a stressed ``repayment_drop``.
  Past-due amounts already owed and revolving repayments beyond the schedule are not counted.
- **New draws out**: the book's recent monthly purchase volume (the last 90 days' purchases
  / 3), held flat, times ``1 + draw_change``.  What is drawn in a month is repaid from the
  next at the book's own run-off rate (the next three months' scheduled installments / 3
  over today's drawn balance), less the repayment drop, and defaults at the book's average
  monthly rate (the EAD-weighted first-month PD of its performing lines) at its average LGD.
- **Losses**: the month's marginal defaults times LGD times the line's exposure at default
  as measured today (stage-3 lines have already defaulted: their loss is in the allowance,
  not in the projection), plus the losses on the new draws.
- **Net** = repayments in - draws out; **cumulative** is the running sum; the **funding
  need** is the deepest the cumulative goes below zero.

Recoveries after default, interest on revolving balances, purchases beyond the recent pace
and the lenders' own funding costs are not projected (said in the README).  Pure: frames and arrays in, a frame out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from creditline.portfolio.ecl import PdModel

MONTHS = 12


@dataclass(frozen=True)
class Projection:
    months: pl.DataFrame  # month, repayments_in, draws_out, losses, net, cumulative (cents)
    funding_need: int  # cents, >= 0

    def totals(self) -> dict[str, int]:
        return {c: int(self.months[c].sum()) for c in ("repayments_in", "draws_out", "losses",
                                                       "net")}


def survival_curves(results: pl.DataFrame, model: PdModel, pd_multiplier: float,
                    months: int = MONTHS) -> np.ndarray:
    """Cumulative default probability per line and month (``n x (months + 1)``): the
    matrix's curve from the line's state at the line's level (``pd_scale``) times the
    scenario-weighted ``pd_multiplier``; 1 throughout for a stage-3 line."""
    state = results["state"].to_numpy().astype(np.int64)
    scale = results["pd_scale"].to_numpy().astype(np.float64) * pd_multiplier
    cum = np.clip(model.cumulative[state, : months + 1] * scale[:, None], 0.0, 1.0)
    impaired = results["stage"].to_numpy() == 3
    cum[impaired] = 1.0
    return cum


def project(results: pl.DataFrame, schedule: pl.DataFrame, monthly_draws: int,
            model: PdModel, *, pd_multiplier: float = 1.0, repayment_drop: float = 0.0,
            draw_change: float = 0.0, months: int = MONTHS) -> Projection:
    """``results``: the lines measured (``line_id``, ``state``, ``stage``, ``pd_scale``,
    ``lgd``, ``drawn``, ``ead``); ``schedule``: ``line_id``, ``month`` (1 = the month after the
    measurement date), ``amount`` (cents) of installments due."""
    n = results.height
    cum = survival_curves(results, model, pd_multiplier, months)
    sched = np.zeros((n, months))
    if n and not schedule.is_empty():
        idx = results.select("line_id").with_row_index("row")
        s = (schedule.filter((pl.col("month") >= 1) & (pl.col("month") <= months))
             .join(idx, on="line_id", how="inner"))
        np.add.at(sched, (s["row"].to_numpy().astype(np.int64),
                          s["month"].to_numpy().astype(np.int64) - 1),
                  s["amount"].to_numpy().astype(np.float64))
    alive = 1.0 - cum[:, :months]
    repay = (sched * alive).sum(axis=0) * (1.0 - repayment_drop)
    loss_weight = results["lgd"].to_numpy() * results["ead"].to_numpy() if n else np.zeros(0)
    losses = (np.diff(cum, axis=1) * loss_weight[:, None]).sum(axis=0) if n else np.zeros(months)
    draws = np.full(months, float(monthly_draws) * (1.0 + draw_change))
    # new draws run off like the book: repaid at its rate, defaulting at its average rate
    drawn = results["drawn"].to_numpy().astype(np.float64) if n else np.zeros(0)
    runoff = float(np.clip(sched[:, :3].sum() / 3 / drawn.sum(), 0.0, 1.0)) \
        if n and drawn.sum() > 0 else 0.0
    ead = results["ead"].to_numpy().astype(np.float64) if n else np.zeros(0)
    performing = (results["stage"].to_numpy() < 3) if n else np.zeros(0, dtype=bool)
    weight = ead * performing
    p1 = float((cum[:, 1] * weight).sum() / weight.sum()) if weight.sum() > 0 else 0.0
    lgd_avg = float((results["lgd"].to_numpy() * weight).sum() / weight.sum()) \
        if weight.sum() > 0 else 0.0
    outstanding = 0.0
    for k in range(months):
        repay[k] += outstanding * runoff * (1.0 - repayment_drop)
        losses[k] += outstanding * p1 * lgd_avg
        outstanding = outstanding * max(0.0, 1.0 - runoff - p1) + draws[k]
    r = np.floor(repay + 0.5).astype(np.int64)
    d = np.floor(draws + 0.5).astype(np.int64)
    loss = np.floor(losses + 0.5).astype(np.int64)
    net = r - d
    cumulative = np.cumsum(net)
    frame = pl.DataFrame({"month": np.arange(1, months + 1), "repayments_in": r,
                          "draws_out": d, "losses": loss, "net": net,
                          "cumulative": cumulative})
    return Projection(frame, int(max(0, -int(cumulative.min()))) if months else 0)
