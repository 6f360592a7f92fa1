"""The SPARQL 1.1 Protocol at /sparql: methods, formats, negotiation, datasets, real clients, the editor.

Against the live_server server (a real ``tnmt-kg serve`` on a loopback port) wherever a client's
view of HTTP matters; the Flask test client for checks of the page itself. Expected answers
come from the store (its quads), not from another run of the endpoint.
"""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
import rdflib
import rdflib.query
from pyoxigraph import (
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    RdfFormat,
    Store,
    parse,
    parse_query_results,
)
from support import RDF_MEDIA_TYPES, Reply, fetch

import server.views.sparql
from kg.vocab import FOAF, ONTOLOGY_GRAPH, PREFIXES, RDF

pytestmark = pytest.mark.live

SRX = "{http://www.w3.org/2005/sparql-results#}"
PROLOGUE = "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nPREFIX org: <http://www.w3.org/ns/org#>\n"
NAMES = PROLOGUE + "SELECT DISTINCT ?name WHERE { ?p a foaf:Person ; foaf:name ?name } ORDER BY ?name"
NAME_TRIPLES = PROLOGUE + "CONSTRUCT { ?p foaf:name ?name } WHERE { ?p a foaf:Person ; foaf:name ?name }"
HAS_MEMBERSHIP = PROLOGUE + "ASK { ?m a org:Membership }"
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"

METHODS = ("GET", "POST-form", "POST-direct")
RESULTS_TYPES = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-quads": "nquads",
    "application/trig": "trig",
}


# --------------------------------------------------------------------------- HTTP helpers









def sparql(base: str, query: str, *, method: str = "GET", accept: str | None = None,
           params: list[tuple[str, str]] | None = None, timeout: float = 30) -> Reply:
    """A query sent the way ``method`` says: GET, POST form-encoded, or POST direct."""
    headers = {"Accept": accept} if accept else {}
    extra = list(params or [])
    if method == "GET":
        return fetch(base + "/sparql", params=[("query", query), *extra], headers=headers, timeout=timeout)
    if method == "POST-form":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urlencode([("query", query), *extra]).encode()
        return fetch(base + "/sparql", method="POST", data=body, headers=headers, timeout=timeout)
    headers["Content-Type"] = "application/sparql-query; charset=utf-8"
    return fetch(base + "/sparql", method="POST", params=extra, data=query.encode(), headers=headers,
                 timeout=timeout)


# --------------------------------------------------------------------------- expectations from the store


def person_names(store: Store) -> list[str]:
    people = {q.subject for q in store.quads_for_pattern(None, RDF.type, FOAF.Person)}
    names = store.quads_for_pattern(None, FOAF.name, None)
    return sorted({q.object.value for q in names if q.subject in people})


def name_triples(store: Store) -> set[tuple]:
    people = {q.subject for q in store.quads_for_pattern(None, RDF.type, FOAF.Person)}
    return {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, FOAF.name, None)
            if q.subject in people}


def results_values(body: bytes, media_type: str, variable: str) -> list[str]:
    """The values of one variable, read with a parser specific to the format."""
    if media_type == "application/sparql-results+json":
        document = json.loads(body)
        return [b[variable]["value"] for b in document["results"]["bindings"] if variable in b]
    if media_type == "application/sparql-results+xml":
        root = ET.fromstring(body)
        return [b[0].text or "" for b in root.iter(SRX + "binding") if b.get("name") == variable]
    if media_type == "text/csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
        assert rows[0] == [variable]
        return [row[0] for row in rows[1:]]
    assert media_type == "text/tab-separated-values"
    lines = body.decode("utf-8").rstrip("\n").split("\n")
    assert lines[0] == "?" + variable
    solutions = parse_query_results(body, QueryResultsFormat.TSV)
    values = [s[variable].value for s in solutions]
    assert len(values) == len(lines) - 1
    return values


def parsed_triples(body: bytes, media_type: str) -> set[tuple]:
    """The triples of an RDF body, parsed by pyoxigraph; rdflib must read as many."""
    quads = list(parse(body, RdfFormat.from_media_type(media_type)))
    triples = {(q.subject, q.predicate, q.object) for q in quads}
    if media_type in ("application/n-quads", "application/trig"):
        graph: rdflib.Graph = rdflib.Dataset()
        graph.parse(data=body, format=RDFLIB_FORMATS[media_type])
        assert len(list(graph.quads())) == len(quads)
    else:
        graph = rdflib.Graph()
        graph.parse(data=body, format=RDFLIB_FORMATS[media_type])
        assert len(graph) == len(triples)
    return triples


# --------------------------------------------------------------------------- every method × format


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("media_type", list(RESULTS_TYPES))
def test_select_in_every_method_and_results_format(live_server, seed_store, method, media_type):
    reply = sparql(live_server.url, NAMES, method=method, accept=media_type)
    assert reply.status == 200, reply.body
    assert reply.media_type == media_type
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert results_values(reply.body, media_type, "name") == person_names(seed_store)
    # and rdflib's results parsers agree
    result = rdflib.query.Result.parse(io.BytesIO(reply.body), content_type=media_type)
    assert [str(row[0]) for row in result] == person_names(seed_store)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("media_type", list(RESULTS_TYPES))
def test_ask_in_every_method_and_results_format(live_server, method, media_type):
    reply = sparql(live_server.url, HAS_MEMBERSHIP, method=method, accept=media_type)
    assert reply.status == 200, reply.body
    assert reply.media_type == media_type
    if media_type == "application/sparql-results+json":
        assert json.loads(reply.body)["boolean"] is True
    elif media_type == "application/sparql-results+xml":
        assert ET.fromstring(reply.body).find(SRX + "boolean").text == "true"
    else:
        assert reply.text.strip() == "true"
    if media_type != "text/csv":  # CSV is lossy: pyoxigraph does not read it back
        answer = parse_query_results(reply.body, RESULTS_TYPES[media_type])
        assert isinstance(answer, QueryBoolean) and bool(answer)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("media_type", RDF_MEDIA_TYPES)
def test_construct_in_every_method_and_rdf_format(live_server, seed_store, method, media_type):
    reply = sparql(live_server.url, NAME_TRIPLES, method=method, accept=media_type)
    assert reply.status == 200, reply.body
    assert reply.media_type == media_type
    assert parsed_triples(reply.body, media_type) == name_triples(seed_store)


def test_describe_defaults_to_turtle(live_server, seed_store):
    person = next(iter(name_triples(seed_store)))[0]
    reply = sparql(live_server.url, f"DESCRIBE <{person.value}>")
    assert reply.status == 200 and reply.media_type == "text/turtle"
    triples = parsed_triples(reply.body, "text/turtle")
    assert triples and all(t[0] == person for t in triples)


def test_json_ld_result_has_no_remote_context(live_server):
    reply = sparql(live_server.url, NAME_TRIPLES, accept="application/ld+json")
    assert json.loads(reply.body)  # expanded JSON-LD: every IRI in full, no context to fetch
    assert "@context" not in reply.text


def test_turtle_result_uses_the_project_prefixes(live_server):
    reply = sparql(live_server.url, NAME_TRIPLES, accept="text/turtle")
    assert "@prefix foaf: <http://xmlns.com/foaf/0.1/> ." in reply.text


# --------------------------------------------------------------------------- negotiation


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("application/sparql-results+json;q=0.1, text/tab-separated-values", "text/tab-separated-values"),
    ("application/sparql-results+json;q=0, */*;q=0.5", "application/sparql-results+xml"),
    ("text/*;q=0.8, application/sparql-results+json;q=0.7", "text/csv"),
    ("application/json", "application/sparql-results+json"),
    # a browser's Accept (text/html first) gets the editor running the query (issue 12):
    # test_browser_gets_the_editor_running_the_query; with format= it gets the results
    # RDF types only (one Accept for every form): the default results format, not 406
    ("text/turtle, application/rdf+xml;q=0.5", "application/sparql-results+json"),
])
def test_select_negotiation_with_q_values(live_server, accept, expected):
    reply = sparql(live_server.url, NAMES, accept=accept)
    assert reply.status == 200, reply.body
    assert reply.media_type == expected
    assert "Accept" in reply.headers["Vary"]


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "text/turtle"),
    ("application/rdf+xml;q=0.5, application/n-triples", "application/n-triples"),
    ("application/ld+json;q=0.9, text/turtle;q=0.2", "application/ld+json"),
    ("application/trig, application/n-quads;q=0.99", "application/trig"),
    ("text/turtle;q=0, */*", "application/n-triples"),
    # results types only (rdflib's SPARQLStore sends one Accept for every form): default Turtle
    ("application/sparql-results+json", "text/turtle"),
    ("application/sparql-results+xml, text/csv;q=0.5", "text/turtle"),
    # SPARQLWrapper's N3 asks for these
    ("text/n3, text/rdf+n3", "text/turtle"),
])
def test_construct_negotiation_with_q_values(live_server, accept, expected):
    reply = sparql(live_server.url, NAME_TRIPLES, accept=accept)
    assert reply.status == 200, reply.body
    assert reply.media_type == expected


@pytest.mark.parametrize("query", [NAMES, HAS_MEMBERSHIP, NAME_TRIPLES])
def test_406_when_accept_names_nothing_producible(live_server, query):
    reply = sparql(live_server.url, query, accept="image/png")
    assert reply.status == 406
    assert "image/png" in reply.text
    assert reply.headers["Access-Control-Allow-Origin"] == "*"


def test_406_for_the_service_description_too(live_server):
    reply = fetch(live_server.url + "/sparql", headers={"Accept": "image/png"})
    assert reply.status == 406


@pytest.mark.parametrize(("name", "select_type", "construct_type"), [
    ("json", "application/sparql-results+json", "application/ld+json"),
    ("xml", "application/sparql-results+xml", "application/rdf+xml"),
    ("csv", "text/csv", "text/turtle"),
    ("tsv", "text/tab-separated-values", "text/turtle"),
    ("turtle", "application/sparql-results+json", "text/turtle"),
    ("ttl", "application/sparql-results+json", "text/turtle"),
    ("n3", "application/sparql-results+json", "text/turtle"),
    ("nt", "application/sparql-results+json", "application/n-triples"),
    ("ntriples", "application/sparql-results+json", "application/n-triples"),
    ("jsonld", "application/sparql-results+json", "application/ld+json"),
    ("json-ld", "application/sparql-results+json", "application/ld+json"),
    ("rdfxml", "application/sparql-results+json", "application/rdf+xml"),
    ("rdf", "application/sparql-results+json", "application/rdf+xml"),
    ("text/csv", "text/csv", "text/turtle"),
    ("application/n-quads", "application/sparql-results+json", "application/n-quads"),
    ("application/sparql-results+xml", "application/sparql-results+xml", "text/turtle"),
])
def test_format_parameter_short_names_and_media_types(live_server, seed_store, name, select_type,
                                                      construct_type):
    # format= wins over Accept
    selected = sparql(live_server.url, NAMES, accept="text/tab-separated-values", params=[("format", name)])
    assert (selected.status, selected.media_type) == (200, select_type)
    assert results_values(selected.body, select_type, "name") == person_names(seed_store)
    constructed = sparql(live_server.url, NAME_TRIPLES, method="POST-form", params=[("output", name)])
    assert (constructed.status, constructed.media_type) == (200, construct_type)
    assert parsed_triples(constructed.body, construct_type) == name_triples(seed_store)


def test_format_parameter_as_sparqlwrapper_repeats_it(live_server):
    # SPARQLWrapper sends format=tsv&format=text/tab-separated-values, and output=, results=
    reply = sparql(live_server.url, NAMES, params=[("format", "tsv"), ("format", "text/tab-separated-values"),
                                                    ("output", "tsv"), ("results", "tsv")])
    assert reply.media_type == "text/tab-separated-values"


def test_unknown_format_is_a_400_listing_the_known(live_server):
    reply = sparql(live_server.url, NAMES, params=[("format", "bogus")])
    assert reply.status == 400
    assert "bogus" in reply.text and "json" in reply.text and "turtle" in reply.text


def test_unknown_parameters_are_ignored(live_server, seed_store):
    reply = sparql(live_server.url, NAMES, params=[("timeout", "1000"), ("callback", "x"), ("debug", "on")])
    assert reply.status == 200
    assert results_values(reply.body, reply.media_type, "name") == person_names(seed_store)


# --------------------------------------------------------------------------- the dataset


def test_default_graph_is_the_union(live_server):
    reply = sparql(live_server.url, HAS_MEMBERSHIP, accept="application/sparql-results+json")
    assert json.loads(reply.body)["boolean"] is True


@pytest.mark.parametrize("method", METHODS)
def test_default_graph_uri_restricts_the_default_graph(live_server, method):
    # the ontology graph holds classes and roles, but no membership
    only_ontology = [("default-graph-uri", ONTOLOGY_GRAPH.value)]
    reply = sparql(live_server.url, HAS_MEMBERSHIP, method=method, params=only_ontology,
                   accept="application/sparql-results+json")
    assert reply.status == 200, reply.body
    assert json.loads(reply.body)["boolean"] is False
    classes = sparql(live_server.url, PROLOGUE + "ASK { ?c a <http://www.w3.org/2002/07/owl#Class> }",
                     method=method, params=only_ontology, accept="application/sparql-results+json")
    assert json.loads(classes.body)["boolean"] is True


@pytest.mark.parametrize("method", METHODS)
def test_named_graph_uri_limits_graph_patterns(live_server, seed_store, method):
    every = sparql(live_server.url, GRAPHS, method=method, accept="text/csv")
    assert results_values(every.body, "text/csv", "g") == sorted(
        g.value for g in seed_store.named_graphs() if isinstance(g, NamedNode))
    one = sparql(live_server.url, GRAPHS, method=method, accept="text/csv",
                 params=[("named-graph-uri", ONTOLOGY_GRAPH.value)])
    assert results_values(one.body, "text/csv", "g") == [ONTOLOGY_GRAPH.value]


def test_several_default_graph_uris_are_merged(live_server, seed_store):
    graphs = sorted(g.value for g in seed_store.named_graphs() if isinstance(g, NamedNode))
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    reply = sparql(live_server.url, count, accept="text/csv",
                   params=[("default-graph-uri", g) for g in graphs])
    assert int(results_values(reply.body, "text/csv", "n")[0]) == len(seed_store)


# --------------------------------------------------------------------------- real clients


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_ask_construct(live_server, seed_store, method):
    from SPARQLWrapper import CSV, JSON, JSONLD, TSV, TURTLE, XML, SPARQLWrapper

    def client(query: str, fmt: str) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(live_server.url + "/sparql")
        wrapper.setMethod(method)
        wrapper.setQuery(query)
        wrapper.setReturnFormat(fmt)
        return wrapper

    document = client(NAMES, JSON).queryAndConvert()
    assert [b["name"]["value"] for b in document["results"]["bindings"]] == person_names(seed_store)
    dom = client(NAMES, XML).queryAndConvert()
    assert len(dom.getElementsByTagName("result")) == len(person_names(seed_store))
    for fmt in (CSV, TSV):
        assert len(client(NAMES, fmt).queryAndConvert().decode().strip().splitlines()) == 1 + len(
            person_names(seed_store))
    assert client(HAS_MEMBERSHIP, JSON).queryAndConvert()["boolean"] is True
    dom = client(HAS_MEMBERSHIP, XML).queryAndConvert()
    assert dom.getElementsByTagName("boolean")[0].firstChild.data == "true"
    expected = len(name_triples(seed_store))
    for fmt in (XML, JSONLD):  # RDF/XML and JSON-LD, converted to rdflib graphs by SPARQLWrapper
        assert len(client(NAME_TRIPLES, fmt).queryAndConvert()) == expected
    turtle = client(NAME_TRIPLES, TURTLE).queryAndConvert()
    assert len(rdflib.Graph().parse(data=turtle, format="turtle")) == expected
    with warnings.catch_warnings():
        # SPARQLWrapper warns that it sends */* for JSON on a CONSTRUCT; format=json → JSON-LD
        warnings.simplefilter("ignore", RuntimeWarning)
        wrapper = client(NAME_TRIPLES, JSON)
        response = wrapper.query()
    assert response.response.headers["Content-Type"].startswith("application/ld+json")
    assert len(rdflib.Graph().parse(data=response.response.read(), format="json-ld")) == expected


@pytest.mark.parametrize("return_format", ["xml", "json"])
@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore_select_ask_construct(live_server, seed_store, return_format, method):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(live_server.url + "/sparql", returnFormat=return_format, method=method)
    graph = rdflib.Graph(store)
    try:
        names = [str(row[0]) for row in graph.query(NAMES)]
        assert names == person_names(seed_store)
        assert graph.query(HAS_MEMBERSHIP).askAnswer is True
        constructed = graph.query(NAME_TRIPLES).graph
        assert len(constructed) == len(name_triples(seed_store))
    finally:
        store.close()


# --------------------------------------------------------------------------- CORS


def test_cors_on_results_errors_and_preflight(live_server):
    assert sparql(live_server.url, NAMES).headers["Access-Control-Allow-Origin"] == "*"
    assert sparql(live_server.url, "SELECT * WHERE {").headers["Access-Control-Allow-Origin"] == "*"
    preflight = fetch(live_server.url + "/sparql", method="OPTIONS", headers={
        "Origin": "https://example.org",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, accept",
    })
    assert preflight.status in (200, 204)
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()
    assert "X-Result-Truncated" in sparql(live_server.url, NAMES).headers["Access-Control-Expose-Headers"]


# --------------------------------------------------------------------------- the editor

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _external_references(html: str) -> list[str]:
    """src/href values of the page that lead to another host (a CDN, say)."""
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", html)
    return [r for r in refs if re.match(r"(?i)^(?:https?:)?//", r)]


def test_editor_page_is_local_and_preconfigured(client):
    page = client.get("/sparql", headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert _external_references(html) == []
    assert 'src="/vendor/yasgui/yasgui.min.js"' in html
    assert 'href="/vendor/yasgui/yasgui.min.css"' in html
    config = _page_config(html)
    assert config["endpoint"] == "http://localhost/sparql"
    for prefix, iri in PREFIXES.items():
        assert f"PREFIX {prefix}: <{iri}>" in config["defaultQuery"]
    assert config["query"] is None
    # the page's own script sets the autocompleters off before making the editor
    script = client.get("/static/sparql.js").get_data(as_text=True)
    assert script.index("autocompleters = []") < script.index("new Yasgui(")
    assert _external_references(script) == [] and "http" not in script


def _page_config(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="sparql-config">(.*?)</script>', html, re.S)
    assert found, "the page embeds its configuration as JSON"
    return json.loads(found.group(1))


def test_editor_offers_the_canned_queries(client):
    catalog = pytest.importorskip("kg.catalog")
    from kg.config import PROJECT_ROOT

    names = list(catalog.load_catalog(PROJECT_ROOT / "queries"))
    html = client.get("/sparql", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    config = _page_config(html)
    assert [e["name"] for e in config["examples"]] == names
    for name in names:
        assert f">{name}</a>" in html


def test_editor_examples_are_data_and_escaped(client, monkeypatch):
    hostile = '</script><script>alert("x")</script>'
    example = {"name": "demo <b>", "summary": hostile, "title_vi": "Thử",
               "text": "SELECT * { ?s ?p ?o } # " + hostile}
    monkeypatch.setattr(server.views.sparql, "_examples", lambda: [example])
    html = client.get("/sparql", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert hostile not in html and "<b>" not in html
    config = _page_config(html)
    assert config["examples"][0]["text"].endswith(hostile)  # the JSON carries it intact


def test_ui_parameter_opens_the_query_in_the_editor(client):
    page = client.get("/sparql", query_string={"query": NAMES, "ui": "1"}, headers={"Accept": BROWSER_ACCEPT})
    assert page.mimetype == "text/html"
    assert _page_config(page.get_data(as_text=True))["query"] == NAMES


def test_browser_gets_the_editor_running_the_query(client, seed_store):
    page = client.get("/sparql", query_string={"query": NAMES}, headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 200 and page.mimetype == "text/html"
    config = _page_config(page.get_data(as_text=True))
    assert config["query"] == NAMES and config["run"] is True
    # the protocol's answer is one format= away, and unchanged for every other Accept
    reply = client.get("/sparql", query_string={"query": NAMES, "format": "xml"},
                       headers={"Accept": BROWSER_ACCEPT})
    assert reply.mimetype == "application/sparql-results+xml"
    assert results_values(reply.data, reply.mimetype, "name") == person_names(seed_store)


def test_html_only_client_gets_the_editor_with_the_query(client):
    page = client.get("/sparql", query_string={"query": NAMES}, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert _page_config(page.get_data(as_text=True))["query"] == NAMES


def test_public_url_is_the_editor_endpoint(seed_settings):
    from server.app import create_app

    app = create_app(seed_settings.replace(public_url="https://kg.example.org/"), {"TESTING": True})
    try:
        html = app.test_client().get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
        assert _page_config(html)["endpoint"] == "https://kg.example.org/sparql"
    finally:
        app.extensions["tnmt_kg"].close()


@pytest.mark.browser
def test_editor_runs_a_query_with_no_outside_request(live_server, page):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(live_server.url + "/sparql")
    page.wait_for_function("() => window.tnmtYasgui && window.tnmtYasgui.getTab()")
    assert "PREFIX foaf:" in page.evaluate("window.tnmtYasgui.getTab().getQuery()")
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    page.wait_for_selector(".tabPanel.active .yasr table tbody tr", timeout=15000)
    assert page.locator(".tabPanel.active .yasr table tbody tr").count() > 5
    # an "open in the query editor" link
    page.goto(live_server.url + "/sparql?" + urlencode({"query": NAMES, "ui": "1"}))
    page.wait_for_function("() => window.tnmtYasgui && window.tnmtYasgui.getTab()")
    assert page.evaluate("window.tnmtYasgui.getTab().getQuery()") == NAMES
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    page.wait_for_selector(".tabPanel.active .yasr table tbody tr", timeout=15000)
    outside = [u for u in requests if not u.startswith(live_server.url + "/")]
    assert outside == [], outside
    assert problems == []


# --------------------------------------------------------------------------- doctests


def test_literal_values_keep_their_language(live_server):
    reply = sparql(live_server.url, NAMES, accept="application/sparql-results+json")
    bindings = json.loads(reply.body)["results"]["bindings"]
    assert {b["name"].get("xml:lang") for b in bindings} == {"vi"}
