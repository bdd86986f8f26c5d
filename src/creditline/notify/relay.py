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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from creditline.auth import SYSTEM
from creditline.notify.messages import (
    EMAIL,
    FAILED,
    INBOX,
    PENDING,
    SMS,
    Backoff,
    Message,
    message_id,
    parse_instant,
)
from creditline.notify.ports import Channel, DeliveryError, OutboxEvent, Outgoing, Recipient
from creditline.notify.templates import MissingTemplate, Rendered, render, render_html
from creditline.notify.topics import is_internal, template_name
from creditline.products.catalog import default_catalog
from creditline.uow import UnitOfWork

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
    by_channel: dict[str, int] = field(default_factory=dict)  # sent, per channel

    @property
    def changed(self) -> bool:
        return bool(self.events or self.sent or self.retried or self.failed)

    def as_dict(self) -> dict[str, Any]:
        return {"events": self.events, "internal": self.internal, "messages": self.messages,
                "undeliverable": self.undeliverable, "sent": self.sent,
                "retried": self.retried, "failed": self.failed,
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


def _addresses(rec: Recipient) -> dict[str, str | None]:
    return {INBOX: None, EMAIL: rec.email, SMS: rec.phone}


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
              address: str | None) -> Message:
        return Message(id=message_id(key, channel), event_key=key, outbox_id=event.id,
                       topic=event.topic, template=name,
                       customer_id=rec.customer_id if rec else (
                           customer if isinstance(customer, str) else None),
                       channel=channel, language=lang, subject=text.subject, body=text.body,
                       status=status, attempts=0, due_at=due, created_at=now,
                       deliver_after=after, last_error=error, address=address)

    if rec is None:
        return [build(INBOX, "zh", Rendered("", ""), FAILED, "no customer for this event", None)]
    try:
        text = render(name, rec.language, context_for(payload, rec))
    except MissingTemplate as exc:
        return [build(INBOX, rec.language, Rendered("", ""), FAILED, str(exc), None)]
    except Exception as exc:  # a template needing a field this event lacks (StrictUndefined)
        return [build(INBOX, rec.language, Rendered("", ""), FAILED,
                      f"template {rec.language}/{name}: {type(exc).__name__}: {exc}", None)]
    addresses = _addresses(rec)
    return [build(ch, rec.language, text, PENDING, None, addresses.get(ch))
            for ch in channels if ch == INBOX or addresses.get(ch)]


def fan_out(uow: UnitOfWork, channels: Iterable[str], config: RelayConfig,
            report: RelayReport) -> int:
    """One transaction: up to ``config.batch`` outbox events become messages.  Returns how
    many events it took (0: the outbox is relayed)."""
    chans = list(channels)
    with uow:
        repo = uow.notifications
        now = uow.now()
        events = repo.pending_events(config.batch)
        out: list[Message] = []
        for ev in events:
            if is_internal(ev.topic):
                report.internal += 1
                continue
            line = ev.payload.get("line_id")
            customer = ev.payload.get("customer_id")
            rec = repo.recipient(customer if isinstance(customer, str) else None,
                                 line if isinstance(line, str) else None)
            made = messages_for(ev, rec, chans, now)
            report.undeliverable += sum(1 for m in made if m.status == FAILED)
            out.extend(made)
        report.messages += repo.add(out)
        repo.mark_relayed([ev.id for ev in events], now)
        report.events += len(events)
        uow.commit()
    return len(events)


def dispatch(new_uow: Callable[[], UnitOfWork], channels: Mapping[str, Channel],
             config: RelayConfig, report: RelayReport) -> int:
    """Claim one batch of due messages, hand each to its channel, record the outcomes.
    Returns how many it claimed (0: nothing is due)."""
    uow = new_uow()
    with uow:
        now = uow.now()
        claimed = uow.notifications.claim_due(
            now, now + timedelta(seconds=config.lease_seconds), config.batch, list(channels))
        uow.commit()
    if not claimed:
        return 0
    outcomes: list[tuple[Message, str | None]] = []
    for m in claimed:
        try:
            html = render_html(Rendered(m.subject, m.body), m.language) if m.channel == EMAIL \
                else None
            channels[m.channel].send(Outgoing(m, m.address, html))
        except DeliveryError as exc:
            outcomes.append((m, str(exc) or type(exc).__name__))
        except Exception as exc:  # an adapter's bug must not stop the relay
            outcomes.append((m, f"{type(exc).__name__}: {exc}"))
        else:
            outcomes.append((m, None))
    uow = new_uow()
    with uow:
        repo, now = uow.notifications, uow.now()
        for m, error in outcomes:
            if error is None:
                repo.mark_sent(m.id, now)
                report.sent += 1
                report.by_channel[m.channel] = report.by_channel.get(m.channel, 0) + 1
                continue
            attempts = m.attempts + 1
            status, due = config.backoff.after_failure(attempts, now)
            repo.mark_failed_attempt(m.id, status, attempts, due, error[:500])
            if status == FAILED:
                report.failed += 1
            else:
                report.retried += 1
        uow.commit()
    return len(claimed)


def relay_once(new_uow: Callable[[], UnitOfWork], channels: Mapping[str, Channel],
               config: RelayConfig | None = None) -> RelayReport:
    """Relay everything in the outbox and send everything due, then return.  The run is
    audited (``notify.relayed``, with its counts) when it changed anything."""
    config = config or RelayConfig()
    chans: dict[str, Channel] = {INBOX: Inbox(), **channels}
    report = RelayReport()
    while fan_out(new_uow(), chans, config, report) == config.batch:
        pass
    while dispatch(new_uow, chans, config, report) == config.batch:
        pass
    if report.changed:
        uow = new_uow()
        with uow:
            uow.audit(SYSTEM, "notify.relayed", "notify", "relay", report.as_dict())
            uow.commit()
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
