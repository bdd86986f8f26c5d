"""Bad input gets a clear error naming the column, and scoring never fails on a category the
card has not seen."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest

from creditline.errors import NotFittedError, ValidationError
from creditline.scoring import ConstantColumnWarning, GBMScorecard, Scorecard
from tests.unit.scoring.simdata import Book


def test_a_target_that_is_not_binary_is_refused(book: Book) -> None:
    y = book.y.copy()
    y[:10] = 2
    with pytest.raises(ValidationError, match="target must be binary") as err:
        Scorecard().fit(book.X, y)
    assert err.value.field == "y"


def test_a_target_with_one_class_is_refused(book: Book) -> None:
    with pytest.raises(ValidationError, match="1 class"):
        Scorecard().fit(book.X, np.zeros(len(book.y)))


def test_a_target_with_missing_labels_is_refused(book: Book) -> None:
    y = book.y.astype(float)
    y[3] = np.nan
    with pytest.raises(ValidationError, match="missing"):
        Scorecard().fit(book.X, y)


def test_labels_and_rows_must_agree(book: Book) -> None:
    with pytest.raises(ValidationError, match="labels but X has"):
        Scorecard().fit(book.X, book.y[:-1])


@pytest.mark.parametrize("model", [Scorecard, GBMScorecard])
def test_a_column_entirely_missing_is_named(book: Book, model: type) -> None:
    X = book.X.assign(bureau_score=np.nan)
    with pytest.raises(ValidationError, match="entirely missing") as err:
        model().fit(X, book.y)
    assert err.value.field == "bureau_score"


def test_a_constant_column_is_dropped_with_a_warning(book: Book) -> None:
    X = book.X.assign(country="CN")
    with pytest.warns(ConstantColumnWarning, match="'country' is constant"):
        card = Scorecard().fit(X, book.y)
    assert card.dropped_["country"] == "constant column"
    assert "country" not in card.variables_


def test_unseen_categories_score_in_a_defined_bin(card: Scorecard, book: Book) -> None:
    X = book.X.head(3).assign(region=["atlantis", None, "north"])
    scores = card.score(X)
    assert np.all(np.isfinite(scores))
    vb = card.bins_["region"]
    assert vb.bin_index(np.array(["atlantis"], dtype=object))[0] == vb.other_bin
    assert card.score_one({**book.X.iloc[0].to_dict(), "region": "atlantis"}) == \
        pytest.approx(card.score(book.X.head(1).assign(region="atlantis"))[0])
    # the GBM challenger, too
    gbm = GBMScorecard(n_estimators=20, n_jobs=1).fit(book.X, book.y)
    assert np.all(np.isfinite(gbm.score(X)))


@pytest.mark.parametrize("to_frame", [lambda df: df, pl.from_pandas])
def test_a_frame_missing_a_needed_column_is_named(card: Scorecard, book: Book,
                                                  to_frame: object) -> None:
    X = to_frame(book.X.drop(columns=["utilization"]))  # type: ignore[operator]
    with pytest.raises(ValidationError, match="column is missing") as err:
        card.score(X)
    assert err.value.field == "utilization"


def test_a_frame_missing_only_an_unused_column_is_fine(card: Scorecard, book: Book) -> None:
    assert len(card.score(book.X.drop(columns=["noise"]))) == len(book.X)


def test_an_application_missing_a_needed_field_is_named(card: Scorecard, book: Book) -> None:
    row = book.X.iloc[0].to_dict()
    del row["age"]
    with pytest.raises(ValidationError) as err:
        card.score_one(row)
    assert err.value.field == "age"


def test_text_in_a_numeric_column_is_named(card: Scorecard, book: Book) -> None:
    with pytest.raises(ValidationError) as err:
        card.score(book.X.head(2).assign(age=["old", "young"]))
    assert err.value.field == "age"
    with pytest.raises(ValidationError):
        card.score_one({**book.X.iloc[0].to_dict(), "age": "old"})


def test_missing_values_at_scoring_take_the_missing_bin(card: Scorecard, book: Book) -> None:
    row = {**book.X.iloc[0].to_dict(), "income": None}
    assert card.score_one(row) == pytest.approx(
        card.score(book.X.head(1).assign(income=np.nan))[0])


def test_wrong_number_of_array_columns(card: Scorecard, book: Book) -> None:
    with pytest.raises(ValueError, match="features"):
        card.score(book.X.to_numpy(dtype=object)[:, :3])


@pytest.mark.parametrize("method", ["score", "predict_proba", "predict", "reasons"])
@pytest.mark.parametrize("model", [Scorecard, GBMScorecard])
def test_an_unfitted_model_says_so(book: Book, method: str, model: type) -> None:
    with pytest.raises(NotFittedError, match="not fitted"):
        getattr(model(), method)(book.X)


def test_an_unfitted_card_has_no_table_or_json() -> None:
    with pytest.raises(NotFittedError):
        Scorecard().table()
    with pytest.raises(NotFittedError):
        Scorecard().to_json()


@pytest.mark.parametrize(("param", "value"), [
    ("card_type", "D"), ("min_bin_size", 0.7), ("monotonic_trend", "sideways"),
    ("trends", {"age": "wiggly"}), ("target_bad_rate", 1.5), ("max_n_prebins", 1)])
def test_bad_options_name_the_option(book: Book, param: str, value: object) -> None:
    with pytest.raises(ValidationError) as err:
        Scorecard(**{param: value}).fit(book.X, book.y)
    assert err.value.field.startswith(param)


def test_gbm_monotone_constraint_on_an_unknown_column_is_named(book: Book) -> None:
    with pytest.raises(ValidationError) as err:
        GBMScorecard(n_jobs=1, monotone_constraints={"salary": 1}).fit(book.X, book.y)
    assert err.value.field == "monotone_constraints.salary"


def test_a_model_json_from_a_future_release_is_refused(card: Scorecard) -> None:
    d = card.to_dict()
    d["format_version"] = 99
    import json

    with pytest.raises(ValidationError, match="unsupported version"):
        Scorecard.from_json(json.dumps(d))


def test_load_model_refuses_what_is_not_a_model() -> None:
    from creditline.scoring import load_model

    with pytest.raises(ValidationError, match="not valid JSON"):
        load_model("{not json")
    with pytest.raises(ValidationError, match="no 'kind'"):
        load_model("{}")


def test_a_single_row_frame_with_pandas_nullable_types(card: Scorecard, book: Book) -> None:
    X = book.X.head(1).astype({"inquiries": "Int64", "region": "string"})
    X.loc[0, "inquiries"] = pd.NA
    assert np.isfinite(card.score(X)[0])
