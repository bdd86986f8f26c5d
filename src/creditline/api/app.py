"""The FastAPI application factory."""

from __future__ import annotations

import importlib

from fastapi import FastAPI

from creditline import __version__
from creditline.api import errors
from creditline.api.auth_throttle import AuthThrottle
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
    "creditline.api.routers.credit_lines",
    "creditline.api.routers.purchases",
    "creditline.api.routers.ledger",
    "creditline.api.routers.eod",
    "creditline.api.routers.calendar",
    "creditline.api.routers.users",
]


def create_app(container: Container | None = None, settings: Settings | None = None) -> FastAPI:
    container = container or bootstrap(settings)
    cfg = container.settings
    app = FastAPI(
        title="Creditline",
        version=__version__,
        description="Consumer BNPL and SME credit lines with their risk management. "
                    "Every /v1 route needs `Authorization: Bearer <token>`.",
        docs_url="/docs" if cfg.api_docs else None,  # CREDITLINE_API_DOCS=false in production
        redoc_url="/redoc" if cfg.api_docs else None,
        openapi_url="/openapi.json" if cfg.api_docs else None,
    )
    app.state.container = container
    errors.install(app)
    app.add_middleware(AuthThrottle, limit=cfg.auth_fail_limit,
                       window=cfg.auth_fail_window_seconds)
    app.add_middleware(SecurityHeaders, hsts=cfg.hsts)
    for name in ROUTERS:
        app.include_router(importlib.import_module(name).router)
    return app
