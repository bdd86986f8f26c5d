"""What simulated customers intend to do on a business day: buy, return, repay.

The model is pure and seeded.  Given a customer's hidden truth (from the population),
the state of their credit line and the business date, it returns the actions they
*intend*; a driver hands those to the real origination and servicing services (the
same code the API calls), which may still refuse them.  Nothing here touches a line.

Randomness is counter-based: every draw is a hash of (customer key, purpose, date,
...), not a step of a shared generator.  So a customer's decision on a day does not
depend on who else is simulated or in what order, the scalar path (``decide``) and
the vectorised path (``plan_day``) give identical answers, and 2,000 customers x 365
days costs well under a second of numpy.

How customers behave, in brief:

- *Purchases*: on a day a customer buys with probability set by their habitual
  purchases per month (more at weekends, on 618 and on Singles' Day, less while their
  income is down, a splurge in the month before they default).  The category comes
  from their top-3 preferences or the market mix, the amount from the category's
  ticket size scaled by income.  A purchase never exceeds the available credit: the
  customer settles for something cheaper or walks away.  Big tickets go on 3-24
  installments by the customer's installment propensity.
- *Returns*: each purchase may come back within 15 days (mostly the first week,
  China's 7-day no-reason return), with a probability of the customer's return
  propensity times the category's return factor; sometimes only part of it.
- *Repayments*: per statement the customer's style is drawn - full, minimum, partial,
  late (pays 1-29 days after the due date) or miss - from their late and
  minimum-pay propensities, made worse while they are jobless or shocked.  They pay
  on their usual lead days before the due date, never more than they can afford.
  While overdue, every further 30 days is a fresh chance to cure.  From their
  ``default_month`` on they never pay again.
- *Bust-out fraudsters* buy resellable goods up to the limit within days and never
  repay or return anything.

``LineState`` field meanings (what the driver reads from the services):
``amount_due`` is the unpaid part of the latest statement plus anything overdue;
``minimum_due`` is what must still be paid to be current (0 once the minimum is met);
``due_date`` is the latest statement's due date (None before the first statement).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np
import polars as pl

from creditline.money import ZERO
from creditline.simulate import appetite
from creditline.simulate.events import month_index
from creditline.simulate.merchants import (
    CATEGORIES,
    CATEGORY_CODES,
    INSTALLMENT_SHARE,
    MEDIAN_TICKET,
    POPULARITY,
    RESELLABLE,
    RETURN_FACTOR,
    TICKET_SIGMA,
    ticket_scale,
)
from creditline.simulate.persons import PREFERENCE_WEIGHTS
from creditline.simulate.population import Population

INSTALLMENT_TENORS = (1, 3, 6, 12, 24)
RETURN_WINDOW_DAYS = 15
MIN_TICKET_CENTS = 500  # nobody puts less than 5 yuan on a credit line
INSTALLMENT_FLOOR_CENTS = 30_000  # 300 yuan: smaller purchases are paid in one go
BUST_OUT_FLOOR_CENTS = 10_000  # a bust-out stops when less than 100 yuan is left

FULL, MINIMUM, PARTIAL, LATE, MISS = range(5)
REPAYMENT_STYLES = ("full", "minimum", "partial", "late", "miss")

# Hash salts: one per kind of decision, so draws never collide.
(_BUY, _CAT, _CAT_MIX, _TICKET1, _TICKET2, _SETTLE, _SETTLE_SHARE, _INSTAL, _TENOR, _MERCHANT,
 _RETURN, _RETURN_PART, _RETURN_SHARE, _STYLE, _LEAD, _LATE_DAYS, _PARTIAL, _LATE_FULL,
 _BUST_CAT, _BUST_SHARE, _BUST_TENOR) = range(1, 22)
_APPETITE = 22  # issue 13: the hidden appetite for credit (simulate.appetite)

_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_POPULARITY_CDF = np.cumsum(POPULARITY)
_PREFERENCE_CDF = np.cumsum(PREFERENCE_WEIGHTS)
_MERCHANTS = [c.merchants for c in CATEGORIES]
_CATEGORY_POSITION = {c: i for i, c in enumerate(CATEGORY_CODES)}

# Return timing: most returns come in the first week.
_RETURN_DAY_WEIGHT = np.array([np.exp(-(k - 1) / 3) * (1.0 if k <= 7 else 0.15)
                               for k in range(1, RETURN_WINDOW_DAYS + 1)])
_RETURN_DAY_WEIGHT /= _RETURN_DAY_WEIGHT.sum()
_RETURN_DAY_BEFORE = np.concatenate([[0.0], np.cumsum(_RETURN_DAY_WEIGHT)[:-1]])


# --- actions -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Purchase:
    """Buy ``amount`` at ``merchant``; ``ref`` is the simulator's own reference, so a
    later ``Return`` can name it (the driver maps it to the service's purchase id)."""

    ref: str
    amount: Decimal
    merchant: str
    merchant_category: str
    installments: int


@dataclass(frozen=True, slots=True)
class Return:
    purchase_ref: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Repay:
    amount: Decimal


Action = Purchase | Return | Repay


@dataclass(frozen=True, slots=True)
class Intent:
    """One intended action of one customer (``customer`` = row in ``Customers``)."""

    person_id: str
    customer: int
    action: Action


# --- state -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class LineState:
    """A customer's line as the services report it on the morning of a business day."""

    limit: Decimal
    available: Decimal
    amount_due: Decimal = ZERO
    minimum_due: Decimal = ZERO
    due_date: date | None = None
    days_past_due: int = 0
    can_purchase: bool = True  # false when frozen, suspended or closing


@dataclass(frozen=True, slots=True)
class OpenPurchase:
    """A purchase the customer could still return (``amount`` = what is returnable)."""

    ref: str
    purchased_on: date
    amount: Decimal
    merchant_category: str


def _cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def _money(cents: int) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)


@dataclass(frozen=True)
class LineBook:
    """Line states for every customer, as columns of integer cents (row i = customer i)."""

    limit: np.ndarray
    available: np.ndarray
    amount_due: np.ndarray
    minimum_due: np.ndarray
    due: np.ndarray  # date ordinal; 0 = no statement yet
    dpd: np.ndarray
    can_purchase: np.ndarray

    @classmethod
    def from_states(cls, states: Sequence[LineState]) -> LineBook:
        def col(values: list[int]) -> np.ndarray:
            return np.array(values, dtype=np.int64)

        return cls(col([_cents(s.limit) for s in states]),
                   col([_cents(s.available) for s in states]),
                   col([_cents(s.amount_due) for s in states]),
                   col([_cents(s.minimum_due) for s in states]),
                   col([s.due_date.toordinal() if s.due_date else 0 for s in states]),
                   col([s.days_past_due for s in states]),
                   np.array([s.can_purchase for s in states], dtype=bool))


@dataclass(frozen=True)
class RecentPurchases:
    """Returnable purchases as columns: which customer, when, how much, what category."""

    customer: np.ndarray
    day: np.ndarray  # date ordinal
    amount: np.ndarray  # cents still returnable
    category: np.ndarray
    ref: list[str]

    def __len__(self) -> int:
        return len(self.ref)

    @classmethod
    def empty(cls) -> RecentPurchases:
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z, z, z, [])

    @classmethod
    def from_open(cls, rows: Sequence[tuple[int, OpenPurchase]]) -> RecentPurchases:
        """From ``(customer row, purchase)`` pairs."""
        return cls(np.array([c for c, _ in rows], dtype=np.int64),
                   np.array([p.purchased_on.toordinal() for _, p in rows], dtype=np.int64),
                   np.array([_cents(p.amount) for _, p in rows], dtype=np.int64),
                   np.array([_CATEGORY_POSITION[p.merchant_category] for _, p in rows],
                            dtype=np.int64),
                   [p.ref for _, p in rows])


@dataclass
class PurchaseMemory:
    """What each customer bought recently and could still return.

    The driver records the purchases the services *accepted* and forgets those that
    were returned; ``recent(day)`` is the input ``plan_day`` needs."""

    _open: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)

    def record(self, customer: int, purchase: Purchase, day: date) -> None:
        self._open[purchase.ref] = (customer, day.toordinal(), _cents(purchase.amount),
                                    _CATEGORY_POSITION[purchase.merchant_category])

    def forget(self, ref: str) -> None:
        self._open.pop(ref, None)

    def recent(self, day: date) -> RecentPurchases:
        cutoff = day.toordinal() - RETURN_WINDOW_DAYS
        for ref in [r for r, v in self._open.items() if v[1] < cutoff]:
            del self._open[ref]
        if not self._open:
            return RecentPurchases.empty()
        values = np.array(list(self._open.values()), dtype=np.int64)
        return RecentPurchases(values[:, 0], values[:, 1], values[:, 2], values[:, 3],
                               list(self._open))

    def __len__(self) -> int:
        return len(self._open)


@dataclass(frozen=True)
class Customers:
    """The hidden traits the behaviour model reads, as columns (one row per customer)."""

    person_id: np.ndarray
    key: np.ndarray  # uint64 hash key (seed, person)
    as_of: date
    income: np.ndarray  # true monthly income, cents
    debt: np.ndarray  # existing monthly repayments, cents
    purchases_per_month: np.ndarray
    preferred: np.ndarray  # (n, 3) category positions
    ticket_scale: np.ndarray
    installment_propensity: np.ndarray
    return_propensity: np.ndarray
    late_propensity: np.ndarray
    min_pay_propensity: np.ndarray
    pay_lead_days: np.ndarray
    bust_out: np.ndarray
    default_month: np.ndarray  # -1: does not default within the horizon
    income_factor: np.ndarray  # (n, horizon)
    stressed: np.ndarray  # (n, horizon) jobless or hit by an income shock

    @classmethod
    def from_population(cls, population: Population, person_ids: Sequence[str] | None = None,
                        *, seed: int | None = None) -> Customers:
        """Traits for ``person_ids`` (default: everyone), in that order.  ``seed``
        (default: the population's) keys the behaviour draws."""
        persons = population.persons.select("person_id", "existing_debt_monthly").with_row_index("row")
        frame = persons.join(population.truth, on="person_id", how="left", maintain_order="left")
        if person_ids is not None:
            wanted = pl.DataFrame({"person_id": list(person_ids)})
            frame = wanted.join(frame, on="person_id", how="left", maintain_order="left")
            missing = frame.filter(pl.col("row").is_null())["person_id"].to_list()
            if missing:
                raise KeyError(f"not in the population: {missing[:5]}")
        rows = frame["row"].to_numpy().astype(np.int64)
        base = _mix(np.array([population.seed if seed is None else seed], dtype=np.uint64))
        key = _mix(base ^ (rows.astype(np.uint64) * _GOLDEN))
        pref = np.array(frame["preferred_categories"].to_list())
        codes = np.array(CATEGORY_CODES)
        order = np.argsort(codes)
        preferred = order[np.searchsorted(codes[order], pref)] if len(pref) else pref.reshape(0, 3)
        income = frame["true_monthly_income"].cast(pl.Float64).to_numpy() * 100
        events = population.events
        return cls(
            person_id=np.array(frame["person_id"].to_list(), dtype=object),
            key=key,
            as_of=population.as_of,
            income=np.round(income),
            debt=np.round(frame["existing_debt_monthly"].cast(pl.Float64).to_numpy() * 100),
            purchases_per_month=frame["purchases_per_month"].to_numpy(),
            preferred=preferred.astype(np.int64),
            ticket_scale=ticket_scale(income / 100),
            installment_propensity=frame["installment_propensity"].to_numpy(),
            return_propensity=frame["return_propensity"].to_numpy(),
            late_propensity=frame["late_propensity"].to_numpy(),
            min_pay_propensity=frame["min_pay_propensity"].to_numpy(),
            pay_lead_days=frame["pay_lead_days"].to_numpy().astype(np.int64),
            bust_out=frame["bust_out"].to_numpy(),
            default_month=frame["default_month"].fill_null(-1).to_numpy().astype(np.int64),
            income_factor=events.income_factor[rows],
            stressed=(events.jobless | events.shocked)[rows],
        )

    def __len__(self) -> int:
        return len(self.person_id)

    def take(self, rows: Sequence[int] | np.ndarray) -> Customers:
        """A subset (e.g. the customers who hold a line today); draws are unchanged."""
        r = np.asarray(rows, dtype=np.int64)
        kw = {name: getattr(self, name) for name in self.__dataclass_fields__}
        return Customers(**{k: (v if k == "as_of" else v[r]) for k, v in kw.items()})

    def row_of(self, person_id: str) -> int:
        hits = np.flatnonzero(self.person_id == person_id)
        if not len(hits):
            raise KeyError(person_id)
        return int(hits[0])


# --- counter-based random draws ---------------------------------------------------------

_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: a bijective 64-bit mix.  Array arithmetic on uint64 wraps
    modulo 2**64 silently, which is what the hash wants (always pass arrays)."""
    x = np.asarray(x, dtype=np.uint64).reshape(-1) + _GOLDEN
    x = (x ^ (x >> _S30)) * _M1
    x = (x ^ (x >> _S27)) * _M2
    return x ^ (x >> _S31)


def _uniform(key: np.ndarray, *salts: int | np.ndarray) -> np.ndarray:
    """A uniform [0, 1) per element, a pure function of the key and the salts."""
    h = key
    for s in salts:
        h = _mix(h ^ _mix(np.asarray(s, dtype=np.int64).astype(np.uint64)))
    return (h >> _S11).astype(np.float64) * (1.0 / (1 << 53))


def _normal(key: np.ndarray, salt1: int, salt2: int, d: int) -> np.ndarray:
    """Box-Muller from two hashed uniforms."""
    u1 = np.maximum(_uniform(key, salt1, d), 1e-12)
    u2 = _uniform(key, salt2, d)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


# --- the model -----------------------------------------------------------------------

def shopping_factor(day: date) -> float:
    """Calendar effect on purchase rates: weekends, 618 and Singles' Day (11.11)."""
    factor = 1.15 if day.weekday() >= 5 else 1.0
    if day.month == 11 and day.day == 11:
        factor *= 3.0
    elif day.month == 11 and day.day < 11:
        factor *= 1.2
    elif day.month == 6 and day.day == 18:
        factor *= 2.5
    elif day.month == 12 and day.day == 12:
        factor *= 1.5
    return factor


def plan_day(customers: Customers, book: LineBook, day: date,
             recent: RecentPurchases | None = None) -> list[Intent]:
    """Every customer's intended actions on ``day``, ordered by customer, then
    repayment, returns, purchase (returns and repayments free credit; a purchase is
    sized against the morning's available credit, which they can only increase)."""
    n = len(customers)
    if len(book.limit) != n:
        raise ValueError("book and customers must have the same rows")
    d = day.toordinal()
    k = month_index(customers.as_of, day)
    horizon = customers.income_factor.shape[1]
    if 0 <= k < horizon:
        factor = customers.income_factor[:, k].astype(np.float64)
        stress = np.where(customers.stressed[:, k], 1.0 - factor, 0.0).clip(0.0, 1.0)
    else:
        factor, stress = np.ones(n), np.zeros(n)
    defaulted = (customers.default_month >= 0) & (k >= customers.default_month)
    intents: list[tuple[int, int, Action]] = []
    _repayments(customers, book, d, factor, stress, defaulted, intents)
    if recent is not None and len(recent.customer):
        _returns(customers, recent, d, intents)
    _purchases(customers, book, day, k, factor, intents)
    intents.sort(key=lambda t: (t[0], t[1]))
    pid = customers.person_id
    return [Intent(pid[c], c, a) for c, _, a in intents]


def decide(customers: Customers, person_id: str, line: LineState, day: date,
           open_purchases: Sequence[OpenPurchase] = ()) -> list[Action]:
    """One customer's intended actions on ``day`` (the scalar view of ``plan_day``)."""
    one = customers.take([customers.row_of(person_id)])
    recent = RecentPurchases.from_open([(0, p) for p in open_purchases])
    return [i.action for i in plan_day(one, LineBook.from_states([line]), day, recent)]


def _repayments(c: Customers, book: LineBook, d: int, factor: np.ndarray, stress: np.ndarray,
                defaulted: np.ndarray, out: list[tuple[int, int, Action]]) -> None:
    # Nobody pays more than 9 days ahead of the due date, so skip the rest early.
    owes = ((book.amount_due > 0) & (book.due > 0) & (d >= book.due - 9) & ~defaulted
            & ~c.bust_out)
    rows = np.flatnonzero(owes)
    if not len(rows):
        return
    key, due = c.key[rows], book.due[rows]
    window = np.maximum(d - due, 0) // 30  # 0: this statement; 1, 2, ...: each 30 days overdue
    late_p = c.late_propensity[rows] * (1 + 2 * stress[rows])
    miss_p = np.minimum(0.25 * c.late_propensity[rows] * (1 + 3 * stress[rows]), 0.2)
    miss_p = np.where(window > 0, 0.3 * miss_p, miss_p)  # the overdue mostly cure
    min_p = c.min_pay_propensity[rows] * (1 + stress[rows])
    part_p = 0.5 * c.min_pay_propensity[rows]
    probs = np.stack([np.zeros(len(rows)), min_p, part_p, late_p, miss_p], axis=1)
    total = probs.sum(axis=1, keepdims=True)
    probs = np.where(total > 0.95, probs * 0.95 / total, probs)
    probs[:, FULL] = 1.0 - probs.sum(axis=1)
    u = _uniform(key, _STYLE, due, window)
    style = np.minimum((np.cumsum(probs, axis=1) < u[:, None]).sum(axis=1), MISS)
    lead = np.minimum(c.pay_lead_days[rows] + np.floor(_uniform(key, _LEAD, due) * 3), 9)
    offset = 1 + np.floor(_uniform(key, _LATE_DAYS, due, window) * 29)
    pay_day = np.where(window == 0, np.where(style == LATE, due + offset, due - lead),
                       due + 30 * window + offset - 1)
    acting = (style != MISS) & (d >= pay_day)

    amount_due, minimum = book.amount_due[rows], book.minimum_due[rows]
    income = c.income[rows] * factor[rows]
    dti = c.debt[rows] / np.maximum(c.income[rows], 1)
    capacity = np.floor(income * np.maximum(0.7 - dti, 0.25))
    share = _uniform(key, _PARTIAL, due, window)
    target = np.select(
        [style == FULL, style == MINIMUM, style == PARTIAL],
        [amount_due, minimum, minimum + np.floor(share * (amount_due - minimum))],
        np.where(_uniform(key, _LATE_FULL, due) < 0.5, amount_due, minimum))
    # Behind on the minimum: pay at least the minimum if it is affordable, else wait.
    catch_up = acting & (minimum > 0) & (capacity >= minimum)
    pay = np.where(catch_up, np.clip(np.minimum(target, capacity), minimum, amount_due), 0)
    # Minimum already met: full payers still clear the statement on their pay day.
    settle = acting & (minimum == 0) & (style == FULL) & (d == pay_day)
    pay = np.where(settle, np.minimum(amount_due, capacity), pay)
    for i in np.flatnonzero(pay >= 100):
        out.append((int(rows[i]), 0, Repay(_money(pay[i]))))


def _returns(c: Customers, recent: RecentPurchases, d: int,
             out: list[tuple[int, int, Action]]) -> None:
    age = d - recent.day
    live = (age >= 1) & (age <= RETURN_WINDOW_DAYS) & ~c.bust_out[recent.customer]
    idx = np.flatnonzero(live)
    if not len(idx):
        return
    cust, a, cat = recent.customer[idx], age[idx] - 1, recent.category[idx]
    key = c.key[cust]
    p_total = np.clip(c.return_propensity[cust] * RETURN_FACTOR[cat], 0.0, 0.9)
    hazard = p_total * _RETURN_DAY_WEIGHT[a] / np.maximum(1 - p_total * _RETURN_DAY_BEFORE[a], 1e-9)
    back = _uniform(key, _RETURN, recent.day[idx], a) < hazard
    amount = recent.amount[idx]
    part = _uniform(key, _RETURN_PART, recent.day[idx]) < 0.3
    share = 0.2 + 0.7 * _uniform(key, _RETURN_SHARE, recent.day[idx])
    value = np.where(part, np.maximum(np.floor(amount * share), 100), amount)
    value = np.minimum(value, amount)
    for j in np.flatnonzero(back & (value > 0)):
        out.append((int(cust[j]), 1, Return(recent.ref[idx[j]], _money(value[j]))))


def _appetite_gap(c: Customers, book: LineBook, rows: np.ndarray, k: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """How far below their hidden appetite for credit each customer is (a share of the
    limit), and who is drawing down before default (``simulate.appetite``)."""
    base = appetite.appetite(_uniform(c.key[rows], _APPETITE))
    want, drawing_down = appetite.drawdown_appetite(base, c.default_month[rows], k)
    return appetite.room(want, book.limit[rows], book.available[rows]), drawing_down


def _purchases(c: Customers, book: LineBook, day: date, k: int, factor: np.ndarray,
               out: list[tuple[int, int, Action]]) -> None:
    d = day.toordinal()
    open_to_buy = book.can_purchase & (book.dpd < 30) & (book.available >= MIN_TICKET_CENTS)
    rows = np.flatnonzero(open_to_buy)
    if not len(rows):
        return
    key = c.key[rows]
    available = book.available[rows]
    splurge = (c.default_month[rows] >= 0) & (k == c.default_month[rows] - 1)
    rate = (c.purchases_per_month[rows] / 30.4 * shopping_factor(day) * np.sqrt(factor[rows])
            * np.where(book.dpd[rows] > 0, 0.3, 1.0) * np.where(splurge, 1.5, 1.0))
    gap, drawing_down = _appetite_gap(c, book, rows, k)  # customers respond to their limit
    rate = rate * appetite.rate_factor(gap, drawing_down)
    bust = c.bust_out[rows] & (available >= BUST_OUT_FLOOR_CENTS)
    buys = np.where(bust, 0.85, 1.0 - np.exp(-rate)) > _uniform(key, _BUY, d)
    buys &= ~(c.bust_out[rows] & ~bust)  # a bust-out with nothing left stops
    if not buys.any():
        return
    rows, key, available, bust = rows[buys], key[buys], available[buys], bust[buys]
    gap = gap[buys]

    u = _uniform(key, _CAT, d)
    pick = np.minimum(np.searchsorted(_PREFERENCE_CDF, u, side="right"), 3)
    market = np.minimum(np.searchsorted(_POPULARITY_CDF, _uniform(key, _CAT_MIX, d), side="right"),
                        len(CATEGORIES) - 1)
    pref = c.preferred[rows, np.minimum(pick, 2)]
    category = np.where(pick < 3, pref, market)
    ticket = (MEDIAN_TICKET[category] * c.ticket_scale[rows]
              * np.exp(TICKET_SIGMA[category] * _normal(key, _TICKET1, _TICKET2, d)))
    cents = np.maximum(np.round(ticket * 100 * appetite.ticket_factor(gap)), MIN_TICKET_CENTS)
    # Too dear for the credit left: settle for something cheaper half the time.
    too_dear = cents > available
    settle = _uniform(key, _SETTLE, d) < 0.5
    cheaper = np.floor(available * (0.3 + 0.7 * _uniform(key, _SETTLE_SHARE, d)))
    cents = np.where(too_dear, np.where(settle, cheaper, 0), cents)
    # Bust-outs: resellable goods for most of what is left.
    bust_cat = RESELLABLE[np.floor(_uniform(key, _BUST_CAT, d) * len(RESELLABLE)).astype(np.int64)]
    category = np.where(bust, bust_cat, category)
    cents = np.where(bust, np.floor(available * (0.6 + 0.4 * _uniform(key, _BUST_SHARE, d))), cents)
    cents = np.minimum(cents, available)

    p_inst = np.clip(c.installment_propensity[rows] * INSTALLMENT_SHARE[category] * 1.6, 0, 0.95)
    split = (cents >= INSTALLMENT_FLOOR_CENTS) & (_uniform(key, _INSTAL, d) < p_inst)
    ut = _uniform(key, _TENOR, d)
    tenor = np.select([cents < 100_000, cents < 500_000],
                      [np.where(ut < 0.5, 3, 6), np.select([ut < 0.3, ut < 0.7], [3, 6], 12)],
                      np.select([ut < 0.3, ut < 0.75], [6, 12], 24))
    installments = np.where(split, tenor, 1)
    bust_tenor = np.array([1, 12, 24])[np.minimum(
        np.floor(_uniform(key, _BUST_TENOR, d) * 3).astype(np.int64), 2)]
    installments = np.where(bust & (cents >= INSTALLMENT_FLOOR_CENTS), bust_tenor, installments)
    shop = np.floor(_uniform(key, _MERCHANT, d) * 1000).astype(np.int64)
    stamp = day.strftime("%Y%m%d")
    for j in np.flatnonzero(cents >= MIN_TICKET_CENTS):
        r, cat = int(rows[j]), int(category[j])
        merchants = _MERCHANTS[cat]
        out.append((r, 2, Purchase(f"{c.person_id[r]}-{stamp}", _money(cents[j]),
                                   merchants[shop[j] % len(merchants)], CATEGORY_CODES[cat],
                                   int(installments[j]))))
