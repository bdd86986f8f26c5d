"""Statements in SQL (``servicing.ports.StatementRepository``): read one line's; end of
day writes them in bulk (``store.eod_columns``)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creditline.paging import SeqPage, SeqPageRequest
from creditline.servicing.statements import Statement
from creditline.store.tables.servicing import statements

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork


class SqlStatementRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session

    def of_line(self, line_id: str) -> list[Statement]:
        rows = self.s.execute(select(statements).where(statements.c.line_id == line_id)
                              .order_by(statements.c.statement_date)).all()
        return [_statement(r) for r in rows]

    def page(self, line_id: str, req: SeqPageRequest) -> SeqPage[Statement]:
        t = statements
        q = select(t).where(t.c.line_id == line_id)
        if req.after is not None:
            q = q.where(t.c.statement_date > date.fromordinal(req.after))
        rows = list(self.s.execute(q.order_by(t.c.statement_date).limit(req.limit + 1)))
        more = len(rows) > req.limit
        rows = rows[:req.limit]
        total = self.s.execute(select(func.count()).select_from(t)
                               .where(t.c.line_id == line_id)).scalar_one()
        return SeqPage([_statement(r) for r in rows],
                       rows[-1].statement_date.toordinal() if more and rows else None, total)


def _statement(r: Any) -> Statement:
    return Statement(**{k: getattr(r, k) for k in Statement.__dataclass_fields__})
