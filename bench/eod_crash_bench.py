"""Crash safety of end of day at scale: ``kill -9`` at random points of a run, rerun the same
date, and the book must come out identical to a clean run's.

    python bench/eod_crash_bench.py [--lines 100000] [--kills 8] [--through 2026-03-03]
                                    [--partition 20000] [--seed 18] [--control]
                                    [--template URL [--clean URL --clean-seconds W:I]]

1. **Template.**  One book of ``--lines`` lines is seeded in bulk by ``eod_bench.seed``
   (COPY; 90 % consumer BNPL, 10 % SME, one purchase each on 10 February 2026, statement
   day 1), closed through 28 February in this process, given an admin user, and kept as a
   template database.
2. **Clean run.**  A file-level copy of the template (``CREATE DATABASE ... TEMPLATE``:
   an identical book); ``creditline eod --date THROUGH`` in a subprocess (PostgreSQL, the
   default pipeline, every stage) runs to completion: 1 March is the busy day (every line
   bills and gets a statement), the days after it are quiet.  The book is fingerprinted.
3. **Crash run.**  Another copy; the same command is started and killed with SIGKILL at a
   random time (``random.Random(--seed)``), ``--kills`` times, each time restarted on the
   same database; then it runs to completion.  Fingerprinted; ``ledger check`` and
   ``audit verify`` must pass.  Where each kill landed is read from the book (lines closed
   per day, so the partition) and the run records.
   Each kill comes after part of the start-up plus a random share of the work still to do
   (the clean run's seconds per day, by the lines' last closed days), so the kills spread
   over the run.
4. ``--control`` adds a second clean run, to show which columns differ between two clean
   runs (none should, beyond those left out below).  ``--template``/``--clean`` reuse a kept
   template and its clean run (copies made with ``CREATE DATABASE ... TEMPLATE`` while an
   earlier run of this bench was going), to repeat the crash run alone.

**The fingerprint** (``creditline.store.fingerprint``) is an md5 per table of every row
(sorted, as text) of every table, over every column except what legitimately differs between
two runs of the same work (timestamps, ids drawn at random, sequence numbers, the audit
chain's hashes, and what by design depends on how the work was cut into runs: a day's
``eod.closed`` counts, ``eod_runs``, the lines/seconds of ``eod_stage_runs``); see that
module for the exact list.  Instead of the run records: the last run must be finished, and
each day closed must have one set of stage rows; ``audit verify`` checks the chain.

Prints per run: seconds, kills done and where they landed, per-table equality; the last line
is a ``RESULT`` line.  Exits 1 if any fingerprint differs or a check fails.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eod_bench import PG_URL, SECRET, seed

from creditline.auth import SYSTEM, Role, hash_token
from creditline.batch.run import RunEod, run_eod
from creditline.bootstrap import bootstrap
from creditline.clock import FixedClock
from creditline.settings import Settings
from creditline.store.fingerprint import Fingerprint, column_sums, differing, fingerprint
from creditline.store.scratch import create_database, drop_database

PREFIX = "crashscale_"
AUDIT_KEY = "bench-audit-key-kept-apart-from-the-data-key"
TOKEN = "cl_bench-crash-admin-Qm4vT8zR2kW6nP1sX9cJ3"
BOUGHT, CLOSED = date(2026, 2, 10), date(2026, 2, 28)


# ----------------------------------------------------------------- the book
def template_book(n: int, partition: int, folder: Path) -> str:
    """A book of ``n`` lines closed through 28 February, with an admin whose token the CLI
    runs end of day as; the database's URL."""
    clock = FixedClock()
    clock.set_date(BOUGHT)
    url = create_database(PG_URL, PREFIX + "tpl_")
    c = bootstrap(settings(url, folder), clock=clock)
    try:
        t = time.perf_counter()
        seed(c, n)
        print(f"seeding   {n:,} lines: {time.perf_counter() - t:.1f} s", flush=True)
        t = time.perf_counter()
        clock.set_date(CLOSED)
        run_eod(RunEod(CLOSED, partition), c.uow(), SYSTEM)
        print(f"closing   {CLOSED} in process: {time.perf_counter() - t:.1f} s", flush=True)
        with c.uow() as uow:
            uow.users.add("crash-admin", Role.ADMIN, hash_token(TOKEN))
            uow.commit()
    finally:
        c.dispose()
    return url


def settings(url: str, folder: Path) -> Settings:
    return Settings(database_url=url, secret_key=SECRET, audit_key=AUDIT_KEY, data_dir=folder,
                    token_days_admin=3650)


def env(folder: Path) -> dict[str, str]:
    return {**os.environ, "CREDITLINE_SECRET_KEY": SECRET, "CREDITLINE_AUDIT_KEY": AUDIT_KEY,
            "CREDITLINE_DATA_DIR": str(folder), "CREDITLINE_TOKEN": TOKEN,
            "CREDITLINE_TOKEN_DAYS_ADMIN": "3650", "COLUMNS": "200"}


def eod_command(url: str, through: date, partition: int) -> list[str]:
    return [sys.executable, "-m", "creditline", "eod", "--date", through.isoformat(),
            "--partition-size", str(partition), "--db", url]


# ----------------------------------------------------------------- fingerprint
def book(url: str) -> Fingerprint:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return fingerprint(c)
    finally:
        engine.dispose()


def column_diff(a_url: str, b_url: str, table: str) -> list[str]:
    """The columns of ``table`` whose sorted values differ between two books (diagnosis)."""
    sums = []
    for url in (a_url, b_url):
        engine = create_engine(url)
        try:
            with engine.connect() as c:
                sums.append(column_sums(c, table))
        finally:
            engine.dispose()
    return [col for col in sums[0] if sums[0][col] != sums[1].get(col)]


def progress(url: str, through: date) -> str:
    """Where the book stands: lines per last closed day, and the runs recorded."""
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            days = c.execute(text("SELECT last_eod, count(*) FROM credit_lines "
                                  "GROUP BY last_eod ORDER BY last_eod")).all()
            runs = c.execute(text("SELECT count(*), count(finished_at) FROM eod_runs "
                                  "WHERE through = :d"), {"d": through}).one()
    finally:
        engine.dispose()
    spread = ", ".join(f"{d:%d %b}: {k:,}" for d, k in days)
    return f"lines by last closed day [{spread}]; runs started {runs[0]}, finished {runs[1]}"


def day_seconds(url: str) -> dict[date, float]:
    """Seconds per business day after 28 February in a finished run's stage rows."""
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            rows = c.execute(text("SELECT business_date, sum(seconds) FROM eod_stage_runs "
                                  "WHERE business_date > :c GROUP BY business_date"),
                             {"c": CLOSED}).all()
    finally:
        engine.dispose()
    return {d: float(s) for d, s in rows}


def remaining(url: str, per_day: dict[date, float]) -> float:
    """The seconds of work still to do: each day's seconds in the clean run times the share
    of lines not yet closed through it (the busy day weighs what it costs)."""
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            left = {d: int(c.execute(text(
                "SELECT count(*) FROM credit_lines WHERE status <> 'closed' AND last_eod < :d"),
                {"d": d}).scalar_one()) for d in per_day}
            lines = int(c.execute(text("SELECT count(*) FROM credit_lines "
                                       "WHERE status <> 'closed'")).scalar_one())
    finally:
        engine.dispose()
    return sum(s * left[d] / max(1, lines) for d, s in per_day.items())


def run_records_sound(url: str, through: date) -> str | None:
    """None if the last run through ``through`` finished and each day it covered has one
    set of stage rows; else what is wrong."""
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            last = c.execute(text("SELECT finished_at FROM eod_runs WHERE through = :d "
                                  "ORDER BY id DESC LIMIT 1"), {"d": through}).first()
            dup = c.execute(text("SELECT business_date, stage, count(*) FROM eod_stage_runs "
                                 "GROUP BY business_date, stage HAVING count(*) > 1")).all()
            days = c.execute(text("SELECT count(DISTINCT business_date) FROM eod_stage_runs "
                                  "WHERE business_date > :c"), {"c": CLOSED}).scalar_one()
    finally:
        engine.dispose()
    if last is None or last[0] is None:
        return "the last run is not finished"
    if dup:
        return f"stage rows twice for a day: {dup[:3]}"
    if days != (through - CLOSED).days:
        return f"stage rows for {days} days, expected {(through - CLOSED).days}"
    return None


# ----------------------------------------------------------------- runs
def copy_of(template: str) -> str:
    return create_database(PG_URL, PREFIX + "run_", template=template)


def clean_run(template: str, through: date, partition: int, folder: Path
              ) -> tuple[str, float, float]:
    """A copy run to completion: its URL, wall seconds, and the run's own seconds."""
    url = copy_of(template)
    t = time.perf_counter()
    out = subprocess.run(eod_command(url, through, partition), env=env(folder),
                         capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t
    if out.returncode != 0:
        raise SystemExit(f"clean run failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    last = [ln for ln in out.stdout.splitlines() if ln.startswith("closed ")]
    inner = float(last[-1].rsplit(" in ", 1)[1].split()[0]) if last else wall
    return url, wall, inner


def crash_run(template: str, through: date, partition: int, folder: Path, kills: int,
              rng: random.Random, wall: float, inner: float, per_day: dict[date, float]
              ) -> tuple[str, float, int]:
    """A copy killed ``kills`` times at random points, then run to completion: its URL,
    the wall seconds of all its attempts, and the kills that landed on a running process."""
    url = copy_of(template)
    startup = max(0.5, wall - inner)
    done, total = 0, 0.0
    for i in range(1, kills + 1):
        # part of the start-up (imports, connecting), then a random share of the work still
        # to do (the clean run's seconds per day, by the lines' last closed days): the kills
        # spread over the whole run, and one lands in the start-up now and then
        delay = rng.uniform(0.3, 1.0) * startup + rng.random() * remaining(url, per_day)
        t = time.perf_counter()
        proc = subprocess.Popen(eod_command(url, through, partition), env=env(folder),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=delay)
            landed = f"finished before the kill (exit {proc.returncode})"
        except subprocess.TimeoutExpired:
            proc.kill()  # SIGKILL
            proc.wait()
            done += 1
            landed = "killed"
        total += time.perf_counter() - t
        print(f"          kill {i}/{kills} after {delay:6.1f} s: {landed}; "
              f"{progress(url, through)}", flush=True)
    t = time.perf_counter()
    out = subprocess.run(eod_command(url, through, partition), env=env(folder),
                         capture_output=True, text=True, check=False)
    total += time.perf_counter() - t
    if out.returncode != 0:
        raise SystemExit(f"the run after the kills failed ({out.returncode}):\n"
                         f"{out.stdout}\n{out.stderr}")
    print(f"          final run {time.perf_counter() - t:.1f} s; {progress(url, through)}",
          flush=True)
    return url, total, done


def lines_of(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return int(c.execute(text("SELECT count(*) FROM credit_lines")).scalar_one())
    finally:
        engine.dispose()


def cli_ok(args: list[str], url: str, folder: Path) -> tuple[bool, str]:
    out = subprocess.run([sys.executable, "-m", "creditline", *args, "--db", url],
                         env=env(folder), capture_output=True, text=True, check=False)
    return out.returncode == 0, (out.stdout + out.stderr).strip().splitlines()[-1:][0] \
        if (out.stdout + out.stderr).strip() else ""


def compare(label: str, clean: Fingerprint, other: Fingerprint, clean_url: str,
            other_url: str) -> bool:
    differ = differing(clean, other)
    for t in differ:
        print(f"          {label}: table {t} DIFFERS: rows {clean.get(t, (0, ''))[0]:,} / "
              f"{other.get(t, (0, ''))[0]:,}; columns {column_diff(clean_url, other_url, t)}",
              flush=True)
    return not differ


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--kills", type=int, default=8)
    ap.add_argument("--through", type=date.fromisoformat, default=date(2026, 3, 3))
    ap.add_argument("--partition", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--control", action="store_true",
                    help="also a second clean run, compared with the first")
    ap.add_argument("--keep", action="store_true", help="keep the databases (diagnosis)")
    ap.add_argument("--template", help="reuse this database as the template (a book this bench "
                                       "made, closed through 28 February); not dropped")
    ap.add_argument("--clean", help="with --template: a finished clean run of it (not dropped)")
    ap.add_argument("--clean-seconds", default="0:0",
                    help="with --clean: its wall and in-run seconds, WALL:INNER")
    a = ap.parse_args()
    if a.through <= CLOSED:
        ap.error(f"--through: must be after {CLOSED.isoformat()} (the template's last day)")
    rng = random.Random(a.seed)
    made: list[str] = []
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        try:
            if a.template:
                template = a.template
                a.lines = lines_of(template)
            else:
                template = template_book(a.lines, a.partition, folder)
                made.append(template)
            if a.clean:
                clean_url = a.clean
                wall, inner = (float(x) for x in a.clean_seconds.split(":"))
            else:
                clean_url, wall, inner = clean_run(template, a.through, a.partition, folder)
                made.append(clean_url)
            print(f"clean     {a.lines:,} lines through {a.through}: {wall:.1f} s wall "
                  f"({inner:.1f} s in the run); {progress(clean_url, a.through)}", flush=True)
            t = time.perf_counter()
            clean = book(clean_url)
            print(f"          fingerprint: {len(clean)} tables, "
                  f"{sum(r for r, _ in clean.values()):,} rows, {time.perf_counter() - t:.1f} s",
                  flush=True)
            if a.control:
                again_url, wall2, _ = clean_run(template, a.through, a.partition, folder)
                made.append(again_url)
                same = compare("control", clean, book(again_url), clean_url, again_url)
                print(f"control   second clean run {wall2:.1f} s: equal "
                      f"{'yes' if same else 'NO'}", flush=True)
                ok &= same
            print(f"crash     {a.kills} kills (seed {a.seed})", flush=True)
            crash_url, secs, done = crash_run(template, a.through, a.partition, folder,
                                              a.kills, rng, wall, inner, day_seconds(clean_url))
            made.append(crash_url)
            same = compare("crash", clean, book(crash_url), clean_url, crash_url)
            ledger, ledger_says = cli_ok(["ledger", "check"], crash_url, folder)
            audit, audit_says = cli_ok(["audit", "verify"], crash_url, folder)
            records = run_records_sound(crash_url, a.through)
            print(f"          ledger check: {ledger_says}", flush=True)
            print(f"          audit verify: {audit_says}", flush=True)
            print(f"          run records: {records or 'last run finished, one set a day'}",
                  flush=True)
            digest = hashlib.md5("".join(f"{k}{v}" for k, v in sorted(clean.items()))
                                 .encode()).hexdigest()[:12]
            ok &= same and ledger and audit and records is None
            print(f"RESULT lines={a.lines} through={a.through} clean_s={wall:.1f} "
                  f"crash_s={secs:.1f} kills={done}/{a.kills} tables={len(clean)} "
                  f"book={digest} equal={'yes' if same else 'NO'} "
                  f"ledger={'sound' if ledger else 'NOT SOUND'} "
                  f"audit={'ok' if audit else 'BROKEN'} "
                  f"records={'ok' if records is None else 'WRONG'}", flush=True)
        finally:
            if not a.keep:
                for url in made:
                    drop_database(url, PG_URL)
            else:
                print("kept: " + " ".join(made), flush=True)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
