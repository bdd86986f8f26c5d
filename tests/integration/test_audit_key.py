"""The audit key is not the data key: taken from ``CREDITLINE_AUDIT_KEY`` or a key file of
its own beside the data key, refused when it equals the data key, and the log written with
one key does not verify with another."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from creditline.auth import SYSTEM
from creditline.bootstrap import bootstrap
from creditline.clock import FixedClock
from creditline.crypto import AUDIT_KEY_FILE, KEY_FILE
from creditline.settings import Settings


def audit_something(settings: Settings) -> bool:
    container = bootstrap(settings, clock=FixedClock())
    try:
        with container.uow() as uow:
            uow.audit(SYSTEM, "line.limit_changed", "line", "l1", {"limit": "1000"})
            uow.commit()
        with container.uow() as uow:
            return uow.audit_log.verify().ok
    finally:
        container.dispose()


def test_without_settings_each_key_gets_its_own_file(
        tmp_path: Path, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CREDITLINE_AUDIT_KEY", raising=False)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'book.db'}", secret_key=None)
    with caplog.at_level(logging.WARNING, logger="creditline.crypto"):
        assert audit_something(settings)
    data_key, audit_key = tmp_path / KEY_FILE, tmp_path / AUDIT_KEY_FILE
    assert "CREDITLINE_AUDIT_KEY is not set" in caplog.text
    assert data_key.read_text() != audit_key.read_text()
    assert stat.S_IMODE(os.stat(audit_key).st_mode) == 0o600
    assert audit_something(settings)  # the same file is used again


def test_the_audit_key_may_not_be_the_data_key(tmp_path: Path) -> None:
    same = "one-secret-for-everything-0123"
    with pytest.raises(ValueError, match="must differ from CREDITLINE_SECRET_KEY"):
        bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'b.db'}", secret_key=same,
                           audit_key=same, data_dir=tmp_path))


def test_a_log_written_with_one_audit_key_does_not_verify_with_another(tmp_path: Path) -> None:
    def settings(audit_key: str) -> Settings:
        return Settings(database_url=f"sqlite:///{tmp_path / 'b.db'}", data_dir=tmp_path,
                        secret_key="data-key-0123456789abcdef", audit_key=audit_key)

    assert audit_something(settings("the-real-audit-key-0123"))
    assert not audit_something(settings("another-audit-key-0123"))


def test_entries_written_before_the_key_existed_are_kept_and_sealed(
        empty_store_url: str, tmp_path: Path) -> None:
    """A store at the revisions before 0009 with an unkeyed chain of two entries: after the
    upgrade they are stream 0, verify with the old rule, and the first keyed entry seals them."""
    from alembic import command
    from sqlalchemy import text

    from creditline.audit import GENESIS, legacy_hash
    from creditline.store.db import make_engine
    from creditline.store.migrate import alembic_config

    engine = make_engine(empty_store_url)
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        for rev in ("0003_scoring", "0004_origination", "0006_next_eod"):
            command.upgrade(cfg, rev)
    prev = GENESIS
    with engine.begin() as conn:
        for seq in (1, 2):
            at = f"2026-01-0{seq}T09:00:00+00:00"
            h = legacy_hash(prev, seq, at, "officer", "customer.registered", "customer",
                            f"c{seq}", "{}")
            conn.execute(text("INSERT INTO audit_log (seq, at, actor, action, entity, entity_id,"
                              " details, prev_hash, hash) VALUES (:s, :at, 'officer', "
                              "'customer.registered', 'customer', :e, '{}', :p, :h)"),
                         {"s": seq, "at": at, "e": f"c{seq}", "p": prev, "h": h})
            prev = h
        conn.execute(text("UPDATE audit_head SET seq = 2, hash = :h WHERE id = 1"), {"h": prev})
    engine.dispose()

    settings = Settings(database_url=empty_store_url, secret_key="data-key-0123456789abcdef",
                        audit_key="audit-key-0123456789abcdef", data_dir=tmp_path)
    assert audit_something(settings)  # upgraded, a keyed entry added, all verified
    container = bootstrap(settings, clock=FixedClock())
    try:
        with container.uow() as uow:
            entries = list(uow.audit_log.iterate())
            assert [(e.stream, e.stream_seq) for e in entries[:2]] == [(0, 1), (0, 2)]
            assert entries[2].seq == 3 and entries[2].prev_hash == prev  # the seal
        # an unkeyed chain anyone can recompute: rewrite entry 2 and its hash and head ...
        forged = legacy_hash(entries[0].hash, 2, entries[1].at.isoformat(), "mallory",
                             "customer.registered", "customer", "c2", "{}")
        with container.engine.begin() as conn:
            if container.engine.dialect.name == "postgresql":
                conn.execute(text("SET LOCAL session_replication_role = replica"))
            else:
                conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("UPDATE audit_log SET actor = 'mallory', hash = :h WHERE seq = 2"),
                         {"h": forged})
            conn.execute(text("UPDATE audit_head SET hash = :h WHERE id = 0"), {"h": forged})
        with container.uow() as uow:
            report = uow.audit_log.verify()
        # ... and the keyed entry that sealed them no longer links
        assert report.first_bad_seq == 3 and "previous-hash link broken" in str(report.problem)
    finally:
        container.dispose()
