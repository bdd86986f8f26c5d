"""The compliance gate as a pure function: the CN and US profiles, hour windows in the
debtor's local time, the frequency limits, the unrelated-party rule, and the replay of a
contact log that breaks them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from creditline.collections.compliance import (
    Attempt,
    Channel,
    LoggedContact,
    Outcome,
    Party,
    PastContact,
    check,
    replay,
)
from creditline.collections.rules import default_rules

RULES = default_rules()
CN, US = RULES.profile("CN"), RULES.profile("US")
SHANGHAI, NEW_YORK = ZoneInfo("Asia/Shanghai"), ZoneInfo("America/New_York")


def at(zone: ZoneInfo, y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=zone).astimezone(UTC)


def call(when: datetime, case: str = "c1", **kw: object) -> Attempt:
    return Attempt(case, "cust", Channel.CALL, when, **kw)  # type: ignore[arg-type]


def test_cn_quiet_hours_22_to_08_local_time_unless_agreed() -> None:
    late = call(at(SHANGHAI, 2026, 5, 4, 22, 0))
    v = check(CN, late, [])
    assert (v.allowed, v.rule, v.kind) == (False, "CN.hours", "hours")
    assert v.allowed_again_at == at(SHANGHAI, 2026, 5, 5, 8, 0)
    early = check(CN, call(at(SHANGHAI, 2026, 5, 5, 7, 59)), [])
    assert early.rule == "CN.hours" and early.allowed_again_at == at(SHANGHAI, 2026, 5, 5, 8, 0)
    assert check(CN, call(at(SHANGHAI, 2026, 5, 5, 8, 0)), []).allowed
    assert check(CN, call(at(SHANGHAI, 2026, 5, 5, 21, 59)), []).allowed
    # the debtor agreed to later calls: CN allows it
    assert check(CN, call(at(SHANGHAI, 2026, 5, 4, 22, 30), hours_agreed=True), []).allowed
    # an SMS at night is a contact too
    sms = Attempt("c1", "cust", Channel.SMS, at(SHANGHAI, 2026, 5, 4, 23, 0))
    assert check(CN, sms, []).rule == "CN.hours"


def test_us_hours_8_to_21_local_and_agreement_does_not_widen_them() -> None:
    v = check(US, call(at(NEW_YORK, 2026, 5, 4, 21, 0)), [])
    assert v.rule == "US.hours" and v.allowed_again_at == at(NEW_YORK, 2026, 5, 5, 8, 0)
    assert check(US, call(at(NEW_YORK, 2026, 5, 4, 20, 59)), []).allowed
    assert check(US, call(at(NEW_YORK, 2026, 5, 4, 22, 0), hours_agreed=True), []).rule == "US.hours"


def test_cn_three_connected_calls_per_debtor_per_day_across_lender_and_agencies() -> None:
    day = [at(SHANGHAI, 2026, 5, 4, h) for h in (9, 11, 13)]
    history = [PastContact("c1", Channel.CALL, day[0], Outcome.REACHED),
               PastContact("c2", Channel.CALL, day[1], Outcome.PROMISE_TO_PAY),  # another case
               PastContact("c1", Channel.CALL, day[2], Outcome.NO_ANSWER)]
    assert check(CN, call(at(SHANGHAI, 2026, 5, 4, 15)), history).allowed  # 2 connected
    history.append(PastContact("c1", Channel.CALL, at(SHANGHAI, 2026, 5, 4, 15),
                               Outcome.REFUSED_TO_PAY))
    v = check(CN, call(at(SHANGHAI, 2026, 5, 4, 16)), history)
    assert (v.rule, v.kind) == ("CN.connected_calls", "frequency")
    assert v.allowed_again_at == at(SHANGHAI, 2026, 5, 5, 8, 0)
    assert check(CN, call(at(SHANGHAI, 2026, 5, 5, 8, 30)), history).allowed  # a new day


def test_us_seven_attempts_in_seven_days_per_debt() -> None:
    start = at(NEW_YORK, 2026, 5, 1, 10)
    history = [PastContact("c1", Channel.CALL, start + timedelta(days=i), Outcome.NO_ANSWER)
               for i in range(7)]
    v = check(US, call(start + timedelta(days=6, hours=2)), history)
    assert v.rule == "US.call_attempts"
    assert v.allowed_again_at == start + timedelta(days=7)  # the oldest leaves the window
    assert check(US, call(start + timedelta(days=7)), history).allowed
    # per debt: another case of the same debtor is not limited by these
    assert check(US, call(start + timedelta(days=6, hours=2), case="c2"), history).allowed


def test_us_no_call_for_seven_days_after_a_conversation() -> None:
    talk = at(NEW_YORK, 2026, 5, 1, 10)
    history = [PastContact("c1", Channel.CALL, talk, Outcome.REACHED)]
    v = check(US, call(talk + timedelta(days=6, hours=23)), history)
    assert (v.rule, v.allowed_again_at) == ("US.conversation_cooldown", talk + timedelta(days=7))
    assert check(US, call(talk + timedelta(days=7)), history).allowed
    # an email is not a call
    email = Attempt("c1", "cust", Channel.EMAIL, talk + timedelta(days=1))
    assert check(US, email, history).allowed


def test_no_contact_with_unrelated_people() -> None:
    v = check(CN, call(at(SHANGHAI, 2026, 5, 4, 10), party=Party.UNRELATED), [])
    assert (v.rule, v.kind) == ("CN.unrelated_party", "party")


def test_replay_finds_what_the_gate_would_have_refused() -> None:
    def row(when: datetime, outcome: Outcome | None = Outcome.REACHED, allowed: bool = True,
            party: Party = Party.DEBTOR) -> LoggedContact:
        return LoggedContact("cust", "c1", Channel.CALL, when, party, False, outcome, allowed,
                             "CN", "Asia/Shanghai")

    log = [row(at(SHANGHAI, 2026, 5, 4, h)) for h in (9, 10, 11)]
    log.append(row(at(SHANGHAI, 2026, 5, 4, 12)))  # a fourth connected call
    log.append(row(at(SHANGHAI, 2026, 5, 4, 23), allowed=False, outcome=None))  # refused: fine
    log.append(row(at(SHANGHAI, 2026, 5, 5, 6)))  # made at 06:00
    log.append(row(at(SHANGHAI, 2026, 5, 5, 9), party=Party.UNRELATED))
    report = replay(reversed(log), RULES.profiles)  # any order in: replayed in time order
    assert (report.contacts, report.refused) == (6, 1)
    assert (report.outside_hours, report.over_limits, report.unrelated_parties) == (1, 1, 1)
    assert [rule for _, rule in report.violations] == [
        "CN.connected_calls", "CN.hours", "CN.unrelated_party"]
    clean = replay(log[:3], RULES.profiles)
    assert (clean.outside_hours, clean.over_limits, clean.unrelated_parties) == (0, 0, 0)
