"""Blacklists of identity numbers (or USCCs), phones and devices.  Values are stored only as
keyed hashes with a masked form for reading; every change is audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.schemas_common import Offset, Timestamp
from creditline.auth import Principal
from creditline.fraud import services
from creditline.fraud.blacklist import BlacklistEntry

router = APIRouter(prefix="/v1/blacklist", tags=["blacklist"])


class BlacklistCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="id_number, phone or device")
    value: str = Field(description="the identity number / USCC, mobile number or device id")
    reason: str


class BlacklistPublic(BaseModel):
    id: str
    kind: str
    value: str = Field(description="masked")
    reason: str
    active: bool
    created_by: str
    created_at: Timestamp
    removed_by: str | None
    removed_at: Timestamp | None


def _public(e: BlacklistEntry) -> BlacklistPublic:
    return BlacklistPublic(id=e.id, kind=e.kind, value=e.masked, reason=e.reason,
                           active=e.active, created_by=e.created_by, created_at=e.created_at,
                           removed_by=e.removed_by, removed_at=e.removed_at)


@router.post("", status_code=201, response_model=BlacklistPublic,
             summary="Blacklist an identity number, phone or device")
def add(body: BlacklistCreate, container: ContainerDep,
        actor: Annotated[Principal, Allowed("blacklist:manage")]) -> BlacklistPublic:
    """Add a value; applications carrying it are declined (409 if already listed)."""
    cmd = services.AddToBlacklist(kind=body.kind, value=body.value, reason=body.reason)
    return _public(services.add_to_blacklist(cmd, container.uow(), actor))


@router.get("", response_model=list[BlacklistPublic], summary="List blacklist entries")
def list_entries(container: ContainerDep, _: Annotated[Principal, Allowed("blacklist:read")],
                 kind: str | None = None, active: bool = True,
                 limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                 offset: Offset = 0) -> list[BlacklistPublic]:
    """Entries, values masked; by default only those in force (``active=false`` for the
    removed ones)."""
    return [_public(e) for e in services.list_blacklist(container.uow(), kind, active, limit,
                                                        offset)]


@router.delete("/{entry_id}", response_model=BlacklistPublic,
               summary="Take a value off the blacklist")
def remove(entry_id: str, container: ContainerDep,
           actor: Annotated[Principal, Allowed("blacklist:manage")]) -> BlacklistPublic:
    """Take a value off the list (the entry is kept, marked removed); 404 if there is no
    such entry."""
    return _public(services.remove_from_blacklist(services.RemoveFromBlacklist(entry_id),
                                                  container.uow(), actor))
