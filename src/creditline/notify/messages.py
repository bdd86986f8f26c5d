"""A message: one customer-facing event rendered for one channel, and its delivery state.

State machine (as data): ``pending`` (waiting for ``due_at``) -> ``sending`` (leased by one
relay while it talks to the channel) -> ``sent``; a failed attempt goes back to ``pending``
with ``due_at`` pushed out by the back-off, and after the last attempt to ``failed``.  A
``sending`` message whose lease ran out (the relay died mid-send) is due again: delivery is
at least once, and the message id is the dedupe key a receiver can use (``Message-ID`` in
e-mail, ``Idempotency-Key`` at the SMS gateway).  No I/O here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from creditline.errors import ValidationError

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
STATUSES = (PENDING, SENDING, SENT, FAILED)
TRANSITIONS: dict[str, frozenset[str]] = {
    PENDING: frozenset({SENDING}),
    SENDING: frozenset({SENT, PENDING, FAILED, SENDING}),  # SENDING again: lease expired
    SENT: frozenset(),
    FAILED: frozenset({PENDING}),  # an operator re-queues it (notify retry)
}

INBOX, EMAIL, SMS = "inbox", "email", "sms"
CHANNELS = (INBOX, EMAIL, SMS)
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

_NAMESPACE = uuid.UUID("5b0f4d2e-7c1a-4f51-9a55-6c0a9f1e2d10")


def message_id(event_key: str, channel: str) -> str:
    """The message's id and dedupe key: the same event on the same channel always gets the
    same id, so an event fanned out twice (a relay that died before marking it, an
    end-of-day stage run again) makes no second message."""
    return str(uuid.uuid5(_NAMESPACE, f"{event_key}|{channel}"))


@dataclass(frozen=True)
class Message:
    id: str
    event_key: str
    outbox_id: int | None
    topic: str
    template: str
    customer_id: str | None
    channel: str
    language: str
    subject: str
    body: str
    status: str
    attempts: int
    due_at: datetime
    created_at: datetime
    deliver_after: datetime | None = None
    last_error: str | None = None
    sent_at: datetime | None = None
    contact_id: str | None = None  # to the customer's emergency contact, not the customer


@dataclass(frozen=True)
class Backoff:
    """Retry timing: attempt n (1-based) that fails waits ``base * factor**(n-1)``, at most
    ``cap``; after ``max_attempts`` failures the message is ``failed``.  Defaults: 30 s, 1 min,
    2 min, ... up to an hour, eight attempts (about four hours in all)."""

    base_seconds: float = 30.0
    factor: float = 2.0
    cap_seconds: float = 3600.0
    max_attempts: int = 8

    def __post_init__(self) -> None:
        if self.base_seconds <= 0 or self.factor < 1 or self.cap_seconds < self.base_seconds:
            raise ValidationError("backoff", "needs base > 0, factor >= 1 and cap >= base")
        if self.max_attempts < 1:
            raise ValidationError("max_attempts", "must be 1 or more")

    def delay(self, attempts: int) -> timedelta:
        """How long to wait after the ``attempts``-th failed attempt."""
        seconds = self.base_seconds * self.factor ** max(0, attempts - 1)
        return timedelta(seconds=min(seconds, self.cap_seconds))

    def after_failure(self, attempts: int, now: datetime) -> tuple[str, datetime]:
        """The status and next due time after the ``attempts``-th attempt failed."""
        if attempts >= self.max_attempts:
            return FAILED, now
        return PENDING, now + self.delay(attempts)


def parse_instant(value: object, field: str = "deliver_after") -> datetime | None:
    """An instant from an event payload (ISO 8601; one without an offset is UTC)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        ts = value
    elif isinstance(value, str):
        try:
            ts = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(field, "must be an ISO 8601 instant") from None
    else:
        raise ValidationError(field, "must be an ISO 8601 instant")
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def check_status(value: str | None, field: str = "status") -> str | None:
    if value is not None and value not in STATUSES:
        raise ValidationError(field, f"must be one of: {', '.join(STATUSES)}")
    return value


def check_channel(value: str | None, field: str = "channel") -> str | None:
    if value is not None and value not in CHANNELS:
        raise ValidationError(field, f"must be one of: {', '.join(CHANNELS)}")
    return value


def check_language(value: object, field: str = "language") -> str:
    if value not in LANGUAGES:
        raise ValidationError(field, f"must be one of: {', '.join(LANGUAGES)}")
    assert isinstance(value, str)
    return value
