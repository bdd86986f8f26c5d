"""The outbox relay: events in, messages out, each exactly once through this relay.

Two steps, each in its own short transactions so that no lock is held while a channel is
slow or down:

1. **Fan out.**  Outbox events not yet relayed (oldest first; locked, and on PostgreSQL
   skipped by a second relay) become one message per channel the customer can be reached
   on (the inbox always; e-mail and SMS where the customer has an address and the relay
   has that channel), written in the customer's language from the topic's templates, and
   the events are marked relayed in the same transaction.  Internal topics
   (``notify.topics.INTERNAL_TOPICS``) make no message.  A message's id is derived from the
   event and the channel (``messages.message_id``), so the same event fanned out twice makes
   nothing new.
2. **Dispatch.**  Messages due (``due_at`` reached, which is never before the event's
   ``deliver_after``) are claimed with a compare-and-set and a lease, handed to their
   channel outside any transaction, and marked ``sent``; a failure waits by the back-off
   and is tried again, and after the last attempt is ``failed``.  A relay that dies between
   handing a message over and recording it leaves the claim to lapse: the message goes out
   again with the same id, which the receiver can dedupe on (at least once).

A channel being down never loses a message nor blocks the others: its messages stay
``pending`` with their next attempt in the future.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from creditline.auth import SYSTEM
from creditline.collections.ports import ContactRecord
from creditline.collections.rules import default_rules
from creditline.notify.gate import APPROACH, gated, judge
from creditline.notify.messages import (
    EMAIL,
    FAILED,
    INBOX,
    PENDING,
    SENT,
    SMS,
    Backoff,
    Message,
    message_id,
    parse_instant,
)
from creditline.notify.ports import Channel, DeliveryError, Outgoing, Recipient
from creditline.notify.templates import MissingTemplate, Rendered, render
from creditline.notify.topics import is_internal, template_name
from creditline.ports import OutboxEvent
from creditline.products.catalog import default_catalog
from creditline.uow import UnitOfWork

# Topics written to a customer's emergency contact (payload ``contact_id``), by SMS only.
CONTACT_TOPICS = ("contact.",)

# The product as the customer knows it, by product kind (products name themselves in
# English for staff only).
PRODUCT_NAMES: dict[str, dict[str, str]] = {
    "bnpl": {"en": "buy-now-pay-later credit line", "zh": "先享后付额度"},
    "sme": {"en": "business credit line", "zh": "企业经营额度"},
}


class Inbox:
    """The in-app inbox: the stored message is the delivery (read through
    ``GET /v1/customers/{id}/inbox``), so sending only has to mark it sent."""

    name = INBOX

    def send(self, out: Outgoing) -> None:
        return None


@dataclass(frozen=True)
class RelayConfig:
    backoff: Backoff = field(default_factory=Backoff)
    batch: int = 500  # events per fan-out transaction, messages per claim
    lease_seconds: float = 300.0  # how long a claim keeps other relays off a message


@dataclass
class RelayReport:
    events: int = 0
    internal: int = 0
    messages: int = 0  # new messages written
    undeliverable: int = 0  # events with no template or no customer: a failed message each
    sent: int = 0
    retried: int = 0  # failed attempts that will be tried again
    failed: int = 0  # gave up after the last attempt
    held: int = 0  # collection contacts the compliance gate made wait (not attempts)
    by_channel: dict[str, int] = field(default_factory=dict)  # sent, per channel

    @property
    def changed(self) -> bool:
        return bool(self.events or self.sent or self.retried or self.failed or self.held)

    def as_dict(self) -> dict[str, Any]:
        return {"events": self.events, "internal": self.internal, "messages": self.messages,
                "undeliverable": self.undeliverable, "sent": self.sent,
                "retried": self.retried, "failed": self.failed, "held": self.held,
                "sent_by_channel": dict(sorted(self.by_channel.items()))}


def mask_line(line_id: str | None) -> str:
    """How a message names a line: its last four characters, e.g. ``****3F2A``."""
    return "" if not line_id else "****" + line_id.replace("-", "")[-4:].upper()


def context_for(payload: Mapping[str, Any], rec: Recipient) -> dict[str, Any]:
    """The template context: the payload's fields, the payload itself as ``event`` (for
    keys that are not names, such as ``from``), and what the relay knows of the customer."""
    kind = rec.line_kind
    product = payload.get("product")
    if kind is None and isinstance(product, str):
        p = default_catalog().find(product)
        kind = p.kind if p is not None else None
    ctx: dict[str, Any] = {k: v for k, v in payload.items() if k.isidentifier()}
    ctx.update(event=payload, customer_name=rec.name, line_mask=mask_line(
        payload.get("line_id") if isinstance(payload.get("line_id"), str) else rec.line_id))
    if kind in PRODUCT_NAMES:
        ctx["product_name"] = PRODUCT_NAMES[kind][rec.language]
    return ctx


def reaches(rec: Recipient, channel: str) -> bool:
    """Whether the customer can be reached on ``channel`` (an address on file)."""
    return channel == INBOX or (channel == EMAIL and rec.has_email) or (
        channel == SMS and rec.has_phone)


def messages_for(event: OutboxEvent, rec: Recipient | None, channels: Iterable[str],
                 now: datetime) -> list[Message]:
    """The messages one customer-facing event makes: one per channel the customer can be
    reached on; or, when it cannot be written (no customer, no template, a template that
    needs a field the event lacks), one ``failed`` inbox message that says why, so the
    event is accounted for and visible in the message list."""
    payload = event.payload
    name = template_name(event.topic, payload)
    key = str(payload.get("dedupe_key") or f"outbox:{event.id}")
    after = parse_instant(payload.get("deliver_after"))
    due = max(now, after) if after is not None else now
    customer = payload.get("customer_id")

    def build(channel: str, lang: str, text: Rendered, status: str, error: str | None,
              ) -> Message:
        return Message(id=message_id(key, channel), event_key=key, outbox_id=event.id,
                       topic=event.topic, template=name,
                       customer_id=rec.customer_id if rec else (
                           customer if isinstance(customer, str) else None),
                       channel=channel, language=lang, subject=text.subject, body=text.body,
                       status=status, attempts=0, due_at=due, created_at=now,
                       deliver_after=after, last_error=error)

    if rec is None:
        return [build(INBOX, "zh", Rendered("", ""), FAILED, "no customer for this event")]
    try:
        text = render(name, rec.language, context_for(payload, rec))
    except MissingTemplate as exc:
        return [build(INBOX, rec.language, Rendered("", ""), FAILED, str(exc))]
    except Exception as exc:  # a template needing a field this event lacks (StrictUndefined)
        return [build(INBOX, rec.language, Rendered("", ""), FAILED,
                      f"template {rec.language}/{name}: {type(exc).__name__}: {exc}")]
    contact = payload.get("contact_id")
    if isinstance(contact, str) and event.topic.startswith(CONTACT_TOPICS):
        # to the customer's emergency contact, by SMS only: never the customer's own channels
        if SMS not in channels:
            return [build(INBOX, rec.language, Rendered("", ""), FAILED,
                          "no SMS channel to reach an emergency contact")]
        return [replace(build(SMS, rec.language, text, PENDING, None), contact_id=contact)]
    only = payload.get("channels")  # ccard: an event meant for some channels only
    out = [build(ch, rec.language, text, PENDING, None) for ch in channels if reaches(rec, ch)
           and (not isinstance(only, list) or ch in only)]
    # the inbox's delivery is the stored message: one due now is delivered as it is written,
    # unless it is a collection contact the gate must judge first (dispatch does that)
    return [replace(m, status=SENT, attempts=1, sent_at=now)
            if m.channel == INBOX and m.due_at <= now and not gated(m) else m for m in out]


def fan_out(uow: UnitOfWork, channels: Iterable[str], config: RelayConfig,
            report: RelayReport) -> int:
    """One transaction: up to ``config.batch`` outbox events become messages.  Returns how
    many events it took (0: the outbox is relayed)."""
    chans = list(channels)
    with uow:
        repo = uow.notifications
        now = uow.now()
        events = repo.pending_events(config.batch)
        wanted = [ev for ev in events if not is_internal(ev.topic)]
        report.internal += len(events) - len(wanted)
        by_customer, by_line = repo.recipients(
            sorted({c for ev in wanted if isinstance(c := ev.payload.get("customer_id"), str)}),
            sorted({x for ev in wanted if isinstance(x := ev.payload.get("line_id"), str)}))
        out: list[Message] = []
        for ev in wanted:
            line, customer = ev.payload.get("line_id"), ev.payload.get("customer_id")
            rec = (by_line.get(line) if isinstance(line, str) else None) or (
                by_customer.get(customer) if isinstance(customer, str) else None)
            made = messages_for(ev, rec, chans, now)
            out.extend(made)
        if events:  # nothing to write on a quiet pass: no commit
            new = repo.add(out)
            repo.mark_relayed([ev.id for ev in events], now)
            inbox = sum(1 for m in new if m.status == SENT)
            uow.audit(SYSTEM, "notify.fanned_out", "notify", "relay", {
                "events": len(events), "internal": len(events) - len(wanted),
                "messages": len(new), "inbox_delivered": inbox})
            uow.commit()
            report.messages += len(new)
            report.events += len(events)
            report.sent += inbox
            report.undeliverable += sum(1 for m in new if m.status == FAILED)
            if inbox:
                report.by_channel[INBOX] = report.by_channel.get(INBOX, 0) + inbox
    return len(events)


def _gate(uow: UnitOfWork, claimed: list[Message], now: datetime, report: RelayReport,
          ) -> tuple[list[Message], dict[str, ContactRecord]]:
    """Ask the compliance gate about the claimed collection contacts: the refused wait
    (back to pending until the gate allows them again) and their refusals are logged; the
    rest go on, with the record to log once each is sent."""
    judged = [m for m in claimed if gated(m)]
    if not judged:
        return claimed, {}
    desk = uow.contact_desk
    verdicts = judge(judged, desk.subjects(sorted({m.customer_id for m in judged
                                                    if m.customer_id})),
                     default_rules(), uow.reliefs.all(), now, SYSTEM.name)
    refused = [j for j in verdicts if not j.verdict.allowed]
    if refused:
        uow.notifications.hold([(j.message.id, j.retry_at, f"held by {j.verdict.rule}: "
                                 f"{j.verdict.reason}") for j in refused])
        uow.contact_log.add_many([j.record for j in refused])
        report.held += len(refused)
    out = {j.message.id for j in refused}
    # an approach was logged when it was decided (collections.contact_services): not twice.
    # Every other allowed contact -- the collection strategy's messages included (end of
    # day only queued them) -- is logged once it is sent, not before
    allowed = {j.message.id: j.record for j in verdicts
               if j.verdict.allowed and j.message.topic != APPROACH}
    return [m for m in claimed if m.id not in out], allowed


def dispatch(new_uow: Callable[[], UnitOfWork], channels: Mapping[str, Channel],
             config: RelayConfig, report: RelayReport) -> int:
    """Claim one batch of due messages, let the compliance gate hold the collection
    contacts it refuses now, hand the rest to their channels, record the outcomes.
    Returns how many it claimed (0: nothing is due)."""
    uow = new_uow()
    with uow:
        now = uow.now()
        claimed = uow.notifications.claim_due(
            now, now + timedelta(seconds=config.lease_seconds), config.batch, list(channels))
        if not claimed:
            return 0
        n_claimed = len(claimed)
        claimed, to_log = _gate(uow, claimed, now, report)
        addresses = uow.notifications.addresses(sorted(
            {m.customer_id for m in claimed if m.channel != INBOX and m.customer_id}))
        phones = uow.contact_desk.phones(sorted({m.contact_id for m in claimed
                                                 if m.contact_id}))
        uow.commit()
    outcomes: list[tuple[Message, str | None]] = []
    for m in claimed:
        email, phone = addresses.get(m.customer_id or "", (None, None))
        if m.contact_id is not None:  # to an emergency contact: their phone, never the debtor's
            email, phone = None, phones.get(m.contact_id)
            if phone is None:
                outcomes.append((m, "the emergency contact is no longer listed (withdrawn "
                                    "or replaced)"))
                continue
        try:
            channels[m.channel].send(Outgoing(m, {EMAIL: email, SMS: phone}.get(m.channel)))
        except DeliveryError as exc:
            outcomes.append((m, str(exc) or type(exc).__name__))
        except Exception as exc:  # an adapter's bug must not stop the relay
            outcomes.append((m, f"{type(exc).__name__}: {exc}"))
        else:
            outcomes.append((m, None))
    uow = new_uow()
    with uow:
        repo, now = uow.notifications, uow.now()
        sent = [m for m, error in outcomes if error is None]
        failed = 0
        repo.mark_sent([m.id for m in sent], now)
        uow.contact_log.add_many([to_log[m.id] for m in sent if m.id in to_log])
        report.sent += len(sent)
        for m in sent:
            report.by_channel[m.channel] = report.by_channel.get(m.channel, 0) + 1
        for m, error in outcomes:
            if error is None:
                continue
            attempts = m.attempts + 1
            status, due = config.backoff.after_failure(attempts, now)
            repo.mark_failed_attempt(m.id, status, attempts, due, error[:500])
            failed += status == FAILED
        uow.audit(SYSTEM, "notify.dispatched", "notify", "relay", {
            "sent": len(sent), "retry_later": len(outcomes) - len(sent) - failed,
            "failed": failed, "sent_by_channel": dict(Counter(m.channel for m in sent))})
        uow.commit()
    report.failed += failed
    report.retried += len(outcomes) - len(sent) - failed
    return n_claimed


def relay_once(new_uow: Callable[[], UnitOfWork], channels: Mapping[str, Channel],
               config: RelayConfig | None = None) -> RelayReport:
    """Relay everything in the outbox and send everything due, then return.  Each
    transaction that changes anything is audited with its counts (``notify.fanned_out``,
    ``notify.dispatched``)."""
    config = config or RelayConfig()
    chans: dict[str, Channel] = {INBOX: Inbox(), **channels}
    report = RelayReport()
    while fan_out(new_uow(), chans, config, report) == config.batch:
        pass
    while dispatch(new_uow, chans, config, report) == config.batch:
        pass
    return report




log = logging.getLogger("creditline.notify")


class RelayWorker:
    """The relay as a background thread (inside ``creditline serve``) or a foreground loop
    (``creditline notify run``): ``relay_once`` every ``poll_seconds`` until stopped.  A
    failing pass (the database away for a moment) is logged and the next pass tries again;
    messages wait in the store meanwhile."""

    def __init__(self, new_uow: Callable[[], UnitOfWork], channels: Mapping[str, Channel],
                 config: RelayConfig | None = None, poll_seconds: float = 5.0) -> None:
        self.new_uow, self.channels = new_uow, channels
        self.config = config or RelayConfig()
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.passes = 0
        self.errors = 0

    def run_pass(self) -> RelayReport | None:
        try:
            report = relay_once(self.new_uow, self.channels, self.config)
        except Exception:
            self.errors += 1
            log.exception("notify relay pass failed; the next pass tries again")
            return None
        self.passes += 1
        return report

    def run(self, on_pass: Callable[[RelayReport], None] | None = None) -> None:
        while not self.stopping.is_set():
            report = self.run_pass()
            if report is not None and on_pass is not None:
                on_pass(report)
            self.stopping.wait(self.poll_seconds)

    def start(self) -> RelayWorker:
        self._thread = threading.Thread(target=self.run, name="notify-relay", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self.stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
