"""Self-description: the SPARQL Service Description at /sparql and VoID at /.well-known/void.

Every count is checked against the store's own quads: VoID's ``void:triples`` is the number
of distinct triples of the union of all graphs (the default graph a query sees), and each
named graph's subset has that graph's quad count.
"""

from __future__ import annotations

import urllib.request
from collections import Counter

import pytest
import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Store, parse
from support import RDF_MEDIA_TYPES

from kg.describe import RESULT_FORMAT_IRIS, cached_stats
from kg.formats import EXPORT_FORMATS
from kg.vocab import BASE, DCTERMS, RDF, SD, VOID


def description(body: bytes, fmt: RdfFormat = RdfFormat.TURTLE) -> Store:
    store = Store()
    store.extend(parse(body, fmt))
    return store


def objects(store: Store, subject, predicate) -> list:  # noqa: ANN001
    return [q.object for q in store.quads_for_pattern(subject, predicate, None)]


def one(store: Store, subject, predicate):  # noqa: ANN001, ANN201
    found = objects(store, subject, predicate)
    assert len(found) == 1, (subject, predicate, found)
    return found[0]


def integer(store: Store, subject, predicate) -> int:  # noqa: ANN001
    value = one(store, subject, predicate)
    assert isinstance(value, Literal) and value.datatype.value.endswith("#integer")
    return int(value.value)


def the_dataset(void: Store) -> NamedNode:
    datasets = [q.subject for q in void.quads_for_pattern(None, VOID.sparqlEndpoint, None)]
    assert len(datasets) == 1
    return datasets[0]




# --------------------------------------------------------------------------- VoID


def test_void_is_turtle_and_counts_what_the_store_holds(client, seed_store):
    reply = client.get("/.well-known/void")
    assert reply.status_code == 200 and reply.mimetype == "text/turtle"
    void = description(reply.data)
    dataset = the_dataset(void)
    assert VOID.Dataset in objects(void, dataset, RDF.type)

    quads = list(seed_store)
    triples = {(q.subject, q.predicate, q.object) for q in quads}
    assert integer(void, dataset, VOID.triples) == len(triples)
    assert integer(void, dataset, VOID.distinctSubjects) == len({t[0] for t in triples})
    assert integer(void, dataset, VOID.distinctObjects) == len({t[2] for t in triples})
    assert integer(void, dataset, VOID.properties) == len({t[1] for t in triples})
    class_sets: dict[str, set] = {}
    for s, p, o in triples:
        if p == RDF.type and isinstance(o, NamedNode):
            class_sets.setdefault(o.value, set()).add(s)
    assert integer(void, dataset, VOID.classes) == len(class_sets)
    assert class_sets  # the graph has typed things
    entities = {t[0] for t in triples if isinstance(t[0], NamedNode) and t[0].value.startswith(BASE)}
    assert integer(void, dataset, VOID.entities) == len(entities)


def test_void_partitions(client, seed_store):
    void = description(client.get("/.well-known/void").data)
    dataset = the_dataset(void)
    triples = {(q.subject, q.predicate, q.object) for q in seed_store}

    class_members: dict[str, set] = {}
    for s, p, o in triples:
        if p == RDF.type and isinstance(o, NamedNode):
            class_members.setdefault(o.value, set()).add(s)
    partitions = {one(void, part, VOID["class"]).value: integer(void, part, VOID.entities)
                  for part in objects(void, dataset, VOID.classPartition)}
    assert partitions == {c: len(m) for c, m in class_members.items()}

    per_property = Counter(p.value for _, p, _ in triples)
    properties = {one(void, part, VOID.property).value: integer(void, part, VOID.triples)
                  for part in objects(void, dataset, VOID.propertyPartition)}
    assert properties == dict(per_property)


def test_void_vocabularies_links_and_metadata(client, seed_store):
    void = description(client.get("/.well-known/void").data)
    dataset = the_dataset(void)
    vocabularies = {v.value for v in objects(void, dataset, VOID.vocabulary)}
    for namespace in ("http://www.w3.org/ns/org#", "http://xmlns.com/foaf/0.1/",
                      "http://www.w3.org/2006/time#", "http://www.w3.org/ns/prov#",
                      "https://w3id.org/tnmt-kg/ontology#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"):
        assert namespace in vocabularies
    # every vocabulary is the namespace of a class or property actually used
    used = {q.predicate.value for q in seed_store} | {
        q.object.value for q in seed_store if q.predicate == RDF.type and isinstance(q.object, NamedNode)}
    assert all(any(term.startswith(v) for term in used) for v in vocabularies)

    assert one(void, dataset, VOID.sparqlEndpoint) == NamedNode("http://localhost/sparql")
    dumps = {d.value for d in objects(void, dataset, VOID.dataDump)}
    assert dumps == {f"http://localhost/export?format={name}" for name in EXPORT_FORMATS}
    assert one(void, dataset, VOID.uriSpace) == Literal("https://w3id.org/tnmt-kg/")
    titles = {t.language for t in objects(void, dataset, DCTERMS.title)}
    assert titles == {"en", "vi"}
    assert {d.language for d in objects(void, dataset, DCTERMS.description)} == {"en", "vi"}
    assert isinstance(one(void, dataset, DCTERMS.license), NamedNode)
    modified = one(void, dataset, DCTERMS.modified)
    assert modified.datatype.value.endswith("#dateTime")


def test_void_subset_per_named_graph(client, seed_store):
    void = description(client.get("/.well-known/void").data)
    dataset = the_dataset(void)
    per_graph = Counter(q.graph_name.value for q in seed_store if isinstance(q.graph_name, NamedNode))
    subsets = objects(void, dataset, VOID.subset)
    assert len(subsets) == len(per_graph)
    # each subset is the sd:graph of the sd:NamedGraph that names it
    found = {}
    for named in objects(void, dataset, SD.namedGraph):
        graph = one(void, named, SD.graph)
        assert graph in subsets and VOID.Dataset in objects(void, graph, RDF.type)
        found[one(void, named, SD.name).value] = integer(void, graph, VOID.triples)
    assert found == dict(per_graph)
    assert sum(found.values()) == len(seed_store)


@pytest.mark.parametrize("media_type", RDF_MEDIA_TYPES)
def test_void_in_every_rdf_format(client, media_type):
    reply = client.get("/.well-known/void", headers={"Accept": media_type})
    assert reply.status_code == 200 and reply.mimetype == media_type
    void = description(reply.data, RdfFormat.from_media_type(media_type))
    assert integer(void, the_dataset(void), VOID.triples) > 0
    rdflib_format = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
                     "application/rdf+xml": "xml", "application/n-quads": "nquads",
                     "application/trig": "trig"}[media_type]
    parsed = rdflib.Dataset().parse(data=reply.data, format=rdflib_format)
    assert len(list(parsed.quads())) == len(void)


def test_void_format_parameter_and_browser(client):
    assert client.get("/.well-known/void?format=nt").mimetype == "application/n-triples"
    browser = client.get("/.well-known/void", headers={"Accept": "text/html,*/*;q=0.8"})
    assert browser.mimetype == "text/plain"  # Turtle, shown rather than saved
    description(browser.data)
    assert client.get("/.well-known/void", headers={"Accept": "image/png"}).status_code == 406


def test_void_uses_public_url(seed_settings):
    from server.app import create_app

    app = create_app(seed_settings.replace(public_url="https://kg.example.org"), {"TESTING": True})
    try:
        void = description(app.test_client().get("/.well-known/void").data)
        dataset = the_dataset(void)
        assert dataset.value == "https://kg.example.org/.well-known/void#dataset"
        assert one(void, dataset, VOID.sparqlEndpoint) == NamedNode("https://kg.example.org/sparql")
    finally:
        app.extensions["tnmt_kg"].close()


# --------------------------------------------------------------------------- Service Description


def test_service_description_over_http(live_server, seed_store):
    request = urllib.request.Request(live_server.url + "/sparql", headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Content-Type"].startswith("text/turtle")
        body = response.read()
    sd = description(body)
    services = [q.subject for q in sd.quads_for_pattern(None, RDF.type, SD.Service)]
    assert services == [NamedNode(live_server.url + "/sparql")]
    service = services[0]
    assert one(sd, service, SD.endpoint) == NamedNode(live_server.url + "/sparql")
    assert one(sd, service, SD.supportedLanguage) == SD.SPARQL11Query
    assert SD.UnionDefaultGraph in objects(sd, service, SD.feature)
    assert set(objects(sd, service, SD.resultFormat)) == set(RESULT_FORMAT_IRIS.values())
    assert len(RESULT_FORMAT_IRIS) == 10
    dataset = one(sd, service, SD.defaultDataset)
    assert dataset == NamedNode(live_server.url + "/.well-known/void#dataset")  # the VoID dataset
    default_graph = one(sd, dataset, SD.defaultGraph)
    union = {(q.subject, q.predicate, q.object) for q in seed_store}
    assert integer(sd, default_graph, VOID.triples) == len(union)
    names = {one(sd, n, SD.name).value for n in objects(sd, dataset, SD.namedGraph)}
    assert names == {g.value for g in seed_store.named_graphs() if isinstance(g, NamedNode)}
    rdflib.Graph().parse(data=body, format="turtle")


@pytest.mark.parametrize("media_type", RDF_MEDIA_TYPES)
def test_service_description_in_every_rdf_format(client, media_type):
    reply = client.get("/sparql", headers={"Accept": media_type})
    assert reply.status_code == 200 and reply.mimetype == media_type
    sd = description(reply.data, RdfFormat.from_media_type(media_type))
    assert len(list(sd.quads_for_pattern(None, SD.endpoint, None))) == 1


def test_service_description_for_plain_clients(client):
    # curl sends */*; no Accept at all means the same: Turtle, not the HTML editor
    for headers in ({}, {"Accept": "*/*"}):
        reply = client.get("/sparql", headers=headers)
        assert reply.mimetype == "text/turtle"
    assert client.get("/sparql?format=jsonld").mimetype == "application/ld+json"


# --------------------------------------------------------------------------- the library


def test_stats_are_cached_per_build(seed_store):
    first = cached_stats(seed_store, build_id="test-build-a", modified=0.0)
    assert cached_stats(seed_store, build_id="test-build-a", modified=0.0) is first
    assert cached_stats(seed_store, build_id="test-build-b", modified=0.0) is not first


def test_blank_nodes_only_where_expected(client):
    void = description(client.get("/.well-known/void").data)
    blank_subjects = {q.subject for q in void if isinstance(q.subject, BlankNode)}
    kinds = {next(iter(objects(void, b, RDF.type)), None) for b in blank_subjects}
    # partitions (untyped) and sd:NamedGraph nodes
    assert kinds <= {None, SD.NamedGraph}
