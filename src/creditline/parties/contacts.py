"""Emergency contacts: people collections may call when a borrower cannot be reached — only
with the borrower's consent, and never told about the debt (see DESIGN, collections).

Rules, checked by ``new_contact`` on the business date:

- only persons have emergency contacts, and only under their ``emergency_contact`` consent
  (422 naming ``consents.emergency_contact`` otherwise);
- a contact's phone is a mainland mobile and not the customer's own (422 naming ``phone``);
- the same phone twice for one customer is a ``Conflict`` (409): it clashes with a record
  that already exists rather than being malformed;
- at most ``MAX_CONTACTS`` (3) per customer (422, reason ``contact_limit``).

Each contact records the consent it was added under (``emergency_contact:v1`` and when it
was given) and a verification status that starts ``unverified``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from creditline.errors import BusinessRuleViolation, Conflict, ValidationError
from creditline.parties.customers import Customer, Person
from creditline.parties.identity import check_mobile
from creditline.parties.validation import FieldErrors, one_of, text

RELATIONS = frozenset({"spouse", "parent", "child", "sibling", "relative", "friend", "colleague"})
MAX_CONTACTS = 3
UNVERIFIED, VERIFIED, FAILED = "unverified", "verified", "failed"
VERIFICATION_STATUSES = (UNVERIFIED, VERIFIED, FAILED)


@dataclass(frozen=True)
class EmergencyContact:
    id: str
    customer_id: str
    position: int  # 1..MAX_CONTACTS, the order collections calls them in
    name: str
    relation: str
    phone: str
    consent: str  # the consent it was given under, e.g. "emergency_contact:v1"
    consented_at: datetime
    verification: str
    created_at: datetime


def new_contact(*, contact_id: str, customer: Customer, existing: Sequence[EmergencyContact],
                name: object, relation: object, phone: object, now: datetime) -> EmergencyContact:
    """A new contact for ``customer`` given its current contacts, or the rule it breaks."""
    if not isinstance(customer, Person):
        raise BusinessRuleViolation("only persons have emergency contacts; "
                                    f"customer {customer.id} is an {customer.kind}",
                                    reason="not_a_person")
    if not customer.consents.emergency_contact:
        raise ValidationError("consents.emergency_contact",
                              "the customer has not consented to emergency contacts")
    errs = FieldErrors()
    name_v = errs.check(text, name, "name", max_len=200)
    relation_v = errs.check(one_of, relation, "relation", RELATIONS)
    phone_v = errs.check(check_mobile, phone, "phone")
    if phone_v is not None and phone_v == customer.phone:
        errs.add("phone", "must not be the customer's own phone")
    errs.raise_if_any()
    assert name_v and relation_v and phone_v
    if any(c.phone == phone_v for c in existing):
        raise Conflict("phone: this customer already has an emergency contact with that phone",
                       details=[{"loc": ["phone"], "msg": "already listed"}])
    if len(existing) >= MAX_CONTACTS:
        raise BusinessRuleViolation(
            f"a customer may have at most {MAX_CONTACTS} emergency contacts",
            reason="contact_limit",
            details=[{"loc": ["emergency_contacts"], "msg": f"at most {MAX_CONTACTS}"}])
    consents = customer.consents
    return EmergencyContact(id=contact_id, customer_id=customer.id,
                            position=max((c.position for c in existing), default=0) + 1, name=name_v,
                            relation=relation_v, phone=phone_v,
                            consent=consents.reference("emergency_contact"),
                            consented_at=consents.given_at or now, verification=UNVERIFIED,
                            created_at=now)
