"""The audit chain under parallel writers, nothing else in the transaction: how many
audited commits per second N threads (each its own connection) get on PostgreSQL.

    python bench/audit_bench.py [--threads 16] [--commits 100] [--db postgres|sqlite]

Each commit is one ``uow.audit`` entry for its own entity (so on the streamed chain the
writers spread over the streams), written at ``uow.commit()`` as every command does.  Runs
against whichever ``creditline`` is importable, so the same script measures two checkouts
(``PYTHONPATH=<checkout>/src``)."""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

PG_URL = os.environ.get("CREDITLINE_BENCH_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--commits", type=int, default=100, help="per thread")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    args = parser.parse_args()

    import creditline
    from creditline.auth import SYSTEM
    from creditline.bootstrap import bootstrap
    from creditline.settings import Settings
    from creditline.store.scratch import create_database, drop_database

    folder = Path(tempfile.mkdtemp(prefix="audit-bench-"))
    url = (create_database(PG_URL, "bench_") if args.db == "postgres"
           else f"sqlite:///{folder / 'bench.db'}")
    try:
        c = bootstrap(Settings(database_url=url, secret_key="bench-secret-key-0123456789",
                               data_dir=folder))
        barrier = threading.Barrier(args.threads + 1)

        def writer(t: int) -> None:
            barrier.wait()
            for i in range(args.commits):
                with c.uow() as uow:
                    uow.audit(SYSTEM, "bench.touched", "thing", f"t{t}-{i}", {"i": i})
                    uow.commit()

        threads = [threading.Thread(target=writer, args=(t,)) for t in range(args.threads)]
        for th in threads:
            th.start()
        barrier.wait()
        t0 = time.perf_counter()
        for th in threads:
            th.join()
        secs = time.perf_counter() - t0
        n = args.threads * args.commits
        with c.uow() as uow:
            verify = getattr(uow.audit_log, "verify", None)
            ok = verify().ok if verify else None
            count = uow.audit_log.count()
        c.dispose()
        print(f"{Path(creditline.__file__).parent.parent.parent.name}: {args.db}, "
              f"{args.threads} threads: {n} audited commits in {secs:.2f} s = {n / secs:,.0f}/s"
              f" (entries {count}, verified {ok})")
    finally:
        drop_database(url, PG_URL)


if __name__ == "__main__":
    main()
