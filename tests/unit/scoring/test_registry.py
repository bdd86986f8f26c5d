"""The registry's rules, on the in-memory registry: candidates in, a risk officer promotes,
the old champion retires, and a challenger scores a fixed share of traffic in shadow."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import polars as pl
import pytest

from creditline.auth import Principal, Role
from creditline.errors import Conflict, Forbidden, NotFound, ValidationError
from creditline.scoring import Scorecard
from creditline.scoring.registry import (
    InMemoryModelRegistry,
    ModelStatus,
    champion,
    data_fingerprint,
    in_shadow_share,
    promote,
    register,
    set_challenger,
)
from creditline.scoring.serving import Serving
from tests.unit.scoring.simdata import Book

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
OFFICER = Principal("u-ro", "rita", Role.RISK_OFFICER)
ADMIN = Principal("u-ad", "ada", Role.ADMIN)
REVIEWER = Principal("u-rv", "rev", Role.REVIEWER)


def _register(reg: InMemoryModelRegistry, card: Scorecard, n: int, name: str = "bnpl_a_card"):
    return register(reg, name=name, model_json=card.to_json(), metrics={"auc": 0.7 + n / 100},
                    data_fingerprint="f" * 64, actor=OFFICER, at=AT, model_id=f"m{n}")


def test_a_registered_model_is_a_candidate_with_the_next_version(card: Scorecard) -> None:
    reg = InMemoryModelRegistry()
    first = _register(reg, card, 1)
    second = _register(reg, card, 2)
    assert (first.version, second.version) == (1, 2)
    assert first.status == ModelStatus.CANDIDATE
    assert (first.kind, first.card_type) == ("scorecard", "A")
    with pytest.raises(NotFound, match="no champion"):
        champion(reg, "bnpl_a_card")


def test_a_risk_officer_promotes_and_the_old_champion_retires(card: Scorecard) -> None:
    reg = InMemoryModelRegistry()
    _register(reg, card, 1)
    _register(reg, card, 2)
    promote(reg, "m1", OFFICER, AT)
    assert champion(reg, "bnpl_a_card").id == "m1"
    promoted = promote(reg, "m2", ADMIN, AT)
    assert promoted.status == ModelStatus.CHAMPION and promoted.promoted_by == "u-ad"
    old = reg.get("m1")
    assert old.status == ModelStatus.RETIRED and old.retired_at == AT
    assert [r.id for r in reg.list(status=ModelStatus.CHAMPION)] == ["m2"]
    # a retired version can be promoted back (rollback)
    promote(reg, "m1", OFFICER, AT)
    assert champion(reg, "bnpl_a_card").id == "m1"


def test_champions_are_per_model_name(card: Scorecard) -> None:
    reg = InMemoryModelRegistry()
    _register(reg, card, 1, name="bnpl_a_card")
    _register(reg, card, 2, name="sme_a_card")
    promote(reg, "m1", OFFICER, AT)
    promote(reg, "m2", OFFICER, AT)
    assert reg.get("m1").status == ModelStatus.CHAMPION


def test_only_a_risk_officer_or_admin_may_promote(card: Scorecard) -> None:
    reg = InMemoryModelRegistry()
    _register(reg, card, 1)
    with pytest.raises(Forbidden, match="risk officer or admin"):
        promote(reg, "m1", REVIEWER, AT)
    assert reg.get("m1").status == ModelStatus.CANDIDATE


def test_promoting_the_champion_again_is_a_conflict(card: Scorecard) -> None:
    reg = InMemoryModelRegistry()
    _register(reg, card, 1)
    promote(reg, "m1", OFFICER, AT)
    with pytest.raises(Conflict, match="already the champion"):
        promote(reg, "m1", OFFICER, AT)


def test_registration_checks_the_name_and_the_json(card: Scorecard) -> None:
    reg = InMemoryModelRegistry()
    with pytest.raises(ValidationError, match="name"):
        register(reg, name="a card!", model_json=card.to_json(), metrics={},
                 data_fingerprint="f" * 64, actor=OFFICER, at=AT, model_id="x")
    with pytest.raises(ValidationError, match="model_json"):
        register(reg, name="a", model_json='{"kind": "spreadsheet"}', metrics={},
                 data_fingerprint="f" * 64, actor=OFFICER, at=AT, model_id="x")
    with pytest.raises(Forbidden):
        register(reg, name="a", model_json=card.to_json(), metrics={},
                 data_fingerprint="f" * 64, actor=REVIEWER, at=AT, model_id="x")


def test_the_shadow_split_is_deterministic_and_close_to_the_share() -> None:
    keys = [f"app-{i}" for i in range(20_000)]
    routed = [in_shadow_share(k, 0.2, salt="m2") for k in keys]
    assert routed == [in_shadow_share(k, 0.2, salt="m2") for k in keys]
    assert sum(routed) / len(keys) == pytest.approx(0.2, abs=0.01)
    assert not any(in_shadow_share(k, 0.0) for k in keys[:100])
    assert all(in_shadow_share(k, 1.0) for k in keys[:100])


def test_the_champion_decides_and_the_challenger_scores_in_shadow(
        card: Scorecard, train_test: tuple[Book, Book]) -> None:
    train, test = train_test
    challenger_card = Scorecard(max_n_bins=3).fit(train.X, train.y)
    reg = InMemoryModelRegistry()
    _register(reg, card, 1)
    register(reg, name="bnpl_a_card", model_json=challenger_card.to_json(), metrics={},
             data_fingerprint="f" * 64, actor=OFFICER, at=AT, model_id="m2")
    promote(reg, "m1", OFFICER, AT)
    set_challenger(reg, "m2", 0.3, OFFICER)
    serving = Serving.from_registry(reg, "bnpl_a_card")
    rows = test.X.head(400).to_dict("records")
    results = [serving.score(f"app-{i}", row) for i, row in enumerate(rows)]
    for i, (res, row) in enumerate(zip(results, rows)):
        assert res.champion_id == "m1"
        assert res.score == pytest.approx(card.score_one(row))  # the decision is the champion's
        if in_shadow_share(f"app-{i}", 0.3, salt="m2"):
            assert res.challenger_id == "m2"
            assert res.challenger_score == pytest.approx(challenger_card.score_one(row))
        else:
            assert res.challenger_id is None
    shadowed = sum(r.challenger_id is not None for r in results) / len(results)
    assert 0.2 < shadowed < 0.4


def test_only_a_candidate_can_challenge_and_one_at_a_time(card: Scorecard) -> None:
    reg = InMemoryModelRegistry()
    for n in (1, 2, 3):
        _register(reg, card, n)
    promote(reg, "m1", OFFICER, AT)
    with pytest.raises(Conflict, match="only a candidate"):
        set_challenger(reg, "m1", 0.1, OFFICER)
    with pytest.raises(ValidationError, match="share"):
        set_challenger(reg, "m2", 1.5, OFFICER)
    with pytest.raises(Forbidden):
        set_challenger(reg, "m2", 0.1, REVIEWER)
    set_challenger(reg, "m2", 0.1, OFFICER)
    set_challenger(reg, "m3", 0.2, OFFICER)
    assert reg.get("m2").shadow_share == 0.0 and reg.get("m3").shadow_share == 0.2
    # promoting the challenger ends its shadow run
    assert promote(reg, "m3", OFFICER, AT).shadow_share == 0.0


def test_a_stale_update_is_refused(card: Scorecard) -> None:
    from creditline.errors import ConcurrencyError

    reg = InMemoryModelRegistry()
    stale = _register(reg, card, 1)
    promote(reg, "m1", OFFICER, AT)
    with pytest.raises(ConcurrencyError):
        reg.update(stale)


def test_the_data_fingerprint_ignores_the_frame_library_but_not_the_data(book: Book) -> None:
    fp = data_fingerprint(book.X, book.y)
    assert len(fp) == 64
    assert data_fingerprint(pl.from_pandas(book.X), book.y) == fp
    changed = book.X.copy()
    changed.loc[0, "age"] += 1
    assert data_fingerprint(changed, book.y) != fp
    assert data_fingerprint(book.X, 1 - book.y) != fp
    assert data_fingerprint(pd.DataFrame(book.X)) != fp
