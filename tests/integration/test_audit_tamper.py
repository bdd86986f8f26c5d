"""Tampering with the audit log, on both stores.

The database refuses UPDATE, DELETE (and on PostgreSQL TRUNCATE) of audit entries and of the
ledger.  A database superuser can switch those rules off; what they then do is still caught by
``creditline audit verify`` (exit 1, naming the entry and stream) and ``GET /v1/audit/verify``,
because they lack the audit key: an edited entry cannot be re-hashed, a tail cut off leaves a
signed head pointing past it, and an anchor kept elsewhere catches even a rollback to an older
genuine state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from creditline.audit import GENESIS, AuditKey, stream_of
from creditline.auth import SYSTEM, Role
from creditline.bootstrap import Container
from creditline.errors import Conflict
from creditline.paging import encode_seq_cursor
from creditline.parties import services
from creditline.servicing import services as sv
from tests.api.test_cli_foundation import run_cli
from tests.conftest import ADMIN, create_user
from tests.integration.servicing_support import open_line

PEOPLE = [("11010519491231002X", "13812341234"), ("360426199101010071", "13900001111")]
LINE = "line-of-the-bakery"  # five limit reviews of one line: the last five of its stream
MALLORY = AuditKey("mallory-does-not-have-the-real-key")


def build_history(container: Container) -> None:
    """Three audited changes (two registrations and a contact), then five on one line."""
    ids = [services.register_customer(services.RegisterPerson(
        name="Person", id_number=idn, phone=phone, monthly_income="5000",
        consents={"credit_check": True, "data_processing": True, "emergency_contact": True}),
        container.uow(), SYSTEM).id for idn, phone in PEOPLE]
    services.add_emergency_contact(services.AddEmergencyContact(ids[0], "C", "friend",
                                                                "13700000000"),
                                   container.uow(), SYSTEM)
    for limit in ("1000", "1200", "1500", "1800", "2000"):
        with container.uow() as uow:
            uow.audit(SYSTEM, "line.limit_changed", "line", LINE, {"limit": limit})
            uow.commit()


def url_of(container: Container) -> str:
    return container.engine.url.render_as_string(hide_password=False)


def as_superuser(container: Container, *sql: str, params: dict[str, Any] | None = None) -> None:
    """What a database superuser can do: switch the append-only triggers off, then write."""
    with container.engine.begin() as conn:
        if container.engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            for op in ("update", "delete"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS audit_log_no_{op}"))
        for s in sql:
            conn.execute(text(s), params or {})


def line_rows(container: Container) -> list[Any]:
    with container.engine.connect() as conn:
        return list(conn.execute(text("SELECT * FROM audit_log WHERE entity_id = :e "
                                      "ORDER BY seq"), {"e": LINE}))


def verify_api(api: TestClient, **params: str) -> dict[str, Any]:
    r = api.get("/v1/audit/verify", headers=ADMIN, params=params)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def verify_cli(container: Container, monkeypatch: pytest.MonkeyPatch,
               capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    return run_cli(["audit", "verify", "--db", url_of(container), *extra], monkeypatch, capsys)


@pytest.fixture
def history(container: Container) -> Iterator[Container]:
    build_history(container)
    yield container


S = stream_of(LINE)


def test_an_untouched_log_verifies_through_the_api_and_the_cli(
        api: TestClient, history: Container, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert verify_api(api) == {"ok": True, "checked": 8, "first_bad_seq": None, "stream": None,
                               "problem": None, "anchored": False}
    code, out, _ = verify_cli(history, monkeypatch, capsys)
    assert code == 0 and "intact: 8 entries" in out


def test_the_database_refuses_to_change_audit_entries_and_the_ledger(history: Container) -> None:
    line = open_line(history, "1000.00")
    sv.purchase(sv.Purchase(line.id, "100.00", "JD", "tea"), history.uow(), SYSTEM)
    refused = ["UPDATE audit_log SET actor = 'mallory' WHERE seq = 2",
               "DELETE FROM audit_log WHERE seq = 2",
               "DELETE FROM audit_log",
               "UPDATE postings SET amount = amount + 1",
               "DELETE FROM postings",
               "UPDATE journal_entries SET memo = 'x'",
               "DELETE FROM journal_entries"]
    if history.engine.dialect.name == "postgresql":
        refused += ["TRUNCATE audit_log", "TRUNCATE postings", "TRUNCATE journal_entries CASCADE"]
    for sql in refused:
        with pytest.raises(DBAPIError, match="append-only"), history.engine.begin() as conn:
            conn.execute(text(sql))
    with history.uow() as uow:
        assert uow.audit_log.verify().ok and uow.audit_log.count() == 8 + 2  # + line opened, purchase


def test_an_edited_entry_is_reported_by_seq_and_stream(
        api: TestClient, history: Container, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    second = line_rows(history)[1]
    as_superuser(history, f"UPDATE audit_log SET actor = 'mallory' WHERE seq = {second.seq}")
    report = verify_api(api)
    assert report == {"ok": False, "checked": 5, "first_bad_seq": second.seq, "stream": S,
                      "problem": f"stream {S}: entry {second.stream_seq}: content does not "
                                 f"match its MAC",
                      "anchored": False}
    code, _, err = verify_cli(history, monkeypatch, capsys)
    assert code == 1 and f"BROKEN at seq {second.seq}: stream {S}: entry {second.stream_seq}" in err


def test_editing_and_rehashing_without_the_key_is_caught(
        api: TestClient, history: Container, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The attacker raises limit review 2 and recomputes entries 2..5 and the head, with the
    HMAC construction exactly as the code does it, but with a key of their own."""
    rows = line_rows(history)
    prev = rows[0].hash
    statements = []
    for r in rows[1:]:
        details = '{"limit":"9000"}' if r.seq == rows[1].seq else r.details
        h = MALLORY.entry_mac(prev, r.seq, r.stream, r.stream_seq, r.at, r.actor, r.action,
                              r.entity, r.entity_id, details)
        statements.append(f"UPDATE audit_log SET details = '{details}', prev_hash = '{prev}', "
                          f"hash = '{h}' WHERE seq = {r.seq}")
        prev = h
    statements.append(f"UPDATE audit_head SET hash = '{prev}', "
                      f"mac = '{MALLORY.head_mac(S, rows[-1].stream_seq, prev)}' WHERE id = {S}")
    as_superuser(history, *statements)
    report = verify_api(api)
    assert report["first_bad_seq"] == rows[1].seq and report["stream"] == S
    assert report["problem"] == (f"stream {S}: entry {rows[1].stream_seq}: content does not "
                                 f"match its MAC")
    code, _, err = verify_cli(history, monkeypatch, capsys)
    assert code == 1 and f"BROKEN at seq {rows[1].seq}" in err


def test_deleting_the_tail_is_caught_by_the_signed_head(
        api: TestClient, history: Container, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    rows = line_rows(history)
    as_superuser(history, f"DELETE FROM audit_log WHERE seq >= {rows[3].seq}")
    report = verify_api(api)
    assert not report["ok"] and report["stream"] == S and report["problem"] == (
        f"stream {S}: the log ends at entry {rows[2].stream_seq} but the head says "
        f"{rows[4].stream_seq} (entries deleted at the end)")
    code, _, err = verify_cli(history, monkeypatch, capsys)
    assert code == 1 and f"stream {S}: the log ends at entry {rows[2].stream_seq}" in err
    # moving the head back too needs its MAC, which needs the key
    n = rows[2].stream_seq
    as_superuser(history, f"UPDATE audit_head SET seq = {n}, hash = '{rows[2].hash}', "
                          f"mac = '{MALLORY.head_mac(S, n, rows[2].hash)}' WHERE id = {S}")
    assert verify_api(api)["problem"] == f"stream {S}: the head is not signed with the audit key"


def test_deleting_a_middle_entry_is_caught_at_the_next_one(
        api: TestClient, history: Container, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    rows = line_rows(history)
    as_superuser(history, f"DELETE FROM audit_log WHERE seq = {rows[2].seq}")
    report = verify_api(api)
    assert report["first_bad_seq"] == rows[3].seq and report["problem"] == (
        f"stream {S}: expected entry {rows[2].stream_seq}, found {rows[3].stream_seq} "
        f"(entries missing or moved)")
    code, _, err = verify_cli(history, monkeypatch, capsys)
    assert code == 1 and f"BROKEN at seq {rows[3].seq}" in err


def test_reordering_entries_is_caught(api: TestClient, history: Container) -> None:
    """Swapping two limit reviews in place (contents, links and hashes moved as whole rows)."""
    rows = line_rows(history)
    a, b = rows[1], rows[2]
    as_superuser(history,
                 f"UPDATE audit_log SET seq = -1 WHERE seq = {a.seq}",
                 f"UPDATE audit_log SET stream_seq = -1 WHERE seq = {b.seq}",
                 f"UPDATE audit_log SET seq = {a.seq + 1000} WHERE seq = {b.seq}",
                 f"UPDATE audit_log SET seq = {b.seq} WHERE seq = -1",
                 f"UPDATE audit_log SET seq = {a.seq} WHERE seq = {a.seq + 1000}",
                 f"UPDATE audit_log SET stream_seq = {b.stream_seq} WHERE seq = {b.seq}",
                 f"UPDATE audit_log SET stream_seq = {a.stream_seq} WHERE seq = {a.seq}")
    report = verify_api(api)
    assert not report["ok"] and report["first_bad_seq"] == a.seq and report["stream"] == S
    assert "previous-hash link broken" in report["problem"]


def test_truncating_the_log_is_caught(api: TestClient, history: Container) -> None:
    wipe = ("TRUNCATE audit_log" if history.engine.dialect.name == "postgresql"
            else "DELETE FROM audit_log")
    as_superuser(history, wipe)
    report = verify_api(api)
    assert not report["ok"] and report["checked"] == 0
    assert "the log ends at entry 0 but the head says" in report["problem"]


def test_an_anchor_catches_a_rollback_to_an_older_genuine_state(
        api: TestClient, history: Container, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Truncating and resetting every head to empty is a genuine (initial) state: only the
    anchor taken earlier, kept outside the database, shows the log lost what it held."""
    code, out, err = run_cli(["audit", "anchor", "--db", url_of(history)], monkeypatch, capsys)
    assert code == 0 and "audit anchor: 8 entries" in err
    anchor_file = tmp_path / "anchor.txt"
    anchor_file.write_text(out)
    token = api.get("/v1/audit/anchor", headers=ADMIN).json()["anchor"]
    assert verify_api(api, anchor=token)["ok"] is True
    code, out, _ = verify_cli(history, monkeypatch, capsys, "--anchor", str(anchor_file))
    assert code == 0 and "extends the anchor" in out

    with history.uow() as uow:  # more work after the anchor still extends it
        uow.audit(SYSTEM, "line.limit_changed", "line", LINE, {"limit": "2500"})
        uow.commit()
    assert verify_api(api, anchor=token)["ok"] is True

    as_superuser(history, "DELETE FROM audit_log",
                 "UPDATE audit_head SET seq = 0, hash = :g, mac = NULL", params={"g": GENESIS})
    assert verify_api(api)["ok"] is True  # looks like a new, empty log ...
    report = verify_api(api, anchor=token)  # ... but not next to the anchor
    assert not report["ok"] and report["anchored"] and "before the anchored head" in (
        report["problem"])
    code, _, err = verify_cli(history, monkeypatch, capsys, "--anchor", token)
    assert code == 1 and "before the anchored head" in err


def test_a_forged_or_malformed_anchor_is_refused(
        api: TestClient, history: Container, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    token = api.get("/v1/audit/anchor", headers=ADMIN).json()["anchor"]
    prefix, payload, _ = token.split(".")
    forged = f"{prefix}.{payload}.{MALLORY.sign(payload)}"
    r = api.get("/v1/audit/verify", headers=ADMIN, params={"anchor": forged})
    assert r.status_code == 422 and "signature" in r.text
    code, _, err = verify_cli(history, monkeypatch, capsys, "--anchor", "no-such-file")
    assert code == 2 and "--anchor" in err


def test_no_anchor_is_issued_for_a_broken_log(
        api: TestClient, history: Container, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    as_superuser(history, f"DELETE FROM audit_log WHERE seq = {line_rows(history)[4].seq}")
    assert api.get("/v1/audit/anchor", headers=ADMIN).status_code == 409
    code, out, err = run_cli(["audit", "anchor", "--db", url_of(history)], monkeypatch, capsys)
    assert code == 1 and out == "" and "no anchor written" in err


def test_auditors_verify_and_anchor_other_roles_cannot(api: TestClient,
                                                       history: Container) -> None:
    auditor = create_user(history, "ada", Role.AUDITOR)
    reviewer = create_user(history, "rex", Role.REVIEWER)
    assert api.get("/v1/audit/verify", headers=auditor).json()["ok"] is True
    assert api.get("/v1/audit/anchor", headers=auditor).status_code == 200
    assert api.get("/v1/audit/verify", headers=reviewer).status_code == 403
    assert api.get("/v1/audit/anchor", headers=reviewer).status_code == 403


def test_a_failed_command_leaves_no_audit_entry(container: Container) -> None:
    build_history(container)
    with pytest.raises(Conflict, match="already registered"):
        build_history(container)
    with container.uow() as uow:
        assert uow.audit_log.count() == 8 and uow.head_seq() == 8


def test_a_cursor_past_64_bits_is_a_clean_422(api: TestClient, history: Container) -> None:
    r = api.get("/v1/audit", headers=ADMIN, params={"cursor": "99999999999999999999"})
    assert r.status_code == 422 and "cursor" in r.text
    assert api.get("/v1/audit", headers=ADMIN, params={"cursor": encode_seq_cursor(2**62 - 1)}
                   ).json()["items"] == []


def test_the_audit_log_pages_one_entry_at_a_time_in_chain_order(
        api: TestClient, history: Container) -> None:
    """Every entry once, in seq order, whatever the page size; a forged cursor is a 422."""
    with history.uow() as uow:
        every = [e.seq for e in uow.audit_log.iterate()]
    seen: list[int] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        body = api.get("/v1/audit", headers=ADMIN, params=params).json()
        assert body["total"] >= len(every) and len(body["items"]) == 1
        seen.append(body["items"][0]["seq"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(set(seen)) and seen[:len(every)] == every
    assert body["total"] == len(seen)
    for bad in ("nope!", "eyJhIjoxfQ", "WzEsImEiXQ"):  # not base64url; {"a":1}; a (time, id) key
        r = api.get("/v1/audit", headers=ADMIN, params={"cursor": bad})
        assert r.status_code == 422 and "cursor" in r.text, r.text
