"""Special terms ("one enterprise, one policy"): a risk officer proposes a limit for one
enterprise outside the standard cash-flow / collateral / industry limits, and a second
person approves it before it applies (maker-checker: the proposer can never approve).
While approved and in force, an application from that enterprise for that product takes
the special limit; knock-outs and score cut-offs still apply."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from creditline.errors import Conflict, Forbidden, ValidationError
from creditline.money import money_str, to_money

PROPOSED, APPROVED, REJECTED, REVOKED = "proposed", "approved", "rejected", "revoked"


@dataclass(frozen=True)
class SpecialTerms:
    id: str
    customer_id: str
    product: str
    limit: Decimal
    terms: str  # the conditions agreed, in words (covenants, pricing, monitoring)
    valid_until: date | None
    status: str
    proposed_by: str
    proposed_by_name: str
    proposed_at: datetime
    decided_by: str | None = None
    decided_by_name: str | None = None
    decided_at: datetime | None = None
    comment: str | None = None
    version: int = 1

    def in_force(self, on: date) -> bool:
        return self.status == APPROVED and (self.valid_until is None or on <= self.valid_until)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "customer_id": self.customer_id, "product": self.product,
                "limit": money_str(self.limit), "terms": self.terms,
                "valid_until": None if self.valid_until is None else self.valid_until.isoformat(),
                "status": self.status, "proposed_by": self.proposed_by_name,
                "proposed_at": self.proposed_at.isoformat(), "decided_by": self.decided_by_name,
                "decided_at": None if self.decided_at is None else self.decided_at.isoformat(),
                "comment": self.comment}


def propose(*, terms_id: str, customer_id: str, customer_kind: str, product: str, limit: object,
            terms: object, valid_until: date | None, today: date, user_id: str, user_name: str,
            at: datetime) -> SpecialTerms:
    if customer_kind != "enterprise":
        raise ValidationError("customer_id", "special terms are for enterprise customers only")
    if product != "sme_line":
        raise ValidationError("product", "special terms apply to sme_line")
    amount = to_money(limit, "limit")
    if not isinstance(terms, str) or not terms.strip():
        raise ValidationError("terms", "is required: state the conditions agreed")
    if valid_until is not None and valid_until < today:
        raise ValidationError("valid_until", "must not be in the past")
    return SpecialTerms(id=terms_id, customer_id=customer_id, product=product, limit=amount,
                        terms=terms.strip(), valid_until=valid_until, status=PROPOSED,
                        proposed_by=user_id, proposed_by_name=user_name, proposed_at=at)


def decide(st: SpecialTerms, *, approve: bool, user_id: str, user_name: str, comment: str | None,
           at: datetime) -> SpecialTerms:
    """Approve or reject a proposal; the proposer may do neither (maker-checker)."""
    if st.status != PROPOSED:
        raise Conflict(f"special terms {st.id} are {st.status}, not proposed")
    if user_id == st.proposed_by:
        raise Forbidden("maker-checker: special terms must be approved by someone other than "
                        f"the risk officer who proposed them ({st.proposed_by_name})")
    return replace(st, status=APPROVED if approve else REJECTED, decided_by=user_id,
                   decided_by_name=user_name, decided_at=at, comment=comment)


def revoke(st: SpecialTerms, *, user_id: str, user_name: str, comment: str | None,
           at: datetime) -> SpecialTerms:
    if st.status != APPROVED:
        raise Conflict(f"special terms {st.id} are {st.status}; only approved terms can be revoked")
    return replace(st, status=REVOKED, decided_by=user_id, decided_by_name=user_name,
                   decided_at=at, comment=comment)
