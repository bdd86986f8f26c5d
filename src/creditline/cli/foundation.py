"""Foundation commands: serve, db, users, audit."""

from __future__ import annotations

import getpass
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from creditline.access.services import (
    Authenticate,
    CreateUser,
    ListUsers,
    RevokeUser,
    RotateToken,
    UserView,
    authenticate,
    create_user,
    list_users,
    revoke,
    rotate,
)
from creditline.access.tokens import check_merchants, check_user_name
from creditline.audit import ANCHOR_PREFIX, Anchor, AuditKey, BadAnchor, parse_anchor
from creditline.auth import Principal, Role, parse_role
from creditline.bootstrap import Container
from creditline.cli.common import DbOption, console, container_for, err_console, settings_for
from creditline.errors import Unauthorized, ValidationError
from creditline.paging import LIMIT_MAX, PageRequest
from creditline.store.db import make_engine
from creditline.store.migrate import current_heads, upgrade

db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
users_app = typer.Typer(help="API users and their bearer tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The keyed, append-only audit log: verify it, anchor its heads.",
                         no_args_is_help=True)


class LogLevel(StrEnum):
    """uvicorn's log levels."""

    critical = "critical"
    error = "error"
    warning = "warning"
    info = "info"
    debug = "debug"
    trace = "trace"


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (uvicorn).", min=1)] = 1,
    log_level: Annotated[LogLevel, typer.Option(
        case_sensitive=False, help="Server log level (uvicorn's).")] = LogLevel.warning,
    access_log: Annotated[bool, typer.Option(
        "--access-log/--no-access-log", help="Log one line per request (uvicorn's access log).")
    ] = False,
) -> None:
    """Serve the REST API.

    Docs at /docs, schema at /openapi.json; the schema is migrated first."""
    import os

    import uvicorn

    from creditline.api.transport import PROTOCOL_PATH

    settings = settings_for(db)
    container_for(db).dispose()  # migrate once, before workers start
    os.environ["CREDITLINE_DATABASE_URL"] = settings.database_url
    console.print(f"Creditline API on http://{host}:{port}  (database: {settings.database_url})")
    console.print(f"console for people: http://{host}:{port}/console")  # issue 19
    uvicorn.run("creditline.api.main:app", host=host, port=port, workers=workers,
                http=PROTOCOL_PATH, log_level=log_level.value, access_log=access_log)


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


def cli_operator() -> Principal:
    """Who acts through the user commands: whoever can reach the database with the CLI is
    an operator with full rights, recorded in the audit log under their OS login."""
    try:
        login = getpass.getuser()
    except Exception:  # no login name in this environment (a bare container)
        login = "unknown"
    return Principal(user_id=f"cli:{login}", name=f"cli:{login}"[:100], role=Role.ADMIN)


def actor_from_token(container: Container, token: str | None, option: str = "--token",
                     ) -> Principal:
    """The principal of a bearer token given to a CLI command: the same rules as the API
    (``creditline.access.services.authenticate``), the option named on a refusal."""
    if not token:
        raise Unauthorized(f"{option}: a bearer token is required (or set $CREDITLINE_TOKEN)")
    try:
        return authenticate(Authenticate(token, container.settings.token_policy()),
                            container.uow())
    except Unauthorized as exc:
        raise Unauthorized(f"{option}: {exc.message}") from None


def _user_line(v: UserView) -> list[str]:
    expires = v.expires_at.isoformat(timespec="minutes") if v.expires_at else "-"
    return [v.name, v.role, v.status, expires, ", ".join(v.merchants) or "-"]


@users_app.command("create")
def users_create(
    name: Annotated[str, typer.Argument(help="A unique user name.")],
    role: Annotated[str, typer.Option(help="admin, risk_officer, reviewer, collector, auditor or service.")],
    merchant: Annotated[list[str] | None, typer.Option(
        "--merchant", help="For a service user (required, repeatable): a merchant its "
                           "checkout sells for.", show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """Create a user and print their bearer token once.

    Only the token's hash is stored."""
    # checked here too, so the messages name the CLI's arguments and nothing is opened
    check_merchants(parse_role(role, "--role"), merchant or [], "--merchant")
    check_user_name(name, "NAME")
    container = container_for(db)
    issued = create_user(CreateUser(name, role, tuple(merchant or ()),
                                    container.settings.token_policy()),
                         container.uow(), cli_operator())
    u = issued.user
    # plain echo, never wrapped: scripts read these lines
    typer.echo(f"user {u.name} ({u.role}) created; token (shown once, expires "
               f"{u.expires_at.isoformat(timespec='minutes') if u.expires_at else '-'}):")
    typer.echo(issued.token)


@users_app.command("list")
def users_list(db: DbOption = None) -> None:
    """List users with role, status, expiry and merchants.

    Tokens are never shown."""
    container = container_for(db)
    policy, views = container.settings.token_policy(), []
    req: PageRequest | None = PageRequest(limit=LIMIT_MAX)
    while req is not None:  # every user: the list is short, the table shows them all
        got = list_users(ListUsers(policy, req), container.uow(), cli_operator())
        views.extend(got.items)
        req = None if got.next is None else PageRequest(after=got.next, limit=LIMIT_MAX)
    table = Table(title=f"{len(views)} users")
    for col in ("name", "role", "status", "expires", "merchants"):
        table.add_column(col)
    for v in sorted(views, key=lambda v: v.name):
        table.add_row(*_user_line(v))
    console.print(table)


@users_app.command("revoke")
def users_revoke(name: Annotated[str, typer.Argument(help="The user whose token to revoke.")],
                 db: DbOption = None) -> None:
    """Revoke a user's token for good.

    The API refuses it from the next request on."""
    container = container_for(db)
    v = revoke(RevokeUser(name, container.settings.token_policy()), container.uow(),
               cli_operator())
    typer.echo(f"user {v.name} revoked by {v.revoked_by}")


@users_app.command("rotate")
def users_rotate(name: Annotated[str, typer.Argument(help="The user whose token to replace.")],
                 db: DbOption = None) -> None:
    """Issue a new token and print it once.

    The old one stops working at once."""
    container = container_for(db)
    issued = rotate(RotateToken(name, container.settings.token_policy()), container.uow(),
                    cli_operator())
    u = issued.user
    typer.echo(f"user {u.name}: new token (shown once, expires "
               f"{u.expires_at.isoformat(timespec='minutes') if u.expires_at else '-'}); "
               "the old one no longer works:")
    typer.echo(issued.token)


# console (issue 19): a person's password for the web console
@users_app.command("set-password")
def users_set_password(
    name: Annotated[str, typer.Argument(help="The user who signs in to the console with it.")],
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from the first line of standard input "
                                 "(scripts) instead of asking twice.")] = False,
    db: DbOption = None,
) -> None:
    """Set the password a person signs in to /console with.

    12-256 characters, stored as an argon2id hash; the user's open console sessions end.
    Service users keep their tokens and get no password."""
    import sys

    from creditline.access.sessions import SetPassword, set_password
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"new console password for {name}: ")
        if getpass.getpass("again: ") != password:
            raise ValidationError("password", "the two entries differ")
    container = container_for(db)
    set_password(SetPassword(name, password), container.uow(), cli_operator())
    typer.echo(f"console password of {name} set; their open console sessions ended")


def _read_anchor(value: str, key: AuditKey) -> Anchor:
    """``--anchor`` is the anchor text itself or a file holding it."""
    from pathlib import Path

    text = value
    if not value.strip().startswith(ANCHOR_PREFIX):
        path = Path(value)
        if not path.is_file():
            raise ValidationError("--anchor", "must be an anchor printed by 'creditline audit "
                                              "anchor' or a file holding one")
        text = path.read_text()
    try:
        return parse_anchor(text, key)
    except BadAnchor as exc:
        raise ValidationError("--anchor", str(exc)) from None


@audit_app.command("verify")
def audit_verify(
    db: DbOption = None,
    anchor: Annotated[str | None, typer.Option(
        help="An anchor from 'creditline audit anchor' (the text, or a file holding it): also "
             "check that the log still holds those heads unchanged and extends from them.")] = None,
) -> None:
    """Check the audit chain and its signed heads.

    Exits 1 naming the first bad entry or stream."""
    container = container_for(db)
    expected = _read_anchor(anchor, container.audit_key) if anchor else None
    with container.uow() as uow:
        report = uow.audit_log.verify(expected)
    if report.ok:
        against = f"; extends the anchor of {expected.at}" if expected else ""
        console.print(f"audit chain intact: {report.checked} entries{against}")
        return
    where = f" at seq {report.first_bad_seq}" if report.first_bad_seq is not None else ""
    err_console.print(f"audit chain BROKEN{where}: {report.problem}")
    raise typer.Exit(1)


@audit_app.command("anchor")
def audit_anchor(db: DbOption = None) -> None:
    """Print the audit log's signed heads, to keep elsewhere.

    One line, on stdout, to keep outside the
    database; 'audit verify --anchor' proves later that the log still extends from them."""
    container = container_for(db)
    with container.uow() as uow:
        found, report = uow.audit_log.anchor(uow.now())
    if not report.ok:
        where = f" at seq {report.first_bad_seq}" if report.first_bad_seq is not None else ""
        err_console.print(f"audit chain BROKEN{where}: {report.problem}; no anchor written")
        raise typer.Exit(1)
    err_console.print(f"audit anchor: {found.total} entries, heads hash {found.digest}, "
                      f"at {found.at}")
    typer.echo(found.token(container.audit_key))
