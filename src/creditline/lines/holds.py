"""Purchases held by a real-time trigger (``lines.triggers``), and the record of every
trigger fired.

A held purchase is not booked: no installments, no postings.  Its amount is reserved on
the line (``Line.held``, counted against the available credit) until a reviewer releases
it (it is then booked as an ordinary purchase under the same id, on the business date of
the release) or refuses it (the reservation goes and the customer is told).  Either way
once: a decided hold is 409.  A hold nobody decides lapses at the end of the day
``hold_expiry_days`` after it was made (the trigger rules' parameter): the reservation goes
and the customer is told, as for a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from creditline.errors import Conflict, ValidationError


class HoldStatus(StrEnum):
    HELD = "held"
    RELEASED = "released"
    REFUSED = "refused"
    EXPIRED = "expired"  # nobody decided it in time (the trigger rules' hold_expiry_days)


def parse_hold_status(value: object) -> HoldStatus:
    try:
        return HoldStatus(str(value))
    except ValueError:
        raise ValidationError("status", "must be one of: held, released, refused, "
                                        "expired") from None


@dataclass(frozen=True)
class HeldPurchase:
    id: str  # also the purchase's id once released
    line_id: str
    customer_id: str
    amount: Decimal
    merchant: str
    merchant_category: str
    periods: int
    method: str | None
    fee_rate: Decimal  # the plan's rate after any category preference
    business_date: date
    triggers: tuple[str, ...]
    reason_en: str
    reason_zh: str
    rules_version: str
    created_at: datetime
    created_by: str
    status: HoldStatus = HoldStatus.HELD
    decided_by: str | None = None
    decided_at: datetime | None = None
    decided_on: date | None = None
    decision_note: str | None = None

    def decide(self, release: bool, by: str, at: datetime, on: date, note: str) -> HeldPurchase:
        if self.status is not HoldStatus.HELD:
            raise Conflict(f"the held purchase is already {self.status.value}")
        return replace(self, status=HoldStatus.RELEASED if release else HoldStatus.REFUSED,
                       decided_by=by, decided_at=at, decided_on=on, decision_note=note)

    def expire(self, by: str, at: datetime, on: date, days: int) -> HeldPurchase:
        """Nobody decided it within ``days``: it lapses like a refusal (the reservation
        goes), recorded as such."""
        if self.status is not HoldStatus.HELD:
            raise Conflict(f"the held purchase is already {self.status.value}")
        return replace(self, status=HoldStatus.EXPIRED, decided_by=by, decided_at=at,
                       decided_on=on, decision_note=f"not decided within {days} days")

    def lapses_on(self, days: int) -> date:
        """The business date end of day lets it lapse, if nobody decided it before."""
        return self.business_date + timedelta(days=days)


@dataclass(frozen=True)
class TriggerRecord:
    """One trigger fired: on which line, by which event (``ref_id``: the held purchase, the
    purchase or the return), under which rules, why (both languages) and what it did."""

    line_id: str
    customer_id: str
    business_date: date
    at: datetime
    event: str
    ref_id: str
    code: str
    action: str
    rules_version: str
    reason_en: str
    reason_zh: str
    facts: dict[str, Any]
    outcome: dict[str, Any]
    seq: int | None = None
