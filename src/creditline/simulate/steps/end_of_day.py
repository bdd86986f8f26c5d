"""Close the business day for the whole book with the batch end-of-day engine (accrue,
bill statements, age past-due amounts), as the system."""

from __future__ import annotations

from datetime import date

from creditline.batch.run import RunEod, run_eod
from creditline.simulate.context import DemoContext


class EndOfDay:
    name = "end of day"

    def run(self, ctx: DemoContext, day: date) -> None:
        run_eod(RunEod(day), ctx.uow(), ctx.system)
        ctx.changed()
