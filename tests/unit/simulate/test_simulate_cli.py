"""``creditline simulate population`` writes the training frame and refuses bad options."""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import pytest

from creditline.cli import main
from creditline.simulate.population import APPLICANT_FEATURES, generate_population


def _run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["creditline", "simulate", "population", *args])
    try:
        main()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_writes_parquet_that_matches_the_python_api(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "applicants.parquet"
    assert _run(monkeypatch, "--n", "800", "--seed", "4", "--out", str(out)) == 0
    written = pl.read_parquet(out)
    expected = generate_population(800, 4).applicant_features()
    assert written.equals(expected)
    assert written.columns == ["person_id", "application_date", *APPLICANT_FEATURES, "bad"]
    shown = capsys.readouterr().out
    assert "800" in shown and "default rate" in shown and "fraud share" in shown


def test_csv_with_enterprises_truth_and_identities(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    out = tmp_path / "out" / "book.csv"
    code = _run(monkeypatch, "--n", "300", "--seed", "2", "--out", str(out), "--format", "csv",
                "--enterprises", "25", "--truth", "--identities", "--as-of", "2025-06-30")
    assert code == 0
    frame = pl.read_csv(out)
    assert frame.height == 300
    assert {"bad", "pd_true", "fraud_kind"} <= set(frame.columns)
    assert frame["application_date"].unique().to_list() == ["2025-06-30"]
    firms = pl.read_csv(tmp_path / "out" / "book.enterprises.csv")
    assert firms.height == 25 and "bad" in firms.columns
    persons = pl.read_csv(tmp_path / "out" / "book.persons.csv", schema_overrides={"phone": pl.String})
    assert persons["phone"].str.len_chars().eq(11).all()
    assert (tmp_path / "out" / "book.contacts.csv").exists()


def test_format_follows_the_suffix_when_not_given(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    assert _run(monkeypatch, "--n", "50", "--out", str(out)) == 0
    assert out.read_text().startswith("person_id,")


@pytest.mark.parametrize(("args", "named"), [
    (["--n", "0"], "--n"),
    (["--n", "10", "--seed", "-3"], "--seed"),
    (["--n", "10", "--enterprises", "-1"], "--enterprises"),
    (["--n", "10", "--as-of", "1 May 2026"], "--as-of"),
    (["--n", "10", "--as-of", "2099-01-01"], "--as-of"),
    (["--n", "10", "--format", "xml"], "--format"),
    (["--n", "many"], "--n"),
])
def test_bad_options_exit_2_naming_the_option(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              args: list[str], named: str) -> None:
    out = tmp_path / "x.parquet"
    assert _run(monkeypatch, *args, "--out", str(out)) == 2
    assert named in capsys.readouterr().err
    assert not out.exists()
