"""Worked example, both stores: Li Lei falls behind and stops answering; his sister Wang
Fang, named as his emergency contact with his consent, confirms the code sent to her phone
(through the real relay and a real HTTP SMS gateway); after a week of calls that reach
nobody a collector approaches her once -- an SMS that asks Li Lei to get in touch and says
nothing else -- and Li Lei calls back: the debtor is reached.  Every attempt, allowed or
refused, is in the contact log, and the replay finds no violation and no disclosure.
Then she withdraws, and Li Lei names someone else."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from creditline.auth import SYSTEM, Principal, Role
from creditline.bootstrap import Container
from creditline.channels.sms import HttpSmsGateway
from creditline.clock import FixedClock
from creditline.collections import contact_services as ct
from creditline.collections import services as cs
from creditline.collections.rules import default_rules
from creditline.errors import BusinessRuleViolation, Conflict, NotFound, ValidationError
from creditline.notify.relay import relay_once
from creditline.parties import services as parties
from creditline.servicing import services as sv
from tests.integration.collections_support import SUPERVISOR, case_of, collector, local
from tests.integration.notify_support import SmsGateway
from tests.integration.servicing_support import eod_through

GATEWAY_APP = Principal("id-gw", "sms-gateway", Role.SERVICE)  # the contact's channel


@pytest.fixture
def gateway() -> Iterator[SmsGateway]:
    g = SmsGateway().start()
    yield g
    g.stop()


def relay(container: Container, gateway: SmsGateway) -> None:
    relay_once(container.uow, {"sms": HttpSmsGateway(gateway.url, timeout=5)})


def texts_to(gateway: SmsGateway, phone: str) -> list[str]:
    return [body["text"] for _, body in gateway.received if body["to"] == phone]


def refused_rule(fn: object, *args: object) -> str | None:
    with pytest.raises(cs.ContactRefused) as info:
        fn(*args)  # type: ignore[operator]
    return info.value.verdict.rule


SISTER = "13900001111"


def test_unreachable_debtor_verified_contact_approached_once_then_debtor_reached(
        container: Container, clock: FixedClock, gateway: SmsGateway) -> None:
    c = container
    clock.set_date(date(2026, 3, 2))
    li = parties.register_customer(parties.RegisterPerson(
        name="Li Lei", id_number="11010519491231002X", phone="13812341234",
        monthly_income="8000", language="en",
        consents={"credit_check": True, "data_processing": True, "emergency_contact": True}),
        c.uow(), SYSTEM)
    line = sv.open_line(sv.OpenLine(li.id, "consumer_bnpl", "10000.00"), c.uow(), SYSTEM)
    sv.purchase(sv.Purchase(line.id, "1200.00", "JD Mall", "electronics", 12,
                            idempotency_key=f"phone-{uuid.uuid4()}"), c.uow(), SYSTEM)
    fang = parties.add_emergency_contact(parties.AddEmergencyContact(
        li.id, "Wang Fang", "sibling", SISTER), c.uow(), SYSTEM)
    assert fang.verification == "unverified"

    # the code goes to her phone through the relay: six digits and a reference, no debt
    sent = ct.send_code(ct.SendCode(fang.id), c.uow(), SYSTEM)
    relay(c, gateway)
    [sms] = texts_to(gateway, SISTER)
    code = re.search(r"code (\d{6})", sms)
    reference = re.search(r"STOP ([0-9A-F]{10})", sms)
    assert code and reference
    assert sms.startswith("Li Lei named you as an emergency contact\nHello Wang Fang,")
    assert default_rules().emergency.forbidden_any(sms) == []
    assert sent.expires_at == datetime(2026, 3, 2, 1, 15, tzinfo=UTC)  # 09:00 + 15 min

    # a wrong code is counted and says how many tries are left; the right one verifies
    with pytest.raises(ValidationError, match="code: does not match; 4 tries left"):
        ct.confirm_code(ct.ConfirmCode(reference[1], "000000" if code[1] != "000000"
                                       else "111111"), c.uow(), GATEWAY_APP)
    with pytest.raises(NotFound):
        ct.confirm_code(ct.ConfirmCode("ABCDEF1234", code[1]), c.uow(), GATEWAY_APP)
    assert ct.confirm_code(ct.ConfirmCode(reference[1], code[1]), c.uow(),
                           GATEWAY_APP).verification == "verified"
    with pytest.raises(BusinessRuleViolation, match="this code is verified"):
        ct.confirm_code(ct.ConfirmCode(reference[1], code[1]), c.uow(), GATEWAY_APP)

    # Li Lei pays nothing: past due from 11 April, a case in M1; the relay delivers the
    # due-date reminders through the gate (logged as contacts with him, by SMS)
    eod_through(c, clock, date(2026, 4, 20))
    relay(c, gateway)
    to_li = texts_to(gateway, "13812341234")
    # opening, purchase, 3 due-date reminders, and the collection strategy's texts once past due
    strategy = [t for t in to_li if "agree a date or a plan" in t]
    assert len(to_li) - len(strategy) == 5 and all("50.00" in t for t in to_li[2:])
    assert len(strategy) == 2
    case = case_of(c, line.id)
    assert case is not None
    chen = collector(c)
    cs.assign(cs.Assign((case.id,), "chen"), c.uow(), SUPERVISOR)
    approach = ct.Approach(case.id, fang.id)

    # while he has not been tried, she may not be approached (refused, logged)
    local(clock, 2026, 4, 20, 10)
    assert refused_rule(ct.approach, approach, c.uow(), chen) == "CN.emergency_contact.debtor_reachable"

    # three calls over a week reach nobody
    for day, h in ((20, 11), (23, 15), (27, 9)):
        local(clock, 2026, 4, day, h)
        cs.log_call(cs.LogCall(case.id, "no_answer"), c.uow(), chen)
    local(clock, 2026, 4, 28, 7, 30)  # a week after the first of them
    views = ct.case_contacts(case.id, c.uow(), chen)
    assert [(v.name, v.phone, v.verification, v.may_approach.allowed) for v in views] == [
        ("Wang Fang", "139****1111", "verified", True)]  # a collector sees the phone masked

    # at 07:30 the gate still keeps its hours
    assert refused_rule(ct.approach, approach, c.uow(), chen) == "CN.hours"

    # at 10:00 she is approached: one SMS, to her, asking him to get in touch
    local(clock, 2026, 4, 28, 10)
    record = ct.approach(approach, c.uow(), chen)
    assert (record.party.value, record.contact_id, record.allowed) == (
        "emergency_contact", fang.id, True)
    relay(c, gateway)
    [_, ask] = texts_to(gateway, SISTER)
    assert ask == ("A message for Li Lei\nHello Wang Fang,\nyou are listed as an emergency "
                   "contact of Li Lei. We have not been able to reach Li Lei for some days. "
                   "Could you please ask them to get in touch with us by replying to this "
                   "number?\nThat is all we ask of you, and we will not contact you again "
                   "about this unless you tell us you are willing. To stop being a contact, "
                   "reply STOP.")
    assert default_rules().emergency.forbidden_any(ask) == []
    assert not re.search(r"\d+\.\d\d", ask)  # no amount
    # nothing more to Li Lei's phone from the approach (the strategy's own texts go on)
    later = texts_to(gateway, "13812341234")
    assert later[:len(to_li)] == to_li
    assert all("agree a date or a plan" in t for t in later[len(to_li):])

    # once: a second approach is refused
    local(clock, 2026, 4, 29, 10)
    assert refused_rule(ct.approach, approach, c.uow(), chen) == "CN.emergency_contact.once"

    # Li Lei calls back: the debtor is reached, and promises to pay
    local(clock, 2026, 4, 29, 11)
    r = cs.log_call(cs.LogCall(case.id, "promise_to_pay", promise_amount="50.00",
                               promise_date=date(2026, 5, 2)), c.uow(), chen)
    assert r.contact.outcome is not None and r.contact.outcome.value == "promise_to_pay"

    # the contact log has every attempt (the collection strategy's own texts, logged when
    # the relay sent them, are counted apart); the replay finds nothing wrong
    contacts = cs.get_case(case.id, c.uow(), chen).contacts
    by_strategy = [x for x in contacts
                   if (x.note or "").startswith("collections.reminder message")]
    log = [(x.channel.value, x.party.value, x.allowed, x.rule,
            x.outcome.value if x.outcome else None)
           for x in contacts if x not in by_strategy]
    assert log == [
        ("sms", "debtor", True, None, None), ("sms", "debtor", True, None, None),
        ("sms", "debtor", True, None, None),  # the three reminders
        ("sms", "emergency_contact", False, "CN.emergency_contact.debtor_reachable", None),
        ("call", "debtor", True, None, "no_answer"), ("call", "debtor", True, None, "no_answer"),
        ("call", "debtor", True, None, "no_answer"),
        ("sms", "emergency_contact", False, "CN.hours", None),
        ("sms", "emergency_contact", True, None, None),
        ("sms", "emergency_contact", False, "CN.emergency_contact.once", None),
        ("call", "debtor", True, None, "promise_to_pay")]
    rep = cs.replay_contacts(c.uow())
    assert by_strategy and all(x.allowed and x.party.value == "debtor" for x in by_strategy)
    assert (rep.contacts, rep.refused, rep.violations, rep.emergency_approaches,
            rep.emergency_violations, rep.disclosures) == (8 + len(by_strategy), 3, [], 1, 0, 0)

    # she withdraws with her reference: her name and phone are gone, the history stays
    assert ct.withdraw(ct.Withdraw(reference[1], "moved abroad"), c.uow(), GATEWAY_APP) == fang.id
    assert parties.list_contacts(li.id, c.uow()) == []
    with pytest.raises(Conflict, match="already withdrawn"):
        ct.withdraw(ct.Withdraw(reference[1]), c.uow(), GATEWAY_APP)
    with pytest.raises(NotFound):
        ct.approach(approach, c.uow(), chen)
    kinds = [e.kind for e in ct.contact_events(li.id, c.uow())]
    assert kinds == ["code_sent", "code_wrong", "verified", "approached", "withdrawn"]


def test_the_debtor_replaces_a_contact_who_starts_unverified(
        container: Container, clock: FixedClock, gateway: SmsGateway) -> None:
    c = container
    clock.set_date(date(2026, 3, 2))
    li = parties.register_customer(parties.RegisterPerson(
        name="李雷", id_number="11010519491231002X", phone="13812341234",
        monthly_income="8000",
        consents={"credit_check": True, "data_processing": True, "emergency_contact": True}),
        c.uow(), SYSTEM)
    first = parties.add_emergency_contact(parties.AddEmergencyContact(
        li.id, "王芳", "sibling", SISTER), c.uow(), SYSTEM)
    second = parties.add_emergency_contact(parties.AddEmergencyContact(
        li.id, "韩梅梅", "friend", "13900002222"), c.uow(), SYSTEM)
    with pytest.raises(Conflict, match="phone"):  # the other contact's phone
        ct.replace_contact(ct.ReplaceContact(li.id, first.id, "张三", "parent", "13900002222"),
                           c.uow(), SYSTEM)
    new = ct.replace_contact(ct.ReplaceContact(li.id, first.id, "张三", "parent",
                                               "13900003333"), c.uow(), SYSTEM)
    assert (new.position, new.verification, new.relation) == (1, "unverified", "parent")
    assert [(x.name, x.position) for x in parties.list_contacts(li.id, c.uow())] == [
        ("张三", 1), ("韩梅梅", 2)]
    assert second.position == 2
    # the code to the new contact goes out in Chinese, the customer's language
    ct.send_code(ct.SendCode(new.id), c.uow(), SYSTEM)
    relay(c, gateway)
    [sms] = texts_to(gateway, "13900003333")
    assert sms.startswith("李雷将您登记为紧急联系人\n张三您好：")
    assert default_rules().emergency.forbidden_in(sms, "zh") == []
    # a second code supersedes the first; five wrong answers lock it
    ct.send_code(ct.SendCode(new.id), c.uow(), SYSTEM)
    relay(c, gateway)
    old_sms, new_sms = texts_to(gateway, "13900003333")
    old_ref = re.search(r"STOP ([0-9A-F]{10})", old_sms)
    ref = re.search(r"STOP ([0-9A-F]{10})", new_sms)
    good = re.search(r"验证码(\d{6})", new_sms)
    assert old_ref and ref and good
    with pytest.raises(BusinessRuleViolation, match="this code is superseded"):
        ct.confirm_code(ct.ConfirmCode(old_ref[1], good[1]), c.uow(), GATEWAY_APP)
    wrong = "000000" if good[1] != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(ValidationError, match=f"{left} tries left"):
            ct.confirm_code(ct.ConfirmCode(ref[1], wrong), c.uow(), GATEWAY_APP)
    with pytest.raises(BusinessRuleViolation, match="locked"):
        ct.confirm_code(ct.ConfirmCode(ref[1], wrong), c.uow(), GATEWAY_APP)
    with pytest.raises(BusinessRuleViolation, match="this code is locked"):
        ct.confirm_code(ct.ConfirmCode(ref[1], good[1]), c.uow(), GATEWAY_APP)
    assert [x.verification for x in parties.list_contacts(li.id, c.uow())] == [
        "failed", "unverified"]
    # an expired code: 15 minutes
    ct.send_code(ct.SendCode(new.id), c.uow(), SYSTEM)
    relay(c, gateway)
    last = texts_to(gateway, "13900003333")[-1]
    ref3, code3 = re.search(r"STOP ([0-9A-F]{10})", last), re.search(r"验证码(\d{6})", last)
    assert ref3 and code3
    clock.advance(minutes=16)
    with pytest.raises(BusinessRuleViolation, match="expired"):
        ct.confirm_code(ct.ConfirmCode(ref3[1], code3[1]), c.uow(), GATEWAY_APP)
