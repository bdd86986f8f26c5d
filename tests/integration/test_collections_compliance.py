"""A collector's day against the compliance gate (SQLite: the gate and the log are the same
code on both stores; the log's storage is pinned on both in the worked examples): quiet
hours under the CN and US profiles, the frequency limits, hardship and disputes pausing
collection, and the replay of the whole contact log."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.collections import services as cs
from creditline.errors import BusinessRuleViolation, Forbidden, ValidationError
from tests.integration.collections_support import SUPERVISOR, collector, delinquent, events, local
from tests.integration.notify_support import relay_texts

LA = ZoneInfo("America/Los_Angeles")


def refused(container: Container, cmd: cs.LogCall, actor: object) -> cs.ContactRefused:
    with pytest.raises(cs.ContactRefused) as info:
        cs.log_call(cmd, container.uow(), actor)  # type: ignore[arg-type]
    return info.value


def test_quiet_hours_cn_and_us_and_the_frequency_limits(sqlite_container: Container,
                                                        clock: FixedClock) -> None:
    c = sqlite_container
    _, case = delinquent(c, clock)
    chen = collector(c)
    cs.assign(cs.Assign((case.id,), "chen"), c.uow(), SUPERVISOR)

    # CN: 22:30 in Shanghai is refused, logged with the rule; allowed again at 08:00
    local(clock, 2026, 4, 20, 22, 30)
    err = refused(c, cs.LogCall(case.id, "no_answer"), chen)
    assert err.verdict.rule == "CN.hours"
    assert err.verdict.allowed_again_at == datetime(2026, 4, 21, 0, 0, tzinfo=UTC)
    assert "allowed again at 2026-04-21T00:00:00+00:00" in err.message
    check = cs.check_contact(cs.CheckContact(case.id), c.uow(), chen)
    assert check.rule == "CN.hours"

    # CN: three connected calls a day, across the lender and its agencies
    for h in (9, 10, 11):
        local(clock, 2026, 4, 21, h)
        cs.log_call(cs.LogCall(case.id, "reached"), c.uow(), chen)
    local(clock, 2026, 4, 21, 14)
    assert refused(c, cs.LogCall(case.id, "no_answer"), chen).verdict.rule == "CN.connected_calls"

    # US, for a debtor in Los Angeles: 08:00-21:00 local; agreement cannot widen it
    with pytest.raises(ValidationError, match="hours_agreed: profile US does not allow"):
        cs.set_contact_terms(cs.ContactTerms(case.id, "US", "America/Los_Angeles", True),
                             c.uow(), SUPERVISOR)
    us = cs.set_contact_terms(cs.ContactTerms(case.id, "US", "America/Los_Angeles"), c.uow(),
                              SUPERVISOR)
    assert (us.profile, us.zone) == ("US", "America/Los_Angeles")
    local(clock, 2026, 4, 22, 21, 15, zone=LA)
    err = refused(c, cs.LogCall(case.id, "no_answer"), chen)
    assert err.verdict.rule == "US.hours"
    assert err.verdict.allowed_again_at == datetime(2026, 4, 23, 8, 0, tzinfo=LA).astimezone(UTC)

    # US: a conversation on the 21st (Shanghai's morning is the 20th in LA) blocks calls
    # for seven days after it ...
    local(clock, 2026, 4, 23, 9, zone=LA)
    assert refused(c, cs.LogCall(case.id, "no_answer"), chen).verdict.rule == \
        "US.conversation_cooldown"
    # ... and seven attempts in seven days is the most
    for day in (28, 29):
        for h in (9, 10, 11, 12):
            local(clock, 2026, 4, day, h, zone=LA)
            if (day, h) == (29, 12):
                err = refused(c, cs.LogCall(case.id, "no_answer"), chen)
                assert err.verdict.rule == "US.call_attempts"
                assert err.verdict.allowed_again_at == datetime(2026, 5, 5, 9, tzinfo=LA).astimezone(UTC)
            else:
                cs.log_call(cs.LogCall(case.id, "no_answer"), c.uow(), chen)

    # no contact with unrelated people
    local(clock, 2026, 4, 30, 10, zone=LA)
    assert refused(c, cs.LogCall(case.id, "reached", party="unrelated"),
                   chen).verdict.rule == "US.unrelated_party"

    relay_texts(c)  # the strategy's texts, queued at end of day, go out and are logged
    # every attempt is in the log; the replay finds nothing made outside the rules
    detail = cs.get_case(case.id, c.uow(), SUPERVISOR)
    assert sum(1 for x in detail.contacts if x.allowed and x.channel == "call") == 10
    assert [x.rule for x in detail.contacts if not x.allowed] == [
        "CN.hours", "CN.connected_calls", "US.hours", "US.conversation_cooldown",
        "US.call_attempts", "US.unrelated_party"]
    texts = sum(1 for x in detail.contacts if x.channel != "call")  # the strategy's (ccard)
    assert texts > 0 and all(x.allowed and x.actor == "system" for x in detail.contacts
                             if x.channel != "call")
    report = cs.replay_contacts(c.uow())
    assert (report.contacts, report.refused) == (10 + texts, 6)
    assert (report.outside_hours, report.over_limits, report.unrelated_parties) == (0, 0, 0)


def test_hardship_pauses_collection_until_its_end(sqlite_container: Container,
                                                 clock: FixedClock) -> None:
    c = sqlite_container
    d, case = delinquent(c, clock)
    chen = collector(c)
    cs.assign(cs.Assign((case.id,), "chen"), c.uow(), SUPERVISOR)
    with pytest.raises(Forbidden, match="only a supervisor may backdate"):
        cs.hardship(cs.Hardship(case.id, date(2026, 5, 5), "lost job", date(2026, 4, 15)),
                    c.uow(), chen)
    held = cs.hardship(cs.Hardship(case.id, date(2026, 5, 5), "lost job", date(2026, 4, 15)),
                       c.uow(), SUPERVISOR)
    assert (held.hold_kind, held.hold_from, held.hold_until) == (
        "hardship", date(2026, 4, 15), date(2026, 5, 5))
    assert events(c, cs.HARDSHIP_GRANTED)[0]["until"] == "2026-05-05"
    assert cs.queue(cs.GetQueue(), c.uow(), chen) == []
    local(clock, 2026, 4, 21, 10)
    with pytest.raises(BusinessRuleViolation, match="on hardship until 2026-05-05"):
        cs.log_call(cs.LogCall(case.id, "no_answer"), c.uow(), chen)
    # it resumes by itself after its last day
    local(clock, 2026, 5, 6, 10)
    [item] = cs.queue(cs.GetQueue(), c.uow(), chen)
    assert item.case.id == case.id
    cs.log_call(cs.LogCall(case.id, "no_answer"), c.uow(), chen)
    # a pause, resumed by hand
    cs.pause(cs.Pause(case.id, date(2026, 5, 20), "customer in hospital"), c.uow(), chen)
    assert cs.queue(cs.GetQueue(), c.uow(), chen) == []
    cs.resume(cs.Resume(case.id, "back home"), c.uow(), chen)
    assert len(cs.queue(cs.GetQueue(), c.uow(), chen)) == 1
    with pytest.raises(ValidationError, match="until: must not be before the business date"):
        cs.pause(cs.Pause(case.id, date(2026, 5, 1), "x"), c.uow(), chen)
    # another collector may not touch the case
    other = collector(c, "li")
    with pytest.raises(Forbidden, match="not assigned to li"):
        cs.pause(cs.Pause(case.id, date(2026, 5, 20), "x"), c.uow(), other)
    assert d.line_id == case.line_id


def test_a_dispute_pauses_collection_on_the_disputed_amount(sqlite_container: Container,
                                                           clock: FixedClock) -> None:
    c = sqlite_container
    _, case = delinquent(c, clock)
    chen = collector(c)
    cs.assign(cs.Assign((case.id,), "chen"), c.uow(), SUPERVISOR)
    local(clock, 2026, 4, 20, 10)
    with pytest.raises(ValidationError, match="disputed_amount: must not exceed"):
        cs.log_call(cs.LogCall(case.id, "dispute", disputed_amount="80.00"), c.uow(), chen)
    r = cs.log_call(cs.LogCall(case.id, "dispute", "never got the phone",
                               disputed_amount="20.00"), c.uow(), chen)
    assert (r.case.disputed, r.case.collectable) == (Decimal("20.00"), Decimal("30.00"))
    [item] = cs.queue(cs.GetQueue(), c.uow(), chen)
    assert item.collectable == Decimal("30.00")  # collection goes on for the rest
    local(clock, 2026, 4, 21, 10)
    r = cs.log_call(cs.LogCall(case.id, "dispute", "all of it", disputed_amount="50.00"),
                    c.uow(), chen)
    assert r.case.collectable == 0 and cs.queue(cs.GetQueue(), c.uow(), chen) == []
    with pytest.raises(Forbidden):
        cs.resolve_dispute(cs.ResolveDispute(case.id, False), c.uow(), chen)
    cs.resolve_dispute(cs.ResolveDispute(case.id, False, "delivery confirmed"), c.uow(),
                       SUPERVISOR)
    [item] = cs.queue(cs.GetQueue(), c.uow(), chen)
    assert item.collectable == Decimal("50.00")
