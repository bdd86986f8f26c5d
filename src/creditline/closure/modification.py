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

**Acceleration** (the contract's acceleration clause) moves a draw's unbilled installments
to one statement, so all it owes is billed there and due on that statement's due date (the
new due date); their future fees are waived (not earned).  The called amount is billed by
end of day on that statement like any installment (Dr principal billed / Cr principal
unbilled, Dr interest billed / Cr interest accrued), so the line's minimum payment, its due
date and the penalties all agree with the new due date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from creditline.errors import ValidationError
from creditline.ledger import accounts as acc
from creditline.ledger.ids import new_entry_id
from creditline.ledger.journal import EntryBuilder, JournalEntry
from creditline.money import ZERO, money_str
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
    old_rows: list[dict[str, object]] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {"purchase_id": self.purchase_id, "old_principal": money_str(self.old_principal),
                "capitalised": {k: money_str(v) for k, v in self.capitalised.items()},
                "new_principal": money_str(self.new_principal), "periods": self.periods,
                "method": self.method,
                "old_schedule": self.old_rows,
                "new_schedule": [_inst_json(i) for i in self.opened]}


def _inst_json(i: Installment) -> dict[str, object]:
    """An installment as a schedule row: what it still owes."""
    return {"seq": i.seq, "bill_date": i.bill_date.isoformat(), "due_date": i.due_date.isoformat(),
            "billed": i.billed, "principal": money_str(i.p_out), "fee": money_str(i.f_out),
            "interest": money_str(i.i_out), "penalty": money_str(i.pen_out)}


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
    old_rows = [_inst_json(i) for i in closed]  # what each still owed, before it closes
    for i in closed:
        _close(i)
    first_seq = max((i.seq for i in installments), default=0) + 1
    opened = [Installment(purchase_id=purchase_id, seq=first_seq + k, bill_date=r.bill_date,
                          due_date=r.due_date, p_orig=r.principal, f_orig=r.fee,
                          p_sched=r.principal, f_sched=r.fee) for k, r in enumerate(plan)]
    opened[0].i_amt = accrued
    opened[0].i_carry = carry
    return Restructured(purchase_id, old_principal, cap, new_principal, periods, closed,
                        opened, new_method, old_rows)


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
    """A draw called back: what it owes now (principal, interest accrued so far) and the
    statement that bills it, due on ``due``."""

    purchase_id: str
    principal: Decimal
    interest: Decimal
    fees_waived: Decimal
    bill: date
    due: date
    changed: list[Installment] = field(default_factory=list)

    @property
    def amount(self) -> Decimal:
        return self.principal + self.interest


def call_dates(due: date, *, day: date, statement_day: int, grace_days: int) -> date:
    """The statement date that bills a called amount due on ``due``: the called amount
    is billed on a statement (``due - grace``), so the line's minimum payment -- which the
    statement sets -- and the installments' due date agree.  422 naming ``due_date`` if
    ``due`` is not a statement's due date on or after the business date."""
    bill = due - timedelta(days=grace_days)
    if bill.day != statement_day or bill < day:
        y, m = day.year, day.month
        nxt = date(y, m, statement_day)
        if nxt < day:
            nxt = date(y + (m == 12), m % 12 + 1, statement_day)
        raise ValidationError("due_date", f"must be a statement's due date (statement day "
                                          f"{statement_day} + {grace_days} days), on or after "
                                          f"the next one, {(nxt + timedelta(days=grace_days))}")
    return bill


def accelerate(purchase_id: str, installments: list[Installment], *, day: date, bill: date,
               due: date) -> Called:
    """Move every unbilled installment of the draw to the statement of ``bill``, due on
    ``due``; their future fees are waived (not earned).  End of day bills them on that
    statement (Dr principal billed / Cr principal unbilled, and the interest accrued)."""
    out = Called(purchase_id, ZERO, ZERO, ZERO, bill, due)
    for i in installments:
        if i.settled or i.billed or i.bill_date <= bill:
            if not (i.settled or i.billed):
                out.principal += i.p_out
                out.interest += i.i_out
            continue
        out.principal += i.p_out
        out.interest += i.i_out
        out.fees_waived += i.f_sched - i.f_paid
        i.f_sched = i.f_paid
        i.bill_date = bill
        i.due_date = due
        i.changed = True
        out.changed.append(i)
    if not out.changed:
        raise ValidationError("call_back", f"draw {purchase_id} has nothing left to call back "
                                           f"before {bill.isoformat()}")
    return out
