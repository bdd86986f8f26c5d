"""GB/T 2260 administrative-division codes: the list in force and the historical codes that
older identity numbers still carry, shipped as data (``parties/data/regions/``, sources and
how to update them in the README there).  Read once, on first use, by one thread: the
first applications of a fresh server arrive together, and each used to read the ~110,000
rows itself (0.2 s of CPU each, sixteen at once on one worker)."""

from __future__ import annotations

import csv
import threading
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Division:
    code: str
    level: str  # province | prefecture | county
    name: str
    current: bool  # False: a code of an earlier revision, no longer in force
    last_revision: str | None = None  # historical codes: the last list (YYYYMM) it was in


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("creditline.parties").joinpath("data", "regions", name) \
        .read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines(), delimiter="\t"))


_LOADING = threading.Lock()


def divisions() -> dict[str, Division]:
    """Every known code, current ones winning over a historical use of the same code."""
    with _LOADING:
        return _divisions()


@cache
def _divisions() -> dict[str, Division]:
    out = {r["code"]: Division(r["code"], r["level"], r["name"], False, r["last"])
           for r in _rows("historical.tsv")}
    out.update({r["code"]: Division(r["code"], r["level"], r["name"], True)
                for r in _rows("current.tsv")})
    return out


def division(code: str) -> Division | None:
    return divisions().get(code)
