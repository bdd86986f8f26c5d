"""Money: one parser, one rounding rule, exact splits.

Amounts are ``Decimal`` quantized to the currency's minor unit (CNY: 0.01) with
ROUND_HALF_UP, applied only here.  ``float`` is refused everywhere because binary
fractions cannot represent cents.  Splits use largest-remainder so the parts always
add up to the whole, to the cent (after hordak's ``ratio_split``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from creditline.errors import ValidationError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
CURRENCY = "CNY"
MINOR_UNITS = {"CNY": 2, "USD": 2, "JPY": 0}


MAX_INTEGER_DIGITS = 15  # below 10^15: the cents fit a BIGINT with room for sums

# The one text form of an amount: ASCII digits, an optional '.' and up to the minor digits.
# No spaces, no '+', no exponent, no other scripts' digits ("１００", "١٠٠").
AMOUNT_PATTERN = r"^[0-9]{1,15}(\.[0-9]{1,2})?$"
SIGNED_AMOUNT_PATTERN = r"^-?[0-9]{1,15}(\.[0-9]{1,2})?$"
_TEXT = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?", re.ASCII)
_FORMAT_RULE = "must be a decimal string in ASCII digits such as \"100.00\" (no spaces or signs)"

_UNITS = {code: Decimal(1).scaleb(-digits) for code, digits in MINOR_UNITS.items()}


def _unit(currency: str = CURRENCY) -> Decimal:
    unit = _UNITS.get(currency)
    return unit if unit is not None else Decimal(1).scaleb(-2)


def quantize(value: Decimal, currency: str = CURRENCY) -> Decimal:
    """Round a Decimal to the currency's minor unit with the one rounding rule."""
    if type(value) is not Decimal:
        if isinstance(value, float):
            raise TypeError("float is not money; pass a Decimal or a decimal string")
        value = Decimal(value)
    return value.quantize(_unit(currency), rounding=ROUND_HALF_UP)


def check_amount_text(value: str, field: str = "amount", *, allow_negative: bool = False,
                      currency: str = CURRENCY) -> None:
    """The format rule for an amount written as text, raising ``ValidationError`` naming the
    field: ASCII digits, at most the currency's minor digits, at most 15 integer digits, a
    leading '-' only where negatives are allowed."""
    m = _TEXT.fullmatch(value)
    if m is None:
        raise ValidationError(field, _FORMAT_RULE)
    sign, whole, frac = m.groups()
    if sign and not allow_negative:
        raise ValidationError(field, "must not be negative")
    digits = MINOR_UNITS.get(currency, 2)
    if frac is not None and len(frac) > digits:
        raise ValidationError(field, f"must have at most {digits} decimal places")
    if len(whole.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise ValidationError(field, f"must be less than 10^{MAX_INTEGER_DIGITS}")


def _non_finite(text: str) -> bool:
    try:
        return not Decimal(text).is_finite()
    except InvalidOperation:
        return False


def to_money(value: object, field: str = "amount", *, allow_zero: bool = False,
             allow_negative: bool = False, currency: str = CURRENCY) -> Decimal:
    """Parse user input into money: a decimal string in the one text form
    (``check_amount_text``), an int or a Decimal, with at most the currency's minor digits.
    Floats raise ``TypeError``; anything else malformed raises ``ValidationError`` naming the
    field and the rule."""
    if isinstance(value, float):
        raise TypeError(f"{field}: float is not money; pass a decimal string")
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise ValidationError(field, "must be a decimal string such as \"100.00\"")
    if isinstance(value, str):
        if _TEXT.fullmatch(value) is None and _non_finite(value):
            raise ValidationError(field, "must be a finite decimal")
        check_amount_text(value, field, allow_negative=True, currency=currency)
    try:
        d = Decimal(value)
    except InvalidOperation:
        raise ValidationError(field, "must be a decimal string such as \"100.00\"") from None
    if not d.is_finite():
        raise ValidationError(field, "must be a finite decimal")
    exp = d.as_tuple().exponent
    assert isinstance(exp, int)
    if -exp > MINOR_UNITS.get(currency, 2):
        raise ValidationError(field, f"must have at most {MINOR_UNITS.get(currency, 2)} decimal places")
    if d.adjusted() >= MAX_INTEGER_DIGITS:
        raise ValidationError(field, f"must be less than 10^{MAX_INTEGER_DIGITS}")
    if d < 0 and not allow_negative:
        raise ValidationError(field, "must not be negative")
    if d == 0 and not allow_zero:
        raise ValidationError(field, "must be greater than zero")
    return quantize(d, currency)


def to_rate(value: object, field: str = "rate") -> Decimal:
    """Parse a rate (e.g. ``"0.0005"`` per day).  Rates keep full precision."""
    if isinstance(value, float):
        raise TypeError(f"{field}: float is not a rate; pass a decimal string")
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(field, "must be a decimal number") from None
    if not d.is_finite() or d < 0:
        raise ValidationError(field, "must be a non-negative decimal")
    return d


def split_even(total: Decimal, parts: int, *, remainder_last: bool = True,
               currency: str = CURRENCY) -> list[Decimal]:
    """Split ``total`` into ``parts`` equal pieces rounded down to the minor unit, with the
    remainder on the last piece (or the first), so the pieces sum exactly to ``total``."""
    if parts <= 0:
        raise ValueError("parts must be positive")
    total = quantize(total, currency)
    unit = _unit(currency)
    base = (total / parts).quantize(unit, rounding=ROUND_DOWN)
    pieces = [base] * parts
    rest = total - base * parts
    idx = parts - 1 if remainder_last else 0
    pieces[idx] = pieces[idx] + rest
    return pieces


def ratio_split(total: Decimal, ratios: Sequence[Decimal], currency: str = CURRENCY) -> list[Decimal]:
    """Split ``total`` in proportion to ``ratios`` by largest remainder: every part is
    within one minor unit of its exact share and the parts sum exactly to ``total``."""
    if not ratios:
        raise ValueError("ratios must not be empty")
    if any(r < 0 for r in ratios):
        raise ValueError("ratios must not be negative")
    total = quantize(total, currency)
    weight = sum(ratios, Decimal(0))
    if weight == 0:
        raise ValueError("ratios must not all be zero")
    unit = _unit(currency)
    sign = -1 if total < 0 else 1
    units_total = int((abs(total) / unit).to_integral_value())
    exact = [Decimal(units_total) * r / weight for r in ratios]
    floors = [int(e.to_integral_value(rounding=ROUND_DOWN)) for e in exact]
    short = units_total - sum(floors)
    order = sorted(range(len(ratios)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:short]:
        floors[i] += 1
    return [Decimal(sign * f) * unit for f in floors]


def money_str(value: Decimal) -> str:
    """The canonical text form of an amount (``"1234.50"``) used in JSON answers."""
    return f"{quantize(value):.2f}"
