"""The risk officer's rule families: every family of decision tables the platform decides
with (``bootstrap.rule_families()``) with its live version and content hash, its tables row
by row, its example cases run on demand (what ``creditline rules test`` does), and for
origination a replay of the live tables over past applications (what ``creditline rules
replay`` does): how many decisions and limits would differ from those made at the time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated

from fastapi import Request
from starlette.responses import Response

from creditline.access.sessions import ConsoleSession
from creditline.bootstrap import rule_families
from creditline.calendar.services import current_business_date
from creditline.errors import NotFound, ValidationError
from creditline.origination.replay import replay
from creditline.policy.ruleset import default_ruleset
from creditline.rulesets.catalogue import run_family_cases, summarize, tables_of
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
