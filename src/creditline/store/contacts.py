"""Emergency-contact verification and events, and regional reliefs (``uow.contact_desk``,
``uow.reliefs``; migration ``0022f_contacts``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, and_, delete, func, insert, or_, select, type_coerce, update
from sqlalchemy.orm import Session

from creditline.collections.contacts import ContactEvent, Verification
from creditline.collections.ports import GateSubject
from creditline.collections.relief import ACTIVE, Relief, region_key
from creditline.errors import ConcurrencyError
from creditline.parties.contacts import EmergencyContact
from creditline.store.tables.collections import collection_cases, contact_log
from creditline.store.tables.contacts import contact_events, contact_verifications, reliefs
from creditline.store.tables.foundation import customers, emergency_contacts
from creditline.store.tables.notify import notify_messages
from creditline.store.tables.servicing import credit_lines
from creditline.store.types import aware

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork

_CHUNK = 2000
_ACTIVE_CASE = collection_cases.c.status.not_in(("resolved", "written_off", "sold"))
v_t = contact_verifications


def _at(value: Any) -> datetime:
    out = aware(value)
    assert out is not None
    return out


class SqlContactDesk:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.cipher = uow.cipher

    def digest(self, secret: str) -> str:
        return self.cipher.blind_index(f"contact-code:{secret}")

    # -- the contacts themselves ---------------------------------------------------------------
    def contact(self, contact_id: str) -> EmergencyContact | None:
        r = self.s.execute(select(emergency_contacts).where(
            emergency_contacts.c.id == contact_id)).first()
        if r is None:
            return None
        return EmergencyContact(
            id=r.id, customer_id=r.customer_id, position=r.position, name=r.name,
            relation=r.relation, phone=self.cipher.decrypt(r.phone_enc), consent=r.consent,
            consented_at=_at(r.consented_at), verification=r.verification,
            created_at=_at(r.created_at))

    def set_verification(self, contact_id: str, status: str) -> None:
        self.s.execute(update(emergency_contacts).where(emergency_contacts.c.id == contact_id)
                       .values(verification=status))

    def remove_contact(self, contact_id: str) -> None:
        self.s.execute(delete(emergency_contacts).where(emergency_contacts.c.id == contact_id))

    def phones(self, contact_ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        ids = list(contact_ids)
        for i in range(0, len(ids), _CHUNK):
            q = select(emergency_contacts.c.id, emergency_contacts.c.phone_enc).where(
                emergency_contacts.c.id.in_(ids[i:i + _CHUNK]))
            out.update({r.id: self.cipher.decrypt(r.phone_enc) for r in self.s.execute(q)})
        return out

    # -- verification codes ----------------------------------------------------------------
    def add_verification(self, v: Verification) -> None:
        self.s.execute(insert(v_t).values(
            id=v.id, contact_id=v.contact_id, customer_id=v.customer_id, code_hash=v.code_hash,
            reference_hash=v.reference_hash, sent_at=v.sent_at, expires_at=v.expires_at,
            attempts=v.attempts, status=v.status, closed_at=v.closed_at))

    def save_verification(self, v: Verification) -> None:
        self.s.execute(update(v_t).where(v_t.c.id == v.id).values(
            attempts=v.attempts, status=v.status, closed_at=v.closed_at))

    @staticmethod
    def _verification(r: Any) -> Verification:
        return Verification(id=r.id, contact_id=r.contact_id, customer_id=r.customer_id,
                            code_hash=r.code_hash, reference_hash=r.reference_hash,
                            sent_at=_at(r.sent_at), expires_at=_at(r.expires_at),
                            attempts=r.attempts, status=r.status,
                            closed_at=aware(r.closed_at))

    def pending_verifications(self, contact_id: str) -> list[Verification]:
        return [self._verification(r) for r in self.s.execute(
            select(v_t).where(v_t.c.contact_id == contact_id, v_t.c.status == "pending"))]

    def verification_by_reference(self, reference_hash: str, *,
                                  lock: bool = False) -> Verification | None:
        q = select(v_t).where(v_t.c.reference_hash == reference_hash)
        if lock:
            q = q.with_for_update()
        r = self.s.execute(q).first()
        return None if r is None else self._verification(r)

    # -- events ----------------------------------------------------------------------------
    def add_event(self, event: ContactEvent) -> None:
        self.s.execute(insert(contact_events).values(
            contact_id=event.contact_id, customer_id=event.customer_id, at=event.at,
            kind=event.kind, actor=event.actor, detail=event.detail))

    def events(self, *, customer_id: str | None = None,
               contact_id: str | None = None) -> list[ContactEvent]:
        e = contact_events.c
        q = select(contact_events).order_by(e.seq)
        if customer_id is not None:
            q = q.where(e.customer_id == customer_id)
        if contact_id is not None:
            q = q.where(e.contact_id == contact_id)
        return [ContactEvent(r.contact_id, r.customer_id, _at(r.at), r.kind, r.actor,
                             dict(r.detail or {})) for r in self.s.execute(q)]

    def verified_at(self) -> dict[str, datetime]:
        e = contact_events.c
        q = select(e.contact_id, func.max(e.at)).where(e.kind == "verified").group_by(
            e.contact_id)
        return {r[0]: _at(r[1]) for r in self.s.execute(q)}

    def repeat_agreed(self) -> frozenset[str]:
        e = contact_events.c
        return frozenset(self.s.execute(select(e.contact_id).where(
            e.kind == "repeat_agreed").distinct()).scalars())

    def approaches(self, contact_id: str) -> int:
        c = contact_log.c
        return int(self.s.execute(select(func.count()).select_from(contact_log).where(
            c.contact_id == contact_id, c.allowed.is_(True))).scalar() or 0)

    def contact_texts(self) -> list[str]:
        m = notify_messages.c
        return [f"{r.subject}\n{r.body}" for r in self.s.execute(
            select(m.subject, m.body).where(m.contact_id.is_not(None)))]

    # -- the relay's gate ------------------------------------------------------------------
    def subjects(self, customer_ids: Sequence[str]) -> dict[str, GateSubject]:
        out: dict[str, GateSubject] = {}
        ids = list(customer_ids)
        cc = collection_cases.c
        for i in range(0, len(ids), _CHUNK):
            part = ids[i:i + _CHUNK]
            people = {r.id: (r.time_zone, r.region) for r in self.s.execute(
                select(customers.c.id, customers.c.time_zone, customers.c.region).where(
                    customers.c.id.in_(part)))}
            cases = {r.customer_id: r for r in self.s.execute(
                select(cc.customer_id, cc.id, cc.line_id, cc.profile, cc.zone, cc.hours_agreed)
                .where(cc.customer_id.in_(part), _ACTIVE_CASE).order_by(cc.opened_on, cc.id))}
            for cid, (zone, region) in people.items():
                case = cases.get(cid)
                if case is None:
                    out[cid] = GateSubject(cid, zone or "Asia/Shanghai", region)
                else:
                    out[cid] = GateSubject(cid, case.zone, region, case.id, case.line_id,
                                           case.profile, bool(case.hours_agreed))
        return out


def _relief(r: Any) -> Relief:
    return Relief(id=r.id, regions=tuple(r.regions), start=r.start, end=r.end,
                  reason=r.reason, defer_due_dates=bool(r.defer_due_dates),
                  declared_by=r.declared_by, declared_at=_at(r.declared_at), status=r.status,
                  cancelled_by=r.cancelled_by, cancelled_on=r.cancelled_on)


class SqlReliefRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self._versions: dict[str, int] = {}

    def add(self, relief: Relief) -> None:
        self.s.execute(insert(reliefs).values(
            id=relief.id, regions=list(relief.regions), region_keys=sorted(relief.keys),
            start=relief.start, end=relief.end, reason=relief.reason,
            defer_due_dates=relief.defer_due_dates, declared_by=relief.declared_by,
            declared_at=relief.declared_at, status=relief.status,
            cancelled_by=relief.cancelled_by, cancelled_on=relief.cancelled_on, version=1))

    def get(self, relief_id: str, *, lock: bool = False) -> Relief | None:
        q = select(reliefs).where(reliefs.c.id == relief_id)
        if lock:
            q = q.with_for_update()
        r = self.s.execute(q).first()
        if r is None:
            return None
        self._versions[r.id] = r.version
        return _relief(r)

    def save(self, relief: Relief) -> None:
        version = self._versions.get(relief.id, 1)
        res = self.s.execute(update(reliefs).where(
            reliefs.c.id == relief.id, reliefs.c.version == version).values(
            status=relief.status, cancelled_by=relief.cancelled_by,
            cancelled_on=relief.cancelled_on, version=version + 1))
        if getattr(res, "rowcount", 1) != 1:
            raise ConcurrencyError(f"relief {relief.id} changed meanwhile; retry")
        self._versions[relief.id] = version + 1

    def all(self) -> list[Relief]:
        return [_relief(r) for r in self.s.execute(
            select(reliefs).order_by(reliefs.c.start.desc(), reliefs.c.id))]

    def in_force(self, day: date) -> list[Relief]:
        r = reliefs.c
        since = day - timedelta(days=400)  # a deferral outlives its relief by one due date
        q = select(reliefs).where(r.start <= day, or_(
            and_(r.end >= day, or_(r.cancelled_on.is_(None), r.cancelled_on >= day)),
            and_(r.defer_due_dates.is_(True), r.end >= since)))
        return [x for x in (_relief(row) for row in self.s.execute(q))
                if x.active_on(day) or x.defer_due_dates]

    def line_regions(self, first_id: str, last_id: str, line_ids: Sequence[str] | None,
                     keys: Sequence[str]) -> dict[str, str]:
        lc, cu = credit_lines.c, customers.c
        q = (select(lc.id, cu.region).join(customers, cu.id == lc.customer_id)
             .where(func.lower(func.trim(cu.region)).in_([k.lower() for k in keys])))
        if line_ids is not None:
            q = q.where(lc.id.in_(list(line_ids)))
        else:
            q = q.where(lc.id >= first_id, lc.id <= last_id)
        return {r.id: r.region for r in self.s.execute(q)}

    def region_of(self, customer_id: str) -> str | None:
        region = self.s.execute(select(customers.c.region).where(
            customers.c.id == customer_id)).scalar()
        return None if region is None else str(region)

    def preview_rows(self, keys: Sequence[str]
                     ) -> list[tuple[str, str, str | None, int, int, bool]]:
        lc, cu, cc = credit_lines.c, customers.c, collection_cases.c
        # in cents, as stored (the Money columns' integer cents, summed in SQL)
        owed = type_coerce(lc.principal_unbilled + lc.principal_billed + lc.fee
                           + lc.interest_accrued + lc.interest_billed + lc.penalty
                           - lc.credit_balance, BigInteger)
        has_case = select(cc.id).where(cc.line_id == lc.id, _ACTIVE_CASE).exists()
        q = (select(cu.id, cu.region, lc.id.label("line_id"), owed.label("owed"),
                    type_coerce(lc.past_due, BigInteger).label("past_due"),
                    has_case.label("case"))
             .select_from(customers.outerjoin(credit_lines, and_(
                 lc.customer_id == cu.id, lc.status != "closed")))
             .where(func.lower(func.trim(cu.region)).in_([region_key(k) for k in keys])))
        out = []
        for r in self.s.execute(q):
            out.append((r.id, r.region, r.line_id,
                        int(r.owed or 0) if r.line_id else 0,
                        int(r.past_due or 0) if r.line_id else 0,
                        bool(r.case) if r.line_id else False))
        return out


__all__ = ["ACTIVE", "SqlContactDesk", "SqlReliefRepository"]
