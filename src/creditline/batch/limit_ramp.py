"""The limit-ramp stage of end of day: a new customer's first limit grows with behaviour.

Registered after the servicing kernel, whose published columns it reads: on the day a line's
statement is cut (``last_stmt`` is today), a line with a ramp (``lines.ramp``) that is
active with nothing past due, and old enough for a due date to have passed, steps its permanent limit up by the ramp's growth share, until
the target the policy granted (``lines.ramp.next_limits``: a pure function over the
partition's columns).  The writes are bulk: the new limits (``uow.limit_ramps.step``), one
``permanent`` limit event per line with source ``strategy`` and reason ``LIMIT_RAMP``
(actor ``system``), and one outbox notification ``line.limit_changed``.

A line is visited on its statement day (a bill), so skipping loses no step.  The ramp
records the day of its last step, so running the stage again for a day changes nothing:
it is ``rerunnable``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from creditline.auth import SYSTEM
from creditline.batch.pipeline import Partition, Stage, StageOutput
from creditline.lines.limits import LimitEvent, LimitKind, LimitSource
from creditline.lines.ramp import GROWTH_SCALE, LimitRamp, next_limits, ramp_due
from creditline.lines.status import STATUS_CODE, LineStatus
from creditline.money import money_str
from creditline.products.catalog import LONGEST_CYCLE_DAYS
from creditline.servicing.calendar import day_number
from creditline.uow import UnitOfWork

LIMIT_RAMP = "limit_ramp"
REASON = "LIMIT_RAMP"
ACTIVE = STATUS_CODE[LineStatus.ACTIVE]


@dataclass
class RampOutput:
    stepped: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)  # id, old, new


def _cents(d: Decimal) -> int:
    return int(d * 100)


def _read(uow: UnitOfWork, part: Partition) -> list[tuple[LimitRamp, Decimal]]:
    """The ramps of the lines whose statement was cut today (one query a partition)."""
    stmt = part.columns.get("last_stmt")
    if stmt is None:
        return []
    today = np.asarray(stmt) == day_number(part.day)
    ids = [i for i, hit in zip(part.line_ids, today.tolist()) if hit]
    return uow.limit_ramps.of_lines(ids) if ids else []


def _compute(part: Partition, ramps: Any) -> StageOutput:
    """Pure: which of those lines step today, and to what limit."""
    out = RampOutput()
    if not ramps:
        return StageOutput(data=out, counts={"stepped": 0})
    at = {line_id: k for k, line_id in enumerate(part.line_ids)}
    rows = np.array([at[r.line_id] for r, _ in ramps], dtype=np.int64)
    today = day_number(part.day)
    last_step = np.array([-1 if r.last_step_on is None else day_number(r.last_step_on)
                          for r, _ in ramps], dtype=np.int64)
    # the first due date falls at most the longest cycle plus the grace days after opening
    first_due = LONGEST_CYCLE_DAYS + np.asarray(part.frame["grace"], dtype=np.int64)[rows]
    due = ramp_due(np.asarray(part.columns["status"])[rows], ACTIVE,
                   np.asarray(part.columns["past_due"])[rows],
                   np.asarray(part.columns["last_stmt"])[rows], last_step, today,
                   np.asarray(part.frame["opened"], dtype=np.int64)[rows], first_due)
    limit = np.array([_cents(lim) for _, lim in ramps], dtype=np.int64)
    target = np.array([_cents(r.target) for r, _ in ramps], dtype=np.int64)
    growth = np.array([int(r.growth * GROWTH_SCALE) for r, _ in ramps], dtype=np.int64)
    new = next_limits(limit, target, growth)
    for k in np.flatnonzero(due & (new > limit)).tolist():
        out.stepped.append((ramps[k][0].line_id, ramps[k][1],
                            Decimal(int(new[k])).scaleb(-2)))
    return StageOutput(data=out, counts={"stepped": len(out.stepped)})


def _write(uow: UnitOfWork, part: Partition, result: StageOutput) -> dict[str, int]:
    out: RampOutput = result.data
    if not out.stepped:
        return {}
    uow.limit_ramps.step([(i, new) for i, _, new in out.stepped], part.day)
    at = uow.now()
    for line_id, old, new in out.stepped:
        uow.limit_events.add(LimitEvent(
            line_id=line_id, at=at, business_date=part.day, old_limit=old, new_limit=new,
            kind=LimitKind.PERMANENT, source=LimitSource.STRATEGY, actor=SYSTEM.name,
            reason_codes=(REASON,), note="limit ramp: a statement closed without arrears"))
        uow.emit("line.limit_changed", {
            "line_id": line_id, "from": money_str(old), "to": money_str(new),
            "reason": "limit ramp: a statement closed without arrears",
            "business_date": part.day.isoformat()})
    return {}


LIMIT_RAMP_STAGE = Stage(
    LIMIT_RAMP, compute=_compute, read=_read, write=_write, rerunnable=True,
    description="grow a new customer's first limit at each statement closed without "
                "arrears, up to what the policy granted")
