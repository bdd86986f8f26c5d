"""Blacklist use cases: add a value, take it off, list the entries.

Values are stored only as keyed hashes (``uow.cipher.blind_index``) with a masked form for
reading; every change is audited in the same transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from creditline.auth import Principal
from creditline.errors import Conflict, NotFound, ValidationError
from creditline.fraud import blacklist as bl
from creditline.uow import UnitOfWork


@dataclass(frozen=True)
class AddToBlacklist:
    kind: str  # id_number, phone or device
    value: str
    reason: str


@dataclass(frozen=True)
class RemoveFromBlacklist:
    entry_id: str


def add_to_blacklist(cmd: AddToBlacklist, uow: UnitOfWork, actor: Principal
                     ) -> bl.BlacklistEntry:
    """List a value; applications carrying it are declined (409 if it is already listed)."""
    k = bl.parse_kind(cmd.kind)
    normalised = bl.normalise(k, cmd.value)
    if not isinstance(cmd.reason, str) or not cmd.reason.strip():
        raise ValidationError("reason", "is required: say why")
    with uow:
        value_hash = uow.cipher.blind_index(normalised)
        if uow.blacklist.active(k.value, value_hash) is not None:
            raise Conflict(f"this {k.value} is already on the blacklist")
        entry = bl.BlacklistEntry(id=str(uuid.uuid4()), kind=k.value, value_hash=value_hash,
                                  masked=bl.mask(k, normalised), reason=cmd.reason.strip(),
                                  active=True, created_by=actor.name, created_at=uow.now())
        uow.blacklist.add(entry)
        uow.audit(actor, "blacklist.added", "blacklist", entry.id,
                  {"kind": entry.kind, "value": entry.masked, "reason": entry.reason})
        uow.commit()
    return entry


def remove_from_blacklist(cmd: RemoveFromBlacklist, uow: UnitOfWork, actor: Principal
                          ) -> bl.BlacklistEntry:
    """Take a value off the list; the entry is kept, marked removed."""
    with uow:
        entry: bl.BlacklistEntry | None = uow.blacklist.get(cmd.entry_id)
        if entry is None:
            raise NotFound(f"blacklist entry {cmd.entry_id} not found")
        if not entry.active:
            raise Conflict(f"blacklist entry {cmd.entry_id} was already removed")
        entry = replace(entry, active=False, removed_by=actor.name, removed_at=uow.now())
        uow.blacklist.update(entry)
        uow.audit(actor, "blacklist.removed", "blacklist", entry.id,
                  {"kind": entry.kind, "value": entry.masked})
        uow.commit()
    return entry


def list_blacklist(uow: UnitOfWork, kind: str | None, active_only: bool, limit: int = 100,
                   offset: int = 0) -> list[bl.BlacklistEntry]:
    k = None if kind is None else bl.parse_kind(kind).value
    with uow:
        return list(uow.blacklist.list(k, active_only, limit, offset))
