"""Column types.  Money is stored as integer minor units (cents) in a BIGINT so sums in
SQL are exact on both SQLite (which has no decimal type) and PostgreSQL; the type turns
it back into a ``Decimal`` on the way out.  Rates are stored as text to keep every digit."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, String
from sqlalchemy.types import TypeDecorator

from creditline.money import CENT, quantize


class Money(TypeDecorator[Decimal]):
    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("float is not money")
        return int(quantize(Decimal(value)) / CENT)

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        # integer cents shifted two places: exact, and already at the cent (no rounding)
        return None if value is None else Decimal(int(value)).scaleb(-2)


class Rate(TypeDecorator[Decimal]):
    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("float is not a rate")
        return str(Decimal(value))

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(value)


def cents(value: Decimal) -> int:
    """Decimal money to integer cents, for raw SQL parameters."""
    return int(quantize(value) / CENT)


def from_cents(value: int | None) -> Decimal:
    """Integer cents from a raw SQL aggregate back to Decimal money."""
    return Decimal(int(value or 0)).scaleb(-2)


def aware(ts: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes for ``DateTime(timezone=True)``; they were UTC."""
    if ts is None:
        return None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts
