"""Selling non-performing debt: choose a pool, price it, preview it, post the transfer.

**Pool.**  Two kinds of line can be sold: a *live* delinquent line (its collection case in
bucket ``min_bucket`` or later) and a *written-off* line whose claim the lender still owns.
Filters narrow the pool: days past due, face value between two amounts, products; or an
explicit list of lines.  A line already sold is never in a pool (and naming one is a 409).

**Face value.**  A live line's face is what the customer owes now (all receivables less any
credit balance); a written-off line's is its claim (written off less recovered since).

**Price.**  ``per_face``: a price per unit of face value the buyer offered (e.g. 0.08 = 8
fen per yuan), applied line by line and rounded to the cent.  ``expected_recovery``: the
recovery rate the book has actually seen on written-off lines (recovered / written off, over
every loss account) less a ``discount`` for the buyer's cost and margin; refused while
nothing has been written off yet.  The rate is never above 1.

**Transfer postings** (journal kind ``debt_sale``), per line: a live line's receivables are
credited in full (a credit balance spent first), the price is debited to the debt-sale
receivable, and the loss on sale (face less price) is charged against the loss allowance
as far as it reaches, the rest to impairment expense.  A written-off line is off the books
already: its price is income from recoveries (Dr debt-sale receivable / Cr recoveries).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from creditline.errors import ValidationError
from creditline.ledger import accounts as acc
from creditline.ledger.journal import EntryBuilder, JournalEntry
from creditline.losses.charge_off import RECEIVABLES, Charge, Outstanding
from creditline.money import ZERO, quantize

DEBT_SALE = "debt_sale"  # journal entry kind
METHODS = ("per_face", "expected_recovery")


@dataclass(frozen=True)
class PoolFilter:
    min_bucket: int = 3  # live lines: the case's bucket (0 current, 1 M1, ...)
    min_dpd: int = 0
    min_face: Decimal = ZERO
    max_face: Decimal | None = None
    products: tuple[str, ...] = ()
    live: bool = True
    written_off: bool = True
    line_ids: tuple[str, ...] = ()  # explicit lines (the other filters still apply)

    def as_json(self) -> dict[str, object]:
        return {"min_bucket": self.min_bucket, "min_dpd": self.min_dpd,
                "min_face": str(self.min_face),
                "max_face": None if self.max_face is None else str(self.max_face),
                "products": list(self.products), "live": self.live,
                "written_off": self.written_off, "line_ids": list(self.line_ids)}


@dataclass(frozen=True)
class Candidate:
    """A line that could go into a pool, with what it owes."""

    line_id: str
    customer_id: str
    product: str
    dpd: int
    bucket: int
    written_off: bool
    face: Decimal
    owed: Outstanding | None = None  # live lines: the receivables by balance


def select(candidates: Sequence[Candidate], f: PoolFilter) -> list[Candidate]:
    """The pool the filters choose, in line id order."""
    wanted = set(f.line_ids)
    out = []
    for c in candidates:
        if wanted and c.line_id not in wanted:
            continue
        if c.face <= 0 or c.face < f.min_face or (f.max_face is not None and c.face > f.max_face):
            continue
        if f.products and c.product not in f.products:
            continue
        if c.dpd < f.min_dpd:
            continue
        if c.written_off:
            if not f.written_off:
                continue
        elif not f.live or c.bucket < f.min_bucket:
            continue
        out.append(c)
    return sorted(out, key=lambda c: c.line_id)


def check_rate(rate: Decimal, field: str = "rate") -> Decimal:
    if not ZERO <= rate <= 1:
        raise ValidationError(field, "must be a price per unit of face value from 0 to 1")
    return rate


def expected_recovery_rate(written_off: Decimal, recovered: Decimal, discount: Decimal
                           ) -> Decimal:
    """The recovery rate seen so far less the buyer's discount, as a price per unit of face."""
    if not ZERO <= discount < 1:
        raise ValidationError("discount", "must be from 0 to below 1")
    if written_off <= 0:
        raise ValidationError("method", "expected_recovery needs recoveries seen on "
                                        "written-off lines, and nothing has been written off yet")
    seen = min(Decimal(1), recovered / written_off)
    return (seen * (1 - discount)).quantize(Decimal("0.000001"))


def price_of(face: Decimal, rate: Decimal) -> Decimal:
    return quantize(face * rate)


@dataclass(frozen=True)
class Preview:
    count: int
    face: Decimal
    price: Decimal
    live_face: Decimal
    live_price: Decimal
    written_off_face: Decimal
    written_off_price: Decimal
    rate: Decimal

    @property
    def loss_on_sale(self) -> Decimal:
        """The book loss: live receivables given up for less than their face."""
        return self.live_face - self.live_price

    @property
    def recovery_income(self) -> Decimal:
        """What written-off claims fetch: income, they were off the books."""
        return self.written_off_price


def preview(pool: Sequence[Candidate], rate: Decimal) -> Preview:
    live = [c for c in pool if not c.written_off]
    off = [c for c in pool if c.written_off]
    return Preview(
        count=len(pool), face=sum((c.face for c in pool), ZERO),
        price=sum((price_of(c.face, rate) for c in pool), ZERO),
        live_face=sum((c.face for c in live), ZERO),
        live_price=sum((price_of(c.face, rate) for c in live), ZERO),
        written_off_face=sum((c.face for c in off), ZERO),
        written_off_price=sum((price_of(c.face, rate) for c in off), ZERO), rate=rate)


def sale_entry(entry_id: str, c: Candidate, price: Decimal, charge: Charge | None, on: date,
               ref: str, buyer: str) -> JournalEntry | None:
    """The transfer of one line (None: a written-off claim sold for nothing posts nothing)."""
    b = EntryBuilder(c.line_id)
    memo = f"sold to {buyer}"
    if c.written_off:
        if price == 0:
            return None
        b.move(acc.DEBT_SALE_RECEIVABLE, acc.RECOVERY_INCOME, price, "claim sold")
        return b.build(entry_id, on, DEBT_SALE, ref=ref, memo=memo)
    owed = c.owed
    if owed is None or charge is None or charge.amount != owed.net - price:
        raise ValueError("a live line's sale needs its receivables and the loss on sale")
    for name, account in RECEIVABLES.items():
        b.credit(account, owed.by_balance()[name], name)
    b.debit(acc.CUSTOMER_CREDIT, owed.credit_balance, "credit balance spent")
    b.debit(acc.DEBT_SALE_RECEIVABLE, price, "price")
    b.debit(acc.LOSS_ALLOWANCE, charge.from_allowance, "allowance")
    b.debit(acc.IMPAIRMENT_EXPENSE, charge.to_expense, "impairment")
    return b.build(entry_id, on, DEBT_SALE, ref=ref, memo=memo)
