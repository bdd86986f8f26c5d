"""The review stage of end of day: a line whose periodic review is long overdue is frozen by
rule (``lines.reviews.freeze_mask``), the day end of day closes finds it so.

Registered after the temporary-limit stage.  Per partition it reads, in one query, the open
review case of each of the partition's lines and its due day, masks the active lines whose
case is more than 60 days overdue, freezes them in one statement, and audits and tells each
customer.

**Skipping** (as the temporary-limit stage does): opening a case saves its line, so end of
day visits it the next day; at every visit, a line whose case is not yet long overdue but
whose next visit the kernel put after its freeze day has that visit brought back to the
freeze day (``hold_next_visit``).  A line is thus visited on the day its review turns long
overdue.  Running the stage again for a day finds nothing left to freeze (``rerunnable``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from creditline.auth import SYSTEM
from creditline.batch.pipeline import Partition, Stage, StageOutput
from creditline.batch.temporary_limits import hold_visits, visits_to_hold
from creditline.lines.reviews import freeze_day, freeze_mask
from creditline.servicing.calendar import day_number
from creditline.uow import UnitOfWork

REVIEWS = "reviews"


@dataclass
class ReviewOutput:
    frozen: list[tuple[str, str]] = field(default_factory=list)  # (line id, case id)
    held: list[str] = field(default_factory=list)  # lines whose next visit comes back ...
    held_to: list[int] = field(default_factory=list)  # ... to their freeze day (day number)


def _read(uow: UnitOfWork, part: Partition) -> dict[str, tuple[str, date]]:
    return uow.review_cases.open_due(part.line_ids)


def _compute(part: Partition, cases: dict[str, tuple[str, date]]) -> StageOutput:
    ids = np.asarray(part.line_ids, dtype=object)
    freeze_on = np.array([day_number(freeze_day(cases[i][1])) if i in cases else -1
                          for i in part.line_ids], dtype=np.int64)
    today = day_number(part.day)
    mask = freeze_mask(part.frame["status"], freeze_on, today)
    out = ReviewOutput(frozen=[(i, cases[i][0]) for i in ids[mask].tolist()])
    out.held, out.held_to = visits_to_hold(part, freeze_on)
    return StageOutput(data=out, counts={"frozen": len(out.frozen), "held": len(out.held)})


def _write(uow: UnitOfWork, part: Partition, result: StageOutput) -> dict[str, int]:
    out: ReviewOutput = result.data
    hold_visits(uow, out.held, out.held_to)
    cases = dict(out.frozen)
    for line_id in uow.review_cases.freeze(list(cases)):
        details = {"from": "active", "to": "frozen", "reason": "REVIEW_LONG_OVERDUE",
                   "case_id": cases[line_id], "business_date": part.day}
        uow.audit(SYSTEM, "line.status_changed", "credit_line", line_id, details)
        uow.emit("line.status_changed", {
            "line_id": line_id, **details,
            "reason_en": "Your line's periodic review is long overdue: the line is frozen "
                         "until the review is decided.",
            "reason_zh": "您的额度定期复审严重逾期：额度已冻结，待复审完成。"})
    return {}


REVIEW_STAGE = Stage(
    REVIEWS, compute=_compute, read=_read, write=_write, rerunnable=True,
    description="freeze lines whose periodic review is more than 60 days overdue; keep a "
                "line with an open review due for a visit on its freeze day")
