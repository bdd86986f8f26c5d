"""The mypy configuration does what pyproject.toml says it does.

mypy reads ``strict = true`` only in its global section: written in a per-module override it
silently makes *every* module strict.  So the domain's override spells the flags out, and these
tests hold that list to mypy's own ``--strict`` (which grows between mypy versions), over the
same domain packages the import-linter contract names.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import grimp
import pytest
from mypy.main import process_options
from mypy.options import PER_MODULE_OPTIONS, Options

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
DOMAIN_CONTRACT = "The domain never reaches the end-of-day engine, the simulator, the store or an entrypoint"


def _options(args: list[str], cwd: Path) -> Options:
    here = Path.cwd()
    os.chdir(cwd)
    try:
        return process_options(args)[1]
    finally:
        os.chdir(here)


@pytest.fixture(scope="module")
def strict_flags(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The per-module flags ``mypy --strict`` changes, and the values it gives them (read in an
    empty folder, so no project configuration is mixed in)."""
    empty = tmp_path_factory.mktemp("no-config")
    strict = _options(["--strict", "-c", "pass"], empty)
    plain = _options(["-c", "pass"], empty)
    return {name: getattr(strict, name) for name in PER_MODULE_OPTIONS
            if getattr(strict, name) != getattr(plain, name)}


@pytest.fixture(scope="module")
def project() -> Options:
    options = _options(["src"], ROOT)
    assert options.config_file == "pyproject.toml"
    return options


def domain_packages() -> list[str]:
    (contract,) = [c for c in PYPROJECT["tool"]["importlinter"]["contracts"]
                   if c["name"] == DOMAIN_CONTRACT]
    return list(contract["source_modules"])


def domain_modules() -> list[str]:
    graph = grimp.build_graph("creditline", cache_dir=None)
    return sorted(m for m in graph.modules
                  if any(m == p or m.startswith(p + ".") for p in domain_packages()))


def test_strict_mode_changes_per_module_flags(strict_flags: dict[str, Any]) -> None:
    # the comparison below is only as good as this list
    assert {"disallow_untyped_defs", "warn_return_any", "warn_unused_ignores"} <= set(strict_flags)


def test_every_domain_module_is_checked_as_mypy_strict_would(
        strict_flags: dict[str, Any], project: Options) -> None:
    modules = domain_modules()
    assert "creditline.servicing.kernel" in modules and "creditline.money" in modules
    lax = {}
    for module in modules:
        effective = project.clone_for_module(module)
        missing = sorted(f for f, v in strict_flags.items() if getattr(effective, f) != v)
        if missing:
            lax[module] = missing
    assert not lax, f"domain modules checked less strictly than --strict: {lax}"


def test_the_rest_is_checked_but_not_strict(project: Options) -> None:
    app = project.clone_for_module("creditline.api.app")
    assert app.check_untyped_defs  # bodies of unannotated functions are still checked
    assert not app.disallow_untyped_defs  # ... but annotations are not yet required there


def test_missing_imports_are_ignored_only_for_named_packages(project: Options) -> None:
    assert not project.ignore_missing_imports
    assert project.clone_for_module("sklearn.base").ignore_missing_imports
    assert not project.clone_for_module("pandas").ignore_missing_imports  # it has stubs
