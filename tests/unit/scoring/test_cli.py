"""``creditline model train / report / monitor`` on files, as a risk analyst runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from creditline.cli import _register, app
from creditline.scoring import load_model
from tests.unit.scoring.simdata import simulate

_register()
runner = CliRunner()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("cli")
    book = simulate(3000, seed=11)
    df = book.X.assign(outcome=["bad" if v else "good" for v in book.y], application_id=range(3000))
    df.to_csv(d / "book.csv", index=False)
    df.iloc[:1500].to_parquet(d / "baseline.parquet")
    shifted = df.iloc[1500:].assign(utilization=(df["utilization"].iloc[1500:] + 0.3).clip(upper=1))
    shifted.to_parquet(d / "shifted.parquet")
    df.iloc[1500:].to_parquet(d / "current.parquet")
    return {"dir": d, "csv": d / "book.csv", "baseline": d / "baseline.parquet",
            "current": d / "current.parquet", "shifted": d / "shifted.parquet"}


def _train(files: dict[str, Path], *extra: str) -> tuple[int, str, Path]:
    out = files["dir"] / f"model{len(extra)}.json"
    result = runner.invoke(app, ["model", "train", "--data", str(files["csv"]), "--target",
                                 "outcome", "--bad", "bad", "--out", str(out),
                                 "--drop", "application_id", *extra])
    return result.exit_code, result.output, out


def test_train_prints_holdout_metrics_and_writes_a_model(files: dict[str, Path]) -> None:
    code, output, out = _train(files, "--card", "B")
    assert code == 0, output
    assert "AUC" in output and "KS" in output and "GINI" in output
    d = json.loads(out.read_text())
    assert d["card_type"] == "B" and d["kind"] == "scorecard"
    assert d["training"]["holdout"]["auc"] > 0.65
    assert len(d["training"]["data_fingerprint"]) == 64
    assert "application_id" not in d["input_kinds"]
    load_model(out.read_text())


def test_train_a_gbm_challenger(files: dict[str, Path]) -> None:
    code, output, out = _train(files, "--kind", "gbm", "--holdout", "0.4")
    assert code == 0, output
    assert json.loads(out.read_text())["kind"] == "gbm"


def test_report_writes_html(files: dict[str, Path]) -> None:
    _, _, model = _train(files)
    out = files["dir"] / "report.html"
    result = runner.invoke(app, ["model", "report", "--model", str(model), "--data",
                                 str(files["csv"]), "--target", "outcome", "--bad", "bad",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "ROC curve" in out.read_text()


def test_monitor_exit_code_tells_drift_apart(files: dict[str, Path]) -> None:
    _, _, model = _train(files)
    ok = runner.invoke(app, ["model", "monitor", "--model", str(model), "--baseline",
                             str(files["baseline"]), "--current", str(files["current"])])
    assert ok.exit_code == 0, ok.output
    assert "score" in ok.output
    drift = runner.invoke(app, ["model", "monitor", "--model", str(model), "--baseline",
                                str(files["baseline"]), "--current", str(files["shifted"])])
    assert drift.exit_code == 1
    assert "drift" in drift.output and "utilization" in drift.output


@pytest.mark.parametrize(("args", "message"), [
    (["--target", "nope", "--bad", "bad"], "--target: column 'nope' not in the data"),
    (["--target", "age", "--bad", "30"], "age: target must be binary"),
    (["--target", "outcome", "--bad", "default"], "--bad: value 'default' not found"),
    (["--target", "outcome", "--bad", "bad", "--card", "Z"], "--card: must be A, B or C"),
])
def test_train_bad_input_exits_2_naming_the_option(files: dict[str, Path], args: list[str],
                                                  message: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from creditline.cli import main

    out = files["dir"] / "never.json"
    argv = ["model", "train", "--data", str(files["csv"]), "--out", str(out), *args]
    with pytest.raises(SystemExit) as exc:
        import sys

        old = sys.argv
        sys.argv = ["creditline", *argv]
        try:
            main()
        finally:
            sys.argv = old
    assert exc.value.code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_missing_data_file_is_named(files: dict[str, Path]) -> None:
    result = runner.invoke(app, ["model", "train", "--data", "/nope.csv", "--target", "t",
                                 "--bad", "1", "--out", str(files["dir"] / "x.json")])
    assert result.exit_code != 0
    assert "file not found" in str(result.exception)


def test_every_model_command_has_help() -> None:
    for cmd in ("train", "report", "monitor", "register", "promote", "challenger", "list"):
        result = runner.invoke(app, ["model", cmd, "--help"])
        assert result.exit_code == 0, cmd
    assert "Exit code" in runner.invoke(app, ["model", "monitor", "--help"]).output
