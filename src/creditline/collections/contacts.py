"""Verifying an emergency contact: a one-time code sent to the contact by SMS (through the
notify relay), which the contact confirms; a reference in the same message lets the
contact withdraw at any time.  Only a verified contact may ever be approached
(``compliance.approach_verdict``).

Rules, pure (the caller draws the code and hashes it):

- a code has ``CODE_DIGITS`` digits and expires ``CODE_TTL`` after it was sent;
- ``MAX_ATTEMPTS`` wrong codes lock the verification (the contact is then ``failed``; the
  customer may ask for a new code);
- a new code supersedes the one pending; a confirmed contact needs no new code.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from creditline.errors import BusinessRuleViolation, ValidationError

CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=15)
MAX_ATTEMPTS = 5
PENDING, VERIFIED, LOCKED, SUPERSEDED, EXPIRED = (
    "pending", "verified", "locked", "superseded", "expired")


@dataclass(frozen=True)
class Verification:
    id: str
    contact_id: str
    customer_id: str
    code_hash: str
    reference_hash: str
    sent_at: datetime
    expires_at: datetime
    attempts: int = 0
    status: str = PENDING
    closed_at: datetime | None = None


@dataclass(frozen=True)
class ContactEvent:
    """One line of a contact's append-only history: added, code_sent, code_wrong, verified,
    locked, repeat_agreed, withdrawn, replaced, approached."""

    contact_id: str
    customer_id: str
    at: datetime
    kind: str
    actor: str
    detail: dict[str, Any] = field(default_factory=dict)


def check_code_format(code: object) -> str:
    if not isinstance(code, str) or not code.isascii() or not code.isdigit() \
            or len(code) != CODE_DIGITS:
        raise ValidationError("code", f"must be the {CODE_DIGITS} digits sent by SMS")
    return code


def check_reference(reference: object) -> str:
    if not isinstance(reference, str) or not 6 <= len(reference.strip()) <= 20 \
            or not reference.strip().isalnum():
        raise ValidationError("reference", "must be the reference sent by SMS")
    return reference.strip().upper()


@dataclass(frozen=True)
class CodeCheck:
    """The verification after one attempt, and whether the code matched."""

    verification: Verification
    matched: bool

    @property
    def left(self) -> int:
        return max(0, MAX_ATTEMPTS - self.verification.attempts)


def attempt(v: Verification, matched: bool, now: datetime) -> CodeCheck:
    """One attempt at the code: refused if the verification is closed or expired (nothing
    changes), else counted; the ``MAX_ATTEMPTS``-th wrong one locks it."""
    if v.status != PENDING:
        raise BusinessRuleViolation(f"this code is {v.status}: ask for a new one",
                                    reason=f"code_{v.status}")
    if now > v.expires_at:
        raise BusinessRuleViolation(
            f"the code expired at {v.expires_at.isoformat()}: ask for a new one",
            reason="code_expired")
    if matched:
        return CodeCheck(replace(v, attempts=v.attempts + 1, status=VERIFIED, closed_at=now),
                         True)
    tries = v.attempts + 1
    if tries >= MAX_ATTEMPTS:
        return CodeCheck(replace(v, attempts=tries, status=LOCKED, closed_at=now), False)
    return CodeCheck(replace(v, attempts=tries), False)
