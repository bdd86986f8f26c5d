"""Money: one parser, one rounding rule, and splits that always add up to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditline.errors import ValidationError
from creditline.money import CENT, money_str, quantize, ratio_split, split_even, to_money

amounts = st.decimals(min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=2,
                      allow_nan=False, allow_infinity=False)


def test_decimal_strings_ints_and_decimals_are_money() -> None:
    assert to_money("100") == Decimal("100.00")
    assert to_money("0.5") == Decimal("0.50")
    assert to_money(7) == Decimal("7.00")
    assert to_money(Decimal("12.30")) == Decimal("12.30")
    assert money_str(Decimal("1234.5")) == "1234.50"


def test_floats_are_refused_everywhere() -> None:
    with pytest.raises(TypeError):
        to_money(0.1)
    with pytest.raises(TypeError):
        quantize(0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "kwargs", "rule"), [
    ("1.001", {}, "at most 2 decimal places"),
    ("abc", {}, "decimal string"),
    ("NaN", {}, "finite"),
    ("-1", {}, "not be negative"),
    ("0", {}, "greater than zero"),
    (True, {}, "decimal string"),
    (None, {}, "decimal string"),
])
def test_malformed_amounts_name_the_field_and_rule(value: object, kwargs: dict[str, bool],
                                                   rule: str) -> None:
    with pytest.raises(ValidationError, match=rule) as err:
        to_money(value, "purchase.amount", **kwargs)
    assert err.value.field == "purchase.amount"


def test_zero_and_negative_only_when_allowed() -> None:
    assert to_money("0", allow_zero=True) == Decimal("0.00")
    assert to_money("-3.10", allow_negative=True) == Decimal("-3.10")


def test_one_rounding_rule_half_up() -> None:
    assert quantize(Decimal("0.005")) == Decimal("0.01")
    assert quantize(Decimal("0.004")) == Decimal("0.00")
    assert quantize(Decimal("-0.005")) == Decimal("-0.01")
    assert quantize(Decimal("2.5"), "JPY") == Decimal("3")


def test_worked_example_1000_in_three_installments() -> None:
    assert split_even(Decimal("1000.00"), 3) == [Decimal("333.33"), Decimal("333.33"),
                                                 Decimal("333.34")]
    assert split_even(Decimal("1000.00"), 3, remainder_last=False)[0] == Decimal("333.34")
    assert ratio_split(Decimal("100.00"), [Decimal(1), Decimal(1), Decimal(1)]) == [
        Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]


@given(total=amounts, parts=st.integers(min_value=1, max_value=36))
def test_split_even_sums_exactly(total: Decimal, parts: int) -> None:
    pieces = split_even(total, parts)
    assert len(pieces) == parts
    assert sum(pieces, Decimal(0)) == total
    assert max(pieces) - min(pieces) <= CENT * parts  # remainder stays on one piece
    assert all(p == quantize(p) for p in pieces)


@given(total=amounts,
       ratios=st.lists(st.decimals(min_value=0, max_value=1000, places=3), min_size=1, max_size=12)
       .filter(lambda r: sum(r) > 0))
def test_ratio_split_sums_exactly_and_each_part_is_within_a_cent(
        total: Decimal, ratios: list[Decimal]) -> None:
    parts = ratio_split(total, ratios)
    assert sum(parts, Decimal(0)) == total
    weight = sum(ratios, Decimal(0))
    for part, r in zip(parts, ratios):
        assert abs(part - total * r / weight) < CENT


def test_split_arguments_are_checked() -> None:
    with pytest.raises(ValueError):
        split_even(Decimal("1"), 0)
    with pytest.raises(ValueError):
        ratio_split(Decimal("1"), [])
    with pytest.raises(ValueError):
        ratio_split(Decimal("1"), [Decimal(0)])
