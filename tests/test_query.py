"""The query service: formats, datasets, bindings, caps, refusals, deadlines, reloads.

Every test that starts a service stops it (the fixtures use ``with``), and checks that rely
on processes being gone look at ``/proc``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import socket
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import TEST_ENV
from pyoxigraph import (
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    parse,
    parse_query_results,
)
from support import assert_no_connection

from kg.config import Settings
from kg.errors import (
    BadInput,
    KGError,
    NotAcceptable,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    StoreMissing,
)
from kg.formats import GRAPH_FORMATS, RESULTS_FORMATS
from kg.query import QueryService, check_query, result_format
from kg.vocab import PREFIXES

EX = "http://example.org/"
GRAPH_A = EX + "graph/a"
GRAPH_B = EX + "graph/b"
ITEMS_A = 1000  # two triples each in graph A
ITEMS_B = 1000  # one triple each in graph B
TOTAL = 2 * ITEMS_A + ITEMS_B + 1  # and one triple in the default graph
PROLOGUE = f"PREFIX ex: <{EX}>\n"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SRX = "{http://www.w3.org/2005/sparql-results#}"


def ex(name: str) -> NamedNode:
    return NamedNode(EX + name)


def build_store(path: Path, *, marker: str = "first") -> None:
    """A store of a few thousand triples in two named graphs and the default graph."""
    store = Store(str(path))
    quads = []
    for i in range(ITEMS_A):
        quads.append(Quad(ex(f"a{i}"), ex("label"), Literal(f"item a{i}"), NamedNode(GRAPH_A)))
        quads.append(Quad(ex(f"a{i}"), ex("value"), Literal(i), NamedNode(GRAPH_A)))
    for i in range(ITEMS_B):
        quads.append(Quad(ex(f"b{i}"), ex("value"), Literal(i), NamedNode(GRAPH_B)))
    quads.append(Quad(ex("marker"), ex("label"), Literal(marker)))
    store.extend(quads)
    store.flush()
    del store


def settings_for(store: str | Path, **overrides: object) -> Settings:
    values = {"store": str(store), "query_timeout": 10.0, "max_rows": 10000, "query_workers": 2}
    values.update(overrides)
    return Settings.load(env=TEST_ENV, overrides=values)


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie (reaping can lag a little)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_until(condition: Callable[[], bool], within: float = 10.0) -> bool:
    """Poll ``condition`` until it holds (no fixed sleep standing in for a state)."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def wait_gone(pids: list[int], within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while any(alive(p) for p in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("query") / "store"
    build_store(path)
    return path


@contextlib.contextmanager
def running_service(store_path: Path) -> Iterator[QueryService]:
    """A started service whose worker processes are checked gone after it closes."""
    svc = QueryService(settings_for(store_path)).start()
    try:
        yield svc
    finally:
        pids = svc.worker_pids()
        svc.close()
        assert wait_gone(pids), "worker processes outlived close()"


@pytest.fixture(scope="module")
def service(store_path: Path) -> Iterator[QueryService]:
    with running_service(store_path) as svc:
        yield svc


@pytest.fixture()
def own_service(store_path: Path) -> Iterator[QueryService]:
    """A service of its own, for tests that kill workers."""
    with running_service(store_path) as svc:
        yield svc


def count(svc: QueryService, query: str = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", **kw) -> int:
    return int(svc.select_rows(query, **kw)[0]["n"].value)


# ------------------------------------------------------------------ formats


@pytest.mark.parametrize("fmt", RESULTS_FORMATS, ids=lambda f: f.file_extension)
def test_select_in_every_results_format(service: QueryService, fmt: QueryResultsFormat) -> None:
    query = PROLOGUE + "SELECT ?s ?value { ?s ex:value ?value FILTER(?value < 3) } ORDER BY ?s"
    result = service.run(query, result_format=fmt)
    assert (result.form, result.row_count, result.truncated) == ("SELECT", 6, False)
    assert result.media_type == fmt.media_type.split(";")[0]
    if fmt == QueryResultsFormat.JSON:
        bindings = json.loads(result.body)["results"]["bindings"]
        rows = [(b["s"]["value"], b["value"]["value"]) for b in bindings]
        assert bindings[0]["value"]["datatype"].endswith("#integer")
    elif fmt == QueryResultsFormat.XML:
        solutions = [
            {b.get("name"): b[0].text for b in r.iter(f"{SRX}binding")}
            for r in ET.fromstring(result.body).iter(f"{SRX}result")
        ]
        rows = [(s["s"], s["value"]) for s in solutions]
    elif fmt == QueryResultsFormat.CSV:
        table = list(csv.reader(io.StringIO(result.body.decode())))
        assert table[0] == ["s", "value"]
        rows = [tuple(r) for r in table[1:]]
    else:
        parsed = parse_query_results(result.body, QueryResultsFormat.TSV)
        rows = [(r["s"].value, r["value"].value) for r in parsed]
    assert sorted(rows) == sorted((EX + f"{k}{i}", str(i)) for k in "ab" for i in range(3))


@pytest.mark.parametrize("fmt", RESULTS_FORMATS, ids=lambda f: f.file_extension)
def test_ask_in_every_results_format(service: QueryService, fmt: QueryResultsFormat) -> None:
    for query, expected in (
        (PROLOGUE + "ASK { ex:a1 ex:value 1 }", True),
        ("ASK { <urn:x:none> ?p ?o }", False),
    ):
        body = service.run(query, result_format=fmt).body
        if fmt == QueryResultsFormat.JSON:
            assert json.loads(body)["boolean"] is expected
        elif fmt == QueryResultsFormat.XML:
            assert ET.fromstring(body).find(f"{SRX}boolean").text == str(expected).lower()
        else:
            assert body.decode().strip().splitlines()[-1] == str(expected).lower()
    assert service.ask(PROLOGUE + "ASK { ex:a1 ex:value 1 }") is True


@pytest.mark.parametrize("fmt", GRAPH_FORMATS, ids=lambda f: f.file_extension)
def test_construct_in_every_rdf_format(service: QueryService, fmt: RdfFormat) -> None:
    query = PROLOGUE + f"CONSTRUCT {{ ?s ex:value ?v }} WHERE {{ GRAPH <{GRAPH_A}> {{ ?s ex:value ?v }} }}"
    result = service.run(query, result_format=fmt)
    assert (result.form, result.row_count, result.truncated) == ("CONSTRUCT", ITEMS_A, False)
    quads = list(parse(result.body, fmt))
    assert len(quads) == ITEMS_A
    assert Quad(ex("a7"), ex("value"), Literal(7)) in quads
    if fmt == RdfFormat.TURTLE:
        assert f"@prefix tnmt: <{PREFIXES['tnmt']}>".encode() in result.body
    if fmt == RdfFormat.JSON_LD:
        document = json.loads(result.body)
        # Self-contained: no @context at all, so none that is fetched from elsewhere.
        assert "@context" not in result.body.decode()
        assert isinstance(document, list | dict)


def test_describe_and_construct_quads(service: QueryService) -> None:
    result = service.run(PROLOGUE + "DESCRIBE ex:a3", result_format=RdfFormat.N_TRIPLES)
    assert result.form == "DESCRIBE" and result.row_count == 2
    quads = service.construct_quads(PROLOGUE + "CONSTRUCT WHERE { ex:a3 ?p ?o }")
    assert sorted(str(q.object) for q in quads) == sorted(['"item a3"', str(Literal(3))])


def test_a_format_that_does_not_fit_the_form_is_not_acceptable(service: QueryService) -> None:
    with pytest.raises(NotAcceptable):
        service.run("SELECT * {}", result_format=RdfFormat.TURTLE)
    with pytest.raises(NotAcceptable):
        service.run("CONSTRUCT WHERE { ?s ?p ?o }", result_format=QueryResultsFormat.JSON)
    with pytest.raises(NotAcceptable):
        result_format("CONSTRUCT", "text/n3")
    assert result_format("ASK", "application/sparql-results+xml") == QueryResultsFormat.XML


# ------------------------------------------------------------------ datasets and bindings


def test_default_graph_is_the_union_unless_graphs_are_given(service: QueryService) -> None:
    assert count(service) == TOTAL
    assert count(service, default_graph_uris=[GRAPH_A]) == 2 * ITEMS_A
    assert count(service, default_graph_uris=[GRAPH_A, NamedNode(GRAPH_B)]) == 2 * ITEMS_A + ITEMS_B
    # A query's own FROM names its default graph; the union does not override it.
    assert count(service, f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH_B}> {{ ?s ?p ?o }}") == ITEMS_B


def test_named_graph_uris_limit_graph_patterns(service: QueryService) -> None:
    query = "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    every = {r["g"].value: int(r["n"].value) for r in service.select_rows(query)}
    assert every == {GRAPH_A: 2 * ITEMS_A, GRAPH_B: ITEMS_B}
    only_b = {r["g"].value: int(r["n"].value) for r in service.select_rows(query, named_graph_uris=[GRAPH_B])}
    assert only_b == {GRAPH_B: ITEMS_B}
    with pytest.raises(BadInput):
        service.run(query, named_graph_uris=["not an iri"])


def test_substitutions_bind_a_hostile_string_as_a_plain_literal(service: QueryService) -> None:
    query = PROLOGUE + "SELECT ?s ?label { ?s ex:label ?label }"
    assert len(service.select_rows(query)) == ITEMS_A + 1
    hostile = Literal('x" } UNION { ?s ?p ?label } # ')
    rows = service.select_rows(query, substitutions={"label": hostile})
    assert rows == []  # no label equals the text: it stayed one literal
    rows = service.select_rows(query, substitutions={"label": Literal("item a5")})
    assert rows == [{"s": ex("a5"), "label": Literal("item a5")}]
    with pytest.raises(BadInput):
        service.run(query, substitutions={"label": 'x" } #'})  # text is no term


# ------------------------------------------------------------------ row cap


@pytest.mark.parametrize("fmt", RESULTS_FORMATS, ids=lambda f: f.file_extension)
def test_row_cap_truncates_select_to_exactly_max_rows(service: QueryService, fmt: QueryResultsFormat) -> None:
    result = service.run("SELECT ?s ?o { ?s ?p ?o }", max_rows=7, result_format=fmt)
    assert result.truncated and result.row_count == 7
    if fmt == QueryResultsFormat.JSON:
        rows = len(json.loads(result.body)["results"]["bindings"])
    elif fmt == QueryResultsFormat.XML:
        rows = len(list(ET.fromstring(result.body).iter(f"{SRX}result")))
    elif fmt == QueryResultsFormat.CSV:
        rows = len(list(csv.reader(io.StringIO(result.body.decode())))) - 1
    else:
        rows = len(list(parse_query_results(result.body, QueryResultsFormat.TSV)))
    assert rows == 7


def test_row_cap_is_not_reported_when_the_result_just_fits(service: QueryService) -> None:
    result = service.run("SELECT ?s { ?s ?p ?o } LIMIT 7", max_rows=7)
    assert (result.truncated, result.row_count) == (False, 7)


def test_row_cap_truncates_construct_and_defaults_to_the_setting(store_path: Path) -> None:
    with QueryService(settings_for(store_path, max_rows=25, query_workers=1)) as svc:
        construct = svc.run("CONSTRUCT WHERE { ?s ?p ?o }", max_rows=10, result_format=RdfFormat.N_TRIPLES)
        assert construct.truncated and construct.row_count == 10
        assert len(list(parse(construct.body, RdfFormat.N_TRIPLES))) == 10
        select = svc.run("SELECT * { ?s ?p ?o }")
        assert select.truncated and select.row_count == 25
        # A call may ask for fewer rows than the settings allow, never more.
        assert svc.run("SELECT * { ?s ?p ?o }", max_rows=1000).row_count == 25
        assert len(svc.select_rows("SELECT * { ?s ?p ?o }")) == 25


def test_a_large_body_crosses_the_pipe(service: QueryService) -> None:
    # Several chunks, each larger than a socket buffer: the reader must read as it waits.
    padded = "CONCAT(" + ", ".join(["STR(?s)"] * 10) + ")"
    query = f"SELECT ?s ?p ?o ({padded} AS ?padding) {{ ?s ?p ?o }}"
    result = service.run(query, result_format=QueryResultsFormat.XML)
    assert len(result.body) > 1_500_000 and result.row_count == TOTAL
    assert len(list(ET.fromstring(result.body).iter(f"{SRX}result"))) == TOTAL


# ------------------------------------------------------------------ refusals


def test_syntax_error_names_line_and_column(service: QueryService) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        service.run("SELECT *\nWHERE {\n  ?s ?p }")
    # pyoxigraph's own verdict and position (the checker is a tokenizer, not a parser)
    assert (caught.value.line, caught.value.column) == (3, 10)
    assert "line 3, column 10" in str(caught.value) and "Expected" in str(caught.value)
    with pytest.raises(QuerySyntaxError) as caught:
        service.run("SELECT * {\n ?s nope:p ?o }")
    assert (caught.value.line, caught.value.column) == (2, 5)
    assert "prefix nope: is not declared" in str(caught.value)
    # Caught by the engine rather than the checker: still a syntax error with a position.
    with pytest.raises(QuerySyntaxError) as caught:
        service.run("SELECT ?s (COUNT(*) AS ?n) {\n ?s ?p ?o }")
    assert caught.value.line == 2 and "unbound" in str(caught.value)


UPDATES = [
    'INSERT DATA { <urn:x:s> <urn:x:p> "new" }',
    'INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> "new" } }',
    f"DELETE DATA {{ GRAPH <{GRAPH_B}> {{ <{EX}b1> <{EX}value> 1 }} }}",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    'INSERT { ?s <urn:x:p> "new" } WHERE { ?s ?p ?o }',
    f"WITH <{GRAPH_A}> DELETE {{ ?s ?p ?o }} INSERT {{ ?s ?p 0 }} WHERE {{ ?s ?p ?o }}",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "LOAD SILENT <http://127.0.0.1:9/data.ttl> INTO GRAPH <urn:x:g>",
    "CLEAR ALL",
    "CLEAR DEFAULT",
    f"CLEAR GRAPH <{GRAPH_A}>",
    "DROP ALL",
    f"DROP SILENT GRAPH <{GRAPH_B}>",
    "DROP NAMED",
    "CREATE GRAPH <urn:x:g>",
    f"ADD <{GRAPH_A}> TO <{GRAPH_B}>",
    f"MOVE <{GRAPH_A}> TO DEFAULT",
    f"COPY DEFAULT TO <{GRAPH_A}>",
    "PREFIX ex: <http://example.org/>\ndrop all",
    'INSERT DATA { <urn:x:s> <urn:x:p> "a" } ; DROP ALL',
    "\\u0044ROP ALL",  # a keyword spelt with an escape
    "DROP GRAPH",  # malformed, but plainly an update
]


@pytest.mark.parametrize("update", UPDATES)
def test_every_update_form_is_refused(service: QueryService, update: str) -> None:
    with pytest.raises(QueryRefused, match="read-only"):
        service.run(update)
    with pytest.raises(QueryRefused, match="read-only"):
        check_query(update)


def test_refused_updates_leave_the_data_unchanged(service: QueryService) -> None:
    graphs = "SELECT DISTINCT ?g { GRAPH ?g {} }"
    before = (count(service), service.select_rows(graphs))
    for update in UPDATES + ["SELECT * {} ; DROP ALL"]:
        with pytest.raises((QueryRefused, QuerySyntaxError)):
            service.run(update)
    assert (count(service), service.select_rows(graphs)) == before == (TOTAL, before[1])


def service_queries(url: str) -> list[str]:
    return [
        f"SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}> {{ ?s ?q ?r }} }} }}",
        f"SELECT * {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * {{ {{ SELECT ?s {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * {{ ?s ?p ?o FILTER NOT EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * {{ ?s ?p ?o MINUS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"ASK {{ GRAPH ?g {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
        f"SELECT * {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * {{ service <{url}> {{ ?s ?p ?o }} }}",
    ]


def test_service_anywhere_is_refused_and_nothing_connects(
    service: QueryService, listener: socket.socket
) -> None:
    host, port = listener.getsockname()
    url = f"http://{host}:{port}/sparql"
    for query in service_queries(url):
        with pytest.raises(QueryRefused, match="federated queries are disabled"):
            service.run(query)
    for update in (f"LOAD <{url}>", f"LOAD SILENT <{url}> INTO GRAPH <urn:x:g>"):
        with pytest.raises(QueryRefused):
            service.run(update)
    assert_no_connection(listener)


def test_the_listener_would_see_a_leaked_service_call(listener: socket.socket) -> None:
    """Control for the test above: unchecked, pyoxigraph itself does call out."""
    host, port = listener.getsockname()

    def unchecked() -> None:
        try:
            list(Store().query(f"SELECT * {{ SERVICE <http://{host}:{port}/sparql> {{ ?s ?p ?o }} }}"))
        except OSError:
            pass  # the listener hangs up on it

    thread = threading.Thread(target=unchecked)
    thread.start()
    conn, _ = listener.accept()  # raises TimeoutError if no call came
    conn.close()
    thread.join(10)
    assert not thread.is_alive()


# ------------------------------------------------------------------ deadlines and workers


def test_a_runaway_query_is_stopped_while_other_queries_are_served(own_service: QueryService) -> None:
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        try:
            own_service.run(CARTESIAN, timeout=1.0)
        except QueryTimeout as exc:
            outcome["error"] = exc
        finally:
            outcome["elapsed"] = time.monotonic() - started

    before = set(own_service.worker_pids())
    thread = threading.Thread(target=runaway)
    thread.start()
    assert wait_until(lambda: own_service.busy_workers() == 1)  # the runaway now holds one worker
    small = own_service.run(PROLOGUE + "SELECT ?v { ex:a1 ex:value ?v }")
    assert small.row_count == 1 and small.elapsed < 0.9
    assert thread.is_alive(), "the small query should have finished while the runaway ran"
    thread.join(10)
    assert isinstance(outcome.get("error"), QueryTimeout)
    assert 1.0 <= outcome["elapsed"] < 3.0
    # The worker that ran it is gone, a fresh one took its place, and the service recovers.
    after = set(own_service.worker_pids())
    killed = before - after
    assert len(killed) == 1 and len(after) == 2
    assert wait_gone(list(killed))
    assert count(own_service) == TOTAL
    assert own_service.ask("ASK { ?s ?p ?o }")


def test_timeouts_in_a_row_each_recover(own_service: QueryService) -> None:
    for _ in range(2):
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            own_service.run(CARTESIAN, timeout=0.5)
        assert time.monotonic() - started < 2.5
        assert count(own_service) == TOTAL


def test_callers_wait_for_a_free_worker(store_path: Path) -> None:
    with QueryService(settings_for(store_path, query_workers=1)) as svc:
        results: list[int] = []

        def query() -> None:
            results.append(count(svc))

        threads = [threading.Thread(target=query) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
        assert results == [TOTAL] * 6
        # With the only worker busy past the caller's deadline, the wait itself times out.
        blocked: list[Exception] = []

        def runaway() -> None:
            try:
                svc.run(CARTESIAN, timeout=1.5)
            except QueryTimeout as exc:
                blocked.append(exc)

        blocker = threading.Thread(target=runaway)
        blocker.start()
        assert wait_until(lambda: svc.busy_workers() == 1)
        with pytest.raises(QueryTimeout, match="no query worker became free"):
            svc.run("ASK {}", timeout=0.3)
        blocker.join(10)
        assert len(blocked) == 1
        assert svc.ask("ASK { ?s ?p ?o }")


def test_bad_call_options_are_refused(service: QueryService) -> None:
    with pytest.raises(BadInput):
        service.run("ASK {}", timeout=0)
    with pytest.raises(BadInput):
        service.run("ASK {}", max_rows=0)
    with pytest.raises(BadInput, match="expected a SELECT"):
        service.select_rows("ASK {}")
    with pytest.raises(BadInput, match="projection"):
        # pyoxigraph can only substitute a variable the SELECT projects.
        service.run("SELECT ?s { ?s ?p ?o }", substitutions={"o": Literal("x")})


def test_close_during_a_query_stops_it(store_path: Path) -> None:
    svc = QueryService(settings_for(store_path, query_workers=1)).start()
    pids = svc.worker_pids()
    caught: list[Exception] = []

    def runaway() -> None:
        try:
            svc.run(CARTESIAN)
        except KGError as exc:
            caught.append(exc)

    thread = threading.Thread(target=runaway)
    thread.start()
    assert wait_until(lambda: svc.busy_workers() == 1)
    svc.close()
    thread.join(5)
    assert not thread.is_alive()
    assert len(caught) == 1 and "closed" in str(caught[0])
    assert wait_gone(pids) and svc.worker_pids() == []


def test_fork_start_method_works_too(store_path: Path) -> None:
    svc = QueryService(settings_for(store_path, query_workers=1), start_method="fork").start()
    pids = svc.worker_pids()
    try:
        assert count(svc) == TOTAL
        with pytest.raises(QueryTimeout):
            svc.run(CARTESIAN, timeout=0.5)
        assert count(svc) == TOTAL
        pids += svc.worker_pids()
    finally:
        svc.close()
    assert wait_gone(pids)


def test_close_stops_every_worker(store_path: Path) -> None:
    svc = QueryService(settings_for(store_path, query_workers=3)).start()
    pids = svc.worker_pids()
    try:
        assert len(pids) == 3 and all(alive(p) for p in pids)
    finally:
        svc.close()
    assert wait_gone(pids)
    with pytest.raises(KGError, match="closed"):
        svc.run("ASK {}")


# ------------------------------------------------------------------ the store's life


def swap_symlink(link: Path, target: Path) -> None:
    """Point ``link`` at ``target`` atomically, as the build does."""
    tmp = link.with_name(link.name + ".new")
    os.symlink(target, tmp)
    os.replace(tmp, link)


def test_a_swapped_store_symlink_is_seen_before_the_next_query(tmp_path: Path) -> None:
    build_store(tmp_path / "build-1", marker="first")
    build_store(tmp_path / "build-2", marker="second")
    link = tmp_path / "store"
    swap_symlink(link, tmp_path / "build-1")
    marker = PROLOGUE + "SELECT ?m { ex:marker ex:label ?m }"
    with QueryService(settings_for(link)) as svc:
        assert svc.select_rows(marker) == [{"m": Literal("first")}]
        old = svc.worker_pids()
        swap_symlink(link, tmp_path / "build-2")
        assert svc.select_rows(marker) == [{"m": Literal("second")}]
        assert wait_gone(old)  # the old generation was stopped
        swap_symlink(link, tmp_path / "build-1")
        svc.reload()
        assert svc.select_rows(marker) == [{"m": Literal("first")}]
        assert len(svc.worker_pids()) == 2


def test_missing_store_raises_store_missing(tmp_path: Path) -> None:
    with pytest.raises(StoreMissing) as caught:
        QueryService(settings_for(tmp_path / "nowhere")).start()
    assert caught.value.where == str(tmp_path / "nowhere")
    os.symlink(tmp_path / "gone", tmp_path / "dangling")
    with pytest.raises(StoreMissing):
        QueryService(settings_for(tmp_path / "dangling")).run("ASK {}")
    (tmp_path / "empty").mkdir()
    with pytest.raises(StoreMissing):
        QueryService(settings_for(tmp_path / "empty")).start()


def test_a_store_removed_under_a_running_service_is_missing(tmp_path: Path) -> None:
    build_store(tmp_path / "build-1")
    link = tmp_path / "store"
    swap_symlink(link, tmp_path / "build-1")
    with QueryService(settings_for(link, query_workers=1)) as svc:
        assert svc.ask("ASK { ?s ?p ?o }")
        link.unlink()
        with pytest.raises(StoreMissing):
            svc.ask("ASK { ?s ?p ?o }")


# ------------------------------------------------------------------ remote backend


class _Endpoint(BaseHTTPRequestHandler):
    """A SPARQL 1.1 Protocol endpoint over an in-memory store, for the remote backend."""

    store: Store
    seen: list[dict[str, str]]

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        form = urllib.parse.parse_qs(body)
        query = form["query"][0]
        self.seen.append({"query": query, "path": self.path, "form": form, **dict(self.headers)})
        if "#slow" in query:
            time.sleep(1.5)
        if "#bad" in query:
            return self._answer(400, "text/plain", b"Parse error: line 1")
        result = self.store.query(query, use_default_graph_as_union=True)
        if isinstance(result, QuerySolutions | QueryBoolean):
            body = result.serialize(format=QueryResultsFormat.JSON)
            return self._answer(200, "application/sparql-results+json", body)
        body = result.serialize(format=RdfFormat.N_TRIPLES)
        return self._answer(200, "application/n-triples", body)

    def _answer(self, status: int, media_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def remote() -> Iterator[tuple[QueryService, list[dict[str, str]]]]:
    store = Store()
    store.extend(Quad(ex(f"r{i}"), ex("value"), Literal(i), NamedNode(GRAPH_A)) for i in range(50))
    seen: list[dict[str, str]] = []
    handler = type("Endpoint", (_Endpoint,), {"store": store, "seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
    settings = settings_for("/nonexistent", sparql_backend="remote", remote_endpoint=url, query_timeout=5.0)
    try:
        with QueryService(settings) as svc:
            yield svc, seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_remote_backend_speaks_the_protocol_and_caps_rows(remote) -> None:
    svc, seen = remote
    result = svc.run("SELECT ?s { ?s ?p ?o }", max_rows=5, result_format=QueryResultsFormat.CSV)
    assert result.truncated and result.row_count == 5
    assert len(list(csv.reader(io.StringIO(result.body.decode())))) == 6
    # form-encoded: the one POST every engine implements (Debian's Virtuoso 7.2 hangs on a direct POST)
    assert seen[-1]["Content-Type"] == "application/x-www-form-urlencoded"
    assert "application/sparql-results+json" in seen[-1]["Accept"]
    assert svc.ask("ASK { ?s ?p 3 }") is True
    quads = svc.construct_quads("CONSTRUCT WHERE { ?s ?p ?o }", max_rows=10)
    assert len(quads) == 10
    svc.run("SELECT * { ?s ?p ?o }", default_graph_uris=[GRAPH_A], named_graph_uris=[GRAPH_B])
    assert seen[-1]["form"]["default-graph-uri"] == [GRAPH_A]
    assert seen[-1]["form"]["named-graph-uri"] == [GRAPH_B]


def test_remote_backend_maps_errors(remote) -> None:
    svc, seen = remote
    with pytest.raises(QuerySyntaxError, match="400"):
        svc.run("SELECT * { ?s ?p ?o } #bad")
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        svc.run("SELECT * { ?s ?p ?o } #slow", timeout=0.5)
    assert time.monotonic() - started < 1.4
    hostile = Literal('x" } ; DROP ALL ; SELECT * { ?s ?p ?o')
    assert svc.select_rows("SELECT ?s ?o { ?s ?p ?o }", substitutions={"o": hostile}) == []
    assert 'VALUES (?o) { ("x\\" } ; DROP ALL' in seen[-1]["query"]  # bound as one escaped literal
    calls = len(seen)
    with pytest.raises(QueryRefused):
        svc.run("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    with pytest.raises(QueryRefused):
        svc.run("DROP ALL")
    assert len(seen) == calls  # refused before anything was sent


def test_remote_backend_reports_an_unreachable_endpoint(listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    listener.close()  # nothing listens there now
    settings = settings_for(
        "/nonexistent", sparql_backend="remote", remote_endpoint=f"http://127.0.0.1:{port}/"
    )
    with QueryService(settings) as svc, pytest.raises(KGError, match="cannot reach"):
        svc.run("ASK {}")
    with pytest.raises(BadInput):
        QueryService(settings.replace(remote_endpoint="file:///etc/passwd")).start()
