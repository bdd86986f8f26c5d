"""The collections rule folder (``collections/rules``): buckets, the small-balance tolerance
and the contact-compliance profiles, read as one versioned folder so every case and every
contact verdict records the ``version+hash12`` label of the rules that decided it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from creditline.errors import NotFound, ValidationError
from creditline.money import to_money
from creditline.versioned import read_versioned

RULES_DIR = Path(__file__).parent / "rules"
WHAT = "collections.rules"


@dataclass(frozen=True)
class Bucket:
    name: str
    from_dpd: int
    to_dpd: int | None  # None: open-ended


@dataclass(frozen=True)
class Profile:
    """One jurisdiction's contact rules (see ``rules/profiles.json`` for each field)."""

    id: str
    title: str
    zone: str
    allowed_from: time
    allowed_until: time
    hours_waivable: bool
    connected_calls_per_day: int | None
    call_attempts: int | None
    attempt_window_days: int | None
    conversation_cooldown_days: int | None
    unrelated_parties: bool

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)


@dataclass(frozen=True)
class EmergencyRules:
    """When a verified emergency contact may be approached, and the words no message to a
    contact may contain (``rules/emergency_contacts.json``)."""

    unreachable_attempts: int
    unreachable_days: int
    approaches_per_contact: int
    forbidden_words: dict[str, tuple[str, ...]]

    def forbidden_in(self, text: str, language: str) -> list[str]:
        """The forbidden words ``text`` contains (case-insensitive; an English word or phrase
        matches on word boundaries, a Chinese one anywhere)."""
        low = text.lower()
        hits = []
        for word in self.forbidden_words.get(language, ()):
            w = word.lower()
            if language == "en":
                if re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", low):
                    hits.append(word)
            elif w in low:
                hits.append(word)
        return hits

    def forbidden_any(self, text: str) -> list[str]:
        """Forbidden words of any language in ``text`` (a message is checked in both)."""
        return [w for lang in sorted(self.forbidden_words) for w in self.forbidden_in(text, lang)]


@dataclass(frozen=True)
class CollectionsRules:
    version: str
    hash: str
    buckets: tuple[Bucket, ...]
    tolerance: Decimal
    profiles: dict[str, Profile]
    default_profile: str
    retention_years: int
    emergency: EmergencyRules

    @property
    def label(self) -> str:
        return f"{self.version}+{self.hash[:12]}"

    def profile(self, profile_id: str) -> Profile:
        p = self.profiles.get(profile_id)
        if p is None:
            raise NotFound(f"no compliance profile {profile_id!r} (known: "
                           f"{', '.join(sorted(self.profiles))})")
        return p

    @property
    def bucket_names(self) -> list[str]:
        return [b.name for b in self.buckets]


def _hhmm(value: Any, where: str) -> time:
    try:
        h, m = str(value).split(":")
        return time(int(h), int(m))
    except ValueError:
        raise ValidationError(WHAT, f"{where} must be HH:MM, not {value!r}") from None


def _opt_int(doc: dict[str, Any], key: str, where: str) -> int | None:
    v = doc.get(key)
    if v is None:
        return None
    if not isinstance(v, int) or isinstance(v, bool) or v < 1:
        raise ValidationError(WHAT, f"{where}.{key} must be a positive integer or null")
    return v


def _buckets(doc: dict[str, Any]) -> tuple[tuple[Bucket, ...], Decimal]:
    rows = doc.get("buckets")
    if not isinstance(rows, list) or len(rows) < 2:
        raise ValidationError(WHAT, "buckets.json needs a list of at least two buckets")
    out = []
    expected = 0
    for i, r in enumerate(rows):
        b = Bucket(str(r["name"]), int(r["from_dpd"]),
                   None if r.get("to_dpd") is None else int(r["to_dpd"]))
        if b.from_dpd != expected or (b.to_dpd is not None and b.to_dpd < b.from_dpd):
            raise ValidationError(WHAT, f"bucket {b.name} must start at {expected} days past "
                                        "due and end at or after its start")
        if b.to_dpd is None and i != len(rows) - 1:
            raise ValidationError(WHAT, "only the last bucket may be open-ended")
        expected = (b.to_dpd or 0) + 1
        out.append(b)
    if out[0].to_dpd != 0:
        raise ValidationError(WHAT, "the first bucket is current: 0 to 0 days past due")
    if out[-1].to_dpd is not None:
        raise ValidationError(WHAT, "the last bucket must be open-ended (to_dpd null)")
    return tuple(out), to_money(str(doc.get("tolerance", "0")), "tolerance", allow_zero=True)


def _profiles(doc: dict[str, Any]) -> dict[str, Profile]:
    out: dict[str, Profile] = {}
    for r in doc.get("profiles") or []:
        pid = str(r["id"])
        where = f"profiles.{pid}"
        try:
            ZoneInfo(str(r["zone"]))
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError(WHAT, f"{where}.zone {r['zone']!r} is not a time zone") from None
        out[pid] = Profile(
            id=pid, title=str(r.get("title", pid)), zone=str(r["zone"]),
            allowed_from=_hhmm(r["allowed_from"], f"{where}.allowed_from"),
            allowed_until=_hhmm(r["allowed_until"], f"{where}.allowed_until"),
            hours_waivable=bool(r.get("hours_waivable", False)),
            connected_calls_per_day=_opt_int(r, "connected_calls_per_day", where),
            call_attempts=_opt_int(r, "call_attempts", where),
            attempt_window_days=_opt_int(r, "attempt_window_days", where),
            conversation_cooldown_days=_opt_int(r, "conversation_cooldown_days", where),
            unrelated_parties=bool(r.get("unrelated_parties", False)))
        if (out[pid].call_attempts is None) != (out[pid].attempt_window_days is None):
            raise ValidationError(WHAT, f"{where}: call_attempts and attempt_window_days go "
                                        "together")
    if not out:
        raise ValidationError(WHAT, "profiles.json needs at least one profile")
    return out


def _emergency(doc: dict[str, Any]) -> EmergencyRules:
    where = "emergency_contacts"
    counts = {}
    for key in ("unreachable_attempts", "unreachable_days", "approaches_per_contact"):
        v = _opt_int(doc, key, where)
        if v is None:
            raise ValidationError(WHAT, f"{where}.{key} must be a positive integer")
        counts[key] = v
    words = doc.get("forbidden_words")
    if not isinstance(words, dict) or set(words) != {"en", "zh"} or not all(
            isinstance(v, list) and v and all(isinstance(w, str) and w.strip() for w in v)
            for v in words.values()):
        raise ValidationError(WHAT, f"{where}.forbidden_words needs non-empty word lists for "
                                    "en and zh")
    return EmergencyRules(forbidden_words={k: tuple(v) for k, v in words.items()}, **counts)


def load_rules(folder: Path | str = RULES_DIR) -> CollectionsRules:
    vf = read_versioned(folder, files_key="files", what=WHAT)
    docs = dict(vf.files)
    buckets, tolerance = _buckets(docs["buckets.json"])
    profiles = _profiles(docs["profiles.json"])
    params = vf.manifest.get("parameters") or {}
    default = str(params.get("default_profile", next(iter(profiles))))
    if default not in profiles:
        raise ValidationError(WHAT, f"default_profile {default!r} is not a profile")
    years = int(params.get("contact_log_retention_years", 5))
    if years < 5:
        raise ValidationError(WHAT, "contact_log_retention_years must be at least 5")
    return CollectionsRules(vf.version, vf.hash, buckets, tolerance, profiles, default, years,
                            _emergency(docs["emergency_contacts.json"]))


@lru_cache(maxsize=1)
def default_rules() -> CollectionsRules:
    """The shipped rules, read once per process."""
    return load_rules(RULES_DIR)
