"""Tampering with the audit log is detected, through the API and the CLI, on both stores:
an edited entry is named by its seq, and ``creditline audit verify`` exits 1."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from creditline.auth import SYSTEM
from creditline.bootstrap import Container
from creditline.errors import Conflict
from creditline.parties import services
from tests.api.test_cli_foundation import run_cli
from tests.conftest import ADMIN

PEOPLE = [("11010519491231002X", "13812341234"), ("360426199101010071", "13900001111")]


def build_history(container: Container) -> None:
    """Three audited changes: two registrations and a contact."""
    ids = [services.register_customer(services.RegisterPerson(
        name="Person", id_number=idn, phone=phone, monthly_income="5000",
        consents={"credit_check": True, "data_processing": True, "emergency_contact": True}),
        container.uow(), SYSTEM).id for idn, phone in PEOPLE]
    services.add_emergency_contact(services.AddEmergencyContact(ids[0], "C", "friend",
                                                                "13700000000"),
                                   container.uow(), SYSTEM)


def url_of(container: Container) -> str:
    return container.engine.url.render_as_string(hide_password=False)


def tamper(container: Container, sql: str) -> None:
    with container.engine.begin() as conn:
        conn.execute(text(sql))


def test_an_edited_entry_is_reported_by_seq(
        api: TestClient, container: Container, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    build_history(container)
    assert api.get("/v1/audit/verify", headers=ADMIN).json()["ok"] is True
    code, out, _ = run_cli(["audit", "verify", "--db", url_of(container)], monkeypatch, capsys)
    assert code == 0 and "intact: 3 entries" in out

    tamper(container, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
    report = api.get("/v1/audit/verify", headers=ADMIN).json()
    assert report == {"ok": False, "checked": 2, "first_bad_seq": 2,
                      "problem": "entry content does not match its hash"}
    code, _, err = run_cli(["audit", "verify", "--db", url_of(container)], monkeypatch, capsys)
    assert code == 1 and "BROKEN at seq 2" in err


def test_a_deleted_entry_is_reported(api: TestClient, container: Container) -> None:
    build_history(container)
    tamper(container, "DELETE FROM audit_log WHERE seq = 2")
    report = api.get("/v1/audit/verify", headers=ADMIN).json()
    assert report["first_bad_seq"] == 3 and report["problem"].startswith("sequence gap")


def test_a_failed_command_leaves_no_audit_entry(container: Container) -> None:
    build_history(container)
    with pytest.raises(Conflict, match="already registered"):
        build_history(container)
    with container.uow() as uow:
        assert uow.audit_log.count() == 3 and uow.head_seq() == 3
