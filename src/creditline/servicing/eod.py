"""End of day for the whole book, and the online catch-up of one line.

``run_eod`` closes every business day up to the one asked for, in order: day by day, each
line whose last closed day is the day before is processed (skipped days are caught up one
at a time), in partitions of line ids, one transaction per partition.  Each line records
the last day it closed, so running a day twice changes nothing the second time, and an
interrupted run resumes where it stopped.

``catch_up`` brings one line up to a day inside the caller's transaction (the line already
locked), through the very same batch code with that line alone; commands call it before
acting on a line whose end of day is behind, so every money event is dated after the
line's last closed day.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from creditline.auth import Principal
from creditline.batch.eod import close_partition
from creditline.errors import ValidationError
from creditline.uow import UnitOfWork

DEFAULT_PARTITION = 20_000


@dataclass(frozen=True)
class RunEod:
    business_date: date
    partition_size: int = DEFAULT_PARTITION
    timings: dict[str, float] | None = None  # seconds per phase, filled in if given


@dataclass
class DayReport:
    business_date: date
    lines: int = 0  # lines closed for the day: visited by the kernel plus skipped
    skipped: int = 0  # nothing due before their next visit: only last_eod moved
    changed: int = 0
    statements: int = 0
    postings: int = 0
    partitions: int = 0


@dataclass
class EodReport:
    through: date
    days: list[DayReport] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def lines(self) -> int:
        return sum(d.lines for d in self.days)


Progress = Callable[[date, int], None]


def run_eod(cmd: RunEod, uow: UnitOfWork, actor: Principal,
            progress: Progress | None = None) -> EodReport:
    """Close every pending business day through ``cmd.business_date``."""
    started = time.perf_counter()
    target = cmd.business_date
    if not isinstance(target, date):
        raise ValidationError("business_date", "must be a date (YYYY-MM-DD)")
    today = uow.clock.today()
    if target > today:
        raise ValidationError("business_date", f"must not be after today ({today.isoformat()})")
    if cmd.partition_size < 1:
        raise ValidationError("partition_size", "must be at least 1")
    report = EodReport(target)
    with uow:
        oldest = uow.eod_columns.oldest_pending(target)
    if oldest is None:
        report.seconds = time.perf_counter() - started
        return report
    day = oldest + timedelta(days=1)
    while day <= target:
        dr = DayReport(day)
        after: str | None = None
        with uow:  # lines with nothing due before their next visit: one statement
            dr.skipped = uow.eod_columns.skip(day)
            uow.commit()
        dr.lines += dr.skipped
        while True:
            with uow:
                part = close_partition(uow, day, after=after, limit=cmd.partition_size,
                                       timings=cmd.timings)
                if part.lines:
                    committing = time.perf_counter()
                    uow.commit()
                    if cmd.timings is not None:
                        cmd.timings["commit"] = (cmd.timings.get("commit", 0.0)
                                                 + time.perf_counter() - committing)
            if part.lines == 0:
                break
            dr.lines += part.lines
            dr.changed += part.changed
            dr.statements += part.statements
            dr.postings += part.postings
            dr.partitions += 1
            after = part.last_line_id
            if progress is not None:
                progress(day, part.lines)
            if part.lines < cmd.partition_size:
                break
        report.days.append(dr)
        day += timedelta(days=1)
    with uow:  # one audit entry per run (the batch), not one per line or posting
        uow.audit(actor, "eod.closed", "business_date", target.isoformat(), {
            "from": report.days[0].business_date, "through": target,
            "lines": report.lines, "changed": sum(d.changed for d in report.days),
            "statements": sum(d.statements for d in report.days),
            "postings": sum(d.postings for d in report.days)})
        uow.commit()
    report.seconds = time.perf_counter() - started
    return report


def catch_up(uow: UnitOfWork, line_id: str, last_eod: date, through: date) -> int:
    """Close days ``last_eod + 1 .. through`` for one line, in the caller's transaction.
    Returns the number of days closed."""
    day = last_eod + timedelta(days=1)
    n = 0
    while day <= through:
        close_partition(uow, day, line_ids=[line_id])
        day += timedelta(days=1)
        n += 1
    return n
