"""Static against dynamic limits on the same simulated market (issue 13).

    python bench/limits_bench.py [--customers 2000] [--months 12] [--seed 42] [--out DIR]

Runs ``creditline demo`` twice on the same seed -- ``--limits static`` (end of day without
the limit strategy) and ``--limits dynamic`` (the default) -- and prints the two side by
side: losses (balance 90+ days past due at the end; charge-offs do not exist yet), revenue
booked in the ledger (installment fees, interest, penalties), average limit and utilisation
at month ends, the strategy's moves, and how early its cuts came before the hidden default
dates.  The market (population, behaviour draws, hidden truth) is the same in both runs;
what differs is what the strategy did and how the customers responded to their limits
(``simulate.appetite``).  ``--write`` appends the table to ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import platform
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from creditline.simulate.context import DemoConfig
from creditline.simulate.demo import DemoRun

RESULTS = Path(__file__).parent / "RESULTS.md"


def run(mode: str, customers: int, months: int, seed: int, out: Path,
        enterprises: int = 300) -> tuple[dict[str, Any], float]:
    started = time.process_time()
    result = DemoRun(DemoConfig(customers=customers, months=months, seed=seed,
                                enterprises=enterprises, out=out / mode,
                                limits=mode)).run(report=True)
    return result.summary, time.process_time() - started


def _loss(s: dict[str, Any]) -> Decimal:
    """Losses: what was charged off (losses, issue 16) plus what is 90+ days past due at
    the end and not yet charged off -- the same lines the 90+ balance alone counted before
    write-offs existed."""
    return Decimal(s["end"]["charged_off"]) + Decimal(s["end"]["balance_90_plus"])


def rows(s: dict[str, Any], cpu: float) -> dict[str, str]:
    lim = s["limits"]
    cuts = lim["cuts_before_default"]
    psi = lim.get("b_card_psi") or {}
    return {
        "losses: charged off + balance 90+ dpd at the end (CNY)": f"{_loss(s):,.2f}",
        "revenue: fees + interest + penalties (CNY)": f"{Decimal(lim['revenue']['total']):,.2f}",
        "  fees / interest / penalties": " / ".join(
            f"{Decimal(lim['revenue'][k]):,.2f}" for k in ("fees", "interest", "penalties")),
        "purchases (count, CNY)": f"{s['activity']['purchases']['count']:,}, "
                                  f"{Decimal(s['activity']['purchases']['amount']):,.2f}",
        "average limit at month ends (CNY)": f"{Decimal(lim['average_limit']):,.2f}",
        "average utilisation at month ends": f"{100 * lim['average_utilisation']:.1f}%",
        "strategy moves": ", ".join(f"{k} {v:,}" for k, v in lim["moves"].items()) or "none",
        "limit added / removed by the strategy (CNY)":
            f"{Decimal(lim['limit_added']):,.2f} / {Decimal(lim['limit_removed']):,.2f}",
        "defaulting holders cut before default": f"{cuts['cut_before']} of {cuts['defaulters']}"
                                                 f" (median {cuts['median_days_before']} days "
                                                 f"before; {cuts['cut_after']} after)",
        "B-card PSI vs training sample": f"{psi.get('psi', '-')}",
        "CPU seconds of the run": f"{cpu:.0f}",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=2_000)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--enterprises", type=int, default=300,
                    help="as `creditline demo` (its default run: 300)")
    ap.add_argument("--out", type=Path, default=Path("/tmp/creditline-limits-bench"))
    ap.add_argument("--write", action="store_true", help="append the table to bench/RESULTS.md")
    args = ap.parse_args()
    with ProcessPoolExecutor(2) as pool:  # the two runs side by side, each in its process
        futures = {m: pool.submit(run, m, args.customers, args.months, args.seed, args.out,
                                  args.enterprises)
                   for m in ("static", "dynamic")}
        got = {m: f.result() for m, f in futures.items()}
    table = {m: rows(*got[m]) for m in got}
    s_loss = _loss(got["static"][0])
    d_loss = _loss(got["dynamic"][0])
    s_rev = Decimal(got["static"][0]["limits"]["revenue"]["total"])
    d_rev = Decimal(got["dynamic"][0]["limits"]["revenue"]["total"])
    lines = ["| measure | static | dynamic |", "|---|---|---|"]
    lines += [f"| {k} | {table['static'][k]} | {table['dynamic'][k]} |" for k in table["static"]]
    loss_cut = (1 - d_loss / s_loss) if s_loss else Decimal(0)
    rev_change = (d_rev / s_rev - 1) if s_rev else Decimal(0)
    verdict = (f"dynamic loses {100 * loss_cut:.1f}% less than static "
               f"({'meets' if loss_cut >= Decimal('0.30') else 'misses'} the 30 % goal) with "
               f"revenue {100 * rev_change:+.1f}% "
               f"({'equal or higher' if rev_change >= 0 else 'lower'})")
    text = "\n".join(lines)
    print(text)
    print(f"RESULT {verdict}")
    if args.write:
        head = (f"\n## Limits: static against dynamic (issue 13)\n\nDate "
                f"{datetime.now(UTC).date().isoformat()}, {platform.machine()}, 2 cores shared "
                f"with other jobs. Command (from the repository root):\n\n"
                f"    python bench/limits_bench.py --customers {args.customers} --months "
                f"{args.months} --seed {args.seed} --enterprises {args.enterprises} "
                f"--write\n\n"
                f"Both runs on the same seed (the same market and draws).\n\n")
        with RESULTS.open("a", encoding="utf-8") as f:
            f.write(head + text + f"\n\nResult: {verdict}.\n")


if __name__ == "__main__":
    main()
