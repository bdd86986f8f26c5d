"""ASGI entry point for uvicorn: ``creditline.api.main:app`` (settings from the environment)."""

from __future__ import annotations

from creditline.api.app import create_app

app = create_app()
