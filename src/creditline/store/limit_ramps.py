"""The limit ramps of new customers' lines in SQL (``lines.ports.LimitRampRepository``):
read in bulk for a partition of end of day, stepped in bulk."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ARRAY, String, any_, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from creditline.lines.ramp import LimitRamp
from creditline.store.tables.lines import limit_ramps
from creditline.store.tables.servicing import credit_lines

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork

_CHUNK = 10_000  # within SQLite's bound-parameter limit
_SET_LIMIT = (update(credit_lines).where(credit_lines.c.id == bindparam("k_id"))
              .values(credit_limit=bindparam("limit"), version=credit_lines.c.version + 1))
_STEPPED = (update(limit_ramps).where(limit_ramps.c.line_id == bindparam("k_id"))
            .values(last_step_on=bindparam("on")))

_ADD = insert(limit_ramps)


class SqlLimitRampRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    def add(self, ramp: LimitRamp) -> None:
        self.s.execute(_ADD, {  # built once: no statement to build and key per opening
            "line_id": ramp.line_id, "target": ramp.target, "growth": str(ramp.growth),
            "last_step_on": ramp.last_step_on, "created_at": self.uow.now()})

    def of_lines(self, line_ids: list[str]) -> list[tuple[LimitRamp, Decimal]]:
        r, c = limit_ramps.c, credit_lines.c
        out: list[tuple[LimitRamp, Decimal]] = []
        base = (select(r.line_id, r.target, r.growth, r.last_step_on, c.credit_limit)
                .join(credit_lines, c.id == r.line_id))
        # PostgreSQL: one array parameter (a busy day asks for a whole partition's ids; an IN
        # list of 10,000 parameters costs seconds to render and bind); SQLite: chunks
        pg = self.s.get_bind().dialect.name == "postgresql"
        size = max(1, len(line_ids)) if pg else _CHUNK
        for k in range(0, len(line_ids), size):
            chunk = line_ids[k:k + size]
            where = (r.line_id == any_(bindparam("ids", chunk, type_=ARRAY(String))) if pg
                     else r.line_id.in_(chunk))
            rows = self.s.execute(base.where(where).order_by(r.line_id))
            out.extend((LimitRamp(row.line_id, row.target, Decimal(row.growth),
                                  row.last_step_on), row.credit_limit) for row in rows)
        return out

    def step(self, rows: list[tuple[str, Decimal]], on: date) -> None:
        if not rows:
            return
        self.s.execute(_SET_LIMIT, [{"k_id": i, "limit": v} for i, v in rows])
        self.s.execute(_STEPPED, [{"k_id": i, "on": on} for i, _ in rows])
        ids = [i for i, _ in rows]
        for k in range(0, len(ids), _CHUNK):
            self.s.execute(delete(limit_ramps).where(
                limit_ramps.c.line_id.in_(ids[k:k + _CHUNK]),
                limit_ramps.c.target <= select(credit_lines.c.credit_limit).where(
                    credit_lines.c.id == limit_ramps.c.line_id).scalar_subquery()))
