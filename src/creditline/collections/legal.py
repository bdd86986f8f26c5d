"""A legal referral: the package a lawyer needs to take a case to court -- the contract
terms of the line, its statements, the case's bucket history and promises, and every
contact attempt (allowed or refused) -- assembled once, stored with its SHA-256, and
rendered as HTML from the same JSON."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from creditline.auth import Principal
from creditline.calendar.services import current_business_date
from creditline.collections.ports import Referral
from creditline.errors import BusinessRuleViolation, Conflict, NotFound
from creditline.reporting.html import render
from creditline.uow import UnitOfWork

TEMPLATES = Path(__file__).parent / "templates"


def _plain(obj: Any) -> Any:
    """JSON-safe: decimals and dates as their text (``str``), enums as their values."""
    return json.loads(json.dumps(obj, default=str, ensure_ascii=False))


def package_hash(package: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(package, sort_keys=True, ensure_ascii=False)
                          .encode()).hexdigest()


@dataclass(frozen=True)
class ReferToLegal:
    case_id: str


def refer_to_legal(cmd: ReferToLegal, uow: UnitOfWork, actor: Principal) -> Referral:
    with uow:
        case = uow.collection_cases.get(cmd.case_id, lock=True)
        if case is None:
            raise NotFound(f"collection case {cmd.case_id} not found")
        if not case.active:
            raise BusinessRuleViolation(f"case {case.id} is {case.status}", reason="case_closed")
        if uow.agencies.referral(case.id) is not None:
            raise Conflict(f"case {case.id} has been referred to legal already")
        line = uow.lines.get(case.line_id)
        if line is None:
            raise NotFound(f"credit line {case.line_id} not found")
        customer = uow.customers.get(case.customer_id)
        today = current_business_date(uow)
        package = _plain({
            "case": {"id": case.id, "status": case.status, "bucket": case.bucket,
                     "opened_on": case.opened_on, "past_due": line.past_due,
                     "days_past_due": line.dpd, "escalation": case.escalation},
            "debtor": {"customer_id": case.customer_id,
                       "name": customer.name if customer else None,
                       "id_number": getattr(customer, "id_number", None)
                       or getattr(customer, "uscc", None),
                       "phone": customer.phone if customer else None},
            "contract": {"line_id": line.id, "product": line.product,
                         "product_version": line.product_version, "currency": line.currency,
                         "limit": line.limit, "opened_on": line.opened_on,
                         "statement_day": line.statement_day, "grace_days": line.grace_days,
                         "penalty_rate_daily": line.penalty_rate, "min_share": line.min_share,
                         "min_floor": line.min_floor, "terms": line.terms},
            "balances": {"principal_unbilled": line.principal_unbilled,
                         "principal_billed": line.principal_billed, "fees": line.fee,
                         "interest": line.interest_accrued + line.interest_billed,
                         "penalties": line.penalty, "credit_balance": line.credit_balance,
                         "payoff": line.payoff_amount, "past_due": line.past_due},
            "statements": [asdict(s) for s in uow.statements.of_line(line.id)],
            "bucket_history": [asdict(s) for s in uow.collection_cases.spells(case.id)],
            "promises": [asdict(p) for p in uow.collection_cases.promises(case.id)],
            "contacts": [asdict(c) for c in uow.contact_log.for_case(case.id)],
            "referred_on": today, "referred_by": actor.name,
        })
        referral = Referral(str(uuid.uuid4()), case.id, today, actor.name, package,
                            package_hash(package))
        uow.agencies.add_referral(referral)
        uow.audit(actor, "collections.legal_referral", "collection_case", case.id,
                  {"referral_id": referral.id, "sha256": referral.sha256})
        uow.commit()
    return referral


def get_referral(case_id: str, uow: UnitOfWork) -> Referral:
    with uow:
        r = uow.agencies.referral(case_id)
    if r is None:
        raise NotFound(f"case {case_id} has no legal referral")
    return r


def referral_html(referral: Referral) -> str:
    return render(TEMPLATES, "legal_referral.html.j2", p=referral.package,
                  sha256=referral.sha256, referral_id=referral.id)
