"""A networkx view of the graph: centrality, shortest connections and communities, cached per build.

The networkx graph has the entities of the graph view as nodes (organisations, people, posts,
events, movements) and one undirected edge per pair of entities that some fact links; the edge
keeps every fact (a membership, a speech, a stated triple) so a path can be told as facts.
It is built from the same edges as the graph view (:data:`kg.graphview.EDGE_KINDS`; from the build's
:mod:`kg.graph_index` when there is one) once per build id and kept in memory; betweenness and
communities are computed on first use.

On a large graph betweenness is estimated from a fixed sample of sources (``k``, seeded, so the
numbers are stable) and communities come from label propagation instead of greedy modularity.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from pyoxigraph import Store

from . import graph_index
from . import graphview as gv
from .errors import BadInput, NotFound
from .graphview import EDGE_KINDS, Edge, Filters

#: Edges read per kind into the analytics graph (bounds memory on a very large store).
MAX_EDGES_PER_KIND = 400_000
#: Above this many nodes, betweenness is sampled and communities use label propagation.
EXACT_LIMIT = 3000
BETWEENNESS_SAMPLE = 32
#: Order in which the facts of one edge are told (a role before a mere co-occurrence).
FACT_ORDER = ("membership", "sub-organisation", "post", "chair", "organiser", "speech", "attendance",
              "participation", "launch", "implementation", "assignment")


@dataclass
class EntityGraph:
    """The networkx graph of one build, with lazily computed metrics."""

    build_id: str
    graph: nx.Graph
    partial: bool  # True when an edge kind had more than MAX_EDGES_PER_KIND facts
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _betweenness: dict[str, float] | None = None
    _communities: list[list[str]] | None = None
    _community_of: dict[str, int] | None = None

    @property
    def exact(self) -> bool:
        return self.graph.number_of_nodes() <= EXACT_LIMIT

    def degree(self, iri: str) -> int:
        return int(self.graph.degree(iri)) if iri in self.graph else 0

    def degree_centrality(self) -> dict[str, float]:
        n = self.graph.number_of_nodes()
        scale = 1.0 / (n - 1) if n > 1 else 0.0
        return {v: d * scale for v, d in self.graph.degree()}

    @property
    def has_betweenness(self) -> bool:
        return self._betweenness is not None

    def betweenness(self) -> dict[str, float]:
        with self._lock:
            if self._betweenness is None:
                g = self.graph
                k = None if self.exact else min(BETWEENNESS_SAMPLE, g.number_of_nodes())
                self._betweenness = nx.betweenness_centrality(g, k=k, normalized=True, seed=0)
            return self._betweenness

    def communities(self) -> list[list[str]]:
        with self._lock:
            if self._communities is None:
                g = self.graph
                if g.number_of_nodes() == 0:
                    found: list[set[str]] = []
                elif self.exact:
                    found = list(nx.community.greedy_modularity_communities(g))
                else:
                    found = list(nx.community.label_propagation_communities(g))
                ordered = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
                self._communities = ordered
                self._community_of = {v: i for i, c in enumerate(ordered) for v in c}
            return self._communities

    def community_of(self, iri: str) -> int | None:
        self.communities()
        assert self._community_of is not None
        return self._community_of.get(iri)


#: Builds whose graphs are kept (the current one, and the previous while readers switch over).
CACHED_BUILDS = 2
_CACHE: dict[str, EntityGraph] = {}
_CACHE_LOCK = threading.Lock()


def entity_graph(store: Store, build_id: str) -> EntityGraph:
    """The networkx graph of the store's build ``build_id`` (built once, then cached).

    Build ids are unique per build (``kg.store``), so they key the cache; the oldest graphs are
    dropped so that a long-running server does not keep one per rebuild.
    """
    with _CACHE_LOCK:
        cached = _CACHE.pop(build_id, None)
        if cached is None:
            cached = _build(store, build_id)
        _CACHE[build_id] = cached  # most recently used last
        while len(_CACHE) > CACHED_BUILDS:
            del _CACHE[next(iter(_CACHE))]
        return cached


def _build(store: Store, build_id: str) -> EntityGraph:
    # From the graph view's index of the build when there is one (read once for both); else from the
    # store, without the dates: reading them for every membership of a large store takes seconds. A
    # path's steps read theirs (see _step).
    index = graph_index.for_build(store, build_id)
    reads = index.fetch_edges if index is not None else gv.fetch_edges
    fetched = reads(store, Filters(), limit=MAX_EDGES_PER_KIND, with_time=False)
    g = nx.Graph()
    for edge in fetched.edges:
        if edge.source == edge.target:
            continue
        if g.has_edge(edge.source, edge.target):
            g.edges[edge.source, edge.target]["facts"].append(edge)
        else:
            g.add_edge(edge.source, edge.target, facts=[edge])
    return EntityGraph(build_id=build_id, graph=g, partial=fetched.truncated)


def clear_cache() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()


# --- what the API and the pages show ----------------------------------------------------------


def _labelled(store: Store, iris: Sequence[str]) -> dict[str, gv.Node]:
    return gv.node_details(store, list(iris)) if iris else {}


def _round(x: float) -> float:
    return round(x, 6)


def centrality(store: Store, build_id: str, *, limit: int = 20) -> dict[str, Any]:
    """The ``limit`` most central entities by degree and by betweenness."""
    if not 1 <= limit <= 1000:
        raise BadInput("limit must be between 1 and 1000")
    eg = entity_graph(store, build_id)
    degree = eg.degree_centrality()
    between = eg.betweenness()
    by_degree = sorted(degree, key=lambda v: (-degree[v], v))[:limit]
    by_between = sorted(between, key=lambda v: (-between[v], v))[:limit]
    details = _labelled(store, sorted(set(by_degree) | set(by_between)))

    def entry(v: str) -> dict[str, Any]:
        return {"iri": v, "label": details[v].label, "kind": details[v].kind, "degree": eg.degree(v),
                "degree_centrality": _round(degree.get(v, 0.0)), "betweenness": _round(between.get(v, 0.0))}

    return {"build_id": build_id, "nodes": eg.graph.number_of_nodes(), "edges": eg.graph.number_of_edges(),
            "exact": eg.exact and not eg.partial, "by_degree": [entry(v) for v in by_degree],
            "by_betweenness": [entry(v) for v in by_between]}


def _step(store: Store, a: str, b: str, facts: list[Edge], details: dict[str, gv.Node]) -> dict[str, Any]:
    """One step of a path: the fact linking ``a`` to ``b``, told in the direction it is stated."""
    fact = sorted(facts, key=lambda e: (FACT_ORDER.index(e.kind), e.fact or "", e.source, e.target))[0]
    dated = gv.fetch_edges(store, Filters(), touching=[fact.source], kinds=[EDGE_KINDS[fact.kind]],
                           limit=10_000)
    fact = next((e for e in dated.edges if e.key == fact.key), fact)  # the same fact, with its dates
    gv.edge_details(store, [fact], details)  # role label and the supporting quote
    kind = EDGE_KINDS[fact.kind]
    subject, predicate, obj = fact.statement
    if kind.statement == "fact":
        # A membership (speech, launch) node states it: tell it as "member — role — organisation".
        subject, obj = fact.source, fact.target
    return {
        "from": a, "to": b,
        "subject": subject, "subject_label": details[subject].label if subject in details else subject,
        "property": fact.role or predicate, "property_label": fact.role_label or kind.label_en,
        "property_label_vi": fact.role_label or kind.label_vi,
        "object": obj, "object_label": details[obj].label if obj in details else obj,
        "kind": fact.kind, "fact": fact.fact or fact.supporting_node, "role": fact.role,
        "when": fact.when(), "timing": fact.timing, "quote": fact.quote,
        "reversed": subject == b,
    }


def shortest_path(store: Store, build_id: str, source: str, target: str) -> dict[str, Any]:
    """The shortest connection between two entities (IRIs) as a list of facts.

    Among several shortest paths the one whose intermediate labels sort first is told, so the
    answer is stable. ``found`` is False when they are not connected.
    """
    eg = entity_graph(store, build_id)
    g = eg.graph
    for iri in (source, target):
        if iri not in g:
            raise NotFound(f"{iri} is not linked to anything in the graph view's facts")
    if source == target:
        return {"from": source, "to": target, "found": True, "length": 0, "steps": []}
    try:
        paths = []
        for p in nx.all_shortest_paths(g, source, target):
            paths.append(p)
            if len(paths) >= 50:
                break
    except nx.NetworkXNoPath:
        return {"from": source, "to": target, "found": False, "length": None, "steps": []}
    details = _labelled(store, sorted({v for p in paths for v in p}))
    path = min(paths, key=lambda p: [details[v].label for v in p[1:-1]] + p)
    pairs = zip(path, path[1:], strict=False)
    steps = [_step(store, a, b, g.edges[a, b]["facts"], details) for a, b in pairs]
    return {"from": source, "to": target, "found": True, "length": len(steps),
            "nodes": [{"iri": v, "label": details[v].label, "kind": details[v].kind} for v in path],
            "steps": steps}


def communities(store: Store, build_id: str, *, limit: int = 50, members: int = 30) -> dict[str, Any]:
    """Communities of the graph, largest first, each with up to ``members`` labelled members."""
    eg = entity_graph(store, build_id)
    found = eg.communities()
    shown = found[:limit]
    degree = dict(eg.graph.degree())
    picked = {c_i: sorted(c, key=lambda v: (-degree[v], v))[:members] for c_i, c in enumerate(shown)}
    details = _labelled(store, sorted({v for vs in picked.values() for v in vs}))
    return {"build_id": build_id, "method": "greedy modularity" if eg.exact else "label propagation",
            "count": len(found), "communities": [
                {"id": i, "size": len(c), "members": [
                    {"iri": v, "label": details[v].label, "kind": details[v].kind, "degree": degree[v]}
                    for v in picked[i]]}
                for i, c in enumerate(shown)]}


def entity_metrics(store: Store, iri: str, build_id: str) -> dict[str, Any]:
    """Degree, betweenness and community of one entity, for its page (``_analytics.html``)."""
    eg = entity_graph(store, build_id)
    g = eg.graph
    if iri not in g:
        return {"iri": iri, "in_graph": False, "build_id": build_id}
    # On a large graph even sampled betweenness takes seconds: an entity page does not start it,
    # it shows it once /api/analytics/centrality has computed it for this build.
    between = eg.betweenness() if eg.exact or eg.has_betweenness else None
    rank = 1 + sum(1 for v in between.values() if v > between[iri]) if between is not None else None
    c = eg.community_of(iri)
    members = eg.communities()[c] if c is not None else []
    degree = dict(g.degree(members))
    sample = sorted((v for v in members if v != iri), key=lambda v: (-degree[v], v))[:12]
    details = _labelled(store, sample + [iri])
    n = g.number_of_nodes()
    return {
        "iri": iri, "label": details[iri].label, "kind": details[iri].kind,
        "in_graph": True, "build_id": build_id, "nodes": n, "exact": eg.exact and not eg.partial,
        "degree": eg.degree(iri), "degree_centrality": _round(eg.degree(iri) / (n - 1) if n > 1 else 0.0),
        "betweenness": _round(between[iri]) if between is not None else None, "betweenness_rank": rank,
        "community": {"id": c, "size": len(members),
                      "members": [{"iri": v, "label": details[v].label, "kind": details[v].kind}
                                  for v in sample]},
    }


def view_betweenness(view: gv.GraphView) -> dict[str, float]:
    """Betweenness within a graph view (at most the node cap, so computed exactly)."""
    g = nx.Graph()
    g.add_nodes_from(n.iri for n in view.nodes)
    g.add_edges_from((e.source, e.target) for e in view.edges if e.source != e.target)
    return nx.betweenness_centrality(g, normalized=True) if g.number_of_nodes() > 2 else {
        v: 0.0 for v in g}
