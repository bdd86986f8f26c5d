"""Customers and emergency contacts in SQL.

Identity numbers, phones and e-mail addresses are written only encrypted (``*_enc``,
AES-GCM via ``uow.cipher``); identity numbers and phones also get a keyed hash (``*_hash``,
HMAC-SHA256 of the normalised value) so duplicates and look-ups work without decrypting.
Rows are decrypted on load; masking is the API's job.  Contact additions lock the customer
row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite writers are already serialised by
``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from creditline.errors import ConcurrencyError, Conflict
from creditline.paging import Page, PageRequest
from creditline.parties.contacts import EmergencyContact
from creditline.parties.customers import Consents, Customer, Enterprise, Person
from creditline.parties.ports import CustomerQuery
from creditline.store import browse
from creditline.store.tables.foundation import customers, emergency_contacts

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork

# Built once with bind parameters (registration and every decision run these).
_GET = select(customers).where(customers.c.id == bindparam("id"))
_GET_LOCKED = _GET.with_for_update()
_EXISTS = select(customers.c.id).where(customers.c.id == bindparam("id"))
_ID_BY_ID_HASH = select(customers.c.id).where(customers.c.id_number_hash == bindparam("h"))
_CONTACTS = (select(emergency_contacts)
             .where(emergency_contacts.c.customer_id == bindparam("customer_id"))
             .order_by(emergency_contacts.c.position))


class SqlCustomerRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.cipher = uow.cipher
        self.postgres = uow.is_postgres

    # -- customers -------------------------------------------------------------------------
    def add(self, customer: Customer) -> None:
        row: dict[str, Any] = {
            "id": customer.id, "kind": customer.kind, "name": customer.name,
            "consents": customer.consents.as_dict(), "created_at": customer.created_at,
            "version": customer.version, "attributes": {},
            "phone_enc": self._enc(customer.phone), "phone_hash": self._hash(customer.phone),
            "language": customer.language, "time_zone": customer.time_zone,
        }
        if isinstance(customer, Person):
            row.update(id_number_enc=self._enc(customer.id_number),
                       id_number_hash=self._hash(customer.id_number),
                       email_enc=self._enc(customer.email),
                       monthly_income=customer.monthly_income, employment=customer.employment,
                       region=customer.region)
        else:
            row.update(uscc=customer.uscc, industry=customer.industry,
                       registered_on=customer.registered_on,
                       legal_representative=customer.legal_representative,
                       attributes=customer.attributes)
        # No savepoint: a duplicate ends the command (the caller's transaction rolls back).
        try:
            self.s.execute(insert(customers), row)
        except IntegrityError as exc:
            what = "uscc" if "uscc" in str(exc.orig) else "id_number"
            raise Conflict(f"{what}: a customer with this {what.replace('_', ' ')} is already "
                           "registered", details=[{"loc": [what], "msg": "already registered"}],
                           ) from None

    def get(self, customer_id: str, *, for_update: bool = False) -> Customer | None:
        row = self.s.execute(_GET_LOCKED if for_update else _GET, {"id": customer_id}).first()
        return None if row is None else self._customer(row)

    def exists(self, customer_id: str) -> bool:
        return self.s.execute(_EXISTS, {"id": customer_id}).first() is not None

    def id_number_taken(self, id_number: str) -> bool:
        return self.id_by_id_number(id_number) is not None

    def id_by_id_number(self, id_number: str) -> str | None:
        return self.s.execute(_ID_BY_ID_HASH, {"h": self._hash(id_number)}).scalar()

    def uscc_taken(self, uscc: str) -> bool:
        return self.s.execute(select(customers.c.id).where(customers.c.uscc == uscc)).first() is not None

    def page(self, query: CustomerQuery, req: PageRequest) -> Page[Customer]:
        """Filters run in SQL: phone and identity number by their keyed-hash columns (the
        statement carries only the hash), the name by ``lower(name) LIKE`` (names are stored
        in clear; SQLite lowers ASCII letters only)."""
        c = customers.c
        where: list[ColumnElement[bool]] = []
        if query.kind is not None:
            where.append(c.kind == query.kind)
        if query.created_from is not None:
            where.append(c.created_at >= browse.day_start(query.created_from, self.postgres))
        if query.created_to is not None:
            where.append(c.created_at < browse.day_after(query.created_to, self.postgres))
        if query.name is not None:
            where.append(func.lower(c.name).contains(query.name.lower(), autoescape=True))
        if query.phone_hash is not None:
            where.append(c.phone_hash == query.phone_hash)
        if query.id_number_hash is not None:
            where.append(c.id_number_hash == query.id_number_hash)
        if query.uscc is not None:
            where.append(c.uscc == query.uscc)
        return browse.page(self.s, select(customers), c.created_at, c.id, req,
                           lambda rows: [self._customer(r) for r in rows],
                           postgres=self.postgres, where=where)

    # -- emergency contacts ----------------------------------------------------------------
    def add_contact(self, c: EmergencyContact) -> None:
        try:
            self.s.execute(insert(emergency_contacts), {
                "id": c.id, "customer_id": c.customer_id, "position": c.position,
                "name": c.name, "relation": c.relation, "phone_enc": self._enc(c.phone),
                "phone_hash": self._hash(c.phone), "consent": c.consent,
                "consented_at": c.consented_at, "verification": c.verification,
                "created_at": c.created_at})
        except IntegrityError as exc:
            if "phone" in str(exc.orig):
                raise Conflict("phone: this customer already has an emergency contact with that "
                               "phone", details=[{"loc": ["phone"], "msg": "already listed"}],
                               ) from None
            raise ConcurrencyError("emergency contacts changed concurrently; retry") from None

    def contacts(self, customer_id: str) -> list[EmergencyContact]:
        rows = self.s.execute(_CONTACTS, {"customer_id": customer_id})
        return [EmergencyContact(
            id=r.id, customer_id=r.customer_id, position=r.position, name=r.name, relation=r.relation,
            phone=self.cipher.decrypt(r.phone_enc), consent=r.consent,
            consented_at=_aware(r.consented_at), verification=r.verification,
            created_at=_aware(r.created_at)) for r in rows]

    # -- look-ups by keyed hash (fraud linking) ----------------------------------------------
    def phone_hash(self, phone: str) -> str:
        return self.cipher.blind_index(phone)

    def ids_by_phone_hash(self, phone_hash: str) -> list[str]:
        return list(self.s.execute(select(customers.c.id).where(
            customers.c.phone_hash == phone_hash).order_by(customers.c.id)).scalars())

    def ids_by_contact_phone_hash(self, phone_hash: str) -> list[str]:
        return list(self.s.execute(select(emergency_contacts.c.customer_id).distinct().where(
            emergency_contacts.c.phone_hash == phone_hash)
            .order_by(emergency_contacts.c.customer_id)).scalars())

    # -- helpers ---------------------------------------------------------------------------
    def _enc(self, value: str | None) -> str | None:
        return None if value is None else self.cipher.encrypt(value)

    def _hash(self, value: str | None) -> str | None:
        return None if value is None else self.cipher.blind_index(value)

    def _dec(self, value: str | None) -> str | None:
        return None if value is None else self.cipher.decrypt(value)

    def _customer(self, r: Any) -> Customer:
        consents = Consents.from_dict(r.consents or {})
        created = _aware(r.created_at)
        if r.kind == Person.kind:
            return Person(id=r.id, name=r.name, id_number=self.cipher.decrypt(r.id_number_enc),
                          phone=self.cipher.decrypt(r.phone_enc), monthly_income=r.monthly_income,
                          consents=consents, created_at=created, email=self._dec(r.email_enc),
                          employment=r.employment, region=r.region, version=r.version,
                          language=r.language, time_zone=r.time_zone)
        attrs = r.attributes or {}
        return Enterprise(
            id=r.id, name=r.name, uscc=r.uscc, industry=r.industry, registered_on=r.registered_on,
            legal_representative=r.legal_representative, consents=consents, created_at=created,
            phone=self._dec(r.phone_enc), registered_capital=_dec_or_none(attrs.get("registered_capital")),
            annual_revenue=_dec_or_none(attrs.get("annual_revenue")),
            employees=attrs.get("employees"), address=attrs.get("address"), version=r.version,
            language=r.language, time_zone=r.time_zone)


def _dec_or_none(v: object) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def _aware(ts: datetime) -> datetime:
    """SQLite hands back naive datetimes for ``DateTime(timezone=True)``; they were UTC."""
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts
