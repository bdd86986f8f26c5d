"""Emergency contact rules in the pure domain."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from creditline.errors import BusinessRuleViolation, Conflict, ValidationError
from creditline.parties.contacts import MAX_CONTACTS, EmergencyContact, new_contact
from creditline.parties.customers import (
    Customer,
    Person,
    register_enterprise,
    register_person,
)

TODAY = date(2026, 3, 2)
REGISTERED = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
LATER = REGISTERED + timedelta(days=3)


def borrower(emergency_contact: bool = True) -> Person:
    return register_person(
        customer_id="c1", name="Zhang San", id_number="11010519491231002X", phone="13812345678",
        monthly_income="9000", today=TODAY, now=REGISTERED,
        consents={"credit_check": True, "data_processing": True,
                  "emergency_contact": emergency_contact})


def add(customer: Customer, existing: list[EmergencyContact], phone: str,
        relation: str = "parent") -> EmergencyContact:
    return new_contact(contact_id=f"k{len(existing)}", customer=customer, existing=existing,
                       name="Zhang Wei", relation=relation, phone=phone, now=LATER)


def test_a_contact_records_the_consent_it_was_given_under_and_starts_unverified() -> None:
    c = add(borrower(), [], "+86 139 0000 0001", relation="Spouse")
    assert (c.phone, c.relation, c.verification) == ("13900000001", "spouse", "unverified")
    assert c.consent == "emergency_contact:v1" and c.consented_at == REGISTERED
    assert c.created_at == LATER and c.position == 1


def test_no_contacts_without_the_emergency_contact_consent() -> None:
    with pytest.raises(ValidationError) as err:
        add(borrower(emergency_contact=False), [], "13900000001")
    assert err.value.field == "consents.emergency_contact"


def test_the_customers_own_phone_is_not_an_emergency_contact() -> None:
    with pytest.raises(ValidationError) as err:
        add(borrower(), [], "138-1234-5678")
    assert err.value.field == "phone" and "own phone" in err.value.rule


def test_at_most_three_contacts_and_no_phone_twice() -> None:
    p = borrower()
    contacts: list[EmergencyContact] = []
    for i in range(MAX_CONTACTS):
        contacts.append(add(p, contacts, f"1390000000{i}"))
    assert [c.position for c in contacts] == [1, 2, 3]
    with pytest.raises(Conflict, match="phone"):
        add(p, contacts[:2], "13900000000")
    with pytest.raises(BusinessRuleViolation) as err:
        add(p, contacts, "13900000009")
    assert err.value.reason == "contact_limit"


def test_relation_and_fields_are_checked() -> None:
    with pytest.raises(ValidationError) as err:
        new_contact(contact_id="k", customer=borrower(), existing=[], name="", relation="boss",
                    phone="12", now=LATER)
    assert [d["loc"] for d in err.value.details] == [["name"], ["relation"], ["phone"]]


def test_enterprises_have_no_emergency_contacts() -> None:
    e = register_enterprise(customer_id="e1", name="Example Trading", uscc="91110000600037341L",
                            industry="F", registered_on="2012-05-08", legal_representative="Li Si",
                            consents={"emergency_contact": True}, today=TODAY, now=REGISTERED)
    with pytest.raises(BusinessRuleViolation) as err:
        add(e, [], "13900000001")
    assert err.value.reason == "not_a_person"
