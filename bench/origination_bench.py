"""Origination speed: decisions per second and latency percentiles, in-process and over HTTP.

    python bench/origination_bench.py inproc [--n 2000] [--db sqlite|postgres]
    python bench/origination_bench.py http   [--seconds 20] [--concurrency 32] [--workers 2]
                                             [--db sqlite|postgres]

``inproc`` times ``origination.apply.apply`` end to end (reads, screening, ring walk,
A-card, policy tables, the writes and the commit; approvals open a real credit line), and
separately the pure decision (A-card + ZEN tables, no database).

``http`` starts a real server (uvicorn, the application from ``create_app`` plus one no-op
route for the ceiling) on 127.0.0.1, then a separate load process (asyncio with a bare
HTTP/1.1 client, one keep-alive connection per concurrent client) that first hammers the
no-op route and then
``POST /v1/applications``, each request for a fresh, pre-registered customer.  Both run on
the same 2 cores, so the load generator's own CPU is part of what limits the figures.

Applicants are a mix: ~60% good files (approved, a line opened), ~20% in the refer band
(queued for review), ~20% poor files (declined with reasons).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

PG_URL = os.environ.get("CREDITLINE_BENCH_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SECRET = "bench-secret-key-0123456789abcdef"
ADMIN = "bench-bootstrap-Hq4Zt8Wm2Kx6Rv1Nc5Jp9Ld3Fy7Bs0"  # strong enough to start
GOOD = {"existing_debt_monthly": "500.00", "credit_history_months": 140,
        "num_credit_accounts": 3, "revolving_utilization": 0.1, "inquiries_6m": 0,
        "delinquencies_24m": 0}
REFER = {"revolving_utilization": 0.5, "inquiries_6m": 1}
POOR = {"credit_history_months": 6, "revolving_utilization": 0.9, "inquiries_6m": 5,
        "delinquencies_24m": 3}


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def summary(label: str, lat_ms: list[float], seconds: float) -> str:
    return (f"{label}: {len(lat_ms)} in {seconds:.2f} s = {len(lat_ms) / seconds:,.0f}/s; "
            f"latency ms p50 {pct(lat_ms, 50):.2f}  p95 {pct(lat_ms, 95):.2f}  "
            f"p99 {pct(lat_ms, 99):.2f}  max {max(lat_ms):.2f}")


# ------------------------------------------------------------------------------ data
def database_url(kind: str, folder: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.db'}"
    from creditline.store.scratch import create_database

    return create_database(PG_URL, "bench_")


def drop_database(url: str) -> None:
    from creditline.store import scratch

    scratch.drop_database(url, PG_URL)


def container_for(url: str, folder: Path) -> Any:
    from creditline.bootstrap import bootstrap
    from creditline.settings import Settings

    return bootstrap(Settings(database_url=url, secret_key=SECRET, admin_token=ADMIN,
                              data_dir=folder))


def applicants(container: Any, n: int, start: int = 0) -> list[tuple[str, dict[str, Any]]]:
    """Register ``n`` persons; returns (customer id, bureau block) in a 60/20/20 mix.  Every
    fifth applicant gets an emergency contact shared with one other (rings of two)."""
    from creditline.auth import SYSTEM
    from creditline.origination.scorer import InstallDefaultCards, ensure_default_cards
    from creditline.parties import services as ps
    from creditline.parties.identity import id_check_char

    ensure_default_cards(InstallDefaultCards(), container.uow(), SYSTEM)
    out = []
    for k in range(start, start + n):
        first17 = f"3101011980{1 + k % 12:02d}{1 + k % 28:02d}{k % 1000:03d}"
        kind = k % 5
        income, employment, bureau = (("6000.00", "freelancer", REFER) if kind == 3 else
                                      ("3000.00", "unemployed", POOR) if kind == 4 else
                                      ("12000.00", "employed", GOOD))
        c = ps.register_customer(ps.RegisterPerson(
            name=f"Bench {k}", id_number=first17 + id_check_char(first17),
            phone=f"13{k:09d}"[-11:], monthly_income=income, employment=employment,
            consents={"credit_check": True, "data_processing": True,
                      "emergency_contact": True}), container.uow(), SYSTEM)
        if k % 5 == 0:
            ps.add_emergency_contact(ps.AddEmergencyContact(
                customer_id=c.id, name="Friend", relation="friend",
                phone=f"15{k // 10:09d}"[-11:]), container.uow(), SYSTEM)
        out.append((c.id, bureau))
    return out


def backend_pids(container: Any) -> list[int]:
    """The PostgreSQL backends serving this bench's database (none on SQLite), when the
    server runs on this machine (their CPU is read from /proc)."""
    if container.engine.dialect.name != "postgresql":
        return []
    from sqlalchemy import text

    with container.engine.connect() as conn:
        pids = [int(r[0]) for r in conn.execute(text(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"))]
    return [p for p in pids if Path(f"/proc/{p}/stat").exists()]


def backend_cpu(pids: list[int]) -> float:
    """CPU-seconds (user + system) the processes ``pids`` have used so far."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # ended: its CPU is lost to the figure
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


# ------------------------------------------------------------------------------ in-process
def inproc(args: argparse.Namespace) -> None:
    from creditline.auth import SYSTEM
    from creditline.origination import apply as services
    from creditline.origination.features import Bureau, person_features
    from creditline.origination.scorer import shipped_card
    from creditline.policy.decision import decide
    from creditline.policy.facts import Applicant, PolicyFacts
    from creditline.policy.ruleset import default_ruleset
    from creditline.scoring.model_file import load_model

    # the pure decision: A-card + reasons + the chained ZEN tables
    card = load_model(shipped_card("bnpl_a_card"))
    rs = default_ruleset()
    bureau = Bureau.from_mapping(GOOD)
    from decimal import Decimal

    lat = []
    t0 = time.perf_counter()
    for i in range(args.n):
        t = time.perf_counter()
        feats = person_features(age=30 + i % 30, employment="employed",
                                monthly_income=Decimal("12000.00"), num_contacts=1,
                                bureau=bureau)
        s, p = card.score_one(feats), card.proba_one(feats)
        reasons = card.reasons_one(feats)
        decide(rs, PolicyFacts(product="consumer_bnpl", kind="person", score=s, pd=p,
                               applicant=Applicant(30, Decimal("12000.00")),
                               score_reasons=tuple(r.code for r in reasons)))
        lat.append((time.perf_counter() - t) * 1000)
    print(summary("pure decision (A-card + tables)", lat, time.perf_counter() - t0))

    folder = Path(tempfile.mkdtemp(prefix="origination-bench-"))
    url = database_url(args.db, folder)
    try:
        container = container_for(url, folder)
        t = time.perf_counter()
        people = applicants(container, args.n)
        print(f"registered {len(people)} applicants in {time.perf_counter() - t:.1f} s "
              f"({args.db})")
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        statements = [0]

        def count(*_: Any) -> None:
            statements[0] += 1

        event.listen(Engine, "before_cursor_execute", count)
        lat, decisions = [], {}
        per_kind: dict[str, list[int]] = {}
        backends = backend_pids(container)
        pg0 = backend_cpu(backends)
        t0, cpu0 = time.perf_counter(), time.process_time()
        for i, (cid, b) in enumerate(people):
            t, before = time.perf_counter(), statements[0]
            out = services.apply(services.Apply(
                customer_id=cid, product="consumer_bnpl", channel="app",
                device_id=f"dev-{i}", ip=f"10.0.{i // 250 % 250}.{i % 250}", bureau=b),
                container.uow(), SYSTEM)
            lat.append((time.perf_counter() - t) * 1000)
            decisions[out.application.status] = decisions.get(out.application.status, 0) + 1
            per_kind.setdefault(out.application.status, []).append(statements[0] - before)
        cpu = time.process_time() - cpu0
        pg_cpu = backend_cpu(backends) - pg0
        event.remove(Engine, "before_cursor_execute", count)
        print(summary(f"services.apply on {args.db}", lat, time.perf_counter() - t0))
        print(f"  decisions: {json.dumps(decisions)}")
        print(f"  CPU of this process per decision: {cpu / len(people) * 1000:.2f} ms; SQL "
              "statements per decision (median): " + ", ".join(
                  f"{k} {statistics.median(v):g}" for k, v in sorted(per_kind.items())))
        if backends:
            print(f"  CPU of its PostgreSQL backend per decision: "
                  f"{pg_cpu / len(people) * 1000:.2f} ms (backend pids {backends})")
        container.dispose()
    finally:
        drop_database(url)


# ------------------------------------------------------------------------------ HTTP
def serve(args: argparse.Namespace) -> None:
    """One server process: the real app plus a no-op route (the ceiling).

    ``http`` starts one such process per worker, each on its own port (the load spreads
    evenly and each process is measured alone).  Each runs the same HTTP protocol as
    ``creditline serve`` (``creditline.api.transport``: TCP_NODELAY on every connection)."""
    import uvicorn

    from creditline.api.transport import PROTOCOL_PATH

    uvicorn.run("bench.origination_bench:make_app", factory=True, host="127.0.0.1",
                port=args.port, log_level="warning", access_log=False, http=PROTOCOL_PATH)


def make_app() -> Any:
    from creditline.api.app import create_app

    app = create_app()

    @app.get("/bench/noop")
    def noop() -> dict[str, str]:
        return {"ok": "yes"}

    return app


class _Conn:
    """A bare HTTP/1.1 keep-alive connection: the load process must spend as little CPU as
    possible, since it shares the 2 cores with the server (httpx costs ~5x more per call)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def call(self, head: bytes, body: bytes) -> tuple[int, bytes]:
        self.writer.write(head + body)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)


async def _load(ports: list[int], path: str, bodies: list[Any], token: str | None,
                concurrency: int, seconds: float) -> tuple[list[float], float, dict[str, int]]:
    lat: list[float] = []
    statuses: dict[str, int] = {}
    it = iter(bodies)
    deadline = time.perf_counter() + seconds
    done = object()
    auth = b"" if token is None else f"Authorization: Bearer {token}\r\n".encode()

    async def worker(port: int) -> None:
        conn = _Conn(*await asyncio.open_connection("127.0.0.1", port))
        while time.perf_counter() < deadline:
            body = next(it, done)
            if body is done:
                break
            if body is None:
                head = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode() + auth
                        + b"\r\n")
                payload = b""
            else:
                payload = json.dumps(body).encode()
                head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        f"Content-Type: application/json\r\n"
                        f"Content-Length: {len(payload)}\r\n".encode() + auth + b"\r\n")
            t = time.perf_counter()
            status, answer = await conn.call(head, payload)
            lat.append((time.perf_counter() - t) * 1000)
            key = str(status)
            if status == 201:
                key = json.loads(answer)["decision"]
            statuses[key] = statuses.get(key, 0) + 1
        conn.writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(ports[i % len(ports)]) for i in range(concurrency)))
    return lat, time.perf_counter() - t0, statuses


def load(args: argparse.Namespace) -> None:
    """The load process: reads the customer ids from a file, reports JSON on stdout."""
    people = json.loads(Path(args.people).read_text())
    ports = [args.port + i for i in range(args.workers)]
    # warm both server processes first (imports, the first connections): not measured
    asyncio.run(_load(ports, "/bench/noop", [None] * 10**7, None, args.concurrency, 2.0))
    noop_lat, noop_s, _ = asyncio.run(_load(ports, "/bench/noop", [None] * 10**7, None,
                                            args.concurrency, args.seconds / 2))
    bodies = [{"customer_id": cid, "product": "consumer_bnpl", "channel": "app",
               "device_id": f"dev-{i}", "ip": f"10.1.{i // 250 % 250}.{i % 250}", "bureau": b}
              for i, (cid, b) in enumerate(people)]
    lat, secs, statuses = asyncio.run(_load(ports, "/v1/applications", bodies,
                                            args.token, args.concurrency, args.seconds))
    print(json.dumps({"noop": [noop_lat, noop_s], "apply": [lat, secs, statuses]}))


def http(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="origination-bench-"))
    url = database_url(args.db, folder)
    servers: list[subprocess.Popen[bytes]] = []
    try:
        container = container_for(url, folder)
        from creditline.auth import Role, hash_token

        token = "cl_bench_service_" + uuid.uuid4().hex
        with container.uow() as uow:
            uow.users.add("bench-checkout", Role.SERVICE, hash_token(token))
            uow.commit()
        n = args.applicants or int(args.seconds * 400) + 200
        t = time.perf_counter()
        people = applicants(container, n)
        print(f"registered {n} applicants in {time.perf_counter() - t:.1f} s ({args.db})")
        container.dispose()
        people_file = folder / "people.json"
        people_file.write_text(json.dumps(people))
        env = {**os.environ, "CREDITLINE_DATABASE_URL": url, "CREDITLINE_SECRET_KEY": SECRET,
               "CREDITLINE_ADMIN_TOKEN": ADMIN, "CREDITLINE_DATA_DIR": str(folder),
               # this checkout's src first, so a second worktree benches its own code
               "PYTHONPATH": os.pathsep.join(str(Path(__file__).resolve().parent.parent / d)
                                             for d in ("src", ""))}
        servers = [subprocess.Popen([sys.executable, __file__, "serve", "--port",
                                     str(args.port + i)], env=env)
                   for i in range(args.workers)]
        import socket

        for i in range(args.workers):
            for _ in range(600):
                try:
                    socket.create_connection(("127.0.0.1", args.port + i)).close()
                    break
                except OSError:
                    time.sleep(0.1)
        out = subprocess.run([sys.executable, __file__, "load", "--port", str(args.port),
                              "--workers", str(args.workers),
                              "--people", str(people_file), "--token", token,
                              "--concurrency", str(args.concurrency),
                              "--seconds", str(args.seconds)],
                             env=env, capture_output=True, text=True, check=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        nl, ns = result["noop"]
        print(summary(f"HTTP no-op ceiling ({args.workers} workers, {args.concurrency} clients)",
                      nl, ns))
        al, asec, statuses = result["apply"]
        print(summary(f"HTTP POST /v1/applications on {args.db} ({args.workers} workers, "
                      f"{args.concurrency} clients)", al, asec))
        print(f"  answers: {json.dumps(statuses)}")
        print(f"  mean {statistics.mean(al):.2f} ms")
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        drop_database(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("inproc", help="services.apply in this process")
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    p = sub.add_parser("http", help="a real server and a separate load process")
    p.add_argument("--seconds", type=float, default=20.0)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--workers", type=int, default=2,
                   help="server processes, one port each (see serve)")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--applicants", type=int, default=0,
                   help="customers to register first (default: 400 per second of load)")
    p.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    p = sub.add_parser("serve")
    p.add_argument("--port", type=int, required=True)
    p = sub.add_parser("load")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--people", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    {"inproc": inproc, "http": http, "serve": serve, "load": load}[args.cmd](args)


if __name__ == "__main__":
    main()
