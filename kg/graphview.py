"""The graph view: the nodes and edges for a set of filters, capped, with what was left out.

The graph view shows entities (organisations by kind, people, posts, events, movements) and the
facts between them as edges: memberships labelled with the role and its time, sub-organisation,
bloc membership, posts, chairing, attending, organising, speaking, launching and implementing
movements. Every edge knows the node that carries its supporting quote. What is drawn is in
:mod:`kg.graph_model`, the reads in :mod:`kg.graph_queries`, the filters in :mod:`kg.graph_filters`
(all importable from here).

It must stay usable on a store of a million triples, so nothing here reads the whole graph:

* a filtered view (``org``/``person``) grows from its focus one step at a time, each step a
  query per kind of edge with the frontier in ``VALUES`` and a ``LIMIT``, then asks for every
  edge among the nodes reached (both ends in ``VALUES``: complete, whatever order rows come in);
* an unfiltered (or year/role-only) view first asks for at most a budget of edges per kind; when
  the budget is exceeded it ranks nodes by an aggregate degree query on the membership and
  sub-organisation edges (computed by the store) and fetches only the edges among the top nodes;
* labels, kinds and quotes are fetched afterwards, for the kept nodes and edges only.

Those are the reads of the query path. A server has a faster one: the build's
:class:`~kg.graph_index.GraphIndex` (``graph_view(..., index=...)``) holds every edge with its
dates, the nodes' kinds and labels, read once per build, and answers the same reads from memory
with the same answers; then only the kept edges' quotes are read from the store.

Never more than ``max_nodes`` nodes (and five edges per node of the cap) are returned; what was
left out is counted and reported.

>>> Filters(year=2021).describe()
'year 2021'
>>> EDGE_KINDS["membership"].label_en
'holds a role in'
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Sequence
from types import SimpleNamespace
from typing import Any, Protocol, cast

from pyoxigraph import NamedNode, RdfFormat, Store, Triple, serialize

from .errors import BadInput
from .graph_filters import available_years, choices, filter_choices, parse_filters, resolve
from .graph_index import GraphIndex
from .graph_model import (
    _ORG_KINDS,
    EDGE_KINDS,
    EDGE_STYLES,
    MAX_DEPTH,
    NODE_KINDS,
    Edge,
    EdgeKind,
    Filters,
    GraphView,
    LeftOut,
    Node,
    NodeKind,
    short_name,
)
from .graph_queries import (
    VALUES_BATCH,
    degree_ranking,
    edge_details,
    fetch_edges,
    node_details,
    officials,
    role_label,
)
from .vocab import DCTERMS, FOAF, ORG, PREFIXES, PROV, RDF, RDFS, SKOS, TIME, TNMT

__all__ = [
    "EDGE_KINDS", "EDGE_STYLES", "EDGES_PER_NODE_BUDGET", "EDGES_PER_NODE_SHOWN", "EXPANSION_FACTOR",
    "MAX_DEPTH", "NODE_KINDS", "VALUES_BATCH", "Edge", "EdgeKind", "Filters", "GraphView", "LeftOut",
    "Node", "NodeKind", "_ORG_KINDS", "available_years",
    "choices", "degree_ranking", "edge_details", "fetch_edges", "filter_choices", "graph_view",
    "node_details", "parse_filters", "resolve", "short_name", "view_triples", "view_turtle",
]

#: Edges fetched per kind and step before the view is declared larger than the budget.
EDGES_PER_NODE_BUDGET = 10
#: Most edges drawn, per node of the cap (the rest are counted as left out).
EDGES_PER_NODE_SHOWN = 5
#: How far past the node cap an ego network may grow before expansion stops.
EXPANSION_FACTOR = 4


# --- building the view --------------------------------------------------------------------------


def graph_view(store: Store, filters: Filters, *, max_nodes: int = 500,
               index: GraphIndex | None = None) -> GraphView:
    """The nodes and edges for ``filters``, at most ``max_nodes`` nodes (the most connected part).

    With the build's ``index`` (:mod:`kg.graph_index`) the edges, the ranking and the nodes' kinds
    and labels come from memory and only the kept edges' quotes are read; without it, the store is
    asked. Either way the answer is the same.
    """
    if max_nodes < 1:
        raise BadInput("max_nodes must be at least 1")
    reads: _Reads = index if index is not None else _STORE_READS
    budget = max(max_nodes * EDGES_PER_NODE_BUDGET, 100)
    if filters.focus:
        distance, edges, truncated = _ego(reads, store, filters, budget, max_nodes * EXPANSION_FACTOR)
        return _finish(reads, store, filters, distance, edges, truncated, max_nodes)
    fetched = reads.fetch_edges(store, filters, limit=budget)
    if not fetched.truncated:
        distance = {n: None for e in fetched.edges for n in (e.source, e.target)}
        return _finish(reads, store, filters, distance, fetched.edges, False, max_nodes)
    # Larger than the budget: rank the nodes by degree, then draw every edge among the top.
    top, total = reads.degree_ranking(store, filters, max_nodes)
    keep = [n for n, _d in top]
    edges = reads.fetch_edges(store, filters, between=keep).edges
    view = _finish(reads, store, filters, {n: None for n in keep}, edges, False, max_nodes)
    view.left_out.nodes = max(total - len(view.nodes), 0)
    view.left_out.exact = False
    return view


class _Reads(Protocol):
    """The reads a view is made of: the functions of :mod:`kg.graph_queries`, or a
    :class:`~kg.graph_index.GraphIndex` answering the same from memory."""

    def fetch_edges(self, store: Store, filters: Filters, **options: Any) -> Any: ...
    def officials(self, store: Store, filters: Filters, orgs: list[str], budget: int) -> Any: ...
    def degree_ranking(self, store: Store, filters: Filters, limit: int) -> tuple[list[tuple[str, int]],
                                                                                int]: ...
    def node_details(self, store: Store, iris: Sequence[str]) -> dict[str, Node]: ...


_STORE_READS: _Reads = cast(_Reads, SimpleNamespace(fetch_edges=fetch_edges, officials=officials,
                                                    degree_ranking=degree_ranking, node_details=node_details))


def _ego(reads: _Reads, store: Store, filters: Filters, budget: int,
         bound: int) -> tuple[dict[str, int | None], list[Edge], bool]:
    """Grow from the focus ``depth`` steps; for an organisation add the people holding roles in the
    organisations reached (the officials of its units); then add the edges among what was reached."""
    distance: dict[str, int | None] = {iri: 0 for iri in filters.focus}
    edges: dict[tuple[str, str, str, str], Edge] = {}
    truncated = False
    frontier = list(filters.focus)
    for step in range(1, filters.depth + 1):
        fetched = reads.fetch_edges(store, filters, touching=frontier, limit=budget)
        truncated |= fetched.truncated
        new = []
        for e in fetched.edges:
            edges.setdefault(e.key, e)
            for n in (e.source, e.target):
                if n not in distance:
                    distance[n] = step
                    new.append(n)
        frontier = new
        if len(distance) > bound or not frontier:
            truncated |= len(distance) > bound
            break
    if filters.org and not truncated:
        found = reads.officials(store, filters, list(distance), budget)
        truncated |= found.truncated
        for e in found.edges:
            edges.setdefault(e.key, e)
            if e.source not in distance:
                distance[e.source] = filters.depth + 1
    if len(distance) <= bound:
        # Every edge among the nodes reached (some join two nodes of the last step, which were not
        # expanded): complete, so the ranking by degree does not depend on which rows came first.
        closing = reads.fetch_edges(store, filters, between=list(distance))
        for e in closing.edges:
            edges.setdefault(e.key, e)
    return distance, list(edges.values()), truncated


def _finish(reads: _Reads, store: Store, filters: Filters, distance: dict[str, int | None],
            edges: list[Edge], truncated: bool, max_nodes: int) -> GraphView:
    """Rank, cap, fetch labels and quotes for what is kept, and count what was left out."""
    degree: Counter[str] = Counter()
    for e in edges:
        degree[e.source] += 1
        degree[e.target] += 1
    focus = set(filters.focus)
    for f in focus:
        distance.setdefault(f, 0)

    def rank(iri: str) -> tuple:
        d = distance.get(iri)
        return (iri not in focus, d if d is not None else 0, -degree[iri], iri)

    ordered = sorted(distance, key=rank)
    kept = ordered[:max_nodes]
    kept_set = set(kept)
    kept_edges = [e for e in edges if e.source in kept_set and e.target in kept_set]
    # Edges too: a browser cannot draw tens of thousands. Those touching the best-ranked nodes stay.
    position = {iri: i for i, iri in enumerate(kept)}
    kept_edges.sort(key=lambda e: (min(position[e.source], position[e.target]),
                                   max(position[e.source], position[e.target]), e.key))
    cut_edges = len(kept_edges) - max_nodes * EDGES_PER_NODE_SHOWN
    if cut_edges > 0:
        kept_edges = kept_edges[:max_nodes * EDGES_PER_NODE_SHOWN]
    dropped = ordered[max_nodes:]
    details = reads.node_details(store, kept + dropped[:max_nodes * EXPANSION_FACTOR])
    shown_degree: Counter[str] = Counter()
    for e in kept_edges:
        shown_degree[e.source] += 1
        shown_degree[e.target] += 1
    nodes = []
    for iri in kept:
        node = details[iri]
        node.degree = shown_degree[iri]
        node.distance = distance.get(iri)
        nodes.append(node)
    edge_details(store, kept_edges, details)
    kept_edges.sort(key=lambda e: (e.kind, e.source, e.target, e.fact or ""))
    left = LeftOut(nodes=len(dropped), edges=len(edges) - len(kept_edges), exact=not truncated)
    if dropped:
        left.by_kind = dict(Counter(details[i].kind for i in dropped if i in details).most_common())
        left.examples = [{"iri": i, "label": details[i].label, "kind": details[i].kind}
                         for i in dropped[:10] if i in details]
    elif truncated:
        left.exact = False
    label = role_label(store, filters.role) if filters.role else ""
    return GraphView(filters=filters, nodes=nodes, edges=kept_edges, max_nodes=max_nodes, left_out=left,
                     role_label=label)


# --- the shown subgraph as RDF ----------------------------------------------------------------


_NODE_PREDICATES = (RDF.type, RDFS.label, SKOS.prefLabel, FOAF.name, TNMT.quote, DCTERMS.source,
                    PROV.wasDerivedFrom)


def view_triples(store: Store, view: GraphView) -> list[Triple]:
    """The triples behind a view: its nodes' types, labels and quotes, each shown fact (membership,
    speech and launch nodes whole, with their intervals), and the stated triple of every edge."""
    triples: set[Triple] = set()

    def add_all(subject: NamedNode, predicates: Iterable[NamedNode] | None = None) -> None:
        for p in predicates or (None,):
            for q in store.quads_for_pattern(subject, p, None):
                triples.add(Triple(q.subject, q.predicate, q.object))

    for node in view.nodes:
        add_all(NamedNode(node.iri), _NODE_PREDICATES)
    for edge in view.edges:
        if edge.fact:
            fact = NamedNode(edge.fact)
            add_all(fact)
            for q in [*store.quads_for_pattern(fact, ORG.memberDuring, None),
                      *store.quads_for_pattern(fact, TNMT.assignedFor, None)]:
                if isinstance(q.object, NamedNode):
                    add_all(q.object)
                    for part in (TIME.hasBeginning, TIME.hasEnd, TIME.inside):
                        for q2 in store.quads_for_pattern(q.object, part, None):
                            if isinstance(q2.object, NamedNode):
                                add_all(q2.object)
        else:
            s, p, o = edge.statement
            triples.add(Triple(NamedNode(s), NamedNode(p), NamedNode(o)))
    return sorted(triples, key=str)


def view_turtle(store: Store, view: GraphView) -> bytes:
    """:func:`view_triples` as Turtle with the project's prefixes."""
    out = io.BytesIO()
    serialize(view_triples(store, view), out, RdfFormat.TURTLE, prefixes=PREFIXES)
    return out.getvalue()
