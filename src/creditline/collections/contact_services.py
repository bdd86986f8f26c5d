"""Emergency contacts, verified and approached as the rules allow: ``verb(cmd, uow, actor)``.

- ``send_code``: a one-time code to the contact by SMS through the notify relay (topic
  ``contact.verification_code``); only its keyed hash is stored, with the reference the
  contact can withdraw with; a new code supersedes a pending one.
- ``confirm_code``: the contact enters the code (their channel is a service integration:
  the SMS gateway's inbound hook or a web page); wrong codes are counted, five lock it.
- ``withdraw``: the contact, with the reference from the SMS, stops being a contact; their
  name and phone are erased, the event stays.
- ``replace_contact``: the debtor names someone else in a contact's place.
- ``approach``: a collector asks to approach a verified contact of an unreachable debtor:
  the approach rules (``compliance.approach_verdict``), then the gate (hours, relief); the
  attempt is logged either way and an allowed one sends the contact an SMS that asks the
  debtor to get in touch and says nothing else (topic ``contact.approach``).

Every change is audited and written to the contact's append-only event log.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from creditline.auth import Principal
from creditline.calendar.services import current_business_date
from creditline.collections import compliance as cg
from creditline.collections import services as cs
from creditline.collections.contacts import (
    CODE_DIGITS,
    CODE_TTL,
    LOCKED,
    PENDING,
    SUPERSEDED,
    ContactEvent,
    Verification,
    attempt,
    check_code_format,
    check_reference,
)
from creditline.collections.ports import ContactRecord
from creditline.errors import BusinessRuleViolation, Conflict, NotFound, ValidationError
from creditline.parties.contacts import FAILED as CONTACT_FAILED
from creditline.parties.contacts import VERIFIED as CONTACT_VERIFIED
from creditline.parties.contacts import EmergencyContact, new_contact
from creditline.parties.identity import mask_phone
from creditline.uow import UnitOfWork

CONTACT_CODE = "contact.verification_code"
CONTACT_APPROACH = "contact.approach"
HISTORY_DAYS = 400  # how far back the contact log is read to judge unreachability


def _event(uow: UnitOfWork, c: EmergencyContact | Verification, kind: str, actor: Principal,
           **detail: object) -> None:
    contact_id = c.id if isinstance(c, EmergencyContact) else c.contact_id
    uow.contact_desk.add_event(ContactEvent(contact_id, c.customer_id, uow.now(), kind,
                                            actor.name, dict(detail)))


def _contact(uow: UnitOfWork, contact_id: str, customer_id: str | None = None
             ) -> EmergencyContact:
    c = uow.contact_desk.contact(contact_id)
    if c is None or (customer_id is not None and c.customer_id != customer_id):
        raise NotFound(f"emergency contact {contact_id} not found")
    return c


# ----------------------------------------------------------------------------- verification
@dataclass(frozen=True)
class SendCode:
    contact_id: str


@dataclass(frozen=True)
class CodeSent:
    contact_id: str
    verification_id: str
    expires_at: datetime


def send_code(cmd: SendCode, uow: UnitOfWork, actor: Principal) -> CodeSent:
    """Send the contact a one-time code (and a reference to withdraw with) by SMS."""
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    reference = secrets.token_hex(5).upper()
    with uow:
        c = _contact(uow, cmd.contact_id)
        if c.verification == CONTACT_VERIFIED:
            raise Conflict(f"emergency contact {c.id} is verified already")
        desk, now = uow.contact_desk, uow.now()
        for old in desk.pending_verifications(c.id):
            desk.save_verification(replace(old, status=SUPERSEDED, closed_at=now))
        v = Verification(id=str(uuid.uuid4()), contact_id=c.id, customer_id=c.customer_id,
                         code_hash=desk.digest(code), reference_hash=desk.digest(reference),
                         sent_at=now, expires_at=now + CODE_TTL)
        desk.add_verification(v)
        _event(uow, c, "code_sent", actor, verification_id=v.id,
               expires_at=v.expires_at.isoformat())
        uow.emit(CONTACT_CODE, {
            "customer_id": c.customer_id, "contact_id": c.id, "contact_name": c.name,
            "code": code, "reference": reference,
            "minutes": int(CODE_TTL.total_seconds() // 60),
            "dedupe_key": f"{CONTACT_CODE}:{v.id}"})
        uow.audit(actor, "contact.code_sent", "emergency_contact", c.id,
                  {"customer_id": c.customer_id, "verification_id": v.id,
                   "expires_at": v.expires_at})
        uow.commit()
    return CodeSent(c.id, v.id, v.expires_at)


@dataclass(frozen=True)
class ConfirmCode:
    """The contact's answer: the reference and the code from the SMS; ``repeat_agreed``:
    they may be approached more than once."""

    reference: str
    code: str
    repeat_agreed: bool = False


@dataclass(frozen=True)
class Confirmed:
    contact_id: str
    verification: str  # the contact's status now: verified


def _by_reference(uow: UnitOfWork, reference: str, *, lock: bool = False) -> Verification:
    v = uow.contact_desk.verification_by_reference(uow.contact_desk.digest(reference),
                                                   lock=lock)
    if v is None:
        raise NotFound("no verification with this reference")
    return v


def confirm_code(cmd: ConfirmCode, uow: UnitOfWork, actor: Principal) -> Confirmed:
    """Check the code: right -- the contact is verified; wrong -- counted (and committed)
    before the 422 that says how many tries are left; the fifth wrong one locks it."""
    reference = check_reference(cmd.reference)
    code = check_code_format(cmd.code)
    with uow:
        v = _by_reference(uow, reference, lock=True)
        c = _contact(uow, v.contact_id)
        desk = uow.contact_desk
        result = attempt(v, desk.digest(code) == v.code_hash, uow.now())
        desk.save_verification(result.verification)
        if result.matched:
            desk.set_verification(c.id, CONTACT_VERIFIED)
            _event(uow, c, "verified", actor, verification_id=v.id)
            if cmd.repeat_agreed:
                _event(uow, c, "repeat_agreed", actor, verification_id=v.id)
            uow.audit(actor, "contact.verified", "emergency_contact", c.id,
                      {"customer_id": c.customer_id, "repeat_agreed": cmd.repeat_agreed})
            uow.commit()
            return Confirmed(c.id, CONTACT_VERIFIED)
        locked = result.verification.status == LOCKED
        if locked:
            desk.set_verification(c.id, CONTACT_FAILED)
        _event(uow, c, "locked" if locked else "code_wrong", actor, verification_id=v.id,
               attempts=result.verification.attempts)
        uow.audit(actor, "contact.code_wrong", "emergency_contact", c.id,
                  {"attempts": result.verification.attempts, "locked": locked})
        uow.commit()
    if locked:
        raise BusinessRuleViolation("too many wrong codes: this code is locked; the customer "
                                    "may ask for a new one", reason="code_locked",
                                    details=[{"loc": ["code"], "msg": "locked"}])
    raise ValidationError("code", f"does not match; {result.left} tries left")


@dataclass(frozen=True)
class Withdraw:
    """The contact withdraws, with the reference from their SMS."""

    reference: str
    reason: str = ""


def withdraw(cmd: Withdraw, uow: UnitOfWork, actor: Principal) -> str:
    """The contact is no longer listed: name and phone erased, the withdrawal kept in the
    contact's events and the audit log, the customer told.  Returns the contact id."""
    reference = check_reference(cmd.reference)
    reason = cs._note(cmd.reason, "reason")
    with uow:
        v = _by_reference(uow, reference)
        c = uow.contact_desk.contact(v.contact_id)
        if c is None:
            raise Conflict("this contact has already withdrawn or been replaced")
        if v.status == PENDING:
            uow.contact_desk.save_verification(replace(v, status=SUPERSEDED,
                                                       closed_at=uow.now()))
        uow.contact_desk.remove_contact(c.id)
        _event(uow, c, "withdrawn", actor, relation=c.relation, position=c.position,
               reason=reason)
        uow.audit(actor, "contact.withdrawn", "emergency_contact", c.id,
                  {"customer_id": c.customer_id, "position": c.position, "reason": reason})
        uow.commit()
    return c.id


@dataclass(frozen=True)
class ReplaceContact:
    """The debtor names someone else in ``contact_id``'s place (same position)."""

    customer_id: str
    contact_id: str
    name: str
    relation: str
    phone: str


def replace_contact(cmd: ReplaceContact, uow: UnitOfWork, actor: Principal
                    ) -> EmergencyContact:
    with uow:
        customer = uow.customers.get(cmd.customer_id, for_update=True)
        if customer is None:
            raise NotFound(f"customer {cmd.customer_id} not found")
        old = _contact(uow, cmd.contact_id, customer.id)
        others = [x for x in uow.customers.contacts(customer.id) if x.id != old.id]
        made = new_contact(contact_id=str(uuid.uuid4()), customer=customer, existing=others,
                           name=cmd.name, relation=cmd.relation, phone=cmd.phone,
                           now=uow.now())
        made = replace(made, position=old.position)
        uow.contact_desk.remove_contact(old.id)
        uow.customers.add_contact(made)
        _event(uow, old, "replaced", actor, by=made.id, position=old.position)
        _event(uow, made, "added", actor, replaces=old.id, relation=made.relation)
        uow.audit(actor, "customer.emergency_contact_replaced", "customer", customer.id,
                  {"old_contact_id": old.id, "contact_id": made.id,
                   "relation": made.relation, "position": made.position})
        uow.commit()
    return made


# ----------------------------------------------------------------------------- approaching
@dataclass(frozen=True)
class Approach:
    case_id: str
    contact_id: str


def standing(uow: UnitOfWork, c: EmergencyContact) -> cg.ContactStanding:
    return cg.ContactStanding(c.id, verified=c.verification == CONTACT_VERIFIED,
                              repeat_agreed=c.id in uow.contact_desk.repeat_agreed(),
                              approaches=uow.contact_desk.approaches(c.id))


def approach(cmd: Approach, uow: UnitOfWork, actor: Principal) -> ContactRecord:
    """Approach a verified emergency contact of an unreachable debtor, to restore contact:
    refused (logged, 422 with the rule) unless the approach rules and then the gate allow
    it; allowed, an SMS goes out through the relay asking the debtor to get in touch."""
    rules = cs._rules()
    with uow:
        case = cs._load(uow, cmd.case_id)
        cs._may_work(actor, case)
        cs._active(case)
        today = current_business_date(uow)
        if case.on_hold(today):
            raise BusinessRuleViolation(
                f"case {case.id} is on {case.hold_kind} until {case.hold_until}: collection "
                "contact waits until then", reason="case_on_hold")
        c = _contact(uow, cmd.contact_id, case.customer_id)
        at = uow.now()
        history = uow.contact_log.history(case.customer_id, at - timedelta(days=HISTORY_DAYS))
        first = cg.approach_verdict(case.profile, rules.emergency, standing(uow, c), history,
                                    at)
        record = cs._gate(uow, case, cg.Channel.SMS, actor,
                          party=cg.Party.EMERGENCY_CONTACT, contact_id=c.id, first=first,
                          note=f"{CONTACT_APPROACH}: asked to have the debtor get in touch")
        _event(uow, c, "approached", actor, case_id=case.id, contact_log_id=record.id)
        uow.emit(CONTACT_APPROACH, {
            "customer_id": case.customer_id, "contact_id": c.id, "contact_name": c.name,
            "dedupe_key": f"{CONTACT_APPROACH}:{record.id}"})
        uow.audit(actor, "collections.contact_approached", "collection_case", case.id,
                  {"contact_id": c.id, "contact_log_id": record.id})
        uow.commit()
    return record


# ----------------------------------------------------------------------------- reading
@dataclass(frozen=True)
class ContactView:
    """An emergency contact as a case's viewer may see it: a collector gets the name and
    relation (to know whom the SMS goes to) and the phone masked -- the relay sends the
    SMS, nobody dials it; ``contacts:read_pii`` sees the phone."""

    id: str
    position: int
    name: str
    relation: str
    phone: str
    verification: str
    approaches: int
    may_approach: cg.Verdict  # what the approach rules answer now (hours are the gate's)


def case_contacts(case_id: str, uow: UnitOfWork, actor: Principal) -> list[ContactView]:
    rules = cs._rules()
    full = actor.can("contacts:read_pii")
    with uow:
        case = cs._load(uow, case_id, lock=False)
        cs._may_work(actor, case)
        at = uow.now()
        history = uow.contact_log.history(case.customer_id, at - timedelta(days=HISTORY_DAYS))
        out = []
        for c in uow.customers.contacts(case.customer_id):
            s = standing(uow, c)
            out.append(ContactView(c.id, c.position, c.name, c.relation,
                                   c.phone if full else mask_phone(c.phone), c.verification,
                                   s.approaches,
                                   cg.approach_verdict(case.profile, rules.emergency, s,
                                                       history, at)))
        return out


def contact_events(customer_id: str, uow: UnitOfWork) -> list[ContactEvent]:
    with uow:
        if not uow.customers.exists(customer_id):
            raise NotFound(f"customer {customer_id} not found")
        return uow.contact_desk.events(customer_id=customer_id)
