"""``creditline model``: train, report, monitor, register, promote scorecards.

Data files are CSV or Parquet, read with polars.  Bad input (missing file or column, a target
that is not binary, ...) exits with code 2 and a message naming the option and the rule.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich import box
from rich.table import Table

from creditline.cli.common import DbOption, UserTokenOption, console, container_for
from creditline.cli.foundation import actor_from_token
from creditline.errors import ValidationError

sub = typer.Typer(help="Scorecards: train, report, monitor, promote. Drift monitoring, "
                       "the registry and champion / challenger.",
                  no_args_is_help=True)

DataOption = Annotated[Path, typer.Option("--data", help="Training/validation data (.csv or .parquet).")]
TargetOption = Annotated[str, typer.Option("--target", help="Name of the outcome column.")]
BadOption = Annotated[str, typer.Option("--bad", help="Value of the target that means *bad* (e.g. 1).")]
ModelOption = Annotated[Path, typer.Option("--model", help="A model JSON written by `model train`.")]
TokenOption = UserTokenOption  # the same --token rules as every command that acts as a user


def read_frame(path: Path, option: str = "--data") -> Any:
    """A polars frame from CSV or Parquet."""
    import polars as pl

    if not path.exists():
        raise ValidationError(option, f"file not found: {path}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return pl.read_csv(path, infer_schema_length=10_000, null_values=["", "NA", "NaN", "null"])
    if suffix in (".parquet", ".pq"):
        return pl.read_parquet(path)
    raise ValidationError(option, "must be a .csv or .parquet file")


def split_target(df: Any, target: str, bad: str) -> tuple[Any, np.ndarray]:
    """Features and a 0/1 target (1 where the target equals ``bad``); the target must be
    binary and contain ``bad``."""
    import polars as pl

    if target not in df.columns:
        raise ValidationError("--target", f"column {target!r} not in the data")
    col = df.get_column(target)
    if col.null_count():
        raise ValidationError(target, "target column has missing values")
    text = col.cast(pl.String)
    values = sorted(text.unique().to_list())
    if len(values) != 2:
        raise ValidationError(target, f"target must be binary; found {len(values)} distinct "
                                      f"value(s): {values[:5]}")
    if bad not in values:
        raise ValidationError("--bad", f"value {bad!r} not found in {target!r} (values: {values})")
    y = (text == bad).to_numpy().astype(np.int64)
    return df.drop(target), y


def _load_model(path: Path) -> tuple[Any, dict[str, Any]]:
    from creditline.scoring.model_file import load_model

    if not path.exists():
        raise ValidationError("--model", f"file not found: {path}")
    text = path.read_text(encoding="utf-8")
    model = load_model(text)
    return model, json.loads(text)


def _metrics_table(title: str, metrics: dict[str, float]) -> Table:
    t = Table(title=title)
    for k in metrics:
        t.add_column(k.upper(), justify="right")
    t.add_row(*(f"{v:.4f}" for v in metrics.values()))
    return t


@sub.command("train")
def train(
    data: DataOption,
    target: TargetOption,
    bad: BadOption,
    out: Annotated[Path, typer.Option("--out", help="Where to write the model JSON.")],
    card: Annotated[str, typer.Option("--card", help="Card type: A (application), B (behaviour) or C (collection).")] = "A",
    kind: Annotated[str, typer.Option("--kind", help="scorecard (WOE logistic) or gbm (LightGBM challenger).")] = "scorecard",
    holdout: Annotated[float, typer.Option("--holdout", help="Share of rows held out for validation.", min=0.05, max=0.9)] = 0.3,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the stratified holdout split.")] = 42,
    categorical: Annotated[str, typer.Option("--categorical", help="Comma-separated columns to treat as categories.")] = "",
    drop: Annotated[str, typer.Option("--drop", help="Comma-separated columns to leave out (ids, dates).")] = "",
) -> None:
    """Fit a scorecard (or GBM) on a stratified split.

    Prints the holdout AUC / KS / Gini."""
    from creditline.scoring.training import TrainCard, train_card, write_model

    card = card.upper()
    if card not in ("A", "B", "C"):
        raise ValidationError("--card", "must be A, B or C")
    if kind not in ("scorecard", "gbm"):
        raise ValidationError("--kind", "must be scorecard or gbm")
    df = read_frame(data)
    X, y = split_target(df, target, bad)
    dropped = [c.strip() for c in drop.split(",") if c.strip()]
    for c in dropped:
        if c not in X.columns:
            raise ValidationError("--drop", f"column {c!r} not in the data")
    X = X.drop(dropped)
    cats = [c.strip() for c in categorical.split(",") if c.strip()]
    for c in cats:
        if c not in X.columns:
            raise ValidationError("--categorical", f"column {c!r} not in the data")
    with console.status(f"fitting {kind} on {1 - holdout:.0%} of {len(y):,} rows"):
        trained = train_card(TrainCard(X=X, y=y, card_type=card, kind=kind,
                                       categorical=tuple(cats), holdout=holdout, seed=seed,
                                       split="stratified"))
    m_tr, m_te = trained.train_metrics, trained.holdout_metrics
    write_model(out, trained.document({
        "data_file": data.name, "target": target, "bad": bad, "rows": trained.rows,
        "train_rows": trained.train_rows, "holdout_rows": trained.holdout_rows, "seed": seed,
        "data_fingerprint": trained.fingerprint_all, "holdout": m_te, "train": m_tr}))
    console.print(_metrics_table(f"Holdout ({trained.holdout_rows:,} rows)", m_te))
    console.print(f"train AUC {m_tr['auc']:.4f}; variables used: "
                  f"{len(getattr(trained.model, 'variables_', []))}; model written to {out}")


@sub.command("report")
def report(
    model: ModelOption,
    data: DataOption,
    target: TargetOption,
    bad: BadOption,
    out: Annotated[Path, typer.Option("--out", help="Where to write the HTML report.")],
    title: Annotated[str, typer.Option("--title", help="Report title.")] = "Model report",
) -> None:
    """Write an HTML model report for a labelled sample.

    Self-contained: ROC, KS, score distribution, calibration, WOE bars, gains and
    calibration tables."""
    from creditline.scoring.report import build_report

    fitted, _ = _load_model(model)
    X, y = split_target(read_frame(data), target, bad)
    html = build_report(fitted, X, y, title=title)
    out.write_text(html, encoding="utf-8")
    console.print(f"report written to {out} ({len(html) // 1024} KiB)")


@sub.command("monitor")
def monitor(
    model: ModelOption,
    baseline: Annotated[Path, typer.Option("--baseline", help="Reference sample (.csv/.parquet), e.g. the development data.")],
    current: Annotated[Path, typer.Option("--current", help="Recent sample to compare (.csv/.parquet).")],
    psi_limit: Annotated[float, typer.Option("--psi-limit", help="PSI above this is drift.", min=0.0)] = 0.25,
    warn_limit: Annotated[float, typer.Option("--warn-limit", help="PSI above this is a warning.", min=0.0)] = 0.10,
) -> None:
    """Measure drift (PSI) between two samples.

    PSI of the score and of every model variable.

    Exit code: 0 when nothing drifted, 1 when any PSI exceeds --psi-limit (so a scheduler can
    alert), 2 on bad input.
    """
    from creditline.scoring.monitor import monitor as run_monitor

    if warn_limit > psi_limit:
        raise ValidationError("--warn-limit", "must not exceed --psi-limit")
    fitted, _ = _load_model(model)
    rep = run_monitor(fitted, read_frame(baseline, "--baseline"), read_frame(current, "--current"),
                      psi_limit=psi_limit, warn_limit=warn_limit)
    t = Table(title=f"Stability: {rep.baseline_rows:,} baseline vs {rep.current_rows:,} current rows")
    t.add_column("item")
    t.add_column("PSI", justify="right")
    t.add_column("status")
    colour = {"ok": "green", "warn": "yellow", "drift": "bold red"}
    for r in rep.rows:
        t.add_row(r.item, f"{r.psi:.4f}", f"[{colour[r.status]}]{r.status}[/]")
    console.print(t)
    if rep.flagged:
        console.print(f"drift: {', '.join(r.item for r in rep.drifted)} above PSI {psi_limit}")
        raise typer.Exit(1)


def _record_table(records: list[Any]) -> Table:
    """One line per model, fitting a 100-column terminal: the full id (it is copied into
    `model promote --id`), card and kind in one cell, the shadow share beside the status,
    and the creation date (the registry keeps the time)."""
    t = Table(title="Models", box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1, 0, 0),
              show_edge=False)
    t.add_column("id", no_wrap=True, min_width=36)
    t.add_column("name", no_wrap=True)
    t.add_column("v", justify="right")
    t.add_column("model", no_wrap=True)
    t.add_column("status", no_wrap=True)
    t.add_column("AUC", justify="right")
    t.add_column("created", no_wrap=True)
    for r in records:
        status = r.status.value + (f" {r.shadow_share:.0%}" if r.shadow_share else "")
        t.add_row(r.id, r.name, str(r.version), f"{r.card_type} {r.kind}", status,
                  f"{r.metrics['auc']:.4f}" if "auc" in r.metrics else "",
                  r.created_at.strftime("%Y-%m-%d"))
    return t


@sub.command("register")
def register(
    model: ModelOption,
    name: Annotated[str, typer.Option("--name", help="Model family, e.g. bnpl_a_card; versions count up within it.")],
    fingerprint: Annotated[str | None, typer.Option("--fingerprint", help="Training data SHA-256, if the JSON has no training record.", show_default=False)] = None,
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """Register a model JSON as a candidate.

    It becomes the next version of --name."""
    from creditline.scoring.services import RegisterModel, register_model

    _, d = _load_model(model)
    training = d.get("training") or {}
    fp = fingerprint or training.get("data_fingerprint")
    if not fp:
        raise ValidationError("--fingerprint", "required: the model JSON has no training record")
    metrics = {k: float(v) for k, v in (training.get("holdout") or {}).items()}
    container = container_for(db)
    actor = actor_from_token(container, token)
    record = register_model(RegisterModel(name=name, model_json=model.read_text(encoding="utf-8"),
                                          data_fingerprint=fp, metrics=metrics),
                            container.uow(), actor)
    console.print(f"registered {record.label} ({record.kind}, card {record.card_type}) "
                  f"as candidate; id {record.id}")


def _ref(model_id: str | None, name: str | None, version: int | None) -> Any:
    from creditline.scoring.services import ModelRef

    if not model_id and not (name and version):
        raise ValidationError("--id", "give --id, or --name with --version")
    return ModelRef(model_id=model_id, name=name, version=version)


IdOption = Annotated[str | None, typer.Option("--id", help="Model id.", show_default=False)]
NameOption = Annotated[str | None, typer.Option("--name", help="Model name (with --version).", show_default=False)]
VersionOption = Annotated[int | None, typer.Option("--version", help="Model version (with --name).", show_default=False)]


@sub.command("promote")
def promote(
    model_id: IdOption = None,
    name: NameOption = None,
    version: VersionOption = None,
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """Make a model the champion of its name.

    Risk officer or admin; the old champion is retired.  Serving uses the champion."""
    from creditline.scoring.services import promote_model

    ref = _ref(model_id, name, version)
    container = container_for(db)
    record = promote_model(ref, container.uow(), actor_from_token(container, token))
    console.print(f"{record.label} is now champion (promoted by {record.promoted_by})")


@sub.command("challenger")
def challenger(
    share: Annotated[float, typer.Option("--share", help="Share of applications scored in shadow (0 stops).", min=0.0, max=1.0)],
    model_id: IdOption = None,
    name: NameOption = None,
    version: VersionOption = None,
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """Run a candidate in shadow beside the champion.

    It scores a share of traffic."""
    from creditline.scoring.services import SetChallenger, set_challenger

    ref = _ref(model_id, name, version)
    container = container_for(db)
    record = set_challenger(SetChallenger(ref, share), container.uow(),
                            actor_from_token(container, token))
    console.print(f"{record.label} challenges in shadow on {record.shadow_share:.0%} of traffic")


@sub.command("list")
def list_models(
    name: Annotated[str | None, typer.Option("--name", help="Only this model name.", show_default=False)] = None,
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """Show registered models with status and holdout AUC."""
    from creditline.paging import LIMIT_MAX, PageRequest
    from creditline.scoring.services import list_models as run_list

    container = container_for(db)
    actor = actor_from_token(container, token)
    records: list[Any] = []
    req: PageRequest | None = PageRequest(limit=LIMIT_MAX)
    while req is not None:  # every version: a registry holds a handful
        got = run_list(container.uow(), actor, name=name, req=req)
        records.extend(got.items)
        req = None if got.next is None else PageRequest(after=got.next, limit=LIMIT_MAX)
    console.print(_record_table(sorted(records, key=lambda r: (r.name, r.version))))


@sub.command("score-all")
def score_all(
    model_id: Annotated[str | None, typer.Option("--model-id", "--id", help="Model id.", show_default=False)] = None,
    name: NameOption = None,
    version: VersionOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Score on each line's newest behaviour features on or before this date (YYYY-MM-DD); default: the book's business date.", show_default=False)] = None,
    engine: Annotated[str, typer.Option("--engine", help="Where partitions run: 'local' (this process) or 'spark' (Spark executors against the same PostgreSQL store).")] = "local",
    master: Annotated[str, typer.Option("--master", help="With --engine spark: the Spark master URL (local[2], spark://host:7077, yarn...).")] = "local[2]",
    partition: Annotated[int, typer.Option("--partition", help="Lines per partition (one transaction each).")] = 10_000,
    token: UserTokenOption = None,
    db: DbOption = None,
) -> None:
    """Score every line with a card; keep the scores.

    B-cards only: the card's variables must all be line behaviour features (a card needing
    application or collection fields is refused, naming them).  Risk officer or admin."""
    from datetime import datetime

    from creditline.batch.score_all import PARTITION_MAX, ScoreAll
    from creditline.batch.score_all import score_all as run_score_all

    if model_id is None and not (name and version is not None):
        raise ValidationError("--model-id", "give --model-id, or --name with --version")
    day = None
    if as_of is not None:
        try:
            day = datetime.strptime(as_of, "%Y-%m-%d").date()
        except ValueError:
            raise ValidationError("--as-of", "must be a date as YYYY-MM-DD") from None
    if engine not in ("local", "spark"):
        raise ValidationError("--engine", "must be local or spark")
    if not 1 <= partition <= PARTITION_MAX:
        raise ValidationError("--partition", f"must be between 1 and {PARTITION_MAX:,}")
    container = container_for(db)
    actor = actor_from_token(container, token)
    spark = None
    if engine == "spark":
        from creditline.batch.spark import SparkEngine
        from creditline.bootstrap import executor_container

        try:
            spark = SparkEngine(container.settings.model_dump(mode="json"), executor_container,
                                master=master, app_name="creditline-score-all")
        except ValidationError as exc:
            raise ValidationError("--engine", exc.rule) from None
    from creditline.scoring.services import ModelRef

    cmd = ScoreAll(ModelRef(model_id=model_id, name=name, version=version), day, engine,
                   partition)
    try:
        with console.status(f"scoring every line ({engine})"):
            run = run_score_all(cmd, container.uow(), actor, engine=spark)
    except ValidationError as exc:
        if exc.field in ("as_of", "model"):
            raise ValidationError({"as_of": "--as-of", "model": "--model-id"}[exc.field],
                                  exc.rule) from None
        raise
    finally:
        if spark is not None:
            spark.stop()
    skipped = ", ".join(f"{k} {v:,}" for k, v in run.skipped.items())
    console.print(f"run {run.run_id}: {run.model} scored {run.lines_scored:,} line(s) as of "
                  f"{run.as_of.isoformat()} on {run.engine} in {run.partitions} partition(s), "
                  f"{run.seconds or 0:.2f} s; skipped: {skipped}")
