"""The endpoint and the dataset describing themselves: SPARQL 1.1 Service Description and VoID.

Both are RDF built from counts the store computes itself (aggregate queries), never by
loading the graph into Python. The counts change only when a build or a load swaps a new
store in, so :func:`cached_stats` keeps them per build id.

What the counts mean (the default graph of every query is the union of all graphs, so the
dataset is described as that union):

* ``void:triples`` of the dataset: the distinct triples of the union of all graphs (a triple
  stated in two graphs counts once); of each ``void:subset`` (one per named graph): the
  triples of that graph. The subsets' counts add up to the store's quads.
* ``void:distinctSubjects`` / ``void:distinctObjects`` / ``void:properties`` /
  ``void:classes``: distinct terms of the union; ``void:entities``: distinct IRIs under
  ``void:uriSpace`` used as subjects.
* ``void:classPartition``: per class, its distinct instances (``void:entities``);
  ``void:propertyPartition``: per property, its distinct triples (``void:triples``).

URLs (the endpoint, the VoID document, the dumps) belong to the deployment, not the data:
the caller passes them in a :class:`ServiceLinks`.

>>> from pyoxigraph import Store, Quad, NamedNode
>>> store = Store()
>>> store.add(Quad(NamedNode("https://w3id.org/tnmt-kg/person/a"), RDF.type, FOAF.Person,
...                NamedNode("https://w3id.org/tnmt-kg/graph/source/x")))
>>> stats = dataset_stats(store, build_id="b1", modified=0.0)
>>> (stats.triples, stats.classes, stats.graphs)
(1, {'http://xmlns.com/foaf/0.1/Person': 1}, {'https://w3id.org/tnmt-kg/graph/source/x': 1})
>>> links = ServiceLinks(endpoint="http://h/sparql", void="http://h/.well-known/void", dumps={})
>>> b"void:triples 1" in serialize_description(void_description(stats, links), RdfFormat.TURTLE)
True
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Store, Triple, serialize

from . import sparql
from .formats import W3C_FORMAT_IRIS
from .vocab import BASE, DCTERMS, FOAF, ONTOLOGY_IRI, RDF, RDFS, SD, VOID, XSD, Namespace

# Kept here until kg.vocab spells them: the W3C format IRIs and the entailment regime IRI.
FORMATS = Namespace("http://www.w3.org/ns/formats/")
SIMPLE_ENTAILMENT = NamedNode("http://www.w3.org/ns/entailment/Simple")

#: The license used when the ontology names none (the project's, see pyproject.toml).
DEFAULT_LICENSE = "https://spdx.org/licenses/MIT"

TITLE = {
    "en": "tnmt-kg: organisations, officials and roles of Vietnam's Ministry of Natural Resources "
    "and Environment",
    "vi": "tnmt-kg: đồ thị tri thức về tổ chức, cán bộ và chức vụ của Bộ Tài nguyên và Môi trường",
}
DESCRIPTION = {
    "en": "A knowledge graph of the units, competition blocs, officials and roles of Bộ Tài nguyên và "
    "Môi trường (Bộ TN&MT): who held which role, where and when, every fact with the sentence of its "
    "source that supports it.",
    "vi": "Đồ thị tri thức về các đơn vị, khối thi đua, cán bộ và chức vụ của Bộ Tài nguyên và Môi "
    "trường: ai giữ chức vụ gì, ở đâu và khi nào, mỗi dữ kiện kèm câu trích dẫn từ nguồn.",
}

#: W3C format IRI of each media type the endpoint writes (sd:resultFormat).
RESULT_FORMAT_IRIS: dict[str, NamedNode] = {m: NamedNode(iri) for m, iri in W3C_FORMAT_IRIS.items()}

_SERIALISATION_PREFIXES = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "void": str(VOID),
    "sd": str(SD),
    "formats": FORMATS.iri,
}


@dataclass(frozen=True)
class DatasetStats:
    """Counts of one build, as VoID reports them (see the module docstring)."""

    build_id: str
    #: Build time, seconds since the epoch.
    modified: float
    triples: int
    quads: int
    distinct_subjects: int
    distinct_objects: int
    entities: int
    #: class IRI → distinct instances, largest first
    classes: dict[str, int]
    #: property IRI → distinct triples, largest first
    properties: dict[str, int]
    #: named graph IRI → triples in it, by IRI
    graphs: dict[str, int]
    #: triples in the store's own default graph (the build leaves it empty)
    default_graph_triples: int
    license: str = DEFAULT_LICENSE

    @property
    def vocabularies(self) -> list[str]:
        """Namespaces of the classes and properties used, sorted."""
        return sorted({_namespace(iri) for iri in (*self.classes, *self.properties)})


@dataclass(frozen=True)
class ServiceLinks:
    """Absolute URLs of this deployment."""

    endpoint: str
    void: str
    #: export format name → URL of the whole-graph download
    dumps: dict[str, str] = field(default_factory=dict)
    #: media types the endpoint writes; default every one in :data:`RESULT_FORMAT_IRIS`
    result_media_types: tuple[str, ...] = tuple(RESULT_FORMAT_IRIS)

    @property
    def dataset(self) -> NamedNode:
        return NamedNode(self.void + "#dataset")

    def subset(self, graph: str) -> NamedNode:
        """The VoID subset (and sd:Graph) of one named graph: readable, stable fragments."""
        rest = graph[len(BASE):] if graph.startswith(BASE) else graph
        safe = "".join(c if c.isalnum() or c in "-._~/" else "_" for c in rest)
        return NamedNode(f"{self.void}#{safe}")


# The counts, each one aggregate query over the union of all graphs (set semantics: the
# union as pyoxigraph gives it repeats a triple once per graph holding it, hence DISTINCT);
# the queries are kg/sparql/stats/*.rq.


def _rows(store: Store, query: str, *, union: bool = True) -> list:
    return list(store.query(query, use_default_graph_as_union=union))


def _counts(store: Store, query: str, key: str, *, union: bool = True) -> dict[str, int]:
    return {row[key].value: int(row["n"].value) for row in _rows(store, query, union=union)}


def _count(store: Store, query: str, *, union: bool = True) -> int:
    return int(_rows(store, query, union=union)[0]["n"].value)


def dataset_stats(store: Store, *, build_id: str, modified: float) -> DatasetStats:
    """Count what VoID reports, with aggregate queries run by the store.

    :param store: the (read-only) store of the build, or a :class:`kg.remote.RemoteStore`
        (which has the same ``query``; its default graph is always the union, so there
        ``default_graph_triples`` is the union's size).
    :param build_id: the build the counts belong to.
    :param modified: the build's time, seconds since the epoch.
    """
    properties = _counts(store, sparql.load("stats/void_properties"), "p")
    return DatasetStats(
        build_id=build_id,
        modified=modified,
        triples=sum(properties.values()),
        quads=len(store),
        distinct_subjects=_count(store, sparql.load("stats/distinct_subjects")),
        distinct_objects=_count(store, sparql.load("stats/distinct_objects")),
        entities=_count(store, sparql.fill(sparql.load("stats/entities"), "space", [Literal(BASE)])),
        classes=_counts(store, sparql.load("stats/void_classes"), "c"),
        properties=properties,
        graphs=_counts(store, sparql.load("stats/graphs"), "g", union=False),
        # Without the union option the default graph is the store's own one.
        default_graph_triples=_count(store, sparql.load("stats/own_default_graph"), union=False),
        license=dataset_license(store),
    )


def dataset_license(store: Store) -> str:
    """The licence the ontology names (``dcterms:license``), else :data:`DEFAULT_LICENSE`."""
    rows = _rows(store, sparql.fill(sparql.load("stats/license"), "ontology", [NamedNode(ONTOLOGY_IRI)]))
    return rows[0]["l"].value if rows else DEFAULT_LICENSE


_cache: dict[str, DatasetStats] = {}
_cache_lock = threading.Lock()
_CACHE_SIZE = 4


def cached_stats(store: Store, *, build_id: str, modified: float) -> DatasetStats:
    """:func:`dataset_stats`, computed once per build id (per process).

    Two threads asking at once for a new build may both compute it: harmless, and simpler
    than making one wait on the other's lock while a slow count runs.
    """
    with _cache_lock:
        found = _cache.get(build_id)
    if found is not None:
        return found
    stats = dataset_stats(store, build_id=build_id, modified=modified)
    with _cache_lock:
        _cache[build_id] = stats
        while len(_cache) > _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
    return stats


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut > 0 else iri


def _int(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)


def _dataset_structure(stats: DatasetStats, links: ServiceLinks) -> list[Triple]:
    """The dataset as a SPARQL dataset: its union default graph and its named graphs."""
    dataset = links.dataset
    default_graph = NamedNode(links.void + "#default-graph")
    triples = [
        Triple(dataset, RDF.type, SD.Dataset),
        Triple(dataset, SD.defaultGraph, default_graph),
        Triple(default_graph, RDF.type, SD.Graph),
        Triple(default_graph, VOID.triples, _int(stats.triples)),
        Triple(default_graph, RDFS.comment, Literal("The union of all named graphs.", language="en")),
    ]
    for graph, count in stats.graphs.items():
        named = BlankNode()
        subset = links.subset(graph)
        triples += [
            Triple(dataset, SD.namedGraph, named),
            Triple(named, RDF.type, SD.NamedGraph),
            Triple(named, SD.name, NamedNode(graph)),
            Triple(named, SD.graph, subset),
            Triple(subset, RDF.type, SD.Graph),
            Triple(subset, VOID.triples, _int(count)),
        ]
    return triples


def service_description(stats: DatasetStats, links: ServiceLinks) -> list[Triple]:
    """The SPARQL 1.1 Service Description of the endpoint at ``links.endpoint``."""
    service = NamedNode(links.endpoint)
    triples = [
        Triple(service, RDF.type, SD.Service),
        Triple(service, SD.endpoint, service),
        Triple(service, SD.supportedLanguage, SD.SPARQL11Query),
        Triple(service, SD.feature, SD.UnionDefaultGraph),
        Triple(service, SD.defaultEntailmentRegime, SIMPLE_ENTAILMENT),
        Triple(service, SD.defaultDataset, links.dataset),
        Triple(service, DCTERMS.title, Literal(TITLE["en"], language="en")),
        Triple(service, DCTERMS.title, Literal(TITLE["vi"], language="vi")),
        Triple(service, RDFS.seeAlso, NamedNode(links.void)),
        Triple(links.dataset, RDFS.seeAlso, NamedNode(links.void)),
    ]
    triples += [Triple(service, SD.resultFormat, RESULT_FORMAT_IRIS[m]) for m in links.result_media_types]
    return triples + _dataset_structure(stats, links)


def void_description(stats: DatasetStats, links: ServiceLinks) -> list[Triple]:
    """The VoID description of the dataset (a ``void:Dataset`` with a subset per named graph)."""
    dataset = links.dataset
    modified = datetime.fromtimestamp(stats.modified, tz=UTC).replace(microsecond=0)
    triples = [
        Triple(dataset, RDF.type, VOID.Dataset),
        Triple(NamedNode(links.void), RDF.type, VOID.DatasetDescription),
        Triple(NamedNode(links.void), FOAF.primaryTopic, dataset),
        Triple(dataset, DCTERMS.title, Literal(TITLE["en"], language="en")),
        Triple(dataset, DCTERMS.title, Literal(TITLE["vi"], language="vi")),
        Triple(dataset, DCTERMS.description, Literal(DESCRIPTION["en"], language="en")),
        Triple(dataset, DCTERMS.description, Literal(DESCRIPTION["vi"], language="vi")),
        Triple(dataset, DCTERMS.license, NamedNode(stats.license)),
        Triple(dataset, DCTERMS.modified, Literal(modified.isoformat(), datatype=XSD.dateTime)),
        Triple(dataset, DCTERMS.identifier, Literal(stats.build_id)),
        Triple(dataset, VOID.uriSpace, Literal(BASE)),
        Triple(dataset, VOID.sparqlEndpoint, NamedNode(links.endpoint)),
        Triple(dataset, VOID.triples, _int(stats.triples)),
        Triple(dataset, VOID.entities, _int(stats.entities)),
        Triple(dataset, VOID.distinctSubjects, _int(stats.distinct_subjects)),
        Triple(dataset, VOID.distinctObjects, _int(stats.distinct_objects)),
        Triple(dataset, VOID.properties, _int(len(stats.properties))),
        Triple(dataset, VOID.classes, _int(len(stats.classes))),
    ]
    triples += [Triple(dataset, VOID.dataDump, NamedNode(url)) for url in links.dumps.values()]
    triples += [Triple(dataset, VOID.vocabulary, NamedNode(ns)) for ns in stats.vocabularies]
    for cls, count in stats.classes.items():
        partition = BlankNode()
        triples += [
            Triple(dataset, VOID.classPartition, partition),
            Triple(partition, VOID["class"], NamedNode(cls)),
            Triple(partition, VOID.entities, _int(count)),
        ]
    for prop, count in stats.properties.items():
        partition = BlankNode()
        triples += [
            Triple(dataset, VOID.propertyPartition, partition),
            Triple(partition, VOID.property, NamedNode(prop)),
            Triple(partition, VOID.triples, _int(count)),
        ]
    for graph in stats.graphs:
        subset = links.subset(graph)
        triples += [
            Triple(dataset, VOID.subset, subset),
            Triple(subset, RDF.type, VOID.Dataset),
            Triple(subset, DCTERMS.title, Literal(f"Named graph <{graph}>", language="en")),
        ]
    return triples + _dataset_structure(stats, links)


def serialize_description(triples: list[Triple], fmt: RdfFormat) -> bytes:
    """The triples in ``fmt`` (a triple or dataset format), with prefixes where it has them."""
    prefixed = fmt in (RdfFormat.TURTLE, RdfFormat.TRIG, RdfFormat.RDF_XML)
    prefixes = _SERIALISATION_PREFIXES if prefixed else None
    # Grouped by subject (the sort is stable) so Turtle writes each subject once.
    grouped = sorted(triples, key=lambda t: (isinstance(t.subject, BlankNode), t.subject.value))
    return serialize(grouped, format=fmt, prefixes=prefixes) or b""
