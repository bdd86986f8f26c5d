"""The audit chain: any edit, deletion or reordering breaks it at the entry concerned."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from creditline.audit import GENESIS, AuditEntry, entry_hash, verify_chain

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def chain(n: int) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    prev = GENESIS
    for seq in range(1, n + 1):
        at = T0 + timedelta(minutes=seq)
        details = {"kind": "person", "n": seq}
        h = entry_hash(prev, seq, at, "officer", "customer.registered", "customer", f"c{seq}",
                       details)
        entries.append(AuditEntry(seq, at, "officer", "customer.registered", "customer",
                                  f"c{seq}", details, prev, h))
        prev = h
    return entries


def test_an_untouched_chain_verifies() -> None:
    report = verify_chain(chain(5))
    assert report.ok and report.checked == 5 and report.first_bad_seq is None
    assert verify_chain([]).ok


def test_editing_an_entry_is_caught_at_that_entry() -> None:
    entries = chain(5)
    entries[2] = replace(entries[2], details={"kind": "person", "n": 99})
    report = verify_chain(entries)
    assert not report.ok and report.first_bad_seq == 3
    assert report.problem == "entry content does not match its hash"


def test_rehashing_an_edited_entry_breaks_the_next_link() -> None:
    entries = chain(5)
    e = entries[2]
    forged = replace(e, actor="someone-else")
    forged = replace(forged, hash=entry_hash(e.prev_hash, e.seq, e.at, forged.actor, e.action,
                                             e.entity, e.entity_id, e.details))
    entries[2] = forged
    report = verify_chain(entries)
    assert report.first_bad_seq == 4 and report.problem == "previous-hash link broken"


def test_deleting_or_reordering_entries_is_caught() -> None:
    entries = chain(5)
    assert verify_chain(entries[:2] + entries[3:]).first_bad_seq == 4
    swapped = [entries[0], entries[2], entries[1], *entries[3:]]
    assert verify_chain(swapped).first_bad_seq == 3
    assert verify_chain(entries[1:]).problem.startswith("sequence gap")  # type: ignore[union-attr]


def test_the_hash_covers_every_field() -> None:
    base = (GENESIS, 1, T0, "a", "x.y", "customer", "c1", {"k": 1})
    h = entry_hash(*base)
    for i, other in enumerate(["1" * 64, 2, T0 + timedelta(seconds=1), "b", "x.z", "line", "c2",
                               {"k": 2}]):
        changed = list(base)
        changed[i] = other
        assert entry_hash(*changed) != h, i
