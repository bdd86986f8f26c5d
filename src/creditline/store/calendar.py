"""The business calendar's one row (``business_calendar``, id 1).  A move locks it FOR
UPDATE on PostgreSQL (SQLite writers are serialised by ``BEGIN IMMEDIATE``)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from creditline.calendar.ports import CalendarState
from creditline.store.tables.calendar import business_calendar

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork

ROW_ID = 1
# Built once: every command reads the business date first (``current_business_date``), and
# building ``select(...).where(id == 1)`` anew each time cost more than running it (a new
# bind parameter and cache key per call; ~6,000 calls in a one-month demo).
_GET = select(business_calendar).where(business_calendar.c.id == ROW_ID)
_GET_LOCKED = _GET.with_for_update()


def _aware(v: datetime) -> datetime:
    return v if v.tzinfo is not None else v.replace(tzinfo=UTC)


def _day(v: Any) -> date:
    return v if isinstance(v, date) else date.fromisoformat(str(v))


class SqlCalendarRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session

    def get(self, *, lock: bool = False) -> CalendarState | None:
        row = self.s.execute(_GET_LOCKED if lock else _GET).first()
        if row is None:
            return None
        return CalendarState(_day(row.business_date), _aware(row.updated_at), row.updated_by)

    def save(self, state: CalendarState) -> None:
        values = {"business_date": state.business_date, "updated_at": state.updated_at,
                  "updated_by": state.updated_by[:100]}
        done = self.s.execute(update(business_calendar)
                              .where(business_calendar.c.id == ROW_ID).values(**values))
        if done.rowcount == 0:  # type: ignore[attr-defined]  # CursorResult has rowcount
            self.s.execute(insert(business_calendar).values(id=ROW_ID, **values))
