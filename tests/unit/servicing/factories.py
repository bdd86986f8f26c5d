"""Small builders for servicing unit tests: installments in a given state, and the kernel
columns of lines and installments built from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from creditline.lines.status import STATUS_CODE, LineStatus
from creditline.money import CENT, ZERO
from creditline.products.catalog import RATE_SCALE, Waterfall
from creditline.servicing.calendar import day_number
from creditline.servicing.kernel import WaterfallTable
from creditline.servicing.model import Installment

D = Decimal


def inst(pid: str, seq: int, *, due: date, principal: str = "100.00", fee: str = "0.00",
         billed: bool = True, p_paid: str = "0", f_paid: str = "0", interest: str = "0",
         i_paid: str = "0", penalty: str = "0", pen_paid: str = "0",
         bill: date | None = None) -> Installment:
    return Installment(purchase_id=pid, seq=seq, bill_date=bill or due - timedelta(days=9),
                       due_date=due,
                       p_orig=D(principal), f_orig=D(fee), p_sched=D(principal), f_sched=D(fee),
                       p_paid=D(p_paid), f_paid=D(f_paid), i_amt=D(interest), i_paid=D(i_paid),
                       pen_amt=D(penalty), pen_paid=D(pen_paid), billed=billed)


def cents(x: Decimal) -> int:
    return int(x / CENT)


def e8(rate: Decimal) -> int:
    return int(rate * RATE_SCALE)


@dataclass
class LineSpec:
    """A line's kernel inputs in plain values (defaults: a quiet consumer line)."""

    installments: list[Installment] = field(default_factory=list)
    interest_rates: dict[str, Decimal] = field(default_factory=dict)
    status: LineStatus = LineStatus.ACTIVE
    stmt_day: int = 1
    grace: int = 9
    pen_rate: Decimal = Decimal("0.0005")
    min_share: Decimal = Decimal("0.10")
    min_floor: Decimal = Decimal("50.00")
    waterfall: Waterfall = field(default_factory=Waterfall)
    opened: date = date(2026, 1, 1)
    credit: Decimal = ZERO
    min_remaining: Decimal = ZERO
    min_due: date | None = None
    past_due: Decimal = ZERO
    past_due_since: date | None = None
    last_stmt: date | None = None
    stmt_opening: Decimal = ZERO
    cycle: tuple[Decimal, ...] = (ZERO,) * 6
    last_eod: date = date(2026, 1, 1)


def columns(specs: list[LineSpec]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], WaterfallTable]:
    codes = sorted({s.waterfall.code() for s in specs})
    table = WaterfallTable.of(codes)
    dn = lambda d: -1 if d is None else day_number(d)  # noqa: E731
    L: dict[str, list[int]] = {k: [] for k in (
        "status", "stmt_day", "grace", "pen_rate", "min_share", "min_floor", "wf", "opened",
        "credit", "min_remaining", "min_due", "past_due", "past_due_since", "dpd", "last_stmt",
        "stmt_opening", "cyc_purchases", "cyc_returns", "cyc_repayments", "cyc_fees",
        "cyc_interest", "cyc_penalties", "last_eod", "principal_unbilled", "principal_billed",
        "fee", "interest_accrued", "interest_billed", "penalty")}
    rows: list[tuple[int, Installment, Decimal]] = []
    for idx, s in enumerate(specs):
        vals = [STATUS_CODE[s.status], s.stmt_day, s.grace, e8(s.pen_rate), e8(s.min_share),
                cents(s.min_floor), codes.index(s.waterfall.code()), dn(s.opened), cents(s.credit),
                cents(s.min_remaining), dn(s.min_due), cents(s.past_due), dn(s.past_due_since), 0,
                dn(s.last_stmt), cents(s.stmt_opening), *(cents(c) for c in s.cycle),
                dn(s.last_eod), 0, 0, 0, 0, 0, 0]
        for k, v in zip(L, vals):
            L[k].append(v)
        rows += [(idx, i, s.interest_rates.get(i.purchase_id, ZERO)) for i in s.installments]
    pids = sorted({i.purchase_id for _, i, _ in rows})
    inst_cols = {
        "rid": np.arange(len(rows), dtype=np.int64),
        "line_idx": np.array([r[0] for r in rows], dtype=np.int64),
        "prank": np.array([pids.index(r[1].purchase_id) for r in rows], dtype=np.int64),
        "seq": np.array([r[1].seq for r in rows], dtype=np.int64),
        "bill": np.array([day_number(r[1].bill_date) for r in rows], dtype=np.int64),
        "due": np.array([day_number(r[1].due_date) for r in rows], dtype=np.int64),
        "billed": np.array([r[1].billed for r in rows], dtype=bool),
        "i_rate": np.array([e8(r[2]) for r in rows], dtype=np.int64),
        **{k: np.array([cents(getattr(r[1], k)) for r in rows], dtype=np.int64)
           for k in ("p_sched", "p_paid", "f_sched", "f_paid", "i_amt", "i_paid", "pen_amt",
                     "pen_paid")},
        "i_carry": np.array([r[1].i_carry for r in rows], dtype=np.int64),
        "pen_carry": np.array([r[1].pen_carry for r in rows], dtype=np.int64),
    }
    return {k: np.array(v, dtype=np.int64) for k, v in L.items()}, inst_cols, table
