"""Small and medium enterprises at work in the demo (issue 13): they draw on their lines,
repay, default when their hidden truth says so, and go through periodic reviews and sector
actions -- all through the real services.

The firms' model (stated here, never tuned to an outcome; its own seeded stream, so the
persons draw exactly what they drew without it):

- *draws*: each business morning a firm whose line may purchase draws with probability
  ``DRAW_CHANCE`` (about two draws a month), ``U(5 %, 25 %)`` of its limit rounded down to
  100.00 and capped by what is available, on 3 or 6 monthly installments, from one of five
  suppliers (category ``raw_materials``) through a procurement platform (a service user).  A firm that has defaulted draws no more;
- *repayments*: on the due date of its statement a firm pays the amount due in full, unless
  it has defaulted: from the month of its hidden default (``enterprise_truth.default_month``,
  which already carries its industry's downturns, ``simulate.enterprises``) it pays nothing;
- *statements for a review*: when end of day opens a periodic review of its line (yearly;
  quarterly while its industry is flagged), the firm sends the statements of its
  application the next morning, with revenue, profit and operating cash flow cut by
  ``DOWNTURN_CUT`` if its industry is in a downturn that month (the simulator's own
  economy, ``Population.downturn``), and a defaulted firm's cash flow at zero.

The risk desk (two risk officers, a stated desk rule, not a model): the first enters the
statements (the proposal is in that officer's name), the second decides it -- approves the
proposal as computed (maker-checker); an industry the end-of-day watch newly flags is cut by
``SECTOR_CUT`` % the next morning, once per flag.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np

from creditline.auth import Principal, Role
from creditline.errors import BusinessRuleViolation, Conflict
from creditline.servicing import line_reviews as reviews
from creditline.servicing import sectors
from creditline.servicing import services as servicing
from creditline.simulate.context import DemoContext, SmeFirm
from creditline.simulate.steps.access import create_user
from creditline.simulate.steps.applications import financials

DRAW_CHANCE = 0.1
DRAW_SHARE = (0.05, 0.25)
DOWNTURN_CUT = Decimal("0.8")
SECTOR_CUT = "20"
OFFICERS = ("desk-risk-1", "desk-risk-2")
# the business-to-business procurement platform the firms draw through: a service user of
# its own, allowed only its suppliers (as the consumer checkout is allowed only its shops)
PORTAL_USER = "sme-procurement-portal"
SUPPLIERS = ("Huaxin Steel Supply", "Jiangnan Packaging Materials", "Lingang Components",
             "Pearl River Chemicals", "Taihu Textile Yarns")
_SCALED = ("revenue", "net_profit", "operating_cash_flow")


def month_index(ctx: DemoContext, day: date) -> int:
    a = ctx.config.as_of
    return (day.year - a.year) * 12 + day.month - a.month - (1 if day.day < a.day else 0)


def firms(ctx: DemoContext) -> list[SmeFirm]:
    """The enterprises that hold a line, in application order."""
    pop = ctx.population
    rows = {r["enterprise_id"]: r for r in pop.enterprises.iter_rows(named=True)}
    return [SmeFirm(a.subject_id, a.line_id, str(rows[a.subject_id]["industry"]),
                    a.default_month, financials(rows[a.subject_id]))
            for a in ctx.applications if a.kind == "enterprise" and a.line_id is not None]


def _in_downturn(ctx: DemoContext, industry: str, day: date) -> bool:
    from creditline.simulate.events import SECTION_INDEX

    k = month_index(ctx, day)
    d = ctx.population.downturn
    return 0 <= k < d.shape[0] and industry in SECTION_INDEX and bool(d[k, SECTION_INDEX[industry]])


def review_statements(ctx: DemoContext, firm: SmeFirm, day: date) -> dict[str, str]:
    """The firm's statements as it sends them for a review on ``day`` (see the docstring)."""
    out = dict(firm.statements)
    if _in_downturn(ctx, firm.industry, day):
        for k in _SCALED:
            out[k] = f"{Decimal(out[k]) * DOWNTURN_CUT:.2f}"
    if firm.default_month is not None and month_index(ctx, day) >= firm.default_month:
        out["operating_cash_flow"] = "0.00"
    return out


class SmeActivity:
    """Each morning: the firms' repayments on their due dates, then their draws."""

    name = "sme activity"

    def __init__(self) -> None:
        self._firms: list[SmeFirm] | None = None
        self._rng = random.Random()
        self._portal: Principal | None = None

    def run(self, ctx: DemoContext, day: date) -> None:
        if self._firms is None:
            self._firms = firms(ctx)
            self._rng = random.Random(f"creditline-demo-sme-{ctx.config.seed}")
            ctx.sme_firms = self._firms
            if self._firms:
                self._portal, _ = create_user(ctx, PORTAL_USER, Role.SERVICE, SUPPLIERS)
        if not self._firms or self._portal is None:
            return
        book = ctx.book()
        rows = book.rows([f.line_id for f in self._firms])
        today, k = day.toordinal(), month_index(ctx, day)
        due, owed = book.due[rows], book.amount_due[rows]
        can, avail, limit = book.can_purchase[rows], book.available[rows], book.limit[rows]
        wrote = False
        for i, firm in enumerate(self._firms):
            defaulted = firm.default_month is not None and k >= firm.default_month
            # one draw per firm and morning, whatever happens, so the stream stays aligned
            draw, share, months, supplier = (
                self._rng.random(), self._rng.uniform(*DRAW_SHARE), self._rng.choice((3, 6)),
                self._rng.choice(SUPPLIERS))
            if not defaulted and due[i] == today and owed[i] > 0:
                amount = Decimal(int(owed[i])) / 100
                servicing.repay(servicing.Repay(firm.line_id, amount,
                                                idempotency_key=f"sme-{firm.line_id}-{day}"),
                                ctx.uow(), self._portal)
                ctx.sme.repayments += 1
                ctx.sme.repaid += int(owed[i])
                wrote = True
            if defaulted or not can[i] or draw >= DRAW_CHANCE:
                continue
            cents = min(int(limit[i] * share) // 10_000 * 10_000, int(avail[i]) // 10_000 * 10_000)
            if cents <= 0:
                continue
            try:
                servicing.purchase(servicing.Purchase(
                    firm.line_id, Decimal(cents) / 100, supplier, "raw_materials", months,
                    idempotency_key=f"sme-draw-{firm.line_id}-{day}"), ctx.uow(), self._portal)
            except (BusinessRuleViolation, Conflict) as exc:
                ctx.sme.refused[type(exc).__name__] += 1
                continue
            ctx.sme.draws += 1
            ctx.sme.drawn += cents
            wrote = True
        if wrote:
            ctx.changed()


class SmeDesk:
    """Each morning, before the trade: the firms' statements for the reviews end of day
    opened, the second officer's decisions, and a cut of every newly flagged industry."""

    name = "sme desk"

    def __init__(self) -> None:
        self._officers: tuple[Principal, Principal] | None = None
        self._cut: set[str] = set()  # industries cut during their current flag

    def run(self, ctx: DemoContext, day: date) -> None:
        if not ctx.sme_firms:
            return
        if self._officers is None:
            maker, _ = create_user(ctx, OFFICERS[0], Role.RISK_OFFICER)
            checker, _ = create_user(ctx, OFFICERS[1], Role.RISK_OFFICER)
            self._officers = (maker, checker)
        maker, checker = self._officers
        by_line = {f.line_id: f for f in ctx.sme_firms}
        wrote = False
        with ctx.uow() as uow:
            waiting = [c for c in uow.review_cases.open_cases() if c.proposal is None]
        for case in waiting:
            firm = by_line.get(case.line_id)
            if firm is None:
                continue
            proposed = reviews.upload_statements(reviews.UploadStatements(
                case.id, review_statements(ctx, firm, day)), ctx.uow(), maker)
            ctx.sme.statements_sent += 1
            decided = reviews.decide_review(reviews.DecideReview(
                proposed.id, True, "desk rule: the proposal as computed"), ctx.uow(), checker)
            ctx.sme.reviews_decided[decided.proposal.value if decided.proposal else "none"] += 1
            wrote = True
        flagged = {f.industry for f in sectors.list_flags(ctx.uow()) if f.flagged}
        self._cut &= flagged  # a cleared flag may be cut again if it comes back
        for industry in sorted(flagged - self._cut):
            ctx.sme.flags.append((industry, day.isoformat()))
            action = sectors.apply_sector_cut(sectors.SectorCut(
                industry, SECTOR_CUT, "desk rule: a flagged industry is cut by 20 %"),
                ctx.uow(), maker)
            self._cut.add(industry)
            ctx.sme.cuts.append({"industry": industry, "day": day.isoformat(),
                                 "lines": len(action.lines),
                                 "limit_removed": f"{action.limit_removed:.2f}"})
            wrote = True
        if wrote:
            ctx.changed()


def summary(ctx: DemoContext) -> dict[str, Any]:
    """The ``sme`` part of the demo summary: the firms, what they did, what the desk did,
    and the downturns of the run (the simulator's truth)."""
    from creditline.simulate.events import SECTIONS

    held = ctx.sme_firms
    months = ctx.config.months
    d = ctx.population.downturn[:months]
    downturns = {SECTIONS[s]: [k for k in range(d.shape[0]) if d[k, s]]
                 for s in range(d.shape[1]) if d[:, s].any()}
    industries = Counter(f.industry for f in held)
    book = ctx.book()
    rows = book.rows([f.line_id for f in held]) if held else np.array([], dtype=np.int64)
    dpd = book.dpd[rows] if held else np.array([], dtype=np.int64)
    return {
        "enterprises": ctx.config.enterprises, "lines": len(held),
        "limit": f"{int(book.limit[rows].sum()) / 100:.2f}" if held else "0.00",
        "by_industry": dict(sorted(industries.items())),
        "defaulted_in_run": sum(f.default_month is not None and f.default_month < months
                                for f in held),
        "dpd30_at_end": int((dpd >= 30).sum()),
        "downturn_months": downturns,
        **ctx.sme.as_dict(),
    }
