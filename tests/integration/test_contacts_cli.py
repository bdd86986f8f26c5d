"""``creditline relief ...`` and ``creditline contacts ...`` from the command line, against a
SQLite book with one delinquent debtor in Hubei: a relief previewed, declared, listed, shown
and asked about by a bureau run; bad input exits 2 naming the field and changes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from creditline.bootstrap import Container
from creditline.cli import _register, app
from creditline.cli.common import console
from creditline.clock import FixedClock
from creditline.errors import Forbidden, NotFound, ValidationError
from tests.conftest import SECRET, create_user
from tests.integration.test_regional_relief import borrower

_register()


def test_relief_and_contacts_on_the_command_line(sqlite_container: Container, clock: FixedClock,
                                                tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "_width", 200)
    env = {"CREDITLINE_SECRET_KEY": SECRET, "CREDITLINE_DATA_DIR": str(tmp_path),
           "COLUMNS": "200", **{f"CREDITLINE_TOKEN_DAYS_{r}": "3650"
                                for r in ("COLLECTOR", "RISK_OFFICER", "ADMIN")}}
    clock.set_date(date(2026, 3, 2))
    line = borrower(sqlite_container, "Li Lei", "11010519491231002X", "13812341234", "Hubei")
    url = sqlite_container.engine.url.render_as_string(hide_password=False)
    ro = create_user(sqlite_container, "ro", "risk_officer")["Authorization"][7:]
    chen = create_user(sqlite_container, "chen", "collector")["Authorization"][7:]
    run = CliRunner()

    def cli(*args: str, token: str = ro) -> str:
        r = run.invoke(app, [*args, "--token", token, "--db", url], env=env)
        assert r.exit_code == 0, (args, r.output, r.exception)
        return r.output

    def refused(*args: str, token: str = ro) -> BaseException:
        """A domain error (``creditline.cli.main`` turns it into exit 2 with its message)."""
        r = run.invoke(app, [*args, "--token", token, "--db", url], env=env)
        assert r.exit_code != 0 and r.exception is not None, (args, r.output)
        return r.exception

    # the wall clock decides the business date here: a relief far ahead of it
    when = ["--start", "2031-01-01", "--end", "2031-01-10"]
    out = cli("relief", "preview", "--region", "hubei", *when)
    assert "1 customer(s), 1 open line(s), 0 active case(s)" in out
    out = cli("relief", "declare", "--region", "Hubei", *when, "--reason", "flood")
    relief_id = out.split()[1]
    assert "2031-01-01" in cli("relief", "list", token=chen)
    assert "scheduled" in cli("relief", "show", relief_id, token=chen)
    held = cli("relief", "holds", "--on", "2031-01-05", "--line", line, token=chen)
    assert held.startswith(f"held: regional relief {relief_id} (Hubei)")
    assert "not held" in cli("relief", "holds", "--on", "2031-01-11", "--line", line, token=chen)
    # bad input names the field and the rule; a collector may not declare; nothing declared
    err = refused("relief", "declare", "--region", "Hubei", "--start", "2031-01-10", "--end",
                  "2031-01-01", "--reason", "x")
    assert isinstance(err, ValidationError) and str(err) == "end: must not be before the start"
    assert isinstance(refused("relief", "declare", "--region", "Hubei", *when, "--reason", "x",
                              token=chen), Forbidden)
    assert cli("relief", "list").count("flood") == 1 and "2031-01-10" in cli("relief", "list")
    # the contact's answer: a malformed code, an unknown reference
    assert isinstance(refused("contacts", "confirm", "ABCDEF1234", "123456"), Forbidden)
    adm = create_user(sqlite_container, "adm", "admin")["Authorization"][7:]
    err = refused("contacts", "confirm", "ABCDEF1234", "12x456", token=adm)
    assert isinstance(err, ValidationError) and str(err).startswith("code: must be")
    assert isinstance(refused("contacts", "confirm", "ABCDEF1234", "123456", token=adm),
                      NotFound)
