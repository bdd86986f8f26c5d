"""Rings: applicants linked by a shared phone (an emergency contact several list, or one
applicant's own mobile listed by another), device, IP address or home address.

Applicants and the things they share form a bipartite graph (networkx); a ring is the
connected component of applicants around the one being decided.  Only keyed hashes are
ever nodes, never clear phone numbers.  The store walks the links outward from the
applicant (:func:`explore`) with a cap on how many applicants it visits, so a hub such
as a shared office IP cannot make one decision read the whole book.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import networkx as nx

LINK_KINDS: tuple[str, ...] = ("contact_phone", "device", "ip", "address")


@dataclass(frozen=True)
class Link:
    """Applicant ``customer_id`` has ``kind`` with keyed hash ``value``."""

    customer_id: str
    kind: str
    value: str


@dataclass(frozen=True)
class Ring:
    """The applicants connected to ``seed`` and what they share."""

    seed: str
    members: tuple[str, ...]
    shared: tuple[tuple[str, str, tuple[str, ...]], ...] = field(default=())  # (kind, value, who)
    truncated: bool = False  # the walk stopped at its cap: the ring is at least this big

    @property
    def size(self) -> int:
        return len(self.members)

    def as_dict(self) -> dict[str, object]:
        """JSON form for the application record; hashes are cut to a short prefix, enough
        to tell links apart on a review screen."""
        return {
            "size": self.size,
            "members": list(self.members),
            "truncated": self.truncated,
            "links": [{"kind": k, "value": v[:12], "members": list(who)}
                      for k, v, who in self.shared],
        }


def ring_graph(links: Iterable[Link]) -> nx.Graph[tuple[str, str]]:
    g: nx.Graph[tuple[str, str]] = nx.Graph()
    for link in links:
        g.add_node(("c", link.customer_id), kind="customer")
        g.add_node((link.kind, link.value), kind=link.kind)
        g.add_edge(("c", link.customer_id), (link.kind, link.value))
    return g


def ring_of(seed: str, links: Iterable[Link], truncated: bool = False) -> Ring:
    """The component of applicants around ``seed``; a link shared by nobody else is left
    out of ``shared`` (it joins no one)."""
    g = ring_graph(links)
    node = ("c", seed)
    if node not in g:
        return Ring(seed=seed, members=(seed,), truncated=truncated)
    component = nx.node_connected_component(g, node)
    members = sorted(n[1] for n in component if n[0] == "c")
    shared = []
    for n in sorted(component):
        if n[0] == "c":
            continue
        who = sorted(m[1] for m in g.neighbors(n))
        if len(who) > 1:
            shared.append((n[0], n[1], tuple(who)))
    return Ring(seed=seed, members=tuple(members), shared=tuple(shared), truncated=truncated)


def explore(seed: str, seed_links: Iterable[Link],
            links_of: Callable[[set[str]], Iterable[Link]],
            sharing: Callable[[set[tuple[str, str]]], Iterable[Link]],
            max_members: int = 50) -> Ring:
    """Breadth-first walk: the values ``seed`` has, who else has them, what those have, and
    so on, until nothing new turns up or ``max_members`` applicants were reached.

    ``links_of(customer_ids)`` returns every link of those applicants; ``sharing(values)``
    returns every link carrying one of those ``(kind, value)`` pairs.
    """
    links: set[Link] = set(seed_links)
    members = {seed}
    seen_values: set[tuple[str, str]] = set()
    frontier_values = {(lk.kind, lk.value) for lk in links}
    truncated = False
    while frontier_values:
        seen_values |= frontier_values
        found = [lk for lk in sharing(frontier_values)]
        links.update(found)
        new_members = {lk.customer_id for lk in found} - members
        if not new_members:
            break
        if len(members) + len(new_members) > max_members:
            new_members = set(sorted(new_members)[: max_members - len(members)])
            truncated = True
        members |= new_members
        more = [lk for lk in links_of(new_members)]
        links.update(more)
        frontier_values = {(lk.kind, lk.value) for lk in more} - seen_values
        if truncated:
            break
    kept = [lk for lk in links if lk.customer_id in members]
    return ring_of(seed, kept, truncated=truncated)
