"""ASGI entry point for uvicorn: ``creditline.api.main:app`` (settings from the environment).
The outbox relay runs inside it as a background thread unless
``CREDITLINE_NOTIFY_RELAY_IN_SERVE=false`` (``creditline.api.relay_task``)."""

from __future__ import annotations

from creditline.api.app import create_app
from creditline.api.relay_task import install_relay
from creditline.bootstrap import bootstrap

_container = bootstrap()
app = create_app(_container)
if _container.settings.notify_relay_in_serve:
    install_relay(app, _container)
