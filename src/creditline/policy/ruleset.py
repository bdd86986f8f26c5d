"""The origination policy's ruleset: the decision tables in ``policy/rules/``, read through
the shared rule-family tooling (:mod:`creditline.rulesets`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from creditline.rulesets.tables import Ruleset, compose
from creditline.rulesets.tables import load_ruleset as _load

__all__ = ["RULES_DIR", "Ruleset", "compose", "default_ruleset", "load_ruleset"]

RULES_DIR = Path(__file__).parent / "rules"


def load_ruleset(folder: Path | str | None = None) -> Ruleset:
    """Read and check a ruleset folder (default: the one shipped in the package)."""
    return _load(RULES_DIR if folder is None else folder)


@lru_cache(maxsize=8)
def _cached(folder: str) -> Ruleset:
    return load_ruleset(folder)


def default_ruleset() -> Ruleset:
    """The shipped ruleset, loaded once per process."""
    return _cached(str(RULES_DIR))
