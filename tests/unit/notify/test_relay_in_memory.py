"""The relay's rules over the in-memory unit of work: internal topics make no message, an
event nobody can be told about or with no template is a visible failed message (never a
generic text), ``deliver_after`` holds a message back, and an adapter that breaks is a
retry, not a dead relay.  (Real SMTP and HTTP receivers: tests/integration.)"""

from __future__ import annotations

from datetime import timedelta

from creditline.auth import SYSTEM
from creditline.notify.ports import DeliveryError, MessageQuery, Outgoing
from creditline.notify.relay import relay_once
from creditline.paging import PageRequest
from creditline.parties import services as parties
from tests.fakes import FakeUnitOfWork, typed


class Recorder:
    """A channel that keeps what it is given (and can be told to break)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.got: list[Outgoing] = []
        self.broken: Exception | None = None

    def send(self, out: Outgoing) -> None:
        if self.broken is not None:
            raise self.broken
        self.got.append(out)


def test_the_relay_rules_in_memory() -> None:
    uow = FakeUnitOfWork()
    cid = parties.register_customer(parties.RegisterPerson(
        name="Wei Zhang", id_number="11010519491231002X", phone="13812341234",
        monthly_income="8000.00", email="wei@example.com", language="en",
        consents={"credit_check": True, "data_processing": True}), typed(uow), SYSTEM).id
    later = uow.clock.now() + timedelta(hours=2)
    with uow:
        uow.emit("purchase.created", {"customer_id": cid, "line_id": "nope-line",
                                      "purchase_id": "p1", "amount": "10.00", "merchant": "M",
                                      "merchant_category": "x", "installments": 1,
                                      "business_date": "2026-03-02"})
        uow.emit("line.nobody_knows", {"customer_id": cid})
        uow.emit("repayment.received", {"customer_id": "ghost", "amount": "1.00"})
        uow.emit("refund.requested", {"customer_id": cid, "line_id": "l1", "amount": "5.00",
                                      "business_date": "2026-03-02",
                                      "deliver_after": later.isoformat()})
        uow.commit()
    sms = Recorder("sms")
    r = relay_once(lambda: typed(uow), {"sms": sms})
    # customer.registered is internal; three events are customer-facing but two fail visibly
    assert (r.events, r.internal, r.undeliverable) == (5, 1, 2)
    with uow:
        msgs = {(m.topic, m.channel): m
                for m in uow.notifications.page(MessageQuery(), PageRequest()).items}
    assert msgs[("line.nobody_knows", "inbox")].status == "failed"
    assert "no template notify/templates/en/line.nobody_knows" in (
        msgs[("line.nobody_knows", "inbox")].last_error or "")
    assert msgs[("repayment.received", "inbox")].last_error == "no customer for this event"
    assert [o.message.topic for o in sms.got] == ["purchase.created"]
    assert sms.got[0].address == "13812341234"
    assert msgs[("refund.requested", "sms")].status == "pending"  # not before its time

    # at its time the SMS adapter breaks: a retry later, not a dead relay
    uow.clock.advance(hours=2)
    sms.broken = RuntimeError("adapter bug")
    r = relay_once(lambda: typed(uow), {"sms": sms})
    assert (r.sent, r.retried, r.by_channel) == (1, 1, {"inbox": 1})
    with uow:
        m = uow.notifications.get(msgs[("refund.requested", "sms")].id)
    assert m is not None and m.last_error == "RuntimeError: adapter bug" and m.attempts == 1
    sms.broken = DeliveryError("gateway down")
    uow.clock.advance(seconds=30)
    assert relay_once(lambda: typed(uow), {"sms": sms}).retried == 1
    sms.broken = None
    uow.clock.advance(seconds=60)
    assert relay_once(lambda: typed(uow), {"sms": sms}).by_channel == {"sms": 1}
    assert [o.message.topic for o in sms.got] == ["purchase.created", "refund.requested"]
