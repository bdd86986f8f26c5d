"""The risk officer's portfolio dashboard in a real headless Chromium against the real
server, on the book of ``tests/web/test_console_portfolio_http.py`` (end of day through
30 April 2026, one month-end ECL run): Olga opens the dashboard, runs the early warning
(manufacturing alerts, a 20 % sector cut proposed) and the stress scenarios, then reads it
all in Chinese.  Screenshots at 1366x768 go to ``test-artifacts/console-portfolio/``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from creditline.access.sessions import SetPassword, set_password
from creditline.auth import SYSTEM, Role
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.portfolio import ecl_services as es
from creditline.web.i18n import Formats
from tests.conftest import create_user, make_container
from tests.e2e.conftest import ARTIFACTS, LiveServer
from tests.e2e.test_console_browser import VIEW, shot
from tests.web.test_console_portfolio_http import build_book

pytestmark = pytest.mark.slow
PASSWORD = "olga-risk-officer-pass-1"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Container, LiveServer]]:
    tmp = tmp_path_factory.mktemp("console-portfolio")
    clock = FixedClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    container = make_container(f"sqlite:///{tmp / 'creditline.db'}", tmp, clock,
                               console_idle_minutes=24 * 60, console_session_hours=48)
    create_user(container, "olga", Role.RISK_OFFICER)
    set_password(SetPassword("olga", PASSWORD), container.uow(), SYSTEM)
    build_book(container, clock)
    with LiveServer(container) as server:
        yield container, server
    container.dispose()


@pytest.fixture(scope="module")
def shots() -> Path:
    folder = ARTIFACTS.parent / "console-portfolio"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def test_a_risk_officer_reads_the_portfolio_dashboard_in_both_languages(
        served: tuple[Container, LiveServer], browser: Any, shots: Path) -> None:
    container, server = served
    run = es.show_ecl(es.ShowEcl(), container.uow(), SYSTEM).run
    page = browser.new_context(viewport=VIEW, locale="en-US").new_page()
    page.goto(f"{server.url}/console")
    page.fill("#name", "olga")
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.click("nav >> text=Portfolio")
    assert page.locator("#ecl-total").inner_text() == Formats("en").money(run.ecl)
    assert page.locator("img.chart-img").count() >= 5
    shot(page, shots, "portfolio")

    page.click("#run-warnings")
    assert page.locator("#warned").count() == 1
    assert page.locator("#alert-table .alert-row").count() == 1
    assert "Cut industry C by 20 %" in page.locator("#alert-table").inner_text()
    shot(page, shots, "portfolio-warned")

    page.click("#run-stress")
    page.wait_for_selector("#stress-table")
    assert page.locator("#stress-base-ecl").count() == 1
    shot(page, shots, "portfolio-stress", full=True)

    page.click("#switch-zh")
    assert page.locator("h1").inner_text() == "资产组合"
    assert page.locator("#ecl-total").inner_text() == Formats("zh").money(run.ecl)
    shot(page, shots, "portfolio-zh", full=True)
    page.click("#run-stress")
    page.wait_for_selector("#stress-table")
    shot(page, shots, "portfolio-zh-stress", full=True)
    page.click("#switch-en")
    page.context.close()
