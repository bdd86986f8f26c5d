"""Origination use cases: apply, decide a review, manage blacklists and special terms, and
replay a ruleset over past applications.

``apply`` reads everything first (customer, blacklists, velocity, cool-down, ring, special
terms, the A-card champion), decides with the pure policy, and only then writes — the
application, its review item or the credit line, the audit entry and the notification — in
one transaction, so a refused or failed application leaves nothing behind.
"""

from __future__ import annotations

import ipaddress
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from creditline.auth import SYSTEM, Principal
from creditline.clock import CHINA_TZ
from creditline.errors import Conflict, NotFound, ValidationError
from creditline.fraud import blacklist as bl
from creditline.fraud.cooldown import days_since
from creditline.fraud.rings import Link, Ring, explore
from creditline.fraud.velocity import LONGEST, ApplicationKeys, velocity_counts
from creditline.idempotency import check_key
from creditline.money import ZERO, money_str, to_money
from creditline.origination import reasons as catalogue
from creditline.origination import review as rv
from creditline.origination import scorer
from creditline.origination import special_terms as st
from creditline.origination.application import APPROVED, DECLINED, REFERRED, Application
from creditline.origination.features import Bureau, enterprise_features, person_features
from creditline.parties.identity import (
    age_on,
    check_id_number,
    check_mobile,
    check_uscc,
    mask_phone,
)
from creditline.policy.decision import PolicyDecision, decide, decide_many
from creditline.policy.enterprise import FinancialStatements, parse_collateral
from creditline.policy.facts import Applicant, Enterprise, PolicyFacts, Screening
from creditline.policy.ruleset import Ruleset, default_ruleset
from creditline.uow import UnitOfWork

_CHANNEL = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


def business_date(uow: UnitOfWork) -> date:
    return uow.now().astimezone(CHINA_TZ).date()


# ------------------------------------------------------------------------------ apply
@dataclass(frozen=True)
class Apply:
    customer_id: str
    product: str
    channel: str
    requested_limit: object = None
    device_id: str | None = None
    ip: str | None = None
    bureau: Mapping[str, Any] | None = None
    financials: Mapping[str, Any] | None = None
    collateral: Sequence[Mapping[str, Any]] | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Outcome:
    application: Application
    review_id: str | None = None
    replayed: bool = False


def _check_request(cmd: Apply) -> tuple[Decimal | None, str | None, str | None]:
    if not isinstance(cmd.channel, str) or not _CHANNEL.fullmatch(cmd.channel):
        raise ValidationError("channel", "must be a short lower-case word such as 'app', "
                                         "'web' or 'checkout'")
    requested = None if cmd.requested_limit is None else to_money(cmd.requested_limit,
                                                                   "requested_limit")
    device = None
    if cmd.device_id is not None:
        if not isinstance(cmd.device_id, str) or not cmd.device_id.strip() \
                or len(cmd.device_id.strip()) > 200:
            raise ValidationError("device_id", "must be 1-200 characters")
        device = bl.device_key(cmd.device_id)
    ip = None
    if cmd.ip is not None:
        try:
            ip = str(ipaddress.ip_address(str(cmd.ip).strip()))
        except ValueError:
            raise ValidationError("ip", "must be an IPv4 or IPv6 address") from None
    return requested, device, ip


def _mask_ip(ip: str | None) -> str | None:
    if ip is None:
        return None
    if ":" in ip:
        return ":".join(ip.split(":")[:3]) + ":*"
    return ".".join(ip.split(".")[:2]) + ".*.*"


@dataclass
class _Screened:
    screening: Screening
    keys: ApplicationKeys
    ring: Ring
    checks: dict[str, Any]


def _screen(uow: UnitOfWork, customer: Any, ruleset: Ruleset, device: str | None,
            ip: str | None, today: date, now: datetime, contacts: list[Link],
            last_decline: datetime | None) -> _Screened:
    cipher = uow.cipher
    is_person = customer.kind == "person"
    id_value = customer.id_number if is_person else customer.uscc
    id_valid = phone_valid = True
    try:
        if is_person:
            check_id_number(customer.id_number, today=today)
        else:
            check_uscc(customer.uscc)
    except ValidationError:
        id_valid = False
    if customer.phone is not None:
        try:
            check_mobile(customer.phone)
        except ValidationError:
            phone_valid = False
    keys = ApplicationKeys(
        id=cipher.blind_index(id_value),
        phone=None if customer.phone is None else cipher.blind_index(customer.phone),
        device=None if device is None else cipher.blind_index(device),
        ip=None if ip is None else cipher.blind_index(ip))
    hits = uow.blacklist.hits({bl.BlacklistKind.ID_NUMBER.value: keys.id,
                               bl.BlacklistKind.PHONE.value: keys.phone,
                               bl.BlacklistKind.DEVICE.value: keys.device})
    velocity = velocity_counts(keys, now, uow.applications.recent_sharing(keys, now - LONGEST))
    params = ruleset.parameters
    window = now - timedelta(days=int(params.get("ring_link_window_days", 90)))
    seed_links: list[Link] = list(contacts)
    if keys.device:
        seed_links.append(Link(customer.id, "device", keys.device))
    if keys.ip:
        seed_links.append(Link(customer.id, "ip", keys.ip))
    ring = explore(customer.id, seed_links,
                   lambda ids: uow.applications.links_of(ids, window),
                   lambda values: uow.applications.sharing(values, window),
                   max_members=int(params.get("ring_max_explore", 50)))
    screening = Screening(
        id_valid=id_valid, phone_valid=phone_valid,
        blacklist_id=bl.BlacklistKind.ID_NUMBER.value in hits,
        blacklist_phone=bl.BlacklistKind.PHONE.value in hits,
        blacklist_device=bl.BlacklistKind.DEVICE.value in hits,
        velocity=velocity, ring_size=ring.size, days_since_decline=days_since(last_decline, now))
    return _Screened(screening, keys, ring, screening.as_json())


def _ring_view(uow: UnitOfWork, ring: Ring) -> dict[str, Any]:
    """The ring as a reviewer sees it: members by id and masked name, links by kind."""
    view = ring.as_dict()
    names = []
    for cid in ring.members:
        c = uow.customers.get(cid)
        names.append({"customer_id": cid,
                      "name": None if c is None else _mask_name(c.name),
                      "phone": None if c is None or c.phone is None else mask_phone(c.phone)})
    view["members"] = names
    return view


def _mask_name(name: str) -> str:
    return name[0] + "*" * max(1, len(name) - 1) if name else name


def apply(cmd: Apply, uow: UnitOfWork, actor: Principal, *,
          ruleset: Ruleset | None = None, open_line: Callable[..., str] | None = None
          ) -> Outcome:
    """Decide an application.  ``open_line(uow, application)`` opens the credit line on
    approval and returns its id (default: the servicing services)."""
    started = time.perf_counter()
    ruleset = ruleset or default_ruleset()
    requested, device, ip = _check_request(cmd)
    key = check_key(cmd.idempotency_key)
    with uow:
        now = uow.now()
        today = business_date(uow)
        # the customer's row lock (PostgreSQL) queues a second concurrent application of the
        # same customer behind this one, so the pending check below cannot be raced
        customer = uow.customers.get(cmd.customer_id, for_update=True)
        if customer is None:
            raise NotFound(f"customer {cmd.customer_id} not found")
        scope, body = f"application:{customer.id}", _request_body(cmd)
        if key is not None:
            stored = uow.idempotency.lookup(scope, key, body)
            if stored is not None:  # a retry: the first decision, nothing decided again
                first = uow.applications.get(stored["application_id"])
                assert first is not None
                return Outcome(first, stored.get("review_id"), replayed=True)
        if not customer.consents.credit_check:
            raise ValidationError("consents.credit_check",
                                  "the customer has not consented to a credit check "
                                  f"(reason {catalogue.lookup('NO_CREDIT_CONSENT').code})")
        latest = uow.applications.last_open_or_declined(customer.id)
        if latest is not None and latest[1] == REFERRED:
            raise Conflict(f"customer {customer.id} already has application {latest[0]} "
                           "waiting for review; wait for its decision")
        last_decline = None if latest is None else latest[2]
        for line in uow.lines.of_customer(customer.id):
            if line.product == cmd.product and str(line.status) != "closed":
                raise Conflict(f"customer {customer.id} already has an open {cmd.product} line "
                               f"({line.id}); ask for a limit review instead")
        app_id = str(uuid.uuid4())
        contacts = uow.applications.contact_links([customer.id])
        facts_kw: dict[str, Any] = {}
        if customer.kind == "person":
            if cmd.financials is not None or cmd.collateral:
                raise ValidationError("financials", "financial statements and collateral are "
                                                    "for enterprise applications")
            bureau = Bureau.from_mapping(cmd.bureau)
            features = person_features(age=customer.age_on(today),
                                       employment=customer.employment,
                                       monthly_income=customer.monthly_income,
                                       num_contacts=len(contacts), bureau=bureau)
            facts_kw["applicant"] = Applicant(
                age=customer.age_on(today), monthly_income=customer.monthly_income,
                monthly_debt=bureau.existing_debt_monthly or ZERO,
                employment=customer.employment)
            extra_inputs: dict[str, Any] = {"bureau": bureau.as_json()}
        else:
            if cmd.bureau is not None:
                raise ValidationError("bureau", "the credit-bureau block is for persons; "
                                                "enterprises send financials")
            if cmd.financials is None:
                raise ValidationError("financials", "an enterprise application needs its "
                                                    "financial statements")
            statements = FinancialStatements.from_mapping(cmd.financials)
            collateral = parse_collateral(cmd.collateral)
            years = age_on(customer.registered_on, today)
            features = enterprise_features(industry=customer.industry, firm_age_years=years,
                                           employees=customer.employees,
                                           statements=statements, collateral=collateral)
            facts_kw["enterprise"] = Enterprise(industry=customer.industry,
                                                years_in_business=Decimal(years),
                                                statements=statements, collateral=collateral)
            terms = uow.special_terms.in_force(customer.id, cmd.product, today)
            if terms is not None:
                facts_kw["special_terms_limit"] = terms.limit
            extra_inputs = {"financials": statements.as_json(),
                            "collateral": [c.as_json() for c in collateral],
                            "special_terms_id": None if terms is None else terms.id}
        screened = _screen(uow, customer, ruleset, device, ip, today, now, contacts,
                           last_decline)
        scored = scorer.score(uow, customer.kind, app_id, features)
        facts = PolicyFacts(product=cmd.product, kind=customer.kind, score=scored.score,
                            pd=scored.pd, screening=screened.screening,
                            requested_limit=requested,
                            score_reasons=tuple(r["code"] for r in scored.reasons), **facts_kw)
        decision = decide(ruleset, facts)
        texts = {r["code"]: r for r in scored.reasons}
        answer_reasons = catalogue.ranked(decision.reasons, texts)
        ring_view = _ring_view(uow, screened.ring) if screened.ring.size > 1 else None
        elapsed = (time.perf_counter() - started) * 1000.0
        app = Application(
            id=app_id, customer_id=customer.id, kind=customer.kind, product=cmd.product,
            channel=cmd.channel, status=decision.decision, policy_decision=decision.decision,
            requested_limit=requested, granted_limit=decision.limit, score=scored.score,
            pd=scored.pd, band=decision.band, keys=screened.keys,
            inputs={"customer_id": customer.id, "product": cmd.product, "channel": cmd.channel,
                    "requested_limit": None if requested is None else money_str(requested),
                    "device_id": None if device is None else bl.mask(bl.BlacklistKind.DEVICE, device),
                    "ip": _mask_ip(ip), **extra_inputs},
            checks={"screening": screened.checks,
                    "fired": [{"code": c, "action": a} for c, a in decision.knockouts]},
            features=dict(features), facts=facts.as_json(), policy=decision.as_json(),
            reasons=answer_reasons, ring=ring_view, model_id=scored.model_id,
            model_name=scored.model_name, model_version=scored.model_version,
            shadow=scored.shadow, rules_version=ruleset.version, rules_hash=ruleset.hash,
            elapsed_ms=round(elapsed, 3), created_at=now,
            decided_at=None if decision.decision == REFERRED else now)
        review_id = None
        if decision.decision == APPROVED:  # the line first, so the row is written once
            app = replace(app, line_id=(open_line or _open_line)(uow, app))
        uow.applications.add(app)
        if decision.decision == REFERRED:
            review_id = str(uuid.uuid4())
            uow.reviews.add(rv.Review(
                id=review_id, application_id=app.id, status=rv.PENDING,
                proposed_limit=decision.limit, min_limit=decision.min_limit,
                max_limit=decision.max_limit, second_review_above=decision.second_review_above,
                decisions=(), created_at=now))
        uow.audit(actor, f"application.{decision.decision}", "application", app.id, {
            "customer_id": customer.id, "product": cmd.product,
            "limit": money_str(app.granted_limit), "score": round(scored.score, 2),
            "reasons": [r["code"] for r in answer_reasons], "model_id": scored.model_id,
            "rules": ruleset.label, "line_id": app.line_id, "review_id": review_id})
        _notify(uow, app)
        if screened.ring.size > 1 and any(c == "RING_SIZE" for c, _ in decision.knockouts):
            uow.emit("fraud.ring_detected", {"application_id": app.id,
                                             "members": list(screened.ring.members),
                                             "size": screened.ring.size})
        if key is not None:
            uow.idempotency.save(scope, key, body, {"application_id": app.id,
                                                    "review_id": review_id})
        uow.commit()
    return Outcome(app, review_id)


def _request_body(cmd: Apply) -> dict[str, Any]:
    """What a retry must repeat for its key to replay (anything else is a 409)."""
    return {"product": cmd.product, "channel": cmd.channel,
            "requested_limit": None if cmd.requested_limit is None else str(cmd.requested_limit),
            "device_id": cmd.device_id, "ip": cmd.ip, "bureau": cmd.bureau,
            "financials": cmd.financials,
            "collateral": None if cmd.collateral is None else list(cmd.collateral)}


def _notify(uow: UnitOfWork, app: Application) -> None:
    """Tell the customer: approvals with the limit, declines with the reasons."""
    if app.status not in (APPROVED, DECLINED):
        return
    uow.emit("notification.requested", {
        "customer_id": app.customer_id, "template": f"application_{app.status}",
        "application_id": app.id, "product": app.product,
        "limit": money_str(app.granted_limit),
        "reasons": [{"code": r["code"], "en": r["en"], "zh": r["zh"]} for r in app.reasons]})


def _open_line(uow: UnitOfWork, app: Application) -> str:
    """Open the credit line through the servicing services (same transaction)."""
    from creditline.servicing.services import OpenLine, open_line

    result = open_line(OpenLine(customer_id=app.customer_id, product=app.product,
                                limit=app.granted_limit), uow, SYSTEM)
    return str(getattr(result, "line_id", None) or getattr(result, "id", result))


def get_application(uow: UnitOfWork, app_id: str) -> tuple[Application, rv.Review | None]:
    with uow:
        app = uow.applications.get(app_id)
        if app is None:
            raise NotFound(f"application {app_id} not found")
        return app, uow.reviews.for_application(app_id)


def list_applications(uow: UnitOfWork, customer_id: str, limit: int = 50) -> list[Application]:
    with uow:
        return list(uow.applications.for_customer(customer_id, limit))


# ------------------------------------------------------------------------------ reviews
@dataclass(frozen=True)
class ReviewItem:
    review: rv.Review
    application: Application


def list_reviews(uow: UnitOfWork, status: str | None, limit: int = 50, offset: int = 0
                 ) -> list[ReviewItem]:
    if status is not None and status not in rv.STATUSES:
        raise ValidationError("status", f"must be one of: {', '.join(rv.STATUSES)}")
    with uow:
        out = []
        for r in uow.reviews.list(status, limit, offset):
            app = uow.applications.get(r.application_id)
            assert app is not None
            out.append(ReviewItem(r, app))
        return out


def get_review(uow: UnitOfWork, review_id: str) -> ReviewItem:
    with uow:
        r = uow.reviews.get(review_id)
        if r is None:
            raise NotFound(f"review {review_id} not found")
        app = uow.applications.get(r.application_id)
        assert app is not None
        return ReviewItem(r, app)


@dataclass(frozen=True)
class ReviewDecisionCmd:
    review_id: str
    decision: object
    comment: object
    limit: object = None


def decide_review(cmd: ReviewDecisionCmd, uow: UnitOfWork, actor: Principal, *,
                  open_line: Callable[..., str] | None = None) -> ReviewItem:
    """One reviewer's decision; the final one approves (opening the line) or declines."""
    decision, limit, comment = rv.parse_decision(cmd.decision, cmd.limit, cmd.comment)
    with uow:
        review = uow.reviews.get(cmd.review_id, for_update=True)
        if review is None:
            raise NotFound(f"review {cmd.review_id} not found")
        app = uow.applications.get(review.application_id, for_update=True)
        assert app is not None
        now = uow.now()
        updated = rv.decide(review, reviewer_id=actor.user_id, reviewer=actor.name,
                            decision=decision, limit=limit, comment=comment, at=now)
        updated = uow.reviews.update(updated)
        uow.audit(actor, f"review.{decision}", "review", review.id, {
            "application_id": app.id, "limit": None if limit is None else money_str(limit),
            "comment": comment, "status": updated.status})
        if updated.status == rv.DECIDED:
            outcome = updated.outcome
            assert outcome is not None
            limit_final = updated.final_limit or ZERO
            manual = catalogue.lookup("MANUAL_REVIEW").as_dict()
            kept = [r for r in app.reasons if r["code"] != "MANUAL_REVIEW"]
            app = replace(app, status=outcome, granted_limit=limit_final, decided_at=now,
                          reasons=[manual, *kept][:catalogue.MAX_REASONS])
            app = uow.applications.update(app)
            if outcome == APPROVED:
                line_id = (open_line or _open_line)(uow, app)
                app = uow.applications.update(replace(app, line_id=line_id))
            uow.audit(actor, f"application.{outcome}", "application", app.id, {
                "review_id": review.id, "limit": money_str(limit_final),
                "reviewers": [d.reviewer for d in updated.decisions], "line_id": app.line_id})
            _notify(uow, app)
        uow.commit()
    return ReviewItem(updated, app)


# ------------------------------------------------------------------------------ blacklist
def add_to_blacklist(uow: UnitOfWork, actor: Principal, kind: str, value: str, reason: str
                     ) -> bl.BlacklistEntry:
    k = bl.parse_kind(kind)
    normalised = bl.normalise(k, value)
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError("reason", "is required: say why")
    with uow:
        value_hash = uow.cipher.blind_index(normalised)
        if uow.blacklist.active(k.value, value_hash) is not None:
            raise Conflict(f"this {k.value} is already on the blacklist")
        entry = bl.BlacklistEntry(id=str(uuid.uuid4()), kind=k.value, value_hash=value_hash,
                                  masked=bl.mask(k, normalised), reason=reason.strip(),
                                  active=True, created_by=actor.name, created_at=uow.now())
        uow.blacklist.add(entry)
        uow.audit(actor, "blacklist.added", "blacklist", entry.id,
                  {"kind": entry.kind, "value": entry.masked, "reason": entry.reason})
        uow.commit()
    return entry


def remove_from_blacklist(uow: UnitOfWork, actor: Principal, entry_id: str) -> bl.BlacklistEntry:
    with uow:
        entry = uow.blacklist.get(entry_id)
        if entry is None:
            raise NotFound(f"blacklist entry {entry_id} not found")
        if not entry.active:
            raise Conflict(f"blacklist entry {entry_id} was already removed")
        entry = replace(entry, active=False, removed_by=actor.name, removed_at=uow.now())
        uow.blacklist.update(entry)
        uow.audit(actor, "blacklist.removed", "blacklist", entry.id,
                  {"kind": entry.kind, "value": entry.masked})
        uow.commit()
    return entry


def list_blacklist(uow: UnitOfWork, kind: str | None, active_only: bool, limit: int = 100,
                   offset: int = 0) -> list[bl.BlacklistEntry]:
    k = None if kind is None else bl.parse_kind(kind).value
    with uow:
        return list(uow.blacklist.list(k, active_only, limit, offset))


# ------------------------------------------------------------------------------ special terms
def propose_terms(uow: UnitOfWork, actor: Principal, *, customer_id: str, product: str,
                  limit: object, terms: object, valid_until: date | None) -> st.SpecialTerms:
    with uow:
        customer = uow.customers.get(customer_id)
        if customer is None:
            raise NotFound(f"customer {customer_id} not found")
        proposal = st.propose(terms_id=str(uuid.uuid4()), customer_id=customer.id,
                              customer_kind=customer.kind, product=product, limit=limit,
                              terms=terms, valid_until=valid_until, today=business_date(uow),
                              user_id=actor.user_id, user_name=actor.name, at=uow.now())
        uow.special_terms.add(proposal)
        uow.audit(actor, "special_terms.proposed", "special_terms", proposal.id,
                  {"customer_id": customer.id, "product": product,
                   "limit": money_str(proposal.limit)})
        uow.commit()
    return proposal


def decide_terms(uow: UnitOfWork, actor: Principal, terms_id: str, *, approve: bool,
                 comment: str | None) -> st.SpecialTerms:
    with uow:
        current = uow.special_terms.get(terms_id, for_update=True)
        if current is None:
            raise NotFound(f"special terms {terms_id} not found")
        decided = st.decide(current, approve=approve, user_id=actor.user_id,
                            user_name=actor.name, comment=comment, at=uow.now())
        decided = uow.special_terms.update(decided)
        uow.audit(actor, f"special_terms.{decided.status}", "special_terms", decided.id,
                  {"customer_id": decided.customer_id, "limit": money_str(decided.limit),
                   "proposed_by": decided.proposed_by_name, "comment": comment})
        uow.commit()
    return decided


def revoke_terms(uow: UnitOfWork, actor: Principal, terms_id: str, comment: str | None
                 ) -> st.SpecialTerms:
    with uow:
        current = uow.special_terms.get(terms_id, for_update=True)
        if current is None:
            raise NotFound(f"special terms {terms_id} not found")
        revoked = uow.special_terms.update(st.revoke(current, user_id=actor.user_id,
                                                     user_name=actor.name, comment=comment,
                                                     at=uow.now()))
        uow.audit(actor, "special_terms.revoked", "special_terms", revoked.id,
                  {"customer_id": revoked.customer_id, "comment": comment})
        uow.commit()
    return revoked


def get_terms(uow: UnitOfWork, terms_id: str) -> st.SpecialTerms:
    with uow:
        found = uow.special_terms.get(terms_id)
    if found is None:
        raise NotFound(f"special terms {terms_id} not found")
    return found


def list_terms(uow: UnitOfWork, customer_id: str | None, status: str | None
               ) -> list[st.SpecialTerms]:
    with uow:
        return list(uow.special_terms.list(customer_id, status))


# ------------------------------------------------------------------------------ replay
@dataclass(frozen=True)
class ReplayChange:
    application_id: str
    created_at: datetime
    before: str
    after: str
    limit_before: Decimal
    limit_after: Decimal


@dataclass
class ReplayReport:
    rules_before: Counter[str]
    rules_after: str
    total: int = 0
    changed: int = 0
    limit_changed: int = 0
    transitions: Counter[tuple[str, str]] = field(default_factory=Counter)
    changes: list[ReplayChange] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)


def replay(uow: UnitOfWork, ruleset: Ruleset, since: datetime, until: datetime | None = None,
           *, batch: int = 1000, keep: int = 1000) -> ReplayReport:
    """Re-decide stored applications with ``ruleset`` (their stored facts, same scores) and
    count what would change against the policy decision they got at the time."""
    report = ReplayReport(rules_before=Counter(), rules_after=ruleset.label)

    def flush(apps: list[Application]) -> None:
        facts = [PolicyFacts.from_json(a.facts) for a in apps]
        try:
            decisions: Iterable[PolicyDecision | Exception] = decide_many(ruleset, facts)
        except ValidationError:
            decisions = [_safe_decide(ruleset, f) for f in facts]
        for app, d in zip(apps, decisions, strict=True):
            report.total += 1
            report.rules_before[app.rules_version + "+" + app.rules_hash[:12]] += 1
            if isinstance(d, Exception):
                report.errors.append((app.id, str(d)))
                continue
            before_limit = Decimal(app.policy.get("limit", "0"))
            if d.decision != app.policy_decision:
                report.changed += 1
                report.transitions[(app.policy_decision, d.decision)] += 1
            elif d.limit != before_limit:
                report.limit_changed += 1
            else:
                continue
            if len(report.changes) < keep:
                report.changes.append(ReplayChange(app.id, app.created_at, app.policy_decision,
                                                   d.decision, before_limit, d.limit))

    with uow:
        pending: list[Application] = []
        for app in uow.applications.since(since, until):
            pending.append(app)
            if len(pending) >= batch:
                flush(pending)
                pending = []
        if pending:
            flush(pending)
    return report


def _safe_decide(ruleset: Ruleset, facts: PolicyFacts) -> PolicyDecision | Exception:
    try:
        return decide(ruleset, facts)
    except ValidationError as exc:
        return exc
