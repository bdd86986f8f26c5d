"""Collections in the demo: simulated collectors work their queues through the real
services, and the month ends record the collection buckets.

Every business day, after its end of day (the calls are dated that day, 10:00 onwards in
Shanghai; the queue is what that end of day left): new cases (opened by the ageing stage) are given to the desk's collectors in turn (``assign``); each collector
takes the top of their queue (``queue``) and calls (skipping a case whose promise to pay
has not fallen due), at times spread over the working day in
Shanghai, through the compliance gate (``log_call``).  One attempt in twenty is made late
in the evening, as a hurried collector would, and the gate refuses it (logged, not made).
A collector calls only the cases the collection strategy gave a call task that end of day
(``collection_actions``), in the queue's order.  The outcome of a call is the simulated
debtor's response (``simulate.response``: hidden ability, willingness and reachability);
so is what the messages the strategy sent, the agency's calls (every 7 days from the
placement, through ``agency_contact``) and the legal referrals bring: payments made
through the repayment service by ``CollectionResponses`` on the mornings they fall due.
Enterprise lines have no simulated response (their owners are not in the person
population): collection contacts them, and they pay as the behaviour model says.

The ids the services draw for contacts, promises and users come from this step's own
seeded generator, so the rest of the demo draws exactly the ids it drew without it.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, text

from creditline.auth import Principal, Role
from creditline.collections import agencies as ag
from creditline.collections import services as cs
from creditline.collections.rules import default_rules
from creditline.collections.strategy import LADDER_DIR, STRATEGY, contact_costs
from creditline.errors import CreditlineError
from creditline.servicing import services as servicing
from creditline.simulate.context import DemoContext
from creditline.simulate.ids import SeededIds
from creditline.simulate.response import Responses
from creditline.simulate.steps.access import create_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
COLLECTORS = ("desk-collector-1", "desk-collector-2")
CALLS_PER_COLLECTOR = 4  # a day: the demo's time budget, not a staffing model
LATE_SHARE = 0.05
AGENCY = ("Simulated Recovery Agency", "0.20")  # ccard: the demo's one agency (name, commission)
AGENCY_AGENT = "agency-agent-1"
AGENCY_EVERY_DAYS = 7
MESSAGES = ("sms", "email", "inbox")


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
    # ccard: the simulated debtors' responses and what the strategy did
    responses: Responses | None = None
    agency_id: str | None = None
    agent: Principal | None = None
    row_of_line: dict[str, int] = field(default_factory=dict)
    paid: Counter[str] = field(default_factory=Counter)  # responses: payments, cents
    strategy: dict[str, Any] = field(default_factory=dict)

    def row(self, ctx: DemoContext, line_id: str) -> int | None:
        if line_id not in self.row_of_line and len(self.row_of_line) != len(ctx.holder_lines):
            self.row_of_line = {x: i for i, x in enumerate(ctx.holder_lines)}
        return self.row_of_line.get(line_id)


class CollectionsDesk:
    name = "collections desk"

    def __init__(self) -> None:
        self.state = DeskState()
        self.ids: SeededIds | None = None

    def run(self, ctx: DemoContext, day: date) -> None:
        if self.ids is None:
            self.ids = SeededIds(f"creditline-demo-collections-{ctx.config.seed}")
            ctx.collections = self.state
        with self.ids:
            if not self.state.collectors:
                self.state.collectors = [create_user(ctx, n, Role.COLLECTOR)[0]
                                         for n in COLLECTORS]
                self.state.agent = create_user(ctx, AGENCY_AGENT, Role.COLLECTOR)[0]
                self.state.agency_id = ag.create_agency(ag.CreateAgency(*AGENCY), ctx.uow(),
                                                        ctx.system).id
            if self.state.responses is None and ctx.customers is not None:
                self.state.responses = Responses(ctx.config.seed, ctx.customers)
            if self.state.responses is not None and ctx.customers is not None:
                self.state.responses.customers = ctx.customers  # later holders arrive
            self._assign(ctx)
            rng = random.Random(f"{ctx.config.seed}-{day.isoformat()}")
            morning = ctx.clock.current
            try:
                with ctx.uow() as uow:
                    tasks = set(uow.collection_actions.tasks(day, "call"))
                    legal = uow.collection_actions.tasks(day, "legal")
                for k, who in enumerate(self.state.collectors):
                    self._work(ctx, day, who, k, rng, tasks)
                self._agency(ctx, day)
                self._legal(ctx, day, legal)
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
              rng: random.Random, tasks: set[str]) -> None:
        if not tasks:
            return
        items = [i for i in cs.queue(cs.GetQueue(limit=1000), ctx.uow(), who)
                 if i.case.id in tasks][:CALLS_PER_COLLECTOR]
        res = self.state.responses
        for i, item in enumerate(items):
            promise = item.next_promise
            if promise is not None and promise.due_on > day:
                continue  # a promise is running: the collector waits for its date
            late = rng.random() < LATE_SHARE
            hour, minute = (22, 30 + i) if late else (10 + 2 * i + k, 5 * i)
            ctx.clock.current = datetime(day.year, day.month, day.day, hour, minute,
                                         tzinfo=SHANGHAI).astimezone(ZoneInfo("UTC"))
            row = self.state.row(ctx, item.case.line_id)
            outcome, days = ("no_answer", 0)
            if late:
                outcome = "no_answer"  # refused by the gate before anyone answers
            elif res is not None and row is not None:
                outcome, days = res.call(item.case.id, item.case.line_id, row, day)
            cmd = cs.LogCall(item.case.id, outcome)
            if outcome == "promise_to_pay":
                cmd = cs.LogCall(item.case.id, outcome, promise_amount=str(item.collectable),
                                 promise_date=day + timedelta(days=days))
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

    def _agency(self, ctx: DemoContext, day: date) -> None:
        """The agency calls each case placed with it every ``AGENCY_EVERY_DAYS`` days from the
        day after the placement, at 11:00 in Shanghai, through the same gate."""
        st = self.state
        if st.agency_id is None or st.agent is None:
            return
        placed = cs.list_cases(cs.ListCases(agency_id=st.agency_id, limit=1000), ctx.uow())
        if not placed:
            return
        with ctx.uow() as uow:
            since = {c.id: p.placed_on for c in placed
                     if (p := uow.agencies.active_placement(c.id)) is not None}
        ctx.clock.current = datetime(day.year, day.month, day.day, 11, 0,
                                     tzinfo=SHANGHAI).astimezone(ZoneInfo("UTC"))
        for case in placed:
            start = since.get(case.id)
            if start is None or (day - start).days % AGENCY_EVERY_DAYS != 1:
                continue
            if case.on_hold(day):
                continue
            row = st.row(ctx, case.line_id)
            outcome = "no_answer"
            if st.responses is not None and row is not None:
                outcome = st.responses.agency(case.id, case.line_id, row, day)
            try:
                ag.agency_contact(ag.AgencyContact(st.agency_id, case.id, outcome), ctx.uow(),
                                  st.agent)
            except cs.ContactRefused as refused:
                st.attempts[f"refused (agency) {refused.verdict.rule}"] += 1
                continue
            except CreditlineError as e:
                st.attempts[f"not logged (agency): {type(e).__name__}"] += 1
                continue
            st.attempts[f"agency {outcome}"] += 1

    def _legal(self, ctx: DemoContext, day: date, case_ids: list[str]) -> None:
        """The cases the strategy referred to legal today: the debtor hears from the court."""
        st = self.state
        if st.responses is None or not case_ids:
            return
        with ctx.uow() as uow:
            cases = [c for cid in case_ids if (c := uow.collection_cases.get(cid)) is not None]
        for case in cases:
            row = st.row(ctx, case.line_id)
            if row is not None:
                st.responses.legal(case.id, case.line_id, row, day)


class CollectionResponses:
    """Each morning (after the customers' own activity, before end of day): the strategy's
    messages that reached the debtors today (sent at 09:30 their time) are read or not, and
    the payments the debtors' responses scheduled for today are made through the repayment
    service, of the share of what is past due they can pay."""

    name = "collection responses"

    def __init__(self, desk: CollectionsDesk) -> None:
        self.desk = desk

    def run(self, ctx: DemoContext, day: date) -> None:
        st = self.desk.state
        res = st.responses
        if res is None or ctx.customers is None:
            return
        res.customers = ctx.customers  # later holders arrive (simulate.steps.arrivals)
        start = datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)
        with ctx.uow() as uow:
            sent = uow.session.execute(text(
                "SELECT case_id, line_id, channel FROM contact_log WHERE allowed = :t "
                "AND channel IN ('sms', 'email', 'inbox') AND at >= :a AND at < :b "
                "ORDER BY seq"), {"t": True, "a": start.astimezone(ZoneInfo("UTC")),
                                  "b": (start + timedelta(days=1)).astimezone(ZoneInfo("UTC"))}).all()
        for case_id, line_id, channel in sent:
            row = st.row(ctx, line_id)
            if row is not None:
                res.message(case_id, line_id, row, channel, day)
        due = res.due(day)
        if not due:
            return
        with ctx.uow() as uow:
            owed = dict(uow.session.execute(text(
                "SELECT id, past_due FROM credit_lines WHERE id IN :ids").bindparams(
                    bindparam("ids", expanding=True)), {"ids": [p.line_id for p in due]}).all())
        assert self.desk.ids is not None
        with self.desk.ids:
            for p in due:
                cents = int(int(owed.get(p.line_id) or 0) * p.share)
                if cents < 100:
                    continue
                try:
                    servicing.repay(servicing.Repay(
                        p.line_id, str(Decimal(cents).scaleb(-2)),
                        idempotency_key=f"collect-{p.line_id}-{day.isoformat()}"),
                        ctx.uow(), ctx.system)
                except CreditlineError as e:
                    st.paid[f"refused: {type(e).__name__}"] += 1
                    continue
                st.paid["payments"] += 1
                st.paid["cents"] += cents
                ctx.activity.record("repayments", day, cents)  # a repayment like any other
        ctx.changed()


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
        state.strategy = strategy_figures(ctx, state)  # ccard


def strategy_figures(ctx: DemoContext, state: DeskState) -> dict[str, Any]:
    """What the collection strategy did and brought (ccard): contacts made on collection
    cases by channel, the decisions by action and outcome, recovered (repayments on a line
    while it had an open case, after the day it opened), cures (cases resolved), and the
    cost: each contact at the strategy's ``costs``, a legal referral at its cost, an
    agency's commission on what it recovered.

    A due-date reminder to a customer with no open case is gated and logged too
    (``notify.gate``), with no case: it is counted apart (``contacts_without_case``), not
    as the strategy's contact or cost -- both strategies send the same reminders, and
    counting them diluted recovered-per-contact ~7x on the 2,000-customer year."""
    ruleset = STRATEGY.load(LADDER_DIR if ctx.config.collections == "ladder" else None)
    costs = contact_costs(ruleset)
    with ctx.uow() as uow:
        s = uow.session
        by_channel = {str(ch): int(n) for ch, n in s.execute(text(
            "SELECT CASE WHEN agency_id IS NULL THEN channel ELSE 'agency_' || channel END, "
            "COUNT(*) FROM contact_log WHERE allowed = :t AND case_id <> '' "
            "GROUP BY 1 ORDER BY 1"), {"t": True})}
        without_case = int(s.execute(text(
            "SELECT COUNT(*) FROM contact_log WHERE allowed = :t AND case_id = ''"),
            {"t": True}).scalar_one())
        recovered = int(s.execute(text(
            "SELECT COALESCE(SUM(r.amount), 0) FROM repayments r JOIN collection_cases c "
            "ON c.line_id = r.line_id AND r.business_date > c.opened_on "
            "AND (c.closed_on IS NULL OR r.business_date <= c.closed_on)")).scalar_one())
        cases = {str(st): int(n) for st, n in s.execute(text(
            "SELECT status, COUNT(*) FROM collection_cases GROUP BY status"))}
        referrals = int(s.execute(text("SELECT COUNT(*) FROM legal_referrals")).scalar_one())
        decisions = uow.collection_actions.counts()
    commission = sum((p.commission for p in ag.performance(ctx.uow())), Decimal("0.00"))
    contact_cost = sum((costs.get(ch, Decimal("0")) * n for ch, n in by_channel.items()),
                       Decimal("0.00"))
    cost = contact_cost + costs.get("legal", Decimal("0")) * referrals + commission
    contacts = sum(by_channel.values())
    rec = Decimal(recovered).scaleb(-2)
    return {
        "tables": ruleset.label, "contacts_by_channel": by_channel, "contacts": contacts,
        "contacts_without_case": without_case,
        "decisions": {a: dict(sorted(o.items())) for a, o in sorted(decisions.items())},
        "legal_referrals": referrals, "cases": dict(sorted(cases.items())),
        "cures": cases.get("resolved", 0), "recovered": f"{rec:.2f}",
        "recovered_per_contact": f"{(rec / contacts if contacts else Decimal(0)):.2f}",
        "cost": f"{cost:.2f}", "agency_commission": f"{commission:.2f}",
        "net_recovered": f"{rec - cost:.2f}",
        "response_payments": state.paid.get("payments", 0),
        "response_paid": f"{Decimal(state.paid.get('cents', 0)).scaleb(-2):.2f}"}
