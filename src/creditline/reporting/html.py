"""HTML rendering: a report is a Jinja template (kept beside the report that owns it) filled
with numbers, tables and ``charts.Chart`` PNGs, autoescaped."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup


def environment(templates: Path, filters: Mapping[str, Callable[..., Any]] | None = None
                ) -> Environment:
    """A Jinja environment over one templates folder, escaping ``*.j2`` templates."""
    env = Environment(loader=FileSystemLoader(templates), autoescape=select_autoescape(["j2"]))
    env.filters.update(filters or {})
    return env


def render(templates: Path, name: str, *,
           filters: Mapping[str, Callable[..., Any]] | None = None, **context: Any) -> str:
    """Template ``name`` from the ``templates`` folder, rendered with ``context``."""
    return environment(templates, filters).get_template(name).render(**context)


def html_table(df: pd.DataFrame, digits: int = 4) -> Markup:
    """A data frame as a plain HTML table, floats to ``digits`` significant digits."""
    return Markup(df.to_html(index=False, float_format=lambda v: f"{v:.{digits}g}", border=0))
