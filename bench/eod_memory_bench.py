"""End of day's memory against the size of the book: the busy day (every line bills) run by
``creditline eod`` in its own process, its peak resident memory read by ``/usr/bin/time -v``.

    python bench/eod_memory_bench.py [--lines 50000 200000] [--partition 20000]

For each size: a book seeded and closed through 28 February (``eod_crash_bench.
template_book``: the bench's seeding, in this process, is not what is measured), then
``creditline eod --date 2026-03-01`` on it in a child process.  Memory bounded by the
partition shows as a peak that hardly moves with the lines.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eod_bench import PG_URL
from eod_crash_bench import env, eod_command, template_book

from creditline.store.scratch import drop_database

BUSY = date(2026, 3, 1)


def measure(lines: int, partition: int) -> str:
    folder = Path(tempfile.mkdtemp(prefix="eod-memory-"))
    url = template_book(lines, partition, folder)
    try:
        done = subprocess.run(["/usr/bin/time", "-v", *eod_command(url, BUSY, partition)],
                              env=env(folder), capture_output=True, text=True, check=False)
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
        wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", done.stderr)
        if done.returncode or rss is None or wall is None:
            return f"RESULT {lines:,} lines: failed (exit {done.returncode})\n{done.stderr[-2000:]}"
        return (f"RESULT {lines:,} lines: busy day in its own process {wall.group(1)}, "
                f"peak RSS {int(rss.group(1)) / 1024:.0f} MiB")
    finally:
        drop_database(url, PG_URL)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, nargs="+", default=[50_000, 200_000])
    ap.add_argument("--partition", type=int, default=20_000)
    a = ap.parse_args()
    if any(n < 1 for n in a.lines) or a.partition < 1:
        ap.error("--lines and --partition must be positive")
    for n in a.lines:
        print(measure(n, a.partition), flush=True)


if __name__ == "__main__":
    main()
