"""The relay asks the compliance gate before it delivers a collection contact.

Which messages are collection contacts: due-date reminders, every ``collections.*`` notice,
and an approach to an emergency contact -- by SMS or e-mail (the in-app inbox reaches
nobody: the customer reads it when they open the app) -- and the collection strategy's
message on any channel, the inbox included (the strategy counts it as a contact).  Each is judged at the instant the
relay would send it, in the debtor's local time (the active case's zone and profile, else
the customer's own zone under the default profile), against the hours and any regional
relief covering the customer (``collections.compliance.verdict``; message channels have no
frequency limits).  A refused message is not dropped and not sent early: it waits until
the gate's ``allowed_again_at`` and is judged again then.  Every verdict is written to the
contact log, allowed or refused with its rule: a refusal when it is judged, an allowed
message once it is actually sent (the relay), so the log never records a contact that was
planned but held.  No I/O here."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from creditline.collections import compliance as cg
from creditline.collections.ports import ContactRecord, GateSubject
from creditline.collections.relief import Relief, covering
from creditline.collections.rules import CollectionsRules
from creditline.notify.messages import EMAIL, SMS, Message
from creditline.notify.topics import REMINDER

APPROACH = "contact.approach"  # the topic of a message to an emergency contact, approached
# the collection strategy's message (collections.actions.COLLECTION_REMINDER): end of day only
# queues it (asking the gate, logging nothing); the relay judges it and logs it when it sends it
STRATEGY_MESSAGE = "collections.reminder"
_NS = uuid.UUID("0c6f9b7e-2d7a-4a8e-9f00-5b1c0ad0c0de")
RETRY_WITHOUT_TIME = timedelta(hours=1)  # a refusal that names no time (never, today)


def gated(m: Message) -> bool:
    """Whether ``m`` is a collection contact the gate must allow first."""
    if m.topic == STRATEGY_MESSAGE:
        return True
    return m.channel in (SMS, EMAIL) and (
        m.topic == REMINDER or m.topic.startswith("collections.") or m.topic == APPROACH)


@dataclass(frozen=True)
class Judged:
    message: Message
    verdict: cg.Verdict
    record: ContactRecord  # what the contact log keeps of the verdict

    @property
    def retry_at(self) -> datetime:
        return self.verdict.allowed_again_at or self.record.at + RETRY_WITHOUT_TIME


def judge(messages: Sequence[Message], subjects: dict[str, GateSubject],
          rules: CollectionsRules, reliefs: Sequence[Relief], now: datetime,
          actor: str) -> list[Judged]:
    """The gate's verdict on each message at ``now`` and the contact-log record of it."""
    out = []
    for m in messages:
        subject = subjects.get(m.customer_id or "")
        base = rules.profile(subject.profile if subject and subject.profile
                             else rules.default_profile)
        zone = subject.zone if subject else base.zone
        profile = replace(base, zone=zone) if zone != base.zone else base
        local = now.astimezone(profile.tz)
        region = subject.region if subject else None
        relief = covering(reliefs, region, local.date())
        party = cg.Party.EMERGENCY_CONTACT if m.contact_id else cg.Party.DEBTOR
        case_id = subject.case_id if subject and subject.case_id else ""
        agreed = subject.hours_agreed if subject else False
        v = cg.verdict(profile, cg.Attempt(
            case_id, m.customer_id or "", cg.Channel(m.channel), now, party, agreed,
            relief.reason if relief else None, relief.last_day if relief else None),
            (), local)
        record = ContactRecord(
            id=str(uuid.uuid5(_NS, f"{m.id}|{now.isoformat()}")), at=now, case_id=case_id,
            line_id=(subject.line_id or "") if subject else "", customer_id=m.customer_id or "",
            channel=cg.Channel(m.channel), party=party, actor=actor, allowed=v.allowed,
            profile=profile.id, rules_version=rules.label, local_time=local.isoformat(),
            zone=profile.zone, hours_agreed=agreed, rule=v.rule,
            allowed_again_at=v.allowed_again_at, note=f"{m.topic} message {m.id}",
            contact_id=m.contact_id)
        out.append(Judged(m, v, record))
    return out
