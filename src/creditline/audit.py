"""The audit chain, keyed and split into streams.  Pure functions; the store appends entries
inside the same transaction as the change they describe.

- **Keyed.**  Each entry's ``hash`` is an HMAC-SHA256, under the audit key (never the data
  key), of its content, its position and the previous entry's hash.  Whoever can write to the
  database but lacks the key cannot re-hash an edited entry or the ones after it.
- **Streams.**  Entries go to one of ``AUDIT_STREAMS`` chains, chosen from the entity id of a
  command's first entry; each chain has its own head row.  Two commands lock the same head only
  when they fall in the same stream, so the chain is no longer one lock every writer queues on.
  A global ``seq`` (allocated while the stream head is held, and covered by the MAC) gives the
  total order readers page through.
- **Heads.**  Each stream's head (count and last hash) carries its own MAC, and verification
  compares the log with the heads, so deleting the tail of a stream is caught.
- **Anchors.**  A signed copy of every head, kept outside the database, proves later that the
  log still holds those entries unchanged and extends from them (a rollback of the database
  to an older, genuine state is otherwise undetectable).  Signed with HMAC under a key
  derived from the audit key, not Ed25519: checking an anchor means re-checking the chain,
  which needs the audit key anyway, so a public key would let no one verify more, and it
  would be one more secret to keep.  The threat is someone who can write to the database
  without holding the audit key; whoever holds the key can forge entries and anchors alike.
- **Legacy.**  Entries written before the key existed (revision 0009) form stream 0 and keep
  their unkeyed SHA-256 chain; every keyed stream starts from stream 0's last hash, so the
  first keyed entry of any stream seals them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

GENESIS = "0" * 64
AUDIT_STREAMS = 16  # keyed streams 1..16; stream 0 holds the legacy (unkeyed) entries
LEGACY_STREAM = 0
ANCHOR_PREFIX = "clanchor1"


@dataclass(frozen=True)
class AuditEntry:
    seq: int  # global order, the cursor readers page with
    stream: int
    stream_seq: int  # position in the stream, 1, 2, 3 ...
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class StreamHead:
    stream: int
    seq: int  # entries in the stream
    hash: str  # hash of its last entry (the genesis hash while empty)
    mac: str | None  # HMAC of (stream, seq, hash); None only while empty


def canonical(details: dict[str, Any]) -> str:
    return json.dumps(details, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


def stream_of(entity_id: str) -> int:
    """The stream a command's entries go to: spread by entity id, stable for one entity."""
    digest = hashlib.sha256(entity_id.encode()).digest()
    return 1 + int.from_bytes(digest[:4], "big") % AUDIT_STREAMS


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"creditline-audit",
                info=purpose).derive(secret.encode())


class AuditKey:
    """The audit secret, split by HKDF into a chain key and an anchor-signing key."""

    def __init__(self, secret: str) -> None:
        if len(secret) < 16:
            raise ValueError("the audit key must be at least 16 characters")
        self._chain = _derive(secret, b"audit-chain")
        self._anchor = _derive(secret, b"audit-anchor")

    def _mac(self, key: bytes, parts: list[Any]) -> str:
        # a JSON array: unambiguous however the fields are spelled (no delimiter to forge)
        body = json.dumps(parts, separators=(",", ":"), ensure_ascii=False).encode()
        return hmac.new(key, body, hashlib.sha256).hexdigest()

    def entry_mac(self, prev_hash: str, seq: int, stream: int, stream_seq: int, at: str,
                  actor: str, action: str, entity: str, entity_id: str, details: str) -> str:
        """MAC over an entry in its stored form (ISO time, canonical JSON details)."""
        return self._mac(self._chain, ["entry", prev_hash, seq, stream, stream_seq, at, actor,
                                       action, entity, entity_id, details])

    def head_mac(self, stream: int, seq: int, hash_: str) -> str:
        return self._mac(self._chain, ["head", stream, seq, hash_])

    def sign(self, payload: str) -> str:
        return hmac.new(self._anchor, payload.encode(), hashlib.sha256).hexdigest()


def entry_mac_of(key: AuditKey, e: AuditEntry) -> str:
    return key.entry_mac(e.prev_hash, e.seq, e.stream, e.stream_seq, e.at.isoformat(), e.actor,
                         e.action, e.entity, e.entity_id, canonical(e.details))


def legacy_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, entity: str,
                entity_id: str, details: str) -> str:
    """The unkeyed SHA-256 link of entries written before revision 0009 (stream 0)."""
    body = "|".join([prev_hash, str(seq), at, actor, action, entity, entity_id, details])
    return hashlib.sha256(body.encode()).hexdigest()


# ---------------------------------------------------------------------------- anchors

@dataclass(frozen=True)
class Anchor:
    """Every stream's head at one moment, signed with the audit key."""
    at: str
    heads: tuple[tuple[int, int, str], ...]  # (stream, seq, hash)

    @property
    def total(self) -> int:
        return sum(seq for _, seq, _ in self.heads)

    @property
    def digest(self) -> str:
        """One hash that stands for all heads (what an operator writes down)."""
        return hashlib.sha256(json.dumps([list(h) for h in self.heads]).encode()).hexdigest()

    def token(self, key: AuditKey) -> str:
        payload = base64.urlsafe_b64encode(json.dumps(
            {"at": self.at, "heads": [list(h) for h in self.heads]},
            separators=(",", ":")).encode()).decode().rstrip("=")
        return f"{ANCHOR_PREFIX}.{payload}.{key.sign(payload)}"


class BadAnchor(ValueError):
    """The anchor text is malformed or its signature is not the audit key's."""


def make_anchor(heads: Mapping[int, StreamHead], at: datetime) -> Anchor:
    return Anchor(at=at.isoformat(), heads=tuple((s, h.seq, h.hash)
                                                 for s, h in sorted(heads.items())))


def parse_anchor(text: str, key: AuditKey) -> Anchor:
    parts = text.strip().split(".")
    if len(parts) != 3 or parts[0] != ANCHOR_PREFIX:
        raise BadAnchor(f"not an audit anchor (expected '{ANCHOR_PREFIX}.<payload>.<signature>')")
    _, payload, sig = parts
    if not hmac.compare_digest(key.sign(payload), sig):
        raise BadAnchor("anchor signature does not match the audit key")
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        heads = tuple((int(s), int(n), str(h)) for s, n, h in data["heads"])
        return Anchor(at=str(data["at"]), heads=heads)
    except (ValueError, KeyError, TypeError) as exc:
        raise BadAnchor(f"anchor payload unreadable: {exc}") from None


# ---------------------------------------------------------------------------- verification

@dataclass(frozen=True)
class ChainReport:
    checked: int
    ok: bool
    first_bad_seq: int | None = None
    problem: str | None = None
    stream: int | None = None
    anchored: bool = False  # an anchor was checked (and, if ok, held)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "checked": self.checked, "first_bad_seq": self.first_bad_seq,
                "stream": self.stream, "problem": self.problem, "anchored": self.anchored}


@dataclass
class _Stream:
    next: int = 1
    prev: str | None = None  # None: still at genesis
    last_seq: int | None = None  # global seq of its last entry
    seen: dict[int, str] = field(default_factory=dict)  # anchored positions -> hash found


def verify_log(key: AuditKey, entries: Iterable[AuditEntry], heads: Mapping[int, StreamHead],
               anchor: Anchor | None = None, streams: int = AUDIT_STREAMS) -> ChainReport:
    """Walk the entries in global order and check every stream's links and MACs, then every
    stream against its signed head, and (if given) that the anchored heads are still there.
    The first problem found is reported, naming the entry (``first_bad_seq``) and stream."""
    state = {s: _Stream() for s in range(streams + 1)}
    want = {s: n for s, n, _ in anchor.heads} if anchor else {}
    anchored = anchor is not None
    n = 0

    def bad(e: AuditEntry | None, stream: int, problem: str) -> ChainReport:
        return ChainReport(n, False, e.seq if e else None, f"stream {stream}: {problem}", stream,
                           anchored)

    def genesis(s: int) -> str:
        return GENESIS if s == LEGACY_STREAM else (state[LEGACY_STREAM].prev or GENESIS)

    last_global = 0
    for e in entries:
        n += 1
        st = state.get(e.stream)
        if st is None:
            return bad(e, e.stream, f"entry seq {e.seq} names an unknown stream")
        if e.seq <= last_global:
            return bad(e, e.stream, f"entry seq {e.seq} is out of order")
        last_global = e.seq
        if e.stream_seq != st.next:
            return bad(e, e.stream, f"expected entry {st.next}, found {e.stream_seq} "
                                    f"(entries missing or moved)")
        prev = st.prev if st.prev is not None else genesis(e.stream)
        if e.prev_hash != prev:
            return bad(e, e.stream, f"entry {e.stream_seq}: previous-hash link broken")
        if e.stream == LEGACY_STREAM:
            if any(other.prev is not None for k, other in state.items() if k != LEGACY_STREAM):
                return bad(e, e.stream, "legacy entry after keyed entries")
            expected = legacy_hash(e.prev_hash, e.stream_seq, e.at.isoformat(), e.actor,
                                   e.action, e.entity, e.entity_id, canonical(e.details))
        else:
            expected = entry_mac_of(key, e)
        if not hmac.compare_digest(expected, e.hash):
            return bad(e, e.stream, f"entry {e.stream_seq}: content does not match its MAC")
        if want.get(e.stream) == e.stream_seq:
            st.seen[e.stream_seq] = e.hash
        st.prev, st.last_seq, st.next = e.hash, e.seq, st.next + 1

    for s, st in state.items():
        count, last = st.next - 1, st.prev if st.prev is not None else genesis(s)
        head = heads.get(s)
        if head is None:
            return bad(None, s, "head row missing")
        if head.seq > count:
            return bad(None, s, f"the log ends at entry {count} but the head says {head.seq} "
                                f"(entries deleted at the end)")
        if head.seq < count:
            return bad(None, s, f"the log has {count} entries but the head says {head.seq}")
        if head.hash != last:
            return bad(None, s, "the head's hash is not the last entry's")
        if s != LEGACY_STREAM and head.seq > 0 and (
                head.mac is None or not hmac.compare_digest(head.mac,
                                                            key.head_mac(s, head.seq, head.hash))):
            return bad(None, s, "the head is not signed with the audit key")
    for s, a_seq, a_hash in (anchor.heads if anchor else ()):
        st = state.get(s)
        if st is None:
            return bad(None, s, "stream of the anchor unknown to this log")
        found = genesis(s) if a_seq == 0 else st.seen.get(a_seq)
        if found is None:
            return bad(None, s, f"the log ends at entry {st.next - 1}, before the anchored "
                                f"head {a_seq} (entries deleted)")
        if found != a_hash:
            return bad(None, s, f"entry {a_seq} differs from the anchored head (rewritten)")
    return ChainReport(n, True, anchored=anchored)
