"""The parties use cases against a fake unit of work (no database): what each command
writes, audits and announces, and that a refused command leaves nothing behind."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from creditline.auth import Principal, Role
from creditline.clock import FixedClock
from creditline.errors import Conflict, NotFound, ValidationError
from creditline.parties import services
from creditline.parties.contacts import EmergencyContact
from creditline.parties.customers import Customer, Enterprise, Person

OFFICER = Principal("u1", "officer", Role.RISK_OFFICER)


@dataclass
class FakeCustomers:
    """An in-memory ``CustomerRepository``; the 'hash' is the value itself."""

    rows: dict[str, Customer] = field(default_factory=dict)
    contact_rows: list[EmergencyContact] = field(default_factory=list)

    def add(self, customer: Customer) -> None:
        self.rows[customer.id] = customer

    def get(self, customer_id: str, *, for_update: bool = False) -> Customer | None:
        return self.rows.get(customer_id)

    def id_number_taken(self, id_number: str) -> bool:
        return self.id_by_id_number(id_number) is not None

    def id_by_id_number(self, id_number: str) -> str | None:
        return next((c.id for c in self.rows.values()
                     if isinstance(c, Person) and c.id_number == id_number), None)

    def uscc_taken(self, uscc: str) -> bool:
        return any(isinstance(c, Enterprise) and c.uscc == uscc for c in self.rows.values())

    def add_contact(self, contact: EmergencyContact) -> None:
        self.contact_rows.append(contact)

    def contacts(self, customer_id: str) -> list[EmergencyContact]:
        return [c for c in self.contact_rows if c.customer_id == customer_id]

    def phone_hash(self, phone: str) -> str:
        return phone

    def ids_by_phone_hash(self, phone_hash: str) -> list[str]:
        return sorted(c.id for c in self.rows.values() if c.phone == phone_hash)

    def ids_by_contact_phone_hash(self, phone_hash: str) -> list[str]:
        return sorted({c.customer_id for c in self.contact_rows if c.phone == phone_hash})


class UnsetCalendar:
    """A store whose business date no one has set: it follows the clock."""

    def get(self, *, lock: bool = False) -> None:
        return None


class FakeUnitOfWork:
    """Stages writes and publishes them to ``committed`` only on ``commit()``."""

    def __init__(self) -> None:
        self.clock = FixedClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
        self.calendar = UnsetCalendar()
        self.committed = FakeCustomers()
        self.audits: list[tuple[str, str, str]] = []
        self.events: list[tuple[str, dict[str, Any]]] = []

    def __enter__(self) -> FakeUnitOfWork:
        self.customers = FakeCustomers(dict(self.committed.rows), list(self.committed.contact_rows))
        self._audits: list[tuple[str, str, str]] = []
        self._events: list[tuple[str, dict[str, Any]]] = []
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def commit(self) -> None:
        self.committed = self.customers
        self.audits += self._audits
        self.events += self._events

    def rollback(self) -> None:
        pass

    def audit(self, actor: Principal, action: str, entity: str, entity_id: str,
              details: dict[str, Any] | None = None) -> None:
        self._audits.append((actor.name, action, entity_id))

    def emit(self, topic: str, payload: dict[str, Any]) -> None:
        self._events.append((topic, payload))

    def now(self) -> datetime:
        return self.clock.now()

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(name)  # no other repositories in this fake


def person(id_number: str = "11010519491231002X", phone: str = "13812345678",
           **consents: bool) -> services.RegisterPerson:
    return services.RegisterPerson(
        name="Zhang San", id_number=id_number, phone=phone, monthly_income="8000.00",
        consents={"credit_check": True, "data_processing": True, "emergency_contact": True,
                  **consents})


def test_registering_audits_and_announces_the_customer() -> None:
    uow = FakeUnitOfWork()
    c = services.register_customer(person(), uow, OFFICER)
    assert uow.committed.rows[c.id] == c
    assert uow.audits == [("officer", "customer.registered", c.id)]
    assert uow.events == [("customer.registered", {"customer_id": c.id, "kind": "person"})]
    assert c.created_at == uow.now()


def test_a_duplicate_or_invalid_registration_writes_nothing() -> None:
    uow = FakeUnitOfWork()
    services.register_customer(person(), uow, OFFICER)
    with pytest.raises(Conflict, match="id_number"):
        services.register_customer(person(phone="13900000000"), uow, OFFICER)
    with pytest.raises(ValidationError):
        services.register_customer(person("360426199101010071", credit_check=False), uow,
                                   OFFICER)
    assert len(uow.committed.rows) == 1 and len(uow.audits) == 1


def test_the_business_date_comes_from_the_clock() -> None:
    uow = FakeUnitOfWork()
    uow.clock.set_date(uow.clock.today().replace(year=1967))  # 1949-born holder is then 17
    with pytest.raises(ValidationError, match="18 or older on 1967-03-02"):
        services.register_customer(person(), uow, OFFICER)


def test_contacts_are_added_listed_and_linked_by_phone() -> None:
    uow = FakeUnitOfWork()
    a = services.register_customer(person(), uow, OFFICER)
    b = services.register_customer(person("360426199101010071", "13900000001"), uow, OFFICER)
    services.add_emergency_contact(services.AddEmergencyContact(a.id, "Li", "friend",
                                                                "13700000000"), uow, OFFICER)
    services.add_emergency_contact(services.AddEmergencyContact(b.id, "Li", "friend",
                                                                "13700000000"), uow, OFFICER)
    services.add_emergency_contact(services.AddEmergencyContact(b.id, "Zhang", "colleague",
                                                                "13812345678"), uow, OFFICER)
    assert [c.relation for c in services.list_contacts(b.id, uow)] == ["friend", "colleague"]
    links = services.phone_links(a.id, uow)
    assert links.listed_as_contact_by == [b.id]   # b lists a's own phone
    assert links.shared_contact == [b.id]         # both list 137 0000 0000
    assert links.same_phone == [] and links.all == [b.id]
    assert [action for _, action, _ in uow.audits].count("customer.emergency_contact_added") == 3


def test_unknown_customers_are_not_found() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(NotFound):
        services.get_customer("nope", uow)
    with pytest.raises(NotFound):
        services.add_emergency_contact(services.AddEmergencyContact("nope", "Li", "friend",
                                                                    "13700000000"), uow, OFFICER)
