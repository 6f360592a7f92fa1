"""Query results → nodes and edges for the graph view, and rows for the timeline (data, not HTML).

The graph view shows entities (organisations by kind, people, posts, events, movements) and the
facts between them as edges: memberships labelled with the role and its time, sub-organisation,
bloc membership, posts, chairing, attending, organising, speaking, launching and implementing
movements. Every edge knows the node that carries its supporting quote.

It must stay usable on a store of a million triples, so nothing here reads the whole graph:

* a filtered view (``org``/``person``) grows from its focus one step at a time, each step a
  query per kind of edge with the frontier in ``VALUES`` and a ``LIMIT``, then asks for every
  edge among the nodes reached (both ends in ``VALUES``: complete, whatever order rows come in);
* an unfiltered (or year/role-only) view first asks for at most a budget of edges per kind; when
  the budget is exceeded it ranks nodes by an aggregate degree query on the membership and
  sub-organisation edges (computed by the store) and fetches only the edges among the top nodes;
* labels, kinds and quotes are fetched afterwards, for the kept nodes and edges only.

Never more than ``max_nodes`` nodes (and five edges per node of the cap) are returned; what was
left out is counted and reported. The timeline's rows (:func:`timeline`) come from here too.

>>> Filters(year=2021).describe()
'year 2021'
>>> EDGE_KINDS["membership"].label_en
'holds a role in'
"""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import Literal, NamedNode, RdfFormat, Store, Triple, Variable, serialize

from .errors import BadInput, NotFound
from .vocab import (
    BASE,
    DCTERMS,
    FOAF,
    ORG,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    TIME,
    TNMT,
    local_name,
    sparql_prefixes,
    values_clause,
)

#: Edges fetched per kind and step before the view is declared larger than the budget.
EDGES_PER_NODE_BUDGET = 10
#: Most edges drawn, per node of the cap (the rest are counted as left out).
EDGES_PER_NODE_SHOWN = 5
#: How far past the node cap an ego network may grow before expansion stops.
EXPANSION_FACTOR = 4
#: IRIs per VALUES block (keeps each query text small).
VALUES_BATCH = 400
MAX_DEPTH = 3

_PREFIXES = sparql_prefixes(["tnmt", "dcterms", "org", "time", "prov", "foaf", "skos", "schema", "rdf",
                             "rdfs", "xsd"])


# --- what is drawn: node kinds and edge kinds ----------------------------------------------


@dataclass(frozen=True)
class NodeKind:
    name: str
    label_vi: str
    label_en: str
    shape: str
    colour: str


NODE_KINDS: dict[str, NodeKind] = {k.name: k for k in (
    NodeKind("ministry", "Bộ", "Ministry", "hexagon", "#8c2d19"),
    NodeKind("general-department", "Tổng cục", "General Department", "square", "#0b4f8a"),
    NodeKind("department", "Cục", "Department (Cục)", "square", "#1f6fb4"),
    NodeKind("vu", "Vụ", "Vụ", "square", "#138f9e"),
    NodeKind("centre", "Trung tâm", "Centre", "triangle", "#4c9be8"),
    NodeKind("bloc", "Khối thi đua", "Competition bloc", "diamond", "#e8731a"),
    NodeKind("cluster", "Cụm thi đua", "Competition cluster", "diamond", "#f0a35e"),
    NodeKind("council", "Hội đồng", "Council", "triangleDown", "#7d4cb0"),
    NodeKind("provincial-department", "Sở", "Provincial department", "square", "#5a7fa8"),
    NodeKind("organisation", "Tổ chức", "Organisation", "square", "#6c7a89"),
    NodeKind("person", "Người", "Person", "dot", "#2e9b4f"),
    NodeKind("post", "Chức vụ", "Post", "triangleDown", "#d6478f"),
    NodeKind("event", "Sự kiện", "Event", "star", "#c9a400"),
    NodeKind("movement", "Phong trào thi đua", "Emulation movement", "triangle", "#a0522d"),
    NodeKind("other", "Khác", "Other", "dot", "#9aa5b1"),
)}

# The first class a node has in this list decides its kind.
_KIND_OF_CLASS: tuple[tuple[str, str], ...] = (
    (TNMT.Ministry.value, "ministry"),
    (TNMT.GeneralDepartment.value, "general-department"),
    (TNMT.Department.value, "department"),
    (TNMT.Vu.value, "vu"),
    (TNMT.Centre.value, "centre"),
    (TNMT.CompetitionBloc.value, "bloc"),
    (TNMT.CompetitionCluster.value, "cluster"),
    (TNMT.Council.value, "council"),
    (TNMT.ProvincialDepartment.value, "provincial-department"),
    (FOAF.Person.value, "person"),
    (ORG.Post.value, "post"),
    (TNMT.Conference.value, "event"),
    (SCHEMA.Event.value, "event"),
    (TNMT.EmulationMovement.value, "movement"),
    (ORG.Organization.value, "organisation"),
)
_ORG_KINDS = frozenset({"ministry", "general-department", "department", "vu", "centre", "bloc",
                        "cluster", "council", "provincial-department", "organisation"})


@dataclass(frozen=True)
class EdgeKind:
    """One kind of fact drawn as an edge from ``?s`` to ``?o``.

    ``pattern`` binds ``?s`` and ``?o`` (and ``?fact``, ``?role``, ``?i`` where there is a fact
    node); ``statement`` says where the stated triple is: ``"so"`` ``(?s predicate ?o)``,
    ``"os"`` ``(?o predicate ?s)``, ``"fact"`` on the fact node. ``support`` names the variable
    whose node carries the supporting quote. ``dated`` says how the edge is placed in time.
    """

    name: str
    label_vi: str
    label_en: str
    pattern: str
    predicate: NamedNode
    statement: str
    support: str
    dated: str  # "interval", "event", "period" or "" (undated)
    colour: str
    show_label: bool = True
    cue: str = ""  # a word the supporting sentence uses for this kind of fact (picks the quote)


EDGE_KINDS: dict[str, EdgeKind] = {k.name: k for k in (
    EdgeKind("membership", "giữ vai trò tại", "holds a role in",
             "?fact org:member ?s ; org:organization ?o ; org:role ?role ; org:memberDuring ?i .",
             ORG.member, "fact", "fact", "interval", "#2e9b4f"),
    EdgeKind("sub-organisation", "trực thuộc", "is a sub-organisation of",
             "?s org:subOrganizationOf ?o .", ORG.subOrganizationOf, "so", "s", "", "#9aa5b1",
             show_label=False, cue="trực thuộc"),
    EdgeKind("post", "chức vụ của", "is a post in", "?s org:postIn ?o .", ORG.postIn, "so", "s", "",
             "#d6478f"),
    EdgeKind("chair", "chủ trì", "chaired", "?o tnmt:chair ?s .", TNMT.chair, "os", "o", "event",
             "#c0392b", cue="chủ trì"),
    EdgeKind("attendance", "tham dự", "attended", "?o schema:attendee ?s .", SCHEMA.attendee, "os",
             "o", "event", "#8e44ad", cue="tham dự"),
    EdgeKind("participation", "đơn vị tham dự", "took part in", "?o tnmt:participatingUnit ?s .",
             TNMT.participatingUnit, "os", "o", "event", "#b39ddb", show_label=False, cue="tham dự"),
    EdgeKind("organiser", "tổ chức", "organised", "?o schema:organizer ?s .", SCHEMA.organizer, "os",
             "o", "event", "#d35400", cue="tổ chức"),
    EdgeKind("speech", "phát biểu tại", "spoke at", "?fact tnmt:speaker ?s ; tnmt:atEvent ?o .",
             TNMT.speaker, "fact", "fact", "event", "#16a085"),
    EdgeKind("launch", "phát động", "launched",
             "?fact tnmt:launchedMovement ?o ; prov:wasAssociatedWith ?s .", TNMT.launchedMovement,
             "fact", "fact", "", "#7f8c8d"),
    EdgeKind("implementation", "thực hiện", "implements", "?o tnmt:implementedBy ?s .",
             TNMT.implementedBy, "os", "o", "period", "#a0522d", show_label=False),
)}

#: Membership edges are split for drawing: a person's role, or an organisation's role in a bloc.
EDGE_STYLES: dict[str, tuple[str, str, str]] = {
    "membership": ("vai trò của người", "a person's role", "#2e9b4f"),
    "bloc-membership": ("vai trò của đơn vị (khối thi đua)", "a unit's role (bloc membership)",
                        "#e8731a"),
    **{k.name: (k.label_vi, k.label_en, k.colour) for k in EDGE_KINDS.values() if k.name != "membership"},
}


# --- filters -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What the graph view shows. ``org``, ``person`` and ``role`` are IRIs (see :func:`parse_filters`)."""

    year: int | None = None
    org: str | None = None
    person: str | None = None
    role: str | None = None
    depth: int = 1

    @property
    def focus(self) -> list[str]:
        return [iri for iri in (self.org, self.person) if iri]

    def describe(self) -> str:
        parts = []
        if self.org:
            parts.append(f"organisation {self.org}")
        if self.person:
            parts.append(f"person {self.person}")
        if self.focus:
            parts.append(f"depth {self.depth}")
        if self.role:
            parts.append(f"role {self.role}")
        if self.year is not None:
            parts.append(f"year {self.year}")
        return ", ".join(parts) or "everything"

    def params(self) -> dict[str, str]:
        """The filters as URL parameters (IRIs shortened to slugs where they are minted)."""
        out: dict[str, str] = {}
        if self.year is not None:
            out["year"] = str(self.year)
        for name, kind in (("org", "org"), ("person", "person"), ("role", "role")):
            value = getattr(self, name)
            if value:
                out[name] = short_name(value, kind)
        if self.focus and self.depth != 1:
            out["depth"] = str(self.depth)
        return out


_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def short_name(iri: str, kind: str) -> str:
    """The slug of a minted IRI of ``kind``, else the IRI itself."""
    prefix = f"{BASE}{kind}/"
    rest = iri[len(prefix):] if iri.startswith(prefix) else ""
    return rest if _SLUG.match(rest) else iri


def resolve(store: Store, value: str, kind: str) -> str:
    """A slug (``khoi-thi-dua-so-iv``) or an IRI → the IRI of an existing entity of ``kind``.

    ``kind`` is ``org``, ``person`` or ``role``. Raises :class:`BadInput` for a malformed value
    and :class:`NotFound` when the store has no such entity.
    """
    value = value.strip()
    if "://" in value:
        try:
            iri = NamedNode(value)
        except ValueError as exc:
            raise BadInput(f"{kind}: not a valid IRI: {value!r}") from exc
    elif _SLUG.match(value):
        iri = NamedNode(f"{BASE}{kind}/{value}")
    else:
        raise BadInput(f"{kind}: give a slug such as 'khoi-thi-dua-so-iv' or a full IRI, not {value!r}")
    check = {
        "org": "ASK { { ?x a org:Organization } UNION { [] org:organization ?x } }",
        "person": "ASK { ?x a foaf:Person }",
        "role": "ASK { { ?x a org:Role } UNION { [] org:role ?x } }",
    }[kind]
    if not store.query(_PREFIXES + check, use_default_graph_as_union=True,
                       substitutions={Variable("x"): iri}):
        what = {"org": "organisation", "person": "person", "role": "role"}[kind]
        raise NotFound(f"no {what} {value!r} in the graph")
    return iri.value


def parse_filters(store: Store, *, year: str | int | None = None, org: str | None = None,
                  person: str | None = None, role: str | None = None,
                  depth: str | int | None = None) -> Filters:
    """Filters from request parameters (strings, empty meaning absent), checked against the store."""
    def given(v: Any) -> bool:
        return v is not None and str(v).strip() != ""

    year_value = None
    if given(year):
        try:
            year_value = int(str(year).strip())
        except ValueError as exc:
            raise BadInput(f"year must be a year such as 2021, not {year!r}") from exc
        if not 1800 <= year_value <= 2200:
            raise BadInput(f"year {year_value} is out of range")
    depth_value = 1
    if given(depth):
        try:
            depth_value = int(str(depth).strip())
        except ValueError as exc:
            raise BadInput(f"depth must be 1, 2 or 3, not {depth!r}") from exc
        if not 1 <= depth_value <= MAX_DEPTH:
            raise BadInput(f"depth must be between 1 and {MAX_DEPTH}, not {depth_value}")
    return Filters(
        year=year_value,
        org=resolve(store, str(org), "org") if given(org) else None,
        person=resolve(store, str(person), "person") if given(person) else None,
        role=resolve(store, str(role), "role") if given(role) else None,
        depth=depth_value,
    )


# --- the view's data -------------------------------------------------------------------------


@dataclass
class Node:
    iri: str
    kind: str = "other"
    label: str = ""
    label_en: str = ""
    degree: int = 0
    distance: int | None = None  # steps from the focus in an ego view

    def to_dict(self) -> dict[str, Any]:
        return {"iri": self.iri, "kind": self.kind, "label": self.label, "label_en": self.label_en,
                "degree": self.degree, "distance": self.distance}


@dataclass
class Edge:
    """One fact between two shown nodes, drawn from ``source`` to ``target``."""

    kind: str
    source: str
    target: str
    fact: str | None = None  # the membership / speech / launch node, when there is one
    role: str | None = None
    begin: str | None = None  # ISO dates of a known interval
    end: str | None = None
    day: str | None = None  # ISO date the source attests (or the event's date)
    role_label: str = ""
    quote: str = ""
    summary: str = ""
    style: str = ""  # "membership" or "bloc-membership" for memberships, else the kind

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.kind, self.fact or "", self.source, self.target)

    @property
    def timing(self) -> str:
        """``interval`` (a known period), ``attested`` (a single dated mention) or ``undated``."""
        if self.begin or self.end:
            return "interval"
        if self.day:
            return "attested"
        return "undated"

    @property
    def statement(self) -> tuple[str, str, str]:
        """(subject, predicate, object) of the stated triple (the fact node for fact edges)."""
        kind = EDGE_KINDS[self.kind]
        if kind.statement == "so":
            return (self.source, kind.predicate.value, self.target)
        if kind.statement == "os":
            return (self.target, kind.predicate.value, self.source)
        return (self.fact or "", kind.predicate.value, self.source if kind.name != "launch" else self.target)

    @property
    def supporting_node(self) -> str:
        kind = EDGE_KINDS[self.kind]
        return {"fact": self.fact or self.source, "s": self.source, "o": self.target}[kind.support]

    def when(self) -> str:
        """The edge's time as a reader sees it: ``2021``, ``2019–2025`` or ``20/12/2021``."""
        if self.timing == "interval":
            b, e = self.begin or "", self.end or ""
            if b[5:] == "01-01" and e[5:] == "12-31":
                return b[:4] if b[:4] == e[:4] else f"{b[:4]}–{e[:4]}"
            return f"{_vi_date(b) if b else '…'}–{_vi_date(e) if e else '…'}"
        if self.timing == "attested":
            return _vi_date(self.day or "")
        return ""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "style": self.style or self.kind, "source": self.source,
                "target": self.target, "fact": self.fact, "role": self.role,
                "role_label": self.role_label, "begin": self.begin, "end": self.end, "day": self.day,
                "timing": self.timing, "when": self.when(), "quote": self.quote, "summary": self.summary}


def _vi_date(iso: str) -> str:
    if len(iso) == 10:
        return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"
    return iso


@dataclass
class LeftOut:
    """What the node cap left out of a view."""

    nodes: int = 0
    edges: int = 0
    exact: bool = True  # False: the view was larger than the fetch budget; counts are lower bounds
    by_kind: dict[str, int] = field(default_factory=dict)
    examples: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"nodes": self.nodes, "edges": self.edges, "exact": self.exact,
                "by_kind": self.by_kind, "examples": self.examples}


@dataclass
class GraphView:
    filters: Filters
    nodes: list[Node]
    edges: list[Edge]
    max_nodes: int
    left_out: LeftOut = field(default_factory=LeftOut)
    role_label: str = ""
    _index: dict[str, Node] = field(default_factory=dict, repr=False, compare=False)
    _roles: dict[str, list[Edge]] | None = field(default=None, repr=False, compare=False)

    def describe(self) -> str:
        """The filters in words, with the names of the focus and the role."""
        parts = []
        for iri in self.filters.focus:
            node = self.node(iri)
            parts.append(node.label if node else iri)
        if self.filters.focus:
            parts.append(f"depth {self.filters.depth}")
        if self.filters.role:
            parts.append(f"role {self.role_label or local_name(self.filters.role)}")
        if self.filters.year is not None:
            parts.append(f"year {self.filters.year}")
        return ", ".join(parts) or "everything"

    @property
    def capped(self) -> bool:
        return self.left_out.nodes > 0

    def node(self, iri: str) -> Node | None:
        if len(self._index) != len(self.nodes):
            self._index = {n.iri: n for n in self.nodes}
        return self._index.get(iri)

    def roles_of(self, iri: str) -> list[Edge]:
        """The membership edges whose member is ``iri``."""
        if self._roles is None:
            self._roles = defaultdict(list)
            for e in self.edges:
                if e.kind == "membership":
                    self._roles[e.source].append(e)
        return self._roles.get(iri, [])

    def to_dict(self) -> dict[str, Any]:
        return {"filters": self.filters.params(), "max_nodes": self.max_nodes, "capped": self.capped,
                "left_out": self.left_out.to_dict(), "nodes": [n.to_dict() for n in self.nodes],
                "edges": [e.to_dict() for e in self.edges]}


# --- queries ----------------------------------------------------------------------------------


def _batches(items: Sequence[str], size: int = VALUES_BATCH) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _select(store: Store, query: str) -> Iterator[Any]:
    return iter(store.query(_PREFIXES + query, use_default_graph_as_union=True))


def _time_clause(kind: EdgeKind, year: int | None) -> str:
    """The OPTIONALs that read an edge's time (written last: see PITFALLS) and the year FILTER."""
    if kind.dated == "interval":
        clause = ("OPTIONAL { ?i time:hasBeginning/time:inXSDDate ?from } "
                  "OPTIONAL { ?i time:hasEnd/time:inXSDDate ?to } "
                  "OPTIONAL { ?i time:inside/time:inXSDDate ?day } ")
        if year is not None:
            # Attested in the year, or a period overlapping it; an undated membership is left out.
            clause += (f"FILTER(IF(BOUND(?day), YEAR(?day) = {year}, (BOUND(?from) || BOUND(?to)) && "
                       f"(!BOUND(?from) || YEAR(?from) <= {year}) && (!BOUND(?to) || YEAR(?to) >= {year})))")
        return clause
    if kind.dated == "event":
        clause = "OPTIONAL { ?o schema:startDate ?day } "
        if year is not None:
            clause += f"FILTER(!BOUND(?day) || YEAR(?day) = {year})"
        return clause
    if kind.dated == "period":
        clause = ("OPTIONAL { ?o tnmt:period ?per . ?per time:hasBeginning/time:inXSDgYear ?fy ; "
                  "time:hasEnd/time:inXSDgYear ?ty } ")
        if year is not None:
            clause += (f"FILTER((!BOUND(?fy) || xsd:integer(STR(?fy)) <= {year}) && "
                       f"(!BOUND(?ty) || xsd:integer(STR(?ty)) >= {year}))")
        return clause
    return ""


def _edge_kinds_for(filters: Filters) -> list[EdgeKind]:
    # A role filter is about memberships: the other kinds of fact have no role.
    if filters.role:
        return [EDGE_KINDS["membership"]]
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


def fetch_edges(store: Store, filters: Filters, *, touching: Sequence[str] | None = None,
                between: Sequence[str] | None = None, among: set[str] | None = None,
                limit: int | None = None, kinds: Sequence[EdgeKind] | None = None,
                with_time: bool = True) -> _Fetch:
    """Edges of the view's kinds: all of them, those touching the ``touching`` nodes (either end),
    or every edge ``between`` two of the given nodes (both ends bound in the query, so the answer is
    complete and does not depend on the order the store returns rows in).

    ``limit`` bounds each query; when a query reaches it the result says ``truncated``.
    With ``among``, only edges whose both ends are in that set are kept. ``with_time=False``
    (no year filter) skips reading the edges' dates, which costs seconds over every membership
    of a large store. The union of named graphs gives a triple stated in two graphs twice; the
    edges are de-duplicated here (not with DISTINCT, which stops LIMIT from ending a query early).
    """
    kinds = list(kinds) if kinds is not None else _edge_kinds_for(filters)
    role = values_clause("role", [filters.role]) if filters.role else ""
    edges: list[Edge] = []
    truncated = False
    seen: set[tuple[str, str, str, str]] = set()
    limit_clause = f"LIMIT {limit + 1}" if limit is not None else ""
    for kind in kinds:
        role_here = role if kind.name == "membership" else ""
        time = _time_clause(kind, filters.year) if with_time or filters.year is not None else ""
        select = "SELECT ?s ?o ?fact ?role ?from ?to ?day ?fy ?ty"
        if between is not None:
            everyone = values_clause("o", between)
            queries = [f"{select} WHERE {{ {values_clause('s', batch)} {everyone} {role_here} {kind.pattern} "
                       f"{time} }} {limit_clause}" for batch in _batches(list(between))]
        elif touching is None:
            queries = [f"{select} WHERE {{ {role_here} {kind.pattern} {time} }} {limit_clause}"]
        else:
            queries = [
                f"{select} WHERE {{ {{ {values_clause('s', batch)} {role_here} {kind.pattern} {time} }} "
                f"UNION "
                f"{{ {values_clause('o', batch)} {role_here} {kind.pattern} {time} }} }} {limit_clause}"
                for batch in _batches(list(touching))
            ]
        for query in queries:
            count = 0
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
    return _Fetch(edges, truncated)


def _intervals_in_year(year: int) -> str:
    """A sub-select of the intervals that overlap ``year``: from the year's instants, not from every
    membership, so it stays cheap on a large store."""
    first, last = f'"{year}-01-01"^^xsd:date', f'"{year}-12-31"^^xsd:date'
    return f"""{{ SELECT DISTINCT ?i WHERE {{
      {{ ?inst time:inXSDDate ?day FILTER(?day >= {first} && ?day <= {last}) ?i time:inside ?inst }}
      UNION {{ ?i time:hasBeginning/time:inXSDDate ?from FILTER(?from <= {last})
               OPTIONAL {{ ?i time:hasEnd/time:inXSDDate ?to }} FILTER(!BOUND(?to) || ?to >= {first}) }}
      UNION {{ ?i time:hasEnd/time:inXSDDate ?to FILTER(?to >= {first})
               FILTER NOT EXISTS {{ ?i time:hasBeginning ?b }} }} }} }}"""


def degree_ranking(store: Store, filters: Filters, limit: int) -> tuple[list[tuple[str, int]], int]:
    """The ``limit`` nodes with most membership and sub-organisation edges, and how many nodes have any.

    Without a year the store computes both (aggregates). With a year, the store selects that
    year's memberships (starting from the year's instants) and the ends are counted here; either
    way only the membership and sub-organisation edges are read, never the whole graph.
    """
    role = f"?m org:role <{filters.role}> ." if filters.role else ""
    # ?m is the membership, or the other organisation of a sub-organisation link; counted DISTINCT
    # because a fact stated in two named graphs comes twice out of their union.
    suborg = ([] if filters.role else
              ["{ ?n org:subOrganizationOf ?m }", "{ ?m org:subOrganizationOf ?n }"])
    if filters.year is None:
        branches = [f"{{ ?m org:member ?n . {role} }}", f"{{ ?m org:organization ?n . {role} }}", *suborg]
        union = " UNION ".join(branches)
        # No tie-break on ?n in the store: sorting by IRI there costs seconds on a million triples.
        query = (f"SELECT ?n (COUNT(DISTINCT ?m) AS ?d) WHERE {{ {union} }} GROUP BY ?n ORDER BY DESC(?d) "
                 f"LIMIT {limit}")
        top = sorted(((r["n"].value, int(r["d"].value)) for r in _select(store, query)),
                     key=lambda nd: (-nd[1], nd[0]))
        total = next(_select(store, f"SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE {{ {union} }}"))["c"]
        return top, int(total.value)
    degree: Counter[str] = Counter()
    # The year's memberships first, then their two ends by VALUES: joining the ends in the same query
    # makes the planner scan every membership (3× slower on a million triples).
    intervals = _intervals_in_year(filters.year)
    query = f"SELECT DISTINCT ?m WHERE {{ {intervals} ?m org:memberDuring ?i . {role} }}"
    in_year = [r["m"].value for r in _select(store, query)]
    for batch in _batches(in_year, 1000):
        for r in _select(store, f"SELECT DISTINCT ?m ?a ?b WHERE {{ {values_clause('m', batch)} "
                                "?m org:member ?a ; org:organization ?b }"):
            degree[r["a"].value] += 1
            degree[r["b"].value] += 1
    if suborg:
        for r in _select(store, "SELECT DISTINCT ?a ?b WHERE { ?a org:subOrganizationOf ?b }"):
            degree[r["a"].value] += 1
            degree[r["b"].value] += 1
    top = sorted(degree.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return top, len(degree)


def node_details(store: Store, iris: Sequence[str]) -> dict[str, Node]:
    """Kind and labels of each node (Vietnamese label first), in batches of VALUES."""
    out = {iri: Node(iri) for iri in iris}
    types: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, list[tuple[int, str]]] = defaultdict(list)
    labels_en: dict[str, list[tuple[int, str]]] = defaultdict(list)
    rank = {SKOS.prefLabel.value: 0, FOAF.name.value: 1, RDFS.label.value: 2}
    for batch in _batches(list(iris)):
        for r in _select(store, f"SELECT ?n ?t WHERE {{ {values_clause('n', batch)} ?n a ?t }}"):
            types[r["n"].value].add(r["t"].value)
        # One UNION branch per property: two VALUES blocks joined with "?n ?p ?l" plan badly (seconds).
        for r in _select(store, f"SELECT ?n ?p ?l WHERE {{ {values_clause('n', batch)} "
                                "{ ?n skos:prefLabel ?l BIND(skos:prefLabel AS ?p) } UNION "
                                "{ ?n foaf:name ?l BIND(foaf:name AS ?p) } UNION "
                                "{ ?n rdfs:label ?l BIND(rdfs:label AS ?p) } }"):
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


def _edge_details(store: Store, edges: list[Edge], nodes: dict[str, Node]) -> None:
    """Role labels, quotes and speech summaries of the kept edges."""
    roles = sorted({e.role for e in edges if e.role})
    role_labels: dict[str, str] = {}
    for batch in _batches(roles):
        for r in _select(store, f"SELECT ?r ?l WHERE {{ {values_clause('r', batch)} ?r skos:prefLabel ?l "
                                'FILTER(lang(?l) = "vi") }'):
            role_labels[r["r"].value] = r["l"].value
    supports = sorted({e.supporting_node for e in edges})
    quotes: dict[str, list[str]] = defaultdict(list)
    for batch in _batches(supports):
        for r in _select(store, f"SELECT ?f ?q WHERE {{ {values_clause('f', batch)} ?f tnmt:quote ?q }}"):
            quotes[r["f"].value].append(r["q"].value)
    facts = sorted({e.fact for e in edges if e.kind == "speech" and e.fact})
    summaries: dict[str, str] = {}
    for batch in _batches(facts):
        for r in _select(store, f"SELECT ?f ?t WHERE {{ {values_clause('f', batch)} ?f tnmt:summary ?t "
                                'FILTER(lang(?t) = "vi") }'):
            summaries[r["f"].value] = r["t"].value
    for e in edges:
        if e.role:
            e.role_label = role_labels.get(e.role, local_name(e.role))
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


# --- building the view --------------------------------------------------------------------------


def graph_view(store: Store, filters: Filters, *, max_nodes: int = 500) -> GraphView:
    """The nodes and edges for ``filters``, at most ``max_nodes`` nodes (the most connected part)."""
    if max_nodes < 1:
        raise BadInput("max_nodes must be at least 1")
    budget = max(max_nodes * EDGES_PER_NODE_BUDGET, 100)
    if filters.focus:
        distance, edges, truncated = _ego(store, filters, budget, max_nodes * EXPANSION_FACTOR)
        return _finish(store, filters, distance, edges, truncated, max_nodes)
    fetched = fetch_edges(store, filters, limit=budget)
    if not fetched.truncated:
        distance = {n: None for e in fetched.edges for n in (e.source, e.target)}
        return _finish(store, filters, distance, fetched.edges, False, max_nodes)
    # Larger than the budget: let the store rank the nodes, then draw every edge among the top.
    top, total = degree_ranking(store, filters, max_nodes)
    keep = [n for n, _d in top]
    edges = fetch_edges(store, filters, between=keep).edges
    view = _finish(store, filters, {n: None for n in keep}, edges, False, max_nodes)
    view.left_out.nodes = max(total - len(view.nodes), 0)
    view.left_out.exact = False
    return view


def _ego(store: Store, filters: Filters, budget: int, bound: int) -> tuple[dict[str, int | None],
                                                                           list[Edge], bool]:
    """Grow from the focus ``depth`` steps; for an organisation add the people holding roles in the
    organisations reached (the officials of its units); then add the edges among what was reached."""
    distance: dict[str, int | None] = {iri: 0 for iri in filters.focus}
    edges: dict[tuple[str, str, str, str], Edge] = {}
    truncated = False
    frontier = list(filters.focus)
    for step in range(1, filters.depth + 1):
        fetched = fetch_edges(store, filters, touching=frontier, limit=budget)
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
        officials = _officials(store, filters, list(distance), budget)
        truncated |= officials.truncated
        new = []
        for e in officials.edges:
            edges.setdefault(e.key, e)
            if e.source not in distance:
                distance[e.source] = filters.depth + 1
                new.append(e.source)
        frontier = frontier + new
    if len(distance) <= bound:
        # Every edge among the nodes reached (some join two nodes of the last step, which were not
        # expanded): complete, so the ranking by degree does not depend on which rows came first.
        closing = fetch_edges(store, filters, between=list(distance))
        for e in closing.edges:
            edges.setdefault(e.key, e)
    return distance, list(edges.values()), truncated


def _officials(store: Store, filters: Filters, orgs: list[str], budget: int) -> _Fetch:
    """People holding a role (under the filters) in any of ``orgs``."""
    kind = EDGE_KINDS["membership"]
    role = values_clause("role", [filters.role]) if filters.role else ""
    time = _time_clause(kind, filters.year)
    edges: list[Edge] = []
    truncated = False
    for batch in _batches(orgs):
        query = (f"SELECT DISTINCT ?s ?o ?fact ?role ?from ?to ?day WHERE {{ "
                 f"{values_clause('o', batch)} {role} "
                 f"{kind.pattern} ?s a foaf:Person . {time} }} LIMIT {budget + 1}")
        rows = list(_select(store, query))
        truncated |= len(rows) > budget
        edges.extend(_row_edge(kind, r) for r in rows[:budget])
    return _Fetch(edges, truncated)


def _finish(store: Store, filters: Filters, distance: dict[str, int | None], edges: list[Edge],
            truncated: bool, max_nodes: int) -> GraphView:
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
    details = node_details(store, kept + dropped[:max_nodes * EXPANSION_FACTOR])
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
    _edge_details(store, kept_edges, details)
    kept_edges.sort(key=lambda e: (e.kind, e.source, e.target, e.fact or ""))
    left = LeftOut(nodes=len(dropped), edges=len(edges) - len(kept_edges), exact=not truncated)
    if dropped:
        left.by_kind = dict(Counter(details[i].kind for i in dropped if i in details).most_common())
        left.examples = [{"iri": i, "label": details[i].label, "kind": details[i].kind}
                         for i in dropped[:10] if i in details]
    elif truncated:
        left.exact = False
    role_label = ""
    if filters.role:
        query = f'SELECT ?l WHERE {{ <{filters.role}> skos:prefLabel ?l FILTER(lang(?l) = "vi") }}'
        row = next(_select(store, query), None)
        role_label = row["l"].value if row is not None else ""
    return GraphView(filters=filters, nodes=nodes, edges=kept_edges, max_nodes=max_nodes, left_out=left,
                     role_label=role_label)


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
            for q in store.quads_for_pattern(fact, ORG.memberDuring, None):
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


# --- filter choices ------------------------------------------------------------------------------


def available_years(store: Store) -> list[int]:
    """Years with a dated membership or event (for the year select)."""
    rows = _select(store, """SELECT DISTINCT ?y WHERE {
      { ?i time:inside/time:inXSDDate ?d . BIND(YEAR(?d) AS ?y) }
      UNION { ?i time:hasBeginning/time:inXSDDate ?d . BIND(YEAR(?d) AS ?y) }
      UNION { ?i time:hasEnd/time:inXSDDate ?d . BIND(YEAR(?d) AS ?y) }
      UNION { ?e schema:startDate ?d . BIND(YEAR(?d) AS ?y) } } ORDER BY ?y""")
    return [int(r["y"].value) for r in rows if r["y"] is not None]


def choices(store: Store, *, limit: int = 200) -> dict[str, list[dict[str, str]]]:
    """Suggestions for the filter inputs: blocs first, then up to ``limit`` other organisations and
    people, and the roles. Not sorted by the store (sorting 40,000 names there takes seconds)."""
    def pairs(query: str, kind: str) -> list[dict[str, str]]:
        found = {r["x"].value: r["l"].value for r in _select(store, query)}
        return sorted(({"value": short_name(x, kind), "label": label} for x, label in found.items()),
                      key=lambda p: p["label"])

    label = 'skos:prefLabel ?l FILTER(lang(?l) = "vi")'
    blocs = pairs(f"SELECT ?x ?l WHERE {{ ?x a tnmt:CompetitionBloc ; {label} }} LIMIT {limit}", "org")
    others = pairs(f"SELECT ?x ?l WHERE {{ ?x a org:Organization ; {label} }} LIMIT {limit}", "org")
    seen = {b["value"] for b in blocs}
    return {
        "orgs": blocs + [o for o in others if o["value"] not in seen],
        "people": pairs(f'SELECT ?x ?l WHERE {{ ?x a foaf:Person ; foaf:name ?l }} LIMIT {limit}', "person"),
        "roles": pairs(f"SELECT ?x ?l WHERE {{ ?x a org:Role ; {label} }} LIMIT {limit}", "role"),
    }


_CHOICES: dict[tuple[int, str], dict[str, Any]] = {}


def filter_choices(store: Store, build_id: str) -> dict[str, Any]:
    """Years and suggestions for the filter inputs, computed once per build of a store."""
    key = (id(store), build_id)
    found = _CHOICES.get(key)
    if found is None:
        _CHOICES.clear()  # only the current build is worth keeping
        found = _CHOICES[key] = {"years": available_years(store), **choices(store)}
    return found
