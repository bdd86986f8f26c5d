"""Shared CLI plumbing: building the container from ``--db`` and printing."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from creditline.bootstrap import Container, bootstrap
from creditline.settings import Settings

console = Console()
err_console = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: $CREDITLINE_DATABASE_URL or "
                              "sqlite:///creditline.db in the working folder).", show_default=False),
]


def settings_for(db: str | None) -> Settings:
    settings = Settings()
    if db:
        settings = settings.model_copy(update={"database_url": db})
    return settings


def container_for(db: str | None, *, migrate: bool = True) -> Container:
    return bootstrap(settings_for(db), migrate=migrate)

# Every command that acts as a user takes this option (or $CREDITLINE_TOKEN) and resolves it
# with ``cli.foundation.actor_from_token``: the same rules as the API.
UserTokenOption = Annotated[str | None, typer.Option(
    "--token", envvar="CREDITLINE_TOKEN", show_default=False,
    help="Your API bearer token (or $CREDITLINE_TOKEN); the command acts as that user.")]
