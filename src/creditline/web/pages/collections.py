"""The collector's pages: my queue by priority, and the case with its history (bucket
spells, promises, every contact attempt with the rule that refused it), the compliance
gate's verdict for each channel *now* (may I call? why not, until when?), and the forms to
log a call's outcome (a promise to pay, a dispute), and to put the case on hardship.

The same collections services as ``/v1/collections``: a collector sees and works only the
cases assigned to them, the debtor masked except what a call needs (name and phone); a
call the gate refuses is logged with its rule and the page says when it is allowed again."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Query, Request
from starlette.responses import RedirectResponse, Response

from creditline.access.sessions import ConsoleSession
from creditline.calendar.services import current_business_date
from creditline.collections import compliance as cg
from creditline.collections import services as cs
from creditline.errors import ValidationError
from creditline.web.render import N_, page
from creditline.web.routing import console_router
from creditline.web.session import Form, May, container_of

router = console_router()
OUTCOMES = [o.value for o in cg.Outcome]
CHANNELS = [c.value for c in cg.Channel]
# stored words shown on these pages, translated in the templates
OUTCOME_LABELS = {"no_answer": N_("no answer"), "wrong_number": N_("wrong number"),
                  "reached": N_("reached"), "refused_to_pay": N_("refused to pay"),
                  "dispute": N_("dispute"), "promise_to_pay": N_("promise to pay")}
WORDS = (N_("call"), N_("sms"), N_("email"),
         N_("visit"), N_("open"), N_("kept"), N_("broken"), N_("cancelled"), N_("hardship"),
         N_("pause"), N_("resolved"), N_("written_off"), N_("sold"), N_("debtor"),
         N_("unrelated"))


@router.get("/collections")
def queue(request: Request, session: Annotated[ConsoleSession, May("collections:queue")],
          collector: Annotated[str | None, Query(max_length=60)] = None) -> Response:
    me = session.principal
    items = cs.queue(cs.GetQueue(collector=collector or None, limit=200),
                     container_of(request).uow(), me)
    return page(request, session, "collections_queue.j2", items=items,
                collector=collector or me.name)


def _day(value: str, field: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(field, "must be a date YYYY-MM-DD") from None


def _case_page(request: Request, session: ConsoleSession, case_id: str, *,
               http_status: int = 200, **shown: Any) -> Response:
    uow = container_of(request).uow()
    me = session.principal
    detail = cs.get_case(case_id, uow, me)
    verdicts: list[tuple[str, cg.Verdict]] | None = None
    works = me.can("collections:work") and (detail.case.assigned_to == me.name
                                            or me.can("collections:supervise"))
    if works and detail.case.active:
        verdicts = [(c, cs.check_contact(cs.CheckContact(case_id, c), uow, me))
                    for c in CHANNELS]
    shown = {"refused": None, "done": None, **shown}
    return page(request, session, "collections_case.j2", http_status=http_status, d=detail,
                case=detail.case, verdicts=verdicts, works=works, outcomes=OUTCOME_LABELS,
                today=current_business_date(uow), **shown)


@router.get("/collections/cases/{case_id}")
def case(request: Request, case_id: str,
         session: Annotated[ConsoleSession, May("collections:read")],
         done: Annotated[str | None, Query(max_length=20)] = None) -> Response:
    return _case_page(request, session, case_id,
                      done=done if done in (*OUTCOMES, "hardship") else None)


@router.post("/collections/cases/{case_id}/call")
def log_call(request: Request, case_id: str,
             session: Annotated[ConsoleSession, May("collections:work")],
             form: Form) -> Response:
    outcome = form.get("outcome", "")
    promise = outcome == cg.Outcome.PROMISE_TO_PAY.value
    cmd = cs.LogCall(case_id=case_id, outcome=outcome, note=form.get("note", ""),
                     promise_amount=(form.get("promise_amount") or None) if promise else None,
                     promise_date=_day(form.get("promise_date", ""), "promise_date")
                     if promise else None,
                     disputed_amount=(form.get("disputed_amount") or None)
                     if outcome == cg.Outcome.DISPUTE.value else None)
    try:
        cs.log_call(cmd, container_of(request).uow(), session.principal)
    except cs.ContactRefused as exc:
        # the refusal is in the contact log already; show the case with why and until when
        return _case_page(request, session, case_id, http_status=exc.http_status,
                          refused=exc.verdict)
    return RedirectResponse(f"/console/collections/cases/{case_id}?done={outcome}",
                            status_code=303)


@router.post("/collections/cases/{case_id}/hardship")
def hardship(request: Request, case_id: str,
             session: Annotated[ConsoleSession, May("collections:work")],
             form: Form) -> Response:
    until = _day(form.get("until", ""), "until")
    if until is None:
        raise ValidationError("until", "is required: the last day of the hardship")
    cs.hardship(cs.Hardship(case_id, until, form.get("reason", "")),
                container_of(request).uow(), session.principal)
    return RedirectResponse(f"/console/collections/cases/{case_id}?done=hardship",
                            status_code=303)
