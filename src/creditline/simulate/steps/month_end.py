"""At each month end (and on the last day), after end of day: the consumer book's limits,
use and balances by days-past-due bucket, kept for the summary and the report (the SME lines
are in the ``sme`` part: their limits would drown the consumer lines' figures)."""

from __future__ import annotations

from datetime import date, timedelta

from creditline.simulate.book import DPD_BUCKETS
from creditline.simulate.context import DemoContext, MonthSnapshot


class MonthEnd:
    name = "month end"

    def run(self, ctx: DemoContext, day: date) -> None:
        if (day + timedelta(days=1)).day != 1 and day != ctx.config.last_day:
            return
        book = ctx.book().consumer()  # the enterprises have their own part (steps.sme)
        live = book.open
        bucket = book.bucket()
        owed = book.total_owed
        ctx.snapshots.append(MonthSnapshot(
            month=day.strftime("%Y-%m"), day=day, lines=int(live.sum()),
            limit=int(book.limit[live].sum()), used=int(book.used[live].sum()),
            balance=int(owed.sum()),
            buckets={name: int(owed[bucket == i].sum()) for i, (name, _, _) in
                     enumerate(DPD_BUCKETS)},
            bucket_lines={name: int(((bucket == i) & (owed > 0)).sum()) for i, (name, _, _)
                          in enumerate(DPD_BUCKETS)}))
