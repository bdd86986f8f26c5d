"""The FastAPI application factory."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import Depends, FastAPI

from creditline import __version__
from creditline.api import docs, errors
from creditline.api.auth_throttle import AuthThrottle
from creditline.api.limits import InputGuard, InputLimits, refuse_unknown_query
from creditline.api.security_headers import SecurityHeaders
from creditline.bootstrap import Container, bootstrap
from creditline.settings import Settings

# One router module per resource; each defines ``router`` (prefixed ``/v1/...``).
ROUTERS: list[str] = [
    "creditline.api.routers.system",
    "creditline.api.routers.audit",
    "creditline.api.routers.customers",
    "creditline.api.routers.models",
    "creditline.api.routers.applications",
    "creditline.api.routers.reviews",
    "creditline.api.routers.blacklist",
    "creditline.api.routers.special_terms",
    "creditline.api.routers.products",
    "creditline.api.routers.credit_lines",
    "creditline.api.routers.limit_proposals",
    "creditline.api.routers.purchases",
    "creditline.api.routers.ledger",
    "creditline.api.routers.eod",
    "creditline.api.routers.calendar",
    "creditline.api.routers.users",
    # notify: inbox, message status, retry
    "creditline.api.routers.notifications",
    # closure (issue 14)
    "creditline.api.routers.closure_requests",
    "creditline.api.routers.closure_plans",
    "creditline.api.routers.negotiations",
    "creditline.api.routers.documents",  # documents context
    "creditline.api.routers.collections",  # collections
    # issue 13, triggers lane: held purchases and triggers fired
    "creditline.api.routers.triggers",
    # fraudq: checkout offers (the plans for an amount, before the purchase)
    "creditline.api.routers.checkout",
    "creditline.api.routers.limit_strategy",  # issue 13: opt-out, strategy decisions
    "creditline.api.routers.portfolio",  # issue 17: vintages, rolls, concentration, alerts
    "creditline.api.routers.ecl",  # issue 17: ECL, movement, stress, cash flow
    "creditline.api.routers.bureau",  # bureau reporting (issue 16)
    "creditline.api.routers.losses",  # losses (issue 16): write-offs, recoveries, debt sales
    "creditline.api.routers.contacts",  # contacts lane: emergency contacts, regional relief
]


def create_app(container: Container | None = None, settings: Settings | None = None) -> FastAPI:
    container = container or bootstrap(settings)
    cfg = container.settings

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # the routes' threads (``Settings.api_threads``): the limiter is the event loop's
        anyio.to_thread.current_default_thread_limiter().total_tokens = cfg.api_threads
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="Creditline",
        version=__version__,
        description="Consumer BNPL and SME credit lines with their risk management. "
                    "Every /v1 route needs `Authorization: Bearer <token>`. Every error "
                    "answer has one shape (`ErrorBody`); amounts are decimal strings in "
                    "ASCII digits (\"100.00\"); instants are ISO 8601 with an offset.",
        docs_url=None, redoc_url=None,  # /docs: creditline.api.docs, offline, if cfg.api_docs
        openapi_url="/openapi.json" if cfg.api_docs else None,  # CREDITLINE_API_DOCS=false in production
        dependencies=[Depends(refuse_unknown_query)],
    )
    app.state.container = container
    # the decision path's package data, loaded here rather than by the first applications
    from creditline.origination.apply import warm
    warm()
    errors.install(app)
    # Outermost last: security headers on every answer, then the throttle (a throttled
    # client is refused before its body is read), then the input guard (body limits and
    # hostile input, before routing and authentication).
    app.add_middleware(InputGuard, limits=InputLimits.from_settings(cfg))
    app.add_middleware(AuthThrottle, limit=cfg.auth_fail_limit,
                       window=cfg.auth_fail_window_seconds)
    app.add_middleware(SecurityHeaders, hsts=cfg.hsts)
    for name in ROUTERS:
        app.include_router(importlib.import_module(name).router)
    docs.install(app)
    errors.document(app)
    # console (issue 19): the pages for people under /console, in the same process
    from creditline.web.app import install as install_console
    install_console(app)
    return app
