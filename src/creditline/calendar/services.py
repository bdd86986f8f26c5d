"""Reading and moving the book's business date.

A store whose calendar was never set follows the wall clock's business date (the injected
clock's ``today()``, China time), so a fresh store and every test or simulation that drives
an injected clock behave as before.  The first ``set`` / ``advance`` pins the date in the
store; from then on it moves only by those commands (admins, audited), and never backwards:
days already closed, statements cut and postings dated cannot be re-dated.  Holidays are not
modelled: every calendar day is a business day (end of day closes each one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from creditline.auth import Principal
from creditline.calendar.ports import CalendarState
from creditline.errors import ValidationError
from creditline.uow import UnitOfWork

MAX_ADVANCE_DAYS = 366


@dataclass(frozen=True)
class CalendarView:
    business_date: date
    pinned: bool  # False: no one has set it yet, it follows the wall clock
    updated_at: datetime | None
    updated_by: str | None


@dataclass(frozen=True)
class SetBusinessDate:
    business_date: date


@dataclass(frozen=True)
class Advance:
    days: int = 1


def current_business_date(uow: UnitOfWork) -> date:
    """The book's business date: the store's, or the clock's while no one has set it.  Runs
    in the caller's transaction when there is one (``with uow`` nests)."""
    with uow:
        state = uow.calendar.get()
        return state.business_date if state is not None else uow.clock.today()


def _view(uow: UnitOfWork, state: CalendarState | None) -> CalendarView:
    if state is None:
        return CalendarView(uow.clock.today(), False, None, None)
    return CalendarView(state.business_date, True, state.updated_at, state.updated_by)


def show_calendar(uow: UnitOfWork) -> CalendarView:
    with uow:
        return _view(uow, uow.calendar.get())


def _move(uow: UnitOfWork, actor: Principal, target: date, action: str) -> CalendarView:
    state = uow.calendar.get(lock=True)
    current = state.business_date if state is not None else uow.clock.today()
    if target < current:
        raise ValidationError("business_date", f"must not be before the current business "
                              f"date ({current.isoformat()}): the calendar never moves back")
    new = CalendarState(target, uow.now(), actor.name)
    uow.calendar.save(new)
    uow.audit(actor, action, "business_calendar", "book",
              {"from": current.isoformat(), "to": target.isoformat()})
    uow.commit()
    return _view(uow, new)


def set_business_date(cmd: SetBusinessDate, uow: UnitOfWork, actor: Principal) -> CalendarView:
    """Move the business date to ``cmd.business_date`` (same day or later)."""
    actor.require("calendar:set")
    if not isinstance(cmd.business_date, date) or isinstance(cmd.business_date, datetime):
        raise ValidationError("business_date", "must be a date (YYYY-MM-DD)")
    with uow:
        return _move(uow, actor, cmd.business_date, "calendar.set")


def advance(cmd: Advance, uow: UnitOfWork, actor: Principal) -> CalendarView:
    """Move the business date ``cmd.days`` days forward (1 by default)."""
    actor.require("calendar:set")
    if isinstance(cmd.days, bool) or not isinstance(cmd.days, int) \
            or not 1 <= cmd.days <= MAX_ADVANCE_DAYS:
        raise ValidationError("days", f"must be a whole number from 1 to {MAX_ADVANCE_DAYS}")
    with uow:
        current = current_business_date(uow)
        return _move(uow, actor, current + timedelta(days=cmd.days), "calendar.advanced")
