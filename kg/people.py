"""Careers: every role a person held, how it is known (a known period or a day a source attests),
and the evidence of each — the cited documents with their locators, the quotes, and the dated
events that began or ended a term.

Read models, not pages: :func:`career` returns records the career page, its JSON and the roster
(:mod:`kg.roster`) print. Every read is a query of ``kg/sparql/people`` or ``kg/sparql/entities``
with the facts in ``VALUES`` blocks.

>>> Citation("https://w3id.org/tnmt-kg/source/x", "Nghị định 68/2022", "Điều 2").text
'Nghị định 68/2022, Điều 2'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import NamedNode, Store

from . import sparql
from .graph_queries import _batches, _nodes, _select
from .labels import labels_of
from .memberships import Membership, membership_rows, person_roles
from .timeline import Timeline, person_timeline


@dataclass
class Citation:
    """A document a fact is taken from, and where in it (a locator such as "Điều 2, khoản 1")."""

    source: str
    label: str
    locator: str = ""

    @property
    def text(self) -> str:
        return f"{self.label}, {self.locator}" if self.locator else self.label

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "label": self.label, "locator": self.locator}


@dataclass
class TermEvent:
    """A dated event that began or ended a term (an appointment, a removal, the unit's end)."""

    iri: str
    edge: str  # "start" or "end"
    date: str
    label: str
    sources: list[Citation] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"event": self.iri, "edge": self.edge, "date": self.date, "label": self.label,
                "sources": [s.to_dict() for s in self.sources]}


@dataclass
class Evidence:
    """Everything that supports one fact: cited documents (with locators), quotes, term events."""

    citations: list[Citation] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    events: list[TermEvent] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"citations": [c.to_dict() for c in self.citations], "quotes": self.quotes,
                "events": [e.to_dict() for e in self.events]}


def evidence(store: Store, facts: Sequence[Membership]) -> dict[str, Evidence]:
    """The evidence of each membership (by IRI): its sources with their locators, its quotes, and
    the events that began or ended it (with their own sources)."""
    out = {m.iri: Evidence(quotes=list(m.quotes)) for m in facts}
    located: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    events: dict[str, dict[str, TermEvent]] = defaultdict(dict)
    event_sources: dict[str, set[str]] = defaultdict(set)
    iris = list(out)
    for batch in _batches(iris):
        nodes = _nodes(batch)
        for r in _select(store, sparql.fill(sparql.load("people/citations"), "f", nodes)):
            locator = r["locator"].value if r["locator"] is not None else ""
            located[r["f"].value][r["doc"].value].add(locator)
        for r in _select(store, sparql.fill(sparql.load("people/term-events"), "m", nodes)):
            event = events[r["m"].value].setdefault(r["e"].value, TermEvent(
                r["e"].value, r["edge"].value, r["date"].value[:10] if r["date"] is not None else "",
                r["label"].value if r["label"] is not None else ""))
            if r["source"] is not None:
                event_sources[event.iri].add(r["source"].value)
    documents = {d for by_doc in located.values() for d in by_doc} | {s for ss in event_sources.values()
                                                                      for s in ss}
    documents |= {s.value for m in facts for s in m.sources}
    names = labels_of(store, sorted(documents))

    def name(iri: str) -> str:
        return names.get(iri, ("", ""))[0] or iri.rsplit("/", 1)[-1]

    for m in facts:
        cited = located.get(m.iri, {})
        citations = [Citation(doc, name(doc), loc) for doc in sorted(cited) for loc in sorted(cited[doc])
                     if loc or len(cited[doc]) == 1]
        for source in m.sources:  # dcterms:source without a qualified citation: the document alone
            if source.value not in cited:
                citations.append(Citation(source.value, name(source.value)))
        out[m.iri].citations = citations
        found = sorted(events.get(m.iri, {}).values(), key=lambda e: (e.edge != "start", e.date, e.iri))
        for e in found:
            e.sources = [Citation(s, name(s)) for s in sorted(event_sources.get(e.iri, ()))]
        out[m.iri].events = found
    return out


@dataclass
class CareerRole:
    """One role of a career: the membership, how it is known, and its evidence."""

    membership: Membership
    evidence: Evidence

    @property
    def how(self) -> str:
        """``interval`` (a known period), ``attested`` (days a source shows it) or ``undated``."""
        if self.membership.begin or self.membership.end:
            return "interval"
        return "attested" if self.membership.attested else "undated"

    def to_dict(self) -> dict[str, Any]:
        return {**self.membership.as_json(), "how": self.how, "evidence": self.evidence.to_dict()}


@dataclass
class Career:
    """A person's roles over time, with their evidence, and the same as timeline rows."""

    person: str
    label: str
    roles: list[CareerRole]
    timeline: Timeline

    def to_dict(self) -> dict[str, Any]:
        return {"person": self.person, "label": self.label, "count": len(self.roles),
                "roles": [r.to_dict() for r in self.roles],
                "assigned": [s.to_dict() | {"role": r.role, "role_label": r.role_label, "org": r.org,
                                            "org_label": r.org_label}
                             for r in self.timeline.held_rows for s in r.spans if s.assigned]}


def career(store: Store, person: str) -> Career:
    """Every role ``person`` (an IRI) held, sorted by time, each with its evidence.

    Raises :class:`NotFound` when the IRI is not a person.
    """
    roles = person_roles(store, person)
    found = evidence(store, roles)
    tl = person_timeline(store, person)
    label = tl.org_label or labels_of(store, [person]).get(person, (person, ""))[0]
    return Career(person, label, [CareerRole(m, found[m.iri]) for m in roles], tl)


def memberships_with_evidence(store: Store, memberships: Sequence[str]) -> list[tuple[Membership, Evidence]]:
    """The memberships (IRIs) read whole, each with its evidence (for the roster)."""
    rows = membership_rows(store, [NamedNode(m) for m in memberships])
    found = evidence(store, rows)
    return [(m, found[m.iri]) for m in rows]

