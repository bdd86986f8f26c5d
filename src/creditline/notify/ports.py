"""What the relay needs from the outside, as Protocols: the store's outbox and messages
(``creditline.store.notify``, reached as ``uow.notifications``) and the channels that carry a
message out (``creditline.channels``: SMTP, an SMS gateway over HTTP, a file sink)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from creditline.notify.messages import Message
from creditline.paging import Page, PageRequest
from creditline.ports import OutboxEvent  # the outbox's rows, shared with the console's reader


@dataclass(frozen=True)
class Recipient:
    """Who a message goes to, as fan-out needs them: which channels reach them, and nothing
    in clear (the addresses are decrypted only when a message is sent, ``addresses``)."""

    customer_id: str
    name: str
    language: str
    time_zone: str
    has_email: bool = False
    has_phone: bool = False
    line_id: str | None = None
    line_kind: str | None = None  # the line's product kind (bnpl | sme), when there is a line


@dataclass(frozen=True)
class Outgoing:
    """What a channel adapter gets: the message and the address for its channel."""

    message: Message
    address: str | None  # e-mail address, mobile number; None for the inbox


class DeliveryError(Exception):
    """A channel could not take the message now (server down, refused, timed out); the relay
    retries it with back-off.  The message says what happened, without personal data."""


class Channel(Protocol):
    """A way out for messages.  ``send`` returns once the receiver has accepted the message,
    or raises ``DeliveryError``.  It must pass ``message.id`` on as the receiver's dedupe key."""

    name: str

    def send(self, out: Outgoing) -> None: ...


@dataclass(frozen=True)
class MessageQuery:
    customer_id: str | None = None
    channel: str | None = None
    status: str | None = None
    topic: str | None = None


@dataclass
class Counts:
    """Messages by (topic, channel, status)."""

    rows: dict[tuple[str, str, str], int] = field(default_factory=dict)


class MessageRepository(Protocol):
    def pending_events(self, limit: int) -> list[OutboxEvent]:
        """Outbox events not relayed yet, oldest first, locked for this transaction
        (PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so two relays share the work)."""

    def mark_relayed(self, event_ids: Sequence[int], at: datetime) -> None:
        """The events have their messages: the outbox's ``delivered_at``."""

    def recipients(self, customer_ids: Sequence[str], line_ids: Sequence[str]
                   ) -> tuple[dict[str, Recipient], dict[str, Recipient]]:
        """The customers events are about, by customer id and by line id (an event that
        names a line is about the line's customer), in one read each."""

    def addresses(self, customer_ids: Sequence[str]) -> dict[str, tuple[str | None, str | None]]:
        """Per customer: (e-mail, mobile), decrypted, for the messages being sent now."""

    def add(self, messages: Sequence[Message]) -> list[Message]:
        """Insert; a message whose id exists already is left alone (the dedupe key).
        Returns the new ones."""

    def claim_due(self, now: datetime, lease_until: datetime, limit: int,
                  channels: Sequence[str]) -> list[Message]:
        """Messages on these channels due by ``now`` (``pending``, or ``sending`` with a
        lapsed lease), each claimed with a compare-and-set to ``sending`` until
        ``lease_until``; what another relay claimed first is left out."""

    def mark_sent(self, message_ids: Sequence[str], at: datetime) -> None:
        """The channels took these messages (only those still ``sending``)."""

    def mark_failed_attempt(self, message_id: str, status: str, attempts: int,
                            due_at: datetime, error: str) -> None:
        """After a failed attempt: back to ``pending`` at ``due_at``, or ``failed``."""

    def hold(self, held: Sequence[tuple[str, datetime, str]]) -> None:
        """Claimed messages the compliance gate refused now: back to ``pending``, due when
        the gate allows them again (message id, due at, the rule that refused); their
        attempts are not counted."""

    def requeue(self, message_id: str, due_at: datetime) -> bool:
        """A ``failed`` message back to ``pending`` with its attempts reset."""

    def get(self, message_id: str) -> Message | None: ...

    def page(self, query: MessageQuery, req: PageRequest) -> Page[Message]:
        """In ``(created_at, id)`` order, filtered in SQL, with the total."""

    def counts(self) -> Counts: ...

    def reminder_recipients(self, line_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Per line: (customer id, customer's time zone), in one read (end of day)."""

    def sent_early(self) -> int:
        """Messages sent before their ``deliver_after`` (the relay's promise: none)."""

    def next_due(self, channels: Sequence[str]) -> datetime | None:
        """When the earliest pending message on these channels falls due (None: none)."""


