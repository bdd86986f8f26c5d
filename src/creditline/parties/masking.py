"""A customer or contact as one role may see them: identity numbers, phones and e-mails
masked unless the role holds ``customers:read_pii`` (``contacts:read_pii`` for contacts),
the same rule the API's answers follow.  For pages that show the domain objects."""

from __future__ import annotations

from dataclasses import replace

from creditline.auth import Principal
from creditline.parties.contacts import EmergencyContact
from creditline.parties.customers import Customer, Person
from creditline.parties.identity import mask_email, mask_id_number, mask_phone


def shown_customer(c: Customer, actor: Principal) -> Customer:
    if actor.can("customers:read_pii"):
        return c
    if isinstance(c, Person):
        return replace(c, id_number=mask_id_number(c.id_number), phone=mask_phone(c.phone),
                       email=None if c.email is None else mask_email(c.email))
    return replace(c, phone=None if c.phone is None else mask_phone(c.phone))


def shown_contact(c: EmergencyContact, actor: Principal) -> EmergencyContact:
    return c if actor.can("contacts:read_pii") else replace(c, phone=mask_phone(c.phone))
