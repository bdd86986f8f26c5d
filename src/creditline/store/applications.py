"""Applications in SQL (``origination.ports.ApplicationRepository``), with the look-ups
fraud screening makes over them.

Locking: applications carry an integer ``version`` and are updated with
``WHERE version = :seen`` (optimistic); a lost race raises ``ConcurrencyError`` (409) and
changes nothing.  A review decision reads its application ``FOR UPDATE`` on PostgreSQL.

Velocity and ring look-ups read only keyed hashes, through the ``(hash, created_at)``
indexes, and stop at the window the policy gives.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    bindparam,
    insert,
    literal,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from creditline.errors import ConcurrencyError
from creditline.fraud.rings import Link
from creditline.fraud.velocity import ApplicationKeys, PastApplication
from creditline.origination.application import DECLINED, REFERRED, Application
from creditline.origination.ports import ApplicationQuery
from creditline.paging import Page, PageRequest
from creditline.store import browse
from creditline.store.tables.foundation import emergency_contacts
from creditline.store.tables.origination import applications
from creditline.store.types import aware

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork

_BATCH = 500
_KEY_COLUMNS = {"id": applications.c.id_hash, "phone": applications.c.phone_hash,
                "device": applications.c.device_hash, "ip": applications.c.ip_hash}

# Hot-path statements are built once: SQLAlchemy then reuses their cache key and compiled
# form, which saves most of its per-statement overhead on the checkout path.
_INSERT_APPLICATION = insert(applications)
# Built once (a decision rewrites the whole row: ~35 values coerced and cache-keyed per call
# otherwise); the row's own ``id``/``version`` are bound apart as the optimistic lock.
_UPDATE_APPLICATION = (
    update(applications)
    .where(applications.c.id == bindparam("k_id"), applications.c.version == bindparam("k_version"))
    .values({c.name: bindparam(c.name, type_=c.type) for c in applications.c if c.name != "id"}))
_GET_APPLICATION = select(applications).where(applications.c.id == bindparam("id"))
_GET_APPLICATION_LOCKED = _GET_APPLICATION.with_for_update()
_LAST_OPEN_OR_DECLINED = (
    select(applications.c.id, applications.c.status, applications.c.created_at,
           applications.c.decided_at)
    .where(applications.c.customer_id == bindparam("cid"),
           applications.c.status.in_((REFERRED, DECLINED)))
    .order_by(applications.c.created_at.desc()).limit(1))
_CONTACTS_OF = (select(emergency_contacts.c.customer_id, emergency_contacts.c.phone_hash)
                .where(emergency_contacts.c.customer_id.in_(bindparam("ids", expanding=True))))
# every kind of ring link in one statement (a UNION ALL of the statements below, in their
# order): one round trip per step of a ring walk instead of five
_KINDS = ("device", "ip", "contact_phone", "address")
_SHARING_ALL = union_all(
    select(emergency_contacts.c.customer_id, literal("contact_phone").label("kind"),
           emergency_contacts.c.phone_hash.label("v"), literal(0).label("arm"))
    .where(emergency_contacts.c.phone_hash.in_(bindparam("v_contact", expanding=True))),
    *(select(applications.c.customer_id, literal(kind).label("kind"), col.label("v"),
             literal(i + 1).label("arm"))
      .where(col.in_(bindparam(f"v_{kind}", expanding=True)),
             applications.c.created_at >= bindparam("since")).distinct()
      for i, (kind, col) in enumerate((("device", applications.c.device_hash),
                                       ("ip", applications.c.ip_hash),
                                       ("contact_phone", applications.c.phone_hash),
                                       ("address", applications.c.address_hash))))
).order_by(text("arm"))
_CONTACTS_WITH = (select(emergency_contacts.c.customer_id, emergency_contacts.c.phone_hash)
                  .where(emergency_contacts.c.phone_hash.in_(bindparam("vals", expanding=True))))
_DEVICES_IPS_OF = (select(applications.c.customer_id, applications.c.device_hash,
                          applications.c.ip_hash, applications.c.phone_hash,
                          applications.c.address_hash)
                   .where(applications.c.customer_id.in_(bindparam("ids", expanding=True)),
                          applications.c.created_at >= bindparam("since")))
_SHARING = {kind: select(applications.c.customer_id, col.label("v"))
            .where(col.in_(bindparam("vals", expanding=True)),
                   applications.c.created_at >= bindparam("since")).distinct()
            for kind, col in (("device", applications.c.device_hash),
                              ("ip", applications.c.ip_hash),
                              # an applicant's own mobile is a node of the phones others
                              # list as their emergency contact
                              ("contact_phone", applications.c.phone_hash),
                              ("address", applications.c.address_hash))}
_recent_by_keys: dict[tuple[str, ...], Any] = {}


def _recent_statement(present: tuple[str, ...]) -> Any:
    stmt = _recent_by_keys.get(present)
    if stmt is None:
        stmt = (select(applications.c.id_hash, applications.c.phone_hash,
                       applications.c.device_hash, applications.c.ip_hash,
                       applications.c.created_at)
                .where(or_(*(_KEY_COLUMNS[k] == bindparam(k) for k in present)),
                       applications.c.created_at >= bindparam("since")))
        _recent_by_keys[present] = stmt
    return stmt


def _app_values(a: Application) -> dict[str, Any]:
    return {
        "id": a.id, "customer_id": a.customer_id, "kind": a.kind, "product": a.product,
        "channel": a.channel, "status": a.status, "policy_decision": a.policy_decision,
        "requested_limit": a.requested_limit, "granted_limit": a.granted_limit,
        "score": a.score, "pd": a.pd, "band": a.band, "id_hash": a.keys.id,
        "phone_hash": a.keys.phone, "device_hash": a.keys.device, "ip_hash": a.keys.ip,
        "address_hash": a.address_hash, "inputs": a.inputs, "checks": a.checks, "features": a.features, "facts": a.facts,
        "policy": a.policy, "reasons": a.reasons, "ring": a.ring, "model_id": a.model_id,
        "model_name": a.model_name, "model_version": a.model_version, "shadow": a.shadow,
        "rules_version": a.rules_version, "rules_hash": a.rules_hash,
        "elapsed_ms": a.elapsed_ms, "line_id": a.line_id, "created_at": a.created_at,
        "decided_at": a.decided_at, "version": a.version,
    }


def _app(r: Any) -> Application:
    created = aware(r.created_at)
    assert created is not None
    return Application(
        id=r.id, customer_id=r.customer_id, kind=r.kind, product=r.product, channel=r.channel,
        status=r.status, policy_decision=r.policy_decision, requested_limit=r.requested_limit,
        granted_limit=r.granted_limit, score=r.score, pd=r.pd, band=r.band,
        keys=ApplicationKeys(r.id_hash, r.phone_hash, r.device_hash, r.ip_hash),
        inputs=r.inputs, checks=r.checks, features=r.features, facts=r.facts, policy=r.policy,
        reasons=r.reasons, ring=r.ring, model_id=r.model_id, model_name=r.model_name,
        model_version=r.model_version, shadow=r.shadow, rules_version=r.rules_version,
        rules_hash=r.rules_hash, elapsed_ms=r.elapsed_ms, line_id=r.line_id,
        created_at=created, decided_at=aware(r.decided_at), version=r.version,
        address_hash=r.address_hash)


class SqlApplicationRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    def add(self, app: Application) -> None:
        self.s.execute(_INSERT_APPLICATION, _app_values(app))

    def get(self, app_id: str, *, for_update: bool = False) -> Application | None:
        q = _GET_APPLICATION_LOCKED if for_update else _GET_APPLICATION
        row = self.s.execute(q, {"id": app_id}).first()
        return None if row is None else _app(row)

    def update(self, app: Application) -> Application:
        values = _app_values(app)
        values["version"] = app.version + 1
        del values["id"]
        result = self.s.execute(_UPDATE_APPLICATION,
                                {**values, "k_id": app.id, "k_version": app.version})
        if result.rowcount != 1:  # type: ignore[attr-defined]  # SQLAlchemy types Session.execute() as Result; rowcount is on the CursorResult it returns
            raise ConcurrencyError(f"application {app.id} changed since it was read; retry")
        return _app_row_version(app, app.version + 1)

    def last_open_or_declined(self, customer_id: str) -> tuple[str, str, datetime] | None:
        """The customer's latest referred or declined application as (id, status, when):
        a referred one is always the latest (nothing can be filed while it waits), so one
        indexed read answers both "is one pending?" and "when was the last decline?"."""
        row = self.s.execute(_LAST_OPEN_OR_DECLINED, {"cid": customer_id}).first()
        if row is None:
            return None
        at = aware(row.decided_at or row.created_at)
        assert at is not None
        return row.id, row.status, at

    def recent_sharing(self, keys: ApplicationKeys, since: datetime) -> list[PastApplication]:
        present = tuple(k for k in _KEY_COLUMNS if keys.get(k) is not None)
        if not present:
            return []
        params: dict[str, Any] = {k: keys.get(k) for k in present}
        params["since"] = since
        out = []
        for r in self.s.execute(_recent_statement(present), params):
            at = aware(r.created_at)
            assert at is not None
            out.append(PastApplication(
                ApplicationKeys(r.id_hash, r.phone_hash, r.device_hash, r.ip_hash), at))
        return out

    # -- ring links ------------------------------------------------------------------------
    def contact_links(self, customer_ids: Iterable[str]) -> list[Link]:
        ids = sorted(set(customer_ids))
        out: list[Link] = []
        for i in range(0, len(ids), _BATCH):
            rows = self.s.execute(_CONTACTS_OF, {"ids": ids[i:i + _BATCH]})
            out.extend(Link(r.customer_id, "contact_phone", r.phone_hash) for r in rows)
        return out

    def links_of(self, customer_ids: set[str], since: datetime) -> list[Link]:
        out = self.contact_links(customer_ids)
        ids = sorted(customer_ids)
        for i in range(0, len(ids), _BATCH):
            for r in self.s.execute(_DEVICES_IPS_OF, {"ids": ids[i:i + _BATCH], "since": since}):
                if r.device_hash:
                    out.append(Link(r.customer_id, "device", r.device_hash))
                if r.ip_hash:
                    out.append(Link(r.customer_id, "ip", r.ip_hash))
                if r.phone_hash:
                    out.append(Link(r.customer_id, "contact_phone", r.phone_hash))
                if r.address_hash:
                    out.append(Link(r.customer_id, "address", r.address_hash))
        return out

    def sharing(self, values: set[tuple[str, str]], since: datetime) -> list[Link]:
        by_kind: dict[str, list[str]] = {}
        for kind, value in values:
            by_kind.setdefault(kind, []).append(value)
        if all(len(v) <= _BATCH for v in by_kind.values()):  # a ring walk's step: one trip
            params: dict[str, Any] = {f"v_{k}": sorted(by_kind.get(k, [])) for k in _KINDS}
            params["v_contact"] = params["v_contact_phone"]  # others' emergency contacts too
            return [Link(r.customer_id, r.kind, r.v)
                    for r in self.s.execute(_SHARING_ALL, {**params, "since": since})]
        out: list[Link] = []
        phones = sorted(by_kind.get("contact_phone", []))
        for i in range(0, len(phones), _BATCH):
            rows = self.s.execute(_CONTACTS_WITH, {"vals": phones[i:i + _BATCH]})
            out.extend(Link(r.customer_id, "contact_phone", r.phone_hash) for r in rows)
        for kind, stmt in _SHARING.items():
            vals = sorted(by_kind.get(kind, []))
            for i in range(0, len(vals), _BATCH):
                rows = self.s.execute(stmt, {"vals": vals[i:i + _BATCH], "since": since})
                out.extend(Link(r.customer_id, kind, r.v) for r in rows)
        return out

    # -- reading ---------------------------------------------------------------------------
    def since(self, start: datetime, end: datetime | None = None) -> Iterator[Application]:
        """Applications created at or after ``start`` (and before ``end``), oldest first,
        read in pages so a long replay does not hold the whole table in memory."""
        last: tuple[datetime, str] | None = None
        while True:
            q = select(applications).where(applications.c.created_at >= start)
            if end is not None:
                q = q.where(applications.c.created_at < end)
            if last is not None:
                q = q.where(or_(applications.c.created_at > last[0],
                                (applications.c.created_at == last[0])
                                & (applications.c.id > last[1])))
            rows = self.s.execute(q.order_by(applications.c.created_at, applications.c.id)
                                  .limit(_BATCH)).all()
            if not rows:
                return
            for r in rows:
                yield _app(r)
            last = (rows[-1].created_at, rows[-1].id)

    def for_customer(self, customer_id: str, limit: int = 50) -> list[Application]:
        rows = self.s.execute(select(applications)
                              .where(applications.c.customer_id == customer_id)
                              .order_by(applications.c.created_at.desc()).limit(limit))
        return [_app(r) for r in rows]

    def page(self, query: ApplicationQuery, req: PageRequest) -> Page[Application]:
        c = applications.c
        where: list[ColumnElement[bool]] = []
        if query.status is not None:
            where.append(c.status == query.status)
        if query.product is not None:
            where.append(c.product == query.product)
        if query.customer_id is not None:
            where.append(c.customer_id == query.customer_id)
        pg = self.uow.is_postgres
        if query.created_from is not None:
            where.append(c.created_at >= browse.day_start(query.created_from, pg))
        if query.created_to is not None:
            where.append(c.created_at < browse.day_after(query.created_to, pg))
        return browse.page(self.s, select(applications), c.created_at, c.id, req,
                           lambda rows: [_app(r) for r in rows], postgres=pg, where=where)


def _app_row_version(app: Application, version: int) -> Application:
    from dataclasses import replace

    return replace(app, version=version)
