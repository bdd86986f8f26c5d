"""The audit chain: each entry's hash covers its content and the previous entry's hash,
so an edited, deleted or reordered entry breaks every hash after it.  Pure functions;
the store appends entries inside the same transaction as the change they describe."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


def canonical(details: dict[str, Any]) -> str:
    return json.dumps(details, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


def entry_hash(prev_hash: str, seq: int, at: datetime, actor: str, action: str, entity: str,
               entity_id: str, details: dict[str, Any]) -> str:
    return chain_hash(prev_hash, seq, at.isoformat(), actor, action, entity, entity_id,
                      canonical(details))


def chain_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, entity: str,
               entity_id: str, details: str) -> str:
    """``entry_hash`` over values already in their stored form (ISO time, canonical JSON)."""
    body = "|".join([prev_hash, str(seq), at, actor, action, entity, entity_id, details])
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    checked: int
    ok: bool
    first_bad_seq: int | None = None
    problem: str | None = None


def verify_chain(entries: Iterable[AuditEntry]) -> ChainReport:
    """Walk entries in ``seq`` order and report the first one whose link or hash is wrong."""
    prev = GENESIS
    expected_seq = 1
    n = 0
    for e in entries:
        n += 1
        if e.seq != expected_seq:
            return ChainReport(n, False, e.seq, f"sequence gap: expected {expected_seq}, found {e.seq}")
        if e.prev_hash != prev:
            return ChainReport(n, False, e.seq, "previous-hash link broken")
        h = entry_hash(e.prev_hash, e.seq, e.at, e.actor, e.action, e.entity, e.entity_id, e.details)
        if h != e.hash:
            return ChainReport(n, False, e.seq, "entry content does not match its hash")
        prev = e.hash
        expected_seq += 1
    return ChainReport(n, True)
