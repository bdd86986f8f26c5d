"""Credit-bureau reporting in the demo (issue 16): at every month end, after end of day,
the month is reported through the real service (its notices of negative reporting go out
with that evening's relay, so a line first late this month is reported next month once
the notice period has passed); on the last day the latest run's files (text and JSON) are
written to ``<out>/bureau`` and the summary gets the counts under ``bureau``.

One run a month reads the book in a few bulk queries (``store.bureau.facts``); its id is
derived from the month, so the step draws no random id."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from typing import Any

from creditline.bureau import services as bs
from creditline.bureau.months import Month
from creditline.bureau.ports import Run
from creditline.simulate.context import DemoContext

FOLDER = "bureau"


class BureauMonthEnd:
    name = "bureau"

    def __init__(self) -> None:
        self.last: Run | None = None

    def run(self, ctx: DemoContext, day: date) -> None:
        if (day + timedelta(days=1)).day == 1:
            result = bs.run_month(bs.RunMonth(str(Month.of(day))), ctx.uow(), ctx.system)
            self.last = result.run
            ctx.bureau.setdefault("months", []).append(
                {"month": result.run.month, **result.run.counts})
        if day == ctx.config.last_day and self.last is not None:
            self._write(ctx, self.last)

    def _write(self, ctx: DemoContext, run: Run) -> None:
        out = ctx.config.out / FOLDER
        out.mkdir(parents=True, exist_ok=True)
        files = []
        codes: Counter[str] = Counter()
        for kind in (bs.TEXT, bs.JSON):
            f = bs.run_file(run.id, kind, ctx.uow())
            (out / f.name).write_bytes(f.content)
            files.append(f"{FOLDER}/{f.name}")
            if kind == bs.JSON:
                codes.update(r["month_status"] for r in json.loads(f.content)["records"])
        summary: dict[str, Any] = {
            "last_month": run.month, "format": run.format, "files": files,
            "text_sha256": run.text_sha256, "json_sha256": run.json_sha256,
            "counts": dict(run.counts),
            "held_by_rule": dict(sorted(Counter(h["rule"] for h in run.held).items())),
            "month_status": dict(sorted(codes.items()))}
        ctx.bureau.update(summary)
