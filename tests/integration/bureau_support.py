"""Helpers for the bureau tests: close a month's last day and report the month, as the
bureau run is made (after the month end's end of day, before the next); read what was
reported for a line; move a line's collection case the way the losses work does."""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date

from creditline.auth import SYSTEM
from creditline.bootstrap import Container
from creditline.bureau import services as bs
from creditline.bureau.records import AccountRecord
from creditline.clock import FixedClock
from creditline.notify.relay import relay_once
from tests.integration.servicing_support import eod_through


def month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def report(container: Container, clock: FixedClock, y: int, m: int,
           notice_days: int | None = None) -> bs.RunResult:
    eod_through(container, clock, month_end(y, m))
    return bs.run_month(bs.RunMonth(f"{y:04d}-{m:02d}", notice_days), container.uow(), SYSTEM)


def relay(container: Container) -> None:
    """The notify relay's pass: outbox events become messages; the inbox delivers at once."""
    relay_once(container.uow, {})


def reported(container: Container, line_id: str) -> list[tuple[str, AccountRecord]]:
    """(run month, record) for every record reported for the line, in order."""
    return [(x.reported_in, x.record)
            for x in bs.line_history(line_id, container.uow()).records]


def last_record(container: Container, line_id: str, run_month: str) -> AccountRecord | None:
    rows = [r for month, r in reported(container, line_id) if month == run_month]
    return rows[-1] if rows else None


def close_case(container: Container, line_id: str, status: str, day: date) -> None:
    """What the losses work does on a write-off or a sale: the line's active collection case
    goes to ``written_off`` or ``sold``, dated, through the collections repository."""
    with container.uow() as uow:
        case = uow.collection_cases.active_for_line(line_id)
        assert case is not None
        uow.collection_cases.save(replace(case, status=status, closed_on=day, updated_on=day))
        uow.commit()
