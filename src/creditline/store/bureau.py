"""The bureau context in SQL (``bureau.ports.BureauRepository``).  The month's facts come
in a handful of bulk reads over the whole book (lines, bucket spells in the 24-month
window, statements due in it, written-off and sold cases, corrections), never a load per
line; the files are stored encrypted with the field cipher, since they name people."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from creditline.bureau.export import Files, Subject
from creditline.bureau.history import SOLD, WRITTEN_OFF, LineFacts, Spell
from creditline.bureau.holds import Notice
from creditline.bureau.months import Month
from creditline.bureau.ports import Correction, Dispute, Prior, Reported, Run
from creditline.bureau.records import AccountRecord
from creditline.errors import ConcurrencyError, Conflict
from creditline.store.tables.bureau import (
    bureau_corrections,
    bureau_disputes,
    bureau_notices,
    bureau_records,
    bureau_runs,
)
from creditline.store.tables.collections import bucket_history, collection_cases
from creditline.store.tables.foundation import customers
from creditline.store.tables.notify import notify_messages
from creditline.store.tables.servicing import credit_lines, statements
from creditline.store.types import aware, from_cents

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork

L = credit_lines.c
R = bureau_records.c
CHUNK = 5000
_BALANCE = (L.principal_unbilled + L.principal_billed + L.fee + L.interest_accrued
            + L.interest_billed + L.penalty - L.credit_balance)
_RECORD_FIELDS = ("record_type", "month", "line_id", "customer_id", "kind", "account_type",
                  "subject_type", "opened_on", "currency", "credit_limit", "balance",
                  "past_due", "days_past_due", "account_status", "month_status", "history",
                  "negative", "disputed", "correction_id")


def _day(v: Any) -> date | None:
    if v is None or (isinstance(v, date) and not isinstance(v, datetime)):
        return v
    if isinstance(v, datetime):
        return v.date()
    return date.fromisoformat(str(v)[:10])


def _run(r: Any) -> Run:
    created = aware(r.created_at)
    assert created is not None
    return Run(id=r.id, month=r.month, format=r.format, as_of=r.as_of, created_at=created,
               created_by=r.created_by, text_sha256=r.text_sha256, json_sha256=r.json_sha256,
               counts=dict(r.counts), held=list(r.held), expired=list(r.expired))


def _record(r: Any) -> AccountRecord:
    return AccountRecord(**{f: getattr(r, f) for f in _RECORD_FIELDS})


def _dispute(r: Any) -> Dispute:
    return Dispute(id=r.id, line_id=r.line_id, month=r.month, reason=r.reason,
                   raised_on=r.raised_on, raised_by=r.raised_by, status=r.status,
                   resolved_on=r.resolved_on, resolved_by=r.resolved_by,
                   resolution=r.resolution, version=int(r.version))


def _correction(r: Any) -> Correction:
    return Correction(id=r.id, line_id=r.line_id, month=r.month, status=r.status,
                      reason=r.reason, made_on=r.made_on, made_by=r.made_by,
                      dispute_id=r.dispute_id, reported_in=r.reported_in)


_RUN_COLS = [c for c in bureau_runs.c if c.name not in ("text_enc", "json_enc")]


class SqlBureauRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    # ----- runs and their files
    def run_for_month(self, month: str) -> Run | None:
        r = self.s.execute(select(*_RUN_COLS).where(bureau_runs.c.month == month)).first()
        return None if r is None else _run(r)

    def get_run(self, run_id: str) -> Run | None:
        r = self.s.execute(select(*_RUN_COLS).where(bureau_runs.c.id == run_id)).first()
        return None if r is None else _run(r)

    def runs(self, limit: int = 100) -> list[Run]:
        return [_run(r) for r in self.s.execute(
            select(*_RUN_COLS).order_by(bureau_runs.c.month.desc()).limit(limit))]

    def add_run(self, run: Run, files: Files) -> None:
        enc = self.uow.cipher.encrypt
        try:
            self._insert_run(run, files, enc)
        except IntegrityError:  # the same month reported by a concurrent run
            raise Conflict(f"{run.month} was being reported by another run at the same "
                           "time; ask again to get that run") from None

    def _insert_run(self, run: Run, files: Files, enc: Callable[[str], str]) -> None:
        self.s.execute(insert(bureau_runs).values(
            id=run.id, month=run.month, format=run.format, as_of=run.as_of,
            created_at=run.created_at, created_by=run.created_by, text_sha256=run.text_sha256,
            json_sha256=run.json_sha256, counts=run.counts, held=run.held,
            expired=run.expired, text_enc=enc(files.text.decode("utf-8")),
            json_enc=enc(files.json.decode("utf-8"))))

    def files(self, run_id: str) -> Files | None:
        r = self.s.execute(select(bureau_runs.c.text_enc, bureau_runs.c.json_enc)
                           .where(bureau_runs.c.id == run_id)).first()
        if r is None:
            return None
        dec = self.uow.cipher.decrypt
        return Files(dec(r.text_enc).encode("utf-8"), dec(r.json_enc).encode("utf-8"))

    # ----- the records reported
    def add_records(self, run_id: str, records: Sequence[AccountRecord]) -> None:
        rows = [{"run_id": run_id, **{f: getattr(r, f) for f in _RECORD_FIELDS}}
                for r in records]
        for i in range(0, len(rows), CHUNK):
            self.s.execute(insert(bureau_records), rows[i:i + CHUNK])

    def _reported(self, *where: Any) -> list[Reported]:
        q = (select(bureau_records, bureau_runs.c.month.label("reported_in"),
                    bureau_runs.c.as_of)
             .join(bureau_runs, bureau_runs.c.id == R.run_id).where(*where).order_by(R.seq))
        return [Reported(r.run_id, r.reported_in, r.as_of, _record(r)) for r in self.s.execute(q)]

    def line_records(self, line_id: str) -> list[Reported]:
        return self._reported(R.line_id == line_id)

    def record(self, line_id: str, month: str) -> Reported | None:
        rows = self._reported(R.line_id == line_id, R.month == month, R.record_type == "A")
        return rows[-1] if rows else None

    def prior(self, ended_codes: Sequence[str]) -> Prior:
        negative = self.s.execute(select(R.line_id).where(R.negative).distinct()).scalars()
        ended = self.s.execute(select(R.line_id).where(
            R.record_type == "A", R.month_status.in_(list(ended_codes))).distinct()).scalars()
        return Prior(frozenset(negative), frozenset(ended))

    # ----- the month's facts, in bulk
    def facts(self, month: Month, window_start: date) -> list[LineFacts]:
        end = month.end
        spells: dict[str, list[Spell]] = defaultdict(list)
        b = bucket_history.c
        for sp in self.s.execute(select(b.line_id, b.bucket, b.entered_on, b.left_on, b.left_to)
                                .where(b.entered_on <= end,
                                       or_(b.left_on.is_(None), b.left_on >= window_start))
                                .order_by(b.line_id, b.seq)):
            spells[sp.line_id].append(Spell(sp.bucket, sp.entered_on, sp.left_on, sp.left_to))
        due: dict[str, set[str]] = defaultdict(set)
        st = statements.c
        for dr in self.s.execute(select(st.line_id, st.due_date).where(
                st.due_date >= window_start, st.due_date <= end, st.amount_due > 0)):
            due[dr.line_id].add(str(Month.of(dr.due_date)))
        terminal: dict[str, Any] = {}
        c = collection_cases.c
        changed = func.coalesce(c.closed_on, c.updated_on)
        for r in self.s.execute(select(c.line_id, c.status, changed.label("on"))
                                .where(c.status.in_([WRITTEN_OFF, SOLD]), changed <= end)
                                .order_by(changed, c.id)):
            terminal[r.line_id] = r  # the latest wins
        fixes: dict[str, dict[str, str]] = defaultdict(dict)
        bc = bureau_corrections.c
        for fx in self.s.execute(select(bc.line_id, bc.month, bc.status)
                                 .order_by(bc.made_on, bc.id)):
            fixes[fx.line_id][fx.month] = fx.status
        out = []
        for lr in self.s.execute(
                select(L.id, L.customer_id, L.kind, L.currency, L.status, L.credit_limit,
                       L.opened_on, L.last_eod, _BALANCE.label("balance"), L.past_due, L.dpd)
                .where(L.opened_on <= end).order_by(L.id)):
            t = terminal.get(lr.id)
            f = LineFacts(
                line_id=lr.id, customer_id=lr.customer_id, kind=lr.kind, currency=lr.currency,
                opened_on=lr.opened_on, credit_limit=lr.credit_limit,
                balance=from_cents(lr.balance), past_due=lr.past_due, dpd=int(lr.dpd),
                closed_on=lr.last_eod if lr.status == "closed" else None,
                spells=tuple(spells.get(lr.id, ())),
                due_months=frozenset(due.get(lr.id, ())), corrections=fixes.get(lr.id, {}))
            if t is not None:
                f = replace(f, terminal=t.status, terminal_on=_day(t.on))
            out.append(f)
        return out

    # ----- notices of negative reporting
    def notices(self) -> dict[str, Notice]:
        n, m = bureau_notices.c, notify_messages.c
        q = (select(n.line_id, n.sent_on, customers.c.time_zone,
                    func.min(m.sent_at).label("delivered"))
             .join(customers, customers.c.id == n.customer_id)
             # by the customer first: notify's index (customer_id, channel, created_at)
             .outerjoin(notify_messages, and_(m.customer_id == n.customer_id,
                                              m.event_key == n.event_key, m.status == "sent"))
             .group_by(n.line_id, n.sent_on, customers.c.time_zone))
        out = {}
        for r in self.s.execute(q):
            delivered = aware(r.delivered)
            out[r.line_id] = Notice(r.sent_on, None if delivered is None
                                    else delivered.astimezone(_zone(r.time_zone)).date())
        return out

    def add_notice(self, line_id: str, customer_id: str, month: str, event_key: str,
                   sent_on: date) -> None:
        self.s.execute(insert(bureau_notices).values(
            line_id=line_id, customer_id=customer_id, month=month, event_key=event_key,
            sent_on=sent_on))

    def subjects(self, customer_ids: Sequence[str]) -> Mapping[str, Subject]:
        out: dict[str, Subject] = {}
        cu = customers.c
        dec = self.uow.cipher.decrypt
        ids = list(customer_ids)
        for i in range(0, len(ids), CHUNK):
            for r in self.s.execute(select(cu.id, cu.kind, cu.name, cu.id_number_enc, cu.uscc)
                                    .where(cu.id.in_(ids[i:i + CHUNK]))):
                ident = r.uscc if r.kind == "enterprise" else (
                    dec(r.id_number_enc) if r.id_number_enc else None)
                out[r.id] = Subject(ident or "", r.name)
        return out

    # ----- disputes and corrections
    def disputed_lines(self) -> frozenset[str]:
        d = bureau_disputes.c
        return frozenset(self.s.execute(select(d.line_id).where(d.status == "open")
                                        .distinct()).scalars())

    def add_dispute(self, d: Dispute) -> None:
        self.s.execute(insert(bureau_disputes).values(
            id=d.id, line_id=d.line_id, month=d.month, reason=d.reason, raised_on=d.raised_on,
            raised_by=d.raised_by, status=d.status, version=d.version))

    def get_dispute(self, dispute_id: str, *, lock: bool = False) -> Dispute | None:
        q = select(bureau_disputes).where(bureau_disputes.c.id == dispute_id)
        if lock and self.uow.is_postgres:
            q = q.with_for_update()
        r = self.s.execute(q).first()
        return None if r is None else _dispute(r)

    def save_dispute(self, d: Dispute) -> Dispute:
        t = bureau_disputes.c
        n = self.s.execute(update(bureau_disputes)
                           .where(t.id == d.id, t.version == d.version)
                           .values(status=d.status, resolved_on=d.resolved_on,
                                   resolved_by=d.resolved_by, resolution=d.resolution,
                                   version=d.version + 1))
        if n.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult of an UPDATE
            raise ConcurrencyError(f"dispute {d.id} was changed by someone else; try again")
        return replace(d, version=d.version + 1)

    def disputes(self, status: str | None = None, line_id: str | None = None,
                 limit: int = 200) -> list[Dispute]:
        t = bureau_disputes.c
        q = select(bureau_disputes).order_by(t.raised_on.desc(), t.id).limit(limit)
        if status is not None:
            q = q.where(t.status == status)
        if line_id is not None:
            q = q.where(t.line_id == line_id)
        return [_dispute(r) for r in self.s.execute(q)]

    def add_correction(self, c: Correction) -> None:
        self.s.execute(insert(bureau_corrections).values(
            id=c.id, line_id=c.line_id, month=c.month, status=c.status, reason=c.reason,
            made_on=c.made_on, made_by=c.made_by, dispute_id=c.dispute_id))

    def corrections(self, line_id: str | None = None, pending: bool = False
                    ) -> list[Correction]:
        t = bureau_corrections.c
        q = select(bureau_corrections).order_by(t.made_on, t.id)
        if line_id is not None:
            q = q.where(t.line_id == line_id)
        if pending:
            q = q.where(t.reported_in.is_(None))
        return [_correction(r) for r in self.s.execute(q)]

    def mark_corrections_reported(self, ids: Sequence[str], run_id: str) -> None:
        if ids:
            self.s.execute(update(bureau_corrections)
                           .where(bureau_corrections.c.id.in_(list(ids)))
                           .values(reported_in=run_id))


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "Asia/Shanghai")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Asia/Shanghai")
