"""Reading messages and their delivery status; putting a failed message back in the queue.
(The relay itself is ``notify.relay``; reminders are ``notify.reminders``.)"""

from __future__ import annotations

from dataclasses import dataclass, field

from creditline.auth import Principal
from creditline.errors import BusinessRuleViolation, NotFound
from creditline.notify.messages import (
    FAILED,
    INBOX,
    SENT,
    Message,
    check_channel,
    check_status,
)
from creditline.notify.ports import Counts, MessageQuery
from creditline.paging import Page, PageRequest, check_filters
from creditline.uow import UnitOfWork


@dataclass(frozen=True)
class ListMessages:
    customer_id: str | None = None
    channel: str | None = None
    status: str | None = None
    topic: str | None = None
    page: PageRequest = field(default_factory=PageRequest)


@dataclass(frozen=True)
class ReadInbox:
    customer_id: str
    page: PageRequest = field(default_factory=PageRequest)


@dataclass(frozen=True)
class RetryMessage:
    message_id: str


def list_messages(cmd: ListMessages, uow: UnitOfWork, actor: Principal) -> Page[Message]:
    """Messages with their delivery status, oldest first; 422 names a bad filter."""
    actor.require("notifications:read")
    check_filters(customer_id=cmd.customer_id, topic=cmd.topic)
    query = MessageQuery(customer_id=cmd.customer_id, channel=check_channel(cmd.channel),
                         status=check_status(cmd.status), topic=cmd.topic)
    with uow:
        return uow.notifications.page(query, cmd.page)


def get_message(message_id: str, uow: UnitOfWork, actor: Principal) -> Message:
    actor.require("notifications:read")
    with uow:
        m = uow.notifications.get(message_id)
    if m is None:
        raise NotFound(f"message {message_id!r} not found")
    return m


def inbox(cmd: ReadInbox, uow: UnitOfWork, actor: Principal) -> Page[Message]:
    """The customer's in-app inbox: inbox messages delivered so far (one that waits for its
    ``deliver_after`` is not there yet); 404 for an unknown customer."""
    actor.require("inbox:read")
    with uow:
        if not uow.customers.exists(cmd.customer_id):
            raise NotFound(f"customer {cmd.customer_id!r} not found")
        return uow.notifications.page(
            MessageQuery(customer_id=cmd.customer_id, channel=INBOX, status=SENT), cmd.page)


def message_counts(uow: UnitOfWork, actor: Principal) -> Counts:
    actor.require("notifications:read")
    with uow:
        return uow.notifications.counts()


def retry_message(cmd: RetryMessage, uow: UnitOfWork, actor: Principal) -> Message:
    """Put a ``failed`` message back in the queue, due now, its attempts counted afresh
    (after the channel is fixed).  Audited.  A message that is not ``failed``, or that
    never had a text (no template, no customer), is refused with the rule."""
    actor.require("notifications:retry")
    with uow:
        repo = uow.notifications
        m = repo.get(cmd.message_id)
        if m is None:
            raise NotFound(f"message {cmd.message_id!r} not found")
        if m.status != FAILED:
            raise BusinessRuleViolation(f"message {m.id} is {m.status}: only a failed message "
                                        "can be retried", reason="not_failed")
        if not repo.requeue(m.id, uow.now()):
            raise BusinessRuleViolation(f"message {m.id} has no text to send ({m.last_error})",
                                        reason="no_text")
        uow.audit(actor, "notify.message_requeued", "notify_message", m.id,
                  {"channel": m.channel, "topic": m.topic, "last_error": m.last_error})
        uow.commit()
    return get_message(cmd.message_id, uow, actor)
