"""The month's files: the delimited text layout and the JSON form (``formats/<v>/layout.json``
documents both), each with its SHA-256.  Only the records and the header go in, never the
time of the run, so writing the same records again gives the same bytes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from creditline.bureau.format import BureauFormat
from creditline.bureau.records import AccountRecord
from creditline.money import money_str


@dataclass(frozen=True)
class Subject:
    """Who an account is reported under: identity number (a person) or USCC (an
    enterprise), and the name."""

    id: str
    name: str


@dataclass(frozen=True)
class Files:
    text: bytes
    json: bytes

    @property
    def text_sha256(self) -> str:
        return hashlib.sha256(self.text).hexdigest()

    @property
    def json_sha256(self) -> str:
        return hashlib.sha256(self.json).hexdigest()


def sort_key(r: AccountRecord) -> tuple[str, str, str]:
    return (r.record_type, r.line_id, r.month)


def row(r: AccountRecord, subject: Subject) -> dict[str, str]:
    return {"record_type": r.record_type, "month": r.month, "account_id": r.line_id,
            "account_type": r.account_type, "subject_type": r.subject_type,
            "subject_id": subject.id, "subject_name": subject.name, "opened_on": r.opened_on,
            "currency": r.currency, "credit_limit": money_str(r.credit_limit),
            "balance": money_str(r.balance), "past_due": money_str(r.past_due),
            "days_past_due": str(r.days_past_due), "account_status": r.account_status,
            "month_status": r.month_status, "history": r.history,
            "disputed": "Y" if r.disputed else "N"}


def _clean(value: str, sep: str) -> str:
    return value.replace(sep, " ").replace("\r", " ").replace("\n", " ")


def write_files(fmt: BureauFormat, month: str, as_of: str, records: Sequence[AccountRecord],
                subjects: Mapping[str, Subject]) -> Files:
    """Both files for these records (``subjects`` by customer id)."""
    rows = [row(r, subjects[r.customer_id]) for r in sorted(records, key=sort_key)]
    sep = fmt.separator
    lines = [sep.join(["H", fmt.label, month, as_of, str(len(rows))])]
    lines += [sep.join(_clean(r[f], sep) for f in fmt.fields) for r in rows]
    text = ("\n".join(lines) + "\n").encode("utf-8")
    doc: dict[str, Any] = {"format": fmt.label, "month": month, "as_of": as_of,
                           "records": [{f: r[f] for f in fmt.fields} for r in rows]}
    js = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    return Files(text, js)
