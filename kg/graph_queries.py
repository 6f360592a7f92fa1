"""The graph view's reads: edges of each kind, the degree ranking, and the details of what is kept.

Every query is a file under ``kg/sparql/graph/`` (:func:`kg.sparql.load`), bound only by filling
its empty ``VALUES`` blocks with terms (a block filled with ``UNDEF`` leaves its variable free)
and by setting its ``LIMIT``. Nothing here reads the whole graph: each query has the nodes it is
about in ``VALUES`` (in batches of :data:`VALUES_BATCH`), or a ``LIMIT`` the caller chooses.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pyoxigraph import Literal, NamedNode, Store

from . import sparql
from .graph_model import _KIND_OF_CLASS, EDGE_KINDS, Edge, EdgeKind, Filters, Node
from .vocab import FOAF, RDFS, SKOS, XSD, local_name

#: IRIs per VALUES block (keeps each query text small).
VALUES_BATCH = 400


def _batches(items: Sequence[str], size: int = VALUES_BATCH) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _select(store: Store, query: str) -> Iterator[Any]:
    return iter(store.query(query, use_default_graph_as_union=True))


def _nodes(iris: Iterable[str]) -> list[NamedNode]:
    return [NamedNode(i) for i in iris]


def _year(filters: Filters) -> Literal | None:
    """The year filter as an ``xsd:integer`` (``None``: ``UNDEF``, any year)."""
    return Literal(filters.year) if filters.year is not None else None


def _role(filters: Filters) -> NamedNode | None:
    return NamedNode(filters.role) if filters.role else None


# --- edges ------------------------------------------------------------------------------------


def _edge_kinds_for(filters: Filters) -> list[EdgeKind]:
    # A role filter is about memberships: the other kinds of fact have no role.
    if filters.role:
        return [EDGE_KINDS["membership"], EDGE_KINDS["assignment"]]
    return list(EDGE_KINDS.values())


def _row_edge(kind: EdgeKind, row: Any) -> Edge:
    def val(name: str) -> str | None:
        term = row[name]
        return term.value if term is not None else None

    begin, end = val("from"), val("to")
    if kind.dated == "period":
        fy, ty = val("fy"), val("ty")
        begin = f"{fy}-01-01" if fy else None
        end = f"{ty}-12-31" if ty else None
    return Edge(kind=kind.name, source=val("s") or "", target=val("o") or "", fact=val("fact"),
                role=val("role"), begin=begin, end=end, day=val("day"))


@dataclass
class _Fetch:
    edges: list[Edge]
    truncated: bool


_ANY: list[None] = [None]  # a VALUES block of one UNDEF row: the variable is free


def _end_groups(touching: Sequence[str] | None,
                between: Sequence[str] | None) -> list[list[tuple[list[Any], list[Any]]]]:
    """The (``?s`` terms, ``?o`` terms) of each query; the queries of one group share a LIMIT.

    Touching a batch of nodes is two queries of one group, the batch as ``?s`` and then as ``?o``
    (the rows of ``{ ?s … } UNION { ?o … }``, in the order the store gives them).
    """
    if between is not None:
        everyone = _nodes(between)
        return [[(_nodes(batch), everyone)] for batch in _batches(list(between))]
    if touching is None:
        return [[(_ANY, _ANY)]]
    return [[(_nodes(batch), _ANY), (_ANY, _nodes(batch))] for batch in _batches(list(touching))]


def fetch_edges(store: Store, filters: Filters, *, touching: Sequence[str] | None = None,
                between: Sequence[str] | None = None, among: set[str] | None = None,
                limit: int | None = None, kinds: Sequence[EdgeKind] | None = None,
                with_time: bool = True) -> _Fetch:
    """Edges of the view's kinds: all of them, those touching the ``touching`` nodes (either end),
    or every edge ``between`` two of the given nodes (both ends bound in the query, so the answer is
    complete and does not depend on the order the store returns rows in).

    ``limit`` bounds each query (without it, the query file's own bound); when a query reaches it
    the result says ``truncated``. With ``among``, only edges whose both ends are in that set are
    kept. ``with_time=False`` (no year filter) skips reading the edges' dates, which costs seconds
    over every membership of a large store. The union of named graphs gives a triple stated in two
    graphs twice; the edges are de-duplicated here (not with DISTINCT, which stops LIMIT from
    ending a query early).
    """
    kinds = list(kinds) if kinds is not None else _edge_kinds_for(filters)
    dated = with_time or filters.year is not None
    groups = _end_groups(touching, between)
    edges: list[Edge] = []
    truncated = False
    seen: set[tuple[str, str, str, str]] = set()
    for kind in kinds:
        text = sparql.load(kind.query if dated else kind.undated_query)
        if kind.name in ("membership", "assignment"):
            text = sparql.fill(text, "role", [_role(filters)])
        if dated and kind.dated:
            text = sparql.fill(text, "year", [_year(filters)])
        for group in groups:
            count = 0
            for subjects, objects in group:
                query = sparql.fill(sparql.fill(text, "s", subjects), "o", objects)
                if limit is not None:
                    query = sparql.limit(query, limit + 1 - count)
                for row in _select(store, query):
                    count += 1
                    if limit is not None and count > limit:
                        truncated = True
                        break
                    edge = _row_edge(kind, row)
                    if among is not None and (edge.source not in among or edge.target not in among):
                        continue
                    if edge.key not in seen:
                        seen.add(edge.key)
                        edges.append(edge)
                if limit is not None and count > limit:
                    break
    return _Fetch(edges, truncated)


def officials(store: Store, filters: Filters, orgs: list[str], budget: int) -> _Fetch:
    """People holding a role (under the filters) in any of ``orgs``."""
    kind = EDGE_KINDS["membership"]
    text = sparql.fill(sparql.load("graph/officials"), "role", [_role(filters)])
    text = sparql.limit(sparql.fill(text, "year", [_year(filters)]), budget + 1)
    edges: list[Edge] = []
    truncated = False
    for batch in _batches(orgs):
        rows = list(_select(store, sparql.fill(text, "o", _nodes(batch))))
        truncated |= len(rows) > budget
        edges.extend(_row_edge(kind, r) for r in rows[:budget])
    return _Fetch(edges, truncated)


# --- ranking ------------------------------------------------------------------------------------


def degree_ranking(store: Store, filters: Filters, limit: int) -> tuple[list[tuple[str, int]], int]:
    """The ``limit`` nodes with most membership and sub-organisation edges, and how many nodes have any.

    Without a year the store computes both (aggregates). With a year, the store selects that
    year's memberships (starting from the year's instants) and the ends are counted here; either
    way only the membership and sub-organisation edges are read, never the whole graph. A role
    filter counts that role's memberships only (and no sub-organisation links).
    """
    role = _role(filters)

    def with_role(name: str) -> str:
        text = sparql.load(f"{name}-role" if role else name)
        return sparql.fill(text, "role", [role]) if role else text

    if filters.year is None:
        query = sparql.limit(with_role("graph/degree-top"), limit)
        top = sorted(((r["n"].value, int(r["d"].value)) for r in _select(store, query)),
                     key=lambda nd: (-nd[1], nd[0]))
        total = next(_select(store, with_role("graph/degree-count")))["c"]
        return top, int(total.value)
    degree: Counter[str] = Counter()
    # The year's memberships first, then their two ends by VALUES: joining the ends in the same query
    # makes the planner scan every membership (3× slower on a million triples).
    first = Literal(f"{filters.year}-01-01", datatype=XSD.date)
    last = Literal(f"{filters.year}-12-31", datatype=XSD.date)
    query = sparql.fill(with_role("graph/memberships-in-year"), ("first", "last"), [(first, last)])
    query = sparql.fill(sparql.fill(query, ("first2", "last2"), [(first, last)]), "first3", [first])
    query = sparql.fill(query, ("first4", "last4"), [(first, last)])
    in_year = [r["m"].value for r in _select(store, query)]
    ends = sparql.load("graph/membership-ends")
    for batch in _batches(in_year, 1000):
        for r in _select(store, sparql.fill(ends, "m", _nodes(batch))):
            degree[r["a"].value] += 1
            degree[r["b"].value] += 1
    if role is None:
        for r in _select(store, sparql.load("graph/sub-organisation-links")):
            degree[r["a"].value] += 1
            degree[r["b"].value] += 1
    top = sorted(degree.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return top, len(degree)


# --- details of what is kept --------------------------------------------------------------------


def node_details(store: Store, iris: Sequence[str]) -> dict[str, Node]:
    """Kind and labels of each node (Vietnamese label first), in batches of VALUES."""
    out = {iri: Node(iri) for iri in iris}
    types: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, list[tuple[int, str]]] = defaultdict(list)
    labels_en: dict[str, list[tuple[int, str]]] = defaultdict(list)
    rank = {SKOS.prefLabel.value: 0, FOAF.name.value: 1, RDFS.label.value: 2}
    for batch in _batches(list(iris)):
        nodes = _nodes(batch)
        for r in _select(store, sparql.fill(sparql.load("graph/node-types"), "n", nodes)):
            types[r["n"].value].add(r["t"].value)
        for r in _select(store, sparql.fill(sparql.load("graph/node-labels"), "n", nodes)):
            lit = r["l"]
            if not isinstance(lit, Literal):
                continue
            order = rank[r["p"].value]
            lang = lit.language or ""
            if lang == "en":
                labels_en[r["n"].value].append((order, lit.value))
            else:
                labels[r["n"].value].append((order + (0 if lang in ("vi", "") else 10), lit.value))
    for iri, node in out.items():
        node.kind = next((k for c, k in _KIND_OF_CLASS if c in types.get(iri, ())), "other")
        node.label = min(labels[iri])[1] if labels.get(iri) else (
            min(labels_en[iri])[1] if labels_en.get(iri) else local_name(iri))
        node.label_en = min(labels_en[iri])[1] if labels_en.get(iri) else ""
    return out


def role_labels(store: Store, roles: Sequence[str]) -> dict[str, str]:
    """The Vietnamese name of each role that has one."""
    found: dict[str, str] = {}
    for batch in _batches(list(roles)):
        for r in _select(store, sparql.fill(sparql.load("graph/role-labels"), "r", _nodes(batch))):
            found[r["r"].value] = r["l"].value
    return found


def role_label(store: Store, role: str) -> str:
    """The Vietnamese name of one role, or ``""``."""
    rows = _select(store, sparql.fill(sparql.load("graph/role-labels"), "r", [NamedNode(role)]))
    row = next(rows, None)
    return row["l"].value if row is not None else ""


def edge_details(store: Store, edges: list[Edge], nodes: dict[str, Node]) -> None:
    """Role labels, quotes and speech summaries of the kept edges."""
    names = role_labels(store, sorted({e.role for e in edges if e.role}))
    supports = sorted({e.supporting_node for e in edges})
    quotes: dict[str, list[str]] = defaultdict(list)
    for batch in _batches(supports):
        for r in _select(store, sparql.fill(sparql.load("graph/quotes"), "f", _nodes(batch))):
            quotes[r["f"].value].append(r["q"].value)
    facts = sorted({e.fact for e in edges if e.kind == "speech" and e.fact})
    summaries: dict[str, str] = {}
    for batch in _batches(facts):
        for r in _select(store, sparql.fill(sparql.load("graph/speech-summaries"), "f", _nodes(batch))):
            summaries[r["f"].value] = r["t"].value
    for e in edges:
        if e.role:
            e.role_label = names.get(e.role, local_name(e.role))
        e.quote = _best_quote(sorted(quotes.get(e.supporting_node, [])), e, nodes)
        e.summary = summaries.get(e.fact or "", "")
        if e.kind == "membership":
            member = nodes.get(e.source)
            e.style = "membership" if member is None or member.kind == "person" else "bloc-membership"
        else:
            e.style = e.kind


def _best_quote(quotes: list[str], edge: Edge, nodes: dict[str, Node]) -> str:
    """The supporting node's quote that best fits the edge: one using the kind's cue word (``chủ trì``,
    ``tham dự``…) and naming the edge's other end, else the first. A reified fact (membership,
    speech) has its own quotes, so this only matters for facts stated on an event or a unit."""
    if not quotes:
        return ""
    other = nodes.get(edge.source if edge.supporting_node != edge.source else edge.target)
    label = other.label if other is not None else ""
    cue = EDGE_KINDS[edge.kind].cue

    def score(q: str) -> int:
        return 2 * bool(cue and cue in q.lower()) + bool(label and label in q)

    return max(quotes, key=score)
