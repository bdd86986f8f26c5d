"""The console in a real browser: the tests start the real server (uvicorn, in a thread, on
a free port of 127.0.0.1) over a fresh SQLite book and drive Debian's headless Chromium
(``/usr/bin/chromium``, installed by ``.ci/run``) through Playwright; no browser download.
Screenshots go to ``test-artifacts/console/`` (ignored by git)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from creditline.access.sessions import SetPassword, set_password
from creditline.api.app import create_app
from creditline.auth import SYSTEM, Role
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from tests.conftest import ADMIN_NAME, create_user, make_container

CHROMIUM = os.environ.get("CREDITLINE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "console"
PASSWORDS = {ADMIN_NAME: "admin-console-pass-1", "rita": "rita-reviews-pass-1",
             "audrey": "audrey-audits-pass-1"}


class LiveServer:
    def __init__(self, container: Container) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(create_app(container), host="127.0.0.1",
                                                    port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the console server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Container, LiveServer]]:
    """A fresh book with an admin, a reviewer and an auditor who have console passwords."""
    from datetime import UTC, datetime
    tmp = tmp_path_factory.mktemp("console")
    container = make_container(f"sqlite:///{tmp / 'creditline.db'}", tmp,
                               FixedClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC)))
    create_user(container, "rita", Role.REVIEWER)
    create_user(container, "audrey", Role.AUDITOR)
    for name, password in PASSWORDS.items():
        set_password(SetPassword(name, password), container.uow(), SYSTEM)
    with LiveServer(container) as server:
        yield container, server
    container.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots() -> Path:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


def api(server: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=30)
