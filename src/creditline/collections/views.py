"""What collections hands to entrypoints: cases as a collector or a supervisor may see
them (personal data masked except what a call needs), queue items, agency figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from creditline.collections.cases import BucketSpell, Case, Promise
from creditline.collections.ports import ContactRecord
from creditline.parties.customers import Customer, Person
from creditline.parties.identity import mask_email, mask_id_number, mask_phone


@dataclass(frozen=True)
class Debtor:
    """The debtor as the viewer may see them.  A collector working the case gets the name
    and the phone unmasked (a call needs them) and the identity number masked (its last four
    digits verify who answers); anyone else gets the phone masked too; ``collections:read_pii``
    sees everything."""

    customer_id: str
    name: str
    phone: str | None
    id_number: str | None
    email: str | None


def debtor_view(customer: Customer | None, customer_id: str, *, call: bool, pii: bool) -> Debtor:
    if customer is None:
        return Debtor(customer_id, "", None, None, None)
    phone = customer.phone
    if isinstance(customer, Person):
        idn: str | None = customer.id_number
        email = customer.email
    else:
        idn, email = customer.uscc, None
    if pii:
        return Debtor(customer_id, customer.name, phone, idn, email)
    return Debtor(customer_id, customer.name,
                  phone if call or phone is None else mask_phone(phone),
                  None if idn is None else mask_id_number(idn),
                  None if email is None else mask_email(email))


@dataclass(frozen=True)
class QueueItem:
    case: Case
    bucket_name: str
    debtor: Debtor
    collectable: Decimal
    next_promise: Promise | None
    priority: tuple[int, int, int, int]  # lower first (see ``queue.priority``)


@dataclass(frozen=True)
class CaseDetail:
    case: Case
    bucket_name: str
    debtor: Debtor
    on_hold: bool
    spells: list[BucketSpell] = field(default_factory=list)
    promises: list[Promise] = field(default_factory=list)
    contacts: list[ContactRecord] = field(default_factory=list)
    placed_with: str | None = None
    relief: str | None = None  # the regional relief covering the debtor today, and why


@dataclass(frozen=True)
class AgencyPerformance:
    agency_id: str
    name: str
    commission_rate: Decimal
    placements: int
    active: int
    recovered: Decimal
    commission: Decimal
    contacts: int
    as_of: date
