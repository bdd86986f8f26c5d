"""The lists a closure request picks from: why the customer asks, and what they want.
Every label exists in Chinese and English (customers read them)."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from creditline.errors import ValidationError

E = TypeVar("E", bound=StrEnum)


class Outcome(StrEnum):
    CLOSE = "close"  # close the line once nothing is owed
    REDUCE = "reduce"  # keep the line with a lower limit


# code -> (English, Chinese)
REASONS: dict[str, tuple[str, str]] = {
    "income_change": ("My income has changed", "收入发生变化"),
    "asset_change": ("My assets have changed", "资产状况发生变化"),
    "no_longer_needed": ("I no longer need the line", "不再需要该额度"),
    "too_much_credit": ("I want less credit available to me", "希望降低可用额度"),
    "moving_abroad": ("I am moving abroad", "即将移居境外"),
    "business_downturn": ("Our business has shrunk (orders cancelled)", "经营下滑（订单取消）"),
    "switching_lender": ("I am moving to another lender", "转至其他机构"),
    "other": ("Another reason (see the text)", "其他原因（见说明）"),
}


def parse_reasons(values: object) -> tuple[str, ...]:
    """One to five codes from ``REASONS``, no repeats."""
    if isinstance(values, str) or not isinstance(values, list | tuple) or not values:
        raise ValidationError("reasons", "must be a list of 1-5 reason codes")
    if len(values) > 5:
        raise ValidationError("reasons", "must be a list of 1-5 reason codes")
    out: list[str] = []
    for v in values:
        if v not in REASONS:
            raise ValidationError("reasons", "each must be one of " + ", ".join(REASONS))
        if v in out:
            raise ValidationError("reasons", f"{v} is listed twice")
        out.append(str(v))
    return tuple(out)


def choice(kind: type[E], value: object, field: str) -> E:
    """One of an enumeration's values, or a 422 naming the field and the values."""
    try:
        return kind(str(value))
    except ValueError:
        raise ValidationError(field, "must be one of " + ", ".join(k.value for k in kind)
                              ) from None


def parse_outcome(value: object) -> Outcome:
    return choice(Outcome, value, "outcome")
