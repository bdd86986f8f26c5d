"""Foundation commands: serve, db, users, audit."""

from __future__ import annotations

from typing import Annotated

import typer

from creditline.audit import verify_chain
from creditline.auth import SYSTEM, hash_token, new_token, parse_role
from creditline.cli.common import DbOption, console, container_for, err_console, settings_for
from creditline.errors import Conflict, ValidationError
from creditline.store.db import make_engine
from creditline.store.migrate import current_heads, upgrade

db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
users_app = typer.Typer(help="API users and their bearer tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (uvicorn).", min=1)] = 1,
) -> None:
    """Serve the REST API (docs at /docs, schema at /openapi.json); migrates the schema first."""
    import os

    import uvicorn

    from creditline.api.transport import PROTOCOL_PATH

    settings = settings_for(db)
    container_for(db).dispose()  # migrate once, before workers start
    os.environ["CREDITLINE_DATABASE_URL"] = settings.database_url
    console.print(f"Creditline API on http://{host}:{port}  (database: {settings.database_url})")
    uvicorn.run("creditline.api.main:app", host=host, port=port, workers=workers,
                http=PROTOCOL_PATH, log_level="warning")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create or migrate the schema to the newest revision."""
    engine = make_engine(settings_for(db).database_url)
    heads = upgrade(engine)
    console.print(f"schema at {', '.join(heads)}")


@db_app.command("current")
def db_current(db: DbOption = None) -> None:
    """Show the revisions the database is at."""
    engine = make_engine(settings_for(db).database_url)
    console.print(", ".join(current_heads(engine)) or "(empty)")


@users_app.command("create")
def users_create(
    name: Annotated[str, typer.Argument(help="A unique user name.")],
    role: Annotated[str, typer.Option(help="admin, risk_officer, reviewer, collector, auditor or service.")],
    db: DbOption = None,
) -> None:
    """Create a user and print their bearer token once (only its hash is stored)."""
    r = parse_role(role, "--role")
    if not name.strip() or len(name) > 100:
        raise ValidationError("NAME", "must be 1-100 characters")
    container = container_for(db)
    token = new_token()
    with container.uow() as uow:
        if uow.users.exists(name):
            raise Conflict(f"user {name!r} already exists")
        user = uow.users.add(name, r, hash_token(token))
        uow.audit(SYSTEM, "user.created", "user", user.user_id, {"name": name, "role": r.value})
        uow.commit()
    console.print(f"user {name} ({r.value}) created; token (shown once):")
    typer.echo(token)


@audit_app.command("verify")
def audit_verify(db: DbOption = None) -> None:
    """Check the audit chain; exit 1 and name the first bad entry if it was tampered with."""
    container = container_for(db)
    with container.uow() as uow:
        report = verify_chain(uow.audit_log.iterate())
    if report.ok:
        console.print(f"audit chain intact: {report.checked} entries")
        return
    err_console.print(f"audit chain BROKEN at seq {report.first_bad_seq}: {report.problem}")
    raise typer.Exit(1)
