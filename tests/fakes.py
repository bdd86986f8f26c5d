"""An in-memory unit of work: every repository Protocol of ``creditline.uow.UnitOfWork``
over plain dicts and lists, so use cases run without a database (cosmicpython's fake UoW).

Writes are made on a copy of the committed state taken when the outermost ``with uow:``
begins and become visible only on ``commit()``; leaving the block without it throws them
away, as a rolled-back transaction would.  Audit entries and outbox events are kept the same
way (``uow.audits``, ``uow.events``).

What it does not do: end of day's column I/O (``uow.eod_columns.lines / installments /
write``) and audit-chain verification (``uow.audit_log.verify / anchor / heads``) refuse with
``NotImplementedError``; test those against SQLite or PostgreSQL.
Identity hashes are the real keyed hash (a ``FieldCipher`` with a test secret).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import numpy as np

from creditline.access.ports import SessionRecord
from creditline.audit import Anchor, AuditEntry, ChainReport, StreamHead
from creditline.auth import Principal, Role
from creditline.calendar.ports import CalendarState
from creditline.clock import FixedClock
from creditline.closure.negotiation import (  # closure
    Negotiation,
    negotiation_from_json,
    negotiation_json,
)
from creditline.closure.plans import Plan  # closure
from creditline.closure.ports import RequestQuery  # closure
from creditline.closure.request import OPEN as OPEN_REQUESTS  # closure
from creditline.closure.request import (  # closure
    ClosureRequest,
    RequestStatus,
    request_from_json,
    request_json,
)
from creditline.collections.cases import BucketSpell, Case, Promise, PromiseStatus  # collections
from creditline.collections.compliance import PastContact  # collections
from creditline.collections.ports import (  # collections
    Agency,
    AgencyFigures,
    ContactRecord,
    Placement,
    Referral,
)
from creditline.crypto import FieldCipher
from creditline.documents.document import Document
from creditline.errors import ConcurrencyError, Conflict, NotFound
from creditline.fraud.blacklist import BlacklistEntry
from creditline.fraud.rings import Link
from creditline.fraud.velocity import ApplicationKeys, PastApplication
from creditline.ledger.journal import JournalEntry, UnbalancedEntry, check_columns
from creditline.lines.behaviour_ports import StrategySettings
from creditline.lines.holds import HeldPurchase, TriggerRecord
from creditline.lines.limits import LimitEvent
from creditline.lines.line import Line
from creditline.lines.ports import LineQuery
from creditline.lines.proposals import LimitProposal, ProposalStatus
from creditline.lines.ramp import LimitRamp
from creditline.lines.reviews import ReviewCase
from creditline.lines.sectors import ActionStatus, SectorAction, SectorFlag
from creditline.lines.status import LineStatus
from creditline.lines.triggers import Activity, PastPurchase
from creditline.money import ZERO
from creditline.notify.messages import Message
from creditline.notify.ports import Counts, MessageQuery, Recipient
from creditline.origination.application import DECLINED, REFERRED, Application
from creditline.origination.ports import ApplicationQuery
from creditline.origination.review import Review
from creditline.origination.special_terms import APPROVED, SpecialTerms
from creditline.paging import Page, PageKey, PageRequest, SeqPage, SeqPageRequest
from creditline.parties.contacts import EmergencyContact
from creditline.parties.customers import Customer, Enterprise, Person
from creditline.parties.ports import CustomerQuery
from creditline.ports import OutboxEvent
from creditline.scoring.registry import ModelRecord, ModelStatus
from creditline.servicing.model import Installment, PurchaseRecord
from creditline.servicing.ports import PurchaseQuery
from creditline.servicing.statements import Statement
from creditline.store.types import from_cents
from creditline.uow import UnitOfWork

_T = TypeVar("_T")
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def fake_page(rows: Iterable[_T], req: PageRequest, *, newest_first: bool = False,
              key: Any = None) -> Page[_T]:
    """The SQL keyset page over a list: ``key(row)`` is its ``PageKey`` (by default the
    row's ``created_at`` and ``id``)."""
    keyof = key or (lambda r: PageKey(r.created_at, r.id))
    ordered = sorted(rows, key=lambda r: (keyof(r).utc(), keyof(r).id), reverse=newest_first)
    total = len(ordered)
    if req.after is not None:
        a = (req.after.utc(), req.after.id)
        ordered = [r for r in ordered
                   if ((keyof(r).utc(), keyof(r).id) < a if newest_first
                       else (keyof(r).utc(), keyof(r).id) > a)]
    items = ordered[:req.limit]
    more = len(ordered) > req.limit
    return Page(items, keyof(items[-1]) if more and items else None, total)


def _fingerprint(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class State:
    """Everything the fake store holds; copied whole at the start of a transaction."""

    users: dict[str, tuple[Principal, str, bool]] = field(default_factory=dict)
    idempotency: dict[tuple[str, str], tuple[str, dict[str, Any]]] = field(default_factory=dict)
    customers: dict[str, Customer] = field(default_factory=dict)
    contacts: list[EmergencyContact] = field(default_factory=list)
    models: dict[str, ModelRecord] = field(default_factory=dict)
    applications: dict[str, Application] = field(default_factory=dict)
    reviews: dict[str, Review] = field(default_factory=dict)
    blacklist: dict[str, BlacklistEntry] = field(default_factory=dict)
    special_terms: dict[str, SpecialTerms] = field(default_factory=dict)
    lines: dict[str, Line] = field(default_factory=dict)
    limit_events: list[LimitEvent] = field(default_factory=list)
    limit_ramps: dict[str, LimitRamp] = field(default_factory=dict)  # fraudq: limit ramp
    limit_proposals: dict[str, LimitProposal] = field(default_factory=dict)
    purchases: dict[str, tuple[PurchaseRecord, str]] = field(default_factory=dict)
    installments: dict[tuple[str, int], tuple[str, Installment]] = field(default_factory=dict)
    repayments: dict[str, dict[str, Any]] = field(default_factory=dict)
    returns: dict[str, dict[str, Any]] = field(default_factory=dict)
    statements: dict[str, list[Statement]] = field(default_factory=dict)
    journal: list[JournalEntry] = field(default_factory=list)
    # bulk postings: (entry id, line id, account, cents)
    bulk_postings: list[tuple[str, str | None, str, int]] = field(default_factory=list)
    calendar: CalendarState | None = None
    # notify: messages by id, and the outbox events (by position in ``uow.events``) relayed
    messages: dict[str, Message] = field(default_factory=dict)
    relayed: set[int] = field(default_factory=set)
    # closure (issue 14): documents as the store keeps them
    closure_requests: dict[str, dict[str, Any]] = field(default_factory=dict)
    closure_plans: dict[str, dict[str, Any]] = field(default_factory=dict)
    negotiations: dict[str, dict[str, Any]] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)  # documents context
    # console (issue 19): user id -> {password_hash, locale}; session id hash -> record
    console_users: dict[str, dict[str, Any]] = field(default_factory=dict)
    console_sessions: dict[str, SessionRecord] = field(default_factory=dict)
    collections: FakeCollectionsState = field(default_factory=lambda: FakeCollectionsState())
    # issue 13, triggers lane: held purchases and triggers fired
    held_purchases: dict[str, HeldPurchase] = field(default_factory=dict)
    trigger_events: list[TriggerRecord] = field(default_factory=list)
    sector_flags: dict[str, SectorFlag] = field(default_factory=dict)
    sector_actions: dict[str, SectorAction] = field(default_factory=dict)
    review_cases: dict[str, ReviewCase] = field(default_factory=dict)
    # behaviour scoring and limit strategy (issue 13): line id -> (opted out, at, by)
    strategy_settings: dict[str, tuple[bool, datetime | None, str | None]] = field(
        default_factory=dict)


# ----------------------------------------------------------------------------- foundation
class FakeUsers:
    def __init__(self, st: State) -> None:
        self.st = st

    def add(self, name: str, role: Role, token_hash: str) -> Principal:
        p = Principal(f"user-{len(self.st.users) + 1}", name, role)
        self.st.users[p.user_id] = (p, token_hash, True)
        return p

    def exists(self, name: str) -> bool:
        return any(p.name == name for p, _, _ in self.st.users.values())

    def by_token_hash(self, token_hash: str) -> Principal | None:
        return next((p for p, h, active in self.st.users.values()
                     if h == token_hash and active), None)


class FakeAuditLog:
    """Reads the audit entries committed so far.  They are not chained or signed (that is the
    store's job, tested against SQLite and PostgreSQL), so ``verify``, ``anchor`` and
    ``heads`` refuse."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    def _entries(self) -> list[AuditEntry]:
        return [AuditEntry(seq=i + 1, stream=0, stream_seq=i + 1, at=at, actor=actor,
                           action=action, entity=entity, entity_id=entity_id, details=details,
                           prev_hash="", hash="")
                for i, (at, actor, action, entity, entity_id, details)
                in enumerate(self.uow.audits)]

    def verify(self, anchor: Anchor | None = None) -> ChainReport:
        raise NotImplementedError("the in-memory audit log is not chained: verify on a database")

    def anchor(self, at: datetime) -> tuple[Anchor, ChainReport]:
        raise NotImplementedError("the in-memory audit log is not chained: anchor on a database")

    def heads(self) -> dict[int, StreamHead]:
        raise NotImplementedError("the in-memory audit log is not chained: no stream heads")

    def iterate(self, batch: int = 5000) -> Iterator[AuditEntry]:
        return iter(self._entries())

    def page(self, *, after: int = 0, limit: int = 100, entity: str | None = None,
             entity_id: str | None = None) -> list[AuditEntry]:
        return [e for e in self._entries() if e.seq > after
                and (entity is None or e.entity == entity)
                and (entity_id is None or e.entity_id == entity_id)][:limit]

    def count(self) -> int:
        return len(self.uow.audits)

    def count_where(self, *, entity: str | None = None, entity_id: str | None = None) -> int:
        return len(self.page(limit=len(self._entries()) + 1, entity=entity, entity_id=entity_id))


class FakeIdempotency:
    def __init__(self, st: State) -> None:
        self.st = st

    def lookup(self, scope: str, key: str, body: Any) -> dict[str, Any] | None:
        found = self.st.idempotency.get((scope, key))
        if found is None:
            return None
        if found[0] != _fingerprint(body):
            raise Conflict(f"Idempotency-Key {key!r} was already used with a different request body")
        return dict(found[1])

    def save(self, scope: str, key: str, body: Any, response: dict[str, Any]) -> None:
        self.st.idempotency[(scope, key)] = (_fingerprint(body), dict(response))


# ----------------------------------------------------------------------------- parties
class FakeCustomers:
    def __init__(self, st: State, cipher: FieldCipher) -> None:
        self.st = st
        self.cipher = cipher

    def add(self, customer: Customer) -> None:
        if isinstance(customer, Person) and self.id_number_taken(customer.id_number):
            raise Conflict("id_number: a customer with this id number is already registered")
        if isinstance(customer, Enterprise) and self.uscc_taken(customer.uscc):
            raise Conflict("uscc: a customer with this uscc is already registered")
        self.st.customers[customer.id] = customer

    def get(self, customer_id: str, *, for_update: bool = False) -> Customer | None:
        return self.st.customers.get(customer_id)

    def exists(self, customer_id: str) -> bool:
        return customer_id in self.st.customers

    def id_number_taken(self, id_number: str) -> bool:
        return self.id_by_id_number(id_number) is not None

    def page(self, query: CustomerQuery, req: PageRequest) -> Page[Customer]:
        def hit(c: Customer) -> bool:
            day = c.created_at.astimezone(UTC).date()
            idn = c.id_number if isinstance(c, Person) else None
            return ((query.kind is None or c.kind == query.kind)
                    and (query.created_from is None or day >= query.created_from)
                    and (query.created_to is None or day <= query.created_to)
                    and (query.name is None or query.name.lower() in c.name.lower())
                    and (query.phone_hash is None or (
                        c.phone is not None and self.cipher.blind_index(c.phone) == query.phone_hash))
                    and (query.id_number_hash is None or (
                        idn is not None and self.cipher.blind_index(idn) == query.id_number_hash))
                    and (query.uscc is None or getattr(c, "uscc", None) == query.uscc))
        return fake_page([c for c in self.st.customers.values() if hit(c)], req)

    def uscc_taken(self, uscc: str) -> bool:
        return any(isinstance(c, Enterprise) and c.uscc == uscc
                   for c in self.st.customers.values())

    def id_by_id_number(self, id_number: str) -> str | None:
        return next((c.id for c in self.st.customers.values()
                     if isinstance(c, Person) and c.id_number == id_number), None)

    def add_contact(self, contact: EmergencyContact) -> None:
        if any(c.customer_id == contact.customer_id and c.phone == contact.phone
               for c in self.st.contacts):
            raise Conflict("phone: this customer already has an emergency contact with that phone")
        self.st.contacts.append(contact)

    def contacts(self, customer_id: str) -> list[EmergencyContact]:
        return sorted((c for c in self.st.contacts if c.customer_id == customer_id),
                      key=lambda c: c.position)

    def phone_hash(self, phone: str) -> str:
        return self.cipher.blind_index(phone)

    def ids_by_phone_hash(self, phone_hash: str) -> list[str]:
        return sorted(c.id for c in self.st.customers.values()
                      if c.phone is not None and self.phone_hash(c.phone) == phone_hash)

    def ids_by_contact_phone_hash(self, phone_hash: str) -> list[str]:
        return sorted({c.customer_id for c in self.st.contacts
                       if self.phone_hash(c.phone) == phone_hash})


# ----------------------------------------------------------------------------- scoring
class FakeModels:
    def __init__(self, st: State) -> None:
        self.st = st

    def add(self, record: ModelRecord) -> ModelRecord:
        if any(r.name == record.name and r.version == record.version
               for r in self.st.models.values()):
            raise Conflict(f"{record.label} already exists")
        self.st.models[record.id] = record
        return record

    def get(self, model_id: str) -> ModelRecord:
        if model_id not in self.st.models:
            raise NotFound(f"model {model_id} not found")
        return self.st.models[model_id]

    def find(self, name: str, version: int) -> ModelRecord:
        for r in self.st.models.values():
            if r.name == name and r.version == version:
                return r
        raise NotFound(f"model {name} v{version} not found")

    def list(self, name: str | None = None,
             status: ModelStatus | None = None) -> list[ModelRecord]:
        return sorted((r for r in self.st.models.values()
                       if (name is None or r.name == name)
                       and (status is None or r.status == status)),
                      key=lambda r: (r.name, r.version))

    def update(self, record: ModelRecord) -> ModelRecord:
        current = self.get(record.id)
        if current.row_version != record.row_version:
            raise ConcurrencyError(f"{record.label} changed since it was read; retry")
        if record.status == ModelStatus.CHAMPION and any(
                r.id != record.id and r.name == record.name and r.status == ModelStatus.CHAMPION
                for r in self.st.models.values()):
            raise Conflict(f"{record.name} already has a champion")
        saved = replace(record, row_version=record.row_version + 1)
        self.st.models[record.id] = saved
        return saved

    def next_version(self, name: str) -> int:
        return max((r.version for r in self.st.models.values() if r.name == name), default=0) + 1

    def page(self, name: str | None, status: ModelStatus | None, req: PageRequest
             ) -> Page[ModelRecord]:
        return fake_page((r for r in self.st.models.values()
                          if (name is None or r.name == name)
                          and (status is None or r.status == status)), req)

    def serving_ids(self, model_name: str) -> tuple[str | None, str | None, float]:
        rows = [r for r in self.st.models.values() if r.name == model_name]
        champ = next((r.id for r in rows if r.status == ModelStatus.CHAMPION), None)
        ch = next(((r.id, float(r.shadow_share)) for r in rows
                   if r.status == ModelStatus.CANDIDATE and r.shadow_share > 0), (None, 0.0))
        return champ, ch[0], ch[1]


# ----------------------------------------------------------------------------- origination
class FakeApplications:
    def __init__(self, st: State, cipher: FieldCipher) -> None:
        self.st = st
        self.cipher = cipher

    def add(self, app: Application) -> None:
        self.st.applications[app.id] = app

    def get(self, app_id: str, *, for_update: bool = False) -> Application | None:
        return self.st.applications.get(app_id)

    def page(self, query: ApplicationQuery, req: PageRequest) -> Page[Application]:
        def hit(a: Application) -> bool:
            day = a.created_at.astimezone(UTC).date()
            return ((query.status is None or a.status == query.status)
                    and (query.product is None or a.product == query.product)
                    and (query.customer_id is None or a.customer_id == query.customer_id)
                    and (query.created_from is None or day >= query.created_from)
                    and (query.created_to is None or day <= query.created_to))
        return fake_page([a for a in self.st.applications.values() if hit(a)], req)

    def update(self, app: Application) -> Application:
        current = self.st.applications.get(app.id)
        if current is None or current.version != app.version:
            raise ConcurrencyError(f"application {app.id} changed since it was read; retry")
        saved = replace(app, version=app.version + 1)
        self.st.applications[app.id] = saved
        return saved

    def last_open_or_declined(self, customer_id: str) -> tuple[str, str, datetime] | None:
        apps = sorted((a for a in self.st.applications.values()
                       if a.customer_id == customer_id and a.status in (REFERRED, DECLINED)),
                      key=lambda a: a.created_at)
        if not apps:
            return None
        a = apps[-1]
        return a.id, a.status, a.decided_at or a.created_at

    def recent_sharing(self, keys: ApplicationKeys, since: datetime) -> list[PastApplication]:
        present = [k for k in ("id", "phone", "device", "ip") if keys.get(k) is not None]
        return [PastApplication(a.keys, a.created_at) for a in self.st.applications.values()
                if a.created_at >= since and any(a.keys.get(k) == keys.get(k) for k in present)]

    def contact_links(self, customer_ids: Iterable[str]) -> list[Link]:
        ids = set(customer_ids)
        return [Link(c.customer_id, "contact_phone", self.cipher.blind_index(c.phone))
                for c in self.st.contacts if c.customer_id in ids]

    def links_of(self, customer_ids: set[str], since: datetime) -> list[Link]:
        out = self.contact_links(customer_ids)
        for a in self.st.applications.values():
            if a.customer_id in customer_ids and a.created_at >= since:
                out += [Link(a.customer_id, kind, v) for kind, v in
                        (("device", a.keys.device), ("ip", a.keys.ip),
                         ("contact_phone", a.keys.phone), ("address", a.address_hash)) if v]
        return out

    def sharing(self, values: set[tuple[str, str]], since: datetime) -> list[Link]:
        out = [Link(c.customer_id, "contact_phone", h) for c in self.st.contacts
               if ("contact_phone", h := self.cipher.blind_index(c.phone)) in values]
        for a in self.st.applications.values():
            if a.created_at >= since:
                out += [Link(a.customer_id, kind, v) for kind, v in
                        (("device", a.keys.device), ("ip", a.keys.ip),
                         ("contact_phone", a.keys.phone), ("address", a.address_hash))
                        if v is not None and (kind, v) in values]
        return out

    def since(self, start: datetime, end: datetime | None = None) -> Iterator[Application]:
        return iter(sorted((a for a in self.st.applications.values()
                            if a.created_at >= start and (end is None or a.created_at < end)),
                           key=lambda a: (a.created_at, a.id)))

    def for_customer(self, customer_id: str, limit: int = 50) -> list[Application]:
        return sorted((a for a in self.st.applications.values() if a.customer_id == customer_id),
                      key=lambda a: a.created_at, reverse=True)[:limit]


class FakeReviews:
    def __init__(self, st: State) -> None:
        self.st = st

    def add(self, review: Review) -> None:
        self.st.reviews[review.id] = review

    def get(self, review_id: str, *, for_update: bool = False) -> Review | None:
        return self.st.reviews.get(review_id)

    def for_application(self, app_id: str) -> Review | None:
        return next((r for r in self.st.reviews.values() if r.application_id == app_id), None)

    def update(self, review: Review) -> Review:
        current = self.st.reviews.get(review.id)
        if current is None or current.version != review.version:
            raise ConcurrencyError(f"review {review.id} changed since it was read; retry")
        saved = replace(review, version=review.version + 1)
        self.st.reviews[review.id] = saved
        return saved

    def page(self, status: str | None, req: PageRequest) -> Page[Review]:
        rows = [r for r in self.st.reviews.values() if status is None or r.status == status]
        return fake_page(rows, req)

    # fraudq: the review SLA's breach list
    def overdue(self, now: datetime, req: PageRequest) -> Page[Review]:
        rows = [r for r in self.st.reviews.values() if r.status in ("pending", "second_review")
                and r.due_at is not None and r.due_at < now]
        return fake_page(rows, req)


class FakeBlacklist:
    def __init__(self, st: State) -> None:
        self.st = st

    def add(self, entry: BlacklistEntry) -> None:
        self.st.blacklist[entry.id] = entry

    def get(self, entry_id: str) -> BlacklistEntry | None:
        return self.st.blacklist.get(entry_id)

    def active(self, kind: str, value_hash: str) -> BlacklistEntry | None:
        return next((e for e in self.st.blacklist.values()
                     if e.kind == kind and e.value_hash == value_hash and e.active), None)

    def hits(self, hashes: dict[str, str | None]) -> set[str]:
        return {kind for kind, h in hashes.items()
                if h is not None and self.active(kind, h) is not None}

    def update(self, entry: BlacklistEntry) -> None:
        self.st.blacklist[entry.id] = entry

    def page(self, kind: str | None, active_only: bool, req: PageRequest
             ) -> Page[BlacklistEntry]:
        rows = [e for e in self.st.blacklist.values()
                if (kind is None or e.kind == kind) and (e.active or not active_only)]
        return fake_page(rows, req, newest_first=True)


class FakeSpecialTerms:
    def __init__(self, st: State) -> None:
        self.st = st

    def add(self, st: SpecialTerms) -> None:
        self.st.special_terms[st.id] = st

    def get(self, terms_id: str, *, for_update: bool = False) -> SpecialTerms | None:
        return self.st.special_terms.get(terms_id)

    def update(self, st: SpecialTerms) -> SpecialTerms:
        current = self.st.special_terms.get(st.id)
        if current is None or current.version != st.version:
            raise ConcurrencyError(f"special terms {st.id} changed since they were read; retry")
        saved = replace(st, version=st.version + 1)
        self.st.special_terms[st.id] = saved
        return saved

    def in_force(self, customer_id: str, product: str, on: date) -> SpecialTerms | None:
        rows = sorted((t for t in self.st.special_terms.values()
                       if t.customer_id == customer_id and t.product == product
                       and t.status == APPROVED),
                      key=lambda t: t.decided_at or t.proposed_at, reverse=True)
        return next((t for t in rows if t.in_force(on)), None)

    def page(self, customer_id: str | None, status: str | None, req: PageRequest
             ) -> Page[SpecialTerms]:
        return fake_page((t for t in self.st.special_terms.values()
                          if (customer_id is None or t.customer_id == customer_id)
                          and (status is None or t.status == status)), req,
                         newest_first=True, key=lambda t: PageKey(t.proposed_at, t.id))


# ----------------------------------------------------------------------------- lines
class FakeLines:
    def __init__(self, st: State) -> None:
        self.st = st

    def add(self, line: Line) -> None:
        if any(o.customer_id == line.customer_id and o.product == line.product
               and o.status != LineStatus.CLOSED for o in self.st.lines.values()):
            raise Conflict(f"customer {line.customer_id} already has an open {line.product} line")
        self.st.lines[line.id] = copy.deepcopy(line)

    def get(self, line_id: str, *, lock: bool = False) -> Line | None:
        line = self.st.lines.get(line_id)
        return None if line is None else copy.deepcopy(line)

    def save(self, line: Line) -> None:
        current = self.st.lines.get(line.id)
        if current is None or current.version != line.version:
            raise ConcurrencyError(f"credit line {line.id} was changed by someone else; retry")
        line.version += 1
        self.st.lines[line.id] = copy.deepcopy(line)

    def page(self, query: LineQuery, req: PageRequest) -> Page[Line]:
        """In insertion order, which is the store's ``created_at`` order (a ``Line`` does not
        carry its ``created_at``)."""
        order = {line_id: n for n, line_id in enumerate(self.st.lines)}
        rows = [x for x in self.st.lines.values()
                if (query.status is None or x.status.value == query.status)
                and (query.product is None or x.product == query.product)
                and (query.min_dpd is None or x.dpd >= query.min_dpd)
                and (query.max_dpd is None or x.dpd <= query.max_dpd)
                and (query.customer_id is None or x.customer_id == query.customer_id)
                and (query.opened_from is None or x.opened_on >= query.opened_from)
                and (query.opened_to is None or x.opened_on <= query.opened_to)]
        return fake_page(rows, req, key=lambda x: PageKey(
            _EPOCH + timedelta(microseconds=order[x.id]), x.id))

    def of_customer(self, customer_id: str) -> list[Line]:
        return [copy.deepcopy(x) for x in sorted(self.st.lines.values(),
                                                 key=lambda x: (x.opened_on, x.id))
                if x.customer_id == customer_id]

    def where(self, *, min_dpd: int | None = None, status: str | None = None,
              after: str | None = None, limit: int = 1000) -> list[Line]:
        rows = [x for _, x in sorted(self.st.lines.items())
                if (min_dpd is None or x.dpd >= min_dpd)
                and (status is None or x.status.value == status)
                and (after is None or x.id > after)]
        return [copy.deepcopy(x) for x in rows[:limit]]


class FakeLimitRamps:  # fraudq: the new-customer limit ramp
    def __init__(self, st: State) -> None:
        self.st = st

    def add(self, ramp: LimitRamp) -> None:
        self.st.limit_ramps[ramp.line_id] = ramp

    def of_lines(self, line_ids: list[str]) -> list[tuple[LimitRamp, Decimal]]:
        return [(self.st.limit_ramps[i], self.st.lines[i].limit) for i in sorted(line_ids)
                if i in self.st.limit_ramps]

    def step(self, rows: list[tuple[str, Decimal]], on: date) -> None:
        for line_id, limit in rows:
            self.st.lines[line_id].limit = limit
            ramp = replace(self.st.limit_ramps[line_id], last_step_on=on)
            if limit >= ramp.target:
                del self.st.limit_ramps[line_id]
            else:
                self.st.limit_ramps[line_id] = ramp


class FakeLimitEvents:
    def __init__(self, st: State) -> None:
        self.st = st

    def add(self, event: LimitEvent) -> None:
        self.st.limit_events.append(event)

    def of_line(self, line_id: str) -> list[LimitEvent]:
        return [e for e in self.st.limit_events if e.line_id == line_id]

    def page(self, line_id: str, req: SeqPageRequest) -> SeqPage[LimitEvent]:
        """Position in the append-only list (1-based) stands in for ``seq``."""
        rows = [(n, e) for n, e in enumerate(self.st.limit_events, 1)
                if e.line_id == line_id and (req.after is None or n > req.after)]
        more = len(rows) > req.limit
        rows = rows[:req.limit]
        total = len(self.of_line(line_id))
        return SeqPage([copy.deepcopy(e) for _, e in rows],
                       rows[-1][0] if more and rows else None, total)


class FakeLimitProposals:
    def __init__(self, st: State) -> None:
        self.st = st

    def add(self, proposal: LimitProposal) -> None:
        self.st.limit_proposals[proposal.id] = proposal

    def get(self, proposal_id: str, *, lock: bool = False) -> LimitProposal | None:
        return self.st.limit_proposals.get(proposal_id)

    def save(self, proposal: LimitProposal) -> None:
        current = self.st.limit_proposals.get(proposal.id)
        if current is None or current.status is not ProposalStatus.PENDING:
            raise ConcurrencyError(f"limit proposal {proposal.id} was decided meanwhile")
        self.st.limit_proposals[proposal.id] = proposal

    def page(self, status: str | None, line_id: str | None, req: PageRequest
             ) -> Page[LimitProposal]:
        return fake_page((p for p in self.st.limit_proposals.values()
                          if (status is None or p.status.value == status)
                          and (line_id is None or p.line_id == line_id)), req,
                         key=lambda p: PageKey(p.proposed_at, p.id))


# ----------------------------------------------------------------------------- closure
class FakeClosureRequests:
    """Requests kept as the store keeps them (their JSON document)."""

    def __init__(self, st: State) -> None:
        self.st = st

    def add(self, req: ClosureRequest) -> None:
        if req.is_open and self.open_for_line(req.line_id) is not None:
            raise Conflict(f"credit line {req.line_id} already has an open closure request")
        self.st.closure_requests[req.id] = request_json(req)

    def get(self, request_id: str, *, lock: bool = False) -> ClosureRequest | None:
        d = self.st.closure_requests.get(request_id)
        return None if d is None else request_from_json(copy.deepcopy(d))

    def save(self, req: ClosureRequest) -> None:
        current = self.st.closure_requests.get(req.id)
        if current is None or current["version"] != req.version:
            raise ConcurrencyError(f"closure request {req.id} changed meanwhile")
        req.version += 1
        self.st.closure_requests[req.id] = request_json(req)

    def open_for_line(self, line_id: str) -> ClosureRequest | None:
        for d in self.st.closure_requests.values():
            if d["line_id"] == line_id and RequestStatus(d["status"]) in OPEN_REQUESTS:
                return request_from_json(copy.deepcopy(d))
        return None

    def page(self, query: RequestQuery, req: PageRequest) -> Page[ClosureRequest]:
        rows = [request_from_json(copy.deepcopy(d)) for d in self.st.closure_requests.values()]
        return fake_page((r for r in rows
                          if (query.status is None or r.status.value == query.status)
                          and (query.statuses is None or r.status.value in query.statuses)
                          and (query.line_id is None or r.line_id == query.line_id)
                          and (query.customer_id is None or r.customer_id == query.customer_id)),
                         req, key=lambda r: PageKey(r.submitted_at, r.id))

    def closing_of_lines(self, line_ids: Sequence[str]) -> list[ClosureRequest]:
        return [request_from_json(copy.deepcopy(d)) for d in self.st.closure_requests.values()
                if d["line_id"] in line_ids and d["status"] == RequestStatus.CLOSING.value]

    def final_statements(self, rows: Sequence[Statement]) -> None:
        raise NotImplementedError("end of day runs on the SQL store only")


class FakeClosurePlans:
    def __init__(self, st: State) -> None:
        self.st = st

    def add(self, plan: Plan) -> None:
        self.st.closure_plans[plan.id] = plan.as_json()

    def get(self, plan_id: str, *, lock: bool = False) -> Plan | None:
        d = self.st.closure_plans.get(plan_id)
        return None if d is None else Plan.from_json(copy.deepcopy(d))

    def save(self, plan: Plan) -> None:
        current = self.st.closure_plans.get(plan.id)
        if current is None or current["status"] != "pending":
            raise ConcurrencyError(f"plan {plan.id} was decided meanwhile")
        self.st.closure_plans[plan.id] = plan.as_json()

    def page(self, status: str | None, line_id: str | None, req: PageRequest) -> Page[Plan]:
        rows = [Plan.from_json(copy.deepcopy(d)) for d in self.st.closure_plans.values()]
        return fake_page((p for p in rows if (status is None or p.status.value == status)
                          and (line_id is None or p.line_id == line_id)), req,
                         key=lambda p: PageKey(p.proposed_at, p.id))

    def rewrite_installments(self, items: Sequence[Installment]) -> None:
        for i in items:
            if i.changed:
                line_id, _ = self.st.installments[(i.purchase_id, i.seq)]
                i.changed = False
                self.st.installments[(i.purchase_id, i.seq)] = (line_id, copy.deepcopy(i))

    def mark_restructured(self, line_id: str, purchase_ids: Sequence[str],
                          rates: dict[str, tuple[Decimal, Decimal]]) -> None:
        self.st.lines[line_id].restructured = True
        for pid in purchase_ids:
            record, _by = self.st.purchases[pid]
            record.restructured = True
            record.interest_rate, record.fee_rate = rates[pid]


class FakeNegotiations:
    def __init__(self, st: State) -> None:
        self.st = st

    def add(self, n: Negotiation) -> None:
        self.st.negotiations[n.id] = negotiation_json(n)

    def get(self, negotiation_id: str, *, lock: bool = False) -> Negotiation | None:
        d = self.st.negotiations.get(negotiation_id)
        return None if d is None else negotiation_from_json(copy.deepcopy(d))

    def save(self, n: Negotiation) -> None:
        self.st.negotiations[n.id] = negotiation_json(n)

    def page(self, status: str | None, line_id: str | None, req: PageRequest
             ) -> Page[Negotiation]:
        rows = [negotiation_from_json(copy.deepcopy(d)) for d in self.st.negotiations.values()]
        return fake_page((n for n in rows if (status is None or n.status.value == status)
                          and (line_id is None or n.line_id == line_id)), req,
                         key=lambda n: PageKey(n.opened_at, n.id))


# ----------------------------------------------------------------------------- servicing
class FakePurchases:
    def __init__(self, st: State) -> None:
        self.st = st

    def add(self, p: PurchaseRecord, created_by: str) -> None:
        self.st.purchases[p.id] = (copy.deepcopy(p), created_by)

    def page(self, query: PurchaseQuery, req: PageRequest) -> Page[PurchaseRecord]:
        """In insertion order (the store's ``created_at`` order; the record has none)."""
        order = {pid: n for n, pid in enumerate(self.st.purchases)}
        owner = {line_id: x.customer_id for line_id, x in self.st.lines.items()}

        def status(p: PurchaseRecord) -> str:
            if p.returned == p.amount:
                return "returned"
            return "paid" if all(i.settled for i in self.installments_of(p.id)) else "active"
        rows = [p for p, _ in self.st.purchases.values()
                if (query.merchants is None or p.merchant in query.merchants)
                and (query.line_id is None or p.line_id == query.line_id)
                and (query.customer_id is None or owner.get(p.line_id) == query.customer_id)
                and (query.merchant is None or p.merchant == query.merchant)
                and (query.made_from is None or p.made_on >= query.made_from)
                and (query.made_to is None or p.made_on <= query.made_to)
                and (query.status is None or status(p) == query.status)]
        return fake_page([copy.deepcopy(p) for p in rows], req, key=lambda p: PageKey(
            _EPOCH + timedelta(microseconds=order[p.id]), p.id))

    def installments_of_many(self, purchase_ids: Sequence[str]) -> dict[str, list[Installment]]:
        return {pid: self.installments_of(pid) for pid in purchase_ids}

    def get(self, purchase_id: str) -> PurchaseRecord | None:
        found = self.st.purchases.get(purchase_id)
        return None if found is None else copy.deepcopy(found[0])

    def save_returned(self, p: PurchaseRecord) -> None:
        record, by = self.st.purchases[p.id]
        self.st.purchases[p.id] = (replace(record, returned=p.returned), by)

    def of_line(self, line_id: str) -> list[PurchaseRecord]:
        return [copy.deepcopy(p) for p, _ in self.st.purchases.values() if p.line_id == line_id]

    def add_installments(self, line_id: str, items: Sequence[Installment]) -> None:
        for i in items:
            self.st.installments[(i.purchase_id, i.seq)] = (line_id, copy.deepcopy(i))

    def open_installments(self, line_id: str) -> list[Installment]:
        return [copy.deepcopy(i) for (lid, i) in self.st.installments.values()
                if lid == line_id and not i.settled]

    def installments_of(self, purchase_id: str) -> list[Installment]:
        return sorted((copy.deepcopy(i) for (_, i) in self.st.installments.values()
                       if i.purchase_id == purchase_id), key=lambda i: i.seq)

    def save_installments(self, items: Sequence[Installment]) -> None:
        for i in items:
            if i.changed:
                i.changed = False
                line_id, _ = self.st.installments[(i.purchase_id, i.seq)]
                self.st.installments[(i.purchase_id, i.seq)] = (line_id, copy.deepcopy(i))

    def add_repayment(self, repayment_id: str, line_id: str, amount: Decimal, on: date,
                      allocation: dict[str, Any], created_by: str) -> None:
        self.st.repayments[repayment_id] = {"id": repayment_id, "line_id": line_id,
                                            "amount": amount, "business_date": on,
                                            "allocation": copy.deepcopy(allocation)}

    def get_repayment(self, repayment_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.st.repayments.get(repayment_id))

    def add_return(self, return_id: str, purchase_id: str, line_id: str, amount: Decimal,
                   on: date, effect: dict[str, Any], created_by: str) -> None:
        self.st.returns[return_id] = {"id": return_id, "purchase_id": purchase_id,
                                      "line_id": line_id, "amount": amount,
                                      "business_date": on, "effect": dict(effect)}

    def get_return(self, return_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.st.returns.get(return_id))

    # console (issue 19)
    def repayments_of(self, line_id: str) -> list[dict[str, Any]]:
        return [copy.deepcopy(r) for r in self.st.repayments.values() if r["line_id"] == line_id]

    def returns_of(self, line_id: str) -> list[dict[str, Any]]:
        return [copy.deepcopy(r) for r in self.st.returns.values() if r["line_id"] == line_id]


class FakeStatements:
    def __init__(self, st: State) -> None:
        self.st = st

    def of_line(self, line_id: str) -> list[Statement]:
        return sorted(self.st.statements.get(line_id, []), key=lambda s: s.statement_date)

    def page(self, line_id: str, req: SeqPageRequest) -> SeqPage[Statement]:
        every = self.of_line(line_id)
        rows = [s for s in every
                if req.after is None or s.statement_date.toordinal() > req.after]
        more = len(rows) > req.limit
        rows = rows[:req.limit]
        return SeqPage(rows, rows[-1].statement_date.toordinal() if more and rows else None,
                       len(every))


class FakeEodColumns:
    """The reconciliation reads and the skip work in memory; the column I/O of a partition
    does not (run end of day against a database)."""

    _BALANCES = ("principal_unbilled", "principal_billed", "fee", "interest_accrued",
                 "interest_billed", "penalty", "credit_balance")

    def __init__(self, st: State) -> None:
        self.st = st

    def oldest_pending(self, through: date) -> date | None:
        behind = [x.last_eod for x in self.st.lines.values()
                  if x.status != LineStatus.CLOSED and x.last_eod < through]
        return min(behind, default=None)

    def skip(self, day: date) -> int:
        return 0  # the fake keeps no ``next_eod``: every line is visited

    def lines(self, day: date, *, after: str | None = None, limit: int | None = None,
              line_ids: Sequence[str] | None = None, lock: bool = True) -> dict[str, list[Any]]:
        raise NotImplementedError("the in-memory unit of work has no end-of-day column I/O")

    def installments(self, first_id: str, last_id: str, line_ids: Sequence[str] | None = None,
                     day: date | None = None) -> dict[str, list[Any]]:
        raise NotImplementedError("the in-memory unit of work has no end-of-day column I/O")

    def write(self, day: date, *, lines: dict[str, list[Any]], advanced: list[str],
              inst: dict[str, list[Any]], statement_rows: dict[str, list[Any]]) -> None:
        raise NotImplementedError("the in-memory unit of work has no end-of-day column I/O")

    def cached_balances(self) -> dict[str, dict[str, Decimal]]:
        return {x.id: {n: getattr(x, n) for n in self._BALANCES} for x in self.st.lines.values()}

    def installment_balances(self) -> dict[str, dict[str, Decimal]]:
        out: dict[str, dict[str, Decimal]] = {}
        for line_id, i in self.st.installments.values():
            if i.settled:
                continue
            b = out.setdefault(line_id, dict.fromkeys(self._BALANCES[:-1], ZERO))
            if i.billed:
                b["principal_billed"] += i.p_out
                b["fee"] += i.f_out
                b["interest_billed"] += i.i_out
            else:
                b["principal_unbilled"] += i.p_out
                b["interest_accrued"] += i.i_out
            b["penalty"] += i.pen_out
        return out


class FakeLedger:
    def __init__(self, st: State) -> None:
        self.st = st

    def post(self, entries: Sequence[JournalEntry]) -> None:
        self.st.journal.extend(entries)

    def post_columns(self, *, entry_ids: Sequence[str], business_date: date, kind: str,
                     entry_line_ids: Sequence[str | None], memo: str,
                     entry_index: np.ndarray, line_ids: Sequence[str | None],
                     accounts: Sequence[str], amount_cents: np.ndarray,
                     memos: Sequence[str]) -> int:
        problems = check_columns(entry_index, amount_cents)
        if problems:
            raise UnbalancedEntry("batch refused: " + "; ".join(problems))
        ids = list(entry_ids)
        for e, li, a, c in zip(np.asarray(entry_index).tolist(), line_ids, accounts,
                               np.asarray(amount_cents, dtype=np.int64).tolist()):
            self.st.bulk_postings.append((ids[e], li, a, c))
        return len(amount_cents)

    def _postings(self) -> Iterator[tuple[str, str | None, str, Decimal]]:
        for e in self.st.journal:
            for p in e.postings:
                yield e.id, p.line_id, p.account, p.amount
        for eid, li, a, c in self.st.bulk_postings:
            yield eid, li, a, from_cents(c)

    def trial_balance(self) -> list[tuple[str, str, Decimal]]:
        sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for _, _, account, amount in self._postings():
            sums[account] += amount
        return [(a, "CNY", sums[a]) for a in sorted(sums)]

    def sums_by_line(self, line_ids: Sequence[str] | None = None
                     ) -> dict[str, dict[str, Decimal]]:
        out: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
        for _, line_id, account, amount in self._postings():
            if line_id is not None and (line_ids is None or line_id in line_ids):
                out[line_id][account] += amount
        return {k: dict(v) for k, v in out.items()}

    def unbalanced_entries(self, limit: int = 20) -> list[str]:
        sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for entry_id, _, _, amount in self._postings():
            sums[entry_id] += amount
        return sorted(e for e, s in sums.items() if s != 0)[:limit]

    def entries(self, *, line_id: str | None = None, limit: int = 100,
                before: date | None = None) -> list[JournalEntry]:
        rows = [e for e in self.st.journal if (line_id is None or e.line_id == line_id)
                and (before is None or e.business_date < before)]
        return list(reversed(rows))[:limit]

    def count_postings(self) -> int:
        return sum(len(e.postings) for e in self.st.journal) + len(self.st.bulk_postings)


# ----------------------------------------------------------------------------- the unit of work
class FakeCalendar:
    def __init__(self, state: State) -> None:
        self.state = state

    def get(self, *, lock: bool = False) -> CalendarState | None:
        return self.state.calendar

    def save(self, state: CalendarState) -> None:
        self.state.calendar = state


# ----------------------------------------------------------------------------- notify
class FakeNotifications:
    """The relay's port in memory: the outbox is the fake's committed ``events`` (an event's
    id is its position); customers' addresses come from the fake's customers."""

    def __init__(self, uow: FakeUnitOfWork, st: State) -> None:
        self.uow, self.st = uow, st

    def pending_events(self, limit: int) -> list[OutboxEvent]:
        at = self.uow.clock.now()
        return [OutboxEvent(i, topic, payload, at, None) for i, (topic, payload)
                in enumerate(self.uow.events) if i not in self.st.relayed][:limit]

    def mark_relayed(self, event_ids: Sequence[int], at: datetime) -> None:
        self.st.relayed.update(event_ids)

    def _recipient(self, c: Customer, line: Line | None = None) -> Recipient:
        return Recipient(c.id, c.name, c.language, c.time_zone,
                         has_email=isinstance(c, Person) and c.email is not None,
                         has_phone=c.phone is not None, line_id=line.id if line else None,
                         line_kind=line.kind if line else None)

    def recipients(self, customer_ids: Sequence[str], line_ids: Sequence[str]
                   ) -> tuple[dict[str, Recipient], dict[str, Recipient]]:
        by_c = {i: self._recipient(self.st.customers[i]) for i in customer_ids
                if i in self.st.customers}
        by_l = {i: self._recipient(self.st.customers[ln.customer_id], ln) for i in line_ids
                if (ln := self.st.lines.get(i)) is not None}
        return by_c, by_l

    def addresses(self, customer_ids: Sequence[str]) -> dict[str, tuple[str | None, str | None]]:
        out: dict[str, tuple[str | None, str | None]] = {}
        for i in customer_ids:
            c = self.st.customers.get(i)
            if c is not None:
                out[i] = (c.email if isinstance(c, Person) else None, c.phone)
        return out

    def reminder_recipients(self, line_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        return {i: (ln.customer_id, self.st.customers[ln.customer_id].time_zone)
                for i in line_ids if (ln := self.st.lines.get(i)) is not None}

    def add(self, messages: Sequence[Message]) -> list[Message]:
        new = [m for m in messages if m.id not in self.st.messages]
        self.st.messages.update({m.id: m for m in new})
        return new

    def _due(self, m: Message, now: datetime, channels: Sequence[str]) -> bool:
        return m.channel in channels and m.status == "pending" and m.due_at <= now

    def claim_due(self, now: datetime, lease_until: datetime, limit: int,
                  channels: Sequence[str]) -> list[Message]:
        due = sorted((m for m in self.st.messages.values() if self._due(m, now, channels)),
                     key=lambda m: (m.due_at, m.outbox_id or 0, m.id))[:limit]
        for m in due:
            self.st.messages[m.id] = replace(m, status="sending")
        return due

    def mark_sent(self, message_ids: Sequence[str], at: datetime) -> None:
        for i in message_ids:
            m = self.st.messages[i]
            self.st.messages[i] = replace(m, status="sent", sent_at=at, attempts=m.attempts + 1)

    def mark_failed_attempt(self, message_id: str, status: str, attempts: int,
                            due_at: datetime, error: str) -> None:
        m = self.st.messages[message_id]
        self.st.messages[message_id] = replace(m, status=status, attempts=attempts,
                                               due_at=due_at, last_error=error)

    def requeue(self, message_id: str, due_at: datetime) -> bool:
        m = self.st.messages.get(message_id)
        if m is None or m.status != "failed" or not m.subject:
            return False
        self.st.messages[message_id] = replace(m, status="pending", attempts=0, due_at=due_at)
        return True

    def get(self, message_id: str) -> Message | None:
        return self.st.messages.get(message_id)

    def page(self, query: MessageQuery, req: PageRequest) -> Page[Message]:
        rows = [m for m in self.st.messages.values()
                if all(v is None or getattr(m, k) == v for k, v in (
                    ("customer_id", query.customer_id), ("channel", query.channel),
                    ("status", query.status), ("topic", query.topic)))]
        return fake_page(rows, req)

    def counts(self) -> Counts:
        out: defaultdict[tuple[str, str, str], int] = defaultdict(int)
        for m in self.st.messages.values():
            out[(m.topic, m.channel, m.status)] += 1
        return Counts(dict(out))

    def sent_early(self) -> int:
        return sum(1 for m in self.st.messages.values() if m.sent_at and m.deliver_after
                   and m.sent_at < m.deliver_after)

    def next_due(self, channels: Sequence[str]) -> datetime | None:
        return min((m.due_at for m in self.st.messages.values()
                    if m.status == "pending" and m.channel in channels), default=None)


class FakeDocuments:
    def __init__(self, state: State) -> None:
        self.state = state

    def add(self, document: Document) -> None:
        self.state.documents[document.id] = document

    def get(self, document_id: str) -> Document | None:
        return self.state.documents.get(document_id)

    def for_owner(self, owner_kind: str, owner_id: str) -> list[Document]:
        return sorted((d for d in self.state.documents.values()
                       if (d.owner_kind, d.owner_id) == (owner_kind, owner_id)),
                      key=lambda d: (d.uploaded_at, d.id))


class FakeDocumentFiles:
    """The file store in memory; like the real one it is not part of the transaction."""

    def __init__(self, max_bytes: int = 10 * 1024 * 1024) -> None:
        self.files: dict[str, bytes] = {}
        self._max_bytes = max_bytes

    @property
    def max_bytes(self) -> int:
        return self._max_bytes

    def put(self, sha256: str, content: bytes) -> bool:
        created = sha256 not in self.files
        self.files[sha256] = content
        return created

    def get(self, sha256: str) -> bytes | None:
        return self.files.get(sha256)

    def exists(self, sha256: str) -> bool:
        return sha256 in self.files

    def remove(self, sha256: str) -> None:
        self.files.pop(sha256, None)
# console (issue 19)
class FakeConsoleAccounts:
    def __init__(self, st: State) -> None:
        self.st = st

    def password_hash(self, user_id: str) -> str | None:
        return self.st.console_users.get(user_id, {}).get("password_hash")

    def set_password(self, user_id: str, password_hash: str, at: datetime, by: str) -> None:
        self.st.console_users.setdefault(user_id, {})["password_hash"] = password_hash

    def locale(self, user_id: str) -> str | None:
        return self.st.console_users.get(user_id, {}).get("locale")

    def set_locale(self, user_id: str, locale: str) -> None:
        self.st.console_users.setdefault(user_id, {})["locale"] = locale

    def start_session(self, id_hash: str, user_id: str, csrf_token: str, at: datetime) -> None:
        self.st.console_sessions[id_hash] = SessionRecord(id_hash, user_id, csrf_token, at, at,
                                                          None)

    def session(self, id_hash: str) -> SessionRecord | None:
        return self.st.console_sessions.get(id_hash)

    def touch_session(self, id_hash: str, at: datetime) -> None:
        self.st.console_sessions[id_hash] = replace(self.st.console_sessions[id_hash],
                                                    last_seen_at=at)

    def end_session(self, id_hash: str, at: datetime) -> None:
        self.st.console_sessions[id_hash] = replace(self.st.console_sessions[id_hash],
                                                    ended_at=at)

    def end_sessions_of(self, user_id: str, at: datetime) -> int:
        open_ = [h for h, r in self.st.console_sessions.items()
                 if r.user_id == user_id and r.ended_at is None]
        for h in open_:
            self.end_session(h, at)
        return len(open_)


class FakeOutboxReader:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    def for_customer(self, customer_id: str, limit: int = 50) -> list[OutboxEvent]:
        found = [OutboxEvent(i + 1, t, dict(p), self.uow.clock.now(), None)
                 for i, (t, p) in enumerate(self.uow.events) if p.get("customer_id") == customer_id]
        return found[::-1][:limit]


class FakeBehaviour:
    """Behaviour scoring and limit strategy (issue 13): the opt-out settings work in memory;
    the column I/O of a partition does not (run end of day against a database)."""

    def __init__(self, st: State) -> None:
        self.st = st

    def settings(self, line_id: str) -> StrategySettings:
        opted, at, by = self.st.strategy_settings.get(line_id, (False, None, None))
        return StrategySettings(line_id, opted, at, by)

    def set_opt_out(self, line_id: str, opted_out: bool, at: datetime, by: str) -> None:
        self.st.strategy_settings[line_id] = (opted_out, at, by)

    def _columns(self, *_: object, **__: object) -> Any:
        raise NotImplementedError("the in-memory unit of work has no end-of-day column I/O")

    history = save_scores = scores_on = score_sample = strategy_rows = apply = decisions = (
        save_snapshots) = snapshots = _columns


class FakeUnitOfWork:
    """``with uow: ...; uow.commit()`` over a ``State`` in memory (see the module docstring)."""

    def __init__(self, clock: FixedClock | None = None) -> None:
        self.clock = clock or FixedClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
        self.cipher = FieldCipher("fake-unit-of-work-secret")
        self.committed = State()
        # (at, actor, action, entity, entity id, details) and (topic, payload), committed
        self.audits: list[tuple[datetime, str, str, str, str, dict[str, Any]]] = []
        self.events: list[tuple[str, dict[str, Any]]] = []
        self._depth = 0
        self._work: State | None = None
        self._audits: list[tuple[datetime, str, str, str, str, dict[str, Any]]] = []
        self._events: list[tuple[str, dict[str, Any]]] = []
        self.document_files = FakeDocumentFiles()  # documents context

    def __enter__(self) -> FakeUnitOfWork:
        if self._depth == 0:
            self._work = copy.deepcopy(self.committed)
            self._audits, self._events = [], []
        self._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._work = None

    def commit(self) -> None:
        if self._depth <= 1:
            self.committed = copy.deepcopy(self._state)
            self.audits += self._audits
            self.events += self._events
            self._audits, self._events = [], []

    def rollback(self) -> None:
        self._work = copy.deepcopy(self.committed)
        self._audits, self._events = [], []

    def audit(self, actor: Principal, action: str, entity: str, entity_id: str,
              details: dict[str, Any] | None = None) -> None:
        self._audits.append((self.clock.now(), actor.name, action, entity, entity_id,
                             dict(details or {})))

    def emit(self, topic: str, payload: dict[str, Any]) -> None:
        self._events.append((topic, dict(payload)))

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def is_postgres(self) -> bool:
        return False

    @property
    def _state(self) -> State:
        if self._work is None:
            raise RuntimeError("repositories are used inside 'with uow:'")
        return self._work

    # ----- repositories over the transaction's working state
    @property
    def users(self) -> FakeUsers:
        return FakeUsers(self._state)

    @property
    def audit_log(self) -> FakeAuditLog:
        return FakeAuditLog(self)

    @property
    def idempotency(self) -> FakeIdempotency:
        return FakeIdempotency(self._state)

    @property
    def customers(self) -> FakeCustomers:
        return FakeCustomers(self._state, self.cipher)

    @property
    def models(self) -> FakeModels:
        return FakeModels(self._state)

    @property
    def applications(self) -> FakeApplications:
        return FakeApplications(self._state, self.cipher)

    @property
    def reviews(self) -> FakeReviews:
        return FakeReviews(self._state)

    @property
    def blacklist(self) -> FakeBlacklist:
        return FakeBlacklist(self._state)

    @property
    def special_terms(self) -> FakeSpecialTerms:
        return FakeSpecialTerms(self._state)

    @property
    def lines(self) -> FakeLines:
        return FakeLines(self._state)

    @property
    def limit_events(self) -> FakeLimitEvents:
        return FakeLimitEvents(self._state)

    @property
    def limit_proposals(self) -> FakeLimitProposals:
        return FakeLimitProposals(self._state)

    @property
    def purchases(self) -> FakePurchases:
        return FakePurchases(self._state)

    @property
    def statements(self) -> FakeStatements:
        return FakeStatements(self._state)

    @property
    def eod_columns(self) -> FakeEodColumns:
        return FakeEodColumns(self._state)

    @property
    def ledger(self) -> FakeLedger:
        return FakeLedger(self._state)

    @property
    def calendar(self) -> FakeCalendar:
        return FakeCalendar(self._state)

    # notify
    @property
    def notifications(self) -> FakeNotifications:
        return FakeNotifications(self, self._state)
    # ----- closure (issue 14)
    @property
    def closure_requests(self) -> FakeClosureRequests:
        return FakeClosureRequests(self._state)

    @property
    def closure_plans(self) -> FakeClosurePlans:
        return FakeClosurePlans(self._state)

    @property
    def negotiations(self) -> FakeNegotiations:
        return FakeNegotiations(self._state)

    @property
    def documents(self) -> FakeDocuments:  # documents context
        return FakeDocuments(self._state)
    # console (issue 19)
    @property
    def console_accounts(self) -> FakeConsoleAccounts:
        return FakeConsoleAccounts(self._state)

    @property
    def outbox_events(self) -> FakeOutboxReader:
        return FakeOutboxReader(self)
    # ----- collections
    @property
    def collection_cases(self) -> FakeCases:
        return FakeCases(self._state)

    @property
    def contact_log(self) -> FakeContactLog:
        return FakeContactLog(self._state)

    @property
    def agencies(self) -> FakeAgencies:
        return FakeAgencies(self._state)

    # ----- issue 13, triggers lane
    @property
    def held_purchases(self) -> FakeHeldPurchases:
        return FakeHeldPurchases(self._state)

    @property
    def trigger_events(self) -> FakeTriggerEvents:
        return FakeTriggerEvents(self._state)

    @property
    def activity(self) -> FakeActivity:
        return FakeActivity(self._state)

    @property
    def sectors(self) -> FakeSectors:
        return FakeSectors(self._state)

    @property
    def review_cases(self) -> FakeReviewCases:
        return FakeReviewCases(self._state)

    # fraudq: the new-customer limit ramp
    @property
    def limit_ramps(self) -> FakeLimitRamps:
        return FakeLimitRamps(self._state)

    # behaviour scoring and limit strategy (issue 13)
    @property
    def behaviour(self) -> FakeBehaviour:
        return FakeBehaviour(self._state)


# ----------------------------------------------------------------------------- collections
@dataclass
class FakeCollectionsState:
    cases: dict[str, Case] = field(default_factory=dict)
    spells: list[BucketSpell] = field(default_factory=list)
    promises: dict[str, Promise] = field(default_factory=dict)
    contacts: list[ContactRecord] = field(default_factory=list)
    agencies: dict[str, Agency] = field(default_factory=dict)
    placements: dict[str, Placement] = field(default_factory=dict)
    referrals: dict[str, Referral] = field(default_factory=dict)


class FakeCases:
    """Cases in memory (the line's live past due and balance as the SQL join gives them);
    the ageing stage's bulk I/O refuses: run end of day against a database."""

    def __init__(self, st: State) -> None:
        self.st = st
        self.c = st.collections

    def _live(self, case: Case) -> Case:
        line = self.st.lines.get(case.line_id)
        if line is None:
            return case
        return replace(case, past_due=line.past_due, balance=line.balance)

    def add(self, case: Case) -> None:  # a fixture's way in (end of day opens them in SQL)
        self.c.cases[case.id] = case

    def get(self, case_id: str, *, lock: bool = False) -> Case | None:
        case = self.c.cases.get(case_id)
        return None if case is None else self._live(case)

    def save(self, case: Case) -> Case:
        old = self.c.cases.get(case.id)
        if old is None or old.version != case.version:
            raise ConcurrencyError(f"collection case {case.id} was changed meanwhile; retry")
        new = replace(case, version=case.version + 1)
        self.c.cases[case.id] = new
        return new

    def active_for_line(self, line_id: str) -> Case | None:
        found = [c for c in self.c.cases.values() if c.line_id == line_id and c.active]
        return self._live(found[0]) if found else None

    def active(self, *, assigned_to: str | None = None, agency_id: str | None = None,
               limit: int = 1000) -> list[Case]:
        rows = [self._live(c) for c in self.c.cases.values() if c.active
                and (assigned_to is None or c.assigned_to == assigned_to)
                and (agency_id is None or c.agency_id == agency_id)]
        return sorted(rows, key=lambda c: (-c.bucket, c.id))[:limit]

    def spells(self, case_id: str) -> list[BucketSpell]:
        return [s for s in self.c.spells if s.case_id == case_id]

    def line_spells(self, line_id: str) -> list[BucketSpell]:
        return [s for s in self.c.spells if s.line_id == line_id]

    def add_promise(self, promise: Promise) -> None:
        self.c.promises[promise.id] = promise

    def promises(self, case_id: str) -> list[Promise]:
        return sorted((p for p in self.c.promises.values() if p.case_id == case_id),
                      key=lambda p: (p.made_on, p.id))

    def open_promises(self, case_ids: Sequence[str]) -> dict[str, list[Promise]]:
        out: dict[str, list[Promise]] = {}
        for p in sorted(self.c.promises.values(), key=lambda p: (p.due_on, p.id)):
            if p.case_id in case_ids and p.status is PromiseStatus.OPEN:
                out.setdefault(p.case_id, []).append(p)
        return out

    def _bulk(self, *_: Any, **__: Any) -> Any:
        raise NotImplementedError("the ageing stage's column I/O runs against a database")

    ageing_inputs = apply_ageing = promise_inputs = settle_promises = _bulk
    escalate = cancel_open_promises = _bulk


class FakeContactLog:
    def __init__(self, st: State) -> None:
        self.c = st.collections

    def add(self, record: ContactRecord) -> None:
        self.c.contacts.append(record)

    def history(self, customer_id: str, since: datetime) -> list[PastContact]:
        return [PastContact(r.case_id, r.channel, r.at, r.outcome) for r in self.c.contacts
                if r.customer_id == customer_id and r.allowed and r.at >= since]

    def for_case(self, case_id: str) -> list[ContactRecord]:
        return [r for r in self.c.contacts if r.case_id == case_id]

    def iterate(self, batch: int = 5000) -> Iterator[ContactRecord]:
        return iter(list(self.c.contacts))


class FakeAgencies:
    def __init__(self, st: State) -> None:
        self.st = st
        self.c = st.collections

    def add(self, agency: Agency) -> None:
        self.c.agencies[agency.id] = agency

    def get(self, agency_id: str) -> Agency | None:
        return self.c.agencies.get(agency_id)

    def name_taken(self, name: str) -> bool:
        return any(a.name == name for a in self.c.agencies.values())

    def all(self) -> list[Agency]:
        return sorted(self.c.agencies.values(), key=lambda a: a.name)

    def add_placement(self, placement: Placement) -> None:
        self.c.placements[placement.id] = placement

    def active_placement(self, case_id: str) -> Placement | None:
        found = [p for p in self.c.placements.values()
                 if p.case_id == case_id and p.recalled_on is None]
        return found[0] if found else None

    def recall(self, placement: Placement) -> None:
        self.c.placements[placement.id] = placement

    def figures(self, on: date) -> list[AgencyFigures]:
        out = []
        for a in self.all():
            mine = [p for p in self.c.placements.values() if p.agency_id == a.id]
            recovered = sum((Decimal(r["amount"]) for p in mine
                             for r in self.st.repayments.values()
                             if r.get("line_id") == p.line_id
                             and p.placed_on < r["business_date"] <= (p.recalled_on or on)),
                            ZERO)
            contacts = sum(1 for r in self.c.contacts if r.agency_id == a.id and r.allowed)
            out.append(AgencyFigures(a.id, len(mine), sum(p.recalled_on is None for p in mine),
                                     recovered, contacts))
        return out

    def add_referral(self, referral: Referral) -> None:
        self.c.referrals[referral.case_id] = referral

    def referral(self, case_id: str) -> Referral | None:
        return self.c.referrals.get(case_id)

# ----------------------------------------------------------------------------- issue 13, triggers lane
class FakeHeldPurchases:
    def __init__(self, st: State) -> None:
        self.st = st

    def add(self, hold: HeldPurchase) -> None:
        self.st.held_purchases[hold.id] = hold

    def get(self, hold_id: str, *, lock: bool = False) -> HeldPurchase | None:
        return self.st.held_purchases.get(hold_id)

    def save(self, hold: HeldPurchase) -> None:
        if self.st.held_purchases[hold.id].status.value != "held":
            raise ConcurrencyError(f"held purchase {hold.id} was decided meanwhile")
        self.st.held_purchases[hold.id] = hold

    def waiting_since(self, made_on_or_before: date) -> list[HeldPurchase]:
        return sorted((h for h in self.st.held_purchases.values()
                       if h.status.value == "held" and h.business_date <= made_on_or_before),
                      key=lambda h: (h.created_at, h.id))

    def page(self, status: str | None, line_id: str | None, req: PageRequest
             ) -> Page[HeldPurchase]:
        rows = [h for h in self.st.held_purchases.values()
                if (status is None or h.status.value == status)
                and (line_id is None or h.line_id == line_id)]
        return fake_page(rows, req, key=lambda h: PageKey(h.created_at, h.id))


class FakeTriggerEvents:
    def __init__(self, st: State) -> None:
        self.st = st

    def add(self, record: TriggerRecord) -> None:
        self.st.trigger_events.append(replace(record, seq=len(self.st.trigger_events) + 1))

    def page(self, line_id: str | None, code: str | None, req: SeqPageRequest
             ) -> SeqPage[TriggerRecord]:
        every = [r for r in self.st.trigger_events
                 if (line_id is None or r.line_id == line_id) and (code is None or r.code == code)]
        rows = [r for r in every if req.after is None or (r.seq or 0) > req.after]
        more = len(rows) > req.limit
        rows = rows[:req.limit]
        return SeqPage(rows, rows[-1].seq if more and rows else None, len(every))

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for r in self.st.trigger_events:
            out[r.code] += 1
        return dict(out)


class FakeActivity:
    def __init__(self, st: State) -> None:
        self.st = st

    def recent(self, line_id: str, since: date) -> Activity:
        bought = tuple(PastPurchase(p.made_on, p.amount, p.merchant_category)
                       for p, _ in self.st.purchases.values()
                       if p.line_id == line_id and p.made_on >= since)
        returned = tuple(r["business_date"] for r in self.st.returns.values()
                         if r["line_id"] == line_id and r["business_date"] >= since)
        return Activity(bought, returned)

    def owed_in_categories(self, line_id: str, categories: frozenset[str]) -> Decimal:
        cats = {pid for pid, (p, _) in self.st.purchases.items()
                if p.merchant_category in categories}
        return sum((i.p_out for (lid, i) in self.st.installments.values()
                    if lid == line_id and not i.settled and i.purchase_id in cats), ZERO)


class FakeSectors:
    def __init__(self, st: State) -> None:
        self.st = st

    def enterprise_lines(self, industry: str | None = None) -> dict[str, list[Any]]:
        rows = []
        for x in sorted(self.st.lines.values(), key=lambda x: x.id):
            c = self.st.customers.get(x.customer_id)
            if x.status == LineStatus.CLOSED or not isinstance(c, Enterprise):
                continue
            if industry is None or c.industry == industry:
                rows.append((x.id, x.customer_id, c.industry, x.dpd, x.limit, x.product,
                             x.opened_on, x.status.value))
        names = ("line_id", "customer_id", "industry", "dpd", "limit", "product", "opened_on",
                 "status")
        return {n: [r[i] for r in rows] for i, n in enumerate(names)}

    def save_flags(self, flags: Sequence[SectorFlag]) -> None:
        self.st.sector_flags = {f.industry: f for f in flags}

    def flags(self) -> list[SectorFlag]:
        return sorted(self.st.sector_flags.values(), key=lambda f: f.industry)

    def flag(self, industry: str) -> SectorFlag | None:
        return self.st.sector_flags.get(industry)

    def add_action(self, action: SectorAction) -> None:
        self.st.sector_actions[action.id] = action

    def get_action(self, action_id: str, *, lock: bool = False) -> SectorAction | None:
        return self.st.sector_actions.get(action_id)

    def mark_reversed(self, action: SectorAction) -> None:
        if self.st.sector_actions[action.id].status is not ActionStatus.APPLIED:
            raise ConcurrencyError(f"sector action {action.id} was reversed meanwhile")
        self.st.sector_actions[action.id] = action

    def actions(self, industry: str | None, req: PageRequest) -> Page[SectorAction]:
        return fake_page([a for a in self.st.sector_actions.values()
                          if industry is None or a.industry == industry], req)


class FakeReviewCases:
    def __init__(self, st: State) -> None:
        self.st = st

    def add(self, case: ReviewCase) -> None:
        self.st.review_cases[case.id] = case

    def get(self, case_id: str, *, lock: bool = False) -> ReviewCase | None:
        return self.st.review_cases.get(case_id)

    def save(self, case: ReviewCase) -> None:
        if not self.st.review_cases[case.id].open:
            raise ConcurrencyError(f"review case {case.id} was decided meanwhile")
        self.st.review_cases[case.id] = case

    def open_cases(self) -> list[ReviewCase]:
        return sorted((c for c in self.st.review_cases.values() if c.open),
                      key=lambda c: (c.due_on, c.id))

    def last_decided(self) -> dict[str, date]:
        out: dict[str, date] = {}
        for c in self.st.review_cases.values():
            if c.decided_on is not None:
                out[c.line_id] = max(c.decided_on, out.get(c.line_id, c.decided_on))
        return out

    def open_due(self, line_ids: Sequence[str]) -> dict[str, tuple[str, date]]:
        wanted = set(line_ids)
        out: dict[str, tuple[str, date]] = {}
        for c in sorted(self.st.review_cases.values(), key=lambda c: c.due_on, reverse=True):
            if c.open and c.line_id in wanted:
                out[c.line_id] = (c.id, c.due_on)
        return out

    def freeze(self, line_ids: Sequence[str]) -> list[str]:
        frozen = []
        for i in sorted(line_ids):
            line = self.st.lines.get(i)
            if line is not None and line.status == LineStatus.ACTIVE:
                self.st.lines[i] = replace(line, status=LineStatus.FROZEN,
                                           version=line.version + 1)
                frozen.append(i)
        return frozen

    def page(self, status: str | None, due_by: date | None, req: PageRequest
             ) -> Page[ReviewCase]:
        return fake_page([c for c in self.st.review_cases.values()
                          if (status is None or c.status.value == status)
                          and (due_by is None or c.due_on <= due_by)], req)


def typed(uow: FakeUnitOfWork) -> UnitOfWork:
    """The fake as the port (a type checker proves it implements every repository)."""
    return uow


# ----- losses (issue 16): no line of the in-memory book is written off or sold; the losses
# use cases themselves are tested on the real stores (tests/integration/test_losses_*.py)
class FakeLosses:
    def account(self, line_id: str, *, lock: bool = False) -> None:
        return None


FakeUnitOfWork.losses = property(lambda self: FakeLosses())  # type: ignore[attr-defined]
# ----- contacts lane: emergency contacts verified and approached, regional relief --------------
# (kept on the fake's State under extra attributes, so the State class stays as it is)
from creditline.collections.contacts import ContactEvent, Verification  # noqa: E402
from creditline.collections.ports import GateSubject  # noqa: E402
from creditline.collections.relief import Relief  # noqa: E402


def _lane(st: State, name: str, make: Any) -> Any:
    return st.__dict__.setdefault(f"_contacts_lane_{name}", make())


class FakeReliefs:
    def __init__(self, st: State) -> None:
        self.st = st
        self.rows: dict[str, Relief] = _lane(st, "reliefs", dict)

    def add(self, relief: Relief) -> None:
        self.rows[relief.id] = relief

    def get(self, relief_id: str, *, lock: bool = False) -> Relief | None:
        return self.rows.get(relief_id)

    def save(self, relief: Relief) -> None:
        self.rows[relief.id] = relief

    def all(self) -> list[Relief]:
        return sorted(self.rows.values(), key=lambda r: (r.start, r.id), reverse=True)

    def in_force(self, day: date) -> list[Relief]:
        return [r for r in self.rows.values() if r.start <= day
                and (r.active_on(day) or (r.defer_due_dates and r.end >= day - timedelta(400)))]

    def line_regions(self, first_id: str, last_id: str, line_ids: Sequence[str] | None,
                     keys: Sequence[str]) -> dict[str, str]:
        out = {}
        for line in self.st.lines.values():
            inside = line.id in line_ids if line_ids is not None else first_id <= line.id <= last_id
            region = self.region_of(line.customer_id)
            if inside and region is not None and region.strip().casefold() in keys:
                out[line.id] = region
        return out

    def region_of(self, customer_id: str) -> str | None:
        c = self.st.customers.get(customer_id)
        return getattr(c, "region", None)

    def preview_rows(self, keys: Sequence[str]) -> list[tuple[str, str, str | None, int, int, bool]]:
        wanted = {k.strip().casefold() for k in keys}
        return [(c.id, str(getattr(c, "region", "")), None, 0, 0, False)
                for c in self.st.customers.values()
                if str(getattr(c, "region", "") or "").strip().casefold() in wanted]


class FakeContactDesk:
    def __init__(self, st: State) -> None:
        self.st = st
        self.verifications: dict[str, Verification] = _lane(st, "verifications", dict)
        self.log: list[ContactEvent] = _lane(st, "events", list)

    def digest(self, secret: str) -> str:
        return hashlib.sha256(f"contact-code:{secret}".encode()).hexdigest()

    def contact(self, contact_id: str) -> EmergencyContact | None:
        return next((c for c in self.st.contacts if c.id == contact_id), None)

    def set_verification(self, contact_id: str, status: str) -> None:
        self.st.contacts = [replace(c, verification=status) if c.id == contact_id else c
                            for c in self.st.contacts]

    def remove_contact(self, contact_id: str) -> None:
        self.st.contacts = [c for c in self.st.contacts if c.id != contact_id]

    def add_verification(self, v: Verification) -> None:
        self.verifications[v.id] = v

    def save_verification(self, v: Verification) -> None:
        self.verifications[v.id] = v

    def pending_verifications(self, contact_id: str) -> list[Verification]:
        return [v for v in self.verifications.values()
                if v.contact_id == contact_id and v.status == "pending"]

    def verification_by_reference(self, reference_hash: str, *,
                                  lock: bool = False) -> Verification | None:
        return next((v for v in self.verifications.values()
                     if v.reference_hash == reference_hash), None)

    def add_event(self, event: ContactEvent) -> None:
        self.log.append(event)

    def events(self, *, customer_id: str | None = None,
               contact_id: str | None = None) -> list[ContactEvent]:
        return [e for e in self.log if (customer_id is None or e.customer_id == customer_id)
                and (contact_id is None or e.contact_id == contact_id)]

    def verified_at(self) -> dict[str, datetime]:
        return {e.contact_id: e.at for e in self.log if e.kind == "verified"}

    def repeat_agreed(self) -> frozenset[str]:
        return frozenset(e.contact_id for e in self.log if e.kind == "repeat_agreed")

    def approaches(self, contact_id: str) -> int:
        return sum(1 for r in self.st.collections.contacts
                   if r.contact_id == contact_id and r.allowed)

    def phones(self, contact_ids: Sequence[str]) -> dict[str, str]:
        return {c.id: c.phone for c in self.st.contacts if c.id in set(contact_ids)}

    def subjects(self, customer_ids: Sequence[str]) -> dict[str, GateSubject]:
        out = {}
        for cid in customer_ids:
            c = self.st.customers.get(cid)
            if c is not None:
                out[cid] = GateSubject(cid, c.time_zone, getattr(c, "region", None))
        return out

    def contact_texts(self) -> list[str]:
        return [f"{m.subject}\n{m.body}" for m in self.st.messages.values() if m.contact_id]


def _add_many(self: FakeContactLog, records: Sequence[ContactRecord]) -> None:
    for r in records:
        self.add(r)


def _hold(self: FakeNotifications, held: Sequence[tuple[str, datetime, str]]) -> None:
    for message_id, due_at, why in held:
        m = self.st.messages[message_id]
        self.st.messages[message_id] = replace(m, status="pending", due_at=due_at,
                                               last_error=why)


FakeContactLog.add_many = _add_many  # type: ignore[attr-defined]
FakeNotifications.hold = _hold  # type: ignore[attr-defined]
FakeUnitOfWork.reliefs = property(lambda self: FakeReliefs(self._state))  # type: ignore[attr-defined]
FakeUnitOfWork.contact_desk = property(  # type: ignore[attr-defined]
    lambda self: FakeContactDesk(self._state))
