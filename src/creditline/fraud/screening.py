"""Fraud screening of one application: identity checks, blacklist hits, velocity, cool-down
and the ring around the applicant.

Reads only (through the unit of work); the caller turns the result into the policy's
``Screening`` facts and decides.  Kept apart from origination so that every later context
that screens a party (a limit increase, a closure request) asks the same questions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from creditline.errors import ValidationError
from creditline.fraud.blacklist import BlacklistKind
from creditline.fraud.cooldown import days_since
from creditline.fraud.rings import Link, Ring, explore
from creditline.fraud.velocity import LONGEST, ApplicationKeys, velocity_counts
from creditline.parties.customers import Customer, Person
from creditline.parties.identity import (
    check_id_number,
    check_mobile,
    check_uscc,
    mask_name,
    mask_phone,
)
from creditline.uow import UnitOfWork


@dataclass(frozen=True)
class ScreenRequest:
    """What screening looks at besides the stored customer: the normalised device and IP of
    this application, the customer's emergency-contact links, the last decline, and the
    ring parameters of the ruleset in force."""

    device: str | None
    ip: str | None
    contacts: tuple[Link, ...]
    last_decline: datetime | None
    ring_link_window_days: int = 90
    ring_max_explore: int = 50
    address: str | None = None  # the home address given, normalised (``address_key``)


@dataclass(frozen=True)
class ScreenResult:
    id_valid: bool
    phone_valid: bool
    blacklisted: frozenset[str]  # BlacklistKind values with an active hit
    velocity: Mapping[str, int]
    ring: Ring
    days_since_decline: int | None
    keys: ApplicationKeys
    address_hash: str | None = None


def screen(req: ScreenRequest, customer: Customer, uow: UnitOfWork, today: date,
           now: datetime) -> ScreenResult:
    """Screen ``customer``'s application.  Call inside ``with uow``."""
    cipher = uow.cipher
    is_person = isinstance(customer, Person)
    id_value = customer.id_number if isinstance(customer, Person) else customer.uscc
    id_valid = phone_valid = True
    try:
        if is_person:
            check_id_number(id_value, today=today)
        else:
            check_uscc(id_value)
    except ValidationError:
        id_valid = False
    if customer.phone is not None:
        try:
            check_mobile(customer.phone)
        except ValidationError:
            phone_valid = False
    keys = ApplicationKeys(
        id=cipher.blind_index(id_value),
        phone=None if customer.phone is None else cipher.blind_index(customer.phone),
        device=None if req.device is None else cipher.blind_index(req.device),
        ip=None if req.ip is None else cipher.blind_index(req.ip))
    hits = uow.blacklist.hits({BlacklistKind.ID_NUMBER.value: keys.id,
                               BlacklistKind.PHONE.value: keys.phone,
                               BlacklistKind.DEVICE.value: keys.device})
    velocity = velocity_counts(keys, now, uow.applications.recent_sharing(keys, now - LONGEST))
    window = now - timedelta(days=req.ring_link_window_days)
    seed_links: list[Link] = list(req.contacts)
    if keys.device:
        seed_links.append(Link(customer.id, "device", keys.device))
    if keys.ip:
        seed_links.append(Link(customer.id, "ip", keys.ip))
    if keys.phone:  # others may list this applicant's mobile as their contact
        seed_links.append(Link(customer.id, "contact_phone", keys.phone))
    address_hash = None if req.address is None else cipher.blind_index(req.address)
    if address_hash:
        seed_links.append(Link(customer.id, "address", address_hash))
    ring = explore(customer.id, seed_links,
                   lambda ids: uow.applications.links_of(ids, window),
                   lambda values: uow.applications.sharing(values, window),
                   max_members=req.ring_max_explore)
    return ScreenResult(id_valid=id_valid, phone_valid=phone_valid,
                        blacklisted=frozenset(hits), velocity=velocity, ring=ring,
                        days_since_decline=days_since(req.last_decline, now), keys=keys,
                        address_hash=address_hash)


def address_key(address: object, field: str = "address") -> str:
    """An address as a ring link compares it: case, spacing and punctuation ignored, so
    "Room 3, 12 Jiefang Rd" and "room 3 12 jiefang rd." are one place."""
    if not isinstance(address, str) or not address.strip() or len(address) > 300:
        raise ValidationError(field, "must be 1-300 characters")
    key = "".join(ch for ch in address.casefold() if ch.isalnum())
    if not key:
        raise ValidationError(field, "must contain letters or digits")
    return key


def ring_view(uow: UnitOfWork, ring: Ring) -> dict[str, Any]:
    """The ring as a reviewer sees it: members by id and masked name, links by kind."""
    view = ring.as_dict()
    names = []
    for cid in ring.members:
        c = uow.customers.get(cid)
        names.append({"customer_id": cid,
                      "name": None if c is None else mask_name(c.name),
                      "phone": None if c is None or c.phone is None else mask_phone(c.phone)})
    view["members"] = names
    return view
