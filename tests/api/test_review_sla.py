"""The review queue has an SLA: a referred BNPL application is decided within 24 hours
(``review_sla_hours`` of consumer_bnpl), and the breach list names who has waited longer.

Worked example (clock 2 March 2026 02:00 UTC): a freelancer's application is referred.
23 hours later it is on time (waited 23.0 h, due 3 March 02:00); 25 hours later it is on
the breach list (API and CLI); a reviewer approves it after 26 hours: it leaves the list,
and its record keeps that it was decided late (26.0 h, breached)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from creditline.bootstrap import Container
from creditline.cli import _register, app
from creditline.clock import FixedClock
from tests.api.test_reviews import decide, referred
from tests.conftest import SECRET, create_user


def test_a_review_past_its_sla_is_on_the_breach_list_until_decided(
        api: TestClient, clock: FixedClock) -> None:
    reviewer = create_user(api.app.state.container, "rev-sla", "reviewer")
    a = referred(api, 300)
    clock.advance(hours=23)
    item = api.get(f"/v1/reviews/{a['review_id']}", headers=reviewer).json()
    assert (item["age_hours"], item["sla_breached"]) == (23.0, False)
    assert item["due_at"].startswith("2026-03-03T02:00:00")
    assert api.get("/v1/reviews/breaches", headers=reviewer).json()["items"] == []

    clock.advance(hours=2)
    page = api.get("/v1/reviews/breaches", headers=reviewer).json()
    assert page["total"] == 1 and page["items"][0]["id"] == a["review_id"]
    assert (page["items"][0]["age_hours"], page["items"][0]["sla_breached"]) == (25.0, True)

    clock.advance(hours=1)
    done = decide(api, a["review_id"], reviewer, decision="approved")
    assert done.status_code == 200, done.text
    assert (done.json()["age_hours"], done.json()["sla_breached"]) == (26.0, True)
    assert api.get("/v1/reviews/breaches", headers=reviewer).json()["total"] == 0
    assert api.get("/v1/reviews/breaches",
                   headers=create_user(api.app.state.container, "shop", "service")
                   ).status_code == 403


def test_the_cli_lists_the_breaches(sqlite_api: TestClient, sqlite_container: Container,
                                    clock: FixedClock, tmp_path: Path) -> None:
    a = referred(sqlite_api, 310)
    _register()
    token = create_user(sqlite_container, "cli-rev", "reviewer")["Authorization"].split()[1]
    env = {"CREDITLINE_SECRET_KEY": SECRET, "CREDITLINE_DATA_DIR": str(tmp_path),
           "COLUMNS": "200", "CREDITLINE_TOKEN": token, "CREDITLINE_TOKEN_DAYS_REVIEWER": "3650"}
    url = sqlite_container.engine.url.render_as_string(hide_password=False)
    # the CLI reads the wall clock, long after the test's 2 March: the review is overdue
    result = CliRunner().invoke(app, ["reviews", "breaches", "--db", url], env=env)
    assert result.exit_code == 0, result.output
    assert a["review_id"][:8] in result.output and "1 of 1 reviews past their SLA" in result.output
    queue = CliRunner().invoke(app, ["reviews", "list", "--db", url], env=env)
    assert queue.exit_code == 0 and a["review_id"][:8] in queue.output
