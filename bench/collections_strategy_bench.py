"""The C-card collection strategy against the fixed ladder, on the same seed.

    python bench/collections_strategy_bench.py --customers 2000 --months 12 --seed 42

Runs the demo twice through the real services (``creditline demo``: the same simulated
market, the same seed), once with end of day deciding collection with the shipped C-card
strategy (``collections/strategy_rules``) and once with the fixed ladder
(``collections/strategy_ladder``: everybody in a bucket gets the same contacts), and prints
what each recovered, the contacts it made, recovered per contact, its cost and its cures
(``summary.json``'s ``collections.strategy``).  ``--side`` runs one side only (to run the two
in parallel) and ``--table A.json B.json`` prints the table from two sides' results.
Nothing here is tuned towards either side: the tables, the C-card and the simulated
response are what ships.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from creditline.simulate.context import DemoConfig
from creditline.simulate.demo import DemoRun

ROWS = (("recovered", "recovered (CNY)"), ("contacts", "contacts made on cases"),
        ("recovered_per_contact", "recovered per contact (CNY)"), ("cost", "cost (CNY)"),
        ("agency_commission", "of which agency commission"), ("net_recovered", "recovered - cost"),
        ("cures", "cases cured (resolved)"), ("legal_referrals", "legal referrals"),
        ("response_paid", "paid in response to contacts (CNY)"))


def run_side(side: str, customers: int, months: int, seed: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"creditline-collect-{side}-") as tmp:
        t, started = time.process_time(), time.perf_counter()
        r = DemoRun(DemoConfig(customers=customers, months=months, seed=seed, out=Path(tmp),
                               collections=side)).run(report=False)
        figures = dict(r.summary["collections"]["strategy"])
        figures["replay"] = r.summary["collections"]["contact_replay"]
        figures["desk"] = r.summary["collections"]["desk"]["attempts"]
    figures.update(side=side, customers=customers, months=months, seed=seed,
                   cpu_s=round(time.process_time() - t, 1),
                   wall_s=round(time.perf_counter() - started, 1))
    return figures


def table(a: dict[str, Any], b: dict[str, Any]) -> str:
    head = f"| figure | {a['side']} | {b['side']} |\n|---|---|---|\n"
    rows = "".join(f"| {label} | {a[k]} | {b[k]} |\n" for k, label in ROWS)
    chans = sorted(set(a["contacts_by_channel"]) | set(b["contacts_by_channel"]))
    rows += "".join(f"| contacts: {c} | {a['contacts_by_channel'].get(c, 0)} | "
                    f"{b['contacts_by_channel'].get(c, 0)} |\n" for c in chans)
    rows += (f"| due-date reminders to customers with no case (not counted above) | "
             f"{a.get('contacts_without_case', '-')} | {b.get('contacts_without_case', '-')} |\n")
    rows += (f"| replay: outside hours / over limits | {a['replay']['outside_hours']} / "
             f"{a['replay']['over_limits']} | {b['replay']['outside_hours']} / "
             f"{b['replay']['over_limits']} |\n")
    return head + rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--customers", type=int, default=2000)
    p.add_argument("--months", type=int, default=12)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--side", choices=("ccard", "ladder"), default=None)
    p.add_argument("--out", type=Path, default=None, help="write the side's figures here")
    p.add_argument("--table", nargs=2, type=Path, default=None)
    args = p.parse_args()
    if args.table:
        a, b = (json.loads(x.read_text()) for x in args.table)
        print(table(a, b))
        return
    sides = [args.side] if args.side else ["ccard", "ladder"]
    results = [run_side(s, args.customers, args.months, args.seed) for s in sides]
    for r in results:
        if args.out:
            args.out.write_text(json.dumps(r, indent=1) + "\n")
        json.dump(r, sys.stdout, indent=1)
        print()
    if len(results) == 2:
        print(table(*results))


if __name__ == "__main__":
    main()
