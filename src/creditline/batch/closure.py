"""The closure stage of end of day (after the servicing kernel): a ``closing`` line the
kernel closed today gets its final statement, and its closure request is marked ``closed``
with a ``closure.completed`` confirmation to the customer (audited as the system).

The kernel visits every ``closing`` line every day (``kernel.next_visit``), so no closing
line is skipped.  ``rerunnable``: run alone for a day, the frame holds only lines still open
(a line closed that day is not in it), so it finds nothing to do and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from creditline.auth import SYSTEM
from creditline.batch.pipeline import Partition, Stage, StageOutput
from creditline.closure.closing import closed_today, final_statements
from creditline.closure.request import RequestStatus
from creditline.servicing.calendar import day_number
from creditline.servicing.statements import Statement
from creditline.uow import UnitOfWork

CLOSURE = "closure"
COMPLETED_TOPIC = "closure.completed"


@dataclass
class ClosureOutput:
    closed: list[str] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)


def _compute(part: Partition, _: object) -> StageOutput:
    after = part.columns.get("status")
    if after is None or not len(part.line_ids):
        return StageOutput(data=ClosureOutput())
    mask = closed_today(part.frame["status"], after)
    if not mask.any():
        return StageOutput(data=ClosureOutput())
    kernel = part.outputs.get("servicing")
    cut = set(kernel.data.statements["line_id"]) if kernel is not None else set()
    ids = np.asarray(part.line_ids, dtype=object)
    rows = final_statements(part.line_ids, mask, part.columns, day_number(part.day), cut)
    out = ClosureOutput(closed=ids[mask].tolist(), statements=rows)
    return StageOutput(data=out, counts={"closed": len(out.closed),
                                         "final_statements": len(rows)})


def _write(uow: UnitOfWork, part: Partition, result: StageOutput) -> dict[str, int]:
    out: ClosureOutput = result.data
    if not out.closed:
        return {}
    uow.closure_requests.final_statements(out.statements)
    now = uow.now()
    for req in uow.closure_requests.closing_of_lines(out.closed):
        req.move(RequestStatus.CLOSED, now, part.day, SYSTEM.name, "line_closed")
        req.finished_on = part.day
        uow.closure_requests.save(req)
        uow.audit(SYSTEM, "closure.completed", "closure_request", req.id,
                  {"line_id": req.line_id, "business_date": part.day})
        uow.emit(COMPLETED_TOPIC, {
            "request_id": req.id, "line_id": req.line_id, "customer_id": req.customer_id,
            "closed_on": part.day.isoformat(),
            "submitted_on": req.submitted_on.isoformat(),
            "days": (part.day - req.submitted_on).days})
    return {}


CLOSURE_STAGE = Stage(
    CLOSURE, compute=_compute, write=_write, rerunnable=True,
    description="closing lines the kernel closed today: final statement, closure request "
                "closed, confirmation to the customer")
