"""Apply for a credit line, and read applications back.

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from creditline.auth import SYSTEM, Principal
from creditline.calendar.services import current_business_date
from creditline.errors import Conflict, NotFound, ValidationError
from creditline.fraud import blacklist as bl
from creditline.fraud.screening import ScreenRequest, address_key, ring_view, screen
from creditline.idempotency import check_key
from creditline.lines.ramp import LimitRamp
from creditline.money import ZERO, money_str, to_money
from creditline.origination import reasons as catalogue
from creditline.origination import review as rv
from creditline.origination import scorer
from creditline.origination.application import APPROVED, DECLINED, REFERRED, Application
from creditline.origination.features import Bureau, enterprise_features, person_features
from creditline.parties.customers import Person
from creditline.parties.identity import age_on, mask_ip
from creditline.policy.assets import parse_assets, parse_obligations
from creditline.policy.decision import decide
from creditline.policy.enterprise import FinancialStatements, parse_collateral
from creditline.policy.facts import Applicant, Enterprise, PolicyFacts, Screening
from creditline.policy.mitigants import parse_mitigants
from creditline.policy.profile import Licence, Profile, parse_profile
from creditline.policy.ruleset import default_ruleset
from creditline.policy.statements import YearStatements, parse_statements
from creditline.products.catalog import default_catalog
from creditline.uow import UnitOfWork

_CHANNEL = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")

# what the JSON body of an application may carry in its bureau / financials / collateral
BureauValue = str | int | float | None


def warm() -> None:
    """Load what every decision reads from the package (the policy tables compiled into
    zen-engine, the product catalogue, the GB/T 2260 region codes) before the first request:
    a server's first applications otherwise arrive together and pay for it in their
    latency.  Idempotent and cheap once done (each is cached per process)."""
    from creditline.parties.regions import divisions

    default_ruleset()
    default_catalog()
    divisions()


def business_date(uow: UnitOfWork) -> date:
    """The book's business date (``creditline.calendar``), not the wall clock's."""
    return current_business_date(uow)


@dataclass(frozen=True)
class Apply:
    customer_id: str
    product: str
    channel: str
    requested_limit: str | Decimal | None = None
    device_id: str | None = None
    ip: str | None = None
    bureau: Mapping[str, BureauValue] | None = None
    financials: Mapping[str, str] | None = None
    collateral: Sequence[Mapping[str, str]] | None = None
    idempotency_key: str | None = None
    # issue 12: a person's assets and obligations ...
    assets: Sequence[Mapping[str, str | None]] | None = None
    obligations: Sequence[Mapping[str, str | None]] | None = None
    # ... and an enterprise's statements over 2-3 years (instead of ``financials``), business
    # model, purpose, order book, receivables, mitigants and uploaded business licence
    statements: Sequence[Mapping[str, str | int]] | None = None
    business_model: Mapping[str, str] | None = None
    purpose: Mapping[str, str | None] | None = None
    order_book: str | None = None
    receivables: str | None = None
    mitigants: Sequence[Mapping[str, str]] | None = None
    business_licence_document_id: str | None = None
    # the carrier's answer: months the applicant's mobile has been in service (None: not asked)
    phone_tenure_months: int | None = None
    address: str | None = None  # home address: a ring link (only its keyed hash is kept)

    def enterprise_fields(self) -> list[str]:
        """The enterprise-only fields this request gives."""
        return [name for name in ("financials", "collateral", "statements", "business_model",
                                  "purpose", "order_book", "receivables", "mitigants",
                                  "business_licence_document_id")
                if getattr(self, name) not in (None, [], ())]


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
    tenure = cmd.phone_tenure_months
    if tenure is not None and (isinstance(tenure, bool) or not isinstance(tenure, int)
                               or not 0 <= tenure <= 1200):
        raise ValidationError("phone_tenure_months", "must be a whole number from 0 to 1200")
    if cmd.address is not None:
        address_key(cmd.address)
    return requested, device, ip


def apply(cmd: Apply, uow: UnitOfWork, actor: Principal) -> Outcome:
    """Decide an application; an approval opens the credit line in the same transaction."""
    started = time.perf_counter()
    ruleset = default_ruleset()
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
        earlier_lines = uow.lines.of_customer(customer.id)
        for line in earlier_lines:
            if line.product == cmd.product and str(line.status) != "closed":
                raise Conflict(f"customer {customer.id} already has an open {cmd.product} line "
                               f"({line.id}); ask for a limit review instead")
        app_id = str(uuid.uuid4())
        contacts = uow.applications.contact_links([customer.id])
        facts_kw: dict[str, Any] = {}
        if isinstance(customer, Person):  # narrows the type; Person.kind == "person"
            if cmd.enterprise_fields():
                raise ValidationError(cmd.enterprise_fields()[0],
                                      "is for enterprise applications")
            bureau = Bureau.from_mapping(cmd.bureau)
            assets, obligations = parse_assets(cmd.assets), parse_obligations(cmd.obligations)
            features = person_features(age=customer.age_on(today),
                                       employment=customer.employment,
                                       monthly_income=customer.monthly_income,
                                       num_contacts=len(contacts), bureau=bureau)
            facts_kw["applicant"] = Applicant(
                age=customer.age_on(today), monthly_income=customer.monthly_income,
                monthly_debt=bureau.existing_debt_monthly or ZERO,
                employment=customer.employment, assets=assets, obligations=obligations)
            extra_inputs: dict[str, Any] = {
                "bureau": bureau.as_json(), "assets": [a.as_json() for a in assets],
                "obligations": [o.as_json() for o in obligations]}
        else:
            if cmd.bureau is not None:
                raise ValidationError("bureau", "the credit-bureau block is for persons; "
                                                "enterprises send financials")
            for name in ("assets", "obligations"):
                if getattr(cmd, name):
                    raise ValidationError(name, "is for person applications; enterprises "
                                                "pledge collateral or name mitigants")
            history: tuple[YearStatements, ...] = ()
            if cmd.statements is not None:
                if cmd.financials is not None:
                    raise ValidationError("financials", "give either one year's financials "
                                                        "or 2-3 years of statements, not both")
                history = parse_statements(cmd.statements, today)
                statements = history[-1].figures
            elif cmd.financials is None:
                raise ValidationError("financials", "an enterprise application needs its "
                                                    "financial statements")
            else:
                statements = FinancialStatements.from_mapping(cmd.financials)
            collateral = parse_collateral(cmd.collateral)
            profile = _profile(cmd, uow, customer.id)
            mitigants = parse_mitigants(cmd.mitigants,
                                        None if profile is None else profile.receivables)
            years = age_on(customer.registered_on, today)
            features = enterprise_features(industry=customer.industry, firm_age_years=years,
                                           employees=customer.employees,
                                           statements=statements, collateral=collateral)
            facts_kw["enterprise"] = Enterprise(industry=customer.industry,
                                                years_in_business=Decimal(years),
                                                statements=statements, collateral=collateral,
                                                history=history, profile=profile,
                                                mitigants=mitigants)
            terms = uow.special_terms.in_force(customer.id, cmd.product, today)
            if terms is not None:
                facts_kw["special_terms_limit"] = terms.limit
            extra_inputs = {"financials": statements.as_json(),
                            "collateral": [c.as_json() for c in collateral],
                            "special_terms_id": None if terms is None else terms.id,
                            "statements": [y.as_json() for y in history],
                            "trends": None if len(history) < 2
                            else facts_kw["enterprise"].trends().as_dict(),
                            "profile": None if profile is None else profile.as_json(),
                            "mitigants": [m.as_json() for m in mitigants]}
        params = ruleset.parameters
        screened = screen(ScreenRequest(
            device=device, ip=ip, contacts=tuple(contacts), last_decline=last_decline,
            ring_link_window_days=int(params.get("ring_link_window_days", 90)),
            ring_max_explore=int(params.get("ring_max_explore", 50)),
            address=None if cmd.address is None else address_key(cmd.address)),
            customer, uow, today, now)
        screening = Screening(
            id_valid=screened.id_valid, phone_valid=screened.phone_valid,
            blacklist_id=bl.BlacklistKind.ID_NUMBER.value in screened.blacklisted,
            blacklist_phone=bl.BlacklistKind.PHONE.value in screened.blacklisted,
            blacklist_device=bl.BlacklistKind.DEVICE.value in screened.blacklisted,
            velocity=screened.velocity, ring_size=screened.ring.size,
            days_since_decline=screened.days_since_decline,
            phone_tenure_months=cmd.phone_tenure_months)
        scored = scorer.score(uow, customer.kind, app_id, features)
        facts = PolicyFacts(product=cmd.product, kind=customer.kind, score=scored.score,
                            pd=scored.pd, screening=screening, requested_limit=requested,
                            score_reasons=tuple(r["code"] for r in scored.reasons),
                            new_customer=not earlier_lines, **facts_kw)
        decision = decide(ruleset, facts)
        texts = {r["code"]: r for r in scored.reasons}
        answer_reasons = catalogue.ranked(decision.reasons, texts)
        ring = ring_view(uow, screened.ring) if screened.ring.size > 1 else None
        elapsed = (time.perf_counter() - started) * 1000.0
        app = Application(
            id=app_id, customer_id=customer.id, kind=customer.kind, product=cmd.product,
            channel=cmd.channel, status=decision.decision, policy_decision=decision.decision,
            requested_limit=requested, granted_limit=decision.limit, score=scored.score,
            pd=scored.pd, band=decision.band, keys=screened.keys,
            inputs={"customer_id": customer.id, "product": cmd.product, "channel": cmd.channel,
                    "requested_limit": None if requested is None else money_str(requested),
                    "device_id": None if device is None else bl.mask(bl.BlacklistKind.DEVICE, device),
                    "ip": mask_ip(ip), "phone_tenure_months": cmd.phone_tenure_months,
                    **extra_inputs},
            checks={"screening": screening.as_json(),
                    "fired": [{"code": c, "action": a} for c, a in decision.knockouts]},
            features=dict(features), facts=facts.as_json(), policy=decision.as_json(),
            reasons=answer_reasons, ring=ring, model_id=scored.model_id,
            model_name=scored.model_name, model_version=scored.model_version,
            shadow=scored.shadow, rules_version=ruleset.version, rules_hash=ruleset.hash,
            elapsed_ms=round(elapsed, 3), created_at=now, address_hash=screened.address_hash,
            decided_at=None if decision.decision == REFERRED else now)
        review_id = None
        if decision.decision == APPROVED:  # the line first, so the row is written once
            app = replace(app, line_id=open_approved_line(uow, app, today))
        uow.applications.add(app)
        if decision.decision == REFERRED:
            review_id = str(uuid.uuid4())
            uow.reviews.add(rv.Review(
                id=review_id, application_id=app.id, status=rv.PENDING,
                proposed_limit=decision.limit, min_limit=decision.min_limit,
                max_limit=decision.max_limit, second_review_above=decision.second_review_above,
                decisions=(), created_at=now, due_at=rv.due_at(now, product_sla(cmd.product))))
        uow.audit(actor, f"application.{decision.decision}", "application", app.id, {
            "customer_id": customer.id, "product": cmd.product,
            "limit": money_str(app.granted_limit), "score": round(scored.score, 2),
            "reasons": [r["code"] for r in answer_reasons], "model_id": scored.model_id,
            "rules": ruleset.label, "line_id": app.line_id, "review_id": review_id})
        notify_decision(uow, app)
        if screened.ring.size > 1 and any(c == "RING_SIZE" for c, _ in decision.knockouts):
            held = hold_ring_lines(uow, screened.ring.members, customer.id, app.id)
            uow.emit("fraud.ring_detected", {"application_id": app.id,
                                             "members": list(screened.ring.members),
                                             "size": screened.ring.size, "held_lines": held})
        if key is not None:
            uow.idempotency.save(scope, key, body, {"application_id": app.id,
                                                    "review_id": review_id})
        uow.commit()
    return Outcome(app, review_id)


def _request_body(cmd: Apply) -> dict[str, Any]:
    """What a retry must repeat for its key to replay (anything else is a 409)."""
    body = {"product": cmd.product, "channel": cmd.channel,
            "requested_limit": None if cmd.requested_limit is None else str(cmd.requested_limit),
            "device_id": cmd.device_id, "ip": cmd.ip, "bureau": cmd.bureau,
            "financials": cmd.financials,
            "collateral": None if cmd.collateral is None else list(cmd.collateral),
            **({} if cmd.phone_tenure_months is None
               else {"phone_tenure_months": cmd.phone_tenure_months}),
            **({} if cmd.address is None else {"address": cmd.address})}
    for name in ("assets", "obligations", "statements", "mitigants"):  # issue 12
        value = getattr(cmd, name)
        if value is not None:
            body[name] = list(value)
    for name in ("business_model", "purpose", "order_book", "receivables",
                 "business_licence_document_id"):
        if getattr(cmd, name) is not None:
            body[name] = getattr(cmd, name)
    return body


def _profile(cmd: Apply, uow: UnitOfWork, customer_id: str) -> Profile | None:
    """The enterprise's business model, purpose, order book, receivables and licence, or
    None when the application gives none of them."""
    licence = None
    if cmd.business_licence_document_id is not None:
        field = "business_licence_document_id"
        doc = uow.documents.get(cmd.business_licence_document_id)
        if doc is None or (doc.owner_kind, doc.owner_id) != ("customer", customer_id):
            raise ValidationError(field, f"no uploaded document {cmd.business_licence_document_id!r} "
                                         "of this customer")
        if doc.purpose != "business_licence":
            raise ValidationError(field, f"document {doc.id!r} was uploaded as "
                                         f"{doc.purpose}, not as a business_licence")
        licence = Licence(doc.id, doc.media_type, doc.sha256)
    given = (cmd.business_model, cmd.purpose, cmd.order_book, cmd.receivables, licence)
    if all(v is None for v in given):
        return None
    return parse_profile(cmd.business_model, cmd.purpose, cmd.order_book, cmd.receivables,
                         licence)


def notify_decision(uow: UnitOfWork, app: Application) -> None:
    """Tell the customer: approvals with the limit, declines with the reasons."""
    if app.status not in (APPROVED, DECLINED):
        return
    uow.emit("notification.requested", {
        "customer_id": app.customer_id, "template": f"application_{app.status}",
        "application_id": app.id, "product": app.product,
        "limit": money_str(app.granted_limit),
        "reasons": [{"code": r["code"], "en": r["en"], "zh": r["zh"]} for r in app.reasons]})


def open_approved_line(uow: UnitOfWork, app: Application, on: date | None = None) -> str:
    """Open the approved application's credit line through the servicing services, in the
    caller's transaction (with its limit ramp when it opens at a first limit below what the
    policy granted); returns the line id.  ``on``: the business date, when the caller has
    already read it with the customer and their lines (``apply``), so the opening does not
    read them again."""
    from creditline.servicing.services import OpenLine, open_checked_line, open_line

    cmd = OpenLine(customer_id=app.customer_id, product=app.product, limit=app.granted_limit)
    line_id = (open_line(cmd, uow, SYSTEM).id if on is None
               else open_checked_line(cmd, on, uow, SYSTEM))
    target = (app.policy or {}).get("ramp_target")
    growth = default_catalog().get(app.product).ramp_growth
    if target is not None and growth is not None and Decimal(target) > app.granted_limit:
        # the limit ramp: the line starts at its first limit and grows toward the policy's
        uow.limit_ramps.add(LimitRamp(line_id, Decimal(target), growth))
    return line_id


def hold_ring_lines(uow: UnitOfWork, members: Sequence[str], applicant: str,
                    app_id: str) -> list[str]:
    """Freeze the active lines of a ring's earlier members, in the caller's transaction.

    A ring forms over weeks: its first members apply alone, look like nobody else and are
    approved; the member whose application links them into a ring of the policy's size
    exposes them too.  Their lines stop buying (frozen: repayments still run) until a
    reviewer clears them; returns the ids of the lines frozen."""
    from creditline.servicing.services import SetStatus, set_status

    held = []
    for member in members:
        if member == applicant:
            continue
        for line in uow.lines.of_customer(member):
            if str(line.status) == "active":
                set_status(SetStatus(line.id, "frozen", f"fraud ring: linked by application "
                                                        f"{app_id}"), uow, SYSTEM)
                held.append(line.id)
    return held


def product_sla(product: str) -> int | None:
    """The product's review SLA in hours (the catalogue's ``review_sla_hours``)."""
    return default_catalog().get(product).review_sla_hours


def get_application(uow: UnitOfWork, app_id: str) -> tuple[Application, rv.Review | None]:
    with uow:
        app = uow.applications.get(app_id)
        if app is None:
            raise NotFound(f"application {app_id} not found")
        return app, uow.reviews.for_application(app_id)


def list_applications(uow: UnitOfWork, customer_id: str, limit: int = 50) -> list[Application]:
    with uow:
        return list(uow.applications.for_customer(customer_id, limit))
