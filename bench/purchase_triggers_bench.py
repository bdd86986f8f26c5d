"""The purchase path with and without the real-time triggers: p50 / p99 of one purchase,
in-process on SQLite, before and after, in the same run.

    python bench/purchase_triggers_bench.py [--before REV] [--lines 200] [--purchases 2000]

"Before" is the tree at ``REV`` (default: the commit before the triggers landed), exported
with ``git archive`` into a temporary folder and run by this same script in a subprocess
with ``PYTHONPATH`` pointing at it; "after" is the working tree.  Both measure the same
thing on a fresh SQLite database: ``--lines`` lines with five purchases of history each
(the activity a trigger reads), then ``--purchases`` small purchases round-robin over the
lines, timed one by one around ``servicing.services.purchase`` (no trigger fires on them:
the cost measured is that of looking).  The rounds alternate before / after so a noisy
neighbour hurts both alike.  The "after" side also times the trigger look alone
(``servicing.triggers.on_event``: one activity read and one table evaluation).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

BEFORE = "2471b7e"  # main before issue 13's triggers lane
SECRET = "bench-secret-key-0123456789abcdef"
DAY = date(2026, 3, 2)


def quantiles(wall: list[float], cpu: list[float]) -> dict[str, float]:
    """p50 / p99 of wall time and of this thread's CPU time (on a shared machine the wall
    p99 is mostly time spent waiting for a core; the CPU p99 is what the code costs)."""
    def q(samples: list[float], at: float) -> float:
        ordered = sorted(samples)
        return 1000 * ordered[int(at * (len(ordered) - 1))]
    return {"p50_ms": q(wall, 0.5), "p99_ms": q(wall, 0.99), "cpu_p50_ms": q(cpu, 0.5),
            "cpu_p99_ms": q(cpu, 0.99), "n": len(wall)}


def measure(lines: int, purchases: int) -> dict[str, object]:
    """One side: build the book, time the purchases (runs in whichever tree is imported)."""
    from sqlalchemy import insert

    from creditline.auth import SYSTEM
    from creditline.bootstrap import bootstrap
    from creditline.clock import FixedClock
    from creditline.servicing import services as sv
    from creditline.settings import Settings
    from creditline.store.tables.foundation import customers

    folder = Path(tempfile.mkdtemp(prefix="bench-purchase-"))
    clock = FixedClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    container = bootstrap(Settings(database_url=f"sqlite:///{folder / 'p.db'}",
                                   secret_key=SECRET, data_dir=folder), clock=clock)
    ids = []
    for n in range(lines):
        cid = str(uuid.uuid4())
        with container.uow() as uow:
            uow.session.execute(insert(customers).values(
                id=cid, kind="person", name=f"bench {n}", attributes={}, consents={},
                created_at=uow.now(), version=1))
            uow.commit()
        line = sv.open_line(sv.OpenLine(cid, "consumer_bnpl", "20000.00"), container.uow(),
                            SYSTEM)
        ids.append(line.id)
        for k, amount in enumerate(("120.00", "80.00", "300.00", "95.00", "150.00")):
            sv.purchase(sv.Purchase(line.id, amount, "Freshway Market", "groceries",
                                    idempotency_key=f"h-{n}-{k}"), container.uow(), SYSTEM)
    wall, cpu = [], []
    for i in range(purchases):
        cmd = sv.Purchase(ids[i % lines], "12.50", "Daily Basket", "groceries", 1,
                          idempotency_key=f"t-{i}")
        t0, c0 = time.perf_counter(), time.thread_time()
        sv.purchase(cmd, container.uow(), SYSTEM)
        cpu.append(time.thread_time() - c0)
        wall.append(time.perf_counter() - t0)
    out: dict[str, object] = {"purchase": quantiles(wall, cpu)}
    try:
        from creditline.servicing import triggers
    except ImportError:  # the tree before triggers
        return out
    rules = triggers.trigger_rules()
    wall, cpu = [], []
    for i in range(purchases):
        with container.uow() as uow:
            line = uow.lines.get(ids[i % lines])
            assert line is not None
            t0, c0 = time.perf_counter(), time.thread_time()
            verdict = triggers.on_event(uow, "purchase", line, DAY, line.limit / 100,
                                        "groceries", rules)
            cpu.append(time.thread_time() - c0)
            wall.append(time.perf_counter() - t0)
            assert not verdict.fired
    out["trigger_look"] = quantiles(wall, cpu)
    container.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", default=BEFORE)
    ap.add_argument("--lines", type=int, default=200)
    ap.add_argument("--purchases", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--side", choices=["here"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.side == "here":
        print(json.dumps(measure(args.lines, args.purchases)))
        return
    root = Path(__file__).resolve().parent.parent
    old = Path(tempfile.mkdtemp(prefix="bench-before-"))
    archive = subprocess.run(["git", "-C", str(root), "archive", args.before, "src"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
    trees = {"before": old / "src", "after": root / "src"}
    results: dict[str, list[dict[str, object]]] = {"before": [], "after": []}
    for _ in range(args.rounds):
        for side, src in trees.items():
            env = {**os.environ, "PYTHONPATH": str(src)}
            got = subprocess.run([sys.executable, __file__, "--side", "here", "--lines",
                                  str(args.lines), "--purchases", str(args.purchases)],
                                 env=env, check=True, capture_output=True, text=True, cwd=old)
            results[side].append(json.loads(got.stdout.strip().splitlines()[-1]))
    print(f"purchase path, {args.purchases} purchases over {args.lines} lines, SQLite, "
          f"{args.rounds} rounds (before = {args.before})")
    keys = ("p50_ms", "p99_ms", "cpu_p50_ms", "cpu_p99_ms")
    best: dict[str, dict[str, float]] = {}
    for side, runs in results.items():  # the best round of each side (least disturbed)
        best[side] = {k: min(float(r["purchase"][k]) for r in runs) for k in keys}  # type: ignore[index]
        print(f"  {side:6s} " + "  ".join(f"{k} {best[side][k]:.3f}" for k in keys))
    for k in keys:
        print(f"  after - before {k}: {best['after'][k] - best['before'][k]:+.3f} ms "
              f"(after / before = {best['after'][k] / best['before'][k]:.2f})")
    looks = [r["trigger_look"] for r in results["after"]]
    print("  trigger look alone (activity read + table): " + "  ".join(
        f"{k} {min(float(x[k]) for x in looks):.3f}" for k in keys))  # type: ignore[index]
    print(f"  load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
