"""How long the main job (``creditline demo``) takes, step by step.

    /work/venv/bin/python bench/demo_bench.py                       # defaults: 2,000 x 12 months
    /work/venv/bin/python bench/demo_bench.py --customers 20000     # the large book

Runs ``DemoRun`` in-process (the same code the CLI runs, without the progress bar) into a
scratch folder and prints wall and CPU seconds for each step, the number of actions the
services took and the per-action cost.  Imports are timed apart: on a machine with
``PYTHONDONTWRITEBYTECODE=1`` every process compiles scikit-learn, SciPy and pandas from
source, which costs ~10 s before the demo starts and is not the demo's doing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

_t0, _c0 = time.perf_counter(), time.process_time()
import creditline.origination.apply  # noqa: E402  (the heavy imports, timed)
import creditline.simulate.report  # noqa: E402, F401
from creditline.simulate.demo import DemoConfig, DemoRun  # noqa: E402

IMPORT_WALL, IMPORT_CPU = time.perf_counter() - _t0, time.process_time() - _c0


def bench(customers: int, months: int, seed: int, activity: float, keep: Path | None) -> None:
    out = keep or Path(tempfile.mkdtemp(prefix="demo-bench-"))
    started, cpu0 = time.perf_counter(), time.process_time()
    result = DemoRun(DemoConfig(customers=customers, months=months, seed=seed, out=out,
                                activity=activity),
                     secret_key="bench-secret-key-0123456789").run()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu0
    s, ctx = result.summary, result.context
    act = s["activity"]
    actions = act["purchases"]["count"] + act["returns"]["count"] + act["repayments"]["count"]
    load = os.getloadavg()[0]
    print(f"\n## {customers:,} customers x {months} months, seed {seed}, activity {activity}"
          f"  (load average at the end {load:.1f})")
    print(f"{'step':<24}{'wall s':>9}{'cpu s':>9}")
    for name, secs in ctx.timings.items():
        print(f"{name:<24}{secs:>9.1f}{ctx.cpu.get(name, 0.0):>9.1f}")
    print(f"{'total':<24}{wall:>9.1f}{cpu:>9.1f}")
    apps = s["applications"]["applied"]
    contacts = s["customers"]["contacts"]
    print(f"applications {apps:,}, contacts {contacts:,}, lines {s['lines']['opened']:,}, "
          f"purchases {act['purchases']['count']:,}, returns {act['returns']['count']:,}, "
          f"repayments {act['repayments']['count']:,}, business days {s['run']['business_days']}")
    per = {"onboarding (per customer)": ctx.cpu["onboarding"] / max(apps, 1),
           "applications (per application)": ctx.cpu["applications"] / max(apps, 1),
           "customer activity (per action)": ctx.cpu["customer activity"] / max(actions, 1),
           "end of day (per day)": ctx.cpu["end of day"] / max(s["run"]["business_days"], 1)}
    for k, v in per.items():
        print(f"  cpu {k}: {1000 * v:.1f} ms")
    print(f"ledger balanced: {s['ledger']['ok']}")
    if keep is None:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--customers", type=int, nargs="+", default=[2_000])
    p.add_argument("--months", type=int, default=12)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--activity", type=float, default=DemoConfig().activity)
    p.add_argument("--keep", type=Path, default=None, help="write the demo here and keep it")
    a = p.parse_args()
    print(f"imports: {IMPORT_WALL:.1f} s wall, {IMPORT_CPU:.1f} s cpu")
    for n in a.customers:
        bench(n, a.months, a.seed, a.activity, a.keep)


if __name__ == "__main__":
    main()
