"""The provisions stage of end of day: on a month-end business date, measure the whole
book's expected credit loss and post the provision so the loss allowance equals it.

**Month ends only.**  IFRS 9 asks for the allowance at each reporting date; a month end is
the book's reporting date (monthly management accounts, the regulator's monthly returns),
and measuring daily would store a million result rows a day for numbers nobody reports.
``creditline ecl run`` measures (and posts) on any day in between.

**Once, over the whole book, after every line has closed the day.**  The pipeline runs per
partition of the lines the day visited; ECL is over every line, visited or skipped.  So the
stage acts in the partition that completes the day -- no line is still waiting for the day
after its last id (partitions run in id order; with another engine the caller's own last
partition is the last) -- and there reads the book in bulk (``read``), measures it over
columns (``compute``: staging, PD, LGD, EAD, ECL, pure) and stores the run, its per-line
results and the provision entry (``write``).  Other partitions, the per-line catch-up of a
servicing command and non-month-end days do nothing.  A month end on which every line was
skipped (nothing due, nothing late anywhere in the book) runs no partition and so no
provision: ``creditline ecl run`` posts it then.

Rerunning the stage for the day (``creditline eod --stage provisions``) measures again and
posts only the difference to the allowance (none when nothing changed): ``rerunnable``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from creditline.auth import SYSTEM
from creditline.batch.eod import KERNEL
from creditline.batch.pipeline import Partition, Stage, StageOutput
from creditline.portfolio.ecl import is_month_end
from creditline.portfolio.ecl_services import EclInputs, measure_inputs, read_inputs, record_run
from creditline.uow import UnitOfWork

PROVISIONS = "provisions"


def _completes_day(uow: UnitOfWork, part: Partition) -> bool:
    """Whether no line is still waiting for this day beyond this partition."""
    alone = KERNEL not in part.outputs  # run alone: the frame is the lines closed through day
    frame_day = part.day + timedelta(days=1) if alone else part.day
    after = part.line_ids[-1]
    return not uow.eod_columns.lines(frame_day, after=after, limit=1, lock=False)["line_id"]


def _read(uow: UnitOfWork, part: Partition) -> EclInputs | None:
    if part.only is not None or not is_month_end(part.day) or not part.line_ids:
        return None
    if not _completes_day(uow, part):
        return None
    return read_inputs(uow, part.day)


def _compute(part: Partition, inputs: Any) -> StageOutput:
    if inputs is None:
        return StageOutput()
    m = measure_inputs(inputs)
    return StageOutput(data=m, counts={"ecl_lines": m.results.height})


def _write(uow: UnitOfWork, part: Partition, result: StageOutput) -> dict[str, int]:
    if result.data is not None:
        record_run(uow, result.data, SYSTEM, source=PROVISIONS)
    return {}


PROVISIONS_STAGE = Stage(
    PROVISIONS, compute=_compute, read=_read, write=_write, rerunnable=True,
    description="on a month-end date, once the whole book has closed the day: IFRS 9 staging, "
                "PD/LGD/EAD and ECL of every line (ecl_results), and the provision entry "
                "that makes the loss allowance equal the ECL")
