"""The demo as its audience meets it: a short simulated market run through the real services
leaves a balanced ledger, a summary whose numbers add up (and match what the database and
the audit log hold), a report with charts, and a database the API can browse."""

from __future__ import annotations

import json
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from creditline.auth import SYSTEM
from creditline.bootstrap import bootstrap
from creditline.cli import main
from creditline.errors import ValidationError
from creditline.parties.identity import id_check_char
from creditline.parties.services import RegisterPerson, register_customer
from creditline.servicing import services as sv
from creditline.settings import Settings
from creditline.simulate.book import read_book
from creditline.simulate.demo import DemoConfig, DemoResult, DemoRun
from tests.conftest import SECRET, auth

SHORT = {"customers": 200, "months": 2, "seed": 7, "activity": 1.0}


@pytest.fixture(scope="module")
def short_demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    out = tmp_path_factory.mktemp("demo")
    return DemoRun(DemoConfig(out=out, **SHORT), secret_key=SECRET).run()


def _container(result: DemoResult) -> Any:
    cfg = result.context.config
    return bootstrap(Settings(database_url=cfg.database_url, secret_key=SECRET,
                              data_dir=cfg.out), migrate=False)


def _count(container: Any, sql: str) -> int:
    with container.uow() as uow:
        return int(uow.session.execute(text(sql)).scalar_one())


@pytest.mark.slow
def test_a_short_demo_leaves_a_balanced_ledger(short_demo: DemoResult) -> None:
    s = short_demo.summary
    assert s["ledger"]["ok"] and s["ledger"]["trial_balance_total"] == "0.00"
    assert s["ledger"]["lines_checked"] == s["lines"]["opened"] > 0
    container = _container(short_demo)
    try:
        check = sv.check_ledger(container.uow())  # again, independently of the demo
    finally:
        container.dispose()
    assert check.ok, check
    assert s["activity"]["purchases"]["count"] > 0 and s["activity"]["repayments"]["count"] > 0


@pytest.mark.slow
def test_the_summary_adds_up(short_demo: DemoResult) -> None:
    s = short_demo.summary
    a = s["applications"]
    assert a["applied"] == SHORT["customers"] == s["customers"]["registered"]
    assert a["approved"] + a["referred"] + a["declined"] == a["applied"]
    assert a["screened_out"] + a["scored"] == a["applied"]
    assert a["declined"] == a["screened_out"] + a["declined_after_scoring"]
    assert a["approval_rate"] == round(a["approved"] / a["applied"], 6)
    assert s["lines"]["opened"] == a["approved"]
    assert [m["month"] for m in s["months"]] == ["2026-01", "2026-02"]
    for m in s["months"]:
        assert sum(Decimal(v) for v in m["buckets"].values()) == Decimal(m["balance"])
    assert s["months"][-1]["balance"] == s["end"]["balance"]
    monthly = Counter()
    for m in s["months"]:
        for kind in ("purchases", "returns", "repayments"):
            monthly[kind] += m[kind]["count"]
    assert all(monthly[k] == s["activity"][k]["count"] for k in monthly)
    truth = s["truth"]
    assert sum(truth[g]["applicants"] for g in ("approved", "referred", "declined")) == a["applied"]
    # The score ranks the hidden truth: the declined were far worse than the approved.
    assert truth["declined"]["bad_rate"] > truth["approved"]["bad_rate"]
    fraud = s["fraud"]
    assert fraud["caught"] + fraud["missed"] == fraud["fraudsters"]
    # the B-card's drift is read on each scored line's latest score, at the end of the run
    psi = s["limits"]["b_card_psi"]
    with _container(short_demo).uow() as uow:
        scored = uow.session.execute(text(
            "SELECT COUNT(DISTINCT line_id), MAX(business_date) FROM behaviour_scores "
            "WHERE score IS NOT NULL")).one()
    assert (psi["lines"], psi["day"]) == (scored[0], str(scored[1])) and psi["psi"] >= 0


@pytest.mark.slow
def test_fraud_reviews_and_reasons_add_up(short_demo: DemoResult) -> None:
    """Fraud by kind, the review queue and the reasons, graded by the hidden truth: every
    fraudster is caught or missed, every referral was decided by the simulated reviewers
    (within the run), and no reason given was the generic fallback."""
    s = short_demo.summary
    fraud, reviews, apps = s["fraud"], s["reviews"], short_demo.context.applications
    for kind, k in fraud["by_kind"].items():
        assert k["caught"] + k["missed"] == k["applied"]
        assert k["caught"] == (k["declined_at_application"] + k["declined_in_review"]
                               + k["still_in_review"] + k["frozen_after_approval"])
        assert k["applied"] == sum(a.fraud_kind == kind for a in apps)
    assert sum(k["missed"] for k in fraud["by_kind"].values()) == fraud["missed"]
    good = sum(a.fraud_kind == "none" for a in apps)
    assert fraud["false_alarm_rate"] == round(fraud["false_alarms"] / good, 6)
    assert reviews["referred"] == sum(a.review_id is not None for a in apps) > 0
    assert reviews["decided"] + reviews["pending_at_end"] == reviews["referred"]
    assert reviews["approved"] + reviews["declined"] == reviews["decided"]
    assert 0 < reviews["hours_to_decision"]["median"] <= reviews["hours_to_decision"]["max"]
    assert s["applications"]["generic_reasons"] == 0 and s["applications"]["score_reasons"]
    container = _container(short_demo)
    try:
        open_reviews = _count(container, "SELECT COUNT(*) FROM reviews WHERE status <> 'decided'")
    finally:
        container.dispose()
    assert open_reviews == reviews["pending_at_end"]


@pytest.mark.slow
def test_every_action_went_through_the_services(short_demo: DemoResult) -> None:
    """What the summary counts is what the database and the audit log hold: nothing was
    posted beside the services."""
    s = short_demo.summary
    container = _container(short_demo)
    try:
        counts = {sql: _count(container, sql) for sql in (
            "SELECT COUNT(*) FROM customers", "SELECT COUNT(*) FROM applications",
            "SELECT COUNT(*) FROM credit_lines", "SELECT COUNT(*) FROM purchases",
            "SELECT COUNT(*) FROM goods_returns", "SELECT COUNT(*) FROM repayments")}
        with container.uow() as uow:
            audited = Counter(dict(uow.session.execute(text(
                "SELECT action, COUNT(*) FROM audit_log GROUP BY action")).all()))
    finally:
        container.dispose()
    act = s["activity"]
    assert list(counts.values()) == [
        s["customers"]["registered"], s["applications"]["applied"], s["lines"]["opened"],
        act["purchases"]["count"], act["returns"]["count"], act["repayments"]["count"]]
    assert audited["customer.registered"] == s["customers"]["registered"]
    assert audited["customer.emergency_contact_added"] == s["customers"]["contacts"]
    # a referred application is audited again when the simulated reviewers decide it
    assert sum(audited[f"application.{d}"] for d in ("approved", "referred", "declined")) \
        == s["applications"]["applied"] + s["reviews"]["decided"]
    assert audited["review.approve"] + audited["review.decline"] == s["reviews"]["decided"]
    assert audited["purchase.created"] == act["purchases"]["count"]
    assert audited["purchase.returned"] == act["returns"]["count"]
    assert audited["repayment.received"] == act["repayments"]["count"]
    assert audited["eod.closed"] == s["run"]["business_days"]
    # issue 13: every trigger fired and every purchase held went through the services too
    trig = s["triggers"]
    assert audited["trigger.fired"] == trig["fired_total"] == sum(trig["fired"].values())
    assert audited["purchase.held"] == trig["purchases_held"]["count"]
    assert sum(trig["category_refusals"].values()) == sum(
        v for k, v in act["refused"].items() if k.startswith("purchase: category_"))


@pytest.mark.slow
def test_the_morning_book_reads_what_the_line_service_answers(short_demo: DemoResult) -> None:
    """The demo reads all lines in one query; its derived fields must mean what
    ``LineView`` means, line by line."""
    container = _container(short_demo)
    try:
        book = read_book(container.uow())
        views = [sv.get_line(lid, container.uow()) for lid in book.line_id]
    finally:
        container.dispose()

    def cents(d: Decimal) -> int:
        return int(d * 100)

    for i, v in enumerate(views):
        assert (int(book.limit[i]), int(book.available[i]), int(book.amount_due[i]),
                int(book.minimum_due[i]), int(book.total_owed[i]), int(book.dpd[i])) == (
            cents(v.limit), cents(v.available), cents(v.amount_due), cents(v.minimum_due),
            cents(v.total_owed), v.days_past_due), v.id
        assert book.due[i] == (v.due_date.toordinal() if v.due_date else 0)
        assert bool(book.can_purchase[i]) == (v.status == "active" and v.past_due == 0)


@pytest.mark.slow
def test_the_report_shows_the_charts(short_demo: DemoResult) -> None:
    assert short_demo.report_path is not None
    html = short_demo.report_path.read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 11  # 8 + issue 17's ECL and stress charts
    for title in ("Application funnel", "Score distribution by true outcome",
                  "Utilisation and delinquency over time", "Balances by days past due",
                  "Fraud caught vs missed", "Decisions against the hidden truth",
                  "Limit moves (dynamic limits)", "ECL by stage", "ECL under stress, by stage",
                  "Cumulative net cash flow, 12 months", "Expected credit loss (IFRS 9)"):
        assert title in html
    assert "http://" not in html and "https://" not in html  # self-contained
    on_disk = json.loads(short_demo.summary_path.read_text(encoding="utf-8"))
    assert on_disk == short_demo.summary


@pytest.mark.slow
def test_the_api_can_browse_the_demo_database(short_demo: DemoResult) -> None:
    from creditline.api.app import create_app

    container = _container(short_demo)
    token = short_demo.context.admin_token
    assert token
    line_id = short_demo.context.holder_lines[0]
    try:
        with TestClient(create_app(container)) as api:
            line = api.get(f"/v1/credit-lines/{line_id}", headers=auth(token))
            assert line.status_code == 200, line.text
            customer = api.get(f"/v1/customers/{line.json()['customer_id']}",
                               headers=auth(token))
            assert customer.status_code == 200 and customer.json()["name"]
    finally:
        container.dispose()


def _tiny(out: Path, db_url: str | None = None) -> dict[str, Any]:
    cfg = DemoConfig(customers=30, enterprises=6, months=2, seed=3, activity=1.0, out=out,
                     db_url=db_url)
    return DemoRun(cfg, secret_key=SECRET).run(report=False).summary


def test_the_same_seed_gives_the_same_summary(tmp_path: Path) -> None:
    first, second = _tiny(tmp_path / "a"), _tiny(tmp_path / "b")
    assert first == second
    assert first["lines"]["opened"] > 0
    assert first["activity"]["purchases"]["count"] > 0
    assert first["activity"]["repayments"]["count"] > 0
    assert first["applications"]["applied"] == 36  # the enterprises applied for sme_line too


@pytest.mark.slow
@pytest.mark.postgres
def test_postgresql_books_the_same_market_as_sqlite(tmp_path: Path, pg_database: str) -> None:
    on_postgres = _tiny(tmp_path / "pg", pg_database)
    assert on_postgres["ledger"]["ok"]
    assert on_postgres == _tiny(tmp_path / "sqlite")


def test_the_demo_never_touches_a_database_it_did_not_write(tmp_path: Path) -> None:
    foreign = tmp_path / "creditline.db"
    foreign.write_bytes(b"someone's book")
    with pytest.raises(ValidationError) as err:
        DemoRun(DemoConfig(customers=10, months=1, out=tmp_path), secret_key=SECRET).run()
    assert err.value.field == "out"
    assert foreign.read_bytes() == b"someone's book"


def test_the_demo_needs_an_empty_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    container = bootstrap(Settings(database_url=url, secret_key=SECRET, data_dir=tmp_path))
    first17 = "11010519850101001"
    try:
        register_customer(RegisterPerson(
            name="Li Lei", id_number=first17 + id_check_char(first17), phone="13800000001",
            monthly_income="9000.00", consents={"credit_check": True, "data_processing": True}),
            container.uow(), SYSTEM)
    finally:
        container.dispose()
    with pytest.raises(ValidationError) as err:
        DemoRun(DemoConfig(customers=10, months=1, out=tmp_path / "o", db_url=url),
                secret_key=SECRET).run()
    assert err.value.field == "db" and "empty" in err.value.rule


def _cli(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["creditline", "demo", *args])
    try:
        main()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


@pytest.mark.parametrize(("args", "option"), [
    (["--customers", "5"], "--customers"), (["--months", "0"], "--months"),
    (["--months", "37"], "--months"), (["--seed", "-1"], "--seed"),
    (["--activity", "0"], "--activity"), (["--limits", "sometimes"], "--limits")])
def test_bad_options_exit_2_naming_the_option(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              args: list[str], option: str) -> None:
    assert _cli(monkeypatch, *args, "--out", str(tmp_path / "o")) == 2
    assert option in capsys.readouterr().err
    assert not (tmp_path / "o").exists()  # nothing was started


@pytest.mark.slow
def test_the_command_prints_the_summary_and_how_to_browse(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CREDITLINE_SECRET_KEY", SECRET)
    out = tmp_path / "demo-out"
    assert _cli(monkeypatch, "--customers", "10", "--enterprises", "6", "--months", "1",
                "--out", str(out)) == 0
    printed = capsys.readouterr().out
    assert "approval rate" in printed and "Balances by days past due" in printed
    assert f"creditline serve --db sqlite:///{(out / 'creditline.db').resolve()}" in printed
    assert any(line.strip().startswith("cl_") for line in printed.splitlines())  # the token
    assert (out / "report.html").exists() and (out / "summary.json").exists()
    # A rerun into the same folder replaces the demo's own database.
    assert _cli(monkeypatch, "--customers", "10", "--enterprises", "6", "--months", "1",
                "--out", str(out)) == 0


@pytest.mark.slow
def test_the_collections_figures_add_up(short_demo: DemoResult) -> None:
    """Collections in the demo: the month-end buckets cover every open line, the desk's
    contacts are what the contact log and the audit log hold, and the replay of the log
    through the compliance rules finds nothing made outside them."""
    s = short_demo.summary
    co = s["collections"]
    assert [m["month"] for m in co["months"]] == ["2026-01", "2026-02"]
    for snap, m in zip(co["months"], s["months"], strict=True):
        assert sum(snap["lines"].values()) == m["lines"]
        assert sum(Decimal(v) for v in snap["balance"].values()) == Decimal(m["balance"])
    opened = sum(v.get("opened", 0) for v in co["cases_by_month"].values())
    assert opened >= 1  # the January purchases' first minimums fell past due in February
    made = {k: v for k, v in co["desk"]["attempts"].items()
            if not k.startswith(("refused", "not logged"))}
    refused = {k: v for k, v in co["desk"]["attempts"].items() if k.startswith("refused")}
    replay = co["contact_replay"]
    # ccard: the strategy's contacts are what the contact log holds as made on a case; the
    # due-date reminders to customers with no case are logged too and counted apart
    assert co["strategy"]["contacts"] + co["strategy"]["contacts_without_case"] \
        == replay["contacts"]
    assert co["strategy"]["contacts"] == sum(co["strategy"]["contacts_by_channel"].values())
    assert replay["refused_by_gate"] == sum(refused.values())
    assert (replay["outside_hours"], replay["over_limits"], replay["unrelated_parties"]) == (0, 0, 0)
    assert (replay["disclosures"], replay["emergency_violations"], replay["under_relief"]) == (0, 0, 0)
    container = _container(short_demo)
    try:
        logged = _count(container, "SELECT COUNT(*) FROM contact_log")
        calls = _count(container, "SELECT COUNT(*) FROM audit_log "
                                  "WHERE action = 'collections.call_logged'")
        cases = _count(container, "SELECT COUNT(*) FROM collection_cases")
        # the relay asks the gate before reminders and collection notices by SMS and e-mail,
        # and logs each it delivers (contacts lane)
        relayed = _count(container, "SELECT COUNT(*) FROM contact_log WHERE allowed "
                                    "AND channel IN ('sms', 'email')")
        no_case = _count(container, "SELECT COUNT(*) FROM contact_log WHERE allowed "
                                    "AND case_id = ''")
    finally:
        container.dispose()
    assert relayed > 0 and replay["contacts"] == sum(made.values()) + relayed
    assert logged == replay["contacts"] + replay["refused_by_gate"]
    assert calls == sum(made.values()) and cases == opened
    assert no_case == co["strategy"]["contacts_without_case"] > 0  # January's reminders


def test_every_notice_goes_through_the_relay_to_the_sink_and_none_early(
        short_demo: DemoResult) -> None:
    """notify: the demo's notices and reminders went through the real relay; what it sent by
    e-mail and SMS is in the file sink, line for line, and nothing went before its time."""
    n = short_demo.summary["notifications"]
    assert n["sent_before_deliver_after"] == 0
    assert n["relay"]["failed"] == n["relay"]["undeliverable"] == 0
    assert n["messages"] == sum(n["by_topic"].values()) == sum(n["by_status"].values())
    assert n["by_topic"]["purchase.created"] > 0 and n["by_topic"]["repayment.received"] > 0
    sink = short_demo.context.config.out / "messages.jsonl"
    rows = [json.loads(x) for x in sink.read_text(encoding="utf-8").splitlines()]
    sent = Counter(r["channel"] for r in rows)
    container = _container(short_demo)
    try:
        with container.uow() as uow:
            counts = uow.notifications.counts().rows
    finally:
        container.dispose()
    expected: Counter[str] = Counter()
    for (_, channel, status), k in counts.items():
        if status == "sent" and channel != "inbox":
            expected[channel] += k
    assert sent == expected and sum(sent.values()) > 0
    assert len({r["id"] for r in rows}) == len(rows)  # none twice


def test_the_bureau_files_of_the_last_month(short_demo: DemoResult) -> None:
    """bureau (issue 16): every month end was reported through the service; the last month's
    files are in the output folder, match the checksums of their run, and hold its records."""
    import hashlib

    b = short_demo.summary["bureau"]
    assert [m["month"] for m in b["months"]] == ["2026-01", "2026-02"]
    assert b["last_month"] == "2026-02" and b["counts"]["reported"] > 0
    out = short_demo.context.config.out
    text, js = (out / f for f in b["files"])
    assert hashlib.sha256(text.read_bytes()).hexdigest() == b["text_sha256"]
    assert hashlib.sha256(js.read_bytes()).hexdigest() == b["json_sha256"]
    records = json.loads(js.read_text(encoding="utf-8"))["records"]
    assert len(records) == b["counts"]["reported"] + b["counts"]["updates"]
    assert sum(b["month_status"].values()) == len(records)
    assert len(text.read_text(encoding="utf-8").splitlines()) == len(records) + 1
    container = _container(short_demo)
    try:
        assert _count(container, "SELECT COUNT(*) FROM bureau_runs") == 2
        assert _count(container, "SELECT COUNT(*) FROM audit_log WHERE action = "
                                 "'bureau.month_reported'") == 2
    finally:
        container.dispose()
