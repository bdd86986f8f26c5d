"""``creditline notify run --once`` relays to a file sink; ``list``, ``summary``, ``show``
and ``retry`` act as the user of --token; bad input names the option."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from creditline.bootstrap import Container
from creditline.cli import _register, app
from creditline.clock import FixedClock
from creditline.errors import ValidationError
from tests.conftest import AUDIT_KEY, LONG_TOKENS, SECRET, create_user
from tests.integration.notify_support import open_line, register

_register()


def test_run_once_to_a_sink_then_list_and_summary(
        sqlite_container: Container, clock: FixedClock, tmp_path: Path) -> None:
    clock.set_date(date(2026, 3, 2))
    cid = register(sqlite_container)
    open_line(sqlite_container, cid)
    url = sqlite_container.engine.url.render_as_string(hide_password=False)
    env = {"CREDITLINE_SECRET_KEY": SECRET, "CREDITLINE_AUDIT_KEY": AUDIT_KEY,
           "CREDITLINE_DATA_DIR": str(tmp_path), "COLUMNS": "100",
           **{f"CREDITLINE_{k.upper()}": str(v) for k, v in LONG_TOKENS.items()}}
    sink = tmp_path / "messages.jsonl"
    run = CliRunner()
    out = run.invoke(app, ["notify", "run", "--once", "--sink", str(sink), "--db", url], env=env)
    assert out.exit_code == 0, out.output
    assert "channels: inbox, email, sms" in out.output
    assert "events 2 (internal 1), new messages 3, sent 3" in out.output
    rows = [json.loads(x) for x in sink.read_text().splitlines()]
    assert sorted((r["channel"], r["topic"], r["language"]) for r in rows) == [
        ("email", "line.opened", "zh"), ("sms", "line.opened", "zh")]
    assert {r["to"] for r in rows} == {"z***@example.com", "138****1234"}
    assert all(r["subject"].endswith("已开通") for r in rows)
    again = run.invoke(app, ["notify", "run", "--once", "--sink", str(sink), "--db", url],
                       env=env)
    assert "events 0 (internal 0), new messages 0, sent 0" in again.output
    assert len(sink.read_text().splitlines()) == 2

    auditor = create_user(sqlite_container, "an.auditor", "auditor")["Authorization"][7:]
    base = ["--db", url, "--token", auditor]
    listed = run.invoke(app, ["notify", "list", "--channel", "sms", *base], env=env)
    assert listed.exit_code == 0, listed.output
    assert "1 of 1 messages" in listed.output and "line.opened" in listed.output
    summary = run.invoke(app, ["notify", "summary", *base], env=env)
    assert summary.output.count("line.opened") == 3
    bad = run.invoke(app, ["notify", "list", "--status", "lost", *base], env=env)
    assert isinstance(bad.exception, ValidationError) and bad.exception.field == "status"
    mid = rows[0]["id"]
    shown = run.invoke(app, ["notify", "show", mid, *base], env=env)
    assert shown.exit_code == 0 and "sent" in shown.output and mid in shown.output
    refused = run.invoke(app, ["notify", "retry", mid, *base], env=env)
    assert refused.exception is not None and "notifications:retry" in str(refused.exception)
