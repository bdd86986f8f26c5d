"""The FastAPI application factory."""

from __future__ import annotations

import importlib

from fastapi import Depends, FastAPI

from creditline import __version__
from creditline.api import docs, errors
from creditline.api.limits import InputGuard, InputLimits, refuse_unknown_query
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
]


def create_app(container: Container | None = None, settings: Settings | None = None) -> FastAPI:
    container = container or bootstrap(settings)
    app = FastAPI(
        title="Creditline",
        version=__version__,
        description="Consumer BNPL and SME credit lines with their risk management. "
                    "Every /v1 route needs `Authorization: Bearer <token>`. Every error "
                    "answer has one shape (`ErrorBody`); amounts are decimal strings in "
                    "ASCII digits (\"100.00\"); instants are ISO 8601 with an offset.",
        docs_url=None, redoc_url=None,  # /docs is served offline by creditline.api.docs
        dependencies=[Depends(refuse_unknown_query)],
    )
    app.state.container = container
    errors.install(app)
    for name in ROUTERS:
        app.include_router(importlib.import_module(name).router)
    docs.install(app)
    errors.document(app)
    app.add_middleware(InputGuard, limits=InputLimits.from_settings(container.settings))
    return app
