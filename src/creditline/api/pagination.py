"""One pagination style and one list shape for every list route.

A list answers ``{"items": [...], "next_cursor": "..." | null, "total": n | null}``.  The
client sends ``cursor`` (the ``next_cursor`` it got; absent for the first page) and
``limit`` (1-200, default 50; anything else is a 422).  The cursor is opaque: base64url of
the last row's ``(created_at, id)``, the unique key every list is ordered by
(``creditline.paging``), so paging is stable while rows are inserted.  A cursor this API did
not issue is a 422 naming ``cursor``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field

from creditline.errors import ValidationError
from creditline.paging import LIMIT_DEFAULT, LIMIT_MAX, Page, PageKey, PageRequest

T = TypeVar("T")
U = TypeVar("U")

_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


class ListPage(BaseModel, Generic[T]):
    """The one list shape."""

    items: list[T]
    next_cursor: str | None = Field(description="pass as ``cursor`` for the next page; null on "
                                                "the last page")
    total: int | None = Field(description="rows matching the filters (all pages); null where "
                                          "the route does not count")


def encode_cursor(key: PageKey) -> str:
    raw = json.dumps([key.created_at.isoformat(), key.id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> PageKey:
    """The key a cursor stands for; anything else is a 422 naming ``cursor``."""
    bad = ValidationError("cursor", "is not a cursor this API issued (pass next_cursor as given)")
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,400}", cursor):
        raise bad
    try:
        at, id_ = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        when = datetime.fromisoformat(at)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise bad from None
    if not isinstance(id_, str) or not _ID.fullmatch(id_):
        raise bad
    return PageKey(when, id_)


def page_request(
    cursor: Annotated[str | None, Query(max_length=400, description="next_cursor of the page "
                                        "before; omit for the first page")] = None,
    limit: Annotated[int, Query(ge=1, le=LIMIT_MAX, description="rows per page")] = LIMIT_DEFAULT,
) -> PageRequest:
    return PageRequest(after=None if cursor is None else decode_cursor(cursor), limit=limit)


PageParams = Annotated[PageRequest, Depends(page_request)]


def list_page(page: Page[U], public: Callable[[U], T]) -> ListPage[T]:
    return ListPage[T](items=[public(x) for x in page.items],
                       next_cursor=None if page.next is None else encode_cursor(page.next),
                       total=page.total)
