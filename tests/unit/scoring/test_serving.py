"""One serving path, one cache: a stored model is parsed once per process, and each request
only asks which ids serve."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from creditline.auth import Principal, Role
from creditline.errors import NotFound
from creditline.scoring import Scorecard
from creditline.scoring.registry import (
    InMemoryModelRegistry,
    ModelRecord,
    in_shadow_share,
    promote,
    register,
    set_challenger,
)
from creditline.scoring.serving import ModelCache, find_serving, serving
from tests.unit.scoring.simdata import Book

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
OFFICER = Principal("u-ro", "rita", Role.RISK_OFFICER)


class _Registry:
    """The registry as a unit of work shows it, counting how often model JSON is read."""

    def __init__(self, reg: InMemoryModelRegistry) -> None:
        self.reg = reg
        self.reads = 0

    def get(self, model_id: str) -> ModelRecord:
        self.reads += 1
        return self.reg.get(model_id)

    def serving_ids(self, name: str) -> tuple[str | None, str | None, float]:
        rows = self.reg.list(name=name)
        champ = next((r.id for r in rows if r.status == "champion"), None)
        ch = next(((r.id, r.shadow_share) for r in rows if r.shadow_share > 0), (None, 0.0))
        return champ, ch[0], ch[1]


class _Uow:
    def __init__(self, reg: InMemoryModelRegistry) -> None:
        self.models = _Registry(reg)

    def __enter__(self) -> _Uow:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


@pytest.fixture()
def registry(card: Scorecard, train_test: tuple[Book, Book]) -> InMemoryModelRegistry:
    train, _ = train_test
    reg = InMemoryModelRegistry()
    for model_id, model in (("champ-1", card), ("chal-2", Scorecard(max_n_bins=3).fit(train.X, train.y))):
        register(reg, name="bnpl_a_card", model_json=model.to_json(), metrics={},
                 data_fingerprint="f" * 64, actor=OFFICER, at=AT, model_id=model_id)
    promote(reg, "champ-1", OFFICER, AT)
    set_challenger(reg, "chal-2", 0.5, OFFICER)
    return reg


def test_each_model_is_read_and_parsed_once_however_many_requests(
        registry: InMemoryModelRegistry, card: Scorecard, train_test: tuple[Book, Book]) -> None:
    _, test = train_test
    uow: Any = _Uow(registry)
    cache = ModelCache()
    rows = test.X.head(50).to_dict("records")
    for i, row in enumerate(rows):
        s = find_serving(uow, "bnpl_a_card", cache)
        assert s is not None and s.champion.label == "bnpl_a_card v1"
        res = s.score(f"app-{i}", row)
        assert res.score == card.score_one(row)
        assert (res.challenger_id == "chal-2") == in_shadow_share(f"app-{i}", 0.5, salt="chal-2")
    assert uow.models.reads == 2  # champion and challenger, once each


def test_no_champion_is_none_for_origination_and_not_found_for_a_caller() -> None:
    uow: Any = _Uow(InMemoryModelRegistry())
    assert find_serving(uow, "bnpl_a_card", ModelCache()) is None
    with pytest.raises(NotFound, match="no champion"):
        serving(uow, "bnpl_a_card")
