"""The audit log, for auditors: read pages, verify the keyed chain and its signed heads, and
take an anchor (the signed heads) to keep outside the system."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.pagination import SeqPageParams
from creditline.api.schemas_common import iso_utc
from creditline.audit import BadAnchor, parse_anchor
from creditline.audit_trail import ReadTrail, read_trail, verify_trail
from creditline.auth import Principal
from creditline.errors import Conflict, ValidationError
from creditline.paging import encode_seq_cursor

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("", summary="Read the audit log in order")
def list_entries(
    container: ContainerDep,
    actor: Annotated[Principal, Allowed("audit:read")],
    page: SeqPageParams,
    entity: str | None = None,
    entity_id: str | None = None,
) -> dict[str, Any]:
    """Entries in chain (global ``seq``) order, optionally for one entity, in the one list
    shape; each carries its hash and the previous entry's."""
    got = read_trail(ReadTrail(entity, entity_id, page), container.uow(), actor)
    rows = got.items
    return {"items": [
        {"seq": e.seq, "stream": e.stream, "stream_seq": e.stream_seq, "at": iso_utc(e.at),
         "actor": e.actor, "action": e.action, "entity": e.entity, "entity_id": e.entity_id,
         "details": e.details, "prev_hash": e.prev_hash, "hash": e.hash} for e in rows],
        "next_cursor": None if got.next is None else encode_seq_cursor(got.next),
        "total": got.total}


@router.get("/verify", summary="Verify the audit chain, its heads and optionally an anchor")
def verify(
    container: ContainerDep,
    actor: Annotated[Principal, Allowed("audit:read")],
    anchor: Annotated[str | None, Query(
        max_length=4000, description="an anchor from GET /v1/audit/anchor: also check that the "
                                     "log still holds those heads unchanged")] = None,
) -> dict[str, Any]:
    """Recompute every entry's keyed hash stream by stream and check the heads (and,
    with ``anchor``, that the anchored heads are still there unchanged); the first
    problem found is named."""
    expected = None
    if anchor is not None:
        try:
            expected = parse_anchor(anchor, container.audit_key)
        except BadAnchor as exc:
            raise ValidationError("anchor", str(exc)) from None
    return verify_trail(container.uow(), actor, expected).as_dict()


@router.get("/anchor", summary="Sign the current heads of the audit log, to keep elsewhere")
def anchor(container: ContainerDep,
           _: Annotated[Principal, Allowed("audit:anchor")]) -> dict[str, Any]:
    """Refused (409) while the log does not verify: an anchor would vouch for the damage."""
    with container.uow() as uow:
        found, report = uow.audit_log.anchor(uow.now())
    if not report.ok:
        raise Conflict(f"audit log does not verify ({report.problem}); no anchor issued")
    return {"at": found.at, "entries": found.total, "heads_hash": found.digest,
            "heads": [{"stream": s, "seq": n, "hash": h} for s, n, h in found.heads],
            "anchor": found.token(container.audit_key)}
