"""The main job: a simulated market run through the real services, day by day.

``DemoRun(config).run()`` starts from an empty store, registers the simulated applicants
and their emergency contacts (parties services), sends their applications through
origination, then walks the business days: every morning the customers' intents
(``simulate.behaviour.plan_day``) go to the purchase, return and repayment services, every
evening the batch end of day closes the date, every month end a snapshot of the book is
taken.  Nothing is posted beside the services: the demo only reads the book directly (one
query a morning, see ``simulate.book``).

The run is a list of steps, so a new stage of the product is one more step:

- *opening* steps run once before the first business day (``Stage``: ``run(ctx)``);
- *daily* steps run every business day in order (``DayStep``: ``run(ctx, day)``);
- *closing* steps run once after the last day.

The shared state and the step protocols live in ``simulate.context``, which the steps import,
so this module imports its steps and nothing imports it back.

Deterministic for a seed: the population, the behaviour draws and the clock are seeded, and
the ids the services draw (``uuid4``) come from a seeded generator for the length of the
run, so the same seed gives the same database and the same summary.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from creditline.batch.collection_strategy import with_strategy  # ccard
from creditline.bootstrap import Container, bootstrap
from creditline.calendar.services import SetBusinessDate, set_business_date
from creditline.clock import FixedClock
from creditline.collections.strategy import LADDER_DIR  # ccard
from creditline.errors import ValidationError
from creditline.settings import Settings
from creditline.simulate.context import (
    DB_FILE,
    DEFAULT_ACTIVITY,
    MARKER_FILE,
    MAX_CUSTOMERS,
    MAX_MONTHS,
    MIN_CUSTOMERS,
    ApplicationRecord,
    DayStep,
    DemoConfig,
    DemoContext,
    NoProgress,
    Progress,
    Stage,
)
from creditline.simulate.ids import SeededIds
from creditline.simulate.population import generate_population
from creditline.simulate.steps.access import Access
from creditline.simulate.steps.activity import CustomerActivity
from creditline.simulate.steps.applications import Applications
from creditline.simulate.steps.arrivals import Arrivals
from creditline.simulate.steps.bureau import BureauMonthEnd  # bureau (issue 16)
from creditline.simulate.steps.closures import Closures  # closure (issue 14)
from creditline.simulate.steps.collections import (  # collections
    CollectionResponses,
    CollectionsClose,
    CollectionsDesk,
    CollectionsMonthEnd,
)
from creditline.simulate.steps.end_of_day import EndOfDay
from creditline.simulate.steps.ledger_check import LedgerCheck
from creditline.simulate.steps.limit_outcomes import LimitOutcomes, static_pipeline
from creditline.simulate.steps.month_end import MonthEnd
from creditline.simulate.steps.notifications import MorningRelay, Notifications  # notify
from creditline.simulate.steps.onboarding import Onboarding
from creditline.simulate.steps.portfolio import PortfolioReport  # issue 17
from creditline.simulate.steps.reviewers import Reviewers
from creditline.simulate.steps.sme import SmeActivity, SmeDesk

__all__ = ["DEFAULT_ACTIVITY", "MAX_CUSTOMERS", "MAX_MONTHS", "MIN_CUSTOMERS",
           "ApplicationRecord", "DayStep", "DemoConfig", "DemoContext", "DemoResult",
           "DemoRun", "NoProgress", "Progress", "Stage"]


def default_opening() -> list[Stage]:
    return [Access(), Onboarding(), Applications()]


def default_daily() -> list[DayStep]:
    # fraudq: Arrivals (later applicants, e.g. a ring's members) apply and Reviewers work the
    # review queue before the day's trade
    desk = CollectionsDesk()  # ccard: the debtors' responses act on the desk's state
    relay = Notifications()  # notify: the outbox relay, to a file sink
    return [Arrivals(), Reviewers(),
            SmeDesk(), SmeActivity(),  # issue 13: enterprises draw, repay, are reviewed
            CustomerActivity(),
            MorningRelay(relay),  # relief: the strategy's 09:30 messages, logged as sent
            CollectionResponses(desk),  # ccard: debtors pay as their response to contacts says
            Closures(),  # closure (issue 14)
            EndOfDay(), MonthEnd(),
            CollectionsMonthEnd(), desk,  # collections
            BureauMonthEnd(),  # bureau (issue 16): the month's report, before the relay
            relay,  # the evening pass
            ]


def default_closing() -> list[Stage]:
    return [LedgerCheck(),
            CollectionsClose(),  # collections
            LimitOutcomes(),  # issue 13: limit moves and the static/dynamic figures
            PortfolioReport(),  # issue 17: the risk report and its headline figures
            ]


# --------------------------------------------------------------------------- the run
@dataclass
class DemoResult:
    summary: dict[str, Any]
    context: DemoContext
    seconds: float
    summary_path: Path
    report_path: Path | None


def seeded_uuids(seed: int) -> SeededIds:
    """Draw ``uuid.uuid4()`` from a generator seeded with ``seed`` while the run lasts.

    The services name new records with ``uuid4``, and some orderings follow those ids (a
    repayment spread over purchases due on the same day goes in purchase-id order), so
    seeded ids are what makes a rerun give the same balances to the cent.  Only this
    package's own calls draw from the seed (``simulate.ids``): a library's ``uuid4`` (numba
    caching a kernel) must not move the stream."""
    return SeededIds(f"creditline-demo-{seed}")


def prepare_store(config: DemoConfig) -> None:
    """A fresh SQLite file under ``out``: a database an earlier demo wrote there (it left
    its marker file) is replaced; any other database must be empty (``_check_empty``), and
    a ``creditline.db`` the demo did not write is never deleted."""
    config.out.mkdir(parents=True, exist_ok=True)
    if config.db_url is not None:
        return
    db, marker = config.out / DB_FILE, config.out / MARKER_FILE
    if db.exists() and not marker.exists():
        raise ValidationError("out", f"{db} was not written by the demo; choose another folder")
    for suffix in ("", "-wal", "-shm", "-journal"):
        (config.out / f"{DB_FILE}{suffix}").unlink(missing_ok=True)
    marker.write_text("creditline.db here was written by `creditline demo`; a rerun replaces it.\n")


def _check_empty(container: Container) -> None:
    from sqlalchemy import text

    with container.uow() as uow:
        assert uow.session is not None  # set by entering the unit of work
        n = uow.session.execute(text("SELECT COUNT(*) FROM customers")).scalar_one()
    if n:
        raise ValidationError("db", f"the demo needs an empty database; this one already has "
                                    f"{n} customers")


@dataclass
class DemoRun:
    config: DemoConfig
    opening: list[Stage] = field(default_factory=default_opening)
    daily: list[DayStep] = field(default_factory=default_daily)
    closing: list[Stage] = field(default_factory=default_closing)
    secret_key: str | None = None  # default: $CREDITLINE_SECRET_KEY or a key file under out

    def run(self, progress: Progress | None = None, *, report: bool = True) -> DemoResult:
        # imported here, not above, so that every `creditline` command (the CLI imports this
        # module) does not pay for matplotlib and scikit-learn at start-up
        from creditline.simulate.report import write_report
        from creditline.simulate.summary import build_summary, write_summary

        started, cpu = time.perf_counter(), time.process_time()
        cfg = self.config
        progress = progress or NoProgress()
        prepare_store(cfg)
        with seeded_uuids(cfg.seed):
            ctx = self._context(progress)
            ctx.timings["population and store"] = time.perf_counter() - started
            ctx.cpu["population and store"] = time.process_time() - cpu
            try:
                self._run_steps(ctx)
                summary = build_summary(ctx)
            finally:
                ctx.container.dispose()
        summary_path = write_summary(summary, cfg.out)
        report_path = None
        if report:
            progress.phase("report", 1)
            t, c = time.perf_counter(), time.process_time()
            report_path = write_report(summary, cfg.out, seconds=t - started)
            ctx.timings["report"] = time.perf_counter() - t
            ctx.cpu["report"] = time.process_time() - c
            progress.advance()
        return DemoResult(summary, ctx, time.perf_counter() - started, summary_path, report_path)

    def _context(self, progress: Progress) -> DemoContext:
        cfg = self.config
        progress.phase("population", 1)
        population = generate_population(cfg.customers, cfg.seed, enterprises=cfg.enterprises,
                                         as_of=cfg.as_of, horizon_months=max(24, cfg.months))
        progress.advance()
        clock = FixedClock()
        clock.set_date(cfg.as_of)
        base = Settings()
        settings = base.model_copy(update={
            "database_url": cfg.database_url, "data_dir": cfg.out.resolve(),
            "secret_key": self.secret_key or base.secret_key})
        container = bootstrap(settings, clock=clock)
        if cfg.limits == "static":  # issue 13: the same run without the limit strategy
            container = replace(container, pipeline=static_pipeline())
        if cfg.collections == "ladder":  # ccard: collection decided by the fixed ladder
            container = replace(container, pipeline=with_strategy(container.pipeline, LADDER_DIR))
        _check_empty(container)
        return DemoContext(config=cfg, container=container, clock=clock, population=population,
                           progress=progress)

    def _run_steps(self, ctx: DemoContext) -> None:
        for stage in self.opening:
            self._timed(ctx, stage.name, stage.run, ctx)
        days = self.config.days
        ctx.progress.phase("business days", len(days))
        for day in days:
            ctx.clock.set_date(day)
            for step in self.daily:
                self._timed(ctx, step.name, step.run, ctx, day)
            ctx.progress.advance()
        for stage in self.closing:
            self._timed(ctx, stage.name, stage.run, ctx)
        if days:  # leave the book dated at its last simulated day, not the wall clock's
            set_business_date(SetBusinessDate(days[-1]), ctx.container.uow(), ctx.system)

    @staticmethod
    def _timed(ctx: DemoContext, name: str, fn: Any, *args: Any) -> None:
        t, c = time.perf_counter(), time.process_time()
        fn(*args)
        ctx.timings[name] += time.perf_counter() - t
        ctx.cpu[name] += time.process_time() - c
