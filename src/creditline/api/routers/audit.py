"""The audit log, for auditors: read pages and verify the hash chain."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from creditline.api.deps import Allowed, ContainerDep
from creditline.audit import verify_chain
from creditline.auth import Principal

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("")
def list_entries(
    container: ContainerDep,
    _: Annotated[Principal, Allowed("audit:read")],
    after: Annotated[int, Query(ge=0, description="return entries with seq greater than this")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    entity: str | None = None,
    entity_id: str | None = None,
) -> dict[str, Any]:
    with container.uow() as uow:
        rows = uow.audit_log.page(after=after, limit=limit, entity=entity, entity_id=entity_id)
    return {"entries": [
        {"seq": e.seq, "at": e.at.isoformat(), "actor": e.actor, "action": e.action,
         "entity": e.entity, "entity_id": e.entity_id, "details": e.details,
         "prev_hash": e.prev_hash, "hash": e.hash} for e in rows]}


@router.get("/verify")
def verify(container: ContainerDep, _: Annotated[Principal, Allowed("audit:read")]) -> dict[str, Any]:
    with container.uow() as uow:
        report = verify_chain(uow.audit_log.iterate())
    return {"ok": report.ok, "checked": report.checked, "first_bad_seq": report.first_bad_seq,
            "problem": report.problem}
