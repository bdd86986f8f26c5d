"""Blacklists of identities, phones and devices.  Only keyed hashes of the values are kept
(the store hashes with the field cipher's blind index), so a list can be checked without
holding anyone's identity number in clear."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from creditline.errors import ValidationError
from creditline.parties.identity import (
    check_id_number,
    check_mobile,
    check_uscc,
    mask_id_number,
    mask_phone,
)


class BlacklistKind(StrEnum):
    ID_NUMBER = "id_number"  # a resident identity number or, for enterprises, a USCC
    PHONE = "phone"
    DEVICE = "device"


REASON_CODES: dict[BlacklistKind, str] = {
    BlacklistKind.ID_NUMBER: "BLACKLIST_ID",
    BlacklistKind.PHONE: "BLACKLIST_PHONE",
    BlacklistKind.DEVICE: "BLACKLIST_DEVICE",
}


def parse_kind(value: str, field: str = "kind") -> BlacklistKind:
    try:
        return BlacklistKind(value)
    except ValueError:
        allowed = ", ".join(k.value for k in BlacklistKind)
        raise ValidationError(field, f"must be one of: {allowed}") from None


def normalise(kind: BlacklistKind, value: str, field: str = "value") -> str:
    """The canonical form that is hashed, so ``+86 138-0013-8000`` and ``13800138000`` match."""
    if kind is BlacklistKind.ID_NUMBER:
        v = value.strip().upper() if isinstance(value, str) else value
        if isinstance(v, str) and len(v) == 18 and not v[:17].isdigit():
            return check_uscc(v, field)
        return check_id_number(value, field)
    if kind is BlacklistKind.PHONE:
        return check_mobile(value, field)
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > 200:
        raise ValidationError(field, "a device id must be 1-200 characters")
    return value.strip()


def device_key(value: str) -> str:
    """Device ids are matched as given, without surrounding spaces."""
    return value.strip()


def mask(kind: BlacklistKind, normalised: str) -> str:
    """What a list reader sees instead of the value."""
    if kind is BlacklistKind.ID_NUMBER:
        return normalised if not normalised[:17].isdigit() else mask_id_number(normalised)
    if kind is BlacklistKind.PHONE:
        return mask_phone(normalised)
    return normalised[:4] + "*" * max(0, len(normalised) - 4)


@dataclass(frozen=True)
class BlacklistEntry:
    id: str
    kind: str
    value_hash: str
    masked: str
    reason: str
    active: bool
    created_by: str
    created_at: datetime
    removed_by: str | None = None
    removed_at: datetime | None = None

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "kind": self.kind, "value": self.masked, "reason": self.reason,
                "active": self.active, "created_by": self.created_by,
                "created_at": self.created_at.isoformat(), "removed_by": self.removed_by,
                "removed_at": None if self.removed_at is None else self.removed_at.isoformat()}
