"""Statements in SQL (``servicing.ports.StatementRepository``): read one line's; end of
day writes them in bulk (``store.eod_columns``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

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
        return [Statement(**{k: getattr(r, k) for k in Statement.__dataclass_fields__})
                for r in rows]
