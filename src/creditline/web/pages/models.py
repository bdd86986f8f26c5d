"""The risk officer's model registry: every registered version of every model with its
status (champion, challenger in shadow with its share, candidate, retired), its hold-out
metrics, who registered and promoted it; promotion and the challenger's share (the same
registry services as ``/v1/models``); and the monitoring of the champions on the live book
(``scoring.monitoring``): the behaviour card's PSI against its training sample, each
application card's PSI against its first days as champion, and a challenger against its
champion on the applications both scored."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

from fastapi import Request
from starlette.responses import RedirectResponse, Response

from creditline.access.sessions import ConsoleSession
from creditline.calendar.services import current_business_date
from creditline.errors import ValidationError
from creditline.origination.features import CARD_FOR_KIND
from creditline.paging import LIMIT_MAX, PageRequest
from creditline.scoring import monitoring
from creditline.scoring import services as scoring
from creditline.scoring.registry import ModelRecord
from creditline.web.render import N_, page
from creditline.web.routing import console_router
from creditline.web.session import Form, May, container_of

router = console_router()
B_CARD = "line_b_card"  # the behaviour card end of day scores every line with (batch.behaviour)
WINDOW_DAYS = 30  # application cards: first days as champion against the latest days
SHADOW_DAYS = 90
WORDS = (N_("champion"), N_("candidate"), N_("retired"), N_("ok"), N_("warn"), N_("drift"),
         N_("too_few"), N_("no_baseline"))


@router.get("/models")
def models(request: Request,
           session: Annotated[ConsoleSession, May("models:read")]) -> Response:
    uow = container_of(request).uow()
    me = session.principal
    got = scoring.list_models(uow, me, req=PageRequest(limit=LIMIT_MAX))
    by_name: dict[str, list[ModelRecord]] = defaultdict(list)
    for r in got.items:
        by_name[r.name].append(r)
    for versions in by_name.values():
        versions.sort(key=lambda r: -r.version)
    today = current_business_date(uow)
    stability = [s for s in (
        [monitoring.behaviour_stability(B_CARD, today, uow, me)]
        + [monitoring.application_stability(n, WINDOW_DAYS, uow, me)
           for n in sorted(set(CARD_FOR_KIND.values()))]) if s is not None]
    shadows = [c for c in (monitoring.shadow_comparison(n, SHADOW_DAYS, uow, me)
                           for n in sorted(by_name)) if c is not None]
    return page(request, session, "models.j2", by_name=dict(sorted(by_name.items())),
                total=got.total, stability=stability, shadows=shadows,
                window=WINDOW_DAYS, shadow_days=SHADOW_DAYS, min_rows=monitoring.MIN_ROWS)


@router.post("/models/{model_id}/promote")
def promote(request: Request, model_id: str,
            session: Annotated[ConsoleSession, May("models:promote")], _: Form) -> Response:
    scoring.promote_model(scoring.ModelRef(model_id=model_id), container_of(request).uow(),
                          session.principal)
    return RedirectResponse("/console/models", status_code=303)


@router.post("/models/{model_id}/challenger")
def challenger(request: Request, model_id: str,
               session: Annotated[ConsoleSession, May("models:promote")],
               form: Form) -> Response:
    raw = form.get("share", "").strip().rstrip("%").strip()
    try:
        share = float(raw) / 100
    except ValueError:
        raise ValidationError("share", "must be a percentage from 0 to 100") from None
    if not 0 <= share <= 1:
        raise ValidationError("share", "must be a percentage from 0 to 100")
    scoring.set_challenger(scoring.SetChallenger(scoring.ModelRef(model_id=model_id), share),
                           container_of(request).uow(), session.principal)
    return RedirectResponse("/console/models", status_code=303)
