"""A server process runs the routes' blocking work on ``CREDITLINE_API_THREADS`` threads, not
on anyio's 40: past a few threads a process only fights for the GIL (bench/RESULTS.md)."""

from __future__ import annotations

from pathlib import Path

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from creditline.api.app import create_app
from creditline.clock import FixedClock
from creditline.settings import Settings
from tests.conftest import ADMIN, make_container


async def _threads() -> int:
    return int(anyio.to_thread.current_default_thread_limiter().total_tokens)


@pytest.mark.parametrize("threads", [3, 12])
def test_the_server_runs_routes_on_the_threads_it_is_given(
        sqlite_url: str, tmp_path: Path, clock: FixedClock, threads: int) -> None:
    container = make_container(sqlite_url, tmp_path, clock, api_threads=threads)
    try:
        with TestClient(create_app(container)) as api:
            assert api.portal is not None
            assert api.portal.call(_threads) == threads
            assert api.get("/v1/products", headers=ADMIN).status_code == 200
    finally:
        container.dispose()


def test_the_default_is_four_and_zero_is_refused() -> None:
    assert Settings().api_threads == 4
    with pytest.raises(ValidationError, match="api_threads"):
        Settings(api_threads=0)
