"""Collections in the demo: simulated collectors work their queues through the real
services, and the month ends record the collection buckets.

Every business day, after its end of day (the calls are dated that day, 10:00 onwards in
Shanghai; the queue is what that end of day left): new cases (opened by the ageing stage) are given to the desk's collectors in turn (``assign``); each collector
takes the top of their queue (``queue``) and calls (skipping a case whose promise to pay
has not fallen due), at times spread over the working day in
Shanghai, through the compliance gate (``log_call``).  One attempt in twenty is made late
in the evening, as a hurried collector would, and the gate refuses it (logged, not made).
Outcomes are drawn from a fixed distribution: the simulated customers do not yet respond to
contacts (their repayments follow the behaviour model alone), so promises are kept or broken
by what they pay anyway -- the C-card work adds the response.

The ids the services draw for contacts, promises and users come from this step's own
seeded generator, so the rest of the demo draws exactly the ids it drew without it.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from creditline.auth import Principal, Role
from creditline.collections import services as cs
from creditline.collections.rules import default_rules
from creditline.errors import CreditlineError
from creditline.simulate.context import DemoContext
from creditline.simulate.steps.access import create_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
COLLECTORS = ("desk-collector-1", "desk-collector-2")
CALLS_PER_COLLECTOR = 4  # a day: the demo's time budget, not a staffing model
OUTCOMES = (("no_answer", 40), ("wrong_number", 5), ("reached", 25), ("refused_to_pay", 10),
            ("promise_to_pay", 20))
LATE_SHARE = 0.05


class _OwnIds:
    """``uuid.uuid4`` from this step's own generator while the step runs."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"creditline-demo-collections-{seed}")
        self.saved: Any = None

    def _draw(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def __enter__(self) -> None:
        self.saved, uuid.uuid4 = uuid.uuid4, self._draw

    def __exit__(self, *exc: object) -> None:
        uuid.uuid4 = self.saved


@dataclass
class DeskState:
    collectors: list[Principal] = field(default_factory=list)
    attempts: Counter[str] = field(default_factory=Counter)  # outcome or refusal rule
    promises: int = 0
    next_collector: int = 0
    months: list[dict[str, Any]] = field(default_factory=list)  # month-end bucket figures
    cases: dict[str, dict[str, int]] = field(default_factory=dict)  # month -> opened/closed
    promise_status: dict[str, int] = field(default_factory=dict)
    replay: dict[str, int] = field(default_factory=dict)


class CollectionsDesk:
    name = "collections desk"

    def __init__(self) -> None:
        self.state = DeskState()
        self.ids: _OwnIds | None = None

    def run(self, ctx: DemoContext, day: date) -> None:
        if self.ids is None:
            self.ids = _OwnIds(ctx.config.seed)
            ctx.collections = self.state
        with self.ids:
            if not self.state.collectors:
                self.state.collectors = [create_user(ctx, n, Role.COLLECTOR)[0]
                                         for n in COLLECTORS]
            self._assign(ctx)
            rng = random.Random(f"{ctx.config.seed}-{day.isoformat()}")
            morning = ctx.clock.current
            try:
                for k, who in enumerate(self.state.collectors):
                    self._work(ctx, day, who, k, rng)
            finally:
                ctx.clock.current = morning

    def _assign(self, ctx: DemoContext) -> None:
        cases = cs.list_cases(cs.ListCases(limit=1000), ctx.uow())
        new = [c.id for c in cases if c.assigned_to is None]
        desk = self.state.collectors
        for k, who in enumerate(desk):
            mine = tuple(new[(k - self.state.next_collector) % len(desk)::len(desk)])
            if mine:
                cs.assign(cs.Assign(mine, who.name), ctx.uow(), ctx.system)
        self.state.next_collector = (self.state.next_collector + len(new)) % len(desk)

    def _work(self, ctx: DemoContext, day: date, who: Principal, k: int,
              rng: random.Random) -> None:
        items = cs.queue(cs.GetQueue(limit=CALLS_PER_COLLECTOR), ctx.uow(), who)
        names = [o for o, _ in OUTCOMES]
        weights = [w for _, w in OUTCOMES]
        for i, item in enumerate(items):
            promise = item.next_promise
            if promise is not None and promise.due_on > day:
                continue  # a promise is running: the collector waits for its date
            late = rng.random() < LATE_SHARE
            hour, minute = (22, 30 + i) if late else (10 + 2 * i + k, 5 * i)
            ctx.clock.current = datetime(day.year, day.month, day.day, hour, minute,
                                         tzinfo=SHANGHAI).astimezone(ZoneInfo("UTC"))
            outcome = rng.choices(names, weights)[0]
            cmd = cs.LogCall(item.case.id, outcome)
            if outcome == "promise_to_pay":
                cmd = cs.LogCall(item.case.id, outcome, promise_amount=str(item.collectable),
                                 promise_date=day + timedelta(days=rng.randint(2, 7)))
            try:
                r = cs.log_call(cmd, ctx.uow(), who)
            except cs.ContactRefused as refused:
                self.state.attempts[f"refused {refused.verdict.rule}"] += 1
                continue
            except CreditlineError as e:  # e.g. a promise above what is owed after a return
                self.state.attempts[f"not logged: {type(e).__name__}"] += 1
                continue
            self.state.attempts[outcome] += 1
            self.state.promises += r.promise is not None


class CollectionsMonthEnd:
    """At each month end (after end of day): lines and balances per collection bucket (M0 =
    every open line without an active case), and each line's bucket for the roll rates."""

    name = "collections month end"

    def run(self, ctx: DemoContext, day: date) -> None:
        if (day + timedelta(days=1)).day != 1 and day != ctx.config.last_day:
            return
        state: DeskState | None = getattr(ctx, "collections", None)
        if state is None:
            return
        names = default_rules().bucket_names
        with ctx.uow() as uow:
            rows = uow.session.execute(text(
                "SELECT l.id, COALESCE(c.bucket, 0), l.past_due, "
                "l.principal_unbilled + l.principal_billed + l.fee + l.interest_accrued "
                "+ l.interest_billed + l.penalty - l.credit_balance "
                "FROM credit_lines l LEFT JOIN collection_cases c ON c.line_id = l.id "
                "AND c.status NOT IN ('resolved', 'written_off', 'sold') "
                "WHERE l.status <> 'closed'")).all()
        lines = {name: 0 for name in names}
        balance = {name: 0 for name in names}
        of_line = {}
        for line_id, bucket, _, owed in rows:
            name = names[int(bucket)]
            lines[name] += 1
            balance[name] += int(owed)
            of_line[line_id] = int(bucket)
        state.months.append({"month": day.strftime("%Y-%m"), "date": day.isoformat(),
                             "lines": lines, "balance": balance, "of_line": of_line})


class CollectionsClose:
    """After the last day: cases opened and resolved by month, the promises' fate, and the
    whole contact log replayed through the compliance rules."""

    name = "collections replay"

    def run(self, ctx: DemoContext) -> None:
        state: DeskState | None = getattr(ctx, "collections", None)
        if state is None:
            return
        with ctx.uow() as uow:
            opened = uow.session.execute(text(
                "SELECT opened_on, closed_on, status FROM collection_cases")).all()
            promised = uow.session.execute(text(
                "SELECT status, COUNT(*) FROM promises GROUP BY status")).all()
        by_month: dict[str, Counter[str]] = {}
        for o, c, status in opened:
            by_month.setdefault(str(o)[:7], Counter())["opened"] += 1
            if c is not None:
                by_month.setdefault(str(c)[:7], Counter())[status] += 1
        state.cases = {m: dict(v) for m, v in sorted(by_month.items())}
        state.promise_status = {str(s): int(n) for s, n in promised}
        r = cs.replay_contacts(ctx.uow())
        state.replay = {"contacts": r.contacts, "refused_by_gate": r.refused,
                        "outside_hours": r.outside_hours, "over_limits": r.over_limits,
                        "unrelated_parties": r.unrelated_parties,
                        # contacts lane: emergency contacts and regional relief
                        "emergency_approaches": r.emergency_approaches,
                        "emergency_violations": r.emergency_violations,
                        "disclosures": r.disclosures, "under_relief": r.under_relief}
