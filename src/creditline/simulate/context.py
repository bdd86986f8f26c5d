"""What the demo's steps share, in a module of its own so that the run (``simulate.demo``),
its steps (``simulate.steps``) and the summary all import it and none imports the other:
the configuration, the run state (``DemoContext``) and the step protocols (``Stage``,
``DayStep``)."""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol

from creditline.auth import SYSTEM, Principal
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.errors import ValidationError
from creditline.simulate.behaviour import Customers, PurchaseMemory
from creditline.simulate.book import Book, read_book
from creditline.simulate.population import DEFAULT_AS_OF, Population

MIN_CUSTOMERS = 10
MAX_CUSTOMERS = 1_000_000
MAX_MONTHS = 36
DB_FILE = "creditline.db"
MARKER_FILE = ".creditline-demo"
# The customers' purchase habits are scaled to 30% by default (about 0.35 purchases a
# month instead of 1.2) so that the default demo (2,000 customers, 12 months) finishes in
# under two minutes on a 2-core machine: each purchase, return or repayment costs ~3.6 ms
# of CPU in the services, registration ~4 ms a customer, an application ~4.5 ms and end of
# day ~60 ms a day, and that budget does not stretch to the ~30,000 actions of the
# unscaled habits (bench/RESULTS.md, "Demo").  Bust-out fraud is not scaled: fraudsters
# still max out.
DEFAULT_ACTIVITY = 0.3


# --------------------------------------------------------------------------- configuration
@dataclass(frozen=True)
class DemoConfig:
    """What to simulate.  ``activity`` scales every customer's habitual purchase rate (1.0 =
    the population's own habits, ~1.2 purchases a month; see ``DEFAULT_ACTIVITY``);
    ``db_url`` defaults to a SQLite file under ``out``."""

    customers: int = 2_000
    months: int = 12
    seed: int = 42
    out: Path = Path("demo-out")
    db_url: str | None = None
    enterprises: int = 0
    activity: float = DEFAULT_ACTIVITY
    as_of: date = DEFAULT_AS_OF
    limits: str = "dynamic"  # issue 13: "static" runs end of day without the limit strategy
    collections: str = "ccard"  # ccard: "ladder" decides collection with the fixed ladder

    def __post_init__(self) -> None:
        for name, value, low, high in (("customers", self.customers, MIN_CUSTOMERS, MAX_CUSTOMERS),
                                       ("months", self.months, 1, MAX_MONTHS),
                                       ("enterprises", self.enterprises, 0, 100_000)):
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValidationError(name, f"must be a whole number from {low:,} to {high:,}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ValidationError("seed", "must be a non-negative whole number")
        if not 0.0 < self.activity <= 5.0:
            raise ValidationError("activity", "must be above 0 and at most 5")
        if self.limits not in ("static", "dynamic"):
            raise ValidationError("limits", "must be static or dynamic")
        if self.collections not in ("ccard", "ladder"):  # ccard
            raise ValidationError("collections", "must be ccard or ladder")

    @property
    def database_url(self) -> str:
        return self.db_url or f"sqlite:///{(self.out / DB_FILE).resolve()}"

    @property
    def last_day(self) -> date:
        """The day before the same date ``months`` on (as_of 1 Jan, 12 months: 31 Dec)."""
        m = self.as_of.month - 1 + self.months
        year, month = self.as_of.year + m // 12, m % 12 + 1
        end = date(year, month, min(self.as_of.day, calendar.monthrange(year, month)[1]))
        return end - timedelta(days=1)

    @property
    def days(self) -> list[date]:
        """The business days, ``as_of`` to ``last_day``."""
        return [self.as_of + timedelta(days=i)
                for i in range((self.last_day - self.as_of).days + 1)]


# --------------------------------------------------------------------------- progress
class Progress(Protocol):
    """Where the run reports how far it is (the CLI shows a Rich progress bar)."""

    def phase(self, name: str, total: int) -> None: ...

    def advance(self, n: int = 1) -> None: ...


class NoProgress:
    def phase(self, name: str, total: int) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


# --------------------------------------------------------------------------- run state
@dataclass
class ApplicationRecord:
    """One application as the demo saw it (plus, for the report, who the applicant really
    was: ``bad``/``pd_true``/``fraud_kind`` come from the hidden truth)."""

    subject_id: str  # person_id / enterprise_id in the population
    kind: str
    product: str
    status: str
    policy_decision: str
    score: float | None
    pd: float | None
    limit: int  # granted cents (0 unless approved)
    declined_by: tuple[str, ...]  # knock-outs that declined
    referred_by: tuple[str, ...]  # knock-outs that referred
    reasons: tuple[str, ...]
    line_id: str | None
    bad: int
    pd_true: float
    fraud_kind: str
    default_month: int | None
    # fraudq: reasons given whose text is the generic "Risk factor: <variable>" fallback
    generic_reasons: int = 0
    application_id: str = ""
    review_id: str | None = None  # referred: the review the simulated reviewers work
    review_hours: float | None = None  # referred and decided: how long the applicant waited
    review_breached: bool = False  # decided after the product's review SLA


@dataclass
class Flow:
    """Counts and amounts (cents) of one kind of customer action."""

    count: int = 0
    cents: int = 0

    def add(self, cents: int) -> None:
        self.count += 1
        self.cents += cents


@dataclass
class Activity:
    """What the customers did, in total and by month (``YYYY-MM``)."""

    purchases: Flow = field(default_factory=Flow)
    returns: Flow = field(default_factory=Flow)
    repayments: Flow = field(default_factory=Flow)
    installment_purchases: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    held: Flow = field(default_factory=Flow)  # purchases a real-time trigger held (issue 13)
    by_month: dict[str, dict[str, Flow]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Flow)))

    def record(self, kind: str, day: date, cents: int) -> None:
        getattr(self, kind).add(cents)
        self.by_month[day.strftime("%Y-%m")][kind].add(cents)


@dataclass
class SmeFirm:
    """An enterprise holding a line (``steps.sme``), with its hidden default month."""

    enterprise_id: str
    line_id: str
    industry: str
    default_month: int | None  # hidden truth: month index of the default (None: never)
    statements: dict[str, str]  # as filed with the application


@dataclass
class SmeFlow:
    """What the firms and the desk did (money in cents)."""

    draws: int = 0
    drawn: int = 0
    repayments: int = 0
    repaid: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    statements_sent: int = 0
    reviews_decided: Counter[str] = field(default_factory=Counter)  # by proposal
    flags: list[tuple[str, str]] = field(default_factory=list)  # (industry, day)
    cuts: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"draws": self.draws, "drawn": f"{self.drawn / 100:.2f}",
                "repayments": self.repayments, "repaid": f"{self.repaid / 100:.2f}",
                "refused": dict(self.refused), "statements_sent": self.statements_sent,
                "reviews_decided": dict(self.reviews_decided),
                "flags": [{"industry": i, "day": d} for i, d in self.flags],
                "sector_cuts": self.cuts}


@dataclass
class MonthSnapshot:
    """The book at the close of a month end (after end of day)."""

    month: str
    day: date
    lines: int
    limit: int
    used: int
    balance: int
    buckets: dict[str, int]
    bucket_lines: dict[str, int]


@dataclass
class DemoContext:
    """Everything the steps share: the wired platform, the simulated market and what
    happened so far."""

    config: DemoConfig
    container: Container
    clock: FixedClock
    population: Population
    progress: Progress
    channel: Principal = SYSTEM  # the simulated checkout / app (a service user)
    system: Principal = SYSTEM
    admin_token: str | None = None
    customer_ids: dict[str, str] = field(default_factory=dict)  # subject id -> customer id
    contacts_added: int = 0
    contacts_refused: Counter[str] = field(default_factory=Counter)
    applications: list[ApplicationRecord] = field(default_factory=list)
    holders: list[str] = field(default_factory=list)  # person ids with a line, customer rows
    holder_lines: list[str] = field(default_factory=list)  # their line ids, same order
    customers: Customers | None = None
    memory: PurchaseMemory = field(default_factory=PurchaseMemory)
    purchase_ids: dict[str, str] = field(default_factory=dict)  # simulator ref -> purchase id
    # issue 13: the enterprises holding a line and what they and the risk desk did
    sme_firms: list[SmeFirm] = field(default_factory=list)
    sme: SmeFlow = field(default_factory=SmeFlow)
    activity: Activity = field(default_factory=Activity)
    snapshots: list[MonthSnapshot] = field(default_factory=list)
    ledger: dict[str, Any] = field(default_factory=dict)
    eod_seconds: float = 0.0
    timings: defaultdict[str, float] = field(  # wall seconds by step
        default_factory=lambda: defaultdict(float))
    cpu: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))  # CPU s
    collections: Any = None  # collections: the desk's state (simulate.steps.collections)
    # notify: the relay's counters over the run (events, messages, sent, retried, failed...)
    notify: Counter[str] = field(default_factory=Counter)
    limits: dict[str, Any] = field(default_factory=dict)  # issue 13: what the limits did
    portfolio: dict[str, Any] = field(default_factory=dict)  # issue 17: the risk report's figures
    bureau: dict[str, Any] = field(default_factory=dict)  # bureau (issue 16): runs, files
    _book: Book | None = None

    def uow(self) -> Any:
        return self.container.uow()

    def book(self) -> Book:
        """The book as it stands (read once until something changes it)."""
        if self._book is None:
            self._book = read_book(self.uow())
        return self._book

    def changed(self) -> None:
        """A step wrote to the book: the next ``book()`` reads it again."""
        self._book = None

    def add_holders(self, person_ids: Sequence[str], line_ids: Sequence[str]) -> None:
        """New line holders join the simulated customers (their draws do not depend on
        who else is simulated, so adding some changes nobody else's behaviour)."""
        self.holders.extend(person_ids)
        self.holder_lines.extend(line_ids)
        traits = Customers.from_population(self.population, self.holders, seed=self.config.seed)
        if self.config.activity != 1.0:
            traits = _scaled(traits, self.config.activity)
        self.customers = traits


def _scaled(customers: Customers, factor: float) -> Customers:
    from dataclasses import replace

    return replace(customers, purchases_per_month=customers.purchases_per_month * factor)


# --------------------------------------------------------------------------- steps
class Stage(Protocol):
    """A step that runs once (before the first or after the last business day)."""

    name: str

    def run(self, ctx: DemoContext) -> None: ...


class DayStep(Protocol):
    """A step that runs every business day, in list order."""

    name: str

    def run(self, ctx: DemoContext, day: date) -> None: ...
