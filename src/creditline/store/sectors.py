"""The sector early warning and sector cuts in SQL (``lines.trigger_ports.SectorRepository``).

The watch reads every open enterprise line as columns in one query (lines joined to their
customer's industry); a cut and its reversal write under each line's row lock, taken by the
service."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, delete, insert, select, update
from sqlalchemy.orm import Session

from creditline.errors import ConcurrencyError
from creditline.lines.sectors import (
    ActionStatus,
    IndustryRate,
    SectorAction,
    SectorFlag,
    SectorLine,
)
from creditline.paging import Page, PageRequest
from creditline.store import browse
from creditline.store.tables.foundation import customers
from creditline.store.tables.servicing import credit_lines
from creditline.store.tables.triggers import sector_action_lines as sal
from creditline.store.tables.triggers import sector_actions as sa
from creditline.store.tables.triggers import sector_flags as sf
from creditline.store.types import aware

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork


def _flag(r: Any) -> SectorFlag:
    rate = IndustryRate(r.industry, r.lines, r.dpd30, r.defaults, r.dpd30_rate, r.default_rate,
                        r.flagged, tuple(r.why))
    return SectorFlag(r.industry, r.flagged, r.checked_on, r.flagged_on, rate, r.rules_version)


class SqlSectorRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    def enterprise_lines(self, industry: str | None = None) -> dict[str, list[Any]]:
        c = credit_lines.c
        q = (select(c.id, c.customer_id, customers.c.industry, c.dpd, c.credit_limit, c.product,
                    c.opened_on, c.status)
             .join(customers, customers.c.id == c.customer_id)
             .where(c.status != "closed", customers.c.industry.is_not(None)))
        if industry is not None:
            q = q.where(customers.c.industry == industry)
        rows = self.s.execute(q.order_by(c.id)).all()
        names = ("line_id", "customer_id", "industry", "dpd", "limit", "product", "opened_on",
                 "status")
        return {n: [r[i] for r in rows] for i, n in enumerate(names)}

    def save_flags(self, flags: Any) -> None:
        self.s.execute(delete(sf))
        if flags:
            self.s.execute(insert(sf), [{
                "industry": f.industry, "flagged": f.flagged, "checked_on": f.checked_on,
                "flagged_on": f.flagged_on, "lines": f.rate.lines, "dpd30": f.rate.dpd30,
                "defaults": f.rate.defaults, "dpd30_rate": f.rate.dpd30_rate,
                "default_rate": f.rate.default_rate, "why": list(f.rate.why),
                "rules_version": f.rules_version} for f in flags])

    def flags(self) -> list[SectorFlag]:
        return [_flag(r) for r in self.s.execute(select(sf).order_by(sf.c.industry))]

    def flag(self, industry: str) -> SectorFlag | None:
        row = self.s.execute(select(sf).where(sf.c.industry == industry)).first()
        return None if row is None else _flag(row)

    def add_action(self, action: SectorAction) -> None:
        self.s.execute(insert(sa).values(
            id=action.id, industry=action.industry, percent=action.percent,
            reason=action.reason, business_date=action.business_date,
            created_by=action.created_by, created_at=action.created_at,
            status=action.status.value))
        if action.lines:
            self.s.execute(insert(sal), [{
                "action_id": action.id, "line_id": x.line_id, "customer_id": x.customer_id,
                "old_limit": x.old_limit, "new_limit": x.new_limit} for x in action.lines])

    def _actions(self, rows: Any) -> list[SectorAction]:
        ids = [r.id for r in rows]
        lines: dict[str, list[SectorLine]] = {i: [] for i in ids}
        if ids:
            for x in self.s.execute(select(sal).where(sal.c.action_id.in_(ids))
                                    .order_by(sal.c.line_id)):
                lines[x.action_id].append(SectorLine(x.line_id, x.customer_id, x.old_limit,
                                                     x.new_limit))
        out = []
        for r in rows:
            created = aware(r.created_at)
            assert created is not None
            out.append(SectorAction(
                id=r.id, industry=r.industry, percent=Decimal(r.percent), reason=r.reason,
                business_date=r.business_date, created_by=r.created_by, created_at=created,
                lines=tuple(lines[r.id]), status=ActionStatus(r.status),
                reversed_by=r.reversed_by, reversed_at=aware(r.reversed_at)))
        return out

    def get_action(self, action_id: str, *, lock: bool = False) -> SectorAction | None:
        q = select(sa).where(sa.c.id == action_id)
        row = self.s.execute(q.with_for_update() if lock else q).first()
        return None if row is None else self._actions([row])[0]

    def mark_reversed(self, action: SectorAction) -> None:
        done = self.s.execute(update(sa).where(
            sa.c.id == action.id, sa.c.status == ActionStatus.APPLIED.value).values(
            status=ActionStatus.REVERSED.value, reversed_by=action.reversed_by,
            reversed_at=action.reversed_at))
        if done.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult of an UPDATE has rowcount
            raise ConcurrencyError(f"sector action {action.id} was reversed meanwhile")

    def actions(self, industry: str | None, req: PageRequest) -> Page[SectorAction]:
        where: list[ColumnElement[bool]] = []
        if industry is not None:
            where.append(sa.c.industry == industry)
        return browse.page(self.s, select(sa), sa.c.created_at, sa.c.id, req, self._actions,
                           postgres=self.uow.is_postgres, where=where)
