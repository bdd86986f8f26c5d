"""The console, installed into the API's FastAPI application under ``/console``.

Each page group is a module under ``creditline.web.pages`` defining ``router``; add a new
one (the collector's queue, the risk officer's pages, the closure queue) to ``PAGES`` and
its menu entry to ``render.NAV``; their routers use ``routing.console_router()``."""

from __future__ import annotations

import importlib
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from creditline.web.session import PATH

STATIC = Path(__file__).parent / "static"

PAGES: list[str] = [
    "creditline.web.pages.signin",
    "creditline.web.pages.home",
    "creditline.web.pages.reviews",
    "creditline.web.pages.lines",
    "creditline.web.pages.search",
    "creditline.web.pages.audit",
    "creditline.web.pages.users",
    "creditline.web.pages.collections",  # issue 19, console lane: the collector's queue and case
    "creditline.web.pages.closure",  # issue 19, console lane: the closure-request queue
    "creditline.web.pages.rules",  # issue 19, console lane: rule families, cases, replay
    "creditline.web.pages.models",  # issue 19, console lane: model registry and monitoring
    "creditline.web.pages.sectors",  # issue 19, console lane: sector early warning and cuts
    "creditline.web.pages.campaigns",  # issue 19, console lane: temporary limits by campaign
    "creditline.web.pages.portfolio",  # issue 19 + 17, dashboard lane: the portfolio dashboard
]


def install(app: FastAPI) -> None:
    app.mount(f"{PATH}/static", StaticFiles(directory=STATIC), name="console-static")
    for name in PAGES:
        app.include_router(importlib.import_module(name).router)
