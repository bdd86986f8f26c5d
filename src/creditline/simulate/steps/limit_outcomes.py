"""What the limits did over the run (issue 13): the limit strategy's moves by month, action
and reason; revenue booked in the ledger (installment fees, interest, penalties); the average
limit and utilisation at month ends; and how early the strategy's cuts came before the
customers' hidden default dates.  A closing step: it reads the book once after the last day.

``--limits static`` runs the same seed without the strategy stage (``static_pipeline``), so
the two runs differ only in what the strategy did and in how customers responded to it.
Losses are what end of day charged off (the summary's ``end.charged_off``, ``losses``) plus
the balance still 90+ days past due at the end (``end.balance_90_plus``): a line is written
off at the write-off rules' days past due (180 for both line kinds), so a year's run holds
both.
"""

from __future__ import annotations

import calendar
import json
from collections import Counter, defaultdict
from datetime import date
from statistics import median
from typing import Any

import numpy as np
from sqlalchemy import text

from creditline.batch.behaviour import B_CARD
from creditline.batch.limit_strategy import LIMIT_STRATEGY
from creditline.batch.pipeline import Pipeline
from creditline.batch.run import default_pipeline
from creditline.ledger.accounts import FEE_INCOME, INTEREST_INCOME, PENALTY_INCOME
from creditline.scoring.columns import InputError
from creditline.scoring.monitor import psi_against_training
from creditline.simulate.book import SME_PRODUCT
from creditline.simulate.context import DemoContext

LIMIT_MODES = ("static", "dynamic")
CUTS = ("decrease", "freeze", "suspend")
_REVENUE = {FEE_INCOME: "fees", INTEREST_INCOME: "interest", PENALTY_INCOME: "penalties"}


def static_pipeline() -> Pipeline:
    """End of day without the limit strategy: limits stay as origination set them."""
    return Pipeline([s for s in default_pipeline().stages if s.name != LIMIT_STRATEGY])


def _money(cents: int) -> str:
    return f"{cents / 100:.2f}"


def _add_months(d: date, months: int) -> date:
    m = d.month - 1 + months
    y, mo = d.year + m // 12, m % 12 + 1
    return date(y, mo, min(d.day, calendar.monthrange(y, mo)[1]))


def _day(v: Any) -> date:
    return v if isinstance(v, date) else date.fromisoformat(str(v))


class LimitOutcomes:
    name = "limit outcomes"

    def run(self, ctx: DemoContext) -> None:
        with ctx.uow() as uow:
            s = uow.session
            # the consumer lines' revenue, as the month-end figures it sits beside
            revenue = {_REVENUE[a]: -int(v or 0) for a, v in s.execute(text(
                "SELECT p.account, SUM(p.amount) FROM postings p JOIN credit_lines l "
                "ON l.id = p.line_id WHERE p.account IN (:f, :i, :p) AND l.product <> :sme "
                "GROUP BY p.account"),
                {"f": FEE_INCOME, "i": INTEREST_INCOME, "p": PENALTY_INCOME,
                 "sme": SME_PRODUCT})}
            decisions = [(r[0], _day(r[1]), r[2], r[3] if isinstance(r[3], list)
                          else json.loads(r[3]), int(r[4]), int(r[5])) for r in s.execute(text(
                "SELECT line_id, business_date, action, reason_codes, old_limit, new_limit "
                "FROM strategy_decisions ORDER BY business_date, line_id"))]
            scored = s.execute(text("SELECT COUNT(*), COUNT(score) FROM behaviour_scores")).one()
            psi = self._psi(uow)
        by_month: dict[str, Counter[str]] = defaultdict(Counter)
        by_reason: Counter[str] = Counter()
        moved = {"increase": 0, "decrease": 0}
        first_cut: dict[str, date] = {}
        for line_id, day, action, reasons, old, new in decisions:
            by_month[day.strftime("%Y-%m")][action] += 1
            for r in reasons:
                by_reason[f"{action}: {r}"] += 1
            if action in moved:
                moved[action] += abs(new - old)
            if action in CUTS and line_id not in first_cut:
                first_cut[line_id] = day
        snaps = ctx.snapshots
        ctx.limits = {
            "mode": ctx.config.limits,
            "moves": dict(sorted(Counter(d[2] for d in decisions).items())),
            "moves_by_month": {m: dict(sorted(c.items())) for m, c in sorted(by_month.items())},
            "moves_by_reason": dict(sorted(by_reason.items())),
            "limit_added": _money(moved["increase"]), "limit_removed": _money(moved["decrease"]),
            "revenue": {**{k: _money(revenue.get(k, 0)) for k in _REVENUE.values()},
                        "total": _money(sum(revenue.values()))},
            "average_limit": _money(sum(x.limit for x in snaps) // max(1, sum(x.lines for x in snaps))),
            "average_utilisation": round(sum(x.used for x in snaps) / max(1, sum(x.limit for x in snaps)), 6),
            "behaviour_rows": int(scored[0]), "behaviour_rows_scored": int(scored[1]),
            "b_card_psi": psi,
            "cuts_before_default": self._lead(ctx, first_cut),
            "losses_note": "losses are balances 90+ days past due at the end; charge-offs "
                           "do not exist yet, so nothing is written off",
        }

    @staticmethod
    def _psi(uow: Any) -> dict[str, Any] | None:
        """The champion B-card's PSI against its training sample, on each line's latest
        score at the end of the run (the book as a monitor sees it today).  Not the day
        most lines were scored: that is the first statement day, a one-month-old book,
        which no training sample of older lines resembles."""
        champion_id, _, _ = uow.models.serving_ids(B_CARD)
        if champion_id is None:
            return None
        record = uow.models.get(champion_id)
        rows = uow.session.execute(text(
            "SELECT b.score, b.business_date FROM behaviour_scores b JOIN (SELECT line_id, "
            "MAX(business_date) AS last FROM behaviour_scores GROUP BY line_id) x "
            "ON x.line_id = b.line_id AND x.last = b.business_date "
            "WHERE b.score IS NOT NULL")).all()
        if not rows:
            return None
        try:
            value = psi_against_training(record.model_json,
                                         np.asarray([r[0] for r in rows], dtype=float))
        except InputError:
            return None
        return {"model": record.label, "day": str(max(_day(r[1]) for r in rows)),
                "lines": len(rows), "psi": round(value, 4),
                "scores": "each line's latest score"}

    @staticmethod
    def _lead(ctx: DemoContext, first_cut: dict[str, date]) -> dict[str, Any]:
        """For the line holders who default (hidden truth) within the run: how many had a
        cut, freeze or suspension before their default date, and how many days before."""
        last = ctx.config.last_day
        leads: list[int] = []
        after = none = 0
        defaulters = 0
        for a in ctx.applications:
            if a.line_id is None or a.default_month is None:
                continue
            when = _add_months(ctx.config.as_of, int(a.default_month))
            if when > last:
                continue
            defaulters += 1
            cut = first_cut.get(a.line_id)
            if cut is None:
                none += 1
            elif cut <= when:
                leads.append((when - cut).days)
            else:
                after += 1
        return {"defaulters": defaulters, "cut_before": len(leads), "cut_after": after,
                "never_cut": none, "median_days_before": median(leads) if leads else None}
