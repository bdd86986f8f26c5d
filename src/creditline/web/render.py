"""Templates: one Jinja environment per language, with the catalogue installed and Babel's
formatting as filters; ``page`` renders a template for the person looking at it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fastapi import Request
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse

from creditline.access.sessions import ConsoleSession
from creditline.web.i18n import NAMES, TRANSLATIONS, Formats, negotiate


def N_(message: str) -> str:
    """Marks a text for the catalogue where it is defined; templates translate it."""
    return message


@dataclass(frozen=True)
class NavItem:
    permission: str
    path: str
    label: str  # an English message id, translated in the template


# The console's menu: each page group adds its entry here (issue 19: later pages for
# collectors, risk officers and closure reviewers append theirs), shown to whoever holds
# the permission.
NAV: list[NavItem] = [
    NavItem("reviews:read", "/console/reviews", N_("Review queue")),
    NavItem("customers:read", "/console/search", N_("Search")),
    NavItem("audit:read", "/console/audit", N_("Audit trail")),
    NavItem("users:read", "/console/users", N_("Users")),
    NavItem("collections:queue", "/console/collections", N_("Collection queue")),
    NavItem("closure:list", "/console/closure", N_("Closure requests")),
    NavItem("rules:read", "/console/rules", N_("Rules")),
    NavItem("models:read", "/console/models", N_("Models")),
    NavItem("sectors:read", "/console/sectors", N_("Sectors")),
    NavItem("lines:temporary_limit", "/console/campaigns", N_("Campaigns")),
    NavItem("portfolio:read", "/console/portfolio", N_("Portfolio")),  # dashboard lane
]


# Stored words shown on pages, translated there (their Chinese is in the catalogue).
ROLE_LABELS = {"admin": N_("admin"), "risk_officer": N_("risk officer"),
               "reviewer": N_("reviewer"), "collector": N_("collector"),
               "auditor": N_("auditor"), "service": N_("service")}
STATUS_LABELS = {"pending": N_("pending"), "second_review": N_("second review"),
                 "decided": N_("decided")}
WORDS = (N_("approved"), N_("declined"), N_("referred"), N_("approve"), N_("decline"),
         N_("active"), N_("frozen"), N_("suspended"), N_("closing"), N_("closed"),
         N_("paid"), N_("returned"), N_("repayment"), N_("return"), N_("revoked"),
         N_("expired"), N_("person"), N_("enterprise"))


def plain(value: Decimal) -> str:
    """A decimal as typed, without exponent or trailing zeros (20, 12.5): form values."""
    return f"{Decimal(value).normalize():f}"


def _env(locale: str) -> Environment:
    env = Environment(loader=PackageLoader("creditline.web", "templates"),
                      autoescape=select_autoescape(["j2", "html"], default=True),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True,
                      undefined=StrictUndefined)  # a misspelt field fails, never shows blank
    env.install_gettext_translations(TRANSLATIONS[locale], newstyle=True)  # type: ignore[attr-defined]
    f = Formats(locale)
    env.filters.update(money=f.money, number=f.number, percent=f.percent, day=f.day,
                       moment=f.moment, plain=plain)
    env.globals.update(locale=locale, locale_names=NAMES, nav=NAV, role_labels=ROLE_LABELS,
                       status_labels=STATUS_LABELS)
    return env


ENVS: dict[str, Environment] = {loc: _env(loc) for loc in TRANSLATIONS}


def locale_of(request: Request, session: ConsoleSession | None) -> str:
    if session is not None and session.locale in ENVS:
        return session.locale
    return negotiate(request.headers.get("accept-language"))


def translator(locale: str) -> Callable[[str], str]:
    return TRANSLATIONS[locale].gettext


def page(request: Request, session: ConsoleSession | None, template: str, *,
         http_status: int = 200, locale: str | None = None, **context: Any) -> HTMLResponse:
    loc = locale or locale_of(request, session)
    me = session.principal if session else None
    html = ENVS[loc].get_template(template).render(
        request_path=request.url.path, me=me, session=session,
        csrf=session.csrf_token if session else "",
        can=(me.can if me else (lambda _p: False)), **context)
    return HTMLResponse(html, status_code=http_status, headers={"Cache-Control": "no-store"})
