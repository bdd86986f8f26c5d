"""Identity numbers and phones never reach the database in the clear: not in the customer
rows, not in contacts, not in the audit log or the outbox, not in SQLite's WAL."""

from __future__ import annotations

import logging
import os
import re
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from creditline.auth import SYSTEM
from creditline.bootstrap import Container, bootstrap
from creditline.clock import FixedClock
from creditline.crypto import KEY_FILE
from creditline.parties import services
from creditline.settings import Settings
from creditline.store.tables import metadata

PEOPLE = [("11010519491231002X", "13812341234", "zhang@example.com"),
          ("360426199101010071", "13900001111", "wang@example.com")]
CONTACT_PHONE = "13700009876"


def register_people(container: Container) -> list[str]:
    ids = []
    for id_number, phone, email in PEOPLE:
        c = services.register_customer(services.RegisterPerson(
            name="Test Person", id_number=id_number, phone=phone, monthly_income="5000",
            email=email, consents={"credit_check": True, "data_processing": True,
                                   "emergency_contact": True}), container.uow(), SYSTEM)
        ids.append(c.id)
    services.add_emergency_contact(services.AddEmergencyContact(
        ids[0], "Contact", "friend", CONTACT_PHONE), container.uow(), SYSTEM)
    return ids


def secrets_in_clear() -> list[str]:
    """Each secret as written, and its most obvious re-spellings."""
    out = []
    for id_number, phone, email in PEOPLE:
        out += [id_number, id_number.lower(), id_number[6:14], id_number[:17], phone,
                f"{phone[:3]} {phone[3:7]} {phone[7:]}", email]
    return [*out, CONTACT_PHONE]


def sqlite_bytes(url: str) -> bytes:
    """The database file plus its WAL and journal, as they sit on disk."""
    base = Path(url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in (base, Path(f"{base}-wal"), Path(f"{base}-journal"))
                    if p.exists())


def postgres_text(container: Container) -> str:
    """Every row of every table, as PostgreSQL renders it to text."""
    with container.engine.connect() as conn:
        return "\n".join(str(conn.execute(text(f'SELECT t::text FROM "{table}" t')).all())
                         for table in metadata.tables)


def test_no_identity_number_or_phone_is_stored_in_the_clear(container: Container) -> None:
    ids = register_people(container)
    if container.engine.dialect.name == "sqlite":
        url = container.engine.url.render_as_string()
        container.dispose()
        raw = sqlite_bytes(url)
        haystacks = [raw, raw.decode("utf-16-le", "ignore").encode()]
    else:
        raw = postgres_text(container).encode()
        haystacks = [raw]
    assert ids[0].encode() in raw and b"Test Person" in raw  # we are looking at the right data
    for secret in secrets_in_clear():
        for hay in haystacks:
            assert secret.encode() not in hay, f"{secret!r} found in the clear"
    # the digits do not appear spread out either (e.g. one per column or separated by nulls)
    for id_number, phone, _ in PEOPLE:
        for secret in (id_number, phone):
            spread = re.compile(rb".{0,2}".join(re.escape(c.encode()) for c in secret))
            assert not spread.search(raw), secret


def test_stored_values_decrypt_only_with_the_key_and_hashes_are_keyed(container: Container) -> None:
    ids = register_people(container)
    with container.engine.connect() as conn:
        row = conn.execute(text("SELECT id_number_enc, id_number_hash, phone_enc FROM customers "
                                "WHERE id = :id"), {"id": ids[0]}).one()
    assert row.id_number_enc.startswith("v1:") and row.id_number_enc != row.phone_enc
    assert container.cipher.decrypt(row.id_number_enc) == PEOPLE[0][0]
    assert row.id_number_hash == container.cipher.blind_index(PEOPLE[0][0])
    import hashlib

    assert row.id_number_hash != hashlib.sha256(PEOPLE[0][0].encode()).hexdigest()
    with container.uow() as uow:
        assert uow.customers.get(ids[0]).id_number == PEOPLE[0][0]  # decrypted on load


def test_without_a_secret_a_key_file_is_created_with_a_warning_and_reused(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    url = f"sqlite:///{tmp_path / 'book.db'}"
    settings = Settings(database_url=url, secret_key=None)
    with caplog.at_level(logging.WARNING, logger="creditline.crypto"):
        first = bootstrap(settings, clock=FixedClock())
    key = tmp_path / KEY_FILE
    assert key.exists() and "CREDITLINE_SECRET_KEY is not set" in caplog.text
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    ids = register_people(first)
    first.dispose()

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="creditline.crypto"):
        again = bootstrap(settings, clock=FixedClock())
    assert caplog.text == ""
    assert services.get_customer(ids[1], again.uow()).id_number == PEOPLE[1][0]
    again.dispose()
