"""End-of-day run records (``eod_runs``, ``eod_stage_runs``) and the range of business days
the open lines are closed through, which decides whether one stage may run alone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from creditline.store.tables.eod import eod_runs, eod_stage_runs
from creditline.store.tables.servicing import credit_lines

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork


def _day(v: Any) -> date | None:
    if v is None or isinstance(v, date):
        return v
    return date.fromisoformat(str(v))


class SqlEodRunRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session

    def start(self, run_id: str, *, through: date, stage: str | None, stages: Sequence[str],
              actor: str, started_at: datetime) -> None:
        self.s.execute(insert(eod_runs).values(
            id=run_id, through=through, stage=stage, stages=list(stages), actor=actor,
            started_at=started_at, finished_at=None, days=0, lines=0, seconds=None))

    def add_day(self, run_id: str, day: date, lines: int,
                stages: Sequence[tuple[int, str, int, float]]) -> None:
        """A day the run closed (``lines``: visited plus skipped), with one row per stage:
        (position, stage, lines, seconds)."""
        if stages:
            self.s.execute(insert(eod_stage_runs), [
                {"run_id": run_id, "business_date": day, "stage": name, "position": pos,
                 "lines": lines, "seconds": seconds} for pos, name, lines, seconds in stages])
        self.s.execute(update(eod_runs).where(eod_runs.c.id == run_id).values(
            days=eod_runs.c.days + 1, lines=eod_runs.c.lines + lines))

    def finish(self, run_id: str, *, finished_at: datetime, seconds: float) -> None:
        self.s.execute(update(eod_runs).where(eod_runs.c.id == run_id).values(
            finished_at=finished_at, seconds=seconds))

    def get(self, run_id: str) -> dict[str, Any] | None:
        row = self.s.execute(select(eod_runs).where(eod_runs.c.id == run_id)).first()
        return None if row is None else dict(row._mapping)

    def stage_runs(self, run_id: str) -> list[dict[str, Any]]:
        """The run's stage rows, by business date then pipeline order."""
        rows = self.s.execute(select(eod_stage_runs).where(eod_stage_runs.c.run_id == run_id)
                              .order_by(eod_stage_runs.c.business_date,
                                        eod_stage_runs.c.position)).all()
        return [{**dict(r._mapping), "business_date": _day(r.business_date)} for r in rows]

    def closed_range(self) -> tuple[date | None, date | None]:
        """The earliest and the latest day an open line is closed through."""
        row = self.s.execute(select(func.min(credit_lines.c.last_eod),
                                    func.max(credit_lines.c.last_eod))
                             .where(credit_lines.c.status != "closed")).first()
        if row is None:
            return None, None
        return _day(row[0]), _day(row[1])
