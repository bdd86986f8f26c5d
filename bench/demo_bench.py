"""How long the main job (``creditline demo``) takes, step by step.

    python bench/demo_bench.py                       # CLI defaults: 2,000 x 12 months, 300 SMEs
    python bench/demo_bench.py --activity 1.0        # the simulator's own habits
    python bench/demo_bench.py --customers 20000     # the large book

Runs ``DemoRun`` in-process (the same code the CLI runs, with the CLI's defaults, without the
progress bar) into a scratch folder and prints wall and CPU seconds for each step (every
opening, daily and closing step, the summary and the report), the end-of-day pipeline's own
seconds per stage (from ``eod_stage_runs``), the number of actions the services took and the
per-action cost.  ``--summary-to`` keeps ``summary.json`` to compare two trees' runs byte
for byte (the run's own seconds are not in it).  Imports are timed apart: on a machine with
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

import sqlalchemy as sa

_t0, _c0 = time.perf_counter(), time.process_time()
import creditline.origination.apply  # noqa: E402  (the heavy imports, timed)
import creditline.simulate.report  # noqa: E402, F401
from creditline.simulate.demo import DemoConfig, DemoRun  # noqa: E402

IMPORT_WALL, IMPORT_CPU = time.perf_counter() - _t0, time.process_time() - _c0


def cli_default(name: str) -> object:
    """The CLI's own default for an option (``creditline demo``), so that the bench runs what
    a user runs (``DemoConfig``'s defaults differ: 0 enterprises there)."""
    import inspect

    from creditline.cli.demo import demo

    return inspect.signature(demo).parameters[name].default


def eod_stages(out: Path) -> dict[str, tuple[float, int]]:
    """Seconds and lines per end-of-day stage over the run, as the pipeline recorded them."""
    engine = sa.create_engine(f"sqlite:///{out / 'creditline.db'}")
    try:
        with engine.connect() as c:
            rows = c.execute(sa.text(
                "SELECT stage, SUM(seconds), SUM(lines), MIN(position) FROM eod_stage_runs "
                "GROUP BY stage ORDER BY MIN(position)")).all()
    finally:
        engine.dispose()
    return {r[0]: (float(r[1]), int(r[2])) for r in rows}


def bench(customers: int, months: int, seed: int, activity: float, enterprises: int,
          keep: Path | None, summary_to: Path | None) -> None:
    out = keep or Path(tempfile.mkdtemp(prefix="demo-bench-"))
    started, cpu0 = time.perf_counter(), time.process_time()
    result = DemoRun(DemoConfig(customers=customers, months=months, seed=seed, out=out,
                                activity=activity, enterprises=enterprises),
                     secret_key="bench-secret-key-0123456789").run()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu0
    s, ctx = result.summary, result.context
    act = s["activity"]
    actions = act["purchases"]["count"] + act["returns"]["count"] + act["repayments"]["count"]
    load = os.getloadavg()[0]
    print(f"\n## {customers:,} customers x {months} months, {enterprises} enterprises, "
          f"seed {seed}, activity {activity}  (load average at the end {load:.1f})")
    print(f"{'step':<24}{'wall s':>9}{'cpu s':>9}")
    for name, secs in ctx.timings.items():
        print(f"{name:<24}{secs:>9.1f}{ctx.cpu.get(name, 0.0):>9.1f}")
    print(f"{'total':<24}{wall:>9.1f}{cpu:>9.1f}")
    print("end of day by stage (the pipeline's own wall seconds, lines computed):")
    for stage, (secs, lines) in eod_stages(out).items():
        print(f"  {stage:<22}{secs:>9.1f}{lines:>12,}")
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
    if summary_to is not None:
        shutil.copyfile(result.summary_path, summary_to)
    if keep is None:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--customers", type=int, nargs="+", default=[2_000])
    p.add_argument("--months", type=int, default=12)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--activity", type=float, default=cli_default("activity"))
    p.add_argument("--enterprises", type=int, default=cli_default("enterprises"))
    p.add_argument("--keep", type=Path, default=None, help="write the demo here and keep it")
    p.add_argument("--summary-to", type=Path, default=None,
                   help="copy the run's summary.json here (one --customers value)")
    a = p.parse_args()
    print(f"imports: {IMPORT_WALL:.1f} s wall, {IMPORT_CPU:.1f} s cpu")
    for n in a.customers:
        bench(n, a.months, a.seed, a.activity, a.enterprises, a.keep, a.summary_to)


if __name__ == "__main__":
    main()
