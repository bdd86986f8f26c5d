"""Charts as embedded PNGs: a report stays one self-contained file (no network, no scripts).

Figures are made with ``matplotlib.figure.Figure`` directly, never ``pyplot``, so no global
state or GUI backend is touched and reports can be drawn from worker threads."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from decimal import Decimal

from matplotlib.axes import Axes
from matplotlib.figure import Figure


@dataclass(frozen=True)
class Chart:
    """One chart of a report: its title, the PNG as base64 and an optional caption."""

    title: str
    png: str
    caption: str = ""


def png(fig: Figure, dpi: int = 96) -> str:
    """The figure as a base64 PNG, cropped to what is drawn."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def figure(width: float = 5.2, height: float = 3.4, *, frame: bool = False
           ) -> tuple[Figure, Axes]:
    """A figure with one axes; without ``frame`` the top and right spines are hidden."""
    fig = Figure(figsize=(width, height))
    ax: Axes = fig.subplots()
    if not frame:
        ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def legend_right(ax: Axes) -> None:
    """Legends sit to the right of the plot, never over the bars."""
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def amount(text: str) -> float:
    """A money string to a float, for plotting only (money itself stays Decimal)."""
    return float(Decimal(text))


def thousands(x: float, _pos: float = 0) -> str:
    """An axis tick as 12k / 1.5M."""
    if abs(x) >= 1e6:
        return f"{x / 1e6:.1f}M"
    if abs(x) >= 1e3:
        return f"{x / 1e3:.0f}k"
    return f"{x:.0f}"
