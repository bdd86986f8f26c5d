"""The risk officer's sector actions: the early warning's last answer per industry (30+
days-past-due and default rates against the versioned thresholds), the watch run on demand,
a cut of every line in an industry previewed first (lines, customers, limit removed, each
line before and after) and then applied as one audited batch with a reason, and the cuts
made so far, each reversible.  The same services as ``/v1/sectors``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from starlette.responses import RedirectResponse, Response

from creditline.access.sessions import ConsoleSession
from creditline.lines.sectors import INDUSTRIES, default_early_warning
from creditline.paging import PageRequest, decode_cursor, encode_cursor
from creditline.servicing import sectors as st
from creditline.web.render import N_, page
from creditline.web.routing import console_router
from creditline.web.session import Form, May, container_of

router = console_router()
SHOWN_LINES = 200  # a preview lists this many lines; the totals count them all

# GB/T 4754 sections (parties.identity.INDUSTRY_SECTIONS), translated on the page
SECTION_NAMES = {
    "A": N_("Agriculture, forestry, animal husbandry and fishery"), "B": N_("Mining"),
    "C": N_("Manufacturing"), "D": N_("Electricity, heat, gas and water production and supply"),
    "E": N_("Construction"), "F": N_("Wholesale and retail trade"),
    "G": N_("Transport, storage and postal services"), "H": N_("Accommodation and catering"),
    "I": N_("Information transmission, software and IT services"), "J": N_("Finance"),
    "K": N_("Real estate"), "L": N_("Leasing and business services"),
    "M": N_("Scientific research and technical services"),
    "N": N_("Water conservancy, environment and public facilities management"),
    "O": N_("Resident services, repair and other services"), "P": N_("Education"),
    "Q": N_("Health and social work"), "R": N_("Culture, sports and entertainment"),
    "S": N_("Public administration, social security and social organisations"),
    "T": N_("International organisations")}
WORDS = (N_("applied"), N_("reversed"), N_("DPD30_RATE"), N_("DEFAULT_RATE"))


def _overview(request: Request, session: ConsoleSession, *, cursor: str | None = None,
              http_status: int = 200, **shown: Any) -> Response:
    uow = container_of(request).uow()
    req = PageRequest(after=decode_cursor(cursor) if cursor else None, limit=50)
    actions = st.list_sector_actions(uow, None, req)
    shown = {"preview": None, "applied": None, "left_alone": None, **shown}
    return page(request, session, "sectors.j2", http_status=http_status,
                flags=st.list_flags(uow), actions=actions.items, total=actions.total,
                next_cursor=encode_cursor(actions.next) if actions.next else None,
                table=default_early_warning(), industries=INDUSTRIES, names=SECTION_NAMES,
                shown_lines=SHOWN_LINES, **shown)


@router.get("/sectors")
def sectors(request: Request, session: Annotated[ConsoleSession, May("sectors:read")],
            cursor: Annotated[str | None, Query(max_length=200)] = None,
            applied: Annotated[str | None, Query(max_length=36)] = None) -> Response:
    return _overview(request, session, cursor=cursor, applied=applied)


@router.post("/sectors/watch")
def watch(request: Request, session: Annotated[ConsoleSession, May("sectors:manage")],
          _: Form) -> Response:
    st.watch_sectors(container_of(request).uow(), session.principal)
    return RedirectResponse("/console/sectors", status_code=303)


@router.post("/sectors/preview")
def preview(request: Request, session: Annotated[ConsoleSession, May("sectors:manage")],
            form: Form) -> Response:
    got = st.preview_sector_cut(st.SectorCut(form.get("industry", ""), form.get("percent", "")),
                                container_of(request).uow())
    return _overview(request, session, preview=got)


@router.post("/sectors/cut")
def cut(request: Request, session: Annotated[ConsoleSession, May("sectors:manage")],
        form: Form) -> Response:
    action = st.apply_sector_cut(st.SectorCut(form.get("industry", ""), form.get("percent", ""),
                                              form.get("reason", "")),
                                 container_of(request).uow(), session.principal)
    return RedirectResponse(f"/console/sectors?applied={action.id}", status_code=303)


@router.post("/sector-actions/{action_id}/reverse")
def reverse(request: Request, action_id: str,
            session: Annotated[ConsoleSession, May("sectors:manage")], _: Form) -> Response:
    _action, left = st.reverse_sector_cut(action_id, container_of(request).uow(),
                                          session.principal)
    return _overview(request, session, left_alone=left)
