"""Modifying outstanding draws (a draw is a purchase on the line, with its installments):
restructuring (a new schedule) and acceleration (calling a draw back early).  Pure: the
installments in, the changed and the new installments and the journal entry out.

**Restructuring** a draw on business date ``day``:

- its unbilled installments are closed: their outstanding principal leaves the old
  schedule, their unbilled fees are waived (fees are income only once billed), the
  interest accrued on them moves to the first installment of the new schedule (it stays
  accrued, not billed);
- with ``capitalise_arrears``, its billed installments are closed too, and what they still
  owe (principal, fee, interest, penalty) becomes principal of the new schedule;
  otherwise they stay as they are, still due;
- the new schedule repays ``new principal = old unbilled principal + capitalised arrears``
  over ``remaining periods + extension`` periods by the product's schedule rules
  (``servicing.schedule.build_schedule``: the split sums to the principal, to the cent),
  at the agreed interest and fee rates;
- the journal entry (``restructure``): Cr principal unbilled for the old schedule, Dr
  principal unbilled for the new, Cr each receivable capitalised.  It balances, and the
  receivables in total are what they were: nothing is gained or forgiven.

**Acceleration** (the contract's acceleration clause) bills a draw's unbilled principal
and accrued interest at once, due on a new date; its future fees are waived (not earned).
Entry ``acceleration``: Dr principal billed / Cr principal unbilled, Dr interest billed / Cr
interest accrued.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from creditline.errors import ValidationError
from creditline.ledger import accounts as acc
from creditline.ledger.ids import new_entry_id
from creditline.ledger.journal import EntryBuilder, JournalEntry
from creditline.money import ZERO
from creditline.servicing.model import Installment
from creditline.servicing.schedule import build_schedule

MAX_PERIODS = 120


@dataclass(frozen=True)
class Terms:
    """What was agreed for a restructured draw."""

    extension: int  # periods (months) added to what is left
    daily_rate: Decimal  # the new interest rate (the old one when unchanged)
    fee_rate: Decimal  # the new installment fee rate per period
    capitalise_arrears: bool = False


@dataclass
class Restructured:
    purchase_id: str
    old_principal: Decimal  # unbilled principal of the old schedule
    capitalised: dict[str, Decimal]  # principal, fee, interest, penalty taken from arrears
    new_principal: Decimal
    periods: int
    closed: list[Installment]  # old installments, changed (write back)
    opened: list[Installment]  # the new schedule
    method: str
    entry: JournalEntry | None = None

    def as_json(self) -> dict[str, object]:
        from creditline.money import money_str
        return {"purchase_id": self.purchase_id, "old_principal": money_str(self.old_principal),
                "capitalised": {k: money_str(v) for k, v in self.capitalised.items()},
                "new_principal": money_str(self.new_principal), "periods": self.periods,
                "method": self.method,
                "old_schedule": [_inst_json(i) for i in self.closed],
                "new_schedule": [_inst_json(i) for i in self.opened]}


def _inst_json(i: Installment) -> dict[str, object]:
    from creditline.money import money_str
    return {"seq": i.seq, "bill_date": i.bill_date.isoformat(), "due_date": i.due_date.isoformat(),
            "principal": money_str(i.p_sched), "fee": money_str(i.f_sched),
            "interest": money_str(i.i_amt), "paid_principal": money_str(i.p_paid)}


def _close(i: Installment) -> None:
    """Nothing more is owed on it: what was paid stays, the rest leaves (by the entry)."""
    i.p_sched, i.f_sched, i.i_amt, i.pen_amt = i.p_paid, i.f_paid, i.i_paid, i.pen_paid
    i.i_carry = i.pen_carry = 0
    i.settled = True
    i.changed = True


def restructure(purchase_id: str, installments: list[Installment], method: str, terms: Terms,
                *, day: date, statement_day: int, grace_days: int) -> Restructured:
    """The new schedule of one draw (see the module docstring).  ``installments``: the
    draw's unsettled ones (changed in place)."""
    if isinstance(terms.extension, bool) or not 0 <= terms.extension <= MAX_PERIODS:
        raise ValidationError("extension", f"must be a whole number of months from 0 to "
                                           f"{MAX_PERIODS}")
    open_ = sorted((i for i in installments if not i.settled), key=lambda i: i.seq)
    unbilled = [i for i in open_ if not i.billed]
    billed = [i for i in open_ if i.billed]
    old_principal = sum((i.p_out for i in unbilled), ZERO)
    accrued = sum((i.i_out for i in unbilled), ZERO)
    carry = sum(i.i_carry for i in unbilled)
    cap = {"principal": ZERO, "fee": ZERO, "interest": ZERO, "penalty": ZERO}
    if terms.capitalise_arrears:
        for i in billed:
            cap["principal"] += i.p_out
            cap["fee"] += i.f_out
            cap["interest"] += i.i_out
            cap["penalty"] += i.pen_out
    new_principal = old_principal + sum(cap.values(), ZERO)
    if new_principal <= 0:
        raise ValidationError("purchase_ids", f"draw {purchase_id} has nothing left to "
                                              "reschedule")
    periods = max(1, len(unbilled)) + terms.extension
    if periods > MAX_PERIODS:
        raise ValidationError("extension", f"the new schedule would run {periods} periods "
                                           f"(at most {MAX_PERIODS})")
    new_method = "even" if method == "single" else method
    plan = build_schedule(new_principal, periods, new_method, purchase_date=day,
                          statement_day=statement_day, grace_days=grace_days,
                          fee_rate=terms.fee_rate, daily_rate=terms.daily_rate)
    closed = unbilled + (billed if terms.capitalise_arrears else [])
    for i in closed:
        _close(i)
    first_seq = max((i.seq for i in installments), default=0) + 1
    opened = [Installment(purchase_id=purchase_id, seq=first_seq + k, bill_date=r.bill_date,
                          due_date=r.due_date, p_orig=r.principal, f_orig=r.fee,
                          p_sched=r.principal, f_sched=r.fee) for k, r in enumerate(plan)]
    opened[0].i_amt = accrued
    opened[0].i_carry = carry
    return Restructured(purchase_id, old_principal, cap, new_principal, periods, closed,
                        opened, new_method)


def restructure_entry(line_id: str, ref: str, parts: list[Restructured],
                      day: date) -> JournalEntry:
    b = EntryBuilder(line_id)
    for r in parts:
        b.credit(acc.PRINCIPAL_UNBILLED, r.old_principal, "old_schedule_closed")
        b.credit(acc.PRINCIPAL_BILLED, r.capitalised["principal"], "arrears_capitalised")
        b.credit(acc.FEE_RECEIVABLE, r.capitalised["fee"], "arrears_capitalised")
        b.credit(acc.INTEREST_BILLED, r.capitalised["interest"], "arrears_capitalised")
        b.credit(acc.PENALTY_RECEIVABLE, r.capitalised["penalty"], "arrears_capitalised")
        b.debit(acc.PRINCIPAL_UNBILLED, r.new_principal, "new_schedule_opened")
    return b.build(new_entry_id(), day, "restructure", ref=ref, memo="restructuring")


@dataclass
class Called:
    """A draw called back: what was billed at once and when it is due."""

    purchase_id: str
    principal: Decimal
    interest: Decimal
    fees_waived: Decimal
    due: date
    changed: list[Installment] = field(default_factory=list)

    @property
    def amount(self) -> Decimal:
        return self.principal + self.interest


def accelerate(purchase_id: str, installments: list[Installment], *, day: date,
               due: date) -> Called:
    """Bill every unbilled installment of the draw now, due on ``due``."""
    if due <= day:
        raise ValidationError("due_date", "must be after the business date")
    out = Called(purchase_id, ZERO, ZERO, ZERO, due)
    for i in installments:
        if i.settled or i.billed:
            continue
        out.principal += i.p_out
        out.interest += i.i_out
        out.fees_waived += i.f_sched - i.f_paid
        i.f_sched = i.f_paid
        i.billed = True
        i.bill_date = day
        i.due_date = due
        i.refresh_settled()
        i.changed = True
        out.changed.append(i)
    if out.amount <= 0:
        raise ValidationError("purchase_ids", f"draw {purchase_id} has nothing unbilled to "
                                              "call back")
    return out


def acceleration_entry(line_id: str, ref: str, calls: list[Called], day: date) -> JournalEntry:
    b = EntryBuilder(line_id)
    for c in calls:
        b.move(acc.PRINCIPAL_BILLED, acc.PRINCIPAL_UNBILLED, c.principal, "called_back")
        b.move(acc.INTEREST_BILLED, acc.INTEREST_ACCRUED, c.interest, "called_back")
    return b.build(new_entry_id(), day, "acceleration", ref=ref,
                   memo="called back under the acceleration clause")
