"""``creditline serve`` over a real socket: it migrates, answers /healthz and an
authenticated /v1 route from two worker processes, and every accepted connection gets
TCP_NODELAY (uvicorn's workers receive a listener whose ``proto`` is 0, for which asyncio
leaves Nagle on and small answers wait ~40 ms for a delayed ACK)."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from creditline.api.transport import set_nodelay
from tests.conftest import BOOTSTRAP_TOKEN as BOOT
from tests.conftest import SECRET


class _Transport:
    def __init__(self, sock: socket.socket | None) -> None:
        self.sock = sock

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.sock if name == "socket" else default


def test_a_connection_accepted_by_a_proto_zero_listener_gets_nodelay() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:  # proto 0, as uvicorn
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        with socket.create_connection(listener.getsockname()):
            conn, _ = listener.accept()
            with conn:
                assert conn.proto == 0  # what asyncio checks before it sets the option itself
                assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
                assert set_nodelay(_Transport(conn)) is True  # type: ignore[arg-type]
                assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


def test_a_transport_without_a_tcp_socket_is_left_alone() -> None:
    assert set_nodelay(_Transport(None)) is False  # type: ignore[arg-type]
    a, b = socket.socketpair()
    with a, b:
        assert set_nodelay(_Transport(a)) is False  # type: ignore[arg-type]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str, token: str | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def _post(port: int, path: str, body: dict[str, Any], token: str) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", path, body=json.dumps(body),
                     headers={"Authorization": f"Bearer {token}",
                              "Content-Type": "application/json"})
        r = conn.getresponse()
        return r.status, json.loads(r.read())
    finally:
        conn.close()


def test_serve_with_two_workers_answers_over_tcp(tmp_path: Path) -> None:
    port, db = _free_port(), tmp_path / "served.db"
    env = {**os.environ, "CREDITLINE_SECRET_KEY": SECRET, "CREDITLINE_ADMIN_TOKEN": BOOT}
    env.pop("CREDITLINE_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "creditline", "serve", "--db", f"sqlite:///{db}",
         "--port", str(port), "--workers", "2"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, proc.stdout.read().decode()  # type: ignore[union-attr]
            try:
                status, _ = _get(port, "/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "serve did not answer /healthz in 120 s"
            time.sleep(0.25)
        assert db.exists()  # migrated before the workers started
        assert _get(port, "/v1/customers/nobody")[0] == 401
        # the environment token only bootstraps: it creates a named admin, who then acts
        assert _get(port, "/v1/customers/nobody", BOOT)[0] == 403
        status, created = _post(port, "/v1/users", {"name": "ops-ann", "role": "admin"}, BOOT)
        assert status == 201, created
        status, body = _get(port, "/v1/customers/nobody", created["token"])
        assert status == 404 and b"nobody" in body
    finally:
        proc.terminate()
        proc.wait(timeout=30)
