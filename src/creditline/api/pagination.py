"""One pagination style and one list shape for every list route.

A list answers ``{"items": [...], "next_cursor": "..." | null, "total": n | null}``.  The
client sends ``cursor`` (the ``next_cursor`` it got; absent for the first page) and
``limit`` (1-200, default 50; anything else is a 422).  The cursor is opaque: base64url of
the last row's ``(created_at, id)``, the unique key every list is ordered by
(``creditline.paging``), so paging is stable while rows are inserted.  A cursor this API did
not issue is a 422 naming ``cursor``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field

from creditline.paging import (
    LIMIT_DEFAULT,
    LIMIT_MAX,
    Page,
    PageRequest,
    SeqPage,
    SeqPageRequest,
    decode_cursor,
    decode_seq_cursor,
    encode_cursor,
    encode_seq_cursor,
)

T = TypeVar("T")
U = TypeVar("U")

class ListPage(BaseModel, Generic[T]):
    """The one list shape."""

    items: list[T]
    next_cursor: str | None = Field(description="pass as ``cursor`` for the next page; null on "
                                                "the last page")
    total: int | None = Field(description="rows matching the filters (all pages); null where "
                                          "the route does not count")


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


def seq_page_request(
    cursor: Annotated[str | None, Query(max_length=400, description="next_cursor of the page "
                                        "before; omit for the first page")] = None,
    limit: Annotated[int, Query(ge=1, le=LIMIT_MAX, description="rows per page")] = LIMIT_DEFAULT,
) -> SeqPageRequest:
    """The same ``cursor``/``limit`` for lists ordered by an integer sequence."""
    return SeqPageRequest(after=None if cursor is None else decode_seq_cursor(cursor),
                          limit=limit)


SeqPageParams = Annotated[SeqPageRequest, Depends(seq_page_request)]


def list_seq_page(page: SeqPage[U], public: Callable[[U], T]) -> ListPage[T]:
    return ListPage[T](items=[public(x) for x in page.items],
                       next_cursor=None if page.next is None else encode_seq_cursor(page.next),
                       total=page.total)
