"""The foundation commands as an operator uses them: create a user, use the printed token."""

from __future__ import annotations

import sys

import pytest
from fastapi.testclient import TestClient

from creditline.cli import main
from tests.conftest import AUDIT_KEY, SECRET, auth


def run_cli(args: list[str], monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the ``creditline`` console entry point in-process: (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["creditline", *args])
    monkeypatch.setenv("CREDITLINE_SECRET_KEY", SECRET)  # no key file in the working folder
    monkeypatch.setenv("CREDITLINE_AUDIT_KEY", AUDIT_KEY)
    monkeypatch.delenv("CREDITLINE_DATABASE_URL", raising=False)
    capsys.readouterr()
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def test_users_create_prints_a_token_once_and_it_works_against_the_api(
        sqlite_url: str, sqlite_api: TestClient, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["users", "create", "alice", "--role", "auditor", "--db", sqlite_url],
                           monkeypatch, capsys)
    assert code == 0 and "alice (auditor) created" in out
    tokens = [ln for ln in out.splitlines() if ln.startswith("cl_")]
    assert len(tokens) == 1
    token = tokens[0]
    assert sqlite_api.get("/v1/audit", headers=auth(token)).status_code == 200
    assert sqlite_api.post("/v1/customers", json={}, headers=auth(token)).status_code == 403
    entries = sqlite_api.get("/v1/audit", headers=auth(token)).json()["items"]
    assert [(e["action"], e["details"]["name"]) for e in entries] == [("user.created", "alice")]
    assert token not in str(entries)

    again, _, err = run_cli(["users", "create", "alice", "--role", "auditor", "--db", sqlite_url],
                            monkeypatch, capsys)
    assert again == 2 and "already exists" in err


def test_an_unknown_role_exits_2_naming_the_option(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["users", "create", "bob", "--role", "superuser", "--db", sqlite_url],
                             monkeypatch, capsys)
    assert code == 2 and "--role" in err and "risk_officer" in err
    assert "cl_" not in out


def test_usage_errors_exit_2(monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["users", "create", "bob"], monkeypatch, capsys)
    assert code == 2 and "--role" in err


@pytest.mark.parametrize(("variable", "value", "rule"), [
    ("CREDITLINE_SECRET_KEY", "too-short", "CREDITLINE_SECRET_KEY: must be at least 16"),
    ("CREDITLINE_AUDIT_KEY", "too-short", "CREDITLINE_AUDIT_KEY: must be at least 16"),
    ("CREDITLINE_AUDIT_KEY", SECRET, "CREDITLINE_AUDIT_KEY: must differ from "
                                     "CREDITLINE_SECRET_KEY")])
def test_a_bad_key_setting_exits_2_naming_the_variable(
        variable: str, value: str, rule: str, sqlite_url: str,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["creditline", "users", "list", "--db", sqlite_url])
    monkeypatch.setenv("CREDITLINE_SECRET_KEY", SECRET)
    monkeypatch.setenv("CREDITLINE_AUDIT_KEY", AUDIT_KEY)
    monkeypatch.setenv(variable, value)
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert rule in err and "Traceback" not in err
