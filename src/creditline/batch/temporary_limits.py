"""The temporary-limit stage of end of day: temporary limits lapse by themselves.

Registered after the servicing kernel.  For the lines of a partition it finds those whose
temporary limit ends on the day being closed, or earlier (``lines.limits.lapsing_mask``
over the frame's ``temp_end`` column), clears their temporary limit in bulk, and appends
one ``temporary`` limit event with source ``expiry`` (actor ``system``) and one outbox
notification ``line.temporary_limit_lapsed`` per line.  The line keeps its balance;
available credit becomes ``max(0, permanent limit - used)`` (``lines.limits``); what is used
above the permanent limit runs off under the stated over-limit rule (``lines.campaigns``:
reason code ``OVER_LIMIT_RUN_OFF`` on the event, the amount in the notification).

**Skipping.**  End of day skips a quiet line (nothing due before ``next_eod``), and a line
skipped on its lapse day would keep its temporary limit until something else woke it.
Two ways out: declare ``every_line`` (no skipping at all: every open line loaded every day,
for the sake of the few with a temporary limit), or keep such a line's next visit no later
than its temporary limit's end.  This stage does the second, which costs one visit per
temporary limit:

- granting a temporary limit saves the line, and saving clears ``next_eod`` (the line is
  visited at the next end of day), so no grant is ever skipped past;
- at every visit the kernel computes the next visit afresh (``kernel.next_visit``, which
  knows nothing of limits); where that is after the end of a temporary limit still
  running, this stage brings ``next_eod`` back to that end (``hold_next_visit``) -- a
  visit early changes nothing, ``next_visit`` being a lower bound.

So the line is visited on its temporary limit's last day and lapses at its end.  A line
whose end of day runs late (the batch closing several days, or the online catch-up of one
line) goes through this stage for each day in order, and the mask also lapses a limit whose
end is already behind the day closed.

Running it again for a day changes nothing (the lapsed lines no longer have a temporary
limit; the held days are the same), so the stage is ``rerunnable``: it may run alone, and
the kernel may run alone before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import numpy as np

from creditline.auth import SYSTEM
from creditline.batch.pipeline import Partition, Stage, StageOutput
from creditline.lines.campaigns import over_limit
from creditline.lines.limits import TemporaryLimit, lapse_event, lapsing_mask
from creditline.money import money_str
from creditline.servicing.calendar import EPOCH, day_number
from creditline.uow import UnitOfWork

TEMPORARY_LIMITS = "temporary_limits"
LAPSED_TOPIC = "line.temporary_limit_lapsed"


@dataclass
class LapseOutput:
    lapsed: list[str] = field(default_factory=list)  # line ids whose temporary limit lapses
    held: list[str] = field(default_factory=list)  # line ids whose next visit is brought forward
    held_to: list[int] = field(default_factory=list)  # ... to these day numbers
    lapsed_used: list[int] = field(default_factory=list)  # cents used by each lapsed line


def _compute(part: Partition, _: object) -> StageOutput:
    """Pure: which lines lapse today, and which keep a temporary limit but would next be
    visited only after its end."""
    ends = np.asarray(part.frame["temp_end"], dtype=np.int64)
    today = day_number(part.day)
    lapse = lapsing_mask(ends, today)
    ids = np.asarray(part.line_ids, dtype=object)
    used = (np.asarray(part.frame["principal_unbilled"], dtype=np.int64)
            + np.asarray(part.frame["principal_billed"], dtype=np.int64))
    out = LapseOutput(lapsed=ids[lapse].tolist(), lapsed_used=used[lapse].tolist())
    out.held, out.held_to = visits_to_hold(part, ends)
    return StageOutput(data=out, counts={"lapsed": len(out.lapsed), "held": len(out.held)})


def visits_to_hold(part: Partition, until: np.ndarray) -> tuple[list[str], list[int]]:
    """The lines that must be visited again by day ``until`` (day numbers, -1 for none)
    but that the kernel would next visit only after it, and that day: what a stage whose
    rule falls due on a day passes to ``hold_visits`` so skipping cannot miss it."""
    nxt = part.columns.get("next")  # the kernel's next visit (-1: the next end of day)
    if nxt is None:
        return [], []
    hold = (until > day_number(part.day)) & (nxt >= 0) & (nxt > until)
    return np.asarray(part.line_ids, dtype=object)[hold].tolist(), until[hold].tolist()


def hold_visits(uow: UnitOfWork, line_ids: list[str], days: list[int]) -> None:
    if line_ids:
        uow.eod_columns.hold_next_visit(line_ids, [EPOCH + timedelta(days=d) for d in days])


def _write(uow: UnitOfWork, part: Partition, result: StageOutput) -> dict[str, int]:
    out: LapseOutput = result.data
    hold_visits(uow, out.held, out.held_to)
    if not out.lapsed:
        return {}
    at = uow.now()
    used_of = dict(zip(out.lapsed, out.lapsed_used))
    for line_id, permanent, amount, start, end in uow.eod_columns.lapse_temporary_limits(
            out.lapsed):
        temp = TemporaryLimit(amount, start, end)
        used = Decimal(used_of[line_id]).scaleb(-2)
        uow.limit_events.add(lapse_event(line_id, permanent=permanent, temporary=temp,
                                         day=part.day, at=at, actor=SYSTEM.name, used=used))
        # the over-limit rule (lines.campaigns): the excess runs off, told to the customer
        uow.emit(LAPSED_TOPIC, {
            "line_id": line_id, "limit": money_str(permanent),
            "temporary_limit": money_str(amount), "start": start.isoformat(),
            "end": end.isoformat(), "business_date": part.day.isoformat(),
            "over_limit": money_str(over_limit(permanent, used)),
            "over_limit_rule": "run_off"})
    return {}


TEMPORARY_LIMIT_STAGE = Stage(
    TEMPORARY_LIMITS, compute=_compute, write=_write, rerunnable=True,
    description="lapse temporary limits at the end of their last day; keep a line with one "
                "due for a visit on that day")
