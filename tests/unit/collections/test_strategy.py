"""The collection strategy's tables, the fixed ladder, the C-card's features and the
simulated debtors' response, as plain functions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import numpy as np
import pytest

from creditline.collections.actions import send_time
from creditline.collections.ccard import FEATURES, NO_B_SCORE, contactable, feature_columns
from creditline.collections.strategy import (
    LADDER_DIR,
    STRATEGY,
    CaseFacts,
    action_of,
    contact_costs,
    decide_many,
)
from creditline.errors import ValidationError
from creditline.notify.ports import Recipient
from creditline.notify.relay import messages_for
from creditline.ports import OutboxEvent


@pytest.mark.parametrize("folder", [None, LADDER_DIR], ids=["ccard", "ladder"])
def test_every_example_case_of_both_folders_passes(folder: object) -> None:
    ruleset = STRATEGY.load(folder)  # type: ignore[arg-type]
    results = STRATEGY.run_cases(ruleset, STRATEGY.cases_for(folder))  # type: ignore[arg-type]
    assert len(results) >= 8
    assert [r.case.name for r in results if not r.ok] == []


def facts(bucket: int, dpd: int, pd: float | None, *, owed: str = "500.00",
          reach: bool = True, msg: int = 9999, call: int = 9999) -> CaseFacts:
    return CaseFacts(bucket=bucket, dpd=dpd, owed=Decimal(owed), pd=pd, contactable=reach,
                     days_since_message=msg, days_since_call=call)


def test_the_ladder_gives_everybody_in_a_bucket_the_same_contacts() -> None:
    ladder = STRATEGY.load(LADDER_DIR)
    for bucket, dpd in ((1, 1), (1, 6), (2, 40), (3, 61), (4, 95), (5, 125), (7, 200)):
        for msg, call in ((9999, 9999), (1, 9999), (5, 1)):
            answers = {(a.action, a.reason) for a in decide_many(ladder, [
                facts(bucket, dpd, pd, owed=owed, reach=reach, msg=msg, call=call)
                for pd in (None, 0.05, 0.3, 0.6, 0.95) for owed in ("20.00", "5000.00")
                for reach in (True, False)])}
            assert len(answers) == 1, (bucket, dpd, msg, call, answers)


def test_the_ccard_strategy_treats_bands_differently_in_m1() -> None:
    rs = STRATEGY.default()
    a, d = decide_many(rs, [facts(1, 8, 0.1, msg=1), facts(1, 8, 0.9, msg=1)])
    assert (a.band, a.action, a.reason) == ("A", "none", "WAIT_SELF_CURE")
    assert (d.band, d.action, d.reason) == ("D", "call", "CALL_LOW_CURE")


def test_an_unknown_action_in_the_answer_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError, match=r"next\.action"):
        action_of({"band": {"band": "A"}, "next": {"action": "visit", "reason": "X"}})
    with pytest.raises(ValidationError, match="no band"):
        action_of({"next": {"action": "sms"}})


def test_contact_costs_are_data_in_the_manifest() -> None:
    costs = contact_costs(STRATEGY.default())
    assert costs["sms"] == Decimal("0.05") and costs["call"] == Decimal("3.00")
    assert costs["legal"] == Decimal("300.00")
    assert contact_costs(STRATEGY.load(LADDER_DIR)) == costs


def test_reachable_unless_a_wrong_number_or_three_unanswered_calls() -> None:
    assert contactable([])
    assert contactable(["no_answer", "no_answer"])
    assert not contactable(["no_answer", "no_answer", "no_answer"])
    assert not contactable(["reached", "wrong_number"])
    assert contactable(["no_answer", "no_answer", "no_answer", "reached"])


def test_the_ccard_features_are_floats_in_cny_with_a_value_for_no_b_score() -> None:
    cols = feature_columns(
        bucket=np.array([1, 3]), dpd=np.array([4, 70]), owed_cents=np.array([5000, 123456]),
        balance_cents=np.array([120605, 200000]), b_pd=np.array([0.02, np.nan]),
        months_on_book=np.array([2, 11]), past_cures=np.array([0, 2]),
        reachable=np.array([True, False]), escalation=np.array([0, 1]),
        contacts=np.array([1, 9]))
    assert tuple(cols) == FEATURES
    assert cols["owed"].tolist() == [50.0, 1234.56]
    assert cols["b_pd"].tolist() == [0.02, NO_B_SCORE]
    assert cols["contactable"].tolist() == [1.0, 0.0]


def test_a_message_is_sent_the_next_morning_in_the_debtors_zone() -> None:
    assert send_time(date(2026, 4, 11), "Asia/Shanghai", "09:30") == datetime(
        2026, 4, 12, 1, 30, tzinfo=UTC)
    assert send_time(date(2026, 7, 3), "America/New_York", "09:30") == datetime(
        2026, 7, 4, 13, 30, tzinfo=UTC)


def test_the_relay_writes_a_strategy_message_on_its_one_channel_only() -> None:
    now = datetime(2026, 4, 11, 16, tzinfo=UTC)
    event = OutboxEvent(7, "collections.reminder", {
        "case_id": "k1", "line_id": "l1ab12", "customer_id": "c1", "channels": ["sms"],
        "amount": "50.00", "days_past_due": 1, "dedupe_key": "collections:k1:2026-04-11",
        "deliver_after": "2026-04-12T01:30:00+00:00", "reason": "REMIND"}, now, None)
    rec = Recipient("c1", "Li Lei", "en", "Asia/Shanghai", has_email=True, has_phone=True,
                    line_kind="bnpl")
    [m] = messages_for(event, rec, ["inbox", "email", "sms"], now)
    assert (m.channel, m.status) == ("sms", "pending")
    assert m.due_at == datetime(2026, 4, 12, 1, 30, tzinfo=UTC)
    assert "50.00" in m.subject and "Li Lei" in m.body
