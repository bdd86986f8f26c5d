"""Batch scoring of every line with a registered card (issue 18), as a worked example.

A small book is opened in March 2026 and closed by end of day through 4 April, so the
behaviour stage has kept each visited line's features (and the champion B-card's score) in
``behaviour_scores``.  Then ``score_all`` scores every line with that card: a line is scored
on its newest feature row on or before the date, a line never visited by end of day is
skipped (``no_features``), the scores of the lines visited on the date are the behaviour
stage's own to the last digit (one scorer), a partition run twice leaves the same rows, and
the same run on Spark ``local[2]`` gives the same score for every line.  A card whose
variables are not line features (the shipped A- and C-cards) is refused, naming them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from creditline.auth import SYSTEM, Role
from creditline.batch.run import RunEod, run_eod
from creditline.batch.score_all import ScoreAll, ScoreJob, score_all, score_partition
from creditline.batch.spark import SparkEngine
from creditline.bootstrap import Container, executor_container
from creditline.cli import _register, app
from creditline.clock import FixedClock, SystemClock
from creditline.errors import NotFound, ValidationError
from creditline.scoring.services import ModelRef, RegisterModel, register_model
from creditline.servicing import services as sv
from tests.conftest import SECRET, create_user, make_container
from tests.integration.servicing_support import open_line

_register()

AS_OF = date(2026, 4, 4)
SRC = Path(__file__).resolve().parents[2] / "src" / "creditline"


def _book(c: Container, clock: FixedClock) -> dict[str, str]:
    """Twelve lines: ten that buy (plans of 1 to 12 months, two statement days) and one idle,
    all opened on 2 March and closed by end of day through 4 April; one more line opened on
    4 April after the day was closed (no features yet).  Returns the roles of a few ids."""
    clock.set_date(date(2026, 3, 2))
    ids: dict[str, str] = {}
    for i in range(11):
        line = open_line(c, "8000.00", statement_day=(5, 20)[i % 2])
        if i == 10:
            ids["idle"] = line.id
            continue
        sv.purchase(sv.Purchase(line.id, f"{300 + 97 * i}.{i:02d}", "JD", "phones",
                                (1, 3, 6, 12)[i % 4]), c.uow(), SYSTEM)
    clock.set_date(date(2026, 3, 20))
    run_eod(RunEod(date(2026, 3, 20)), c.uow(), SYSTEM)
    clock.set_date(AS_OF)
    run_eod(RunEod(AS_OF), c.uow(), SYSTEM)
    ids["new"] = open_line(c, "5000.00").id
    return ids


def _b_card_id(c: Container) -> str:
    with c.uow() as uow:
        champion, _, _ = uow.models.serving_ids("line_b_card")
    assert champion is not None, "end of day installs the shipped B-card"
    return champion


def _scores(c: Container, run_id: str) -> dict[str, tuple[float, float, date]]:
    with c.uow() as uow:
        got = uow.batch_scores.scores(run_id)
    return {lid: (s, p, d) for lid, s, p, d in zip(got["line_id"], got["score"], got["pd"],
                                                     got["feature_date"], strict=True)}


def _register_shipped(c: Container, name: str, path: Path) -> str:
    return register_model(RegisterModel(name=name, model_json=path.read_text(),
                                        data_fingerprint="0" * 64), c.uow(), SYSTEM).id


@pytest.fixture
def book(store_url: str, tmp_path: Path, clock: FixedClock
         ) -> Iterator[tuple[Container, dict[str, str]]]:
    c = make_container(store_url, tmp_path, clock)
    try:
        yield c, _book(c, clock)
    finally:
        c.dispose()


def test_every_line_is_scored_on_its_newest_features_by_the_behaviour_stages_scorer(
        book: tuple[Container, dict[str, str]]) -> None:
    c, ids = book
    card = _b_card_id(c)
    run = score_all(ScoreAll(ModelRef(model_id=card), partition_size=4), c.uow(), SYSTEM)
    assert (run.as_of, run.engine, run.status, run.partitions) == (AS_OF, "local", "finished", 3)
    assert run.model == "line_b_card v1" and run.card_type == "B"
    # the line opened after the day was closed has no behaviour row yet: skipped, and said so
    assert run.skipped == {"closed": 0, "no_features": 1}
    assert run.lines_scored == 11
    scores = _scores(c, run.run_id)
    assert ids["new"] not in scores and ids["idle"] in scores
    with c.uow() as uow:
        kept = uow.behaviour.score_sample(date(2026, 3, 1), AS_OF)
    newest: dict[str, tuple[date, float, float]] = {}
    for lid, day, s, p in zip(kept["line_id"], kept["business_date"], kept["score"],
                              kept["pd"], strict=True):
        d = day if isinstance(day, date) else date.fromisoformat(str(day))
        if lid not in newest or d > newest[lid][0]:
            newest[lid] = (d, float(s), float(p))
    assert set(newest) == set(scores)
    for lid, (s, p, feature_date) in scores.items():
        # the newest kept row on or before the date, scored exactly as end of day scored it
        assert (feature_date, s, p) == newest[lid], lid
    assert any(d == AS_OF for d, _, _ in newest.values()), "lines visited on the date"
    assert any(d < AS_OF for d, _, _ in newest.values()), "quiet lines: older features"
    with c.engine.connect() as conn:  # the run is audited, once
        audited = conn.execute(text("SELECT action FROM audit_log WHERE entity_id = :r"),
                               {"r": run.run_id}).scalars().all()
    assert audited == ["model.scored_all"]


def test_a_partition_run_twice_leaves_the_same_rows(
        book: tuple[Container, dict[str, str]]) -> None:
    c, _ = book
    run = score_all(ScoreAll(ModelRef(name="line_b_card", version=1), AS_OF, partition_size=5),
                    c.uow(), SYSTEM)
    before = _scores(c, run.run_id)
    ids = sorted(before)
    again = score_partition(c.uow(), ScoreJob(run.run_id, run.model_id, AS_OF), ids[2], ids[6])
    assert again.scored == 4
    assert _scores(c, run.run_id) == before


def test_cards_whose_variables_no_line_keeps_are_refused_naming_them(
        book: tuple[Container, dict[str, str]]) -> None:
    c, _ = book
    a_card = _register_shipped(c, "bnpl_a_card", SRC / "origination" / "models" /
                               "bnpl_a_card.json")
    c_card = _register_shipped(c, "collections_c_card", SRC / "collections" / "models" /
                               "collections_c_card.json")
    for model_id, named in ((a_card, "card A"), (c_card, "balance, owed, contactable")):
        with pytest.raises(ValidationError) as err:
            score_all(ScoreAll(ModelRef(model_id=model_id)), c.uow(), SYSTEM)
        assert err.value.field == "model" and named in err.value.rule
        assert "needs variables no line keeps" in err.value.rule
    with pytest.raises(ValidationError) as err:
        score_all(ScoreAll(ModelRef(model_id=_b_card_id(c)), date(2026, 4, 5)), c.uow(), SYSTEM)
    assert err.value.field == "as_of" and "2026-04-04" in err.value.rule
    with pytest.raises(NotFound):
        score_all(ScoreAll(ModelRef(model_id="no-such-model")), c.uow(), SYSTEM)
    with c.engine.connect() as conn:  # nothing was started
        assert conn.execute(text("SELECT COUNT(*) FROM batch_score_runs")).scalar_one() == 0


def test_the_cli_scores_every_line_and_names_what_it_refuses(
        book: tuple[Container, dict[str, str]], tmp_path: Path) -> None:
    c, _ = book
    url = c.engine.url.render_as_string(hide_password=False)
    token = create_user(c, "score-risk", Role.RISK_OFFICER)["Authorization"].split()[1]
    env = {"CREDITLINE_SECRET_KEY": SECRET, "CREDITLINE_DATA_DIR": str(tmp_path),
           "COLUMNS": "200", "CREDITLINE_TOKEN": token, "CREDITLINE_TOKEN_DAYS_RISK_OFFICER": "3650"}
    runner = CliRunner()
    ok = runner.invoke(app, ["model", "score-all", "--name", "line_b_card", "--version", "1",
                             "--as-of", AS_OF.isoformat(), "--partition", "5", "--db", url],
                       env=env)
    assert ok.exit_code == 0, ok.output
    said = " ".join(ok.output.split())  # Rich wraps at the terminal's width
    assert "line_b_card v1 scored 11 line(s) as of 2026-04-04 on local" in said
    assert "no_features 1" in ok.output
    for args, field in ((["--as-of", "4 April"], "--as-of"),
                        (["--engine", "hadoop"], "--engine"),
                        (["--partition", "0"], "--partition"),
                        # the CLI's business date is the wall clock's (no calendar set)
                        (["--as-of", (SystemClock().today() + timedelta(days=1)).isoformat()],
                         "--as-of")):
        bad = runner.invoke(app, ["model", "score-all", "--model-id", _b_card_id(c), *args,
                                  "--db", url], env=env)
        assert isinstance(bad.exception, ValidationError), bad.output
        assert bad.exception.field == field
    missing = runner.invoke(app, ["model", "score-all", "--db", url], env=env)
    assert isinstance(missing.exception, ValidationError)
    assert missing.exception.field == "--model-id"
    unknown = runner.invoke(app, ["model", "score-all", "--model-id", "nope", "--db", url],
                            env=env)
    assert isinstance(unknown.exception, NotFound)


@pytest.mark.postgres
def test_spark_local2_scores_every_line_as_the_local_run_does(
        pg_database: str, tmp_path: Path, clock: FixedClock) -> None:
    c = make_container(pg_database, tmp_path, clock)
    try:
        _book(c, clock)
        card = _b_card_id(c)
        here = score_all(ScoreAll(ModelRef(model_id=card), partition_size=3), c.uow(), SYSTEM)
        engine = SparkEngine(c.settings.model_dump(mode="json"), executor_container,
                             master="local[2]", app_name="creditline-score-all")
        try:
            there = score_all(ScoreAll(ModelRef(model_id=card), engine="spark",
                                       partition_size=3), c.uow(), SYSTEM, engine=engine)
        finally:
            engine.stop()
        assert (there.engine, there.status, there.partitions) == ("spark", "finished", 4)
        assert (there.lines_scored, there.skipped) == (here.lines_scored, here.skipped)
        local, spark = _scores(c, here.run_id), _scores(c, there.run_id)
        assert len(spark) == 11
        assert spark == local  # every line: the same score and pd, to the last digit
    finally:
        c.dispose()


def test_spark_scoring_needs_the_postgresql_store(sqlite_container: Container,
                                                  tmp_path: Path) -> None:
    c = sqlite_container
    url = c.engine.url.render_as_string(hide_password=False)
    token = create_user(c, "score-admin", Role.ADMIN)["Authorization"].split()[1]
    env = {"CREDITLINE_SECRET_KEY": SECRET, "CREDITLINE_DATA_DIR": str(tmp_path),
           "CREDITLINE_TOKEN": token, "CREDITLINE_TOKEN_DAYS_ADMIN": "3650"}
    out = CliRunner().invoke(app, ["model", "score-all", "--model-id", "any", "--engine",
                                   "spark", "--db", url], env=env)
    assert isinstance(out.exception, ValidationError)
    assert out.exception.field == "--engine" and "PostgreSQL" in out.exception.rule
    with c.engine.connect() as conn:  # refused before anything started
        assert conn.execute(text("SELECT COUNT(*) FROM batch_score_runs")).scalar_one() == 0


def test_the_api_scores_every_line_and_reads_the_run_back(
        book: tuple[Container, dict[str, str]]) -> None:
    from fastapi.testclient import TestClient

    from creditline.api.app import create_app

    c, _ = book
    card = _b_card_id(c)
    ro = create_user(c, "api-risk", Role.RISK_OFFICER)
    reviewer = create_user(c, "api-reviewer", Role.REVIEWER)
    auditor = create_user(c, "api-auditor", Role.AUDITOR)
    a_card = _register_shipped(c, "bnpl_a_card", SRC / "origination" / "models" /
                               "bnpl_a_card.json")
    with TestClient(create_app(c)) as api:
        assert api.post(f"/v1/models/{card}/score-all", json={},
                        headers=reviewer).status_code == 403
        made = api.post(f"/v1/models/{card}/score-all", json={"partition_size": 5}, headers=ro)
        assert made.status_code == 201, made.text
        run = made.json()
        assert (run["as_of"], run["engine"], run["status"], run["lines_scored"],
                run["skipped"], run["partitions"]) == (
            "2026-04-04", "local", "finished", 11, {"closed": 0, "no_features": 1}, 3)
        read = api.get(f"/v1/models/score-runs/{run['id']}", headers=auditor)
        assert read.status_code == 200 and read.json() == run
        assert api.get("/v1/models/score-runs/nope", headers=auditor).status_code == 404
        assert api.post("/v1/models/nope/score-all", json={}, headers=ro).status_code == 404
        bad_day = api.post(f"/v1/models/{card}/score-all", json={"as_of": "4 April"},
                           headers=ro)
        assert bad_day.status_code == 422 and "as_of" in bad_day.text
        later = api.post(f"/v1/models/{card}/score-all", json={"as_of": "2026-04-05"},
                         headers=ro)
        assert later.status_code == 422 and "2026-04-04" in later.text
        refused = api.post(f"/v1/models/{a_card}/score-all", json={}, headers=ro)
        assert refused.status_code == 422
        assert "needs variables no line keeps" in refused.text and "model" in refused.text
