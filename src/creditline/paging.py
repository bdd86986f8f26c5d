"""Keyset pages for the list endpoints: one order and one cursor everywhere.

Every browsable aggregate is listed in ``(created_at, id)`` order, a unique key, so a page
ends at a key and the next one starts strictly after it: no row is seen twice or skipped
while others are inserted (a new row's ``created_at`` is the clock's now, so it lands after
the rows already listed, or on a later page).  The API turns a :class:`PageKey` into an
opaque cursor (``creditline.api.pagination``); no I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar

from creditline.errors import ValidationError

T = TypeVar("T")

LIMIT_MAX = 200
LIMIT_DEFAULT = 50


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
