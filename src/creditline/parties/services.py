"""Use cases for customers and their emergency contacts.  Each change is written, audited
and announced (outbox) in one transaction; a failed command writes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from creditline.auth import Principal
from creditline.calendar.services import current_business_date
from creditline.errors import Conflict, NotFound, ValidationError
from creditline.paging import Page, PageRequest, check_filters
from creditline.parties.contacts import EmergencyContact, new_contact
from creditline.parties.customers import (
    Customer,
    Enterprise,
    Person,
    register_enterprise,
    register_person,
)
from creditline.parties.identity import check_id_number, check_mobile, check_uscc
from creditline.parties.ports import CustomerQuery
from creditline.uow import UnitOfWork


@dataclass(frozen=True)
class RegisterPerson:
    """Raw input as the caller sent it; the domain checks every field."""

    name: object
    id_number: object
    phone: object
    monthly_income: object
    consents: Mapping[str, object] | None = None
    email: object = None
    employment: object = None
    region: object = None
    language: object = None  # zh (default) | en: the language of the customer's messages
    time_zone: object = None  # IANA zone, default Asia/Shanghai (reminders' daytime hours)


@dataclass(frozen=True)
class RegisterEnterprise:
    name: object
    uscc: object
    industry: object
    registered_on: object
    legal_representative: object
    consents: Mapping[str, object] | None = None
    phone: object = None
    registered_capital: object = None
    annual_revenue: object = None
    employees: object = None
    address: object = None
    language: object = None  # zh (default) | en
    time_zone: object = None  # IANA zone, default Asia/Shanghai


@dataclass(frozen=True)
class AddEmergencyContact:
    customer_id: str
    name: object
    relation: object
    phone: object


@dataclass(frozen=True)
class PhoneLinks:
    """Other customers tied to one through a phone number — what the fraud screen looks at
    when applicants share a phone or list the same emergency contact."""

    customer_id: str
    same_phone: list[str] = field(default_factory=list)
    listed_as_contact_by: list[str] = field(default_factory=list)
    shared_contact: list[str] = field(default_factory=list)

    @property
    def all(self) -> list[str]:
        return sorted(set(self.same_phone) | set(self.listed_as_contact_by) | set(self.shared_contact))


def business_date(uow: UnitOfWork) -> date:
    """The book's business date (``creditline.calendar``), not the wall clock's."""
    return current_business_date(uow)


def register_customer(cmd: RegisterPerson | RegisterEnterprise, uow: UnitOfWork,
                      actor: Principal) -> Customer:
    """Register a person or an enterprise; 422 for a broken field, 409 for a duplicate
    identity number or USCC (checked here, and by a unique index for concurrent requests)."""
    customer = _build(cmd, str(uuid.uuid4()), uow)  # validate before taking any lock
    with uow:
        repo = uow.customers
        if isinstance(customer, Person) and repo.id_number_taken(customer.id_number):
            raise Conflict("id_number: a customer with this identity number is already registered",
                           details=[{"loc": ["id_number"], "msg": "already registered"}])
        if isinstance(customer, Enterprise) and repo.uscc_taken(customer.uscc):
            raise Conflict("uscc: an enterprise with this Unified Social Credit Code is already "
                           "registered", details=[{"loc": ["uscc"], "msg": "already registered"}])
        repo.add(customer)
        details: dict[str, object] = {"kind": customer.kind,
                                      "consents": customer.consents.as_dict()}
        if isinstance(customer, Enterprise):
            details["uscc"] = customer.uscc  # public register data; persons' ids never go here
        uow.audit(actor, "customer.registered", "customer", customer.id, details)
        uow.emit("customer.registered", {"customer_id": customer.id, "kind": customer.kind})
        uow.commit()
    return customer


def _build(cmd: RegisterPerson | RegisterEnterprise, customer_id: str, uow: UnitOfWork) -> Customer:
    today, now = business_date(uow), uow.now()
    if isinstance(cmd, RegisterPerson):
        return register_person(
            customer_id=customer_id, name=cmd.name, id_number=cmd.id_number, phone=cmd.phone,
            monthly_income=cmd.monthly_income, consents=cmd.consents, email=cmd.email,
            employment=cmd.employment, region=cmd.region, language=cmd.language,
            time_zone=cmd.time_zone, today=today, now=now)
    return register_enterprise(
        customer_id=customer_id, name=cmd.name, uscc=cmd.uscc, industry=cmd.industry,
        registered_on=cmd.registered_on, legal_representative=cmd.legal_representative,
        consents=cmd.consents, phone=cmd.phone, registered_capital=cmd.registered_capital,
        annual_revenue=cmd.annual_revenue, employees=cmd.employees, address=cmd.address,
        language=cmd.language, time_zone=cmd.time_zone, today=today, now=now)


def get_customer(customer_id: str, uow: UnitOfWork) -> Customer:
    with uow:
        customer: Customer | None = uow.customers.get(customer_id)
    if customer is None:
        raise NotFound(f"customer {customer_id!r} not found")
    return customer


def add_emergency_contact(cmd: AddEmergencyContact, uow: UnitOfWork,
                          actor: Principal) -> EmergencyContact:
    """Add a contact.  The customer row is locked first, so two concurrent additions cannot
    both see two contacts and make it four (SQLite serialises writers anyway)."""
    with uow:
        repo = uow.customers
        customer = repo.get(cmd.customer_id, for_update=True)
        if customer is None:
            raise NotFound(f"customer {cmd.customer_id!r} not found")
        contact = new_contact(contact_id=str(uuid.uuid4()), customer=customer,
                              existing=repo.contacts(customer.id), name=cmd.name,
                              relation=cmd.relation, phone=cmd.phone, now=uow.now())
        repo.add_contact(contact)
        uow.audit(actor, "customer.emergency_contact_added", "customer", customer.id,
                  {"contact_id": contact.id, "relation": contact.relation,
                   "consent": contact.consent, "verification": contact.verification})
        uow.commit()
    return contact


def list_contacts(customer_id: str, uow: UnitOfWork) -> list[EmergencyContact]:
    with uow:
        if uow.customers.get(customer_id) is None:
            raise NotFound(f"customer {customer_id!r} not found")
        contacts: list[EmergencyContact] = uow.customers.contacts(customer_id)
    return contacts


def phone_links(customer_id: str, uow: UnitOfWork) -> PhoneLinks:
    """Customers sharing this customer's phone, listing it as a contact, or sharing one of
    its contacts' phones (by keyed hash: nothing is decrypted to find them)."""
    with uow:
        repo = uow.customers
        customer = repo.get(customer_id)
        if customer is None:
            raise NotFound(f"customer {customer_id!r} not found")
        links = PhoneLinks(customer_id)
        if customer.phone:
            h = repo.phone_hash(customer.phone)
            links.same_phone.extend(repo.ids_by_phone_hash(h))
            links.listed_as_contact_by.extend(repo.ids_by_contact_phone_hash(h))
        for c in repo.contacts(customer_id):
            links.shared_contact.extend(repo.ids_by_contact_phone_hash(repo.phone_hash(c.phone)))
    for bucket in (links.same_phone, links.listed_as_contact_by, links.shared_contact):
        kept = sorted(set(bucket) - {customer_id})
        bucket[:] = kept
    return links


# ----- browsing

@dataclass(frozen=True)
class ListCustomers:
    """Filters as the caller sent them.  ``phone``, ``id_number`` and ``uscc`` are normalised
    the way registration normalises them (so ``+86 138-1234-5678`` finds ``13812345678``);
    phone and identity number are then hashed with the blind-index key before they reach the
    store, so the clear value is never in a SQL statement."""

    kind: str | None = None
    created_from: date | None = None
    created_to: date | None = None
    name: str | None = None
    phone: str | None = None
    id_number: str | None = None
    uscc: str | None = None
    page: PageRequest = field(default_factory=PageRequest)


def list_customers(cmd: ListCustomers, uow: UnitOfWork, actor: Principal) -> Page[Customer]:
    """A page of customers (``customers:read``); masking is the caller's answer's job."""
    actor.require("customers:read")
    check_filters(kind=cmd.kind, name=cmd.name, phone=cmd.phone, id_number=cmd.id_number,
                  uscc=cmd.uscc)
    if cmd.kind is not None and cmd.kind not in ("person", "enterprise"):
        raise ValidationError("kind", "must be person or enterprise")
    if cmd.created_from and cmd.created_to and cmd.created_from > cmd.created_to:
        raise ValidationError("created_to", "must not be before created_from")
    name = None
    if cmd.name is not None:
        name = cmd.name.strip()
        if not 1 <= len(name) <= 200:
            raise ValidationError("name", "must be 1 to 200 characters")
    # ``today`` only bounds a birth date; a number that validated at registration validates now.
    idn = None if cmd.id_number is None else check_id_number(cmd.id_number, "id_number",
                                                            today=date.max)
    phone = None if cmd.phone is None else check_mobile(cmd.phone, "phone")
    uscc = None if cmd.uscc is None else check_uscc(cmd.uscc, "uscc")
    with uow:
        query = CustomerQuery(
            kind=cmd.kind, created_from=cmd.created_from, created_to=cmd.created_to, name=name,
            phone_hash=None if phone is None else uow.cipher.blind_index(phone),
            id_number_hash=None if idn is None else uow.cipher.blind_index(idn), uscc=uscc)
        return uow.customers.page(query, cmd.page)
