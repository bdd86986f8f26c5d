"""The outbox relay inside ``creditline serve``: a background thread started with the app
and stopped with it (``CREDITLINE_NOTIFY_RELAY_IN_SERVE=false`` turns it off, e.g. when a
separate ``creditline notify run`` process relays).  Several server workers each run one:
the store's claims keep them from sending a message twice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from creditline.bootstrap import Container
from creditline.channels import channels_from_settings, relay_config
from creditline.notify.relay import RelayWorker


def install_relay(app: FastAPI, container: Container) -> None:
    """Run the relay for as long as ``app`` runs (wraps the app's lifespan)."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: Any) -> AsyncIterator[Any]:
        s = container.settings
        worker = RelayWorker(container.uow, channels_from_settings(s), relay_config(s),
                             s.notify_poll_seconds).start()
        app.state.relay = worker
        try:
            async with inner(a) as state:
                yield state
        finally:
            worker.stop()

    app.router.lifespan_context = lifespan
