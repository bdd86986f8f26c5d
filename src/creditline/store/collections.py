"""The collections context in SQL: cases (``collections.ports.CaseRepository``, including
the ageing stage's bulk reads and writes), the contact log (``ContactLog``; append-only, the
database refuses UPDATE and DELETE) and agencies with placements and legal referrals
(``AgencyRepository``).

Locking: a command on a case takes its row lock (``get(..., lock=True)``: FOR UPDATE on
PostgreSQL; SQLite serialises writers) and ``save`` also checks the version (optimistic),
so end of day moving a case and a collector editing it cannot overwrite each other.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from creditline.collections.cases import (
    OPEN,
    BucketSpell,
    Case,
    Promise,
    PromiseStatus,
    Terminal,
)
from creditline.collections.compliance import Channel, Outcome, Party, PastContact
from creditline.collections.ports import (
    AgeingRows,
    Agency,
    AgencyFigures,
    ContactRecord,
    Placement,
    Referral,
)
from creditline.errors import ConcurrencyError
from creditline.servicing.calendar import day_number
from creditline.store.tables.collections import (
    agencies,
    bucket_history,
    collection_cases,
    contact_log,
    legal_referrals,
    placements,
    promises,
)
from creditline.store.tables.servicing import credit_lines, repayments
from creditline.store.types import aware, cents, from_cents

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork

C = collection_cases.c
L = credit_lines.c
TERMINAL = [t.value for t in Terminal]
CASE_NS = uuid.UUID("6f1d3c52-1c1e-4d7e-9a55-5d1e0c0a7c15")
CHUNK = 5000
_LIVE_BALANCE = (L.principal_unbilled + L.principal_billed + L.fee + L.interest_accrued
                 + L.interest_billed + L.penalty - L.credit_balance)


def case_id_for(line_id: str, day: date) -> str:
    """A case's id: derived from its line and the day it opened (one case per line and day),
    so end of day draws no random ids (the demo seeds ``uuid4`` for the services' records)."""
    return str(uuid.uuid5(CASE_NS, f"{line_id}:{day.isoformat()}"))


def _case(r: Any, live: bool = False) -> Case:
    past_due, balance = r.past_due, r.balance
    if live:
        past_due, balance = r.live_past_due, from_cents(r.live_balance)
    return Case(
        id=r.id, line_id=r.line_id, customer_id=r.customer_id, status=r.status,
        bucket=int(r.bucket), opened_on=r.opened_on, updated_on=r.updated_on,
        past_due=past_due, balance=balance, rules_version=r.rules_version, profile=r.profile,
        zone=r.zone, hours_agreed=bool(r.hours_agreed), closed_on=r.closed_on,
        assigned_to=r.assigned_to, escalation=int(r.escalation), hold_kind=r.hold_kind,
        hold_from=r.hold_from, hold_until=r.hold_until, hold_reason=r.hold_reason,
        disputed=r.disputed, dispute_reason=r.dispute_reason, agency_id=r.agency_id,
        version=int(r.version))


def _live_cases() -> Any:
    """Cases with the line's past due and balance as they are now (the case row keeps
    them as of its last bucket change)."""
    return (select(collection_cases, L.past_due.label("live_past_due"),
                   _LIVE_BALANCE.label("live_balance"))
            .select_from(collection_cases.join(credit_lines, L.id == C.line_id)))


def _spell(r: Any) -> BucketSpell:
    return BucketSpell(case_id=r.case_id, line_id=r.line_id, bucket=r.bucket,
                       entered_on=r.entered_on, entered_past_due=r.entered_past_due,
                       entered_balance=r.entered_balance, left_on=r.left_on,
                       left_past_due=r.left_past_due, left_balance=r.left_balance,
                       left_to=r.left_to)


def _promise(r: Any) -> Promise:
    return Promise(id=r.id, case_id=r.case_id, line_id=r.line_id, amount=r.amount,
                   due_on=r.due_on, made_on=r.made_on, made_by=r.made_by,
                   status=PromiseStatus(r.status), settled_on=r.settled_on, paid=r.paid)


def _range(col: Any, first: str, last: str, only: Sequence[str] | None) -> Any:
    cond = col.between(first, last)
    return cond if only is None else and_(cond, col.in_(list(only)))


class SqlCaseRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    def get(self, case_id: str, *, lock: bool = False) -> Case | None:
        q = _live_cases().where(C.id == case_id)
        if lock:
            q = q.with_for_update(of=collection_cases)
        row = self.s.execute(q).first()
        return None if row is None else _case(row, live=True)

    def save(self, case: Case) -> Case:
        done = self.s.execute(update(collection_cases).where(
            C.id == case.id, C.version == case.version).values(
            status=case.status, bucket=case.bucket, updated_on=case.updated_on,
            closed_on=case.closed_on, profile=case.profile, zone=case.zone,
            hours_agreed=case.hours_agreed, assigned_to=case.assigned_to,
            escalation=case.escalation, hold_kind=case.hold_kind, hold_from=case.hold_from,
            hold_until=case.hold_until, hold_reason=case.hold_reason, disputed=case.disputed,
            dispute_reason=case.dispute_reason, agency_id=case.agency_id,
            version=case.version + 1))
        if done.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult of an UPDATE has rowcount
            raise ConcurrencyError(f"collection case {case.id} was changed meanwhile; retry")
        return replace(case, version=case.version + 1)

    def active_for_line(self, line_id: str) -> Case | None:
        row = self.s.execute(_live_cases().where(C.line_id == line_id,
                                                 C.status.not_in(TERMINAL))).first()
        return None if row is None else _case(row, live=True)

    def active(self, *, assigned_to: str | None = None, agency_id: str | None = None,
               limit: int = 1000) -> list[Case]:
        q = _live_cases().where(C.status.not_in(TERMINAL))
        if assigned_to is not None:
            q = q.where(C.assigned_to == assigned_to)
        if agency_id is not None:
            q = q.where(C.agency_id == agency_id)
        q = q.order_by(C.bucket.desc(), C.id).limit(limit)
        return [_case(r, live=True) for r in self.s.execute(q)]

    def spells(self, case_id: str) -> list[BucketSpell]:
        t = bucket_history
        return [_spell(r) for r in self.s.execute(
            select(t).where(t.c.case_id == case_id).order_by(t.c.seq))]

    def line_spells(self, line_id: str) -> list[BucketSpell]:
        t = bucket_history
        return [_spell(r) for r in self.s.execute(
            select(t).where(t.c.line_id == line_id).order_by(t.c.seq))]

    def add_promise(self, promise: Promise) -> None:
        self.s.execute(insert(promises).values(
            id=promise.id, case_id=promise.case_id, line_id=promise.line_id,
            amount=promise.amount, due_on=promise.due_on, made_on=promise.made_on,
            made_by=promise.made_by, status=promise.status.value))

    def promises(self, case_id: str) -> list[Promise]:
        t = promises
        return [_promise(r) for r in self.s.execute(
            select(t).where(t.c.case_id == case_id).order_by(t.c.made_on, t.c.id))]

    def open_promises(self, case_ids: Sequence[str]) -> dict[str, list[Promise]]:
        t = promises
        out: dict[str, list[Promise]] = {}
        for k in range(0, len(case_ids), CHUNK):
            for r in self.s.execute(select(t).where(
                    t.c.case_id.in_(list(case_ids[k:k + CHUNK])),
                    t.c.status == PromiseStatus.OPEN.value).order_by(t.c.due_on, t.c.id)):
                out.setdefault(r.case_id, []).append(_promise(r))
        return out

    # ----- the ageing stage, in bulk
    def ageing_inputs(self, first_id: str, last_id: str,
                      line_ids: Sequence[str] | None) -> AgeingRows:
        rows = self.s.execute(select(C.line_id, C.id, C.bucket).where(
            C.status.not_in(TERMINAL), _range(C.line_id, first_id, last_id, line_ids))).all()
        return {"line_id": [r[0] for r in rows], "case_id": [r[1] for r in rows],
                "bucket": [int(r[2]) for r in rows]}

    def apply_ageing(self, day: date, *, opened: AgeingRows, moved: AgeingRows,
                     resolved: AgeingRows, bucket_names: Sequence[str]) -> None:
        """``opened``: line_id, bucket, past_due, balance (cents), rules_version, profile,
        zone; ``moved``: case_id, line_id, bucket (new), past_due, balance; ``resolved``:
        case_id, past_due, balance."""
        h = bucket_history
        if opened["line_id"]:
            owners = self._customers(opened["line_id"])
            ids = [case_id_for(li, day) for li in opened["line_id"]]
            self.s.execute(insert(collection_cases), [{
                "id": cid, "line_id": li, "customer_id": owners[li],
                "status": OPEN if b == 1 else f"stage_{b}", "bucket": b, "opened_on": day,
                "updated_on": day, "past_due": from_cents(pd), "balance": from_cents(bal),
                "rules_version": rv, "profile": pr, "zone": z, "hours_agreed": False,
                "escalation": 0, "disputed": Decimal("0.00"), "version": 1}
                for cid, li, b, pd, bal, rv, pr, z in zip(
                    ids, opened["line_id"], opened["bucket"], opened["past_due"],
                    opened["balance"], opened["rules_version"], opened["profile"],
                    opened["zone"], strict=True)])
            self.s.execute(insert(h), [{
                "case_id": cid, "line_id": li, "bucket": bucket_names[b], "entered_on": day,
                "entered_past_due": from_cents(pd), "entered_balance": from_cents(bal)}
                for cid, li, b, pd, bal in zip(ids, opened["line_id"], opened["bucket"],
                                               opened["past_due"], opened["balance"])])
        if moved["case_id"]:
            self._close_spells(day, moved, [bucket_names[b] for b in moved["bucket"]])
            self.s.execute(insert(h), [{
                "case_id": cid, "line_id": li, "bucket": bucket_names[b], "entered_on": day,
                "entered_past_due": from_cents(pd), "entered_balance": from_cents(bal)}
                for cid, li, b, pd, bal in zip(moved["case_id"], moved["line_id"],
                                               moved["bucket"], moved["past_due"],
                                               moved["balance"])])
            self.s.execute(update(collection_cases).where(C.id == bindparam("k_id")).values(
                bucket=bindparam("k_bucket"), status=bindparam("k_status"), updated_on=day,
                past_due=bindparam("k_pd"), balance=bindparam("k_bal"), version=C.version + 1), [
                {"k_id": cid, "k_bucket": b, "k_status": OPEN if b == 1 else f"stage_{b}",
                 "k_pd": from_cents(pd), "k_bal": from_cents(bal)}
                for cid, b, pd, bal in zip(moved["case_id"], moved["bucket"],
                                           moved["past_due"], moved["balance"])])
        if resolved["case_id"]:
            self._close_spells(day, resolved, [bucket_names[0]] * len(resolved["case_id"]))
            self.s.execute(update(collection_cases).where(C.id == bindparam("k_id")).values(
                status=Terminal.RESOLVED.value, closed_on=day, updated_on=day,
                past_due=bindparam("k_pd"), balance=bindparam("k_bal"), version=C.version + 1), [
                {"k_id": cid, "k_pd": from_cents(pd), "k_bal": from_cents(bal)}
                for cid, pd, bal in zip(resolved["case_id"], resolved["past_due"],
                                        resolved["balance"])])
            for k in range(0, len(resolved["case_id"]), CHUNK):
                chunk = resolved["case_id"][k:k + CHUNK]
                self.s.execute(update(placements).where(
                    placements.c.case_id.in_(chunk), placements.c.recalled_on.is_(None)).values(
                    recalled_on=day, recalled_by="system", recall_reason="case resolved"))

    def _close_spells(self, day: date, rows: AgeingRows, to: list[str]) -> None:
        h = bucket_history.c
        self.s.execute(update(bucket_history).where(
            h.case_id == bindparam("k_id"), h.left_on.is_(None)).values(
            left_on=day, left_past_due=bindparam("k_pd"), left_balance=bindparam("k_bal"),
            left_to=bindparam("k_to")), [
            {"k_id": cid, "k_pd": from_cents(pd), "k_bal": from_cents(bal), "k_to": t}
            for cid, pd, bal, t in zip(rows["case_id"], rows["past_due"], rows["balance"], to)])

    def _customers(self, line_ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for k in range(0, len(line_ids), CHUNK):
            chunk = list(line_ids[k:k + CHUNK])
            out.update({r[0]: r[1] for r in self.s.execute(
                select(L.id, L.customer_id).where(L.id.in_(chunk)))})
        return out

    def promise_inputs(self, first_id: str, last_id: str, line_ids: Sequence[str] | None,
                       day: date) -> AgeingRows:
        p, r = promises.c, repayments.c
        paid = func.coalesce(func.sum(r.amount), 0)
        rows = self.s.execute(
            select(p.id, p.case_id, p.line_id, p.amount, p.due_on, paid.label("paid"))
            .select_from(promises.outerjoin(repayments, and_(
                r.line_id == p.line_id, r.business_date >= p.made_on, r.business_date <= day)))
            .where(p.status == PromiseStatus.OPEN.value,
                   _range(p.line_id, first_id, last_id, line_ids))
            .group_by(p.id, p.case_id, p.line_id, p.amount, p.due_on)).all()
        return {"promise_id": [x.id for x in rows], "case_id": [x.case_id for x in rows],
                "line_id": [x.line_id for x in rows],
                "amount": [cents(x.amount) for x in rows],
                "paid": [_to_cents(x.paid) for x in rows],
                "due": [day_number(x.due_on) for x in rows]}

    def settle_promises(self, day: date, kept: Sequence[str], broken: Sequence[str],
                        paid_cents: dict[str, int]) -> list[Promise]:
        t = promises
        for status, ids in ((PromiseStatus.KEPT, kept), (PromiseStatus.BROKEN, broken)):
            if ids:
                self.s.execute(update(t).where(t.c.id == bindparam("k_id")).values(
                    status=status.value, settled_on=day, paid=bindparam("k_paid")), [
                    {"k_id": i, "k_paid": from_cents(paid_cents.get(i, 0))} for i in ids])
        ids = [*kept, *broken]
        out: list[Promise] = []
        for k in range(0, len(ids), CHUNK):
            out += [_promise(r) for r in self.s.execute(
                select(t).where(t.c.id.in_(ids[k:k + CHUNK])))]
        return out

    def escalate(self, case_ids: Sequence[str], day: date) -> None:
        if case_ids:
            self.s.execute(update(collection_cases).where(C.id == bindparam("k_id")).values(
                escalation=C.escalation + 1, updated_on=day, version=C.version + 1),
                [{"k_id": i} for i in case_ids])

    def cancel_open_promises(self, case_ids: Sequence[str], day: date) -> None:
        t = promises.c
        for k in range(0, len(case_ids), CHUNK):
            self.s.execute(update(promises).where(
                t.case_id.in_(list(case_ids[k:k + CHUNK])),
                t.status == PromiseStatus.OPEN.value).values(
                status=PromiseStatus.CANCELLED.value, settled_on=day))


def _to_cents(v: Any) -> int:
    if isinstance(v, Decimal):
        return cents(v)
    return int(v or 0)


def _contact(r: Any) -> ContactRecord:
    at = aware(r.at)
    assert at is not None
    return ContactRecord(
        id=r.id, at=at, case_id=r.case_id, line_id=r.line_id, customer_id=r.customer_id,
        channel=Channel(r.channel), party=Party(r.party), actor=r.actor,
        allowed=bool(r.allowed), profile=r.profile, rules_version=r.rules_version,
        local_time=r.local_time, zone=r.zone, hours_agreed=bool(r.hours_agreed), agency_id=r.agency_id,
        outcome=None if r.outcome is None else Outcome(r.outcome), rule=r.rule,
        allowed_again_at=aware(r.allowed_again_at), note=r.note, contact_id=r.contact_id)


class SqlContactLog:
    """Appends only: there is no method that changes or deletes a record, and the database
    refuses UPDATE and DELETE on ``contact_log`` (migration ``0020_collections``)."""

    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    def add(self, record: ContactRecord) -> None:
        self.add_many([record])

    def add_many(self, records: Sequence[ContactRecord]) -> None:
        """Append records in one statement (the relay logs a batch of messages at once)."""
        if not records:
            return
        self.s.execute(insert(contact_log), [dict(
            id=record.id, at=record.at, case_id=record.case_id, line_id=record.line_id,
            customer_id=record.customer_id, channel=record.channel.value,
            party=record.party.value, actor=record.actor, agency_id=record.agency_id,
            outcome=None if record.outcome is None else record.outcome.value,
            allowed=record.allowed, rule=record.rule, allowed_again_at=record.allowed_again_at,
            profile=record.profile, rules_version=record.rules_version,
            local_time=record.local_time, zone=record.zone, hours_agreed=record.hours_agreed,
            note=record.note, contact_id=record.contact_id) for record in records])

    def history(self, customer_id: str, since: datetime) -> list[PastContact]:
        t = contact_log.c
        rows = self.s.execute(select(t.case_id, t.channel, t.at, t.outcome).where(
            t.customer_id == customer_id, t.allowed.is_(True), t.at >= since).order_by(t.seq))
        out = []
        for r in rows:
            at = aware(r.at)
            assert at is not None
            out.append(PastContact(r.case_id, Channel(r.channel), at,
                                   None if r.outcome is None else Outcome(r.outcome)))
        return out

    def for_case(self, case_id: str) -> list[ContactRecord]:
        t = contact_log.c
        return [_contact(r) for r in self.s.execute(
            select(contact_log).where(t.case_id == case_id).order_by(t.seq))]

    def iterate(self, batch: int = 5000) -> Iterator[ContactRecord]:
        t = contact_log.c
        last = 0
        while True:
            rows = self.s.execute(select(contact_log).where(t.seq > last)
                                  .order_by(t.seq).limit(batch)).all()
            if not rows:
                return
            for r in rows:
                yield _contact(r)
            last = int(rows[-1].seq)


def _agency(r: Any) -> Agency:
    at = aware(r.created_at)
    assert at is not None
    return Agency(id=r.id, name=r.name, commission_rate=r.commission_rate, created_at=at,
                  created_by=r.created_by, active=bool(r.active))


def _placement(r: Any) -> Placement:
    return Placement(id=r.id, case_id=r.case_id, agency_id=r.agency_id, line_id=r.line_id,
                     placed_on=r.placed_on, placed_by=r.placed_by, recalled_on=r.recalled_on,
                     recalled_by=r.recalled_by, recall_reason=r.recall_reason)


class SqlAgencyRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    def add(self, agency: Agency) -> None:
        self.s.execute(insert(agencies).values(
            id=agency.id, name=agency.name, commission_rate=agency.commission_rate,
            active=agency.active, created_at=agency.created_at, created_by=agency.created_by))

    def get(self, agency_id: str) -> Agency | None:
        row = self.s.execute(select(agencies).where(agencies.c.id == agency_id)).first()
        return None if row is None else _agency(row)

    def name_taken(self, name: str) -> bool:
        return self.s.execute(select(agencies.c.id).where(agencies.c.name == name)).first() \
            is not None

    def all(self) -> list[Agency]:
        return [_agency(r) for r in self.s.execute(select(agencies).order_by(agencies.c.name))]

    def add_placement(self, placement: Placement) -> None:
        self.s.execute(insert(placements).values(
            id=placement.id, case_id=placement.case_id, agency_id=placement.agency_id,
            line_id=placement.line_id, placed_on=placement.placed_on,
            placed_by=placement.placed_by))

    def active_placement(self, case_id: str) -> Placement | None:
        t = placements.c
        row = self.s.execute(select(placements).where(
            t.case_id == case_id, t.recalled_on.is_(None))).first()
        return None if row is None else _placement(row)

    def recall(self, placement: Placement) -> None:
        self.s.execute(update(placements).where(placements.c.id == placement.id).values(
            recalled_on=placement.recalled_on, recalled_by=placement.recalled_by,
            recall_reason=placement.recall_reason))

    def figures(self, on: date) -> list[AgencyFigures]:
        """Recovered: repayments on a placed line from the day after placement through the
        recall (or ``on``) -- one grouped query over placements and repayments."""
        p, r = placements.c, repayments.c
        end = func.coalesce(p.recalled_on, on)
        recovered: dict[str, Any] = dict(self.s.execute(
            select(p.agency_id, func.coalesce(func.sum(r.amount), 0))
            .select_from(placements.join(repayments, and_(
                r.line_id == p.line_id, r.business_date > p.placed_on,
                r.business_date <= end)))
            .group_by(p.agency_id)).all())
        counts = {row[0]: (int(row[1]), int(row[2])) for row in self.s.execute(
            select(p.agency_id, func.count(), func.count().filter(p.recalled_on.is_(None)))
            .group_by(p.agency_id))}
        contacts: dict[str, int] = dict(self.s.execute(
            select(contact_log.c.agency_id, func.count())
            .where(contact_log.c.agency_id.is_not(None), contact_log.c.allowed.is_(True))
            .group_by(contact_log.c.agency_id)).all())
        out = []
        for a in self.all():
            n, active = counts.get(a.id, (0, 0))
            rec = recovered.get(a.id, 0)
            out.append(AgencyFigures(a.id, n, active,
                                     rec if isinstance(rec, Decimal) else from_cents(int(rec)),
                                     int(contacts.get(a.id, 0))))
        return out

    def add_referral(self, referral: Referral) -> None:
        self.s.execute(insert(legal_referrals).values(
            id=referral.id, case_id=referral.case_id, referred_on=referral.referred_on,
            referred_by=referral.referred_by, package=referral.package,
            sha256=referral.sha256))

    def referral(self, case_id: str) -> Referral | None:
        t = legal_referrals.c
        row = self.s.execute(select(legal_referrals).where(t.case_id == case_id)).first()
        if row is None:
            return None
        return Referral(row.id, row.case_id, row.referred_on, row.referred_by, row.package,
                        row.sha256)
