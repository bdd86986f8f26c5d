"""Watching the champions on the book (``scoring.monitoring``), on the in-memory unit of
work: the A-card promoted on 1 January scored 100 applications in its first 30 days, spread
evenly over 500-599; in the latest 30 days it scored 100 more.  Scored alike, the population
is stable (PSI 0); when every recent applicant scores 590-599 (one decile of the baseline),
PSI is far above 0.25.  A challenger in shadow on half of the traffic scores every
application exactly 10 points above the champion: the comparison says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from creditline.auth import Principal, Role
from creditline.errors import Forbidden
from creditline.fraud.velocity import ApplicationKeys
from creditline.origination.application import Application
from creditline.scoring import monitoring
from creditline.scoring.registry import ModelRecord, ModelStatus
from tests.fakes import FakeUnitOfWork

OFFICER = Principal("ro", "olga", Role.RISK_OFFICER)
T0 = datetime(2026, 1, 1, 2, 0, tzinfo=UTC)
NOW = datetime(2026, 6, 30, 2, 0, tzinfo=UTC)


def _record(model_id: str, version: int, status: ModelStatus, share: float = 0.0) -> ModelRecord:
    return ModelRecord(id=model_id, name="bnpl_a_card", version=version, card_type="A",
                       kind="scorecard", status=status, data_fingerprint="0" * 64, metrics={},
                       model_json="{}", created_at=T0, created_by="system",
                       promoted_at=T0 if status is ModelStatus.CHAMPION else None,
                       shadow_share=share)


def _app(n: int, at: datetime, score: float, shadow: float | None) -> Application:
    return Application(
        id=f"app-{n}", customer_id=f"c-{n}", kind="person", product="consumer_bnpl",
        channel="app", status="approved", policy_decision="approved", requested_limit=None,
        granted_limit=Decimal("3000.00"), score=score, pd=0.05, band="B",
        keys=ApplicationKeys(None, None, None, None), inputs={}, checks={}, features={},
        facts={}, policy={}, reasons=[], ring=None, model_id="champ",
        model_name="bnpl_a_card", model_version=1, rules_version="r", rules_hash="h" * 64,
        elapsed_ms=1.0, created_at=at,
        shadow=None if shadow is None else {"model_id": "chall", "model_version": 2,
                                            "score": shadow, "pd": 0.05})


def _book(recent: list[float]) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.clock.current = NOW
    st = uow.committed
    st.models["champ"] = _record("champ", 1, ModelStatus.CHAMPION)
    st.models["chall"] = _record("chall", 2, ModelStatus.CANDIDATE, share=0.5)
    for i in range(100):  # launch month: 500, 501, ..., 599
        st.applications[f"app-{i}"] = _app(i, T0 + timedelta(hours=6 * i), 500.0 + i, None)
    for i, score in enumerate(recent):  # the latest days, shadow-scored 10 points higher
        st.applications[f"app-r{i}"] = _app(1000 + i, NOW - timedelta(hours=6 * (i + 1)),
                                            score, score + 10)
    return uow


def test_a_stable_population_and_a_shifted_one() -> None:
    stable = monitoring.application_stability("bnpl_a_card", 30, _book(
        [500.0 + i for i in range(100)]), OFFICER)
    assert stable is not None
    assert (stable.model, stable.baseline_rows, stable.current_rows, stable.psi,
            stable.status) == ("bnpl_a_card v1", 100, 100, 0.0, "ok")
    assert stable.baseline == "2026-01-01 – 2026-01-31"

    shifted = monitoring.application_stability("bnpl_a_card", 30, _book(
        [590.0 + i % 10 for i in range(100)]), OFFICER)
    assert shifted is not None and shifted.psi is not None
    assert shifted.psi > 2 and shifted.status == "drift"


def test_too_few_scores_give_no_psi() -> None:
    few = monitoring.application_stability("bnpl_a_card", 30, _book([550.0] * 10), OFFICER)
    assert few is not None
    assert (few.current_rows, few.psi, few.status) == (10, None, "too_few")
    assert monitoring.application_stability("sme_a_card", 30, _book([]), OFFICER) is None


def test_a_challenger_in_shadow_against_its_champion() -> None:
    c = monitoring.shadow_comparison("bnpl_a_card", 90, _book(
        [500.0 + 2 * i for i in range(40)]), OFFICER)
    assert c is not None
    assert (c.champion, c.challenger, c.share, c.rows) == ("bnpl_a_card v1",
                                                           "bnpl_a_card v2", 0.5, 40)
    assert (c.champion_mean, c.challenger_mean, c.mean_abs_diff, c.correlation) == (
        539.0, 549.0, 10.0, 1.0)


def test_monitoring_needs_models_read() -> None:
    with pytest.raises(Forbidden):
        monitoring.shadow_comparison("bnpl_a_card", 90, _book([]),
                                     Principal("c", "chen", Role.COLLECTOR))
