"""The book's business calendar: read the business date (staff) and move it forward (admins).
Every money event, decision and end of day is dated on it, not on the wall clock."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from creditline.api.deps import Allowed, ContainerDep
from creditline.auth import Principal
from creditline.calendar.services import (
    MAX_ADVANCE_DAYS,
    Advance,
    CalendarView,
    SetBusinessDate,
    advance,
    set_business_date,
    show_calendar,
)

router = APIRouter(prefix="/v1/calendar", tags=["calendar"])


class CalendarPublic(BaseModel):
    business_date: str = Field(description="the book's current business date (YYYY-MM-DD)")
    pinned: bool = Field(description="false while no one has set it: it then follows the "
                                     "wall clock's date (China Standard Time)")
    updated_at: str | None = Field(description="when it was last moved (ISO 8601, wall clock)")
    updated_by: str | None = Field(description="who last moved it")

    @classmethod
    def of(cls, v: CalendarView) -> CalendarPublic:
        return cls(business_date=v.business_date.isoformat(), pinned=v.pinned,
                   updated_at=v.updated_at.isoformat() if v.updated_at else None,
                   updated_by=v.updated_by)


class SetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    business_date: date = Field(description="the new business date (YYYY-MM-DD); the same "
                                            "day or later, never earlier")


class AdvanceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: int = Field(1, ge=1, le=MAX_ADVANCE_DAYS, strict=True,
                      description="how many days to move forward")


@router.get("", response_model=CalendarPublic, summary="Show the business date")
def get_calendar(container: ContainerDep,
                 actor: Annotated[Principal, Allowed("calendar:read")]) -> CalendarPublic:
    """The book's current business date and who last moved it."""
    return CalendarPublic.of(show_calendar(container.uow()))


@router.put("", response_model=CalendarPublic, summary="Set the business date")
def put_calendar(body: SetRequest, container: ContainerDep,
                 actor: Annotated[Principal, Allowed("calendar:set")]) -> CalendarPublic:
    """Move the business date to a given day (the same day or later; audited)."""
    return CalendarPublic.of(set_business_date(SetBusinessDate(body.business_date),
                                               container.uow(), actor))


@router.post("/advance", response_model=CalendarPublic, summary="Advance the business date")
def post_advance(body: AdvanceRequest, container: ContainerDep,
                 actor: Annotated[Principal, Allowed("calendar:set")]) -> CalendarPublic:
    """Move the business date forward by ``days`` (1 by default; audited).  Run end of day
    through the old date first: end of day closes days up to the business date."""
    return CalendarPublic.of(advance(Advance(body.days), container.uow(), actor))
