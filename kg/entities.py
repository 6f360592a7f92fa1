"""Describe one entity for its page and its RDF description.

Everything here is SPARQL over the union of the store's graphs, with the queries of
``kg/sparql/entities``. An IRI that comes from a user is checked by :class:`pyoxigraph.NamedNode`
and bound with ``substitutions=``; lists of IRIs read back from the store fill ``VALUES`` blocks
as the terms pyoxigraph produced, so no text from a request is ever pasted into a query.

Terms and labels live in :mod:`kg.labels`, memberships in :mod:`kg.memberships`; their public
names are importable from here too.

>>> short_name("http://www.w3.org/ns/org#Membership")
'org:Membership'
>>> format_vi_date("2021-12-20")
'20/12/2021'
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Store, Variable

from . import sparql
from .errors import NotFound
from .labels import (
    LABEL_PROPERTIES,
    LANGUAGES,
    MAX_LITERAL_CHARS,
    Summary,
    Term,
    _batches,
    _pick_label,
    _relabel,
    _select,
    _term,
    _type_order,
    format_vi_date,
    label_languages,
    labels_of,
    parse_iri,
    short_name,
    summaries,
)
from .memberships import (
    MAX_MEMBERSHIPS,
    Holder,
    Inference,
    Membership,
    _inferences,
    holders,
    membership_rows,
    memberships_of,
    person_roles,
)
from .vocab import DCTERMS, ONTOLOGY_GRAPH, RDF, TNMT

__all__ = [
    "LABEL_PROPERTIES", "LANGUAGES", "MAX_INCOMING", "MAX_LITERAL_CHARS", "MAX_MEMBERSHIPS", "MAX_VALUES",
    "Entity", "Holder", "Inference", "Membership", "PropertyGroup", "Summary", "Term",
    "describe", "description_quads", "exists", "format_vi_date", "holders", "incoming_query", "labels_of",
    "membership_rows", "memberships_of", "ontology_quads", "parse_iri", "person_roles", "short_name",
    "summaries",
]

#: Most values shown per property, most incoming subjects per property.
MAX_VALUES = 200
MAX_INCOMING = 50


@dataclass
class PropertyGroup:
    """The values of one property (outgoing) or the subjects pointing here by it (incoming)."""

    property: Term
    values: list[Term]
    total: int = 0

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.values))


@dataclass
class Entity:
    """Everything an entity page shows."""

    iri: str
    labels: list[Term]
    types: list[Term]
    facts: list[PropertyGroup]
    incoming: list[PropertyGroup]
    memberships: list[Membership]
    quotes: list[str]
    sources: list[Term]
    inferences: list[Inference]

    @property
    def label(self) -> str:
        return self._best_label[0]

    @property
    def label_lang(self) -> str:
        return self._best_label[1]

    @property
    def _best_label(self) -> tuple[str, str]:
        if not self.labels:
            return short_name(self.iri), ""
        return _pick_label([(LABEL_PROPERTIES[0], t.value, t.lang) for t in self.labels])

    def has_type(self, iri: str) -> bool:
        return any(t.value == iri for t in self.types)

    @property
    def is_source(self) -> bool:
        return self.has_type(TNMT.SourceDocument.value)

    @property
    def is_person(self) -> bool:
        return self.has_type("http://xmlns.com/foaf/0.1/Person")

    @property
    def is_organization(self) -> bool:
        return self.has_type("http://www.w3.org/ns/org#Organization")

    def incoming_query(self, group: PropertyGroup) -> str:
        """The query editor's text listing every subject of an incoming group (a page shows
        :data:`MAX_INCOMING`)."""
        return incoming_query(group.property.value, self.iri)


def incoming_query(property_iri: str, iri: str) -> str:
    """A query, for people to run in the editor, of the subjects pointing at ``iri`` by
    ``property_iri``."""
    return sparql.fill(sparql.load("entities/more_incoming"), ("p", "o"),
                       [(NamedNode(property_iri), parse_iri(iri))])


def exists(store: Store, iri: str) -> bool:
    """Whether the IRI occurs in any triple, as subject, predicate or object."""
    node = parse_iri(iri)
    return bool(store.query(sparql.load("entities/exists"), use_default_graph_as_union=True,
                            substitutions={Variable("x"): node}))


def describe(store: Store, iri: str) -> Entity:
    """The page of an entity; :class:`NotFound` when no triple mentions the IRI."""
    node = parse_iri(iri)
    if not exists(store, iri):
        raise NotFound("no triples about this IRI in the graph", where=iri)

    rows = _select(store, sparql.limit(sparql.load("entities/outgoing"), MAX_VALUES * 50), x=node)
    label_props = set(LABEL_PROPERTIES[:4])
    labels: list[Term] = []
    types: list[Term] = []
    quotes: list[str] = []
    grouped: dict[str, list[Term]] = defaultdict(list)
    for row in rows:
        prop, obj = row["p"].value, row["o"]
        if prop == RDF.type.value:
            types.append(_term(obj))
            continue
        if prop == TNMT.quote.value and isinstance(obj, Literal):
            quotes.append(obj.value)
            continue
        if prop in label_props and isinstance(obj, Literal):
            term = _term(obj)
            if term not in labels:
                labels.append(term)
        grouped[prop].append(_term(obj))

    inferences = _inferences(store, [node])
    inferred_values = {(i.predicate.value, i.object.value) for i in inferences.get(iri, [])}
    incoming = _incoming(store, node)
    memberships = memberships_of(store, iri)
    sources = [t for t in grouped.get(DCTERMS.source.value, []) if t.is_iri]

    # Only the values a page shows get labels (a ministry has thousands of units under it).
    shown_values = {prop: sorted(dict.fromkeys(values), key=lambda t: (t.kind, t.lang, t.value))
                    for prop, values in grouped.items()}
    label_map = labels_of(store, [*grouped, *(t.value for ts in shown_values.values()
                                              for t in ts[:MAX_VALUES] if t.is_iri),
                                  *(t.value for t in types if t.is_iri),
                                  *(g.property.value for g in incoming),
                                  *(t.value for g in incoming for t in g.values if t.is_iri)])
    facts = []
    for prop in sorted(grouped, key=lambda p: (_property_order(p), short_name(p))):
        values = shown_values[prop]
        shown = [_relabel(Term(v.kind, v.value, v.lang, v.datatype,
                               inferred=(prop, v.value) in inferred_values), label_map)
                 for v in values[:MAX_VALUES]]
        facts.append(PropertyGroup(_relabel(Term("iri", prop), label_map), shown, len(values)))
    incoming = [PropertyGroup(_relabel(g.property, label_map), [_relabel(v, label_map) for v in g.values],
                              g.total) for g in incoming]
    types = sorted({_relabel(t, label_map) for t in types}, key=_type_order)
    sources = [_relabel(s, label_map) for s in sources]
    order = label_languages()
    labels.sort(key=lambda t: (order.index(t.lang) if t.lang in order else 9, t.value))
    return Entity(iri=iri, labels=labels, types=types, facts=facts, incoming=incoming,
                  memberships=memberships, quotes=sorted(set(quotes)), sources=sources,
                  inferences=inferences.get(iri, []))


_FIRST_PROPERTIES = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://xmlns.com/foaf/0.1/name",
)


def _property_order(prop: str) -> int:
    return _FIRST_PROPERTIES.index(prop) if prop in _FIRST_PROPERTIES else len(_FIRST_PROPERTIES)


def _incoming(store: Store, node: NamedNode) -> list[PropertyGroup]:
    counts = _select(store, sparql.load("entities/incoming_counts"), x=node)
    subjects_query = sparql.limit(sparql.load("entities/incoming"), MAX_INCOMING)
    groups = []
    for row in sorted(counts, key=lambda r: short_name(r["p"].value)):
        prop = row["p"]
        subjects = _select(store, subjects_query, x=node, p=prop)
        groups.append(PropertyGroup(Term("iri", prop.value), sorted((_term(r["s"]) for r in subjects),
                                                                    key=lambda t: t.value),
                                    int(row["n"].value)))
    return groups


# --------------------------------------------------------------------------- RDF description


def description_quads(store: Store, iri: str, *, incoming_limit: int = 1000) -> list[Quad]:
    """An entity's RDF description: its triples (with the blank nodes they lead to), the labels
    of what it points to, and the triples pointing at it (capped). :class:`NotFound` if none."""
    node = parse_iri(iri)
    if not exists(store, iri):
        raise NotFound("no triples about this IRI in the graph", where=iri)
    triples: dict[str, Quad] = {}

    def add(s: Any, p: Any, o: Any) -> None:
        quad = Quad(s, p, o)
        triples.setdefault(str(quad), quad)

    frontier: list[NamedNode | BlankNode] = [node]
    seen: set[str] = set()
    objects: set[str] = set()
    statements = sparql.load("entities/statements")
    while frontier and len(seen) < 200:
        subject = frontier.pop()
        if str(subject) in seen:
            continue
        seen.add(str(subject))
        for row in _select(store, statements, x=subject):
            add(subject, row["p"], row["o"])
            if isinstance(row["o"], BlankNode):
                frontier.append(row["o"])
            elif isinstance(row["o"], NamedNode):
                objects.add(row["o"].value)
    for row in _select(store, sparql.limit(sparql.load("entities/incoming"), int(incoming_limit)), x=node):
        add(row["s"], row["p"], node)
        if isinstance(row["s"], NamedNode):
            objects.add(row["s"].value)
    main_labels = sparql.load("entities/main_labels")
    for batch in _batches(sorted(objects - {iri})):
        for row in _select(store, sparql.fill(main_labels, "s", [NamedNode(i) for i in batch])):
            add(row["s"], row["p"], row["l"])
    return sorted(triples.values(), key=str)


def ontology_quads(store: Store) -> list[Quad]:
    """The ontology and role scheme (the ``graph/ontology`` named graph), as triples."""
    rows = store.query(sparql.load("entities/named_graph"), substitutions={Variable("g"): ONTOLOGY_GRAPH})
    return [Quad(r["s"], r["p"], r["o"]) for r in rows]
