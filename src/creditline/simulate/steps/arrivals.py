"""Applicants who come after the first day: each registers (with emergency contacts) and
applies on its application date, before the day's purchases.

In the simulated market these are the later members of fraud rings, which form over weeks
(``simulate.persons.RING_JOIN_GAP_DAYS``): origination sees the ring grow across days, and
the member who completes it exposes the ones approved before (their lines are frozen)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from creditline.simulate.context import DemoContext
from creditline.simulate.steps.applications import Applications, person_truth
from creditline.simulate.steps.onboarding import Onboarding


class Arrivals:
    name = "arrivals"

    def __init__(self) -> None:
        self._by_day: dict[date, list[dict[str, Any]]] | None = None
        self._contacts: dict[str, list[dict[str, Any]]] = {}
        self._truth: dict[str, dict[str, Any]] = {}

    def _plan(self, ctx: DemoContext) -> dict[date, list[dict[str, Any]]]:
        if self._by_day is None:
            pop = ctx.population
            later = pop.persons.filter(pop.persons["application_date"] > ctx.config.as_of)
            self._by_day = defaultdict(list)
            for row in later.iter_rows(named=True):
                self._by_day[row["application_date"]].append(row)
            wanted = set(later["person_id"].to_list())
            for c in pop.contacts.sort("person_id", "rank").iter_rows(named=True):
                if c["person_id"] in wanted:
                    self._contacts.setdefault(c["person_id"], []).append(c)
            self._truth = person_truth(ctx) if wanted else {}
        return self._by_day

    def run(self, ctx: DemoContext, day: date) -> None:
        rows = self._plan(ctx).get(day, [])
        holders, lines = [], []
        for row in rows:
            pid = row["person_id"]
            Onboarding.person(ctx, row, self._contacts.get(pid, []))
            if pid not in ctx.customer_ids:
                continue  # registration refused (counted by onboarding)
            record = Applications.person(ctx, row, self._truth[pid])
            if record.line_id is not None:
                holders.append(pid)
                lines.append(record.line_id)
        if holders:
            ctx.add_holders(holders, lines)
        if rows:
            ctx.changed()
