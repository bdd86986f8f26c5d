"""Special-terms use cases (maker-checker): propose, approve or reject, revoke, read.

The rules (enterprise only, ``sme_line`` only, the proposer never approves) live in
``origination.special_terms``; here each change is loaded, decided, saved and audited in one
transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from creditline.auth import Principal
from creditline.errors import NotFound
from creditline.money import money_str
from creditline.origination import special_terms as st
from creditline.origination.apply import business_date
from creditline.paging import Page, PageRequest
from creditline.uow import UnitOfWork


@dataclass(frozen=True)
class ProposeTerms:
    customer_id: str
    product: str
    limit: str | Decimal  # checked by the domain (a money string or Decimal)
    terms: str
    valid_until: date | None = None


@dataclass(frozen=True)
class DecideTerms:
    terms_id: str
    approve: bool
    comment: str | None = None


@dataclass(frozen=True)
class RevokeTerms:
    terms_id: str
    comment: str | None = None


def propose_terms(cmd: ProposeTerms, uow: UnitOfWork, actor: Principal) -> st.SpecialTerms:
    with uow:
        customer = uow.customers.get(cmd.customer_id)
        if customer is None:
            raise NotFound(f"customer {cmd.customer_id} not found")
        proposal = st.propose(terms_id=str(uuid.uuid4()), customer_id=customer.id,
                              customer_kind=customer.kind, product=cmd.product, limit=cmd.limit,
                              terms=cmd.terms, valid_until=cmd.valid_until,
                              today=business_date(uow), user_id=actor.user_id,
                              user_name=actor.name, at=uow.now())
        uow.special_terms.add(proposal)
        uow.audit(actor, "special_terms.proposed", "special_terms", proposal.id,
                  {"customer_id": customer.id, "product": cmd.product,
                   "limit": money_str(proposal.limit)})
        uow.commit()
    return proposal


def decide_terms(cmd: DecideTerms, uow: UnitOfWork, actor: Principal) -> st.SpecialTerms:
    """The checker approves or rejects a proposal (403 for the proposer)."""
    with uow:
        current = uow.special_terms.get(cmd.terms_id, for_update=True)
        if current is None:
            raise NotFound(f"special terms {cmd.terms_id} not found")
        decided: st.SpecialTerms = uow.special_terms.update(st.decide(
            current, approve=cmd.approve, user_id=actor.user_id, user_name=actor.name,
            comment=cmd.comment, at=uow.now()))
        uow.audit(actor, f"special_terms.{decided.status}", "special_terms", decided.id,
                  {"customer_id": decided.customer_id, "limit": money_str(decided.limit),
                   "proposed_by": decided.proposed_by_name, "comment": cmd.comment})
        uow.commit()
    return decided


def revoke_terms(cmd: RevokeTerms, uow: UnitOfWork, actor: Principal) -> st.SpecialTerms:
    with uow:
        current = uow.special_terms.get(cmd.terms_id, for_update=True)
        if current is None:
            raise NotFound(f"special terms {cmd.terms_id} not found")
        revoked: st.SpecialTerms = uow.special_terms.update(st.revoke(
            current, user_id=actor.user_id, user_name=actor.name, comment=cmd.comment,
            at=uow.now()))
        uow.audit(actor, "special_terms.revoked", "special_terms", revoked.id,
                  {"customer_id": revoked.customer_id, "comment": cmd.comment})
        uow.commit()
    return revoked


def get_terms(uow: UnitOfWork, terms_id: str) -> st.SpecialTerms:
    with uow:
        found: st.SpecialTerms | None = uow.special_terms.get(terms_id)
    if found is None:
        raise NotFound(f"special terms {terms_id} not found")
    return found


def list_terms(uow: UnitOfWork, customer_id: str | None, status: str | None,
               req: PageRequest | None = None) -> Page[st.SpecialTerms]:
    """A page of special terms, newest proposal first."""
    with uow:
        return uow.special_terms.page(customer_id, status, req or PageRequest())
