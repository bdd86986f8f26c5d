"""A temporary limit by campaign, on SQLite and PostgreSQL: the shipped Singles' Day 2026
campaign (``lines/campaigns/double11_2026.json``: consumer lines on the book 90 days by
1 November, not past due, limit at least 1,000.00, +30 % from 1 to 11 November) is granted
by a risk officer, spent above the permanent limit, lapses at the end of 11 November, and
the over-limit rule applies: the excess runs off, no new purchase until the balance is
back below the permanent limit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditline.auth import SYSTEM, Principal, Role
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.errors import BusinessRuleViolation, ValidationError
from creditline.lines.campaigns import default_campaigns
from creditline.servicing import campaigns as cp
from creditline.servicing import services as sv
from tests.integration.servicing_support import eod_through, ledger_sound, open_line

D = Decimal
OFFICER = Principal(user_id="ro-1", name="li-officer", role=Role.RISK_OFFICER)


def test_a_campaign_limit_is_granted_by_rule_lapses_and_the_excess_runs_off(
        container: Container, clock: FixedClock) -> None:
    clock.set_date(date(2026, 10, 30))
    old = open_line(container, "5000.00", on=date(2026, 7, 1))  # 123 days on the book
    new = open_line(container, "5000.00", on=date(2026, 10, 1))  # 31 days: too new
    small = open_line(container, "800.00", on=date(2026, 7, 1))  # below 1,000.00

    dry = cp.grant_campaign(cp.GrantCampaign("double11_2026", dry_run=True), container.uow(),
                            OFFICER)
    assert (dry.looked_at, dry.granted, dry.raised, dry.line_ids) == (3, 1, D("1500.00"),
                                                                      [old.id])
    assert sv.get_line(old.id, container.uow()).temporary_limit is None  # nothing granted

    run = cp.grant_campaign(cp.GrantCampaign("double11_2026"), container.uow(), OFFICER)
    assert (run.granted, run.line_ids, run.label) == (1, [old.id], default_campaigns().label)
    again = cp.grant_campaign(cp.GrantCampaign("double11_2026"), container.uow(), OFFICER)
    assert again.granted == 0  # the line has its temporary limit already
    granted = sv.limit_history(old.id, container.uow())[-1]
    assert (granted.kind.value, granted.source.value, granted.new_limit, granted.starts_on,
            granted.ends_on, granted.reason_codes, granted.rules_version) == (
        "temporary", "campaign", D("6500.00"), date(2026, 11, 1), date(2026, 11, 11),
        ("CAMPAIGN", "double11_2026"), run.label)
    for other in (new, small):
        assert sv.get_line(other.id, container.uow()).temporary_limit is None

    # 5 November: the festival is on -- 6,000.00 of a 6,500.00 limit in force
    clock.set_date(date(2026, 11, 5))
    sv.purchase(sv.Purchase(old.id, "6000.00", "Bright Circuit Mall", "electronics", 6,
                            idempotency_key="tv"), container.uow(), SYSTEM)
    v = sv.get_line(old.id, container.uow())
    assert (v.limit, v.effective_limit, v.used, v.available) == (
        D("5000.00"), D("6500.00"), D("6000.00"), D("500.00"))

    # the end of 11 November: the campaign limit lapses; 1,000.00 is above the limit
    eod_through(container, clock, date(2026, 11, 11))
    clock.set_date(date(2026, 11, 12))
    v = sv.get_line(old.id, container.uow())
    assert (v.limit, v.effective_limit, v.used, v.available, v.temporary_limit) == (
        D("5000.00"), D("5000.00"), D("6000.00"), D("0.00"), None)
    lapse = sv.limit_history(old.id, container.uow())[-1]
    assert (lapse.source.value, lapse.old_limit, lapse.new_limit, lapse.reason_codes) == (
        "expiry", D("6500.00"), D("5000.00"), ("OVER_LIMIT_RUN_OFF",))
    assert "1000.00 used above the permanent limit runs off" in lapse.note
    with pytest.raises(BusinessRuleViolation) as refused:
        sv.purchase(sv.Purchase(old.id, "10.00", "Daily Basket", "groceries",
                                idempotency_key="milk"), container.uow(), SYSTEM)
    assert refused.value.reason == "insufficient_available_credit"

    # the excess is not called in: paying 1,500.00 brings the line back under its limit
    sv.repay(sv.Repay(old.id, "1500.00", idempotency_key="pay"), container.uow(), SYSTEM)
    v = sv.get_line(old.id, container.uow())
    assert (v.used, v.available) == (D("4500.00"), D("500.00"))
    ledger_sound(container)

    # a campaign that has ended cannot be granted
    with pytest.raises(ValidationError) as ended:
        cp.grant_campaign(cp.GrantCampaign("double11_2026"), container.uow(), OFFICER)
    assert ended.value.field == "campaign"


def test_a_campaign_whose_end_is_before_its_start_is_refused_naming_the_field() -> None:
    from creditline.lines.campaigns import parse_campaign

    raw = {"code": "bad", "name_en": "Bad", "name_zh": "坏", "start": "2026-11-11",
           "end": "2026-11-01", "products": ["consumer_bnpl"], "raise_share": "0.3"}
    with pytest.raises(ValidationError) as e:
        parse_campaign(raw, "bad.json")
    assert e.value.field == "campaigns.bad.end"
    with pytest.raises(ValidationError) as share:
        parse_campaign({**raw, "end": "2026-11-20", "raise_share": "1.5"}, "bad.json")
    assert share.value.field == "campaigns.bad.raise_share"
