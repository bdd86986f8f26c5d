"""Notifications: a customer's in-app inbox, and the messages the relay made with their
delivery status (per channel: pending, sending, sent, failed), for staff who answer "did the
customer get told?".  A failed message can be put back in the queue once its channel works.
Addresses are never shown: a message row keeps them encrypted for the relay only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.pagination import ListPage, PageParams, list_page
from creditline.api.schemas_common import iso_utc
from creditline.auth import Principal
from creditline.notify import services
from creditline.notify.messages import Message

router = APIRouter(prefix="/v1", tags=["notifications"])


class MessagePublic(BaseModel):
    id: str = Field(description="the message id, also the receiver's dedupe key")
    topic: str
    template: str
    customer_id: str | None
    channel: str = Field(description="inbox, email or sms")
    language: str = Field(description="zh or en")
    subject: str
    body: str
    status: str = Field(description="pending, sending, sent or failed")
    attempts: int
    due_at: str = Field(description="not tried before this instant")
    deliver_after: str | None = Field(description="never sent before this instant")
    last_error: str | None
    created_at: str
    sent_at: str | None

    @classmethod
    def of(cls, m: Message) -> MessagePublic:
        return cls(id=m.id, topic=m.topic, template=m.template, customer_id=m.customer_id,
                   channel=m.channel, language=m.language, subject=m.subject, body=m.body,
                   status=m.status, attempts=m.attempts, due_at=iso_utc(m.due_at),
                   deliver_after=iso_utc(m.deliver_after) if m.deliver_after else None,
                   last_error=m.last_error, created_at=iso_utc(m.created_at),
                   sent_at=iso_utc(m.sent_at) if m.sent_at else None)


class InboxItem(BaseModel):
    id: str
    topic: str
    language: str
    subject: str
    body: str
    delivered_at: str | None

    @classmethod
    def of(cls, m: Message) -> InboxItem:
        return cls(id=m.id, topic=m.topic, language=m.language, subject=m.subject, body=m.body,
                   delivered_at=iso_utc(m.sent_at) if m.sent_at else None)


class CountRow(BaseModel):
    topic: str
    channel: str
    status: str
    messages: int


@router.get("/customers/{customer_id}/inbox", response_model=ListPage[InboxItem],
            summary="A customer's in-app inbox",
            responses={404: {"description": "no such customer"}})
def read_inbox(customer_id: str, container: ContainerDep,
               actor: Annotated[Principal, Allowed("inbox:read")], page: PageParams,
               ) -> ListPage[InboxItem]:
    """The notices delivered to the customer's app, oldest first, in the customer's
    language; one waiting for its delivery time is not there yet."""
    return list_page(services.inbox(services.ReadInbox(customer_id, page), container.uow(),
                                    actor), InboxItem.of)


@router.get("/notifications", response_model=ListPage[MessagePublic],
            summary="List messages and their delivery status")
def list_messages(container: ContainerDep,
                  actor: Annotated[Principal, Allowed("notifications:read")], page: PageParams,
                  customer_id: Annotated[str | None, Query(min_length=1, max_length=36)] = None,
                  channel: Annotated[str | None, Query(
                      description="inbox, email or sms")] = None,
                  status: Annotated[str | None, Query(
                      description="pending, sending, sent or failed")] = None,
                  topic: Annotated[str | None, Query(min_length=1, max_length=80)] = None,
                  ) -> ListPage[MessagePublic]:
    """Messages oldest first, filtered; 422 names a bad filter."""
    cmd = services.ListMessages(customer_id=customer_id, channel=channel, status=status,
                                topic=topic, page=page)
    return list_page(services.list_messages(cmd, container.uow(), actor), MessagePublic.of)


@router.get("/notifications/summary", response_model=list[CountRow],
            summary="Messages by topic, channel and status")
def summary(container: ContainerDep,
            actor: Annotated[Principal, Allowed("notifications:read")]) -> list[CountRow]:
    """How many messages there are of each topic on each channel in each status."""
    rows = services.message_counts(container.uow(), actor).rows
    return [CountRow(topic=t, channel=c, status=s, messages=n)
            for (t, c, s), n in sorted(rows.items())]


@router.get("/notifications/{message_id}", response_model=MessagePublic,
            summary="Get a message and its delivery status",
            responses={404: {"description": "no such message"}})
def get_message(message_id: str, container: ContainerDep,
                actor: Annotated[Principal, Allowed("notifications:read")]) -> MessagePublic:
    """One message: its text, status, attempts, next try and last error."""
    return MessagePublic.of(services.get_message(message_id, container.uow(), actor))


@router.post("/notifications/{message_id}/retry", response_model=MessagePublic,
             summary="Put a failed message back in the queue",
             responses={404: {"description": "no such message"},
                        422: {"description": "the message is not failed, or has no text"}})
def retry(message_id: str, container: ContainerDep,
          actor: Annotated[Principal, Allowed("notifications:retry")]) -> MessagePublic:
    """A ``failed`` message becomes ``pending``, due now, its attempts counted afresh; the
    relay sends it on its next pass.  Audited."""
    return MessagePublic.of(services.retry_message(services.RetryMessage(message_id),
                                                   container.uow(), actor))
