"""The graph view's edges of one build, in memory: read once, then every view is answered from here.

Each request of the query path (:mod:`kg.graph_queries`) asks the store for edges near its focus,
or ranks the whole graph by degree; on a million triples that is seconds per view, most of it the
membership edges crossing the query service's pipe again and again. The graph does not change
between builds, so this module reads it once per build — every edge kind with its fact, role and
dates (the same ``kg/sparql/graph/edge-*.rq`` files, unbound), the classes that decide a node's
kind, and the labels — and answers the graph view's four reads from memory with the same answers:
:meth:`GraphIndex.fetch_edges`, :meth:`GraphIndex.officials`, :meth:`GraphIndex.degree_ranking` and
:meth:`GraphIndex.node_details` take the arguments of the functions of :mod:`kg.graph_queries`
they stand for. Quotes, role labels and speech summaries of the few kept edges are still read
from the store (:func:`kg.graph_queries.edge_details`).

The SPARQL filters are evaluated here on each edge's years (a year range per edge, computed once),
and the budgets (``limit``) count rows as the store would return them, duplicates included, so a
view is truncated exactly when the query path would truncate it. Where the query path's answer
depended on the order the store returned rows in (a budget cut in the middle of a batch, a tie at
the cut of the degree ranking), the index takes edges in its own fixed order.

A graph with more than :data:`MAX_EDGES` edges is not indexed (:func:`for_build` gives ``None``)
and the views keep the query path.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from pyoxigraph import Literal, NamedNode, Store

from . import sparql
from .graph_model import _KIND_OF_CLASS, EDGE_KINDS, Edge, EdgeKind, Filters, Node
from .graph_queries import VALUES_BATCH, _batches, _edge_kinds_for, _Fetch, _select
from .graph_queries import node_details as _store_node_details
from .vocab import FOAF, RDFS, SKOS, local_name

#: Most edges (rows of the edge queries) indexed; a larger graph keeps the query path.
MAX_EDGES = 2_000_000
#: Most labels and typed nodes read, per edge bound (labels of facts, places… outnumber edges).
ROWS_PER_EDGE = 4
#: Degree rankings kept per index (one per year and role asked for).
RANKINGS_KEPT = 64

_LOW, _HIGH = -(10**9), 10**9
ALL_YEARS, NO_YEAR = (_LOW, _HIGH), (_HIGH, _LOW)  # a row is kept in a year y when lo <= y <= hi


class Row(NamedTuple):
    """One distinct row of an edge query, ``n`` times in its answer (a fact or a date stated in two
    graphs comes twice: the budgets count rows); ``lo``–``hi``: the years its year filter passes."""

    s: str
    o: str
    fact: str | None
    role: str | None
    begin: str | None
    end: str | None
    day: str | None
    fy: str | None
    ty: str | None
    lo: int
    hi: int
    n: int = 1


def _year(value: str | None) -> int | None:
    """``YEAR()`` of an ``xsd:date`` (or ``dateTime``) lexical form; ``None``: not a date."""
    if value is None or len(value) < 5 or value[4] != "-" or not value[:4].isdigit():
        return None
    return int(value[:4])


def _integer(value: str | None) -> int | None:
    """``xsd:integer(STR(?gYear))``; ``None``: not an integer."""
    return int(value) if value is not None and value.isdigit() else None


def _overlap(begin: str | None, end: str | None) -> tuple[int, int]:
    """The years of a period ``(begin, end)``; a period with neither end is in no year, and a
    date the store cannot read makes the filter fail (an error in SPARQL)."""
    if begin is None and end is None:
        return NO_YEAR
    lo, hi = (_year(begin) if begin else _LOW), (_year(end) if end else _HIGH)
    return NO_YEAR if lo is None or hi is None else (lo, hi)


def _years(kind: EdgeKind, begin: str | None, end: str | None, day: str | None,
           fy: str | None, ty: str | None) -> tuple[int, int]:
    """The years in which the edge query's ``FILTER`` keeps a row (see each ``edge-*.rq``)."""
    if kind.name == "membership":
        if day is not None:
            y = _year(day)
            return (y, y) if y is not None else NO_YEAR
        return _overlap(begin, end)
    if kind.name == "assignment":
        return _overlap(begin, end)
    if kind.dated == "event":
        if day is None:
            return ALL_YEARS
        y = _year(day)
        return (y, y) if y is not None else NO_YEAR
    if kind.dated == "period":
        lo = _integer(fy) if fy is not None else _LOW
        hi = _integer(ty) if ty is not None else _HIGH
        return NO_YEAR if lo is None or hi is None else (lo, hi)
    return ALL_YEARS


class _Membership(NamedTuple):
    """What the degree ranking needs of one membership (memberships-in-year.rq, membership-ends.rq)."""

    ends: tuple[tuple[str, str], ...]  # (member, organisation), distinct
    roles: frozenset[str]
    years: tuple[tuple[int, int], ...]  # the years its interval touches, one range per branch


class GraphIndex:
    """The graph view's edges, node kinds and labels of one build (see the module's docstring)."""

    def __init__(self, build_id: str, rows: dict[str, list[Row]], kinds: dict[str, str],
                 persons: set[str], labels: dict[str, tuple[str, str]]) -> None:
        self.build_id = build_id
        self.rows = rows
        self.kinds = kinds
        self.persons = persons
        self.labels = labels
        self.by_s: dict[str, dict[str, list[int]]] = {}
        self.by_o: dict[str, dict[str, list[int]]] = {}
        for name, kind_rows in rows.items():
            by_s: dict[str, list[int]] = {}
            by_o: dict[str, list[int]] = {}
            for i, r in enumerate(kind_rows):
                by_s.setdefault(r.s, []).append(i)
                by_o.setdefault(r.o, []).append(i)
            self.by_s[name], self.by_o[name] = by_s, by_o
        self.nodes = {n for by in (self.by_s, self.by_o) for ends in by.values() for n in ends}
        self.memberships = _memberships(rows["membership"])
        self.sub_links = sorted({(r.s, r.o) for r in rows["sub-organisation"]})
        self._rankings: dict[tuple[int | None, str | None, int], tuple[list[tuple[str, int]], int]] = {}
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        """Edges indexed (rows of the edge queries)."""
        return sum(len(r) for r in self.rows.values())

    # --- the reads of kg.graph_queries, answered from memory --------------------------------------

    def fetch_edges(self, store: Any, filters: Filters, *, touching: Sequence[str] | None = None,
                    between: Sequence[str] | None = None, limit: int | None = None,
                    kinds: Sequence[EdgeKind] | None = None, with_time: bool = True) -> _Fetch:
        """As :func:`kg.graph_queries.fetch_edges` (``store`` is not read)."""
        kinds = list(kinds) if kinds is not None else _edge_kinds_for(filters)
        dated = with_time or filters.year is not None
        edges: list[Edge] = []
        seen: set[tuple[str, str, str, str]] = set()
        truncated = False
        for kind in kinds:
            match = self._matcher(kind, filters, dated)
            kind_rows = self.rows[kind.name]
            for group in self._groups(kind.name, touching, between):
                count = 0
                for i in (i for part in group for i in part):
                    row = kind_rows[i]
                    if not match(row):
                        continue
                    before, count = count, count + row.n
                    if limit is not None and count > limit:
                        truncated = True
                        if before >= limit:  # the store's answer was cut before this row's first copy
                            break
                    edge = _edge(kind, row, dated)
                    if edge.key not in seen:
                        seen.add(edge.key)
                        edges.append(edge)
                    if limit is not None and count > limit:
                        break
                if limit is not None and count > limit:
                    break
        return _Fetch(edges, truncated)

    def officials(self, store: Any, filters: Filters, orgs: list[str], budget: int) -> _Fetch:
        """As :func:`kg.graph_queries.officials` (``store`` is not read)."""
        kind = EDGE_KINDS["membership"]
        match = self._matcher(kind, filters, True)
        kind_rows, by_o = self.rows["membership"], self.by_o["membership"]
        edges: list[Edge] = []
        truncated = False
        for batch in _batches(orgs):
            distinct: dict[tuple, Row] = {}  # SELECT DISTINCT over the projected variables
            for o in batch:
                for i in by_o.get(o, ()):
                    r = kind_rows[i]
                    if r.s in self.persons and match(r):
                        distinct.setdefault(r[:7], r)
            found = list(distinct.values())
            truncated |= len(found) > budget
            edges.extend(_edge(kind, r, True) for r in found[:budget])
        return _Fetch(edges, truncated)

    def degree_ranking(self, store: Any, filters: Filters, limit: int) -> tuple[list[tuple[str, int]], int]:
        """As :func:`kg.graph_queries.degree_ranking` (``store`` is not read); kept per year and role."""
        key = (filters.year, filters.role, limit)
        with self._lock:
            found = self._rankings.get(key)
        if found is None:
            found = self._rank(filters.year, filters.role, limit)
            with self._lock:
                if len(self._rankings) >= RANKINGS_KEPT:
                    self._rankings.pop(next(iter(self._rankings)))
                self._rankings[key] = found
        top, total = found
        return list(top), total

    def node_details(self, store: Store, iris: Sequence[str]) -> dict[str, Node]:
        """As :func:`kg.graph_queries.node_details`; a node no edge joins (a focus) is read from ``store``."""
        out: dict[str, Node] = {}
        missing = [i for i in iris if i not in self.nodes]
        read = _store_node_details(store, missing) if missing else {}
        for iri in iris:
            if iri in read:
                out[iri] = read[iri]
                continue
            label, label_en = self.labels.get(iri, (local_name(iri), ""))
            out[iri] = Node(iri, kind=self.kinds.get(iri, "other"), label=label, label_en=label_en)
        return out

    # --- helpers ------------------------------------------------------------------------------------

    def _groups(self, kind: str, touching: Sequence[str] | None,
                between: Sequence[str] | None) -> Iterator[list[Iterator[int]]]:
        """The row numbers of each query of :func:`kg.graph_queries._end_groups`, group by group."""
        by_s, by_o, kind_rows = self.by_s[kind], self.by_o[kind], self.rows[kind]
        if between is not None:
            everyone = set(between)
            for batch in _batches(list(between)):
                yield [(i for n in batch for i in by_s.get(n, ()) if kind_rows[i].o in everyone)]
        elif touching is None:
            yield [iter(range(len(kind_rows)))]
        else:
            for batch in _batches(list(touching), VALUES_BATCH):
                yield [(i for n in batch for i in by_s.get(n, ())),
                       (i for n in batch for i in by_o.get(n, ()))]

    @staticmethod
    def _matcher(kind: EdgeKind, filters: Filters, dated: bool) -> Any:
        role = filters.role if kind.name in ("membership", "assignment") else None
        year = filters.year if dated and kind.dated else None
        if role is None and year is None:
            return lambda r: True
        if year is None:
            return lambda r: r.role == role
        if role is None:
            return lambda r: r.lo <= year <= r.hi
        return lambda r: r.role == role and r.lo <= year <= r.hi

    def _rank(self, year: int | None, role: str | None, limit: int) -> tuple[list[tuple[str, int]], int]:
        degree: Counter[str] = Counter()
        if year is None:
            # degree-top(-role).rq: distinct memberships per end, and distinct linked organisations.
            for m in self.memberships.values():
                if role is None or role in m.roles:
                    for n in {n for pair in m.ends for n in pair}:
                        degree[n] += 1
            if role is None:
                linked: dict[str, set[str]] = {}
                for a, b in self.sub_links:
                    linked.setdefault(a, set()).add(b)
                    linked.setdefault(b, set()).add(a)
                for n, others in linked.items():
                    degree[n] += len(others)
        else:
            # memberships-in-year(-role).rq, then membership-ends.rq and sub-organisation-links.rq.
            for m in self.memberships.values():
                if (role is None or role in m.roles) and any(lo <= year <= hi for lo, hi in m.years):
                    for a, b in m.ends:
                        degree[a] += 1
                        degree[b] += 1
            if role is None:
                for a, b in self.sub_links:
                    degree[a] += 1
                    degree[b] += 1
        top = sorted(degree.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return top, len(degree)


def _edge(kind: EdgeKind, row: Row, dated: bool) -> Edge:
    """The edge :func:`kg.graph_queries._row_edge` makes of the same row."""
    if not dated:
        return Edge(kind=kind.name, source=row.s, target=row.o, fact=row.fact, role=row.role)
    begin, end = row.begin, row.end
    if kind.dated == "period":
        begin = f"{row.fy}-01-01" if row.fy else None
        end = f"{row.ty}-12-31" if row.ty else None
    return Edge(kind=kind.name, source=row.s, target=row.o, fact=row.fact, role=row.role, begin=begin,
                end=end, day=row.day)


def _memberships(rows: list[Row]) -> dict[str, _Membership]:
    """Each membership's ends, roles and years as memberships-in-year.rq finds them: a day in the
    year, a beginning before its end with no end before its start, or an end after its start with
    no beginning."""
    ends: dict[str, dict[tuple[str, str], None]] = {}
    roles: dict[str, set[str]] = {}
    years: dict[str, set[tuple[int, int]]] = {}
    for r in rows:
        if r.fact is None:
            continue
        ends.setdefault(r.fact, {})[(r.s, r.o)] = None
        roles.setdefault(r.fact, set()).add(r.role or "")
        spans = years.setdefault(r.fact, set())
        if r.day is not None and (y := _year(r.day)) is not None:
            spans.add((y, y))
        if r.begin is not None and (lo := _year(r.begin)) is not None:
            hi = _year(r.end) if r.end is not None else _HIGH
            if hi is not None:
                spans.add((lo, hi))
        elif r.begin is None and r.end is not None and (hi := _year(r.end)) is not None:
            spans.add((_LOW, hi))
    return {m: _Membership(tuple(ends[m]), frozenset(roles[m]), tuple(sorted(years[m]))) for m in ends}


# --- reading the index ---------------------------------------------------------------------------


def build(store: Store, build_id: str, *, max_edges: int = MAX_EDGES) -> GraphIndex | None:
    """Read the graph view's edges, node kinds and labels of ``store``; ``None`` past ``max_edges``."""
    strings: dict[str, str] = {}  # one copy of each IRI and date however many rows name it

    def val(term: Any) -> str | None:
        return None if term is None else strings.setdefault(term.value, term.value)

    rows: dict[str, list[Row]] = {}
    left = max_edges
    for kind in EDGE_KINDS.values():
        found: dict[tuple, int] = {}
        if kind.name == "membership":
            read = _memberships_dated(store, val, left + 1)
        else:
            text = sparql.load(kind.query)
            if kind.name == "assignment":
                text = sparql.fill(text, "role", [None])
            if kind.dated:
                text = sparql.fill(text, "year", [None])
            text = sparql.limit(sparql.fill(sparql.fill(text, "s", [None]), "o", [None]), left + 1)
            read = (tuple(val(r[v]) for v in _COLUMNS) for r in _select(store, text))
        for values in read:
            found[values] = found.get(values, 0) + 1
            left -= 1
            if left < 0:
                return None
        rows[kind.name] = [Row(*values, *_years(kind, *values[4:]), n) for values, n in found.items()]
    nodes = {n for kind_rows in rows.values() for r in kind_rows for n in (r.s, r.o)}
    bound = max_edges * ROWS_PER_EDGE
    kinds, persons = _kinds(store, nodes, bound)
    labels = _labels(store, nodes, bound)
    if kinds is None or labels is None:
        return None
    return GraphIndex(build_id, rows, kinds, persons, labels)


_COLUMNS = ("s", "o", "fact", "role", "from", "to", "day", "fy", "ty")


def _memberships_dated(store: Store, val: Any, bound: int) -> Iterator[tuple]:
    """The rows of edge-membership.rq (no filter): each membership (index-memberships.rq) with
    every beginning, end and day of its interval (index-interval-dates.rq), as its OPTIONALs pair
    them — the same rows, as many times, read in a fraction of the time."""
    dates: dict[str, dict[str, list[str]]] = {}
    for r in _select(store, sparql.limit(sparql.load("graph/index-interval-dates"), bound)):
        dates.setdefault(r["i"].value, {}).setdefault(r["part"].value, []).append(val(r["date"]))
    none: list[str | None] = [None]
    for r in _select(store, sparql.limit(sparql.load("graph/index-memberships"), bound)):
        head = (val(r["s"]), val(r["o"]), val(r["fact"]), val(r["role"]))
        parts = dates.get(r["i"].value, {})
        for begin in parts.get("from", none):
            for end in parts.get("to", none):
                for day in parts.get("day", none):
                    yield (*head, begin, end, day, None, None)


def _kinds(store: Store, nodes: set[str], bound: int) -> tuple[dict[str, str] | None, set[str]]:
    """Each node's kind (its first class in :data:`kg.graph_model._KIND_OF_CLASS`), and the people."""
    order = {c: i for i, (c, _k) in enumerate(_KIND_OF_CLASS)}
    text = sparql.fill(sparql.load("graph/index-types"), "t", [NamedNode(c) for c, _k in _KIND_OF_CLASS])
    rows = _select(store, sparql.limit(text, bound + 1))
    best: dict[str, int] = {}
    persons: set[str] = set()
    count = 0
    for r in rows:
        count += 1
        n, t = r["n"].value, r["t"].value
        if n not in nodes:
            continue
        if t == FOAF.Person.value:
            persons.add(n)
        if order[t] < best.get(n, len(order)):
            best[n] = order[t]
    if count > bound:
        return None, persons
    return {n: _KIND_OF_CLASS[i][1] for n, i in best.items()}, persons


def _labels(store: Store, nodes: set[str], bound: int) -> dict[str, tuple[str, str]] | None:
    """Each node's label and English label, chosen as :func:`kg.graph_queries.node_details` does."""
    rank = {SKOS.prefLabel.value: 0, FOAF.name.value: 1, RDFS.label.value: 2}
    vi: dict[str, tuple[int, str]] = {}
    en: dict[str, tuple[int, str]] = {}
    count = 0
    for r in _select(store, sparql.limit(sparql.load("graph/index-labels"), bound + 1)):
        count += 1
        n, lit = r["n"].value, r["l"]
        if n not in nodes or not isinstance(lit, Literal):
            continue
        order = rank[r["p"].value]
        lang = lit.language or ""
        if lang == "en":
            candidate, chosen = (order, lit.value), en
        else:
            candidate, chosen = (order + (0 if lang in ("vi", "") else 10), lit.value), vi
        if n not in chosen or candidate < chosen[n]:
            chosen[n] = candidate
    if count > bound:
        return None
    return {n: ((vi[n][1] if n in vi else en[n][1] if n in en else ""), en[n][1] if n in en else "")
            for n in vi.keys() | en.keys()}


# --- one index per build ---------------------------------------------------------------------------

#: Builds whose indexes are kept (the current one, and the previous while readers switch over).
CACHED_BUILDS = 2
_CACHE: dict[str, GraphIndex | None] = {}
_CACHE_LOCK = threading.Lock()


def for_build(store: Store, build_id: str, *, max_edges: int | None = None) -> GraphIndex | None:
    """The index of the store's build ``build_id``, read on first use and kept; ``None`` when the
    graph has more than ``max_edges`` (default :data:`MAX_EDGES`) edges."""
    with _CACHE_LOCK:
        if build_id in _CACHE:
            found = _CACHE.pop(build_id)
        else:
            found = build(store, build_id, max_edges=MAX_EDGES if max_edges is None else max_edges)
        _CACHE[build_id] = found  # most recently used last
        while len(_CACHE) > CACHED_BUILDS:
            del _CACHE[next(iter(_CACHE))]
        return found


def clear_cache() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()


__all__ = ["CACHED_BUILDS", "MAX_EDGES", "GraphIndex", "Row", "build", "clear_cache", "for_build"]
