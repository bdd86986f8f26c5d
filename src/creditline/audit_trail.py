"""Reading the audit trail, for auditors, shared by the API (``GET /v1/audit``,
``/v1/audit/verify``) and the console: a page of entries in chain order with filters, and
the verification of the whole chain (its keyed hashes, signed heads and optionally an
anchor)."""

from __future__ import annotations

from dataclasses import dataclass, field

from creditline.audit import Anchor, AuditEntry, ChainReport
from creditline.auth import Principal
from creditline.paging import SeqPage, SeqPageRequest
from creditline.uow import UnitOfWork


@dataclass(frozen=True)
class ReadTrail:
    entity: str | None = None
    entity_id: str | None = None
    page: SeqPageRequest = field(default_factory=SeqPageRequest)


def read_trail(cmd: ReadTrail, uow: UnitOfWork, actor: Principal) -> SeqPage[AuditEntry]:
    """Entries in chain (global ``seq``) order after the cursor, with the filtered total."""
    actor.require("audit:read")
    limit = cmd.page.limit
    with uow:
        rows = uow.audit_log.page(after=cmd.page.after or 0, limit=limit + 1,
                                  entity=cmd.entity, entity_id=cmd.entity_id)
        total = uow.audit_log.count_where(entity=cmd.entity, entity_id=cmd.entity_id)
    more = len(rows) > limit
    rows = rows[:limit]
    return SeqPage(rows, rows[-1].seq if more and rows else None, total)


def verify_trail(uow: UnitOfWork, actor: Principal, anchor: Anchor | None = None
                 ) -> ChainReport:
    """Recompute the chain stream by stream; the report names the first problem found."""
    actor.require("audit:read")
    with uow:
        return uow.audit_log.verify(anchor)
