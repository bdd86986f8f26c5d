"""Simulated credit reviewers work the manual review queue, through the same services as
the console (``origination.reviews``), so referred customers get an answer.

Two reviewers work on weekdays, oldest review first, each deciding up to
``REVIEWS_PER_DAY`` a day, their decisions stamped at the end of the working day
(``WORK_ENDS_AFTER`` the morning's 09:00); an approval above the product's second-review
threshold waits for the *other* reviewer (four eyes), who takes those first.

What a reviewer does is part of the simulated world, not of the platform, and is fixed
here, not tuned to any result:

- they call the applicant (and, for a ring, the shared contact).  A genuine person passes
  the call; an identity that is not who it claims to be (the simulator's synthetic and
  ring identities, hidden truth) fails it with probability ``CALL_CATCHES_FAKE``; a
  genuine applicant is unreachable and fails it with probability ``CALL_MISSES_GENUINE``;
- a failed call is a decline; otherwise they approve at the limit the policy proposed
  (a new customer's first limit).  A first-party fraudster is a real person: the call
  does not catch them.

The draws are seeded by the run's seed and the applicant, so a rerun decides the same.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from creditline.auth import Principal, Role
from creditline.errors import CreditlineError
from creditline.origination import reviews as services
from creditline.origination.review import DECIDED, PENDING, SECOND_REVIEW
from creditline.paging import PageRequest
from creditline.simulate.context import ApplicationRecord, DemoContext
from creditline.simulate.steps.access import create_user

REVIEWER_USERS = ("demo-reviewer-1", "demo-reviewer-2")
REVIEWS_PER_DAY = 25  # each reviewer, each weekday
WORK_ENDS_AFTER = 8  # hours after the day's 09:00: decisions are stamped 17:00 China time
CALL_CATCHES_FAKE = 0.9
CALL_MISSES_GENUINE = 0.03
FAKE_IDENTITIES = ("synthetic", "ring")


class Reviewers:
    name = "reviews"

    def __init__(self) -> None:
        self._reviewers: list[Principal] = []
        self._by_review: dict[str, ApplicationRecord] = {}

    def _setup(self, ctx: DemoContext) -> None:
        if not self._reviewers:
            self._reviewers = [create_user(ctx, name, Role.REVIEWER)[0]
                               for name in REVIEWER_USERS]
        for record in ctx.applications:
            if record.review_id is not None and record.review_id not in self._by_review:
                self._by_review[record.review_id] = record

    def run(self, ctx: DemoContext, day: date) -> None:
        if day.weekday() >= 5:  # reviewers work Monday to Friday
            return
        self._setup(ctx)
        ctx.clock.advance(hours=WORK_ENDS_AFTER)
        try:
            self._work(ctx)
        finally:
            ctx.clock.set_date(day)

    def _work(self, ctx: DemoContext) -> None:
        holders: list[str] = []
        lines: list[str] = []
        for k, reviewer in enumerate(self._reviewers):
            budget = REVIEWS_PER_DAY
            # four eyes first: approvals the other reviewer made wait for this one
            for status in (SECOND_REVIEW, PENDING):
                if budget == 0:
                    break
                page = services.list_reviews(ctx.uow(), status, PageRequest(
                    limit=REVIEWS_PER_DAY * len(self._reviewers)))
                for item in page.items:
                    if budget == 0:
                        break
                    if status == SECOND_REVIEW and item.review.decisions[0].reviewer_id \
                            == reviewer.user_id:
                        continue
                    if status == PENDING and k + 1 < len(self._reviewers) \
                            and _owner(item.review.id, len(self._reviewers)) != k:
                        continue  # the queue is shared out between the reviewers
                    budget -= 1
                    done = self._decide(ctx, reviewer, item)
                    if done is not None and done.line_id is not None \
                            and done.kind == "person":
                        holders.append(done.subject_id)
                        lines.append(done.line_id)
        if holders:
            ctx.add_holders(holders, lines)
            ctx.changed()

    def _decide(self, ctx: DemoContext, reviewer: Principal, item: services.ReviewItem
                ) -> ApplicationRecord | None:
        record = self._by_review.get(item.review.id)
        if record is None:
            return None
        passed = _call_passes(ctx.config.seed, record)
        body: dict[str, Any] = {"decision": "approved" if passed else "declined",
                                "comment": "identity confirmed by phone" if passed
                                else "identity could not be confirmed by phone"}
        try:
            done = services.decide_review(services.DecideReview(item.review.id, **body),
                                          ctx.uow(), reviewer)
        except CreditlineError as exc:  # e.g. the line could not open: recorded, not hidden
            ctx.activity.refused[f"review: {type(exc).__name__}"] += 1
            return None
        if done.review.status != DECIDED:
            return None  # approved above the threshold: the other reviewer confirms
        record.status = done.application.status
        record.limit = int(done.application.granted_limit * 100)
        record.line_id = done.application.line_id
        record.review_hours = done.age_hours
        record.review_breached = done.breached
        return record


def _owner(review_id: str, reviewers: int) -> int:
    return int(review_id.replace("-", "")[:8], 16) % reviewers


def _call_passes(seed: int, record: ApplicationRecord) -> bool:
    draw = random.Random(f"review-call-{seed}-{record.subject_id}").random()
    if record.fraud_kind in FAKE_IDENTITIES:
        return draw >= CALL_CATCHES_FAKE
    return draw >= CALL_MISSES_GENUINE
