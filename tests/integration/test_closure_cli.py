"""``creditline closure``: the customer's service integration files a request with a
payslip from the command line, a reviewer finds it in the queue, reads the screen and
counter-offers; the service accepts; a bad file is refused (exit 2 naming ``file``)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from creditline.bootstrap import Container
from creditline.cli import _register, app
from creditline.clock import FixedClock
from creditline.errors import ValidationError
from creditline.servicing import services as sv
from tests.conftest import SECRET, create_user
from tests.documents_support import EXE_HEADER, pdf
from tests.integration.closure_support import OFFICER, person_line

_register()


def test_a_request_worked_from_the_command_line(sqlite_container: Container, clock: FixedClock,
                                                tmp_path: Path) -> None:
    clock.set_date(date(2026, 3, 2))
    line = person_line(sqlite_container, 41, limit="20000.00")
    sv.purchase(sv.Purchase(line.id, "7000.00", "JD", "electronics", 6),
                sqlite_container.uow(), OFFICER)
    url = sqlite_container.engine.url.render_as_string(hide_password=False)
    svc = create_user(sqlite_container, "app", "service")["Authorization"][7:]
    rv = create_user(sqlite_container, "wang.rv", "reviewer")["Authorization"][7:]
    env = {"CREDITLINE_SECRET_KEY": SECRET, "CREDITLINE_DATA_DIR": str(tmp_path),
           "COLUMNS": "200", "CREDITLINE_TOKEN_DAYS_SERVICE": "3650",
           "CREDITLINE_TOKEN_DAYS_REVIEWER": "3650"}
    runner = CliRunner()
    slip, fake = tmp_path / "payslip.pdf", tmp_path / "payslip2.pdf"
    slip.write_bytes(pdf("Pay slip"))
    fake.write_bytes(EXE_HEADER)
    base = ["closure", "request", line.id, "--reason", "income_change", "--text", "pay cut",
            "--db", url, "--token", svc]

    refused = runner.invoke(app, [*base, "--file", str(fake)], env=env)
    assert isinstance(refused.exception, ValidationError) and refused.exception.field == "file"
    ok = runner.invoke(app, [*base, "--file", str(slip)], env=env)
    assert ok.exit_code == 0, ok.output
    req = json.loads(ok.output)
    assert req["status"] == "manual_review" and req["documents"][0]["file_name"] == "payslip.pdf"

    queue = runner.invoke(app, ["closure", "list", "--queue", "--db", url, "--token", rv], env=env)
    assert req["id"] in queue.output and "1 request(s)" in queue.output
    screen = runner.invoke(app, ["closure", "show", req["id"], "--screen", "--db", url,
                                 "--token", rv], env=env)
    assert json.loads(screen.output)["findings"]["findings"][0]["code"] == "LARGE_BALANCE"
    offer = runner.invoke(app, ["closure", "decide", req["id"], "--decision", "counter_offer",
                                "--reason", "reduce instead", "--counter-limit", "8000.00",
                                "--db", url, "--token", rv], env=env)
    assert json.loads(offer.output)["status"] == "counter_offered", offer.output
    done = runner.invoke(app, ["closure", "answer", req["id"], "--accept", "--db", url,
                               "--token", svc], env=env)
    assert json.loads(done.output)["final_limit"] == "8000.00"
    assert sv.get_line(line.id, sqlite_container.uow()).limit == 8000
