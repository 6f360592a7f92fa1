"""/export: the whole graph in six RDF formats, as downloads clients can revalidate.

The reference is the store itself: the union of its graphs (triple formats) or its quads
(TriG, N-Quads). The ontology holds a few blank nodes, so graphs are compared with rdflib's
isomorphism test rather than as sets.
"""

from __future__ import annotations

import json
from email.utils import formatdate

import pytest
import rdflib
from pyoxigraph import BlankNode, NamedNode, RdfFormat, Store, parse
from rdflib.compare import isomorphic
from support import fetch

from kg.formats import EXPORT_FORMATS
from kg.vocab import PREFIXES

RDFLIB_FORMATS = {"turtle": "turtle", "trig": "trig", "ntriples": "nt", "nquads": "nquads",
                  "jsonld": "json-ld", "rdfxml": "xml"}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


# --------------------------------------------------------------------------- helpers









def to_rdflib(term):  # noqa: ANN001, ANN201
    if isinstance(term, NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def union_graph(store: Store) -> rdflib.Graph:
    """The union of the store's graphs, built from its quads (not from any serialisation)."""
    graph = rdflib.Graph()
    for quad in store:
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


def ground(triples) -> set:  # noqa: ANN001
    """The triples without blank nodes (comparable as a set)."""
    return {t for t in triples if not any(isinstance(x, BlankNode) for x in t)}


# --------------------------------------------------------------------------- the Turtle download, live_server


def test_turtle_export_parses_and_is_isomorphic_to_the_store(live_server, seed_store):
    reply = fetch(live_server.url + "/export?format=turtle")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/turtle")
    text = reply.body.decode("utf-8")
    for prefix in ("org", "foaf", "tnmt", "skos"):
        assert f"@prefix {prefix}: <{PREFIXES[prefix]}> ." in text
    # pyoxigraph
    triples = [(q.subject, q.predicate, q.object) for q in parse(reply.body, RdfFormat.TURTLE)]
    store_triples = {(q.subject, q.predicate, q.object) for q in seed_store}
    assert ground(triples) == ground(store_triples)
    assert len(set(triples)) == len(store_triples)
    # rdflib, compared as graphs (blank nodes included)
    exported = rdflib.Graph().parse(data=reply.body, format="turtle")
    reference = union_graph(seed_store)
    assert len(exported) == len(reference)
    assert isomorphic(exported, reference)


def test_export_is_a_named_download_with_validators(live_server, seed_settings):
    from kg.store import build_info

    info = build_info(seed_settings.store)
    reply = fetch(live_server.url + "/export?format=turtle")
    # named and tagged by the data version, a content hash of the build (kg.version)
    assert reply.headers["Content-Disposition"] == f"attachment; filename=tnmt-kg-{info.short_version}.ttl"
    assert reply.headers["ETag"] == f'"{info.short_version}"' == info.etag
    assert reply.headers["Last-Modified"] == formatdate(int(info.created), usegmt=True)
    assert int(reply.headers["Content-Length"]) == len(reply.body)
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert "no-cache" in reply.headers["Cache-Control"]


def test_revalidation_answers_304(live_server):
    url = live_server.url + "/export?format=ntriples"
    first = fetch(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert fetch(url, headers={"If-None-Match": etag}).status == 304
    assert fetch(url, headers={"If-Modified-Since": modified}).status == 304
    stale = fetch(url, headers={"If-None-Match": '"some-older-build"'})
    assert stale.status == 200 and stale.body == first.body
    assert fetch(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status == 200


# --------------------------------------------------------------------------- every format, in-process


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_every_format_parses_back_to_the_store(client, seed_store, fmt):
    suffix, media_type = EXPORT_FORMATS[fmt]
    with client.get("/export", query_string={"format": fmt}) as reply:
        assert reply.status_code == 200
        assert reply.mimetype == media_type
        assert reply.headers["Content-Disposition"].endswith(f".{suffix}")
        body = reply.get_data()
    quads = list(parse(body, RdfFormat.from_media_type(media_type)))
    if fmt in ("trig", "nquads"):  # the graphs are kept
        assert ground(quads) == ground(seed_store)
        assert len(quads) == len(seed_store)
        dataset = rdflib.Dataset().parse(data=body, format=RDFLIB_FORMATS[fmt])
        assert len(list(dataset.quads())) == len(seed_store)
    else:  # the union of the graphs
        triples = [(q.subject, q.predicate, q.object) for q in quads]
        store_triples = {(q.subject, q.predicate, q.object) for q in seed_store}
        assert ground(triples) == ground(store_triples)
        graph = rdflib.Graph().parse(data=body, format=RDFLIB_FORMATS[fmt])
        assert isomorphic(graph, union_graph(seed_store))


def test_json_ld_carries_no_remote_context(client):
    with client.get("/export?format=jsonld") as reply:
        document = json.loads(reply.get_data())
    contexts = [document.get("@context")] if isinstance(document, dict) else []
    for context in contexts:
        # inline: a map of prefix → namespace, nothing to fetch (no URL, no @import)
        assert isinstance(context, dict) and "@import" not in context
        assert all(isinstance(v, str) and v.endswith(("/", "#")) for v in context.values())


def test_unknown_format_is_a_400_listing_the_known(client):
    reply = client.get("/export?format=xlsx", headers={"Accept": "text/plain"})
    assert reply.status_code == 400
    message = reply.get_data(as_text=True)
    assert "xlsx" in message
    for name in EXPORT_FORMATS:
        assert name in message


def test_format_from_accept_when_not_given(client):
    with client.get("/export", headers={"Accept": "application/n-quads, text/turtle;q=0.5"}) as reply:
        assert reply.mimetype == "application/n-quads"
    with client.get("/export") as reply:
        assert reply.mimetype == "text/turtle"


def test_byte_ranges_resume_a_download(client):
    with client.get("/export?format=ntriples") as whole:
        body = whole.get_data()
    with client.get("/export?format=ntriples", headers={"Range": "bytes=100-199"}) as part:
        assert part.status_code == 206
        assert part.get_data() == body[100:200]


def test_each_format_is_written_once_per_build(app, client):
    from server.services import get_kg
    from server.views.exports import export_file

    with app.app_context():
        info, path = export_file(get_kg(), "trig")
    written = path.stat().st_mtime_ns
    with client.get("/export?format=trig") as reply:
        assert reply.status_code == 200
    with app.app_context():
        assert export_file(get_kg(), "trig") == (info, path)
    assert path.stat().st_mtime_ns == written
    assert info.build_id in path.name


def test_a_new_build_gets_a_new_etag_and_new_data(fresh_settings, tmp_path):
    """The ETag is the data version: a rebuild of the same data keeps it (304), new data
    changes it."""
    from kg.build import build, load_files
    from server.app import create_app

    build(fresh_settings)
    app = create_app(fresh_settings, {"TESTING": True})
    try:
        client = app.test_client()
        with client.get("/export?format=nquads") as first:
            first_etag, first_body = first.headers["ETag"], first.get_data()
        build(fresh_settings)
        with client.get("/export?format=nquads", headers={"If-None-Match": first_etag}) as same:
            assert same.status_code == 304
        extra = tmp_path / "extra.ttl"
        extra.write_text('<https://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n')
        load_files(fresh_settings, [extra])
        with client.get("/export?format=nquads", headers={"If-None-Match": first_etag}) as second:
            assert second.status_code == 200
            assert second.headers["ETag"] != first_etag
            assert len(list(parse(second.get_data(), RdfFormat.N_QUADS))) == len(
                list(parse(first_body, RdfFormat.N_QUADS))) + 1
    finally:
        app.extensions["tnmt_kg"].close()


def test_cors_on_exports(client):
    with client.get("/export?format=turtle") as reply:
        assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/export?format=nope").headers["Access-Control-Allow-Origin"] == "*"
