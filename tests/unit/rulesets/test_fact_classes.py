"""End of day evaluates the strategy tables once per class of facts, not once per line
(``rulesets.fact_classes``).  The answers must be the ones a line-by-line evaluation gives:
on random facts drawn around every threshold of the shipped tables, on facts that Python and
ZEN compare differently (ZEN reads floats to ~16 digits), and on tables holding a cell the
analysis does not understand -- where it must refuse and the stage evaluate line by line."""

from __future__ import annotations

import json
import math
import shutil
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creditline.batch.limit_strategy import _answers, decide_rows
from creditline.lines.behaviour_ports import StrategyRow
from creditline.lines.strategy import NEVER, RULES_DIR, STRATEGY
from creditline.rulesets.fact_classes import fact_classes
from creditline.rulesets.tables import Ruleset

BAND_EDGES = (0.0055, 0.011, 0.022, 0.044)


def _near(x: float) -> st.SearchStrategy[float]:
    """x itself, the floats either side of it, and a value ZEN reads as x although Python
    does not (16 significant digits)."""
    return st.sampled_from([x, math.nextafter(x, -math.inf), math.nextafter(x, math.inf),
                            x * (1 - 2e-16), x * (1 + 2e-16), x * (1 - 1e-10)])


def _int_around(*edges: int) -> st.SearchStrategy[int]:
    return st.one_of(st.sampled_from([e + d for e in edges for d in (-1, 0, 1)]),
                     st.integers(min_value=0, max_value=200), st.just(NEVER))


PD = st.one_of(st.none(), st.sampled_from(BAND_EDGES).flatmap(_near),
               st.floats(min_value=0.0, max_value=0.2), st.just(0.0))
UTILISATION = st.one_of(_near(0.8), st.floats(min_value=0.0, max_value=1.5))

POOLS: dict[str, st.SearchStrategy[Any]] = {
    "status": st.sampled_from(["active", "frozen", "suspended", "closed"]),
    "frozen_by_strategy": st.booleans(),
    "dpd": _int_around(0, 30, 60, 90),
    "pd": PD,
    "utilisation": UTILISATION,
    "clean_cycles": _int_around(6),
    "max_dpd_6m": _int_around(0),
    "cycles_since_increase": st.integers(min_value=0, max_value=24),
    "days_since_increase": _int_around(90),
    "days_since_decrease": _int_around(30),
    "opted_out": st.booleans(),
    "customer_kind": st.sampled_from(["person", "enterprise"]),
    "product": st.sampled_from(["consumer_bnpl", "sme_revolving"]),
}
FACTS = st.fixed_dictionaries(POOLS)


def _read(answer: dict[str, Any] | Exception) -> Any:
    """What the stage reads from an answer (``outcome_of``), or the error."""
    if isinstance(answer, Exception):
        return ("error", str(answer))
    return answer.get("band"), answer.get("strategy")


def _counting(ruleset: Ruleset) -> list[int]:
    """Count the native evaluations a ruleset makes from now on."""
    calls = [0]
    evaluate = ruleset.evaluate

    def counted(context: Any) -> dict[str, Any]:
        calls[0] += 1
        return evaluate(context)

    ruleset.evaluate = counted  # type: ignore[method-assign]
    return calls


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FACTS, min_size=1, max_size=6), st.data())
def test_memoised_answers_are_the_line_by_line_answers(bases: list[dict[str, Any]],
                                                       data: st.DataObject) -> None:
    """A few base lines, then many lines that each differ from a base in one or two facts
    drawn around the thresholds: lines that share a class but not their values are
    common, so a key that merges values the tables tell apart is caught."""
    ruleset = STRATEGY.default()
    contexts = list(bases)
    for _ in range(data.draw(st.integers(min_value=0, max_value=200))):
        line = dict(data.draw(st.sampled_from(bases)))
        for name in data.draw(st.lists(st.sampled_from(list(POOLS)), min_size=1, max_size=2)):
            line[name] = data.draw(POOLS[name])
        contexts.append(line)
    want = [_read(ruleset.evaluate(c)) for c in contexts]
    got = [_read(a) for a in _answers(ruleset, contexts)]
    assert got == want


def test_zen_reads_floats_to_16_digits_so_a_pd_a_hair_under_an_edge_is_on_the_edge() -> None:
    """Python says 0.005499999999999999 < 0.0055; ZEN reads it as 0.0055, so band B.  The
    key must not put it in band A's class with 0.0054 (whichever line comes first)."""
    ruleset = STRATEGY.default()
    base = {"status": "active", "frozen_by_strategy": False, "dpd": 0, "utilisation": 0.1,
            "clean_cycles": 6, "max_dpd_6m": 0, "days_since_increase": 400,
            "days_since_decrease": NEVER, "opted_out": False}
    hair = 0.005499999999999999
    assert ruleset.evaluate({**base, "pd": hair})["band"] == {"band": "B"}
    for order in ([0.0054, hair], [hair, 0.0054]):
        answers = _answers(ruleset, [{**base, "pd": p} for p in order])
        assert [a["band"]["band"] for a in answers] == [  # type: ignore[index]
            "A" if p == 0.0054 else "B" for p in order]


def test_each_line_gets_its_own_facts_with_its_class_answer() -> None:
    ruleset = STRATEGY.default()
    a = {"status": "active", "frozen_by_strategy": False, "dpd": 0, "pd": 0.001,
         "utilisation": 0.1, "clean_cycles": 6, "max_dpd_6m": 0, "days_since_increase": 400,
         "days_since_decrease": NEVER, "opted_out": False, "product": "x"}
    b = {**a, "pd": 0.002, "utilisation": 0.2, "product": "y"}
    calls = _counting(ruleset)
    first, second = _answers(ruleset, [a, b])
    assert calls[0] == 1  # one class
    assert isinstance(first, dict) and isinstance(second, dict)
    assert (first["pd"], first["product"]) == (0.001, "x")
    assert (second["pd"], second["product"]) == (0.002, "y")
    assert first["strategy"] == second["strategy"] and first["strategy"] is not second[
        "strategy"]
    assert second["strategy"]["reason"] == "CLEAN_CYCLES_TOP_BAND"


def test_the_shipped_tables_are_understood_and_band_band_is_not_in_the_key() -> None:
    classes = fact_classes(STRATEGY.default().graph)
    assert classes is not None
    assert classes.fields == ("clean_cycles", "days_since_decrease", "days_since_increase",
                              "dpd", "frozen_by_strategy", "max_dpd_6m", "opted_out", "pd",
                              "status", "utilisation")
    at = dict(zip(classes.fields, classes.thresholds, strict=True))
    assert at["pd"] == BAND_EDGES and at["dpd"] == (0, 30, 60, 90)
    assert at["status"] is None and at["opted_out"] is None  # classed by value
    assert classes.written == ("band", "strategy")


def test_what_cannot_be_classed_gets_no_key_and_is_evaluated_alone() -> None:
    classes = fact_classes(STRATEGY.default().graph)
    assert classes is not None
    base = {"status": "active", "frozen_by_strategy": False, "dpd": 0, "pd": 0.001,
            "utilisation": 0.1, "clean_cycles": 6, "max_dpd_6m": 0,
            "days_since_increase": 400, "days_since_decrease": NEVER, "opted_out": False}
    assert classes.key({**base, "band": {"band": "E"}}) is None  # a key the tables write
    assert classes.key({**base, "status": ["active"]}) is None  # not a plain value
    assert classes.key({**base, "dpd": 2**60}) != classes.key({**base, "dpd": 2**60 + 1})
    assert classes.key({**base, "pd": None}) != classes.key(
        {k: v for k, v in base.items() if k != "pd"})  # null and missing: two classes
    assert classes.key({**base, "pd": math.nan}) == classes.key({**base, "pd": math.nan})
    assert classes.key({**base, "pd": 0.001}) == classes.key({**base, "pd": 0.002})
    assert classes.key({**base, "dpd": 0}) != classes.key({**base, "dpd": 0.0})  # by type
    ruleset = STRATEGY.default()
    contexts = [base, {**base, "band": {"band": "E"}}, {**base, "pd": 0.002}]
    assert [_read(a) for a in _answers(ruleset, contexts)] == [
        _read(ruleset.evaluate(c)) for c in contexts]


# --- tables the analysis refuses -----------------------------------------------------

def _graph(cell: str, output: str = '"yes"') -> dict[str, Any]:
    table = {"id": "t", "type": "decisionTableNode", "name": "T",
             "content": {"hitPolicy": "first", "passThrough": True, "outputPath": "out",
                         "inputs": [{"id": "i", "name": "x", "type": "expression",
                                     "field": "x"}],
                         "outputs": [{"id": "o", "name": "o", "type": "expression",
                                      "field": "o"}],
                         "rules": [{"_id": "r", "i": cell, "o": output},
                                   {"_id": "z", "i": "", "o": '"no"'}]}}
    return {"nodes": [{"id": "request", "type": "inputNode"}, table,
                      {"id": "response", "type": "outputNode"}],
            "edges": [{"id": "a", "sourceId": "request", "targetId": "t"},
                      {"id": "b", "sourceId": "t", "targetId": "response"}]}


@pytest.mark.parametrize("cell", [
    "", "< 0.0055", "<= 10", "> -3", ">= 90", "== 0", "!= 6", "42", "[1..3]", "(1..3)",
    "[1..3)", "(1.5..3]", '"active"', '"A", "B", "C"', "'x'", "true", "false",
    "x == null", "x != null", "$ == null", "$ != null"])
def test_cells_the_analysis_understands(cell: str) -> None:
    assert fact_classes(_graph(cell)) is not None


@pytest.mark.parametrize("cell", [
    "< y", "> y / 100", "y == null", "abs($) > 1", "$ > 1 and $ < 5", "< 10, > 50",
    "1, 2, 3", "1e3", "not(\"A\")", "null", '"a\\"b"', "startsWith($, \"A\")", "< .5"])
def test_cells_the_analysis_refuses(cell: str) -> None:
    assert fact_classes(_graph(cell)) is None


@pytest.mark.parametrize("output", ["x * 2", "x", "[1, 2]", "", "null", "upper(\"a\")"])
def test_outputs_other_than_literals_are_refused(output: str) -> None:
    assert fact_classes(_graph("> 1", output)) is None


def test_a_graph_with_another_kind_of_node_is_refused() -> None:
    graph = _graph("> 1")
    graph["nodes"][1]["type"] = "expressionNode"
    assert fact_classes(graph) is None
    graph = _graph("> 1")
    graph["edges"].append({"id": "c", "sourceId": "request", "targetId": "response"})
    assert fact_classes(graph) is None


def _changed_strategy(tmp_path: Path, change: str) -> Ruleset:
    folder = tmp_path / "strategy"
    shutil.copytree(RULES_DIR, folder)
    name = "bands.json" if change == "cell" else "limit_actions.json"
    doc = json.loads((folder / name).read_text())
    content = next(n for n in doc["nodes"] if n["type"] == "decisionTableNode")["content"]
    if change == "cell":  # band A's edge moves with the line's utilisation
        content["rules"][1]["pd"] = "< utilisation / 100"
    else:  # an output computed from a fact
        content["outputs"].append({"id": "twice", "name": "Twice the use",
                                   "type": "expression", "field": "twice"})
        for rule in content["rules"]:
            rule["twice"] = "utilisation * 2"
    (folder / name).write_text(json.dumps(doc))
    return STRATEGY.load(folder, verify=False)


@pytest.mark.parametrize("change", ["cell", "output"])
def test_tables_the_analysis_refuses_are_evaluated_line_by_line(
        tmp_path: Path, change: str) -> None:
    ruleset = _changed_strategy(tmp_path, change)
    assert fact_classes(ruleset.graph) is None
    rows, features = random_book(400, seed=7)
    calls = _counting(ruleset)
    memo = decide_rows(rows, features, DAY, ruleset)
    assert calls[0] == len(rows)  # one evaluation a line: the fallback
    assert memo == decide_rows(rows, features, DAY, ruleset, memoise=False)
    contexts = [{"status": "active", "frozen_by_strategy": False, "dpd": 0,
                 "pd": 0.004 + i / 10_000, "utilisation": 0.1 * i, "clean_cycles": 6,
                 "max_dpd_6m": 0, "days_since_increase": 400,
                 "days_since_decrease": NEVER, "opted_out": False} for i in range(8)]
    assert [_read(a) for a in _answers(ruleset, contexts)] == [
        _read(ruleset.evaluate(c)) for c in contexts]


# --- the stage, with and without memoisation -----------------------------------------

DAY = date(2026, 7, 1)


def random_book(n: int, seed: int) -> tuple[list[StrategyRow], dict[str, np.ndarray]]:
    """n lines of random strategy facts: mostly good payers, some late, some frozen or
    suspended, some enterprises, a few of a customer kind the manifest gives no capacity
    for (their increases fail), with the behaviour stage's columns (NaN: not scored)."""
    rng = np.random.default_rng(seed)
    statuses = rng.choice(["active", "frozen", "suspended"], n, p=[0.85, 0.1, 0.05])
    kinds = rng.choice(["person", "enterprise", "trust"], n, p=[0.85, 0.14, 0.01])
    rows = []
    for i in range(n):
        limit = Decimal(int(rng.integers(5, 500)) * 100)
        rows.append(StrategyRow(
            line_id=f"L{i:06d}", customer_kind=str(kinds[i]), product="consumer_bnpl",
            status=str(statuses[i]), limit=limit,
            used=(limit * Decimal(str(round(float(rng.uniform(0, 1.1)), 2)))).quantize(
                Decimal("0.01")),
            monthly_income=None if rng.random() < 0.05
            else Decimal(int(rng.integers(20, 400)) * 100),
            opted_out=bool(rng.random() < 0.05),
            frozen_by_strategy=bool(statuses[i] == "frozen" and rng.random() < 0.7),
            last_increase=None if rng.random() < 0.5
            else DAY - timedelta(days=int(rng.integers(1, 400))),
            last_decrease=None if rng.random() < 0.8
            else DAY - timedelta(days=int(rng.integers(1, 120))),
            cycles_since_increase=int(rng.integers(0, 24)), product_min=Decimal("500.00"),
            product_max=Decimal("50000.00"),
            opened_on=DAY - timedelta(days=int(rng.integers(30, 1500))), decided_today=False))
    late = rng.random(n) < 0.15
    features = {
        "b_pd": np.where(rng.random(n) < 0.05, np.nan,
                         np.where(rng.random(n) < 0.02, rng.choice(BAND_EDGES, n),
                                  rng.beta(1.2, 60, n))),
        "utilisation": np.where(rng.random(n) < 0.02, 0.8, rng.uniform(0, 1.2, n)),
        "clean_cycles": rng.integers(0, 13, n).astype(np.float64),
        "max_dpd_6m": np.where(rng.random(n) < 0.8, 0, rng.integers(0, 120, n)).astype(
            np.float64),
        "dpd": np.where(late, rng.choice([1, 15, 29, 30, 31, 59, 60, 61, 89, 90, 91, 150], n),
                        0).astype(np.float64),
    }
    return rows, features


def test_decide_rows_is_the_same_with_and_without_memoisation() -> None:
    ruleset = STRATEGY.default()
    rows, features = random_book(3000, seed=20261130)
    keep = np.random.default_rng(1).random(len(rows)) < 0.3
    calls = _counting(ruleset)
    memo = decide_rows(rows, features, DAY, ruleset, keep=keep)
    classes = calls[0]
    plain = decide_rows(rows, features, DAY, ruleset, keep=keep, memoise=False)
    assert calls[0] - classes == len(rows)
    assert classes < len(rows) // 2  # memoisation did happen
    assert memo.moves and memo.errors  # the book exercises moves and errors
    assert {m.action for _, m in memo.moves} >= {"increase", "decrease", "freeze", "suspend",
                                                  "unfreeze"}
    assert (memo.decided, memo.errors, memo.moves, memo.kept) == (
        plain.decided, plain.errors, plain.moves, plain.kept)
