"""Limit proposals in SQL (``lines.ports.LimitProposalRepository``).

Locking: a decision takes the proposal's row lock (``get(..., lock=True)``) and then the
line's, so two checkers deciding the same proposal at once cannot both apply it; ``save``
also writes only a row still ``pending`` and fails otherwise (a second guard)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, insert, select, update
from sqlalchemy.orm import Session

from creditline.errors import ConcurrencyError
from creditline.lines.proposals import LimitProposal, ProposalStatus
from creditline.paging import Page, PageRequest
from creditline.store import browse
from creditline.store.tables.lines import limit_proposals as t

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork


def _aware(ts: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes for ``DateTime(timezone=True)``; they were UTC."""
    if ts is None:
        return None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts


def _proposal(r: Any) -> LimitProposal:
    proposed_at = _aware(r.proposed_at)
    assert proposed_at is not None
    return LimitProposal(id=r.id, line_id=r.line_id, old_limit=r.old_limit,
                         new_limit=r.new_limit, reason=r.reason, proposed_by=r.proposed_by,
                         proposed_at=proposed_at, status=ProposalStatus(r.status),
                         decided_by=r.decided_by, decided_at=_aware(r.decided_at),
                         decision_note=r.decision_note)


class SqlLimitProposalRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    def add(self, proposal: LimitProposal) -> None:
        self.s.execute(insert(t).values(
            id=proposal.id, line_id=proposal.line_id, old_limit=proposal.old_limit,
            new_limit=proposal.new_limit, reason=proposal.reason,
            proposed_by=proposal.proposed_by, proposed_at=proposal.proposed_at,
            status=proposal.status.value))

    def get(self, proposal_id: str, *, lock: bool = False) -> LimitProposal | None:
        q = select(t).where(t.c.id == proposal_id)
        row = self.s.execute(q.with_for_update() if lock else q).first()
        return None if row is None else _proposal(row)

    def save(self, proposal: LimitProposal) -> None:
        done = self.s.execute(update(t).where(
            t.c.id == proposal.id, t.c.status == ProposalStatus.PENDING.value).values(
            status=proposal.status.value, decided_by=proposal.decided_by,
            decided_at=proposal.decided_at, decision_note=proposal.decision_note))
        if done.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult of an UPDATE has rowcount
            raise ConcurrencyError(f"limit proposal {proposal.id} was decided meanwhile")

    def page(self, status: str | None, line_id: str | None, req: PageRequest
             ) -> Page[LimitProposal]:
        where: list[ColumnElement[bool]] = []
        if status is not None:
            where.append(t.c.status == status)
        if line_id is not None:
            where.append(t.c.line_id == line_id)
        return browse.page(self.s, select(t), t.c.proposed_at, t.c.id, req,
                           lambda rows: [_proposal(r) for r in rows],
                           postgres=self.uow.is_postgres, where=where)
