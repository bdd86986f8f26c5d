"""Types every request and answer schema shares, so a rule about input lives in one place.

- ``Amount`` / ``SignedAmount``: money as the documented ASCII decimal string (``"100"``,
  ``"100.5"``, ``"100.50"``).  A JSON number is refused: binary fractions are not money, and
  one accepted form keeps clients honest.  The rule itself is ``creditline.money``'s.
- ``Count`` and friends: real JSON integers (``true`` is not 1, ``"3"`` is not 3) within
  bounds the store can hold.
- ``Timestamp``: an answer's instant, always ISO 8601 with an offset (UTC, ``...Z``).
- ``ErrorBody``: the one shape of every error answer (400-429), documented on every route.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Query
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictInt

from creditline.errors import ValidationError
from creditline.money import AMOUNT_PATTERN, SIGNED_AMOUNT_PATTERN, check_amount_text

INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1


# -- input --------------------------------------------------------------------------------
def _amount(value: str) -> str:
    try:
        check_amount_text(value)
    except ValidationError as exc:  # pydantic names the field; give it the rule
        raise ValueError(exc.rule) from None
    return value


def _signed_amount(value: str) -> str:
    try:
        check_amount_text(value, allow_negative=True)
    except ValidationError as exc:
        raise ValueError(exc.rule) from None
    return value


Amount = Annotated[str, AfterValidator(_amount), Field(
    json_schema_extra={"pattern": AMOUNT_PATTERN, "examples": ["100.00"]},
    description="A decimal string in ASCII digits with at most two decimals, e.g. \"100.00\" "
                "(a JSON number is refused).")]
SignedAmount = Annotated[str, AfterValidator(_signed_amount), Field(
    json_schema_extra={"pattern": SIGNED_AMOUNT_PATTERN, "examples": ["-1200.00"]},
    description="A decimal string in ASCII digits, may start with '-', at most two decimals.")]

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _day_text(value: object) -> object:
    if isinstance(value, date):  # from Python callers
        return value
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


Day = Annotated[date, BeforeValidator(_day_text)]
"""A business date as ``"YYYY-MM-DD"`` only (pydantic alone also takes 0 as 1970-01-01)."""

Count = Annotated[StrictInt, Field(ge=0, le=INT32_MAX)]
"""A non-negative JSON integer (booleans and strings refused)."""

Offset = Annotated[int, Query(ge=0, le=INT64_MAX, description="rows to skip")]
"""A query offset: a 64-bit count (larger numbers are a 422, not a database overflow)."""

Seq = Annotated[int, Query(ge=0, le=INT64_MAX)]


# -- answers ------------------------------------------------------------------------------
def _aware(value: datetime) -> datetime:
    """Stores give back UTC instants; SQLite forgets the zone, so put it back."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Timestamp = Annotated[datetime, AfterValidator(_aware)]


def iso_utc(value: datetime) -> str:
    """The text form ``Timestamp`` serializes to (``2026-03-02T02:00:00Z``), for dict answers."""
    return _aware(value).isoformat().replace("+00:00", "Z")


class ErrorItem(BaseModel):
    model_config = ConfigDict(extra="allow")

    loc: list[str | int] = Field(description="where: field path, query parameter or header")
    msg: str = Field(description="the rule it broke")
    type: str | None = None


class ErrorBody(BaseModel):
    """Every 4xx answer has this shape (and a 500 too, without internals)."""

    code: str = Field(description="machine-readable kind, e.g. validation_error, not_found")
    message: str = Field(description="what went wrong, naming the field and the rule")
    detail: list[ErrorItem] = Field(description="one item per problem (may be empty)")
    reason: str | None = Field(default=None, description="rule_violation only: which rule")


ERROR_TEXT: dict[int, str] = {
    400: "The request cannot be read: malformed JSON, a NUL byte or an unpaired surrogate, "
         "too deeply nested, too many items, or a duplicate key",
    401: "Missing, invalid or revoked bearer token",
    403: "The token's role may not do this",
    404: "No such resource (or route)",
    405: "The route does not allow this method",
    409: "Clashes with the current state (duplicate, wrong status, stale version, "
         "Idempotency-Key reused with another body)",
    413: "The body is larger than the configured limit",
    415: "The body is not JSON (send Content-Type: application/json)",
    422: "A field broke a rule; detail names each field",
    429: "Too many requests; retry after the time in Retry-After",
    500: "An unexpected error; the server log has the details",
}

