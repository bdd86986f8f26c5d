"""The audit log, for auditors: read pages and verify the hash chain."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.schemas_common import Seq, iso_utc
from creditline.audit import verify_chain
from creditline.auth import Principal

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("", summary="Read the audit log, a page at a time")
def list_entries(
    container: ContainerDep,
    _: Annotated[Principal, Allowed("audit:read")],
    after: Annotated[Seq, Query(description="return entries with seq greater than this")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    entity: str | None = None,
    entity_id: str | None = None,
) -> dict[str, Any]:
    """Entries in chain order after ``after``, optionally for one entity; each carries its
    hash and the previous entry's."""
    with container.uow() as uow:
        rows = uow.audit_log.page(after=after, limit=limit, entity=entity, entity_id=entity_id)
    return {"entries": [
        {"seq": e.seq, "at": iso_utc(e.at), "actor": e.actor, "action": e.action,
         "entity": e.entity, "entity_id": e.entity_id, "details": e.details,
         "prev_hash": e.prev_hash, "hash": e.hash} for e in rows]}


@router.get("/verify", summary="Verify the audit hash chain")
def verify(container: ContainerDep, _: Annotated[Principal, Allowed("audit:read")]) -> dict[str, Any]:
    """Recompute every entry's hash in order; the first entry that does not match is named."""
    with container.uow() as uow:
        report = verify_chain(uow.audit_log.iterate())
    return {"ok": report.ok, "checked": report.checked, "first_bad_seq": report.first_bad_seq,
            "problem": report.problem}
