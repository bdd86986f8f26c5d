"""How simulated delinquent customers respond to collection contacts (simulator only).

Every debtor with an open collection case gets hidden traits the first time collection
touches the case, drawn from this module's own seeded stream (a hash of the run's seed, the
case and the purpose), so no other draw of the demo shifts because of them:

- **ability** comes from the behaviour model's hidden truth: a customer past their hidden
  ``default_month`` has none (they never pay again of their own will: only a court
  recovers from them, ``LEGAL_RECOVERY_SHARE`` of what is past due with probability
  ``LEGAL_RECOVERY_P``); a customer jobless or hit by an income shock this month pays half
  of what is past due; anyone else can pay all of it.
- **willingness**: which contact moves them -- ``reminder`` (any message they read),
  ``call`` (a connected call: they promise and keep it), ``agency`` (only an agency's
  contact), or ``never``.  Weights, for a customer of late propensity ``lp`` (the
  population's hidden trait, 0-0.8): reminder 0.50 x (1 - lp), call 0.25, agency 0.15,
  never 0.10 x (1 + 4 lp); a defaulted customer is ``never``.
- **reachable by phone** with probability 0.85 - 0.5 lp (0.5 once defaulted); an
  unreachable debtor's calls go unanswered (85 %) or find a wrong number (15 %) and their
  texts are not read.

What a contact does (probabilities per contact):

- a message is read: a text by a reachable debtor 80 %, an app-inbox message 40 %, an
  e-mail 30 %; a ``reminder`` debtor who reads one pays 1-3 days later; a ``call`` debtor
  who reads one pays with 10 %;
- a call by a reachable debtor is answered 60 % of the time; answered, a ``reminder`` or
  ``call`` debtor promises to pay what is collectable within 2-5 days and keeps the promise
  if able; an ``agency`` debtor is reached (50 %), refuses (30 %) or promises and does not
  pay (20 %); a ``never`` debtor refuses (50 %) or is reached (50 %);
- an agency reaches the debtor 90 % of the time (it traces them); a reached debtor who is
  not ``never`` and is able pays 3-10 days after;
- a legal referral: an able debtor pays 30-45 days after it with probability 0.6; a
  defaulted one as said above.

The payments go through the real repayment service; the promises are logged by the desk
through ``log_call`` and settled by end of day like any other.  Nothing here is tuned to
make one strategy win: the parameters were set once from these plain descriptions, before
any comparison was run, and are the same for every strategy on a seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from creditline.simulate.behaviour import Customers
from creditline.simulate.events import month_index

KINDS = ("reminder", "call", "agency", "never")
READ = {"sms": 0.8, "inbox": 0.4, "email": 0.3}
ANSWER = 0.6
AGENCY_REACH = 0.9
LEGAL_PAY = 0.6
LEGAL_RECOVERY_P = 0.5
LEGAL_RECOVERY_SHARE = 0.5


@dataclass(frozen=True)
class Traits:
    kind: str
    reachable: bool


@dataclass(frozen=True)
class Payment:
    line_id: str
    on: date
    share: float  # of what is past due on the day


@dataclass
class Responses:
    """The hidden response of every debtor collection has touched, and the payments they
    will make (one pending payment per line: the earliest)."""

    seed: int
    customers: Customers
    traits: dict[str, Traits] = field(default_factory=dict)  # by case id
    pending: dict[str, Payment] = field(default_factory=dict)  # by line id

    def _rng(self, *key: object) -> random.Random:
        return random.Random("creditline-response-" + "-".join(map(str, (self.seed, *key))))

    def _state(self, row: int, day: date) -> tuple[bool, float]:
        """(defaulted, share of the past due the customer can pay) on ``day``."""
        c = self.customers
        k = month_index(c.as_of, day)
        dm = int(c.default_month[row])
        if dm >= 0 and k >= dm:
            return True, 0.0
        stressed = 0 <= k < c.stressed.shape[1] and bool(c.stressed[row, k])
        return False, 0.5 if stressed else 1.0

    def of(self, case_id: str, row: int, day: date) -> Traits:
        t = self.traits.get(case_id)
        if t is None:
            defaulted, _ = self._state(row, day)
            lp = float(self.customers.late_propensity[row])
            rng = self._rng(case_id, "traits")
            if defaulted:
                kind = "never"
            else:
                w = [0.50 * (1 - lp), 0.25, 0.15, 0.10 * (1 + 4 * lp)]
                kind = rng.choices(KINDS, w)[0]
            reach = rng.random() < (0.5 if defaulted else 0.85 - 0.5 * lp)
            t = self.traits[case_id] = Traits(kind, reach)
        return t

    def _pay(self, line_id: str, on: date, share: float) -> None:
        if share <= 0:
            return
        p = self.pending.get(line_id)
        if p is None or on < p.on:
            self.pending[line_id] = Payment(line_id, on, share)

    def message(self, case_id: str, line_id: str, row: int, channel: str, day: date) -> None:
        """A message on ``channel`` reached the debtor's phone, mailbox or app on ``day``."""
        t = self.of(case_id, row, day)
        rng = self._rng(case_id, "message", channel, day)
        read = rng.random() < READ.get(channel, 0.0) and (t.reachable or channel != "sms")
        _, able = self._state(row, day)
        if not read or able == 0:
            return
        if t.kind == "reminder" or (t.kind == "call" and rng.random() < 0.10):
            self._pay(line_id, day + timedelta(days=rng.randint(1, 3)), able)

    def call(self, case_id: str, line_id: str, row: int, day: date) -> tuple[str, int]:
        """The outcome of a collector's call and, for a promise, in how many days."""
        t = self.of(case_id, row, day)
        rng = self._rng(case_id, "call", day)
        if not t.reachable:
            return ("no_answer" if rng.random() < 0.85 else "wrong_number"), 0
        if rng.random() >= ANSWER:
            return "no_answer", 0
        _, able = self._state(row, day)
        if t.kind in ("reminder", "call"):
            days = rng.randint(2, 5)
            self._pay(line_id, day + timedelta(days=max(0, days - rng.randint(0, 2))), able)
            return "promise_to_pay", days
        u = rng.random()
        if t.kind == "agency":
            return ("reached", 0) if u < 0.5 else ("refused_to_pay", 0) if u < 0.8 else (
                "promise_to_pay", rng.randint(2, 5))
        return ("refused_to_pay" if u < 0.5 else "reached"), 0

    def agency(self, case_id: str, line_id: str, row: int, day: date) -> str:
        """An agency's call on ``day``; a reached debtor who will pay schedules it."""
        t = self.of(case_id, row, day)
        rng = self._rng(case_id, "agency", day)
        if rng.random() >= AGENCY_REACH:
            return "no_answer"
        _, able = self._state(row, day)
        if t.kind != "never" and able > 0:
            self._pay(line_id, day + timedelta(days=rng.randint(3, 10)), able)
            return "reached"
        return "refused_to_pay"

    def legal(self, case_id: str, line_id: str, row: int, day: date) -> None:
        """A legal referral on ``day``."""
        rng = self._rng(case_id, "legal", day)
        defaulted, able = self._state(row, day)
        later = day + timedelta(days=rng.randint(30, 45))
        if defaulted:
            if rng.random() < LEGAL_RECOVERY_P:
                self._pay(line_id, later, LEGAL_RECOVERY_SHARE)
        elif rng.random() < LEGAL_PAY:
            self._pay(line_id, later, able)

    def due(self, day: date) -> list[Payment]:
        """The payments falling due on ``day`` (taken off the pending list)."""
        out = [p for p in self.pending.values() if p.on <= day]
        for p in out:
            del self.pending[p.line_id]
        return sorted(out, key=lambda p: p.line_id)
