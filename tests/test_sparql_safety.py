"""/sparql is read-only, offline and bounded: refusals, time limit, row cap, size caps, errors.

Against live_server servers: the session's (query time limit 3 s) and, for the row cap, one of this
module's own started with a small ``TNMT_KG_MAX_ROWS`` and stopped in a ``finally``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import time
from urllib.parse import urlencode

import pytest
from conftest import wait_for_a_running_child
from pyoxigraph import RdfFormat, Store, parse
from support import Reply, assert_no_connection, fetch

from kg.config import Settings

pytestmark = pytest.mark.live

LIVE_TIMEOUT = 3.0  # the session live_server server's query time limit (conftest)
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
JSON = "application/sparql-results+json"
INSERT = "INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> <urn:x:o> } }"


# --------------------------------------------------------------------------- helpers





def form(base: str, fields: list[tuple[str, str]], **kwargs) -> Reply:  # noqa: ANN003
    return fetch(base + "/sparql", method="POST", data=urlencode(fields).encode(),
                 headers={"Content-Type": "application/x-www-form-urlencoded", **kwargs.pop("headers", {})},
                 **kwargs)


def direct(base: str, body: str | bytes, content_type: str = "application/sparql-query", **kwargs) -> Reply:  # noqa: ANN003
    data = body.encode() if isinstance(body, str) else body
    return fetch(base + "/sparql", method="POST", data=data,
                 headers={"Content-Type": content_type, **kwargs.pop("headers", {})}, **kwargs)


def get(base: str, query: str, **kwargs) -> Reply:  # noqa: ANN003
    return fetch(base + "/sparql", params=[("query", query)], **kwargs)


def count_over_http(base: str) -> int:
    reply = get(base, COUNT, headers={"Accept": "text/csv"})
    assert reply.status == 200, reply.text
    return int(list(csv.reader(io.StringIO(reply.text)))[1][0])






# --------------------------------------------------------------------------- updates are refused


def _update_attempts(base: str, target: str) -> list[tuple[str, Reply]]:
    load = f"LOAD <{target}/data.ttl> INTO GRAPH <urn:x:g>"
    return [
        ("update= on GET", fetch(base + "/sparql", params=[("update", INSERT)])),
        ("update= in a form", form(base, [("update", INSERT)])),
        ("update= beside a query", form(base, [("query", COUNT), ("update", INSERT)])),
        ("update= in the URL of a direct POST", direct(base, COUNT, params=[("update", INSERT)])),
        ("application/sparql-update body", direct(base, INSERT, "application/sparql-update")),
        ("sparql-update with charset", direct(base, INSERT, "application/sparql-update; charset=utf-8")),
        ("INSERT DATA as query (GET)", get(base, INSERT)),
        ("INSERT DATA as query (form)", form(base, [("query", INSERT)])),
        ("INSERT DATA as query (direct)", direct(base, INSERT)),
        ("DELETE WHERE as query", get(base, "DELETE WHERE { ?s ?p ?o }")),
        ("DROP ALL as query", get(base, "DROP ALL")),
        ("CLEAR DEFAULT as query", direct(base, "CLEAR DEFAULT")),
        ("LOAD as query", get(base, load)),
        ("LOAD as update", direct(base, load, "application/sparql-update")),
        ("prologue then update", get(base, "PREFIX x: <urn:x:>\nINSERT DATA { x:s x:p x:o }")),
        ("update with comments", get(base, "# harmless\nDROP SILENT GRAPH <urn:x:g>")),
    ]


def test_every_kind_of_update_is_refused_and_the_data_is_untouched(live_server, seed_settings, listener):
    before_http = count_over_http(live_server.url)
    before_store = len(Store.read_only(seed_settings.store))
    target = f"http://127.0.0.1:{listener.getsockname()[1]}"
    for what, reply in _update_attempts(live_server.url, target):
        assert 400 <= reply.status < 500, f"{what}: {reply.status} {reply.text}"
        assert "read-only" in reply.text, f"{what}: {reply.text}"
        assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert count_over_http(live_server.url) == before_http
    assert len(Store.read_only(seed_settings.store)) == before_store
    ask = get(live_server.url, "ASK { GRAPH <urn:x:g> { ?s ?p ?o } }", headers={"Accept": JSON})
    assert json.loads(ask.body)["boolean"] is False
    assert_no_connection(listener)


# --------------------------------------------------------------------------- nothing connects out


def test_service_is_refused_and_nothing_connects_out(live_server, listener):
    target = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    queries = [
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
        f"select * where {{ ?x ?y ?z OPTIONAL {{ service <{target}> {{ ?s ?p ?o }} }} }} LIMIT 1",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ BIND(<{target}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"PREFIX e: <{target}#>\nSELECT * WHERE {{ SERVICE e: {{ ?s ?p ?o }} }}",
        # SERVICE spelt with a \\u escape
        f"SELECT * WHERE {{ \\u0053ERVICE <{target}> {{ ?s ?p ?o }} }}",
    ]
    for query in queries:
        url = live_server.url
        for reply in (get(url, query), form(url, [("query", query)]), direct(url, query)):
            assert reply.status == 403, f"{query}: {reply.status} {reply.text}"
            assert "SERVICE" in reply.text
    assert_no_connection(listener)


def test_escape_comment_and_case_tricks_over_http(live_server, listener):
    target = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    refused = {
        f"SELECT * {{ \\u0053ERVICE <{target}> {{ ?s ?p ?o }} }}": "SERVICE",
        f"SELECT * {{ SeRvIcE <{target}> {{ ?s ?p ?o }} }}": "SERVICE",
        f"PREFIX : <{target}#>\nSELECT * {{ SERVICE:x {{ ?s ?p ?o }} }}": "SERVICE",
        "INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }": "read-only",
        f"LoAd <{target}>": "read-only",
        "DELETE WHERE { ?s ?p ?o }": "read-only",
        "\\u0044ROP ALL": "read-only",
    }
    for query, said in refused.items():
        reply = get(live_server.url, query)
        assert reply.status == 403 and said in reply.text, f"{query}: {reply.status} {reply.text}"
    # a comment splits a token: two words, which the engine answers as a syntax error
    split = get(live_server.url, f"SELECT * {{ SERV#c\nICE <{target}> {{ ?s ?p ?o }} }}")
    assert split.status == 400 and "line 2" in split.text, split.text
    harmless = {  # the keyword inside a string or an IRI is only text
        f'SELECT ?o {{ VALUES ?o {{ "SERVICE <{target}> {{}}" }} }}': "SERVICE <",
        "SELECT ?o { VALUES ?o { <urn:x:SERVICE> } }": "urn:x:SERVICE",
    }
    for query, seen in harmless.items():
        reply = get(live_server.url, query, headers={"Accept": JSON})
        assert reply.status == 200 and seen in reply.text, f"{query}: {reply.status} {reply.text}"
    assert_no_connection(listener)


# --------------------------------------------------------------------------- the time limit


def test_a_runaway_query_is_stopped_while_others_are_served(live_server):
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        outcome["reply"] = direct(live_server.url, CARTESIAN, timeout=60)
        outcome["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    try:
        assert wait_for_a_running_child(live_server)  # the runaway query is computing now
        small_started = time.monotonic()
        small = get(live_server.url, "ASK { ?s ?p ?o }",
                    headers={"Accept": "application/sparql-results+json"})
        small_elapsed = time.monotonic() - small_started
        assert small.status == 200 and json.loads(small.body)["boolean"] is True
        assert small_elapsed < 2.0, f"a small query waited {small_elapsed:.2f} s behind the runaway one"
    finally:
        thread.join(60)
    reply = outcome["reply"]
    assert isinstance(reply, Reply)
    assert reply.status == 503, reply.text
    assert "time limit" in reply.text and "3 s" in reply.text
    assert LIVE_TIMEOUT - 0.1 <= outcome["elapsed"] <= LIVE_TIMEOUT + 2, outcome["elapsed"]
    # the stopped worker was replaced: the endpoint still answers
    assert count_over_http(live_server.url) > 0


# --------------------------------------------------------------------------- syntax errors


def form_query(base: str, query: str, **kwargs) -> Reply:  # noqa: ANN003
    return form(base, [("query", query)], **kwargs)


SENDERS = {"GET": get, "form": form_query, "direct": direct}


@pytest.mark.parametrize("send", list(SENDERS))
@pytest.mark.parametrize("accept", ["text/plain", JSON])
def test_a_syntax_error_is_a_400_with_the_parsers_message_and_position(live_server, send, accept):
    query = "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nSELECT ?s WHERE {\n  ?s foaf:name }"
    reply = SENDERS[send](live_server.url, query, headers={"Accept": accept})
    assert reply.status == 400
    assert "syntax error" in reply.text and "Expected" in reply.text  # the parser's own words
    assert re.search(r"line 3, column \d+", reply.text), reply.text


def test_an_undeclared_prefix_is_a_400_naming_it(live_server):
    reply = get(live_server.url, "SELECT * WHERE {\n  ?s nope:p ?o }")
    assert reply.status == 400
    assert "nope:" in reply.text and "line 2" in reply.text


@pytest.mark.parametrize(("fields", "status"), [
    ([], 200),  # no query: the service description, not an error
    ([("query", "")], 400),
    ([("query", "  \n ")], 400),
    ([("query", "ASK {}"), ("query", "ASK {}")], 400),
])
def test_missing_empty_or_repeated_query(live_server, fields, status):
    reply = form(live_server.url, fields, headers={"Accept": "application/sparql-results+json"})
    assert reply.status == status, reply.text


def test_a_post_of_another_media_type_is_415(live_server):
    reply = direct(live_server.url, "ASK {}", "text/plain")
    assert reply.status == 415
    assert "application/sparql-query" in reply.text


def test_a_query_not_in_utf8_is_a_400(live_server):
    reply = direct(live_server.url, "ASK { ?s ?p \"caf\xe9\" }".encode("latin-1"))
    assert reply.status == 400


def test_a_direct_post_with_query_in_the_url_too_is_a_400(live_server):
    reply = direct(live_server.url, "ASK {}", params=[("query", "ASK {}")])
    assert reply.status == 400


# --------------------------------------------------------------------------- size caps


def test_a_huge_post_is_413(live_server):
    limit = Settings().max_request_bytes
    huge = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (limit + 10)
    for reply in (direct(live_server.url, huge), form(live_server.url, [("query", huge)])):
        assert reply.status == 413, reply.status
        assert str(limit) in reply.text
    assert count_over_http(live_server.url) > 0


def test_a_huge_get_is_refused(live_server):
    reply = get(live_server.url, "SELECT * WHERE { ?s ?p ?o } #" + "x" * 70_000)
    assert reply.status == 414


def test_the_size_caps_through_the_app(client, seed_settings):
    limit = seed_settings.max_request_bytes
    too_long = "#" + "x" * limit
    assert client.post("/sparql", data=too_long, content_type="application/sparql-query").status_code == 413
    assert client.post("/sparql", data={"query": "#" + "x" * limit}).status_code == 413
    assert client.get("/sparql", query_string={"query": "#" + "x" * 70_000}).status_code == 414


# --------------------------------------------------------------------------- the row cap


def test_the_row_cap_cuts_and_says_so(seed_settings, seed_store):
    from conftest import start_live_server, stop_live_server

    server = start_live_server(seed_settings.store, extra_env={"TNMT_KG_MAX_ROWS": "5"})
    try:
        everything = "SELECT * WHERE { ?s ?p ?o }"
        as_json = get(server.url, everything, headers={"Accept": JSON})
        assert as_json.status == 200
        assert as_json.headers["X-Result-Truncated"] == "true; limit=5"
        document = json.loads(as_json.body)
        assert len(document["results"]["bindings"]) == 5
        assert document["truncated"] is True and "5 rows" in document["warning"]
        assert as_json.text.index('"warning"') < as_json.text.index('"results"')  # seen first
        for accept in ("text/csv", "text/tab-separated-values"):
            reply = get(server.url, everything, headers={"Accept": accept})
            assert reply.headers["X-Result-Truncated"] == "true; limit=5"
            assert len(reply.text.strip().splitlines()) == 1 + 5
        xml = get(server.url, everything, headers={"Accept": "application/sparql-results+xml"})
        assert xml.headers["X-Result-Truncated"] == "true; limit=5" and xml.text.count("<result>") == 5
        constructed = get(server.url, "CONSTRUCT WHERE { ?s ?p ?o }",
                          headers={"Accept": "application/n-triples"})
        assert constructed.headers["X-Result-Truncated"] == "true; limit=5"
        assert len(list(parse(constructed.body, RdfFormat.N_TRIPLES))) == 5
        # a result within the cap is not marked
        small = get(server.url, "SELECT * WHERE { ?s ?p ?o } LIMIT 5", headers={"Accept": JSON})
        assert "X-Result-Truncated" not in small.headers and "truncated" not in json.loads(small.body)
        assert len(seed_store) > 5
    finally:
        stop_live_server(server)
    assert server.process.poll() is not None
