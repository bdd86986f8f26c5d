"""Manual review: one reviewer decides, a second confirms approvals above the threshold."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from creditline.errors import Conflict, Forbidden, ValidationError
from creditline.origination.review import (
    DECIDED,
    PENDING,
    SECOND_REVIEW,
    Review,
    decide,
    parse_decision,
)

AT = datetime(2026, 3, 2, 9, tzinfo=UTC)


def review(proposed: str = "6000.00") -> Review:
    return Review(id="r1", application_id="a1", status=PENDING, proposed_limit=D(proposed),
                  min_limit=D("500.00"), max_limit=D("50000.00"),
                  second_review_above=D("20000.00"), decisions=(), created_at=AT)


def test_an_approval_at_or_under_the_threshold_is_final_with_the_proposed_limit() -> None:
    r = decide(review(), reviewer_id="u1", reviewer="ann", decision="approve", limit=None,
               comment="salary slip checked", at=AT)
    assert r.status == DECIDED and r.outcome == "approved" and r.final_limit == D("6000.00")


def test_above_the_threshold_a_second_different_reviewer_must_confirm() -> None:
    r = decide(review(), reviewer_id="u1", reviewer="ann", decision="approve",
               limit=D("30000.00"), comment="strong file", at=AT)
    assert r.status == SECOND_REVIEW and r.outcome is None
    with pytest.raises(Forbidden, match="another reviewer"):
        decide(r, reviewer_id="u1", reviewer="ann", decision="approve", limit=None,
               comment="again", at=AT)
    with pytest.raises(ValidationError, match="not raise"):
        decide(r, reviewer_id="u2", reviewer="bob", decision="approve", limit=D("40000.00"),
               comment="more", at=AT)
    done = decide(r, reviewer_id="u2", reviewer="bob", decision="approve", limit=D("25000.00"),
                  comment="agree, a little lower", at=AT)
    assert done.outcome == "approved" and done.final_limit == D("25000.00")
    assert [d.reviewer for d in done.decisions] == ["ann", "bob"]


def test_the_second_reviewer_can_decline_and_a_first_decline_is_final() -> None:
    r = decide(review(), reviewer_id="u1", reviewer="ann", decision="approve",
               limit=D("30000.00"), comment="ok", at=AT)
    assert decide(r, reviewer_id="u2", reviewer="bob", decision="decline", limit=None,
                  comment="ring member", at=AT).outcome == "declined"
    first = decide(review(), reviewer_id="u1", reviewer="ann", decision="decline", limit=None,
                   comment="fraud", at=AT)
    assert first.outcome == "declined"
    with pytest.raises(Conflict):
        decide(first, reviewer_id="u2", reviewer="bob", decision="approve", limit=None,
               comment="x", at=AT)


def test_limits_stay_within_the_product_and_input_is_checked() -> None:
    with pytest.raises(ValidationError, match=r"between 500\.00 and 50000\.00"):
        decide(review(), reviewer_id="u1", reviewer="ann", decision="approve",
               limit=D("60000.00"), comment="x", at=AT)
    with pytest.raises(ValidationError) as err:
        parse_decision("maybe", None, "x")
    assert err.value.field == "decision"
    with pytest.raises(ValidationError) as err:
        parse_decision("approve", "100.00", "  ")
    assert err.value.field == "comment"
    assert parse_decision("approve", "100.00", " fine ") == ("approve", D("100.00"), "fine")
