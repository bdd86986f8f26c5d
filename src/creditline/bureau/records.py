"""The month's account record of a line, built from its facts (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from creditline.bureau.format import BureauFormat
from creditline.bureau.history import SOLD, WRITTEN_OFF, LineFacts, history, month_status
from creditline.bureau.months import Month

ACCOUNT = "A"
UPDATE = "U"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class AccountRecord:
    """One record of the file, without the subject's identity (added when the file is
    written, so the stored history holds no personal data in clear)."""

    record_type: str  # A | U
    month: str  # the month the record describes
    line_id: str
    customer_id: str
    kind: str
    account_type: str
    subject_type: str
    opened_on: str
    currency: str
    credit_limit: Decimal
    balance: Decimal
    past_due: Decimal
    days_past_due: int
    account_status: str
    month_status: str
    history: str
    negative: bool
    disputed: bool = False
    correction_id: str | None = None


def account_state(f: LineFacts, code: str, fmt: BureauFormat) -> str:
    if code == fmt.fact(WRITTEN_OFF):
        return "bad_debt"
    if code == fmt.fact(SOLD):
        return "transferred"
    if code == fmt.fact("closed"):
        return "closed"
    return "overdue" if fmt.negative(code) else "active"


def build_record(f: LineFacts, m: Month, fmt: BureauFormat, *, disputed: bool = False
                 ) -> AccountRecord:
    """The line's account record for ``m``: the amounts at month end (a written-off line:
    what the customer still owes on it; a sold or closed line: nothing, the buyer owns the
    debt or it was settled)."""
    code = month_status(f, m, fmt)
    hist = history(f, m, fmt)
    state = account_state(f, code, fmt)
    balance, past_due, dpd = f.balance, f.past_due, f.dpd
    if state in ("transferred", "closed"):
        balance, past_due, dpd = ZERO, ZERO, 0
    kind = fmt.account_types.get(f.kind) or fmt.account_types["bnpl"]
    return AccountRecord(
        record_type=ACCOUNT, month=str(m), line_id=f.line_id, customer_id=f.customer_id,
        kind=f.kind, account_type=kind.code, subject_type=kind.subject,
        opened_on=f.opened_on.isoformat(), currency=f.currency, credit_limit=f.credit_limit,
        balance=balance, past_due=past_due, days_past_due=dpd,
        account_status=fmt.account_status[state], month_status=code, history=hist,
        negative=fmt.any_negative(hist), disputed=disputed)
