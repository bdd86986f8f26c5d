"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from creditline import __version__
from creditline.api.deps import ContainerDep

router = APIRouter(tags=["system"])


@router.get("/healthz", summary="Liveness and readiness")
def healthz(container: ContainerDep) -> dict[str, str]:
    """``ok`` with the version and the store's dialect once the database answers; needs no
    token."""
    with container.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return {"status": "ok", "version": __version__, "database": container.engine.dialect.name}
