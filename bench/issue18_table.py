"""Issue 18's table, re-measured in one run: each row's bench, back to back, on this machine.

    python bench/issue18_table.py [--out DIR] [--rows ROW ...] [--eod-lines 100000]
                                  [--http-seconds 10] [--scoring-rows 1000000]

Runs the benches the rows come from as subprocesses of this interpreter, one after the other
(never two at once: they would share the two cores), keeps each one's full output in
``--out`` (default ``bench/out/issue18-<UTC time>``) and prints the table with each figure
next to the ceiling or peer the same bench measured in the same run -- absolute times on
these shared machines swing by ±30 %, the ratios much less.  A row whose bench fails or
prints nothing recognisable says so in the table instead of a figure.

Rows (``--rows`` picks some):
- ``http``: ``bench/origination_bench.py http`` on PostgreSQL, 2 workers, 32 clients: the
  decisions and the no-op route of the same servers.
- ``eod``: ``bench/eod_bench.py --mode busy`` on PostgreSQL: the statement day (every line
  bills) with every default stage, and the kernel alone on 1 M in-memory lines.
- ``scoring``: ``bench/scoring_bench.py --part speed``: batch scoring from columns and from
  frames next to a NumPy sum of the same columns, and one application from a one-row frame.
- ``demo``: ``bench/demo_bench.py``: the default demo, and the same at activity 1.0.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
# the lines of each bench's output the table is read from (the rest stays in the log)
KEEP = {
    "http": re.compile(r"HTTP |req/s|p99|answers"),
    "eod": re.compile(r"^RESULT|kernel"),
    "scoring": re.compile(r"^\| |one application"),
    "demo": re.compile(r"^## |^total|^  [a-z_]+ +[0-9.]+ +[0-9,]+$"),
}


def commands(a: argparse.Namespace) -> dict[str, list[list[str]]]:
    py = sys.executable
    return {
        "scoring": [[py, str(BENCH / "scoring_bench.py"), "--part", "speed",
                     "--rows", str(a.scoring_rows), "--repeat", "3"]],
        "http": [[py, str(BENCH / "origination_bench.py"), "http", "--db", "postgres",
                  "--workers", "2", "--concurrency", "32", "--seconds", str(a.http_seconds),
                  "--applicants", "1500"]],
        "eod": [[py, str(BENCH / "eod_bench.py"), "--mode", "busy", "--lines",
                 str(a.eod_lines), "--partition", str(min(20_000, a.eod_lines)),
                 "--kernel-lines", "1000000", "--busy-rounds", "1", "--sides",
                 "pipeline,kernel,copy"]],
        "demo": [[py, str(BENCH / "demo_bench.py")],
                 [py, str(BENCH / "demo_bench.py"), "--activity", "1.0"]],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--rows", nargs="+", choices=list(KEEP), default=list(KEEP))
    ap.add_argument("--eod-lines", type=int, default=100_000)
    ap.add_argument("--http-seconds", type=float, default=10.0)
    ap.add_argument("--scoring-rows", type=int, default=1_000_000)
    a = ap.parse_args()
    if a.eod_lines < 1 or a.http_seconds <= 0 or a.scoring_rows < 1:
        ap.error("--eod-lines, --http-seconds and --scoring-rows must be positive")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = a.out or BENCH / "out" / f"issue18-{stamp}"
    out.mkdir(parents=True, exist_ok=True)
    print(f"issue 18 table, {stamp}, logs in {out}", flush=True)
    for row in a.rows:
        for k, cmd in enumerate(commands(a)[row]):
            log = out / f"{row}-{k}.log"
            t = time.perf_counter()
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
            log.write_text(f"$ {' '.join(cmd)}\n{done.stdout}\n--- stderr\n{done.stderr}")
            print(f"\n# {row} ({time.perf_counter() - t:.0f} s wall, exit {done.returncode}): "
                  f"{' '.join(Path(c).name if c.startswith('/') else c for c in cmd)}")
            kept = [ln for ln in done.stdout.splitlines() if KEEP[row].search(ln)]
            print("\n".join(kept) if kept else "  (nothing recognisable: see the log)",
                  flush=True)


if __name__ == "__main__":
    main()
