"""Registration of every command group; one line per bounded context."""

from __future__ import annotations

from creditline.cli import app, foundation
from creditline.cli import model as model_cli

app.command("serve")(foundation.serve)
app.add_typer(foundation.db_app, name="db")
app.add_typer(foundation.users_app, name="users")
app.add_typer(foundation.audit_app, name="audit")
app.add_typer(model_cli.sub, name="model")
