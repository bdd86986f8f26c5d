"""Keyset pages for the list endpoints: one order and one cursor everywhere.

Every browsable aggregate is listed in ``(created_at, id)`` order, a unique key, so a page
ends at a key and the next one starts strictly after it: no row is seen twice or skipped
while others are inserted (a new row's ``created_at`` is the clock's now, so it lands after
the rows already listed, or on a later page).  The API turns a :class:`PageKey` into an
opaque cursor (``creditline.api.pagination``); no I/O here.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

from creditline.errors import ValidationError

T = TypeVar("T")

LIMIT_MAX = 200
LIMIT_DEFAULT = 50
_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


@dataclass(frozen=True)
class PageKey:
    """Where a page ended: the last row's ``created_at`` (UTC) and id."""

    created_at: datetime
    id: str

    def utc(self) -> datetime:
        """The timestamp in UTC, without tzinfo (how SQLite stores it; PostgreSQL compares
        an aware value the same way once both are UTC)."""
        ts = self.created_at
        return (ts.astimezone(UTC) if ts.tzinfo else ts).replace(tzinfo=None)


@dataclass(frozen=True)
class PageRequest:
    after: PageKey | None = None
    limit: int = LIMIT_DEFAULT

    def __post_init__(self) -> None:
        if isinstance(self.limit, bool) or not isinstance(self.limit, int) \
                or not 1 <= self.limit <= LIMIT_MAX:
            raise ValidationError("limit", f"must be an integer from 1 to {LIMIT_MAX}")


@dataclass(frozen=True)
class Page(Generic[T]):
    """``next`` is None on the last page; ``total`` counts every row matching the filters
    (None where counting is not offered)."""

    items: list[T]
    next: PageKey | None
    total: int | None


_EPOCH = datetime(1970, 1, 1)
_MICRO = timedelta(microseconds=1)


def encode_cursor(key: PageKey) -> str:
    """base64url of ``[microseconds since 1970 UTC, id]``: short enough to paste."""
    raw = json.dumps([(key.utc() - _EPOCH) // _MICRO, key.id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> PageKey:
    """The key a cursor stands for; anything else is a 422 naming ``cursor``."""
    bad = ValidationError("cursor", "is not a cursor this API issued (pass next_cursor as given)")
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,400}", cursor):
        raise bad
    try:
        at, id_ = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if isinstance(at, bool) or not isinstance(at, int) or not 0 <= at < 2**62:
            raise bad
        when = (_EPOCH + at * _MICRO).replace(tzinfo=UTC)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError, OverflowError):
        raise bad from None
    if not isinstance(id_, str) or not _ID.fullmatch(id_):
        raise bad
    return PageKey(when, id_)


@dataclass(frozen=True)
class SeqPageRequest:
    """A page of a list ordered by an integer sequence (limit events, statements, the audit
    chain): unique and increasing, so the key is just the last ``seq`` seen."""

    after: int | None = None
    limit: int = LIMIT_DEFAULT

    def __post_init__(self) -> None:
        PageRequest(limit=self.limit)


@dataclass(frozen=True)
class SeqPage(Generic[T]):
    """``next`` is the last row's sequence number when there is another page, else None."""

    items: list[T]
    next: int | None
    total: int | None


def encode_seq_cursor(seq: int) -> str:
    """base64url of ``["s", seq]``: tagged so a ``(created_at, id)`` cursor is not taken
    for one."""
    raw = json.dumps(["s", seq], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_seq_cursor(cursor: str) -> int:
    """The sequence number a cursor stands for; anything else is a 422 naming ``cursor``."""
    bad = ValidationError("cursor", "is not a cursor this API issued (pass next_cursor as given)")
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,400}", cursor):
        raise bad
    try:
        tag, seq = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise bad from None
    if tag != "s" or isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq < 2**62:
        raise bad
    return seq


def check_filters(**values: object) -> None:
    """Text filters go into SQL as parameters; a NUL character (which PostgreSQL refuses in
    text) or a lone surrogate (not encodable) is bad input, named by its filter."""
    for name, value in values.items():
        if isinstance(value, str):
            if "\x00" in value:
                raise ValidationError(name, "must not contain NUL characters")
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ValidationError(name, "must be valid Unicode text") from None
