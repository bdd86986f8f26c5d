"""Small inline SVG drawings for the console: the limit history as a step chart and a fraud
ring as a graph laid out by networkx.  Drawn on the server, so the pages need no chart
library and print as they show."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from html import escape
from typing import Any

import networkx as nx

W, H, PAD = 720, 180, 36
LEFT = 84  # room for the amounts on the axis (up to 8 digits with separators)


def limit_steps(points: Sequence[tuple[date, Decimal]], today: date, label: str) -> str:
    """The limit in force over time: a step line from the first change to ``today``."""
    if not points:
        return ""
    start = points[0][0]
    end = max(today, points[-1][0], start + timedelta(days=1))  # a line, never a lone dot
    span = max((end - start).days, 1)
    top = max(p[1] for p in points) or Decimal(1)

    def x(d: date) -> float:
        return LEFT + (W - LEFT - PAD) * (d - start).days / span

    def y(v: Decimal) -> float:
        return H - PAD - float((H - 2 * PAD) * v / top)

    path: list[str] = []
    for i, (d, v) in enumerate(points):
        nxt = points[i + 1][0] if i + 1 < len(points) else end
        path.append(f"{'M' if i == 0 else 'L'}{x(d):.1f},{y(v):.1f} L{x(nxt):.1f},{y(v):.1f}")
    ticks = "".join(
        f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:,.0f}</text>'
        for v in sorted({top, top / 2, Decimal(0)}))
    dots = "".join(f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="3"/>' for d, v in points)
    return (f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{escape(label)}">'
            f'<g class="axis"><line x1="{LEFT}" y1="{H - PAD}" x2="{W - PAD}" y2="{H - PAD}"/>'
            f'{ticks}<text x="{LEFT}" y="{H - 12}">{start.isoformat()}</text>'
            f'<text x="{W - PAD}" y="{H - 12}" text-anchor="end">{end.isoformat()}</text></g>'
            f'<path class="line" d="{" ".join(path)}"/><g class="dots">{dots}</g></svg>')


def ring_graph(ring: dict[str, Any], seed: str, label: str) -> str:
    """Applicants (circles, named as the application record keeps them: masked) and what
    they share (squares: a contact phone, device or IP, by a prefix of its keyed hash); the
    applicant under review is marked."""
    g: nx.Graph[tuple[str, str]] = nx.Graph()
    names: dict[str, str] = {}
    for member in ring.get("members", []):
        if isinstance(member, dict):
            names[member["customer_id"]] = str(member.get("name", ""))
            member = member["customer_id"]
        g.add_node(("c", member))
    for link in ring.get("links", []):
        node = ("l", f"{link['kind']}:{link['value']}")
        g.add_node(node)
        for member in link.get("members", []):
            g.add_edge(node, ("c", member))
    if g.number_of_nodes() == 0:
        return ""
    pos = nx.spring_layout(g, seed=7)
    size = 360

    def at(n: Any) -> tuple[float, float]:
        px, py = pos[n]
        return 30 + (size - 60) * (px + 1) / 2, 30 + (size - 60) * (py + 1) / 2

    edges = "".join(
        f'<line x1="{at(a)[0]:.1f}" y1="{at(a)[1]:.1f}" x2="{at(b)[0]:.1f}" y2="{at(b)[1]:.1f}"/>'
        for a, b in g.edges)
    nodes: list[str] = []
    for n in sorted(g.nodes):
        cx, cy = at(n)
        kind, key = n
        if kind == "c":
            cls = "seed" if key == seed else "member"
            text = escape(names.get(key, key[:8]))
            nodes.append(f'<g class="{cls}"><circle cx="{cx:.1f}" cy="{cy:.1f}" r="9"/>'
                         f'<text x="{cx:.1f}" y="{cy - 13:.1f}" text-anchor="middle">{text}'
                         f'</text></g>')
        else:
            text = escape(key.split(":")[0])
            nodes.append(f'<g class="shared"><rect x="{cx - 6:.1f}" y="{cy - 6:.1f}" '
                         f'width="12" height="12"/><text x="{cx:.1f}" y="{cy + 20:.1f}" '
                         f'text-anchor="middle">{text}</text></g>')
    return (f'<svg class="ring" viewBox="0 0 {size} {size}" role="img" '
            f'aria-label="{escape(label)}"><g class="edges">{edges}</g>{"".join(nodes)}</svg>')
