"""The risk officer's rule families: every family of decision tables the platform decides
with (``bootstrap.rule_families()``) with its live version and content hash, its tables row
by row, its example cases run on demand (what ``creditline rules test`` does), and for
origination a replay of the live tables over past applications (what ``creditline rules
replay`` does): how many decisions and limits would differ from those made at the time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.responses import Response

from creditline.access.sessions import ConsoleSession
from creditline.bootstrap import rule_families
from creditline.calendar.services import current_business_date
from creditline.errors import NotFound, ValidationError
from creditline.origination.replay import replay
from creditline.policy.ruleset import default_ruleset
from creditline.rulesets.catalogue import (
    CandidateFile,
    run_family_cases,
    summarize,
    tables_of,
    try_candidate,
)
from creditline.rulesets.family import RuleFamily
from creditline.web.render import page
from creditline.web.routing import console_router
from creditline.web.session import Form, May, container_of

router = console_router()
REPLAYED = "origination"  # the family whose past facts are stored with every application
SHOWN_CHANGES = 50


def _family(name: str) -> RuleFamily:
    families = rule_families()
    if name not in families:
        raise NotFound(f"no rule family {name!r}; one of: {', '.join(sorted(families))}")
    return families[name]


@router.get("/rules")
def families(request: Request,
             session: Annotated[ConsoleSession, May("rules:read")]) -> Response:
    rows = [summarize(f, session.principal) for f in rule_families().values()]
    return page(request, session, "rules.j2", families=rows)


@router.get("/rules/{name}")
def family(request: Request, name: str,
           session: Annotated[ConsoleSession, May("rules:read")]) -> Response:
    fam = _family(name)
    summary = summarize(fam, session.principal)
    return page(request, session, "rules_family.j2", f=summary,
                tables=tables_of(fam.load(verify=False)), replayable=name == REPLAYED,
                results=None, report=None,
                today=current_business_date(container_of(request).uow()))


@router.post("/rules/{name}/test")
def test_cases(request: Request, name: str,
               session: Annotated[ConsoleSession, May("rules:read")], _: Form) -> Response:
    rs, results = run_family_cases(_family(name), session.principal)
    return page(request, session, "_rules_results.j2", label=rs.label, results=results)


def _start(value: str, field: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(value.strip()), time.min, tzinfo=UTC)
    except ValueError:
        raise ValidationError(field, "must be a date YYYY-MM-DD") from None


@router.post("/rules/origination/replay")
def replay_history(request: Request,
                   session: Annotated[ConsoleSession, May("rules:replay")],
                   form: Form) -> Response:
    since = _start(form.get("since", ""), "since")
    until = _start(form["until"], "until") if form.get("until", "").strip() else None
    if until is not None and until <= since:
        raise ValidationError("until", "must be after since")
    report = replay(container_of(request).uow(), default_ruleset(), since, until,
                    keep=SHOWN_CHANGES)
    return page(request, session, "_rules_replay.j2", report=report)


async def _files(request: Request, field: str) -> list[CandidateFile]:
    """The files of one input of the posted multipart form (bounded by the body limit)."""
    out = []
    for item in (await request.form()).getlist(field):
        if isinstance(item, UploadFile) and item.filename:
            out.append(CandidateFile(item.filename, await item.read()))
    return out


@router.post("/rules/{name}/candidate")
async def candidate(request: Request, name: str,
                    session: Annotated[ConsoleSession, May("rules:read")],
                    form: Form) -> Response:
    """A changed folder tried before it goes live: its label, its example cases and, for
    origination, its replay over past applications; nothing is stored."""
    fam = _family(name)
    me = session.principal
    rs, results = try_candidate(fam, await _files(request, "tables"),
                                await _files(request, "cases"), me)
    report = None
    if name == REPLAYED and form.get("since", "").strip():
        me.require("rules:replay")
        report = replay(container_of(request).uow(), rs, _start(form["since"], "since"),
                        None, keep=SHOWN_CHANGES)
    return page(request, session, "_rules_candidate.j2", candidate=rs,
                live=fam.default().label, results=results, label=rs.label, report=report)
