"""The lapse stage's pure step, on a partition of four lines closing 8 March: one whose
festival limit ends that day, one whose limit ended on a day end of day missed, one whose
limit runs to the 20th but whom the kernel would next visit only on 1 April, and one with
no temporary limit."""

from __future__ import annotations

from datetime import date

import numpy as np

from creditline.batch.pipeline import Partition
from creditline.batch.temporary_limits import TEMPORARY_LIMIT_STAGE, LapseOutput
from creditline.servicing.calendar import day_number

DAY = date(2026, 3, 8)


def test_lines_lapse_on_or_after_their_end_and_a_running_limit_holds_the_next_visit() -> None:
    d = day_number
    ends = [d(DAY), d(date(2026, 3, 5)), d(date(2026, 3, 20)), -1]
    used = {"principal_unbilled": [150_000, 0, 0, 0], "principal_billed": [0, 20_000, 0, 0]}
    part = Partition(DAY, {"temp_end": ends, **used}, ["a", "b", "c", "d"])
    part.columns["next"] = np.array([d(date(2026, 4, 1))] * 4, dtype=np.int64)
    out = TEMPORARY_LIMIT_STAGE.compute(part, None)
    data: LapseOutput = out.data
    assert data.lapsed == ["a", "b"]
    assert data.lapsed_used == [150_000, 20_000]  # cents: the over-limit rule's input
    assert (data.held, data.held_to) == (["c"], [d(date(2026, 3, 20))])
    assert out.counts == {"lapsed": 2, "held": 1}

    # a line the kernel visits again tomorrow (-1) or before the end needs no hold
    part.columns["next"] = np.array([-1, -1, d(date(2026, 3, 12)), -1], dtype=np.int64)
    assert TEMPORARY_LIMIT_STAGE.compute(part, None).data.held == []
