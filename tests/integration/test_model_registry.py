"""The model registry against real stores (SQLite and PostgreSQL): register candidates,
promote with a risk officer, retire the old champion, run a challenger in shadow, and keep
an audit trail of every step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from creditline.auth import Principal, Role
from creditline.bootstrap import Container
from creditline.errors import ConcurrencyError, Conflict, Forbidden, NotFound
from creditline.scoring import Scorecard
from creditline.scoring.registry import ModelStatus, data_fingerprint, in_shadow_share
from creditline.scoring.services import (
    ModelRef,
    RegisterModel,
    SetChallenger,
    list_models,
    promote_model,
    register_model,
    set_challenger,
)
from creditline.scoring.serving import serving
from tests.unit.scoring.simdata import simulate

OFFICER = Principal("u-ro", "rita", Role.RISK_OFFICER)
REVIEWER = Principal("u-rv", "rex", Role.REVIEWER)


@pytest.fixture(scope="module")
def cards() -> tuple[Scorecard, Scorecard, object]:
    book = simulate(2000, seed=21)
    champion = Scorecard().fit(book.X, book.y)
    challenger = Scorecard(max_n_bins=3).fit(book.X, book.y)
    return champion, challenger, book


def _register(container: Container, card: Scorecard, book: object, name: str = "bnpl_a_card"):
    return register_model(RegisterModel(name=name, model_json=card.to_json(),
                                         data_fingerprint=data_fingerprint(book.X, book.y),  # type: ignore[attr-defined]
                                         metrics={"auc": 0.74}),
                          container.uow(), OFFICER)


def test_register_promote_retire_round_trip(container: Container, cards) -> None:
    champion_card, challenger_card, book = cards
    v1 = _register(container, champion_card, book)
    v2 = _register(container, challenger_card, book)
    assert (v1.version, v2.version, v1.status) == (1, 2, ModelStatus.CANDIDATE)
    promote_model(ModelRef(name="bnpl_a_card", version=1), container.uow(), OFFICER)
    promoted = promote_model(ModelRef(model_id=v2.id), container.uow(), OFFICER)
    assert promoted.status == ModelStatus.CHAMPION and promoted.promoted_by == "u-ro"
    rows = {r.version: r for r in list_models(container.uow(), OFFICER, name="bnpl_a_card").items}
    assert rows[1].status == ModelStatus.RETIRED and rows[1].retired_at is not None
    assert rows[2].status == ModelStatus.CHAMPION
    assert rows[2].metrics == {"auc": 0.74}
    assert rows[2].data_fingerprint == data_fingerprint(book.X, book.y)
    # the stored JSON scores exactly like the card that was registered
    s = serving(container.uow(), "bnpl_a_card")
    row = book.X.iloc[0].to_dict()
    assert s.score("app-1", row).score == challenger_card.score_one(row)


def test_every_step_is_audited(container: Container, cards) -> None:
    from creditline.store.tables.foundation import audit_log

    card, _, book = cards
    v1 = _register(container, card, book)
    promote_model(ModelRef(model_id=v1.id), container.uow(), OFFICER)
    with container.engine.connect() as c:
        actions = [(r.action, r.entity_id) for r in c.execute(
            select(audit_log.c.action, audit_log.c.entity_id).order_by(audit_log.c.seq))]
    assert ("model.registered", v1.id) in actions
    assert ("model.promoted", v1.id) in actions


def test_a_reviewer_cannot_promote_and_nothing_changes(container: Container, cards) -> None:
    card, _, book = cards
    v1 = _register(container, card, book)
    with pytest.raises(Forbidden):
        promote_model(ModelRef(model_id=v1.id), container.uow(), REVIEWER)
    with container.uow() as uow:
        assert uow.models.get(v1.id).status == ModelStatus.CANDIDATE


def test_champion_challenger_shadow_flow(container: Container, cards) -> None:
    champion_card, challenger_card, book = cards
    v1 = _register(container, champion_card, book)
    v2 = _register(container, challenger_card, book)
    promote_model(ModelRef(model_id=v1.id), container.uow(), OFFICER)
    set_challenger(SetChallenger(ModelRef(model_id=v2.id), 0.25), container.uow(), OFFICER)
    s = serving(container.uow(), "bnpl_a_card")
    assert (s.champion.id, s.challenger.id if s.challenger else None) == (v1.id, v2.id)
    for i, row in enumerate(book.X.head(100).to_dict("records")):
        res = s.score(f"app-{i}", row)
        assert res.score == champion_card.score_one(row)
        assert (res.challenger_id is not None) == in_shadow_share(f"app-{i}", 0.25, salt=v2.id)


def test_one_champion_per_name_even_if_two_promotions_race(container: Container, cards) -> None:
    """Both promotions read 'no champion', then write: the database refuses the second."""
    card, _, book = cards
    v1 = _register(container, card, book)
    v2 = _register(container, card, book)
    from dataclasses import replace

    from creditline.scoring.registry import ModelStatus as S

    with container.uow() as uow:
        uow.models.update(replace(uow.models.get(v1.id), status=S.CHAMPION))
        with pytest.raises(Conflict, match="already has a champion"):
            uow.models.update(replace(uow.models.get(v2.id), status=S.CHAMPION))


def test_stale_writes_and_unknown_models(container: Container, cards) -> None:
    card, _, book = cards
    v1 = _register(container, card, book)
    promote_model(ModelRef(model_id=v1.id), container.uow(), OFFICER)
    with container.uow() as uow, pytest.raises(ConcurrencyError):
        uow.models.update(v1)  # v1 was read before the promotion
    with pytest.raises(NotFound):
        promote_model(ModelRef(model_id="no-such-id"), container.uow(), OFFICER)
    with pytest.raises(NotFound, match="no champion"):
        serving(container.uow(), "sme_b_card")


def test_cli_register_and_promote(container: Container, cards, tmp_path: Path,
                                  sqlite_url: str) -> None:
    """The CLI against the same database the container uses."""
    from typer.testing import CliRunner

    from creditline.cli import _register as load_commands
    from creditline.cli import app
    from tests.conftest import ADMIN_TOKEN, BOOTSTRAP_TOKEN, SECRET

    load_commands()
    card, _, book = cards
    d = card.to_dict()
    d["training"] = {"data_fingerprint": data_fingerprint(book.X, book.y),
                     "holdout": {"auc": 0.75, "ks": 0.4, "gini": 0.5}}
    path = tmp_path / "model.json"
    path.write_text(json.dumps(d))
    url = container.engine.url.render_as_string(hide_password=False)
    # the CLI reads the wall clock; the fixture's admin was issued on the test clock's day
    env = {"CREDITLINE_ADMIN_TOKEN": BOOTSTRAP_TOKEN, "CREDITLINE_SECRET_KEY": SECRET,
           "CREDITLINE_TOKEN_DAYS_ADMIN": "3650",
           "CREDITLINE_DATA_DIR": str(tmp_path)}
    runner = CliRunner()
    reg = runner.invoke(app, ["model", "register", "--model", str(path), "--name", "bnpl_a_card",
                              "--db", url, "--token", ADMIN_TOKEN], env=env)
    assert reg.exit_code == 0, reg.output
    assert "bnpl_a_card v1" in reg.output
    denied = runner.invoke(app, ["model", "promote", "--name", "bnpl_a_card", "--version", "1",
                                 "--db", url, "--token", "wrong"], env=env)
    assert denied.exit_code != 0
    ok = runner.invoke(app, ["model", "promote", "--name", "bnpl_a_card", "--version", "1",
                             "--db", url, "--token", ADMIN_TOKEN], env=env)
    assert ok.exit_code == 0, ok.output
    assert "now champion" in ok.output
    listed = runner.invoke(app, ["model", "list", "--db", url, "--token", ADMIN_TOKEN],
                           env={**env, "COLUMNS": "250"})
    assert listed.exit_code == 0, listed.output
    (record,) = list_models(container.uow(), OFFICER, name="bnpl_a_card").items
    assert record.status == ModelStatus.CHAMPION and record.metrics["auc"] == 0.75
    assert record.id in listed.output
