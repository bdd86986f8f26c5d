"""No import cycles between the modules of ``creditline``.

The import graph is grimp's (the one import-linter checks the contracts in pyproject.toml on).
What counts as an import here:

- every ``import`` statement, at module level **or inside a function**.  A lazy import only
  hides a cycle from the interpreter: the two modules still need each other, cannot be read,
  tested or moved apart, and the cycle comes back the day someone hoists the import.
- but **not** an import under ``if TYPE_CHECKING:``.  It never runs; it names a type for an
  annotation (a port's Protocol in a signature), which is the sanctioned way for a module to
  mention a type without depending on its module at run time.

Cycles between sibling *packages* (``servicing`` -> ``batch`` -> ``servicing``) are the
``acyclic_siblings`` contract's job in pyproject.toml; this test is about modules.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import grimp
import networkx as nx
import pytest


def import_graph(package: str) -> nx.DiGraph[str]:
    """Module -> module edges inside ``package``, type-checking-only imports left out."""
    graph = grimp.build_graph(package, exclude_type_checking_imports=True, cache_dir=None)
    edges: nx.DiGraph[str] = nx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            edges.add_edge(module, imported)
    return edges


def module_cycles(edges: nx.DiGraph[str]) -> list[list[str]]:
    """Every elementary cycle, each starting at its smallest module name, sorted."""
    cycles = []
    for cycle in nx.simple_cycles(edges, length_bound=12):
        start = cycle.index(min(cycle))
        cycles.append(cycle[start:] + cycle[:start])
    return sorted(cycles)


def describe(cycles: list[list[str]]) -> str:
    return "\n".join(" -> ".join([*cycle, cycle[0]]) for cycle in cycles)


def test_creditline_has_no_module_import_cycle() -> None:
    cycles = module_cycles(import_graph("creditline"))
    assert not cycles, f"{len(cycles)} import cycle(s):\n{describe(cycles)}"


# ----- the rule itself, on a small package written for the purpose


def _package(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path / "toyshop"


def test_a_lazy_import_that_closes_a_loop_is_a_cycle(toy: Path) -> None:
    _package(toy, {
        "__init__.py": "",
        "orders.py": """
            def place():
                from toyshop import stock  # lazy: still a dependency
                return stock.reserve()
            """,
        "stock.py": """
            from toyshop.orders import place

            def reserve():
                return place
            """,
    })
    assert module_cycles(import_graph("toyshop")) == [["toyshop.orders", "toyshop.stock"]]


def test_an_import_for_annotations_only_is_not_a_cycle(toy: Path) -> None:
    _package(toy, {
        "__init__.py": "",
        "orders.py": """
            from toyshop.stock import reserve

            class Order:
                def place(self):
                    return reserve()
            """,
        "stock.py": """
            from __future__ import annotations

            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from toyshop.orders import Order

            def reserve(order: Order | None = None):
                return order
            """,
    })
    assert module_cycles(import_graph("toyshop")) == []


def test_cycles_are_listed_from_their_first_module() -> None:
    edges: nx.DiGraph[str] = nx.DiGraph([("c", "a"), ("a", "b"), ("b", "c"), ("b", "d")])
    cycles = module_cycles(edges)
    assert cycles == [["a", "b", "c"]]
    assert describe(cycles) == "a -> b -> c -> a"
