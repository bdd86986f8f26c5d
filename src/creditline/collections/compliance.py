"""The compliance gate: every collection contact -- a collector's call, an agency's, a
message -- asks ``verdict`` first, and the answer is logged either way.

``verdict(profile, attempt, history, local_time)`` is pure: the profile (rules as data,
``rules/profiles.json``), the attempt, the debtor's earlier contacts (every case of the
debtor, the lender's and its agencies'), and the attempt's instant in the debtor's local
time.  It returns allowed, or refused with the rule that refused and the instant the same
contact would be allowed again.  ``replay`` runs the whole contact log back through it.

Rules, in the order they are checked:

- ``<P>.unrelated_party``: only the debtor is contacted -- or one of the debtor's emergency
  contacts, under their own rules (``collections.emergency``, checked before the gate);
- ``<P>.regional_relief``: no collection contact with a customer living in a region under
  relief (``collections.relief``), nor with their emergency contacts, until it ends;
- ``<P>.hours``: only between ``allowed_from`` and ``allowed_until`` local time (CN: not
  22:00-08:00, unless the debtor agreed to other hours; US: 08:00-21:00);
- ``<P>.conversation_cooldown``: no call within N days after a conversation about the debt
  (US: 7 days after a telephone conversation, Regulation F);
- ``<P>.call_attempts``: at most N call attempts per debt in a rolling window (US: 7 in 7
  days);
- ``<P>.connected_calls``: at most N connected calls per debtor per local day across the
  lender and its agencies (CN: 3).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from creditline.collections.rules import EmergencyRules, Profile


class Channel(StrEnum):
    CALL = "call"
    SMS = "sms"
    EMAIL = "email"
    VISIT = "visit"
    INBOX = "inbox"  # ccard: a message in the app inbox (collection strategy)


class Party(StrEnum):
    DEBTOR = "debtor"
    EMERGENCY_CONTACT = "emergency_contact"  # approached under collections.emergency
    UNRELATED = "unrelated"


class Outcome(StrEnum):
    NO_ANSWER = "no_answer"
    WRONG_NUMBER = "wrong_number"
    REACHED = "reached"
    REFUSED_TO_PAY = "refused_to_pay"
    DISPUTE = "dispute"
    PROMISE_TO_PAY = "promise_to_pay"


# a conversation with the debtor about the debt: the call connected to them
CONNECTED = frozenset({Outcome.REACHED, Outcome.REFUSED_TO_PAY, Outcome.DISPUTE,
                       Outcome.PROMISE_TO_PAY})


@dataclass(frozen=True)
class Attempt:
    """A contact about to be made."""

    case_id: str
    customer_id: str
    channel: Channel
    at: datetime  # UTC
    party: Party = Party.DEBTOR
    hours_agreed: bool = False  # the debtor agreed to be contacted outside the usual hours
    relief: str | None = None  # a regional relief covering the debtor now: its reason
    relief_until: date | None = None  # its last day


@dataclass(frozen=True)
class PastContact:
    """A contact already made (an allowed attempt from the contact log)."""

    case_id: str
    channel: Channel
    at: datetime  # UTC
    outcome: Outcome | None = None

    @property
    def connected(self) -> bool:
        return self.channel is Channel.CALL and self.outcome in CONNECTED


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    rule: str | None = None  # the rule that refused
    reason: str | None = None
    allowed_again_at: datetime | None = None  # UTC

    @property
    def kind(self) -> str | None:
        """The family of the refusing rule: hours, frequency or party."""
        if self.rule is None:
            return None
        tail = self.rule.split(".", 1)[1]
        if tail.startswith("emergency_contact."):
            return "emergency"
        return {"hours": "hours", "unrelated_party": "party",
                "regional_relief": "relief"}.get(tail, "frequency")


ALLOWED = Verdict(True)


def _local(at: datetime, profile: Profile) -> datetime:
    return at.astimezone(profile.tz)


def _in_hours(t: time, profile: Profile) -> bool:
    lo, hi = profile.allowed_from, profile.allowed_until
    if lo <= hi:
        return lo <= t < hi
    return t >= lo or t < hi  # a window across midnight


def opening_on(day: date, profile: Profile) -> datetime:
    """When the hours window opens on local ``day``, as a UTC instant."""
    at = datetime.combine(day, profile.allowed_from, tzinfo=profile.tz)
    return at.astimezone(UTC)


def _next_opening(local: datetime, profile: Profile) -> datetime:
    """The next instant the hours window opens, after ``local`` (a local aware datetime)."""
    opening = local.replace(hour=profile.allowed_from.hour, minute=profile.allowed_from.minute,
                            second=0, microsecond=0)
    if opening <= local:
        opening += timedelta(days=1)
    # wall-clock arithmetic in the zone: rebuild from the naive time (DST-safe enough for
    # whole hours), then back to UTC
    naive = opening.replace(tzinfo=None)
    return naive.replace(tzinfo=profile.tz).astimezone(UTC)


def verdict(profile: Profile, attempt: Attempt, history: Sequence[PastContact],
            local_time: datetime) -> Verdict:
    """Allowed, or refused with the rule and when the same contact is allowed again.
    ``history``: the debtor's earlier contacts (any case, any agency); ``local_time``: the
    attempt's instant in the debtor's zone."""
    p = profile.id
    if attempt.party is Party.UNRELATED and not profile.unrelated_parties:
        return Verdict(False, f"{p}.unrelated_party",
                       "collection contact only with the debtor: not with unrelated people")
    if attempt.relief is not None:
        again = (opening_on(attempt.relief_until + timedelta(days=1), profile)
                 if attempt.relief_until is not None else None)
        return Verdict(False, f"{p}.regional_relief",
                       f"regional relief: {attempt.relief} (no collection contact until "
                       f"{attempt.relief_until.isoformat() if attempt.relief_until else 'it ends'})",
                       again)
    waived = attempt.hours_agreed and profile.hours_waivable
    if not waived and not _in_hours(local_time.time(), profile):
        return Verdict(False, f"{p}.hours",
                       f"no collection contact outside {profile.allowed_from:%H:%M}-"
                       f"{profile.allowed_until:%H:%M} in the debtor's local time "
                       f"({profile.zone}; it is {local_time:%H:%M} there)",
                       _next_opening(local_time, profile))
    if attempt.channel is not Channel.CALL:
        return ALLOWED
    at = attempt.at
    calls = [h for h in history if h.channel is Channel.CALL and h.at <= at]
    same_debt = [h for h in calls if h.case_id == attempt.case_id]
    if profile.conversation_cooldown_days is not None:
        span = timedelta(days=profile.conversation_cooldown_days)
        talks = [h.at for h in same_debt if h.connected and at - h.at < span]
        if talks:
            last = max(talks)
            return Verdict(False, f"{p}.conversation_cooldown",
                           f"no call within {profile.conversation_cooldown_days} days after a "
                           f"conversation about the debt (last on {last.isoformat()})",
                           last + span)
    if profile.call_attempts is not None and profile.attempt_window_days is not None:
        span = timedelta(days=profile.attempt_window_days)
        recent = sorted(h.at for h in same_debt if at - h.at < span)
        if len(recent) >= profile.call_attempts:
            return Verdict(False, f"{p}.call_attempts",
                           f"at most {profile.call_attempts} call attempts per debt in "
                           f"{profile.attempt_window_days} days",
                           recent[len(recent) - profile.call_attempts] + span)
    if profile.connected_calls_per_day is not None:
        day = local_time.date()
        connected = [h for h in calls if h.connected and _local(h.at, profile).date() == day]
        if len(connected) >= profile.connected_calls_per_day:
            return Verdict(False, f"{p}.connected_calls",
                           f"at most {profile.connected_calls_per_day} connected calls per "
                           "debtor per day, across the lender and its agencies",
                           _next_opening(local_time, profile))
    return ALLOWED


def check(profile: Profile, attempt: Attempt, history: Sequence[PastContact]) -> Verdict:
    """``verdict`` with the local time worked out from the attempt's instant."""
    return verdict(profile, attempt, history, _local(attempt.at, profile))


@dataclass(frozen=True)
class LoggedContact:
    """A contact-log row as the replay needs it."""

    customer_id: str
    case_id: str
    channel: Channel
    at: datetime
    party: Party
    hours_agreed: bool
    outcome: Outcome | None
    allowed: bool
    profile: str
    zone: str
    contact_id: str | None = None  # the emergency contact approached (party emergency_contact)


@dataclass
class ReplayReport:
    contacts: int = 0  # contacts made (allowed attempts)
    refused: int = 0  # attempts the gate refused (logged, never made)
    outside_hours: int = 0
    over_limits: int = 0
    unrelated_parties: int = 0
    emergency_approaches: int = 0  # emergency contacts approached
    emergency_violations: int = 0  # approached against collections.emergency's rules
    disclosures: int = 0  # messages to emergency contacts with a forbidden word
    under_relief: int = 0  # contacts made while a regional relief covered the customer
    violations: list[tuple[LoggedContact, str]] = field(default_factory=list)


# ----------------------------------------------------------------------------- emergency contacts
UNREACHABLE = frozenset({Outcome.NO_ANSWER, Outcome.WRONG_NUMBER})


@dataclass(frozen=True)
class ContactStanding:
    """What the approach rules need to know of one emergency contact at the instant of the
    approach."""

    contact_id: str
    verified: bool
    withdrawn: bool = False
    repeat_agreed: bool = False  # the contact said they may be asked again
    approaches: int = 0  # approaches made to this contact before


def unreachable_spell(history: Sequence[PastContact], at: datetime) -> tuple[int, datetime | None]:
    """Call attempts that reached nobody since the debtor's last conversation (before
    ``at``), and when the first of them was."""
    calls = sorted((h for h in history if h.channel is Channel.CALL and h.at <= at),
                   key=lambda h: h.at)
    last_talk = max((h.at for h in calls if h.connected), default=None)
    spell = [h.at for h in calls if h.outcome in UNREACHABLE
             and (last_talk is None or h.at > last_talk)]
    return len(spell), (spell[0] if spell else None)


def approach_verdict(profile_id: str, rules: EmergencyRules, contact: ContactStanding,
                     history: Sequence[PastContact], at: datetime) -> Verdict:
    """May this emergency contact be approached at ``at``?  Only a verified contact that has
    not withdrawn, only when the debtor has been unreachable long enough (counted from the
    contact log: ``history``, the debtor's contacts made), and at most
    ``approaches_per_contact`` times unless the contact agreed to more.  The hours and the
    relief are the gate's (``verdict``), asked next."""
    p = f"{profile_id}.emergency_contact"
    if contact.withdrawn:
        return Verdict(False, f"{p}.withdrawn", "the contact has withdrawn")
    if not contact.verified:
        return Verdict(False, f"{p}.unverified",
                       "only a contact who confirmed the verification code may be approached")
    if contact.approaches >= rules.approaches_per_contact and not contact.repeat_agreed:
        return Verdict(False, f"{p}.once",
                       f"a contact is approached at most {rules.approaches_per_contact} "
                       "time(s) unless they say they may be asked again")
    n, first = unreachable_spell(history, at)
    since = timedelta(days=rules.unreachable_days)
    if n < rules.unreachable_attempts or first is None or at - first < since:
        again = first + since if first is not None and n >= rules.unreachable_attempts else None
        return Verdict(False, f"{p}.debtor_reachable",
                       f"the debtor must have been unreachable for {rules.unreachable_days} "
                       f"days and {rules.unreachable_attempts} call attempts since the last "
                       f"conversation (now: {n} attempt(s)"
                       + (f", the first on {first.date().isoformat()})" if first else ")"),
                       again)
    return ALLOWED


ReliefOf = Callable[[str, date], "tuple[str, date] | None"]


def replay(log: Iterable[LoggedContact], profiles: dict[str, Profile],
           emergency: EmergencyRules | None = None, *,
           verified_at: Mapping[str, datetime] | None = None,
           repeat_agreed: frozenset[str] = frozenset(),
           contact_texts: Iterable[str] = (),
           relief_of: ReliefOf | None = None) -> ReplayReport:
    """Run every contact made back through the gate, each against the debtor's contacts
    before it, in time order; a contact the rules would refuse is a violation (outside
    hours, over a frequency limit, with an unrelated party, under a regional relief, or an
    emergency contact approached against its rules).  ``verified_at``: when each
    emergency contact confirmed its code; ``contact_texts``: every message written to an
    emergency contact, each checked for forbidden words (a hit is a disclosure);
    ``relief_of(customer, local day)``: the relief covering a customer that day, if any."""
    rows = sorted(log, key=lambda r: r.at)
    report = ReplayReport()
    seen: dict[str, list[PastContact]] = {}
    approached: Counter[str] = Counter()
    verified = verified_at or {}
    for r in rows:
        if not r.allowed:
            report.refused += 1
            continue
        report.contacts += 1
        history = seen.setdefault(r.customer_id, [])
        profile = profiles[r.profile]
        if profile.zone != r.zone:
            profile = replace(profile, zone=r.zone)
        relief = relief_of(r.customer_id, _local(r.at, profile).date()) if relief_of else None
        v = check(profile, Attempt(r.case_id, r.customer_id, r.channel, r.at, r.party,
                                   r.hours_agreed, relief[0] if relief else None,
                                   relief[1] if relief else None), history)
        if v.allowed and r.party is Party.EMERGENCY_CONTACT and emergency is not None:
            report.emergency_approaches += 1
            cid = r.contact_id or ""
            done = verified.get(cid)
            v = approach_verdict(profile.id, emergency, ContactStanding(
                cid, verified=done is not None and done <= r.at,
                repeat_agreed=cid in repeat_agreed, approaches=approached[cid]), history, r.at)
            approached[cid] += 1
        if not v.allowed and v.rule is not None:
            report.violations.append((r, v.rule))
            kind = v.kind
            if kind == "hours":
                report.outside_hours += 1
            elif kind == "party":
                report.unrelated_parties += 1
            elif kind == "relief":
                report.under_relief += 1
            elif kind == "emergency":
                report.emergency_violations += 1
            else:
                report.over_limits += 1
        history.append(PastContact(r.case_id, r.channel, r.at, r.outcome))
    if emergency is not None:
        report.disclosures = sum(1 for t in contact_texts if emergency.forbidden_any(t))
    return report
