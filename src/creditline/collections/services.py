"""Collections use cases: ``verb(cmd, uow, actor) -> result``.

Every contact goes through one function, ``_gate``: it loads the debtor's contact history
(every case, the lender's and its agencies'), asks the compliance gate
(``compliance.verdict``) under the case's profile, and appends the attempt to the contact
log whichever way the verdict goes.  A refused contact is committed to the log (with the
rule that refused it) and then raised as ``ContactRefused`` (HTTP 422, CLI exit 2); an
allowed one is logged in the same transaction as what the call changed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from creditline.auth import Principal, Role
from creditline.calendar.services import current_business_date
from creditline.collections import compliance as cg
from creditline.collections.cases import Case, HoldKind, Promise, Terminal
from creditline.collections.ports import ContactRecord
from creditline.collections.queue import next_promise, priority, workable
from creditline.collections.relief import Relief, covering, holds
from creditline.collections.rules import CollectionsRules, Profile, default_rules
from creditline.collections.views import CaseDetail, QueueItem, debtor_view
from creditline.errors import BusinessRuleViolation, Forbidden, NotFound, ValidationError
from creditline.money import ZERO, money_str, to_money
from creditline.uow import UnitOfWork

PROMISE_CONFIRMED = "collections.promise_confirmed"
CASE_PLACED = "collections.case_placed"
CASE_RECALLED = "collections.case_recalled"
HARDSHIP_GRANTED = "collections.hardship_granted"
MAX_HOLD_DAYS = 366
MAX_NOTE = 2000


class ContactRefused(BusinessRuleViolation):
    """The compliance gate refused a contact; the refusal is in the contact log."""

    def __init__(self, v: cg.Verdict) -> None:
        again = v.allowed_again_at.isoformat() if v.allowed_again_at else None
        super().__init__(f"contact refused by {v.rule}: {v.reason}"
                         + (f"; allowed again at {again}" if again else ""),
                         reason="contact_refused",
                         details=[{"loc": ["contact"], "msg": v.reason or "",
                                   "rule": v.rule, "allowed_again_at": again}])
        self.verdict = v


def _lookback(profile: Profile) -> timedelta:
    """How much history the gate needs: the longest window of the profile, at least two
    days (a local day seen from UTC)."""
    return timedelta(days=max(profile.attempt_window_days or 0,
                              profile.conversation_cooldown_days or 0, 2))


def _rules() -> CollectionsRules:
    return default_rules()


def _bucket_name(case: Case) -> str:
    names = _rules().bucket_names
    return names[case.bucket] if 0 <= case.bucket < len(names) else str(case.bucket)


def _note(value: str, field: str = "note") -> str:
    if not isinstance(value, str) or len(value) > MAX_NOTE:
        raise ValidationError(field, f"must be text of at most {MAX_NOTE} characters")
    return value.strip()


def _load(uow: UnitOfWork, case_id: str, *, lock: bool = True) -> Case:
    case = uow.collection_cases.get(case_id, lock=lock)
    if case is None:
        raise NotFound(f"collection case {case_id} not found")
    return case


def _supervises(actor: Principal) -> bool:
    return actor.can("collections:supervise")


def _may_work(actor: Principal, case: Case) -> None:
    """Object-level rule: a collector works the cases assigned to them; supervisors any."""
    if not _supervises(actor) and case.assigned_to != actor.name:
        raise Forbidden(f"case {case.id} is not assigned to {actor.name}")


def _active(case: Case) -> None:
    if not case.active:
        raise BusinessRuleViolation(f"case {case.id} is {case.status}: nothing to collect",
                                    reason="case_closed")


def _contactable(case: Case) -> None:
    """Calls go on after a write-off (losses, issue 16): the debt is not cancelled, only
    charged off the books.  A resolved or sold case takes no more contact."""
    if case.status != Terminal.WRITTEN_OFF.value:
        _active(case)


# ----------------------------------------------------------------------------- the gate
def relief_on(uow: UnitOfWork, customer_id: str, day: date) -> Relief | None:
    """The regional relief covering the customer on ``day`` (inside the caller's ``with``)."""
    active = [r for r in uow.reliefs.in_force(day) if r.active_on(day)]
    if not active:
        return None
    return covering(active, uow.reliefs.region_of(customer_id), day)


def _gate(uow: UnitOfWork, case: Case, channel: cg.Channel, actor: Principal, *,
          party: cg.Party = cg.Party.DEBTOR, outcome: cg.Outcome | None = None,
          agency_id: str | None = None, note: str = "", contact_id: str | None = None,
          first: cg.Verdict | None = None, at: datetime | None = None) -> ContactRecord:
    """Ask the gate, log the attempt either way; on a refusal commit the log entry and
    raise ``ContactRefused``.  Runs inside the caller's ``with uow``.  ``first``: a refusal
    already decided by rules asked before the gate (an emergency contact's); ``at``: the
    instant the contact is made (default now)."""
    rules = _rules()
    profile = rules.profile(case.profile)
    if case.zone != profile.zone:
        profile = replace(profile, zone=case.zone)
    at = uow.now() if at is None else at
    local = at.astimezone(profile.tz)
    history = uow.contact_log.history(case.customer_id, at - _lookback(profile))
    relief = relief_on(uow, case.customer_id, local.date())
    attempt = cg.Attempt(case.id, case.customer_id, channel, at, party, case.hours_agreed,
                         relief.reason if relief else None, relief.last_day if relief else None)
    v = first if first is not None and not first.allowed else cg.verdict(
        profile, attempt, history, local)
    record = ContactRecord(
        id=str(uuid.uuid4()), at=at, case_id=case.id, line_id=case.line_id,
        customer_id=case.customer_id, channel=channel, party=party, actor=actor.name,
        allowed=v.allowed, profile=profile.id, rules_version=rules.label,
        local_time=local.isoformat(), zone=profile.zone, hours_agreed=case.hours_agreed, agency_id=agency_id,
        outcome=outcome if v.allowed else None, rule=v.rule,
        allowed_again_at=v.allowed_again_at, note=note, contact_id=contact_id)
    uow.contact_log.add(record)
    if not v.allowed:
        uow.audit(actor, "collections.contact_refused", "collection_case", case.id,
                  {"channel": channel.value, "rule": v.rule, "agency_id": agency_id,
                   "allowed_again_at": record.allowed_again_at, "party": party.value,
                   "contact_id": contact_id})
        uow.commit()
        raise ContactRefused(v)
    return record


def would_allow(uow: UnitOfWork, case: Case, channel: cg.Channel, at: datetime
                ) -> cg.Verdict:
    """The gate's answer for a contact with the debtor at ``at``, logging nothing and
    committing nothing: what the collection strategy asks inside end of day's transaction
    before it schedules a message (the relay asks again, and logs, when it delivers it)."""
    rules = _rules()
    profile = rules.profile(case.profile)
    if case.zone != profile.zone:
        profile = replace(profile, zone=case.zone)
    local = at.astimezone(profile.tz)
    history = uow.contact_log.history(case.customer_id, at - _lookback(profile))
    relief = relief_on(uow, case.customer_id, local.date())
    attempt = cg.Attempt(case.id, case.customer_id, channel, at, cg.Party.DEBTOR,
                         case.hours_agreed, relief.reason if relief else None,
                         relief.last_day if relief else None)
    return cg.verdict(profile, attempt, history, local)


@dataclass(frozen=True)
class CheckContact:
    case_id: str
    channel: str = "call"


def check_contact(cmd: CheckContact, uow: UnitOfWork, actor: Principal) -> cg.Verdict:
    """What the gate would answer now, without logging anything (a collector asks before
    dialling)."""
    channel = _channel(cmd.channel)
    with uow:
        case = _load(uow, cmd.case_id, lock=False)
        _may_work(actor, case)
        rules = _rules()
        profile = replace(rules.profile(case.profile), zone=case.zone)
        at = uow.now()
        history = uow.contact_log.history(case.customer_id, at - _lookback(profile))
        relief = relief_on(uow, case.customer_id, at.astimezone(profile.tz).date())
        return cg.check(profile, cg.Attempt(
            case.id, case.customer_id, channel, at, cg.Party.DEBTOR, case.hours_agreed,
            relief.reason if relief else None, relief.last_day if relief else None), history)


def _channel(value: str) -> cg.Channel:
    try:
        return cg.Channel(value)
    except ValueError:
        raise ValidationError("channel", "must be one of " + ", ".join(c.value for c in cg.Channel)) from None


def _outcome(value: str) -> cg.Outcome:
    try:
        return cg.Outcome(value)
    except ValueError:
        raise ValidationError("outcome", "must be one of " + ", ".join(o.value for o in cg.Outcome)) from None


def _party(value: str) -> cg.Party:
    try:
        return cg.Party(value)
    except ValueError:
        raise ValidationError("party", "must be one of " + ", ".join(p.value for p in cg.Party)) from None


# ----------------------------------------------------------------------------- calls
@dataclass(frozen=True)
class LogCall:
    """A call made on a case and its outcome.  ``promise_to_pay`` needs ``promise_amount``
    and ``promise_date``; ``dispute`` needs ``disputed_amount``."""

    case_id: str
    outcome: str
    note: str = ""
    promise_amount: str | None = None
    promise_date: date | None = None
    disputed_amount: str | None = None
    party: str = "debtor"
    channel: str = "call"


@dataclass(frozen=True)
class CallResult:
    contact: ContactRecord
    case: Case
    promise: Promise | None = None


def log_call(cmd: LogCall, uow: UnitOfWork, actor: Principal, *,
             agency_id: str | None = None) -> CallResult:
    outcome = _outcome(cmd.outcome)
    channel = _channel(cmd.channel)
    party = _party(cmd.party)
    note = _note(cmd.note)
    with uow:
        case = _load(uow, cmd.case_id)
        if agency_id is None:
            _may_work(actor, case)
        elif case.agency_id != agency_id:
            raise Forbidden(f"case {case.id} is not placed with agency {agency_id}")
        _contactable(case)
        today = current_business_date(uow)
        if case.on_hold(today):
            raise BusinessRuleViolation(
                f"case {case.id} is on {case.hold_kind} until {case.hold_until}: collection "
                "contact waits until then", reason="case_on_hold")
        promise = None
        if outcome is cg.Outcome.PROMISE_TO_PAY:
            if not case.active:
                raise BusinessRuleViolation(
                    f"case {case.id} is {case.status}: a promise to pay is not tracked after "
                    "a write-off (a payment is taken as a recovery)", reason="case_closed")
            promise = _promise(cmd, case, today, uow, actor)
        elif cmd.promise_amount is not None or cmd.promise_date is not None:
            raise ValidationError("promise_amount", "only with outcome promise_to_pay")
        disputed = None
        if outcome is cg.Outcome.DISPUTE:
            if cmd.disputed_amount is None:
                raise ValidationError("disputed_amount", "is required with outcome dispute")
            disputed = to_money(cmd.disputed_amount, "disputed_amount")
            if disputed > case.past_due:
                raise ValidationError("disputed_amount",
                                      f"must not exceed what is past due ({money_str(case.past_due)})")
        record = _gate(uow, case, channel, actor, party=party, outcome=outcome,
                       agency_id=agency_id, note=note)
        if promise is not None:
            uow.collection_cases.add_promise(promise)
            uow.emit(PROMISE_CONFIRMED, {
                "case_id": case.id, "line_id": case.line_id, "customer_id": case.customer_id,
                "promise_id": promise.id, "amount": money_str(promise.amount),
                "due_on": promise.due_on.isoformat()})
        if disputed is not None:
            case = uow.collection_cases.save(replace(
                case, disputed=disputed, dispute_reason=note or "disputed on a call",
                updated_on=today))
        uow.audit(actor, "collections.call_logged", "collection_case", case.id, {
            "outcome": outcome.value, "contact_id": record.id, "agency_id": agency_id,
            "promise_id": promise.id if promise else None,
            "disputed": money_str(disputed) if disputed is not None else None})
        uow.commit()
    return CallResult(record, case, promise)


def _promise(cmd: LogCall, case: Case, today: date, uow: UnitOfWork,
             actor: Principal) -> Promise:
    if cmd.promise_amount is None:
        raise ValidationError("promise_amount", "is required with outcome promise_to_pay")
    if cmd.promise_date is None:
        raise ValidationError("promise_date", "is required with outcome promise_to_pay")
    amount = to_money(cmd.promise_amount, "promise_amount")
    if cmd.promise_date < today:
        raise ValidationError("promise_date", f"must not be in the past (business date "
                                              f"{today.isoformat()})")
    if cmd.promise_date > today + timedelta(days=90):
        raise ValidationError("promise_date", "must be within 90 days")
    line = uow.lines.get(case.line_id)
    owed = line.payoff_amount if line is not None else case.balance
    if amount > owed:
        raise ValidationError("promise_amount", f"must not exceed what is owed ({money_str(owed)})")
    return Promise(str(uuid.uuid4()), case.id, case.line_id, amount, cmd.promise_date, today,
                   actor.name)


# ----------------------------------------------------------------------------- holds
@dataclass(frozen=True)
class Hardship:
    """Hardship pauses collection until ``until`` (inclusive).  ``start`` before the
    business date backdates it (supervisors only)."""

    case_id: str
    until: date
    reason: str
    start: date | None = None


@dataclass(frozen=True)
class Pause:
    case_id: str
    until: date
    reason: str


@dataclass(frozen=True)
class Resume:
    case_id: str
    reason: str = ""


def _hold(uow: UnitOfWork, actor: Principal, case_id: str, kind: HoldKind, start: date | None,
          until: date, reason: str) -> Case:
    reason = _note(reason, "reason")
    if not reason:
        raise ValidationError("reason", "must say why")
    with uow:
        case = _load(uow, case_id)
        _may_work(actor, case)
        _active(case)
        today = current_business_date(uow)
        begin = start or today
        if begin < today and not actor.can("collections:backdate"):
            raise Forbidden("only a supervisor may backdate a hold (collections:backdate)")
        if begin > today:
            raise ValidationError("start", "must not be in the future")
        if until < today:
            raise ValidationError("until", f"must not be before the business date "
                                           f"({today.isoformat()})")
        if (until - begin).days > MAX_HOLD_DAYS:
            raise ValidationError("until", f"a hold lasts at most {MAX_HOLD_DAYS} days")
        case = uow.collection_cases.save(replace(
            case, hold_kind=kind.value, hold_from=begin, hold_until=until, hold_reason=reason,
            updated_on=today))
        uow.audit(actor, f"collections.{kind.value}", "collection_case", case.id,
                  {"from": begin, "until": until, "reason": reason})
        if kind is HoldKind.HARDSHIP:
            uow.emit(HARDSHIP_GRANTED, {"case_id": case.id, "line_id": case.line_id,
                                        "customer_id": case.customer_id,
                                        "from": begin.isoformat(), "until": until.isoformat()})
        uow.commit()
    return case


def hardship(cmd: Hardship, uow: UnitOfWork, actor: Principal) -> Case:
    return _hold(uow, actor, cmd.case_id, HoldKind.HARDSHIP, cmd.start, cmd.until, cmd.reason)


def pause(cmd: Pause, uow: UnitOfWork, actor: Principal) -> Case:
    return _hold(uow, actor, cmd.case_id, HoldKind.PAUSE, None, cmd.until, cmd.reason)


def resume(cmd: Resume, uow: UnitOfWork, actor: Principal) -> Case:
    """End a hold now (collection resumes by itself after ``hold_until`` anyway)."""
    with uow:
        case = _load(uow, cmd.case_id)
        _may_work(actor, case)
        if case.hold_kind is None:
            raise BusinessRuleViolation(f"case {case.id} is not on hold", reason="not_on_hold")
        today = current_business_date(uow)
        case = uow.collection_cases.save(replace(
            case, hold_kind=None, hold_from=None, hold_until=None, hold_reason=None,
            updated_on=today))
        uow.audit(actor, "collections.resumed", "collection_case", case.id,
                  {"reason": _note(cmd.reason, "reason")})
        uow.commit()
    return case


@dataclass(frozen=True)
class ResolveDispute:
    """Close the dispute: ``upheld`` (the customer was right: the amount is to be corrected
    on the line by servicing) or not (collection resumes on the whole past due)."""

    case_id: str
    upheld: bool
    note: str = ""


def resolve_dispute(cmd: ResolveDispute, uow: UnitOfWork, actor: Principal) -> Case:
    with uow:
        case = _load(uow, cmd.case_id)
        if not _supervises(actor):
            raise Forbidden("only a supervisor resolves a dispute (collections:supervise)")
        if case.disputed == ZERO:
            raise BusinessRuleViolation(f"case {case.id} has no open dispute",
                                        reason="no_dispute")
        today = current_business_date(uow)
        amount = case.disputed
        case = uow.collection_cases.save(replace(case, disputed=ZERO, dispute_reason=None,
                                                 updated_on=today))
        uow.audit(actor, "collections.dispute_resolved", "collection_case", case.id,
                  {"amount": amount, "upheld": cmd.upheld, "note": _note(cmd.note)})
        uow.commit()
    return case


# ----------------------------------------------------------------------------- supervision
@dataclass(frozen=True)
class Assign:
    case_ids: tuple[str, ...]
    collector: str | None  # None: unassign


def assign(cmd: Assign, uow: UnitOfWork, actor: Principal) -> list[Case]:
    if not cmd.case_ids:
        raise ValidationError("case_ids", "must name at least one case")
    if len(cmd.case_ids) > 500:
        raise ValidationError("case_ids", "at most 500 cases at a time")
    with uow:
        if cmd.collector is not None:
            user = uow.users.by_name(cmd.collector)
            if user is None or not user.active:
                raise NotFound(f"no active user {cmd.collector!r}")
            if user.role not in (Role.COLLECTOR.value, Role.RISK_OFFICER.value, Role.ADMIN.value):
                raise ValidationError("collector", f"user {cmd.collector!r} is a {user.role}, "
                                                   "not a collector or supervisor")
        today = current_business_date(uow)
        out = []
        for case_id in cmd.case_ids:
            case = _load(uow, case_id)
            _active(case)
            out.append(uow.collection_cases.save(replace(case, assigned_to=cmd.collector,
                                                         updated_on=today)))
            uow.audit(actor, "collections.assigned", "collection_case", case_id,
                      {"collector": cmd.collector, "previous": case.assigned_to})
        uow.commit()
    return out


@dataclass(frozen=True)
class ContactTerms:
    """The case's compliance profile, the debtor's time zone, and whether the debtor agreed
    to contact outside the usual hours (where the profile allows that)."""

    case_id: str
    profile: str | None = None
    zone: str | None = None
    hours_agreed: bool | None = None


def set_contact_terms(cmd: ContactTerms, uow: UnitOfWork, actor: Principal) -> Case:
    rules = _rules()
    with uow:
        case = _load(uow, cmd.case_id)
        profile = rules.profile(cmd.profile) if cmd.profile is not None else None
        zone = cmd.zone if cmd.zone is not None else (profile.zone if profile else case.zone)
        try:
            ZoneInfo(zone)
        except (ValueError, KeyError, OSError):
            raise ValidationError("zone", "must be an IANA time zone such as Asia/Shanghai") from None
        agreed = case.hours_agreed if cmd.hours_agreed is None else cmd.hours_agreed
        pid = profile.id if profile else case.profile
        if agreed and not rules.profile(pid).hours_waivable:
            raise ValidationError("hours_agreed", f"profile {pid} does not allow contact "
                                                  "outside its hours, agreed or not")
        case = uow.collection_cases.save(replace(case, profile=pid, zone=zone,
                                                 hours_agreed=agreed,
                                                 updated_on=current_business_date(uow)))
        uow.audit(actor, "collections.contact_terms", "collection_case", case.id,
                  {"profile": pid, "zone": zone, "hours_agreed": agreed})
        uow.commit()
    return case


# ----------------------------------------------------------------------------- reading
@dataclass(frozen=True)
class GetQueue:
    collector: str | None = None  # default: the actor's own queue
    limit: int = 100


def queue(cmd: GetQueue, uow: UnitOfWork, actor: Principal) -> list[QueueItem]:
    who = cmd.collector or actor.name
    if who != actor.name and not _supervises(actor):
        raise Forbidden("only a supervisor sees another collector's queue")
    if not 1 <= cmd.limit <= 1000:
        raise ValidationError("limit", "must be 1-1000")
    rules = _rules()
    pii = actor.can("collections:read_pii")
    with uow:
        today = current_business_date(uow)
        cases = [c for c in uow.collection_cases.active(assigned_to=who, limit=5000)
                 if workable(c, today, rules.tolerance)]
        # a regional relief covering the debtor: no collection contact, so not in the queue
        active = [r for r in uow.reliefs.in_force(today) if r.active_on(today)]
        if active and cases:
            subjects = uow.contact_desk.subjects(sorted({c.customer_id for c in cases}))
            cases = [c for c in cases if covering(active, subjects[c.customer_id].region
                                                  if c.customer_id in subjects else None,
                                                  today) is None]
        promised = uow.collection_cases.open_promises([c.id for c in cases])
        ranked = sorted(((priority(c, next_promise(promised.get(c.id, [])), today), c.id, c)
                         for c in cases), key=lambda t: (t[0], t[1]))[:cmd.limit]
        # only the cases shown are decrypted: personal data is read for what is displayed
        return [QueueItem(c, _bucket_name(c),
                          debtor_view(uow.customers.get(c.customer_id), c.customer_id,
                                      call=True, pii=pii),
                          c.collectable, next_promise(promised.get(c.id, [])), rank)
                for rank, _, c in ranked]


@dataclass(frozen=True)
class ListCases:
    assigned_to: str | None = None
    agency_id: str | None = None
    limit: int = 50


def list_cases(cmd: ListCases, uow: UnitOfWork) -> list[Case]:
    """Active cases, oldest bucket first (for a supervisor assigning work)."""
    if not 1 <= cmd.limit <= 1000:
        raise ValidationError("limit", "must be 1-1000")
    with uow:
        return uow.collection_cases.active(assigned_to=cmd.assigned_to,
                                           agency_id=cmd.agency_id, limit=cmd.limit)


def get_case(case_id: str, uow: UnitOfWork, actor: Principal) -> CaseDetail:
    with uow:
        case = _load(uow, case_id, lock=False)
        mine = case.assigned_to == actor.name
        if actor.role is Role.COLLECTOR and not mine:
            raise Forbidden(f"case {case.id} is not assigned to {actor.name}")
        today = current_business_date(uow)
        debtor = debtor_view(uow.customers.get(case.customer_id), case.customer_id,
                             call=mine, pii=actor.can("collections:read_pii"))
        placed = uow.agencies.active_placement(case.id)
        relief = relief_on(uow, case.customer_id, today)
        return CaseDetail(case, _bucket_name(case), debtor, case.on_hold(today),
                          uow.collection_cases.spells(case.id),
                          uow.collection_cases.promises(case.id),
                          uow.contact_log.for_case(case.id),
                          placed.agency_id if placed else None,
                          holds([relief], uow.reliefs.region_of(case.customer_id), today)
                          if relief else None)


def replay_contacts(uow: UnitOfWork) -> cg.ReplayReport:
    """The whole contact log back through the compliance rules (each contact under the
    profile recorded on it): hours, frequency, parties, regional reliefs, and the emergency
    contacts' own rules, with every message written to an emergency contact checked for
    the forbidden words (a hit is a disclosure)."""
    rules = _rules()
    with uow:
        rows = [cg.LoggedContact(r.customer_id, r.case_id, r.channel, r.at, r.party,
                                 r.hours_agreed, r.outcome, r.allowed, r.profile, r.zone,
                                 r.contact_id)
                for r in uow.contact_log.iterate()]
        desk = uow.contact_desk
        verified, repeat, texts = desk.verified_at(), desk.repeat_agreed(), desk.contact_texts()
        all_reliefs = uow.reliefs.all()
        regions: dict[str, str | None] = {}
        if all_reliefs:
            customers = sorted({r.customer_id for r in rows if r.allowed})
            regions = {cid: s.region for cid, s in desk.subjects(customers).items()}

    def relief_of(customer_id: str, day: date) -> tuple[str, date] | None:
        r = covering(all_reliefs, regions.get(customer_id), day)
        return (r.reason, r.last_day) if r else None

    return cg.replay(rows, rules.profiles, rules.emergency, verified_at=verified,
                     repeat_agreed=repeat, contact_texts=texts,
                     relief_of=relief_of if all_reliefs else None)


def promises_of(case_id: str, uow: UnitOfWork) -> list[Promise]:
    with uow:
        _load(uow, case_id, lock=False)
        return uow.collection_cases.promises(case_id)

