"""Use cases of the closure context (``verb(cmd, uow, actor) -> result``): closure requests
and their review, negotiation cases, and plans (partial closure, restructuring, emergency
acceleration) with maker-checker.  Each runs in one transaction; a refused command writes
nothing.  Every step is audited and, where the customer must hear of it, an outbox
notification (``uow.emit``) carrying the customer id.

Notification topics (templates in ``notify/templates/{en,zh}/<topic>.txt.j2``):
``closure.received``, ``closure.referred``, ``closure.approved``, ``closure.reduced``,
``closure.rejected``, ``closure.counter_offered``, ``closure.documents_requested``,
``closure.withdrawn``, ``closure.completed`` (end of day), ``negotiation.opened``,
``negotiation.concluded``, ``line.restructured``, ``line.called_back`` (the acceleration
notice, naming the clause), ``line.limit_reduced``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from creditline.auth import Principal, Role
from creditline.calendar.services import current_business_date
from creditline.closure.modification import (
    Called,
    Restructured,
    Terms,
    accelerate,
    call_dates,
    restructure,
    restructure_entry,
)
from creditline.closure.negotiation import (
    Negotiation,
    NegotiationOutcome,
    NegotiationStatus,
    negotiation_json,
)
from creditline.closure.negotiation import parse_outcome as parse_negotiation_outcome
from creditline.closure.plans import ACCELERATION_CLAUSE, Plan, PlanKind, PlanStatus
from creditline.closure.ports import RequestQuery
from creditline.closure.reasons import REASONS, Outcome, choice, parse_outcome, parse_reasons
from creditline.closure.request import (
    DECIDABLE,
    WITHDRAWABLE,
    ClosureRequest,
    Decision,
    RequestStatus,
    request_json,
    require,
    second_person,
)
from creditline.closure.review import ClosureFacts, decide
from creditline.closure.rules import closure_rules, second_review_above
from creditline.documents.document import check_content, clean_file_name
from creditline.documents.services import UploadDocument, upload_document
from creditline.errors import Conflict, NotFound, ValidationError
from creditline.fraud.blacklist import BlacklistKind
from creditline.lines.limits import LimitEvent, LimitKind, LimitSource
from creditline.lines.line import Balances, Line
from creditline.lines.status import LineStatus, check_transition
from creditline.money import ZERO, money_str, to_rate
from creditline.paging import Page, PageRequest
from creditline.parties.customers import Person
from creditline.products.catalog import terms_product
from creditline.servicing.services import get_line, locked_line, parse_amount
from creditline.servicing.views import LineView
from creditline.uow import UnitOfWork

# ----- commands

@dataclass(frozen=True)
class ProofFile:
    """An uploaded proof as the entrypoint received it; stored by the documents context."""

    file_name: str
    content: bytes
    declared_type: str | None = None


@dataclass(frozen=True)
class SubmitRequest:
    line_id: str
    reasons: tuple[str, ...]
    text: str
    outcome: str
    target_limit: str | None = None
    files: tuple[ProofFile, ...] = ()


@dataclass(frozen=True)
class DecideRequest:
    request_id: str
    decision: str  # approve | reject | counter_offer | ask_documents
    reason: str
    counter_limit: str | None = None


@dataclass(frozen=True)
class AnswerCounterOffer:
    request_id: str
    accept: bool


@dataclass(frozen=True)
class AddProofs:
    request_id: str
    files: tuple[ProofFile, ...]


@dataclass(frozen=True)
class WithdrawRequest:
    request_id: str
    reason: str = "withdrawn by the customer"


@dataclass(frozen=True)
class ProposePlan:
    line_id: str
    kind: str  # partial_closure | restructuring | emergency
    reason: str
    new_limit: str | None = None
    call_back: tuple[str, ...] = ()
    due_date: str | None = None
    restructure: tuple[str, ...] = ()
    extension: int | None = None  # months added; required with ``restructure``
    daily_rate: str | None = None  # None: each draw keeps its rate
    fee_rate: str | None = None  # None: the product's rate of the draw's plan (or 0)
    capitalise_arrears: bool = False
    negotiation_id: str | None = None


@dataclass(frozen=True)
class DecidePlan:
    plan_id: str
    approve: bool
    note: str


@dataclass(frozen=True)
class OpenNegotiation:
    line_id: str
    manager: str
    subject: str


@dataclass(frozen=True)
class NegotiationEntry:
    negotiation_id: str
    kind: str  # note | proposal | counter_proposal
    text: str
    side: str = "bank"  # bank | customer (who proposes)
    terms: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ConcludeNegotiation:
    negotiation_id: str
    outcome: str  # no_change | partial_closure | restructuring
    text: str
    plan: ProposePlan | None = None  # the agreed changes (not for no_change)


# ----- helpers

def _text(value: object, field_: str, max_len: int) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > max_len:
        raise ValidationError(field_, f"must be text of 1-{max_len} characters")
    return value.strip()


def _line(uow: UnitOfWork, line_id: str, lock: bool = True) -> Line:
    line = uow.lines.get(line_id, lock=lock)
    if line is None:
        raise NotFound(f"credit line {line_id} not found")
    return line


def _request(uow: UnitOfWork, request_id: str, lock: bool = True) -> ClosureRequest:
    req = uow.closure_requests.get(request_id, lock=lock)
    if req is None:
        raise NotFound(f"closure request {request_id} not found")
    return req


def _limit_event(uow: UnitOfWork, actor: Principal, line: Line, on: date, new: Decimal,
                 note: str, codes: tuple[str, ...] = ()) -> None:
    uow.limit_events.add(LimitEvent(
        line_id=line.id, at=uow.now(), business_date=on, old_limit=line.limit, new_limit=new,
        kind=LimitKind.PERMANENT, source=LimitSource.CLOSURE, actor=actor.name,
        reason_codes=codes, note=note, rules_version=closure_rules().label))
    line.limit = new


def _lower_limit(line: Line, value: object, field_: str) -> Decimal:
    """A new, lower limit within the product's minimum (422 otherwise)."""
    amount = parse_amount(value, field_)
    if amount >= line.limit:
        raise ValidationError(field_, f"must be below the current limit {money_str(line.limit)}")
    floor = terms_product(line.product, line.terms).limit_min
    if amount < floor:
        raise ValidationError(field_, f"must be at least the product's minimum "
                                      f"{money_str(floor)} (ask to close the line instead)")
    return amount


def _fraud_flag(uow: UnitOfWork, customer_id: str) -> bool:
    """The customer's identity number (or USCC) or phone is on the active blacklist."""
    c = uow.customers.get(customer_id)
    if c is None:
        return False
    ident = c.id_number if isinstance(c, Person) else c.uscc
    return bool(uow.blacklist.hits({
        BlacklistKind.ID_NUMBER.value: uow.cipher.blind_index(ident),
        BlacklistKind.PHONE.value: None if c.phone is None else uow.cipher.blind_index(c.phone)}))


MAX_PROOFS = 5


def _store_proofs(uow: UnitOfWork, actor: Principal, req: ClosureRequest,
                  files: tuple[ProofFile, ...]) -> list[str]:
    """Store the files through the documents context (type by content, size, SHA-256), in
    this transaction, owned by the request; a refused file is a 422 naming it and the whole
    command writes nothing."""
    if len(files) > MAX_PROOFS:
        raise ValidationError("files", f"at most {MAX_PROOFS} files per upload")
    for f in files:  # every file checked before any is stored
        check_content(clean_file_name(f.file_name), f.content, f.declared_type,
                      uow.document_files.max_bytes)
    names = []
    for f in files:
        doc = upload_document(UploadDocument(
            owner_kind="closure_request", owner_id=req.id, purpose="closure_proof",
            file_name=f.file_name, content=f.content, declared_type=f.declared_type),
            uow, actor)
        req.documents.append({"id": doc.id, "file_name": doc.file_name,
                              "media_type": doc.media_type, "size": doc.size,
                              "sha256": doc.sha256})
        names.append(doc.file_name)
    return names


def _emit(uow: UnitOfWork, topic: str, req: ClosureRequest, **extra: Any) -> None:
    uow.emit(topic, {"request_id": req.id, "line_id": req.line_id,
                     "customer_id": req.customer_id, "status": req.status.value,
                     "outcome": req.outcome.value, **extra})


# ----- closure requests

def submit_request(cmd: SubmitRequest, uow: UnitOfWork, actor: Principal) -> dict[str, Any]:
    """File a closure (or reduction) request and run the system review at once: approved
    (and executed), referred to the manual queue, or rejected, with the findings."""
    reasons = parse_reasons(list(cmd.reasons))
    text = cmd.text.strip() if isinstance(cmd.text, str) else ""
    if len(text) > 2000:
        raise ValidationError("text", "must be at most 2000 characters")
    if "other" in reasons and not text:
        raise ValidationError("text", "is required when the reason is 'other'")
    outcome = parse_outcome(cmd.outcome)
    if outcome is Outcome.CLOSE and cmd.target_limit is not None:
        raise ValidationError("target_limit", "only a reduction names a target limit")
    if outcome is Outcome.REDUCE and cmd.target_limit is None:
        raise ValidationError("target_limit", "is required to reduce the limit")
    rules = closure_rules()
    with uow:
        line = _line(uow, cmd.line_id)
        if line.status is LineStatus.CLOSED:
            raise Conflict(f"credit line {line.id} is closed")
        if line.status is LineStatus.CLOSING:
            raise Conflict(f"credit line {line.id} is already closing")
        if uow.closure_requests.open_for_line(line.id) is not None:
            raise Conflict(f"credit line {line.id} already has an open closure request")
        target = None if cmd.target_limit is None else _lower_limit(line, cmd.target_limit,
                                                                    "target_limit")
        on = current_business_date(uow)
        others = sum((o.total_owed for o in uow.lines.of_customer(line.customer_id)
                      if o.id != line.id), ZERO)
        case = uow.collection_cases.active_for_line(line.id)
        held = uow.held_purchases.page("held", line.id, PageRequest(limit=1))
        facts = ClosureFacts(kind=line.kind, line_status=line.status.value,
                             balance=line.balance, used=line.used, limit=line.limit,
                             dpd=line.dpd, other_obligations=others,
                             fraud_flag=_fraud_flag(uow, line.customer_id),
                             collection_case=case is not None,
                             open_disputes=int(case is not None and case.disputed > 0),
                             pending_purchases=held.total if held.total is not None
                             else len(held.items),
                             outcome=outcome.value, target_limit=target, reasons=reasons,
                             documents=len(cmd.files))
        review = decide(rules.evaluate(facts.context()), facts, rules.label)
        now = uow.now()
        req = ClosureRequest(
            id=str(uuid.uuid4()), line_id=line.id, customer_id=line.customer_id,
            reasons=reasons, text=text, outcome=outcome, target_limit=target,
            status=RequestStatus.MANUAL_REVIEW, submitted_at=now, submitted_on=on,
            submitted_by=actor.name, review=review)
        req.log(now, on, actor.name, "submitted", reasons=list(reasons), wanted=outcome,
                target_limit=target, documents=len(cmd.files))
        codes = [f.code for f in review.findings]
        if review.outcome == "reject":
            req.move(RequestStatus.REJECTED, now, on, "system", "system_review",
                     outcome="reject", reasons=codes, rules=review.rules)
        elif review.outcome == "refer":
            req.log(now, on, "system", "system_review", outcome="refer", reasons=codes,
                    rules=review.rules)
        else:
            req.move(RequestStatus.APPROVED, now, on, "system", "system_review",
                     outcome="approve", rules=review.rules)
        uow.audit(actor, "closure.submitted", "closure_request", req.id,
                  {"line_id": line.id, "reasons": list(reasons), "outcome": outcome.value,
                   "target_limit": target, "review": review.outcome, "findings": codes,
                   "rules": review.rules})
        _emit(uow, "closure.received", req, review=review.outcome)
        if req.status is RequestStatus.REJECTED:
            req.finished_on = on
            _emit(uow, "closure.rejected", req, reasons=codes)
        elif req.status is RequestStatus.MANUAL_REVIEW:
            _emit(uow, "closure.referred", req)
        else:
            req.decided_outcome = outcome
            req.final_limit = target
            _execute(uow, actor, req, line, on)
        uow.closure_requests.add(req)
        if cmd.files:
            _store_proofs(uow, actor, req, cmd.files)
            uow.closure_requests.save(req)
        uow.commit()
    return request_json(req)


def _execute(uow: UnitOfWork, actor: Principal, req: ClosureRequest, line: Line,
             on: date) -> None:
    """An approved request takes effect: the line goes to ``closing`` or its limit down."""
    now = uow.now()
    if req.decided_outcome is Outcome.CLOSE:
        check_transition(line.status, LineStatus.CLOSING,
                         owed_nothing=line.total_owed == 0 and line.credit_balance == 0)
        old = line.status
        line.status = LineStatus.CLOSING
        uow.lines.save(line)
        req.move(RequestStatus.CLOSING, now, on, actor.name, "executed",
                 line_status="closing", balance=line.balance)
        uow.audit(actor, "line.status_changed", "credit_line", line.id,
                  {"from": old.value, "to": "closing", "reason": f"closure request {req.id}"})
        _emit(uow, "closure.approved", req, balance=line.balance,
              payoff_amount=line.payoff_amount)
    else:
        assert req.final_limit is not None
        old_limit = line.limit
        _limit_event(uow, actor, line, on, req.final_limit, f"closure request {req.id}",
                     ("CUSTOMER_REQUEST",))
        uow.lines.save(line)
        req.move(RequestStatus.EXECUTED, now, on, actor.name, "executed",
                 old_limit=old_limit, new_limit=req.final_limit)
        req.finished_on = on
        uow.audit(actor, "line.limit_changed", "credit_line", line.id,
                  {"from": old_limit, "to": req.final_limit, "reason": f"closure request {req.id}"})
        _emit(uow, "closure.reduced", req, old_limit=old_limit, new_limit=req.final_limit)


def decide_request(cmd: DecideRequest, uow: UnitOfWork, actor: Principal) -> dict[str, Any]:
    """A reviewer's decision on a request in the manual queue.  Above the maker-checker
    limit an approval or counter-offer is a proposal a second person confirms (or rejects);
    its proposer may not (403)."""
    decision = choice(Decision, cmd.decision, "decision")
    reason = _text(cmd.reason, "reason", 500)
    rules = closure_rules()
    with uow:
        req = _request(uow, cmd.request_id)
        require(req, DECIDABLE, f"{decision.value} it")
        line = _line(uow, req.line_id)
        on = current_business_date(uow)
        now = uow.now()
        if req.status is RequestStatus.PENDING_SECOND:
            proposal = second_person(req, actor.name)
            if decision is Decision.APPROVE:  # confirm the proposal
                req.log(now, on, actor.name, "confirmed", proposal=proposal["decision"],
                        note=reason)
                req.proposal = None
                _apply(uow, actor, req, line, on, Decision(proposal["decision"]),
                       None if proposal.get("counter_limit") is None
                       else Decimal(proposal["counter_limit"]), proposal["reason"])
            elif decision is Decision.REJECT:
                req.proposal = None
                req.move(RequestStatus.REJECTED, now, on, actor.name, "rejected", reason=reason,
                         overruled=proposal["by"])
                req.finished_on = on
                _emit(uow, "closure.rejected", req, reason=reason)
            else:
                raise ValidationError("decision", "a proposal waiting for a second person is "
                                                  "confirmed (approve) or rejected")
        else:
            counter = None
            if decision is Decision.COUNTER_OFFER:
                if cmd.counter_limit is None:
                    raise ValidationError("counter_limit", "is required for a counter-offer")
                counter = _lower_limit(line, cmd.counter_limit, "counter_limit")
            elif cmd.counter_limit is not None:
                raise ValidationError("counter_limit", "only a counter-offer names a limit")
            needs_second = (decision in (Decision.APPROVE, Decision.COUNTER_OFFER)
                            and line.limit > second_review_above(rules))
            if needs_second:
                req.proposal = {"decision": decision.value, "by": actor.name,
                                "at": now.isoformat(), "reason": reason,
                                "counter_limit": None if counter is None else money_str(counter)}
                req.move(RequestStatus.PENDING_SECOND, now, on, actor.name, "proposed",
                         decision=decision, reason=reason, counter_limit=counter)
            else:
                _apply(uow, actor, req, line, on, decision, counter, reason)
        uow.closure_requests.save(req)
        uow.audit(actor, f"closure.{decision.value}", "closure_request", req.id,
                  {"line_id": req.line_id, "status": req.status.value, "reason": reason})
        uow.commit()
    return request_json(req)


def _apply(uow: UnitOfWork, actor: Principal, req: ClosureRequest, line: Line, on: date,
           decision: Decision, counter: Decimal | None, reason: str) -> None:
    now = uow.now()
    if decision is Decision.APPROVE:
        req.move(RequestStatus.APPROVED, now, on, actor.name, "approved", reason=reason)
        req.decided_outcome = req.outcome
        req.final_limit = req.target_limit
        if req.outcome is Outcome.REDUCE and req.target_limit is not None \
                and req.target_limit >= line.limit:
            raise Conflict(f"the line's limit is already {money_str(line.limit)}")
        _execute(uow, actor, req, line, on)
    elif decision is Decision.REJECT:
        req.move(RequestStatus.REJECTED, now, on, actor.name, "rejected", reason=reason)
        req.finished_on = on
        _emit(uow, "closure.rejected", req, reason=reason)
    elif decision is Decision.COUNTER_OFFER:
        assert counter is not None
        if counter >= line.limit:
            raise ValidationError("counter_limit", f"must be below the current limit "
                                                   f"{money_str(line.limit)}")
        req.counter_limit = counter
        req.move(RequestStatus.COUNTER_OFFERED, now, on, actor.name, "counter_offered",
                 counter_limit=counter, reason=reason)
        _emit(uow, "closure.counter_offered", req, counter_limit=counter,
              current_limit=line.limit, reason=reason)
    else:
        req.move(RequestStatus.AWAITING_DOCUMENTS, now, on, actor.name, "documents_requested",
                 reason=reason)
        _emit(uow, "closure.documents_requested", req, reason=reason)


def answer_counter_offer(cmd: AnswerCounterOffer, uow: UnitOfWork,
                         actor: Principal) -> dict[str, Any]:
    """The customer accepts the counter-offer (the limit goes down to it) or declines it
    (the request ends rejected, the line as it was)."""
    with uow:
        req = _request(uow, cmd.request_id)
        require(req, frozenset({RequestStatus.COUNTER_OFFERED}), "answer a counter-offer")
        line = _line(uow, req.line_id)
        on = current_business_date(uow)
        now = uow.now()
        if cmd.accept:
            assert req.counter_limit is not None
            if req.counter_limit >= line.limit:
                raise ValidationError("counter_limit", f"must be below the current limit "
                                                       f"{money_str(line.limit)}")
            req.move(RequestStatus.APPROVED, now, on, actor.name, "counter_offer_accepted")
            req.decided_outcome = Outcome.REDUCE
            req.final_limit = req.counter_limit
            _execute(uow, actor, req, line, on)
        else:
            req.move(RequestStatus.REJECTED, now, on, actor.name, "counter_offer_declined")
            req.finished_on = on
            _emit(uow, "closure.rejected", req, reason="counter-offer declined")
        uow.closure_requests.save(req)
        uow.audit(actor, "closure.counter_offer_" + ("accepted" if cmd.accept else "declined"),
                  "closure_request", req.id, {"line_id": req.line_id,
                                              "counter_limit": req.counter_limit})
        uow.commit()
    return request_json(req)


def add_proofs(cmd: AddProofs, uow: UnitOfWork, actor: Principal) -> dict[str, Any]:
    """More documents, as a reviewer asked: the request goes back to the manual queue."""
    if not cmd.files:
        raise ValidationError("files", "at least one document is required")
    with uow:
        req = _request(uow, cmd.request_id)
        require(req, frozenset({RequestStatus.AWAITING_DOCUMENTS}), "add documents")
        on = current_business_date(uow)
        names = _store_proofs(uow, actor, req, cmd.files)
        req.move(RequestStatus.MANUAL_REVIEW, uow.now(), on, actor.name, "documents_added",
                 documents=names)
        uow.closure_requests.save(req)
        uow.audit(actor, "closure.documents_added", "closure_request", req.id,
                  {"documents": [d["id"] for d in req.documents[-len(names):]]})
        uow.commit()
    return request_json(req)


def withdraw_request(cmd: WithdrawRequest, uow: UnitOfWork, actor: Principal) -> dict[str, Any]:
    """The customer withdraws before the decision: the line stays as it was."""
    reason = _text(cmd.reason, "reason", 500)
    with uow:
        req = _request(uow, cmd.request_id)
        require(req, WITHDRAWABLE, "withdraw it")
        on = current_business_date(uow)
        req.proposal = None
        req.move(RequestStatus.WITHDRAWN, uow.now(), on, actor.name, "withdrawn", reason=reason)
        req.finished_on = on
        uow.closure_requests.save(req)
        uow.audit(actor, "closure.withdrawn", "closure_request", req.id,
                  {"line_id": req.line_id, "reason": reason})
        _emit(uow, "closure.withdrawn", req)
        uow.commit()
    return request_json(req)


def customer_view(doc: dict[str, Any]) -> dict[str, Any]:
    """What the customer's channel (a ``service`` integration) reads: the state, what was
    asked and decided, and the history -- not the review's internal facts or a proposal
    waiting for a second person."""
    out = {k: v for k, v in doc.items() if k not in ("review", "proposal")}
    review = doc.get("review")
    out["review_outcome"] = None if review is None else review["outcome"]
    return out


def view_for(actor: Principal, doc: dict[str, Any]) -> dict[str, Any]:
    return customer_view(doc) if actor.role is Role.SERVICE else doc


def get_request(request_id: str, uow: UnitOfWork, actor: Principal) -> dict[str, Any]:
    with uow:
        return view_for(actor, request_json(_request(uow, request_id, lock=False)))


def list_requests(query: RequestQuery, req: PageRequest, uow: UnitOfWork,
                  actor: Principal) -> Page[dict[str, Any]]:
    """A page of requests, oldest first; ``queue=True`` in the API means the manual queue
    (``manual_review`` and ``pending_second``)."""
    valid = {s.value for s in RequestStatus}
    for s in ((query.status,) if query.status else ()) + (query.statuses or ()):
        if s not in valid:
            raise ValidationError("status", "must be one of " + ", ".join(sorted(valid)))
    with uow:
        page = uow.closure_requests.page(query, req)
    return Page([view_for(actor, request_json(r)) for r in page.items], page.next, page.total)


QUEUE = (RequestStatus.MANUAL_REVIEW.value, RequestStatus.PENDING_SECOND.value)


def review_screen(request_id: str, uow: UnitOfWork) -> dict[str, Any]:
    """The reviewer's one screen: the request with its proofs, the system review's findings
    and facts, and the line: its state, limit history, statements and earlier requests."""
    with uow:
        req = _request(uow, request_id, lock=False)
        events = uow.limit_events.of_line(req.line_id)
        statements = uow.statements.of_line(req.line_id)
        earlier = uow.closure_requests.page(RequestQuery(line_id=req.line_id),
                                            PageRequest(limit=200)).items
    line = get_line(req.line_id, uow)
    return {
        "request": request_json(req),
        "proofs": req.documents,
        "findings": None if req.review is None else req.review.as_json(),
        "line": _line_json(line),
        "limit_history": [{"business_date": e.business_date.isoformat(),
                           "old_limit": money_str(e.old_limit), "new_limit": money_str(e.new_limit),
                           "kind": e.kind.value, "source": e.source.value, "actor": e.actor,
                           "note": e.note} for e in events],
        "statements": [{"statement_date": s.statement_date.isoformat(),
                        "closing": money_str(s.closing), "amount_due": money_str(s.amount_due),
                        "past_due": money_str(s.past_due)} for s in statements[-12:]],
        "other_requests": [{"id": r.id, "status": r.status.value, "outcome": r.outcome.value,
                            "submitted_on": r.submitted_on.isoformat()}
                           for r in earlier if r.id != req.id],
    }


def _line_json(v: LineView) -> dict[str, Any]:
    return {"id": v.id, "customer_id": v.customer_id, "product": v.product, "status": v.status,
            "limit": money_str(v.limit), "used": money_str(v.used),
            "total_owed": money_str(v.total_owed), "past_due": money_str(v.past_due),
            "days_past_due": v.days_past_due, "opened_on": v.opened_on.isoformat(),
            "restructured": v.restructured}


def reason_list() -> list[dict[str, str]]:
    return [{"code": c, "en": en, "zh": zh} for c, (en, zh) in REASONS.items()]


# ----- plans (maker-checker): partial closure, restructuring, emergency

def _plan_of(cmd: ProposePlan, line: Line, actor: Principal, now: datetime, on: date) -> Plan:
    kind = choice(PlanKind, cmd.kind, "kind")
    reason = _text(cmd.reason, "reason", 500)
    new_limit = None if cmd.new_limit is None else _lower_limit(line, cmd.new_limit, "new_limit")
    due = None
    if cmd.due_date is not None:
        try:
            due = date.fromisoformat(cmd.due_date)
        except (TypeError, ValueError):
            raise ValidationError("due_date", "must be a date as YYYY-MM-DD") from None
        call_dates(due, day=on, statement_day=line.statement_day, grace_days=line.grace_days)
    terms = None
    if cmd.restructure:
        if cmd.extension is None or isinstance(cmd.extension, bool) \
                or not isinstance(cmd.extension, int):
            raise ValidationError("extension", "is required (whole months) to restructure")
        product = terms_product(line.product, line.terms)
        rate = product.interest_daily_rate if cmd.daily_rate is None \
            else to_rate(cmd.daily_rate, "daily_rate")
        fee = Decimal("0") if cmd.fee_rate is None else to_rate(cmd.fee_rate, "fee_rate")
        terms = Terms(cmd.extension, rate, fee, bool(cmd.capitalise_arrears))
    plan = Plan(id=str(uuid.uuid4()), line_id=line.id, customer_id=line.customer_id, kind=kind,
                new_limit=new_limit, call_back=tuple(cmd.call_back), due_date=due,
                restructure=tuple(cmd.restructure), terms=terms, reason=reason,
                proposed_by=actor.name, proposed_at=now, negotiation_id=cmd.negotiation_id)
    plan.check()
    return plan


def _check_draws(uow: UnitOfWork, plan: Plan) -> None:
    for field_, ids in (("call_back", plan.call_back), ("restructure", plan.restructure)):
        for pid in ids:
            p = uow.purchases.get(pid)
            if p is None or p.line_id != plan.line_id:
                raise ValidationError(field_, f"draw {pid} is not a purchase on line "
                                              f"{plan.line_id}")


def propose_plan(cmd: ProposePlan, uow: UnitOfWork, actor: Principal) -> dict[str, Any]:
    """Record a plan for a second person to approve (nothing changes on the line yet)."""
    with uow:
        plan = _proposed(cmd, uow, actor)
        uow.commit()
    return plan.as_json()


def _proposed(cmd: ProposePlan, uow: UnitOfWork, actor: Principal) -> Plan:
    line = _line(uow, cmd.line_id)
    if line.status is LineStatus.CLOSED:
        raise Conflict(f"credit line {line.id} is closed")
    plan = _plan_of(cmd, line, actor, uow.now(), current_business_date(uow))
    _check_draws(uow, plan)
    uow.closure_plans.add(plan)
    uow.audit(actor, "plan.proposed", "closure_plan", plan.id,
              {"line_id": line.id, "kind": plan.kind.value, "reason": plan.reason})
    return plan


def decide_plan(cmd: DecidePlan, uow: UnitOfWork, actor: Principal) -> dict[str, Any]:
    """A second person approves (and so executes) or rejects a plan; never its proposer."""
    note = _text(cmd.note, "note", 500)
    with uow:
        plan = uow.closure_plans.get(cmd.plan_id, lock=True)
        if plan is None:
            raise NotFound(f"plan {cmd.plan_id} not found")
        plan.decide(cmd.approve, actor.name, uow.now(), note)
        if plan.status is PlanStatus.APPROVED:
            _carry_out(uow, actor, plan)
        uow.closure_plans.save(plan)
        uow.audit(actor, "plan." + plan.status.value, "closure_plan", plan.id,
                  {"line_id": plan.line_id, "kind": plan.kind.value, "note": note,
                   "proposed_by": plan.proposed_by})
        uow.commit()
    return plan.as_json()


def _carry_out(uow: UnitOfWork, actor: Principal, plan: Plan) -> None:
    """Execute an approved plan on the line: the limit, the calls, the new schedules, the
    journal entries, the flags and the notices."""
    line, day = locked_line(uow, plan.line_id, None)
    if line.status is LineStatus.CLOSED:
        raise Conflict(f"credit line {line.id} is closed")
    result: dict[str, Any] = {"business_date": day.isoformat()}
    customer = {"customer_id": line.customer_id, "line_id": line.id, "plan_id": plan.id}
    if plan.new_limit is not None:
        if plan.new_limit >= line.limit:
            raise Conflict(f"the line's limit is already {money_str(line.limit)}")
        old = line.limit
        _limit_event(uow, actor, line, day, plan.new_limit,
                     f"{plan.kind.value} plan {plan.id}: {plan.reason}", (plan.kind.value.upper(),))
        result["limit"] = {"from": money_str(old), "to": money_str(plan.new_limit)}
        uow.emit("line.limit_reduced", {**customer, "old_limit": old,
                                        "new_limit": plan.new_limit, "reason": plan.reason})
    calls: list[Called] = []
    if plan.call_back:
        assert plan.due_date is not None
        bill = call_dates(plan.due_date, day=day, statement_day=line.statement_day,
                          grace_days=line.grace_days)
        for pid in plan.call_back:
            c = accelerate(pid, uow.purchases.installments_of(pid), day=day, bill=bill,
                           due=plan.due_date)
            uow.closure_plans.rewrite_installments(c.changed)
            calls.append(c)
        called = sum((c.amount for c in calls), ZERO)
        result["called_back"] = [{"purchase_id": c.purchase_id, "principal": money_str(c.principal),
                                  "interest_so_far": money_str(c.interest),
                                  "fees_waived": money_str(c.fees_waived),
                                  "billed_on": c.bill.isoformat(),
                                  "due_date": c.due.isoformat()} for c in calls]
        uow.emit("line.called_back", {**customer, "principal": called, "due_date": plan.due_date,
                                      "billed_on": bill, "clause": ACCELERATION_CLAUSE,
                                      "reason": plan.reason, "draws": len(calls)})
    parts: list[Restructured] = []
    if plan.restructure:
        assert plan.terms is not None
        for pid in plan.restructure:
            record = uow.purchases.get(pid)
            assert record is not None
            r = restructure(pid, uow.purchases.installments_of(pid), record.method, plan.terms,
                            day=day, statement_day=line.statement_day,
                            grace_days=line.grace_days)
            uow.closure_plans.rewrite_installments(r.closed)
            uow.purchases.add_installments(line.id, r.opened)
            parts.append(r)
        uow.ledger.post([restructure_entry(line.id, plan.id, parts, day)])
        uow.closure_plans.mark_restructured(
            line.id, plan.restructure,
            {pid: (plan.terms.daily_rate, plan.terms.fee_rate) for pid in plan.restructure})
        line.restructured = True
        result["restructured"] = [r.as_json() for r in parts]
        uow.emit("line.restructured", {
            **customer, "draws": len(parts), "extension_months": plan.terms.extension,
            "new_principal": sum((r.new_principal for r in parts), ZERO),
            "first_due_date": min(r.opened[0].due_date for r in parts),
            "last_due_date": max(r.opened[-1].due_date for r in parts)})
    line.set_balances(Balances.of(uow.purchases.open_installments(line.id)))
    line.clamp_past_due()
    uow.lines.save(line)
    plan.result = result


# ----- negotiation cases

def open_negotiation(cmd: OpenNegotiation, uow: UnitOfWork, actor: Principal) -> dict[str, Any]:
    """An enterprise negotiation case on an SME line, with its account manager."""
    manager = _text(cmd.manager, "manager", 100)
    subject = _text(cmd.subject, "subject", 500)
    with uow:
        line = _line(uow, cmd.line_id, lock=False)
        if line.kind != "sme":
            raise ValidationError("line_id", "negotiation cases are for enterprise (sme) lines")
        if line.status is LineStatus.CLOSED:
            raise Conflict(f"credit line {line.id} is closed")
        on = current_business_date(uow)
        n = Negotiation(id=str(uuid.uuid4()), line_id=line.id, customer_id=line.customer_id,
                        manager=manager, subject=subject, opened_at=uow.now(), opened_on=on,
                        opened_by=actor.name)
        n.add("opened", uow.now(), on, actor.name, subject)
        uow.negotiations.add(n)
        uow.audit(actor, "negotiation.opened", "negotiation", n.id,
                  {"line_id": line.id, "manager": manager})
        uow.emit("negotiation.opened", {"negotiation_id": n.id, "line_id": line.id,
                                        "customer_id": line.customer_id, "manager": manager,
                                        "subject": subject})
        uow.commit()
    return negotiation_json(n)


def _negotiation(uow: UnitOfWork, negotiation_id: str, lock: bool = True) -> Negotiation:
    n = uow.negotiations.get(negotiation_id, lock=lock)
    if n is None:
        raise NotFound(f"negotiation {negotiation_id} not found")
    return n


def add_negotiation_entry(cmd: NegotiationEntry, uow: UnitOfWork,
                          actor: Principal) -> dict[str, Any]:
    """A note, a proposal or a counter-proposal (from the bank or the customer)."""
    if cmd.kind not in ("note", "proposal", "counter_proposal"):
        raise ValidationError("kind", "must be one of note, proposal, counter_proposal")
    if cmd.side not in ("bank", "customer"):
        raise ValidationError("side", "must be bank or customer")
    text = _text(cmd.text, "text", 2000)
    terms = {str(k): str(v) for k, v in cmd.terms.items()}
    with uow:
        n = _negotiation(uow, cmd.negotiation_id)
        entry = n.add(cmd.kind, uow.now(), current_business_date(uow), actor.name, text,
                      side=cmd.side, terms=terms)
        uow.negotiations.save(n)
        uow.audit(actor, f"negotiation.{cmd.kind}", "negotiation", n.id,
                  {"n": entry["n"], "side": cmd.side})
        uow.commit()
    return negotiation_json(n)


def conclude_negotiation(cmd: ConcludeNegotiation, uow: UnitOfWork,
                         actor: Principal) -> dict[str, Any]:
    """End the case: no change, or the agreed plan goes to a second person."""
    outcome = parse_negotiation_outcome(cmd.outcome)
    text = _text(cmd.text, "text", 2000)
    if outcome is NegotiationOutcome.NO_CHANGE and cmd.plan is not None:
        raise ValidationError("plan", "no_change carries no plan")
    if outcome is not NegotiationOutcome.NO_CHANGE and cmd.plan is None:
        raise ValidationError("plan", f"{outcome.value} needs the agreed plan")
    with uow:
        n = _negotiation(uow, cmd.negotiation_id)
        n.require_open()
        on = current_business_date(uow)
        if cmd.plan is not None:
            if cmd.plan.line_id not in ("", n.line_id):
                raise ValidationError("plan.line_id", "must be the negotiation's line")
            plan_cmd = ProposePlan(**{**cmd.plan.__dict__, "line_id": n.line_id,
                                      "kind": outcome.value, "negotiation_id": n.id})
            plan = _proposed(plan_cmd, uow, actor)
            n.plan_id = plan.id
        n.add("concluded", uow.now(), on, actor.name, text, outcome=outcome.value,
              plan_id=n.plan_id)
        n.status, n.outcome = NegotiationStatus.CONCLUDED, outcome
        uow.negotiations.save(n)
        uow.audit(actor, "negotiation.concluded", "negotiation", n.id,
                  {"outcome": outcome.value, "plan_id": n.plan_id})
        uow.emit("negotiation.concluded", {"negotiation_id": n.id, "line_id": n.line_id,
                                           "customer_id": n.customer_id,
                                           "outcome": outcome.value, "summary": text})
        uow.commit()
    return negotiation_json(n)


def get_negotiation(negotiation_id: str, uow: UnitOfWork) -> dict[str, Any]:
    with uow:
        return negotiation_json(_negotiation(uow, negotiation_id, lock=False))


def list_negotiations(status: str | None, line_id: str | None, req: PageRequest,
                      uow: UnitOfWork) -> Page[dict[str, Any]]:
    if status is not None and status not in {s.value for s in NegotiationStatus}:
        raise ValidationError("status", "must be open or concluded")
    with uow:
        page = uow.negotiations.page(status, line_id, req)
    return Page([negotiation_json(n) for n in page.items], page.next, page.total)


def get_plan(plan_id: str, uow: UnitOfWork) -> dict[str, Any]:
    with uow:
        plan = uow.closure_plans.get(plan_id)
    if plan is None:
        raise NotFound(f"plan {plan_id} not found")
    return plan.as_json()


def list_plans(status: str | None, line_id: str | None, req: PageRequest,
               uow: UnitOfWork) -> Page[dict[str, Any]]:
    if status is not None and status not in {s.value for s in PlanStatus}:
        raise ValidationError("status", "must be one of pending, approved, rejected")
    with uow:
        page = uow.closure_plans.page(status, line_id, req)
    return Page([p.as_json() for p in page.items], page.next, page.total)


