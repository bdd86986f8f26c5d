"""``creditline users create|list|revoke|rotate`` as an operator uses them, through the same
services as the API; the operator's login is what the audit log records."""

from __future__ import annotations

import getpass

import pytest
from fastapi.testclient import TestClient

from tests.api.test_cli_foundation import run_cli
from tests.conftest import ADMIN, auth


def token_of(out: str) -> str:
    (token,) = [ln for ln in out.splitlines() if ln.startswith("cl_")]
    return token


def test_create_list_rotate_revoke(sqlite_url: str, sqlite_api: TestClient,
                                   monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    code, out, err = run_cli(["users", "create", "shop", "--role", "service", "--merchant",
                              "M1", "--merchant", "M2", "--db", sqlite_url], monkeypatch, capsys)
    assert code == 0, err
    assert "shop (service) created" in out and "shown once, expires 20" in out
    first = token_of(out)

    code, out, _ = run_cli(["users", "list", "--db", sqlite_url], monkeypatch, capsys)
    assert code == 0 and "shop" in out and "M1, M2" in out and "active" in out
    assert first not in out

    code, out, _ = run_cli(["users", "rotate", "shop", "--db", sqlite_url], monkeypatch, capsys)
    assert code == 0 and "old one no longer works" in out
    second = token_of(out)
    assert second != first
    code, out, _ = run_cli(["users", "revoke", "shop", "--db", sqlite_url], monkeypatch, capsys)
    assert code == 0 and f"revoked by cli:{getpass.getuser()}" in out
    assert sqlite_api.get("/v1/purchases/x", headers=auth(second)).status_code == 401
    entries = sqlite_api.get("/v1/audit", params={"entity": "user"},
                             headers=ADMIN).json()["items"]
    who = f"cli:{getpass.getuser()}"
    assert [(e["actor"], e["action"]) for e in entries] == [
        (who, "user.created"), (who, "user.token_rotated"), (who, "user.revoked")]
    assert entries[0]["details"]["merchants"] == ["M1", "M2"]

    again, _, err = run_cli(["users", "revoke", "shop", "--db", sqlite_url], monkeypatch, capsys)
    assert again == 2 and "already revoked" in err
    missing, _, err = run_cli(["users", "rotate", "nobody", "--db", sqlite_url],
                              monkeypatch, capsys)
    assert missing == 2 and "not found" in err


@pytest.mark.parametrize(("args", "needle"), [
    (["users", "create", "shop", "--role", "service"], "--merchant"),
    (["users", "create", "ann", "--role", "auditor", "--merchant", "M1"], "--merchant"),
    (["users", "create", "", "--role", "auditor"], "NAME"),
])
def test_bad_arguments_exit_2_naming_them(args: list[str], needle: str, sqlite_url: str,
                                          monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli([*args, "--db", sqlite_url], monkeypatch, capsys)
    assert code == 2 and needle in err and "cl_" not in out


def test_a_weak_admin_token_in_the_environment_stops_every_command(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CREDITLINE_ADMIN_TOKEN", "changeme")
    code, _, err = run_cli(["users", "list", "--db", sqlite_url], monkeypatch, capsys)
    assert code == 2 and "CREDITLINE_ADMIN_TOKEN" in err and "32 characters" in err


def test_cli_tokens_follow_the_api_rules(sqlite_url: str, sqlite_api: TestClient,
                                         monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["users", "create", "rita", "--role", "risk_officer", "--db",
                            sqlite_url], monkeypatch, capsys)
    token = token_of(out)
    code, out, err = run_cli(["model", "list", "--db", sqlite_url, "--token", token],
                             monkeypatch, capsys)
    assert code == 0, err
    run_cli(["users", "revoke", "rita", "--db", sqlite_url], monkeypatch, capsys)
    code, _, err = run_cli(["model", "list", "--db", sqlite_url, "--token", token],
                           monkeypatch, capsys)
    assert code == 2 and "--token" in err and "revoked" in err
