"""Base IRI, namespaces, term constants and prefixes: the only place IRIs are spelt.

Every IRI the project mints lives under :data:`BASE`; the kind of thing decides the
path segment (``person/``, ``org/``, …) so IRIs stay readable and stable across builds.

>>> TNMT.Department.value
'https://w3id.org/tnmt-kg/ontology#Department'
>>> entity_iri("person", "nguyen-quoc-khanh").value
'https://w3id.org/tnmt-kg/person/nguyen-quoc-khanh'
"""

from __future__ import annotations

from pyoxigraph import NamedNode

BASE = "https://w3id.org/tnmt-kg/"
ONTOLOGY_IRI = BASE + "ontology"
ONTOLOGY_NS = ONTOLOGY_IRI + "#"


class Namespace:
    """A namespace whose attributes are :class:`pyoxigraph.NamedNode` terms."""

    def __init__(self, iri: str) -> None:
        self.iri = iri

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        return NamedNode(self.iri + name)

    def __getitem__(self, name: str) -> NamedNode:
        return NamedNode(self.iri + name)

    def __str__(self) -> str:
        return self.iri


TNMT = Namespace(ONTOLOGY_NS)
ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")
PROV = Namespace("http://www.w3.org/ns/prov#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SCHEMA = Namespace("https://schema.org/")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SH = Namespace("http://www.w3.org/ns/shacl#")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

#: Prefixes used in exports, the query editor and the canned queries.
PREFIXES: dict[str, str] = {
    "tnmt": ONTOLOGY_NS,
    "person": BASE + "person/",
    "unit": BASE + "org/",
    "role": BASE + "role/",
    "post": BASE + "post/",
    "ms": BASE + "membership/",
    "event": BASE + "event/",
    "movement": BASE + "movement/",
    "src": BASE + "source/",
    "org": str(ORG),
    "time": str(TIME),
    "prov": str(PROV),
    "foaf": str(FOAF),
    "skos": str(SKOS),
    "schema": str(SCHEMA),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "dcterms": str(DCTERMS),
    "void": str(VOID),
}

#: The kinds of minted entity and their path segment under :data:`BASE`.
ENTITY_KINDS = (
    "person",
    "org",
    "role",
    "post",
    "place",
    "membership",
    "event",
    "association",
    "speech",
    "movement",
    "launch",
    "recognition",
    "source",
    "instant",
    "interval",
    "statement",
    "graph",
    "citation",
    "claim",
    "change",
    "personnel-event",
    "event-kind",
)

#: The SKOS concept scheme holding every role.
ROLE_SCHEME = NamedNode(BASE + "role/scheme")

#: The named graph holding the ontology and the role scheme.
ONTOLOGY_GRAPH = NamedNode(BASE + "graph/ontology")


def entity_iri(kind: str, slug: str) -> NamedNode:
    """The IRI of a minted entity; ``kind`` must be one of :data:`ENTITY_KINDS`."""
    if kind not in ENTITY_KINDS:
        raise ValueError(f"unknown entity kind {kind!r}; known: {', '.join(ENTITY_KINDS)}")
    return NamedNode(f"{BASE}{kind}/{slug}")


def source_graph(source_id: str) -> NamedNode:
    """The named graph holding one source's facts."""
    return NamedNode(f"{BASE}graph/source/{source_id}")


def loaded_graph(name: str) -> NamedNode:
    """The named graph holding a researcher's file loaded with ``tnmt-kg load``."""
    return NamedNode(f"{BASE}graph/load/{name}")


def is_loaded_graph(iri: str) -> bool:
    return iri.startswith(f"{BASE}graph/load/")


def local_name(iri: str) -> str:
    """The last segment of an IRI (after its last ``/`` or ``#``): a slug, or a term's name."""
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def sparql_prefixes(names: list[str] | None = None) -> str:
    """``PREFIX`` lines for a SPARQL query, for all or the named prefixes."""
    chosen = names if names is not None else list(PREFIXES)
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in chosen)
