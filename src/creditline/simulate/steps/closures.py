"""Customers who ask to close (or reduce) their lines, through the real closure services,
each business day before end of day.

Every morning each line holder still active may ask, with a small daily chance drawn from
a generator seeded by the run's seed and the day (``MONTHLY_SHARE`` a month): to close the
line (some still owe on it; their installments run off and end of day closes the line when
nothing is owed) or to lower its limit to half.  The system review answers at once; a
referred request waits ``REVIEW_DAYS`` days for the simulated reviewer, whose rule is
simple and fixed (not tuned): a line past due is rejected, a close with a large balance is
counter-offered as a limit just above what is used, anything else approved.  A customer
answers a counter-offer the next day (accepts half the time), and some withdraw while
waiting.  The summary reads the outcomes from the store (``closure_requests``)."""

from __future__ import annotations

import math
import random
from datetime import date

from creditline.auth import Principal, Role
from creditline.closure import services as cs
from creditline.closure.ports import RequestQuery
from creditline.errors import BusinessRuleViolation, Conflict, ValidationError
from creditline.paging import PageRequest
from creditline.simulate.context import DemoContext

MONTHLY_SHARE = 0.01  # of active holders asking each month
REVIEW_DAYS = 2
WITHDRAW_SHARE = 0.1  # of referred requests withdrawn before the review
ACCEPT_SHARE = 0.5  # of counter-offers accepted
PRODUCT_MIN = 500  # consumer_bnpl's minimum limit (CNY)
REVIEWER = Principal("demo-reviewer", "demo-reviewer", Role.REVIEWER)
WANTS = (("close", ("no_longer_needed",)), ("close", ("switching_lender",)),
         ("close", ("moving_abroad",)), ("close", ("income_change",)),
         ("reduce", ("too_much_credit",)))


class Closures:
    name = "closures"

    def __init__(self) -> None:
        self.waiting = 0  # requests waiting for the reviewer or the customer (a cheap gate)

    def run(self, ctx: DemoContext, day: date) -> None:
        if not ctx.holder_lines:
            return
        rng = random.Random(f"closures-{ctx.config.seed}-{day.isoformat()}")
        if self.waiting:
            self._review(ctx, day, rng)
        self._ask(ctx, day, rng)

    def _review(self, ctx: DemoContext, day: date, rng: random.Random) -> None:
        """The reviewer's queue and the customers' answers to counter-offers."""
        waiting = cs.list_requests(RequestQuery(statuses=(*cs.QUEUE, "counter_offered")),
                                   PageRequest(limit=200), ctx.uow(), REVIEWER).items
        self.waiting = len(waiting)
        for r in waiting:
            submitted = date.fromisoformat(r["submitted_on"])
            try:
                if r["status"] == "counter_offered":
                    cs.answer_counter_offer(cs.AnswerCounterOffer(
                        r["id"], rng.random() < ACCEPT_SHARE), ctx.uow(), ctx.channel)
                elif rng.random() < WITHDRAW_SHARE:
                    cs.withdraw_request(cs.WithdrawRequest(r["id"]), ctx.uow(), ctx.channel)
                elif (day - submitted).days >= REVIEW_DAYS:
                    self._decide(ctx, r)
            except (BusinessRuleViolation, Conflict, ValidationError) as exc:
                ctx.activity.refused[f"closure: {type(exc).__name__}"] += 1
        ctx.changed()

    def _decide(self, ctx: DemoContext, r: dict[str, object]) -> None:
        facts = r["review"]["facts"]  # type: ignore[index]
        used, limit = float(facts["used"]), float(facts["limit"])
        if int(facts["dpd"]) > 0:
            cmd = cs.DecideRequest(str(r["id"]), "reject", "past due: repay what is late first")
        elif r["outcome"] == "close" and used > 0 and \
                (offer := max(PRODUCT_MIN, math.ceil(used / 100) * 100)) < limit:
            cmd = cs.DecideRequest(str(r["id"]), "counter_offer",
                                   "a balance is still running: a lower limit instead",
                                   f"{offer}.00")
        else:
            cmd = cs.DecideRequest(str(r["id"]), "approve", "nothing against it")
        cs.decide_request(cmd, ctx.uow(), REVIEWER)

    def _ask(self, ctx: DemoContext, day: date, rng: random.Random) -> None:
        daily = MONTHLY_SHARE / 30
        askers = [k for k in range(len(ctx.holder_lines)) if rng.random() < daily]
        if not askers:
            return  # most days: nobody asks, and the book is not read
        book = ctx.book()
        rows = book.rows([ctx.holder_lines[k] for k in askers])
        for k, row in zip(askers, rows.tolist(), strict=True):
            line_id = ctx.holder_lines[k]
            if book.status[row] != "active":
                continue
            outcome, reasons = WANTS[rng.randrange(len(WANTS))]
            limit = int(book.limit[row]) // 100
            target = None
            if outcome == "reduce":
                half = (limit // 2 // 100) * 100
                if half < PRODUCT_MIN:
                    outcome, target = "close", None
                else:
                    target = f"{half}.00"
            try:
                r = cs.submit_request(cs.SubmitRequest(line_id, reasons, "", outcome, target),
                                      ctx.uow(), ctx.channel)
                self.waiting += r["status"] in cs.QUEUE
            except (Conflict, ValidationError, BusinessRuleViolation) as exc:
                ctx.activity.refused[f"closure request: {type(exc).__name__}"] += 1
        ctx.changed()
