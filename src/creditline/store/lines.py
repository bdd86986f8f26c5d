"""Credit lines and their limit events in SQL (``lines.ports.LineRepository`` and
``LimitEventRepository``).

Locking (documented choice): every command that changes a line takes that line's row lock
first (``get(..., lock=True)``: ``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite already
serialises writers with ``BEGIN IMMEDIATE``).  Installments, postings and the cached
balances of a line are written only under its lock, so checks such as "amount <= available"
cannot race.  ``save`` also checks the ``version`` it read, as a second guard.
Limit events are appended only, under the line's lock, and read back in the order written.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from creditline.errors import ConcurrencyError, Conflict
from creditline.lines.limits import LimitEvent, LimitKind, LimitSource, TemporaryLimit
from creditline.lines.line import Line
from creditline.lines.ports import LineQuery
from creditline.lines.status import LineStatus
from creditline.lines.terms import Waterfall
from creditline.paging import Page, PageRequest, SeqPage, SeqPageRequest
from creditline.store import browse
from creditline.store.tables.lines import limit_events
from creditline.store.tables.servicing import OPEN_LINE_PER_PRODUCT, credit_lines

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork

LINE_FIELDS = ("principal_unbilled", "principal_billed", "fee", "interest_accrued",
               "interest_billed", "penalty", "credit_balance", "min_remaining", "min_due_date",
               "past_due", "past_due_since", "dpd", "last_statement_date", "stmt_opening",
               "cyc_purchases", "cyc_returns", "cyc_repayments", "cyc_fees", "cyc_interest",
               "cyc_penalties", "last_eod", "held")
_TEMP = ("temp_limit", "temp_limit_start", "temp_limit_end")

# Hot statements are built once, with bind parameters, so a command does not pay for
# constructing and cache-keying a 40-column statement every time.
_SAVE_LINE = (update(credit_lines)
              .where(credit_lines.c.id == bindparam("k_id"),
                     credit_lines.c.version == bindparam("k_version"))
              .values({c: bindparam(c) for c in (*LINE_FIELDS, *_TEMP, "status", "credit_limit",
                                                 "version", "next_eod")}))
_ADD_LINE = insert(credit_lines)
_LINES_OF_CUSTOMER = (select(credit_lines)
                      .where(credit_lines.c.customer_id == bindparam("customer_id"))
                      .order_by(credit_lines.c.opened_on, credit_lines.c.id))
_GET_LINE = select(credit_lines).where(credit_lines.c.id == bindparam("id"))
_GET_LINE_LOCKED = _GET_LINE.with_for_update()
_ADD_EVENT = insert(limit_events)
_EVENTS_OF_LINE = (select(limit_events).where(limit_events.c.line_id == bindparam("line_id"))
                   .order_by(limit_events.c.seq))


def _temporary(r: Any) -> TemporaryLimit | None:
    if r.temp_limit is None:
        return None
    return TemporaryLimit(r.temp_limit, r.temp_limit_start, r.temp_limit_end)


def _temp_values(line: Line) -> dict[str, Any]:
    t = line.temporary
    return {"temp_limit": None if t is None else t.amount,
            "temp_limit_start": None if t is None else t.start,
            "temp_limit_end": None if t is None else t.end}


def _line(r: Any) -> Line:
    return Line(
        id=r.id, customer_id=r.customer_id, product=r.product, product_version=r.product_version,
        kind=r.kind, currency=r.currency, status=LineStatus(r.status), limit=r.credit_limit,
        statement_day=r.statement_day, grace_days=r.grace_days, penalty_rate=r.penalty_rate,
        min_share=r.min_share, min_floor=r.min_floor, waterfall=Waterfall.parse(r.waterfall),
        fee_refund=r.fee_refund, block_when_past_due=r.block_when_past_due,
        opened_on=r.opened_on, terms=dict(r.terms), version=r.version, temporary=_temporary(r),
        restructured=bool(r.restructured), **{f: getattr(r, f) for f in LINE_FIELDS})


class SqlLineRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    def add(self, line: Line) -> None:
        try:
            self.s.execute(_ADD_LINE, {
                "id": line.id, "customer_id": line.customer_id, "product": line.product,
                "product_version": line.product_version, "kind": line.kind,
                "currency": line.currency, "status": line.status.value, "credit_limit": line.limit,
                "statement_day": line.statement_day, "grace_days": line.grace_days,
                "penalty_rate": line.penalty_rate, "min_share": line.min_share,
                "min_floor": line.min_floor, "waterfall": line.waterfall.code(),
                "fee_refund": line.fee_refund, "block_when_past_due": line.block_when_past_due,
                "terms": line.terms, "opened_on": line.opened_on, "created_at": self.uow.now(),
                "version": line.version, **_temp_values(line),
                **{f: getattr(line, f) for f in LINE_FIELDS}})
        except IntegrityError as exc:
            if OPEN_LINE_PER_PRODUCT not in str(exc.orig) and "credit_lines.customer_id, " \
                    "credit_lines.product" not in str(exc.orig):
                raise
            raise Conflict(f"customer {line.customer_id} already has an open {line.product} "
                           "line") from None

    def get(self, line_id: str, *, lock: bool = False) -> Line | None:
        row = self.s.execute(_GET_LINE_LOCKED if lock else _GET_LINE, {"id": line_id}).first()
        return None if row is None else _line(row)

    def of_customer(self, customer_id: str) -> list[Line]:
        rows = self.s.execute(_LINES_OF_CUSTOMER, {"customer_id": customer_id}).all()
        return [_line(r) for r in rows]

    def save(self, line: Line) -> None:
        """Write the line back if nobody changed it since it was read (version check)."""
        res = self.s.execute(_SAVE_LINE, {
            "k_id": line.id, "k_version": line.version, "status": line.status.value,
            "credit_limit": line.limit, "version": line.version + 1,
            "next_eod": None,  # something happened: end of day looks at the line again
            **_temp_values(line), **{f: getattr(line, f) for f in LINE_FIELDS}})
        if res.rowcount != 1:  # type: ignore[attr-defined]  # SQLAlchemy types Session.execute() as Result; rowcount is on the CursorResult it returns
            raise ConcurrencyError(f"credit line {line.id} was changed by someone else; retry")
        line.version += 1

    def where(self, *, min_dpd: int | None = None, status: str | None = None,
              after: str | None = None, limit: int = 1000) -> list[Line]:
        """Lines in id order, optionally only those at least ``min_dpd`` days past due or in
        one status (collections and limit reviews page through the book with ``after``)."""
        q = select(credit_lines)
        if min_dpd is not None:
            q = q.where(credit_lines.c.dpd >= min_dpd)
        if status is not None:
            q = q.where(credit_lines.c.status == status)
        if after is not None:
            q = q.where(credit_lines.c.id > after)
        return [_line(r) for r in self.s.execute(q.order_by(credit_lines.c.id).limit(limit))]

    def page(self, query: LineQuery, req: PageRequest) -> Page[Line]:
        c = credit_lines.c
        where: list[ColumnElement[bool]] = []
        if query.status is not None:
            where.append(c.status == query.status)
        if query.product is not None:
            where.append(c.product == query.product)
        if query.min_dpd is not None:
            where.append(c.dpd >= query.min_dpd)
        if query.max_dpd is not None:
            where.append(c.dpd <= query.max_dpd)
        if query.customer_id is not None:
            where.append(c.customer_id == query.customer_id)
        if query.opened_from is not None:
            where.append(c.opened_on >= query.opened_from)
        if query.opened_to is not None:
            where.append(c.opened_on <= query.opened_to)
        return browse.page(self.s, select(credit_lines), c.created_at, c.id, req,
                           lambda rows: [_line(r) for r in rows],
                           postgres=self.uow.is_postgres, where=where)


class SqlLimitEventRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session

    def add(self, event: LimitEvent) -> None:
        self.s.execute(_ADD_EVENT, {
            "line_id": event.line_id, "at": event.at,
            "business_date": event.business_date, "old_limit": event.old_limit,
            "new_limit": event.new_limit, "kind": event.kind.value,
            "source": event.source.value, "reason_codes": list(event.reason_codes),
            "actor": event.actor, "rules_version": event.rules_version, "note": event.note,
            "starts_on": event.starts_on, "ends_on": event.ends_on})

    def of_line(self, line_id: str) -> list[LimitEvent]:
        return [_event(r) for r in self.s.execute(_EVENTS_OF_LINE, {"line_id": line_id})]

    def page(self, line_id: str, req: SeqPageRequest) -> SeqPage[LimitEvent]:
        t = limit_events
        q = select(t).where(t.c.line_id == line_id)
        if req.after is not None:
            q = q.where(t.c.seq > req.after)
        rows = list(self.s.execute(q.order_by(t.c.seq).limit(req.limit + 1)))
        more = len(rows) > req.limit
        rows = rows[:req.limit]
        total = self.s.execute(select(func.count()).select_from(t)
                               .where(t.c.line_id == line_id)).scalar_one()
        return SeqPage([_event(r) for r in rows], rows[-1].seq if more and rows else None,
                       total)


def _event(r: Any) -> LimitEvent:
    return LimitEvent(
        line_id=r.line_id, at=_aware(r.at), business_date=r.business_date,
        old_limit=r.old_limit, new_limit=r.new_limit, kind=LimitKind(r.kind),
        source=LimitSource(r.source), actor=r.actor, reason_codes=tuple(r.reason_codes),
        rules_version=r.rules_version, note=r.note, starts_on=r.starts_on,
        ends_on=r.ends_on)


def _aware(ts: datetime) -> datetime:
    """SQLite hands back naive datetimes for ``DateTime(timezone=True)``; they were UTC."""
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts
