"""The keyed audit chain: any edit, deletion or reordering breaks it at the entry concerned,
re-hashing without the audit key does not repair it, and the signed heads catch a tail cut off."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from creditline.audit import (
    GENESIS,
    AuditEntry,
    AuditKey,
    BadAnchor,
    StreamHead,
    canonical,
    legacy_hash,
    make_anchor,
    parse_anchor,
    stream_of,
    verify_log,
)

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
KEY = AuditKey("the-audit-key-of-this-lender")
MALLORY = AuditKey("a-key-guessed-by-the-attacker")


def build(key: AuditKey, specs: list[tuple[int, str]], legacy: int = 0,
          ) -> tuple[list[AuditEntry], dict[int, StreamHead]]:
    """Entries as the store writes them: ``legacy`` unkeyed ones in stream 0, then one entry
    per (stream, entity id) in ``specs``; and the signed heads of all 16 streams."""
    entries: list[AuditEntry] = []
    prev = GENESIS
    for i in range(1, legacy + 1):
        at = T0 + timedelta(minutes=i)
        h = legacy_hash(prev, i, at.isoformat(), "old", "customer.registered", "customer",
                        f"o{i}", canonical({"n": i}))
        entries.append(AuditEntry(i, 0, i, at, "old", "customer.registered", "customer",
                                  f"o{i}", {"n": i}, prev, h))
        prev = h
    genesis = prev
    heads = {0: StreamHead(0, legacy, genesis, None)}
    last = {s: (0, genesis) for s in range(1, 17)}
    for seq, (stream, entity_id) in enumerate(specs, start=legacy + 1):
        n, p = last[stream]
        at = T0 + timedelta(hours=1, minutes=seq)
        e = AuditEntry(seq, stream, n + 1, at, "officer", "customer.registered", "customer",
                       entity_id, {"kind": "person", "n": seq}, p, "")
        e = replace(e, hash=key.entry_mac(p, seq, stream, n + 1, at.isoformat(), e.actor,
                                          e.action, e.entity, e.entity_id, canonical(e.details)))
        entries.append(e)
        last[stream] = (n + 1, e.hash)
    for s, (n, h) in last.items():
        heads[s] = StreamHead(s, n, h, key.head_mac(s, n, h) if n else None)
    return entries, heads


SPECS = [(1, "c1"), (2, "c2"), (1, "c3"), (1, "c4"), (3, "c5")]


def rehash(key: AuditKey, entries: list[AuditEntry], start: int) -> list[AuditEntry]:
    """What an attacker does after an edit: recompute every later hash of that stream."""
    out = list(entries)
    stream = out[start].stream
    prev = out[start].prev_hash
    for i in range(start, len(out)):
        e = out[i]
        if e.stream != stream:
            continue
        e = replace(e, prev_hash=prev)
        e = replace(e, hash=key.entry_mac(prev, e.seq, e.stream, e.stream_seq, e.at.isoformat(),
                                          e.actor, e.action, e.entity, e.entity_id,
                                          canonical(e.details)))
        out[i], prev = e, e.hash
    return out


def test_an_untouched_log_verifies_with_its_heads() -> None:
    entries, heads = build(KEY, SPECS, legacy=2)
    report = verify_log(KEY, entries, heads)
    assert report.ok and report.checked == 7 and report.first_bad_seq is None
    assert verify_log(KEY, [], build(KEY, [])[1]).ok


def test_editing_an_entry_is_caught_at_that_entry() -> None:
    entries, heads = build(KEY, SPECS)
    entries[2] = replace(entries[2], details={"kind": "person", "n": 99})
    report = verify_log(KEY, entries, heads)
    assert not report.ok and report.first_bad_seq == 3 and report.stream == 1
    assert report.problem == "stream 1: entry 2: content does not match its MAC"


def test_rehashing_without_the_key_does_not_repair_the_chain() -> None:
    entries, heads = build(KEY, SPECS)
    forged = rehash(MALLORY, [*entries[:2], replace(entries[2], actor="someone-else"),
                              *entries[3:]], 2)
    report = verify_log(KEY, forged, heads)
    assert report.first_bad_seq == 3 and "does not match its MAC" in str(report.problem)


def test_the_wrong_key_verifies_nothing() -> None:
    entries, heads = build(KEY, SPECS)
    assert verify_log(MALLORY, entries, heads).first_bad_seq == 1


def test_deleting_reordering_or_moving_entries_is_caught() -> None:
    entries, heads = build(KEY, SPECS)
    middle = verify_log(KEY, entries[:2] + entries[3:], heads)  # stream 1's second entry gone
    assert middle.first_bad_seq == 4 and middle.problem == (
        "stream 1: expected entry 2, found 3 (entries missing or moved)")
    swapped = [entries[0], entries[1], entries[3], entries[2], entries[4]]
    assert verify_log(KEY, swapped, heads).first_bad_seq == 4
    # giving an entry another global seq (reordering across streams) breaks its MAC
    moved = [*entries[:4], replace(entries[4], seq=9)]
    assert verify_log(KEY, moved, heads).first_bad_seq == 9


def test_cutting_off_the_tail_is_caught_by_the_signed_head() -> None:
    entries, heads = build(KEY, SPECS)
    report = verify_log(KEY, entries[:3], heads)  # c4 (stream 1) and c5 (stream 3) deleted
    assert not report.ok and report.stream == 1 and report.problem == (
        "stream 1: the log ends at entry 2 but the head says 3 (entries deleted at the end)")
    # moving the head back to the new last entry needs a head MAC only the key can make
    h = entries[2]
    forged = {**heads, 1: StreamHead(1, 2, h.hash, MALLORY.head_mac(1, 2, h.hash)),
              3: StreamHead(3, 0, GENESIS, None)}
    report = verify_log(KEY, entries[:3], forged)
    assert report.problem == "stream 1: the head is not signed with the audit key"


def test_legacy_entries_are_sealed_by_the_first_keyed_entry() -> None:
    entries, heads = build(KEY, SPECS, legacy=3)
    # an unkeyed chain can be recomputed by anyone: rewrite legacy entry 2 and re-hash 3
    e2 = replace(entries[1], actor="mallory")
    e2 = replace(e2, hash=legacy_hash(e2.prev_hash, 2, e2.at.isoformat(), e2.actor, e2.action,
                                      e2.entity, e2.entity_id, canonical(e2.details)))
    e3 = replace(entries[2], prev_hash=e2.hash)
    e3 = replace(e3, hash=legacy_hash(e2.hash, 3, e3.at.isoformat(), e3.actor, e3.action,
                                      e3.entity, e3.entity_id, canonical(e3.details)))
    heads = {**heads, 0: StreamHead(0, 3, e3.hash, None)}
    report = verify_log(KEY, [entries[0], e2, e3, *entries[3:]], heads)
    assert report.first_bad_seq == 4 and "previous-hash link broken" in str(report.problem)


def test_an_anchor_pins_the_heads_it_was_taken_at() -> None:
    _, heads = build(KEY, SPECS[:3])
    anchor = parse_anchor(make_anchor(heads, T0).token(KEY), KEY)
    assert anchor.total == 3
    later, later_heads = build(KEY, SPECS)  # two more entries: still extends the anchor
    assert verify_log(KEY, later, later_heads, anchor).ok
    # rolled back to before the anchor, heads and all: each piece is genuine, yet caught
    early, early_heads = build(KEY, SPECS[:2])
    report = verify_log(KEY, early, early_heads, anchor)
    assert report.stream == 1 and "before the anchored head 2" in str(report.problem)
    # the same number of entries, but a different history
    other, other_heads = build(KEY, [(1, "c1"), (2, "c2"), (1, "x3")])
    report = verify_log(KEY, other, other_heads, anchor)
    assert report.problem == "stream 1: entry 2 differs from the anchored head (rewritten)"


def test_an_anchor_signed_with_another_key_or_edited_is_refused() -> None:
    _, heads = build(KEY, SPECS)
    token = make_anchor(heads, T0).token(KEY)
    with pytest.raises(BadAnchor, match="signature"):
        parse_anchor(make_anchor(heads, T0).token(MALLORY), KEY)
    prefix, payload, sig = token.split(".")
    with pytest.raises(BadAnchor, match="signature"):
        parse_anchor(f"{prefix}.{payload[:-2]}AA.{sig}", KEY)
    with pytest.raises(BadAnchor, match="not an audit anchor"):
        parse_anchor("hello", KEY)


def test_streams_spread_entities_and_keep_one_entity_in_one_stream() -> None:
    streams = {stream_of(f"line-{i}") for i in range(200)}
    assert streams == set(range(1, 17))
    assert stream_of("line-7") == stream_of("line-7")


def test_the_key_is_required_to_be_long_enough() -> None:
    with pytest.raises(ValueError, match="at least 16"):
        AuditKey("short")
