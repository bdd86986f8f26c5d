"""The emergency-contact approach rules and regional relief, as pure functions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from creditline.collections import compliance as cg
from creditline.collections.contacts import (
    LOCKED,
    MAX_ATTEMPTS,
    VERIFIED,
    Verification,
    attempt,
    check_code_format,
)
from creditline.collections.relief import (
    Relief,
    check_declaration,
    deferred_due,
    holds,
    preview,
    relief_columns,
)
from creditline.collections.rules import default_rules
from creditline.errors import BusinessRuleViolation, ValidationError

RULES = default_rules()
CN = RULES.profile("CN")
T0 = datetime(2026, 4, 20, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai


def call(days: float, outcome: str) -> cg.PastContact:
    return cg.PastContact("case", cg.Channel.CALL, T0 + timedelta(days=days), cg.Outcome(outcome))


def standing(**kw: object) -> cg.ContactStanding:
    return cg.ContactStanding("k1", **{"verified": True, **kw})  # type: ignore[arg-type]


def rule(v: cg.Verdict) -> str | None:
    return v.rule


def test_a_contact_is_approached_only_verified_once_and_after_a_week_unreachable() -> None:
    tried = [call(0, "no_answer"), call(3, "wrong_number"), call(6, "no_answer")]
    at = T0 + timedelta(days=7)
    ok = cg.approach_verdict("CN", RULES.emergency, standing(), tried, at)
    assert ok.allowed
    assert rule(cg.approach_verdict("CN", RULES.emergency, standing(verified=False), tried, at)) \
        == "CN.emergency_contact.unverified"
    assert rule(cg.approach_verdict("CN", RULES.emergency, standing(withdrawn=True), tried, at)) \
        == "CN.emergency_contact.withdrawn"
    assert rule(cg.approach_verdict("CN", RULES.emergency, standing(approaches=1), tried, at)) \
        == "CN.emergency_contact.once"
    assert cg.approach_verdict("CN", RULES.emergency, standing(approaches=1, repeat_agreed=True),
                               tried, at).allowed
    # a day early: refused, and told when the week is up
    early = cg.approach_verdict("CN", RULES.emergency, standing(), tried, at - timedelta(days=1))
    assert (early.rule, early.allowed_again_at) == ("CN.emergency_contact.debtor_reachable", at)
    # two attempts are not enough however long ago
    assert not cg.approach_verdict("CN", RULES.emergency, standing(), tried[:2],
                                   at + timedelta(days=30)).allowed
    # a conversation with the debtor starts the count again
    talked = [*tried, call(6.5, "reached")]
    assert cg.unreachable_spell(talked, at) == (0, None)
    assert not cg.approach_verdict("CN", RULES.emergency, standing(), talked, at).allowed


def test_the_gate_lets_a_contact_be_approached_only_within_hours_and_outside_a_relief() -> None:
    night = datetime(2026, 4, 27, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
    a = cg.Attempt("case", "cust", cg.Channel.SMS, night, cg.Party.EMERGENCY_CONTACT)
    assert cg.check(CN, a, []).rule == "CN.hours"
    day = night - timedelta(hours=12)
    assert cg.check(CN, cg.Attempt("case", "cust", cg.Channel.SMS, day,
                                   cg.Party.EMERGENCY_CONTACT), []).allowed
    assert cg.check(CN, cg.Attempt("case", "cust", cg.Channel.SMS, day,
                                   cg.Party.UNRELATED), []).rule == "CN.unrelated_party"
    relief = cg.check(CN, cg.Attempt("case", "cust", cg.Channel.CALL, day, cg.Party.DEBTOR,
                                     relief="flood", relief_until=date(2026, 4, 30)), [])
    assert (relief.rule, relief.kind, relief.allowed_again_at) == (
        "CN.regional_relief", "relief", datetime(2026, 5, 1, 0, 0, tzinfo=UTC))


def test_the_replay_finds_an_approach_against_the_rules_and_a_disclosure() -> None:
    def logged(days: float, party: cg.Party, outcome: str | None, contact: str | None = None
               ) -> cg.LoggedContact:
        ch = cg.Channel.SMS if party is cg.Party.EMERGENCY_CONTACT else cg.Channel.CALL
        return cg.LoggedContact("cust", "case", ch, T0 + timedelta(days=days), party, False,
                                cg.Outcome(outcome) if outcome else None, True, "CN",
                                "Asia/Shanghai", contact)
    log = [logged(0, cg.Party.DEBTOR, "no_answer"), logged(1, cg.Party.DEBTOR, "no_answer"),
           logged(2, cg.Party.DEBTOR, "no_answer"),
           logged(8, cg.Party.EMERGENCY_CONTACT, None, "k1"),  # fine
           logged(9, cg.Party.EMERGENCY_CONTACT, None, "k1"),  # a second time: once
           logged(9.1, cg.Party.EMERGENCY_CONTACT, None, "k2")]  # never verified
    rep = cg.replay(log, RULES.profiles, RULES.emergency,
                    verified_at={"k1": T0}, contact_texts=[
                        "A message for Li Lei", "Please tell Li Lei his loan is overdue"])
    assert [r for _, r in rep.violations] == ["CN.emergency_contact.once",
                                               "CN.emergency_contact.unverified"]
    assert (rep.emergency_approaches, rep.emergency_violations, rep.disclosures) == (3, 2, 1)


def test_a_code_expires_and_locks_after_five_wrong_tries() -> None:
    v = Verification("v1", "k1", "c1", "h", "r", T0, T0 + timedelta(minutes=15))
    with pytest.raises(ValidationError, match="code: must be the 6 digits"):
        check_code_format("12345a")
    assert attempt(v, True, T0).verification.status == VERIFIED
    with pytest.raises(BusinessRuleViolation, match="expired"):
        attempt(v, True, T0 + timedelta(minutes=16))
    for n in range(1, MAX_ATTEMPTS):
        r = attempt(v, False, T0)
        v = r.verification
        assert (v.attempts, r.left, v.status) == (n, MAX_ATTEMPTS - n, "pending")
    assert attempt(v, False, T0).verification.status == LOCKED


def relief(**kw: object) -> Relief:
    base: dict[str, object] = dict(id="r1", regions=("Hubei",), start=date(2026, 4, 21),
                                   end=date(2026, 4, 30), reason="flood",
                                   defer_due_dates=False, declared_by="ro",
                                   declared_at=T0)
    base.update(kw)
    return Relief(**base)  # type: ignore[arg-type]


def test_a_relief_is_declared_for_regions_and_dates_and_holds_reports_while_it_lasts() -> None:
    today = date(2026, 4, 20)
    assert check_declaration(regions=["Hubei", " hubei ", "Henan"], start=today,
                             end=today + timedelta(days=10), reason=" flood ",
                             today=today) == (("Hubei", "Henan"), "flood")
    for kw, field in (({"regions": []}, "regions"), ({"start": date(2026, 4, 19)}, "start"),
                      ({"end": date(2027, 4, 30)}, "end"), ({"reason": " "}, "reason")):
        args: dict[str, object] = dict(regions=["Hubei"], start=today, end=date(2026, 4, 30),
                                       reason="flood", today=today)
        args.update(kw)
        with pytest.raises(ValidationError, match=f"^{field}: "):
            check_declaration(**args)  # type: ignore[arg-type]
    r = relief()
    assert [r.state_on(date(2026, 4, d)) for d in (20, 21, 30)] == ["scheduled", "active",
                                                                    "active"]
    assert r.state_on(date(2026, 5, 1)) == "ended"
    assert holds([r], " HUBEI", date(2026, 4, 25)) == (
        "regional relief r1 (Hubei) from 2026-04-21 to 2026-04-30: flood")
    assert holds([r], "Henan", date(2026, 4, 25)) is None
    assert holds([r], None, date(2026, 4, 25)) is None
    assert holds([relief(cancelled_on=date(2026, 4, 24))], "Hubei", date(2026, 4, 25)) is None


def test_relief_columns_for_the_kernel_and_the_deferral_rule() -> None:
    day = date(2026, 4, 25)
    n = 1000  # the kernel's day number for 25 April in this test
    cols = relief_columns(["Hubei", "Henan", None, "hubei"],
                          [relief(defer_due_dates=True)], day, n)
    assert cols.relief_until.tolist() == [n + 5, -1, -1, n + 5]
    assert cols.defer_from.tolist() == [n - 4, -1, -1, n - 4]
    assert cols.defer_to.tolist() == [n + 5, -1, -1, n + 5]
    after = relief_columns(["Hubei"], [relief(defer_due_dates=True)], date(2026, 5, 3), n + 8)
    assert after.relief_until.tolist() == [-1]  # ended: penalties accrue again
    assert after.defer_to.tolist() == [n + 5]  # a due date deferred stays deferred
    assert isinstance(cols.relief_until, np.ndarray)
    assert deferred_due(date(2026, 4, 25), [relief(defer_due_dates=True)], "Hubei") == \
        date(2026, 5, 1)
    assert deferred_due(date(2026, 4, 25), [relief()], "Hubei") == date(2026, 4, 25)


def test_the_preview_counts_customers_lines_cases_and_money() -> None:
    rows = [("c1", "Hubei", "l1", 120650, 5000, True), ("c1", "hubei", "l2", 1000, 0, False),
            ("c2", "Hubei", None, 0, 0, False), ("c3", "Henan", "l3", 999, 0, True)]
    p = preview(("Hubei",), rows)
    assert (p.customers, p.lines, p.cases, str(p.balance), str(p.past_due), p.by_region) == (
        2, 2, 1, "1216.50", "50.00", {"Hubei": 2})
