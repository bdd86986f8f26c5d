"""Temporary limits and their lapse, as worked examples: a 5,000.00 line raised to 8,000.00
for the Singles' Day week (11-17 November)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import numpy as np
import pytest

from creditline.errors import ValidationError
from creditline.lines.limits import (
    LimitKind,
    LimitSource,
    TemporaryLimit,
    effective_limit,
    lapse_event,
    lapsing,
    lapsing_mask,
    temporary_limit,
)

PERMANENT, CAP, TODAY = D("5000.00"), D("50000.00"), date(2026, 11, 10)
WEEK = TemporaryLimit(D("8000.00"), date(2026, 11, 11), date(2026, 11, 17))


def test_the_temporary_limit_is_in_force_from_its_first_to_its_last_day() -> None:
    assert effective_limit(PERMANENT, WEEK, date(2026, 11, 10)) == D("5000.00")
    assert effective_limit(PERMANENT, WEEK, date(2026, 11, 11)) == D("8000.00")
    assert effective_limit(PERMANENT, WEEK, date(2026, 11, 17)) == D("8000.00")
    assert effective_limit(PERMANENT, WEEK, date(2026, 11, 18)) == D("5000.00")
    assert effective_limit(PERMANENT, None, date(2026, 11, 11)) == D("5000.00")


def test_a_permanent_limit_raised_above_it_wins() -> None:
    assert effective_limit(D("9000.00"), WEEK, date(2026, 11, 12)) == D("9000.00")


def test_a_valid_temporary_limit_is_accepted() -> None:
    assert temporary_limit(D("8000.00"), date(2026, 11, 11), date(2026, 11, 17),
                           permanent=PERMANENT, cap=CAP, today=TODAY) == WEEK


@pytest.mark.parametrize(("amount", "start", "end", "field", "rule"), [
    (D("5000.00"), date(2026, 11, 11), date(2026, 11, 17), "amount", "above the permanent"),
    (D("4000.00"), date(2026, 11, 11), date(2026, 11, 17), "amount", "above the permanent"),
    (D("60000.00"), date(2026, 11, 11), date(2026, 11, 17), "amount", "must not exceed"),
    (D("8000.00"), date(2026, 11, 17), date(2026, 11, 11), "end", "on or after start"),
    (D("8000.00"), date(2026, 11, 1), date(2026, 11, 9), "end", "business date"),
])
def test_a_bad_temporary_limit_is_refused_naming_the_field(
        amount: D, start: date, end: date, field: str, rule: str) -> None:
    with pytest.raises(ValidationError) as exc:
        temporary_limit(amount, start, end, permanent=PERMANENT, cap=CAP, today=TODAY)
    assert exc.value.field == field and rule in exc.value.rule


def test_lapsing_names_the_lines_whose_last_day_has_come() -> None:
    ends = [("b", date(2026, 11, 17)), ("a", date(2026, 11, 16)), ("c", date(2026, 11, 18)),
            ("d", None)]
    assert lapsing(date(2026, 11, 16), ends).line_ids == ["a"]
    assert lapsing(date(2026, 11, 17), ends).line_ids == ["a", "b"]  # a missed day still lapses
    assert lapsing(date(2026, 11, 10), ends).line_ids == []


def test_the_column_form_agrees_with_lapsing() -> None:
    day0 = date(1970, 1, 1)
    ends = [date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 18), None]
    cols = np.array([-1 if e is None else (e - day0).days for e in ends])
    for day in (date(2026, 11, 15), date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 18)):
        mask = lapsing_mask(cols, (day - day0).days)
        expected = lapsing(day, [(str(i), e) for i, e in enumerate(ends)]).line_ids
        assert [str(i) for i in np.nonzero(mask)[0]] == expected


def test_a_lapse_is_a_temporary_expiry_event_back_to_the_permanent_limit() -> None:
    at = datetime(2026, 11, 18, 1, 0, tzinfo=UTC)
    e = lapse_event("L1", permanent=PERMANENT, temporary=WEEK, day=date(2026, 11, 17), at=at,
                    actor="system")
    assert (e.kind, e.source, e.actor, e.business_date) == (
        LimitKind.TEMPORARY, LimitSource.EXPIRY, "system", date(2026, 11, 17))
    assert (e.old_limit, e.new_limit, e.starts_on, e.ends_on) == (
        D("8000.00"), PERMANENT, WEEK.start, WEEK.end)
    # the permanent limit caught up meanwhile: nothing above it was in force to lapse from
    raised = lapse_event("L1", permanent=D("9000.00"), temporary=WEEK, day=WEEK.end, at=at,
                         actor="system")
    assert (raised.old_limit, raised.new_limit) == (D("9000.00"), D("9000.00"))
