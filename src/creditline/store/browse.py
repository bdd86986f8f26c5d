"""Keyset paging and counting for the list queries (``creditline.paging``): the filters
stay in SQL, a page reads ``limit + 1`` rows in ``(created_at, id)`` order to know whether
there is a next one, and the total is one ``COUNT(*)`` over the same filters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from creditline.paging import Page, PageKey, PageRequest, SeqPage, SeqPageRequest

T = TypeVar("T")


def page(s: Session, q: Select[Any], created_at: Any, id_: Any, req: PageRequest,
         make: Callable[[Sequence[Any]], list[T]], *, postgres: bool,
         where: Sequence[ColumnElement[bool]] = (), count_from: Any = None,
         newest_first: bool = False) -> Page[T]:
    """Run ``q`` (filtered by ``where``) from after ``req.after``; ``make`` turns the rows of
    the page into domain objects (one call, so it can batch any look-ups).  ``newest_first``
    walks the same key backwards (for lists a person reads from the top, e.g. the blacklist)."""
    q = q.where(*where)
    if req.after is not None:
        at = req.after.utc()
        bound = at.replace(tzinfo=UTC) if postgres else at
        if newest_first:
            q = q.where(or_(created_at < bound, and_(created_at == bound, id_ < req.after.id)))
        else:
            q = q.where(or_(created_at > bound, and_(created_at == bound, id_ > req.after.id)))
    order = (created_at.desc(), id_.desc()) if newest_first else (created_at, id_)
    rows = list(s.execute(q.order_by(*order).limit(req.limit + 1)))
    more = len(rows) > req.limit
    rows = rows[:req.limit]
    nxt = PageKey(getattr(rows[-1], created_at.key), getattr(rows[-1], id_.key)) \
        if more and rows else None
    total_q = select(func.count()).select_from(count_from if count_from is not None
                                               else q.get_final_froms()[0]).where(*where)
    total = int(s.execute(total_q).scalar_one())
    return Page(items=make(rows), next=nxt, total=total)


def day_start(day: date, postgres: bool) -> datetime:
    """Midnight UTC of ``day`` as the store compares it (naive on SQLite, which keeps UTC
    text; aware on PostgreSQL)."""
    at = datetime.combine(day, time())
    return at.replace(tzinfo=UTC) if postgres else at


def day_after(day: date, postgres: bool) -> datetime:
    """The exclusive upper bound of an inclusive ``..day`` range."""
    return day_start(day + timedelta(days=1), postgres)


def seq_page(s: Session, q: Select[Any], seq: Any, req: SeqPageRequest,
             make: Callable[[Sequence[Any]], list[T]],
             where: Sequence[ColumnElement[bool]] = ()) -> SeqPage[T]:
    """The ``seq``-keyed page of ``q`` (filtered by ``where``) after ``req.after``, with the
    total over the same filters."""
    q = q.where(*where)
    if req.after is not None:
        q = q.where(seq > req.after)
    rows = list(s.execute(q.order_by(seq).limit(req.limit + 1)))
    more = len(rows) > req.limit
    rows = rows[:req.limit]
    total = s.execute(select(func.count()).select_from(q.get_final_froms()[0])
                      .where(*where)).scalar_one()
    return SeqPage(make(rows), getattr(rows[-1], seq.key) if more and rows else None, int(total))
