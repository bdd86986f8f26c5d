"""Book-wide steps at the end of each day end of day closes: the sector watch, then the
schedule of periodic reviews, then the lapse of held purchases nobody decided (issue 13).

They look at the whole book (every open enterprise line's industry and days past due), not
at one partition, so they are not pipeline stages: they run once a day, in the transaction
that completes the day, after its last partition -- a crash before that commit reruns them
with the day, and a day is never complete without them.  The watch comes first, so a review
falling due today is quarterly when today's watch flagged its industry.  A stage run alone
(``--stage``) and the online catch-up of one line do not run them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from creditline.auth import Principal
from creditline.servicing.holds import expire_holds_on
from creditline.servicing.line_reviews import schedule_on
from creditline.servicing.sectors import watch_on
from creditline.uow import UnitOfWork

DayStep = Callable[[UnitOfWork, date, Principal], dict[str, int]]


def sector_watch(uow: UnitOfWork, day: date, actor: Principal) -> dict[str, int]:
    flags = watch_on(uow, day, actor)
    return {"industries": len(flags), "flagged": sum(f.flagged for f in flags)}


def hold_expiry(uow: UnitOfWork, day: date, actor: Principal) -> dict[str, int]:
    return {"expired": len(expire_holds_on(uow, day, actor))}


def review_schedule(uow: UnitOfWork, day: date, actor: Principal) -> dict[str, int]:
    run = schedule_on(uow, day, actor)
    return {"opened": len(run.opened), "frozen": len(run.frozen)}


DAY_END: tuple[tuple[str, DayStep], ...] = (("sector_watch", sector_watch),
                                            ("review_schedule", review_schedule),
                                            ("hold_expiry", hold_expiry))
