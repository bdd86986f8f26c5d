"""scikit-learn's own estimator checks, on numeric arrays.  Checks that cannot apply are listed
with the reason, so the list is a statement of where we deliberately differ."""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from creditline.scoring import GBMScorecard, Scorecard

SCORE_MEANS_POINTS = ("score(X) returns points (the scorecard's business meaning, as the "
                      "issue specifies), not scikit-learn's mean accuracy score(X, y)")

EXPECTED_FAILURES = {
    "check_fit_score_takes_y": SCORE_MEANS_POINTS,
    "check_pipeline_consistency": SCORE_MEANS_POINTS,
    # this check also calls score(X, y); the n_features_in_ rule itself is enforced for
    # predict/predict_proba/score and tested in test_bad_input.py
    "check_n_features_in_after_fitting": SCORE_MEANS_POINTS,
}


def expected_failed_checks(estimator: object) -> dict[str, str]:
    return EXPECTED_FAILURES


@parametrize_with_checks([Scorecard(min_iv=0.0), GBMScorecard(n_estimators=20, n_jobs=1,
                                                               min_child_samples=5)],
                         expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator: object, check: object) -> None:
    check(estimator)  # type: ignore[operator]
