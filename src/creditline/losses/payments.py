"""The rule servicing asks on every repayment: is this line's debt still a live balance?

- no loss account: an ordinary repayment, by the waterfall (servicing decides);
- written off: a **recovery** -- Dr repayment clearing / Cr recoveries income -- up to the
  claim (written off less recovered so far), never a repayment of a live balance;
- sold: the money is the **buyer's** -- Dr repayment clearing / Cr payable to the debt
  buyer -- recorded per buyer, up to the face sold less what was passed on already.

More than that is a 422 naming ``amount``: a written-off or sold line keeps no credit
balance to hold an overpayment in.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from creditline.errors import ValidationError
from creditline.ledger import accounts as acc
from creditline.ledger.journal import EntryBuilder, JournalEntry
from creditline.losses.records import LossAccount, LossStatus, PaymentKind
from creditline.money import money_str

RECOVERY = "recovery"  # journal entry kinds (the ecl lane reads recoveries for LGD)
DEBT_BUYER_REMIT = "debt_buyer_remit"


def kind_of(loss: LossAccount) -> PaymentKind:
    return PaymentKind.TO_BUYER if loss.status is LossStatus.SOLD else PaymentKind.RECOVERY


def check_amount(loss: LossAccount, amount: Decimal) -> None:
    most = loss.owed_to_buyer if loss.status is LossStatus.SOLD else loss.claim
    if amount > most:
        what = (f"what is owed to the buyer {loss.buyer} as far as the lender knows"
                if loss.status is LossStatus.SOLD else "the amount written off not yet recovered")
        raise ValidationError("amount", f"must not exceed {what} ({money_str(most)})")


def payment_entry(entry_id: str, loss: LossAccount, amount: Decimal, on: date,
                  payment_id: str) -> JournalEntry:
    b = EntryBuilder(loss.line_id)
    if loss.status is LossStatus.SOLD:
        b.move(acc.CASH_CLEARING, acc.DEBT_BUYER_PAYABLE, amount, "to debt buyer")
        return b.build(entry_id, on, DEBT_BUYER_REMIT, ref=payment_id,
                       memo=f"payment on a line sold to {loss.buyer}")
    b.move(acc.CASH_CLEARING, acc.RECOVERY_INCOME, amount, "recovery")
    return b.build(entry_id, on, RECOVERY, ref=payment_id, memo="recovery after write-off")


def applied(loss: LossAccount, amount: Decimal) -> LossAccount:
    """The account after the payment: recovered, or passed on to the buyer."""
    if loss.status is LossStatus.SOLD:
        return replace(loss, to_buyer=loss.to_buyer + amount)
    return replace(loss, recovered=loss.recovered + amount)
