"""What the graph view draws: the kinds of node and edge, the filters, and the view's data.

Data, not queries: the nodes and edges are read by :mod:`kg.graph_queries` and assembled by
:mod:`kg.graphview`. Each kind of edge names the query (``kg/sparql/graph/edge-<kind>.rq``) that
reads its facts.

>>> Filters(year=2021).describe()
'year 2021'
>>> EDGE_KINDS["membership"].label_en
'holds a role in'
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import NamedNode

from .labels import format_vi_date
from .vocab import BASE, FOAF, ORG, PROV, SCHEMA, TNMT, local_name

#: Steps an ego view may take from its focus.
MAX_DEPTH = 3

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
    NodeKind("bloc", "Khối thi đua", "Emulation bloc", "diamond", "#e8731a"),
    NodeKind("cluster", "Cụm thi đua", "Emulation cluster", "diamond", "#f0a35e"),
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

    Its facts are read by the query :attr:`query` (``kg/sparql/graph/edge-<name>.rq``), which binds
    ``?s`` and ``?o`` (and ``?fact``, ``?role`` where there is a fact node); ``statement`` says
    where the stated triple is: ``"so"`` ``(?s predicate ?o)``, ``"os"`` ``(?o predicate ?s)``,
    ``"fact"`` on the fact node. ``support`` names the variable whose node carries the supporting
    quote. ``dated`` says how the edge is placed in time.
    """

    name: str
    label_vi: str
    label_en: str
    predicate: NamedNode
    statement: str
    support: str
    dated: str  # "interval", "event", "period" or "" (undated)
    colour: str
    show_label: bool = True
    cue: str = ""  # a word the supporting sentence uses for this kind of fact (picks the quote)

    @property
    def query(self) -> str:
        """The name of the query reading these edges with their dates (and the year filter)."""
        return f"graph/edge-{self.name}"

    @property
    def undated_query(self) -> str:
        """The name of the query reading these edges without their dates (no year filter)."""
        return f"graph/edge-{self.name}-undated" if self.dated else self.query


EDGE_KINDS: dict[str, EdgeKind] = {k.name: k for k in (
    EdgeKind("membership", "giữ vai trò tại", "holds a role in", ORG.member, "fact", "fact", "interval",
             "#2e9b4f"),
    EdgeKind("assignment", "được phân công", "is assigned a role in", PROV.wasAssociatedWith, "fact", "fact",
             "interval", "#b9770e"),
    EdgeKind("sub-organisation", "trực thuộc", "is a sub-organisation of", ORG.subOrganizationOf, "so", "s",
             "", "#9aa5b1", show_label=False, cue="trực thuộc"),
    EdgeKind("post", "chức vụ của", "is a post in", ORG.postIn, "so", "s", "", "#d6478f"),
    EdgeKind("chair", "chủ trì", "chaired", TNMT.chair, "os", "o", "event", "#c0392b", cue="chủ trì"),
    EdgeKind("attendance", "tham dự", "attended", SCHEMA.attendee, "os", "o", "event", "#8e44ad",
             cue="tham dự"),
    EdgeKind("participation", "đơn vị tham dự", "took part in", TNMT.participatingUnit, "os", "o", "event",
             "#b39ddb", show_label=False, cue="tham dự"),
    EdgeKind("organiser", "tổ chức", "organised", SCHEMA.organizer, "os", "o", "event", "#d35400",
             cue="tổ chức"),
    EdgeKind("speech", "phát biểu tại", "spoke at", TNMT.speaker, "fact", "fact", "event", "#16a085"),
    EdgeKind("launch", "phát động", "launched", TNMT.launchedMovement, "fact", "fact", "", "#7f8c8d"),
    EdgeKind("implementation", "thực hiện", "implements", TNMT.implementedBy, "os", "o", "period", "#a0522d",
             show_label=False),
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
        """``interval`` (a known period), ``attested`` (a single dated mention), ``assigned`` (a role
        assigned in advance for a period: not a role held) or ``undated``."""
        if self.kind == "assignment":
            return "assigned"
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
        if self.timing in ("interval", "assigned") and (self.begin or self.end):
            b, e = self.begin or "", self.end or ""
            if b[5:] == "01-01" and e[5:] == "12-31":
                return b[:4] if b[:4] == e[:4] else f"{b[:4]}–{e[:4]}"
            return f"{format_vi_date(b) if b else '…'}–{format_vi_date(e) if e else '…'}"
        if self.timing == "attested" or (self.timing == "assigned" and self.day):
            return format_vi_date(self.day or "")
        return ""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "style": self.style or self.kind, "source": self.source,
                "target": self.target, "fact": self.fact, "role": self.role,
                "role_label": self.role_label, "begin": self.begin, "end": self.end, "day": self.day,
                "timing": self.timing, "when": self.when(), "quote": self.quote, "summary": self.summary}


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
