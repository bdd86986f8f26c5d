"""The bureau's file format as versioned data (``formats/<version>/``): the repayment status
alphabet, how Creditline's facts map onto it, the account and subject types, and the text
layout.  A new bureau format is a new folder; every run records the ``version+hash12``
label of the format it wrote."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from creditline.errors import ValidationError
from creditline.versioned import read_versioned

FORMATS_DIR = Path(__file__).parent / "formats"
DEFAULT_VERSION = "2026.1"
WHAT = "bureau.format"
FACTS = ("not_opened", "no_payment_due", "paid", "paid_late_in_month", "closed",
         "written_off", "sold", "unknown")
ACCOUNT_STATES = ("active", "overdue", "closed", "bad_debt", "transferred")


@dataclass(frozen=True)
class Code:
    code: str
    en: str
    zh: str
    negative: bool
    report_once: bool


@dataclass(frozen=True)
class AccountType:
    code: str
    subject: str  # P person | E enterprise
    en: str
    zh: str


@dataclass(frozen=True)
class BureauFormat:
    version: str
    label: str
    codes: dict[str, Code]
    facts: dict[str, str]  # a fact of the month -> its code
    buckets: dict[str, str]  # a collections bucket name -> its code
    account_status: dict[str, str]  # a state of the account -> its code
    account_types: dict[str, AccountType]  # product kind -> account type
    separator: str
    fields: tuple[str, ...]
    history_months: int
    notice_days: int
    retention_years: int

    def fact(self, name: str) -> str:
        return self.facts[name]

    def negative(self, code: str) -> bool:
        return self.codes[code].negative

    def report_once(self, code: str) -> bool:
        return self.codes[code].report_once

    def any_negative(self, history: str) -> bool:
        return any(self.codes[c].negative for c in history)


def _int(params: dict[str, Any], name: str) -> int:
    v = params.get(name)
    if not isinstance(v, int) or isinstance(v, bool) or v < 0:
        raise ValidationError(WHAT, f"manifest parameter {name!r} must be a whole number >= 0")
    return v


def load_format(folder: Path) -> BureauFormat:
    vf = read_versioned(folder, files_key="files", what=WHAT)
    docs = dict(vf.files)
    try:
        alphabet, layout = docs["alphabet.json"], docs["layout.json"]
        codes = {c["code"]: Code(c["code"], c["en"], c["zh"], bool(c["negative"]),
                                 bool(c.get("report_once", False))) for c in alphabet["codes"]}
        facts = {k: str(v) for k, v in alphabet["facts"].items()}
        buckets = {k: str(v) for k, v in alphabet["buckets"].items()}
        states = {k: str(v["code"]) for k, v in alphabet["account_status"].items()}
        types = {k: AccountType(v["code"], v["subject"], v["en"], v["zh"])
                 for k, v in alphabet["account_types"].items()}
        fields = tuple(f["name"] for f in layout["fields"])
        separator = str(layout["separator"])
    except (KeyError, TypeError) as exc:
        raise ValidationError(WHAT, f"{folder.name}: missing or malformed entry {exc}") from None
    for code in (*facts.values(), *buckets.values()):
        if code not in codes:
            raise ValidationError(WHAT, f"{folder.name}: code {code!r} is not in the alphabet")
    missing = [f for f in FACTS if f not in facts] + [s for s in ACCOUNT_STATES if s not in states]
    if missing:
        raise ValidationError(WHAT, f"{folder.name}: no code for {', '.join(missing)}")
    if any(len(c) != 1 for c in codes) or len(separator) != 1:
        raise ValidationError(WHAT, f"{folder.name}: codes and the separator are one character")
    params = vf.manifest.get("parameters") or {}
    return BureauFormat(vf.version, vf.label, codes, facts, buckets, states, types, separator,
                        fields, _int(params, "history_months"), _int(params, "notice_days"),
                        _int(params, "retention_years"))


@lru_cache(maxsize=4)
def bureau_format(version: str = DEFAULT_VERSION) -> BureauFormat:
    """A shipped format, read once per process."""
    folder = FORMATS_DIR / version
    if not (folder / "manifest.json").is_file():
        known = ", ".join(sorted(p.name for p in FORMATS_DIR.iterdir() if p.is_dir()))
        raise ValidationError("format", f"no bureau format {version!r} (known: {known})")
    return load_format(folder)
