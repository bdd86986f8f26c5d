"""The risk officer's portfolio dashboard: the book's vintage curves, the transition matrix,
the latest ECL run by stage with its coverage, stress scenarios side by side (run on demand:
a read, nothing kept), concentration against its limits, and the early warning's alerts with
their proposed actions (a sector cut opens the sectors page's preview).  Every figure comes
from the same services and report sections as ``/v1/portfolio``, ``/v1/ecl`` and
``creditline report risk``, so page, API and report never differ."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import Query, Request
from starlette.responses import RedirectResponse, Response

from creditline.access.sessions import ConsoleSession
from creditline.errors import NotFound
from creditline.portfolio import ecl_services as es
from creditline.portfolio import services as ps
from creditline.portfolio.charts import ecl_by_stage, stress_ecl
from creditline.portfolio.report import ReportInput, compute, default_sections
from creditline.portfolio.report import _fonts as cjk_fonts  # the report's CJK chart fonts
from creditline.reporting.charts import Chart
from creditline.web.render import N_, locale_of, page, translator
from creditline.web.routing import console_router
from creditline.web.session import Form, May, container_of

router = console_router()
SECTIONS = ("vintages", "rolls", "concentration")  # of the risk report, drawn here too
SHOWN_ALERTS = 50

# indicators, levels, dimensions and proposed actions as stored; translated on the page
INDICATORS = {"industry_rates": N_("Industry delinquency"),
              "approval_drift": N_("Approval-rate drift"),
              "a_card_psi": N_("Application score shift (PSI)"),
              "b_card_psi": N_("Behaviour score shift (PSI)"),
              "roll_jump": N_("Roll-rate jump"), "ecl_coverage": N_("ECL coverage")}
CHART_WORDS = {"stage": N_("stage {n}"), "cover": N_("{cover} of EAD\n{lines} lines"),
               "axis": N_("ECL (CNY)")}
WORDS = (N_("alert"), N_("provisions"), N_("manual"), N_("warn"), N_("industry"), N_("region"), N_("merchant_category"),
         N_("borrower"), N_("top_ten"), N_("book"))


def _words(request: Request, session: ConsoleSession) -> dict[str, str]:
    gettext = translator(locale_of(request, session))
    return {k: gettext(v) for k, v in CHART_WORDS.items()}


def _ecl(request: Request, session: ConsoleSession) -> dict[str, Any] | None:
    """The latest ECL run by stage with its chart, or None before the first run."""
    try:
        view = es.show_ecl(es.ShowEcl(), container_of(request).uow(), session.principal)
    except NotFound:
        return None
    stages = view.summaries["stage"]
    run = view.run
    chart = None
    if stages:
        with cjk_fonts():
            chart = ecl_by_stage(stages, words=_words(request, session))
    return {"run": run, "stages": stages,
            "coverage": (run.ecl / run.ead) if run.ead else Decimal(0), "chart": chart}


def _stress(view: es.StressView, words: dict[str, str]) -> dict[str, Any]:
    base = view.results[0].ecl if view.results else 0
    rows = [{"name": r.scenario.name, "ecl": es.cents_to_money(r.ecl),
             "el_12m": es.cents_to_money(r.el_12m),
             "by_stage": {s: es.cents_to_money(v) for s, v in r.ecl_by_stage().items()},
             "change": (r.ecl - base) / base if base else None,
             "lines": r.results.height} for r in view.results]
    chart = None
    if view.results:
        with cjk_fonts():
            chart = stress_ecl([r.scenario.name for r in view.results],
                               [r.ecl_by_stage() for r in view.results], words=words)
    return {"as_of": view.as_of, "parameters": view.parameters, "rows": rows, "chart": chart}


def _dashboard(request: Request, session: ConsoleSession, *, stress: dict[str, Any] | None
               = None, warned: str | None = None) -> Response:
    uow = container_of(request).uow()
    lang = locale_of(request, session)
    book = ps.load_book(ps.BookQuery(), uow)
    secs = [s for s in default_sections() if s.key in SECTIONS]
    data = compute(ReportInput(book), secs)
    charts: dict[str, list[Chart]] = {s.key: s.charts(data["sections"][s.key], lang)
                                      for s in secs}
    can = session.principal.can
    ecl = _ecl(request, session) if can("ecl:read") else None
    alerts = ps.list_alerts(ps.AlertQuery(), uow)
    latest = [a for a in alerts if a["run_id"] == alerts[0]["run_id"]] if alerts else []
    return page(request, session, "portfolio.j2", as_of=book.as_of, book=data["book"],
                vintages=data["sections"]["vintages"], rolls=data["sections"]["rolls"],
                concentration=data["sections"]["concentration"], charts=charts, ecl=ecl,
                stress=stress, alerts=latest[:SHOWN_ALERTS], alerts_total=len(latest),
                warned=warned, indicators=INDICATORS,
                money_of=es.cents_to_money)


@router.get("/portfolio")
def dashboard(request: Request, session: Annotated[ConsoleSession, May("portfolio:read")],
              warned: Annotated[str | None, Query(max_length=36)] = None) -> Response:
    return _dashboard(request, session, warned=warned)


@router.post("/portfolio/stress")
def stress(request: Request, session: Annotated[ConsoleSession, May("stress:run")],
           _: Form) -> Response:
    session.principal.require("portfolio:read")
    view = es.run_stress(es.RunStress(), container_of(request).uow(), session.principal)
    return _dashboard(request, session, stress=_stress(view, _words(request, session)))


@router.get("/portfolio/stress")
def stress_again(_session: Annotated[ConsoleSession, May("portfolio:read")]) -> Response:
    """The stress results are a POST's answer (nothing is kept): a reload, or the language
    switch on that page, comes back to the dashboard."""
    return RedirectResponse("/console/portfolio", status_code=303)


@router.post("/portfolio/warnings")
def warnings(request: Request, session: Annotated[ConsoleSession, May("portfolio:warnings")],
             _: Form) -> Response:
    """Run the early warning now, with the latest ECL run's coverage when there is one."""
    found = _ecl(request, session) if session.principal.can("ecl:read") else None
    ecl = ({"allowance": str(found["run"].ecl), "exposure": str(found["run"].ead)}
           if found else None)
    run = ps.run_warnings(ps.RunWarnings(ecl=ecl), container_of(request).uow(),
                          session.principal)
    return RedirectResponse(f"/console/portfolio?warned={run.run_id}", status_code=303)
