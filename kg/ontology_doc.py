"""Human documentation of the ontology, read from the ontology graph (pyLODE does not work here).

The data for one page: the ontology's metadata, then every class, property and role with its
Vietnamese and English labels and definitions, super-terms, domains and ranges (a union
``[ owl:unionOf ( … ) ]`` comes out as its members), and what it is disjoint with or related to.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, NamedNode, Store, Variable

from . import sparql
from .labels import Term, labels_of, short_name
from .vocab import ONTOLOGY_GRAPH, ONTOLOGY_IRI, ONTOLOGY_NS, PREFIXES

_TEXT_PROPERTIES = {
    "http://www.w3.org/2000/01/rdf-schema#label": "label",
    "http://www.w3.org/2004/02/skos/core#prefLabel": "label",
    "http://www.w3.org/2004/02/skos/core#definition": "definition",
    "http://www.w3.org/2000/01/rdf-schema#comment": "definition",
    "http://purl.org/dc/terms/title": "title",
    "http://purl.org/dc/terms/description": "description",
    "http://www.w3.org/2002/07/owl#versionInfo": "version",
}
_LINK_PROPERTIES = {
    "http://www.w3.org/2000/01/rdf-schema#subClassOf": "super",
    "http://www.w3.org/2000/01/rdf-schema#subPropertyOf": "super",
    "http://www.w3.org/2000/01/rdf-schema#domain": "domain",
    "http://www.w3.org/2000/01/rdf-schema#range": "range",
    "http://www.w3.org/2002/07/owl#disjointWith": "disjoint",
    "http://www.w3.org/2004/02/skos/core#related": "related",
    "http://www.w3.org/2004/02/skos/core#inScheme": "scheme",
    "http://purl.org/dc/terms/license": "license",
    "http://www.w3.org/2000/01/rdf-schema#seeAlso": "see_also",
}
_KINDS = {
    "http://www.w3.org/2002/07/owl#Class": "class",
    "http://www.w3.org/2002/07/owl#ObjectProperty": "object property",
    "http://www.w3.org/2002/07/owl#DatatypeProperty": "datatype property",
    "http://www.w3.org/ns/org#Role": "role",
    "http://www.w3.org/2004/02/skos/core#ConceptScheme": "concept scheme",
    "http://www.w3.org/2002/07/owl#Ontology": "ontology",
}


@dataclass
class TermDoc:
    """One documented term."""

    iri: str
    kind: str
    texts: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    links: dict[str, list[Term]] = field(default_factory=lambda: defaultdict(list))
    used_by: dict[str, list[Term]] = field(default_factory=lambda: defaultdict(list))

    @property
    def anchor(self) -> str:
        """The fragment of the term on the documentation page (``Department``, ``role-cuc-truong``)."""
        if self.iri.startswith(ONTOLOGY_NS):
            return self.iri[len(ONTOLOGY_NS):]
        return short_name(self.iri).replace(":", "-")

    @property
    def name(self) -> str:
        return short_name(self.iri)

    def text(self, key: str, lang: str) -> str:
        return self.texts.get(key, {}).get(lang, "")


@dataclass
class OntologyDoc:
    """The whole documentation page."""

    ontology: TermDoc
    classes: list[TermDoc]
    object_properties: list[TermDoc]
    datatype_properties: list[TermDoc]
    roles: list[TermDoc]
    prefixes: dict[str, str]

    @property
    def sections(self) -> list[tuple[str, str, list[TermDoc]]]:
        return [("classes", "Classes · Lớp", self.classes),
                ("object-properties", "Object properties · Thuộc tính quan hệ", self.object_properties),
                ("datatype-properties", "Datatype properties · Thuộc tính dữ liệu", self.datatype_properties),
                ("roles", "Roles · Vai trò", self.roles)]


def ontology_doc(store: Store) -> OntologyDoc:
    """Read the documentation data from the ``graph/ontology`` named graph."""
    graph = {Variable("g"): ONTOLOGY_GRAPH}
    rows = list(store.query(sparql.load("entities/named_graph"), substitutions=graph))
    by_subject: dict[str, list[tuple[str, object]]] = defaultdict(list)
    blank: dict[str, list[tuple[str, object]]] = defaultdict(list)
    for row in rows:
        subject = row["s"]
        target = blank if isinstance(subject, BlankNode) else by_subject
        target[subject.value].append((row["p"].value, row["o"]))

    docs: dict[str, TermDoc] = {}
    for iri, pairs in by_subject.items():
        kinds = [_KINDS[o.value] for p, o in pairs if p == PREFIXES["rdf"] + "type"
                 and isinstance(o, NamedNode) and o.value in _KINDS]
        if not kinds:
            continue
        doc = TermDoc(iri, kinds[0])
        for prop, obj in pairs:
            if prop in _TEXT_PROPERTIES and hasattr(obj, "language"):
                doc.texts[_TEXT_PROPERTIES[prop]].setdefault(obj.language or "", obj.value)
            elif prop in _LINK_PROPERTIES:
                for member in _members(obj, blank):
                    doc.links[_LINK_PROPERTIES[prop]].append(member)
        docs[iri] = doc

    for doc in docs.values():  # where each term is used as domain or range
        for key in ("domain", "range"):
            for target in doc.links.get(key, []):
                if target.value in docs:
                    docs[target.value].used_by["domain of" if key == "domain" else "range of"].append(
                        Term("iri", doc.iri))

    labels = labels_of(store, [*docs, *(t.value for d in docs.values() for ts in d.links.values()
                                        for t in ts if t.is_iri)])

    def relabel(term: Term) -> Term:
        label, lang = labels.get(term.value, ("", ""))
        return Term("iri", term.value, label=label, label_lang=lang) if term.is_iri else term

    for doc in docs.values():
        for key in list(doc.links):
            doc.links[key] = sorted({relabel(t) for t in doc.links[key]}, key=lambda t: t.text)
        for key in list(doc.used_by):
            doc.used_by[key] = sorted({relabel(t) for t in doc.used_by[key]}, key=lambda t: t.text)

    def of_kind(kind: str) -> list[TermDoc]:
        return sorted((d for d in docs.values() if d.kind == kind), key=lambda d: d.name.casefold())

    ontology = docs.get(ONTOLOGY_IRI) or TermDoc(ONTOLOGY_IRI, "ontology")
    return OntologyDoc(ontology=ontology, classes=of_kind("class"),
                       object_properties=of_kind("object property"),
                       datatype_properties=of_kind("datatype property"),
                       roles=of_kind("role"), prefixes=PREFIXES)


def _members(obj: object, blank: dict[str, list[tuple[str, object]]]) -> list[Term]:
    """The IRI itself, or the members of a blank-node ``owl:unionOf`` list."""
    if isinstance(obj, NamedNode):
        return [Term("iri", obj.value)]
    if not isinstance(obj, BlankNode):
        return []
    pairs = dict(blank.get(obj.value, []))
    union = pairs.get(PREFIXES["owl"] + "unionOf")
    members: list[Term] = []
    node = union
    for _ in range(100):  # an RDF list, walked with a bound in case it is malformed
        if not isinstance(node, BlankNode):
            break
        cell = dict(blank.get(node.value, []))
        first = cell.get(PREFIXES["rdf"] + "first")
        if isinstance(first, NamedNode):
            members.append(Term("iri", first.value))
        node = cell.get(PREFIXES["rdf"] + "rest")
    return members
