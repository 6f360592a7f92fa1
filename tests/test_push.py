"""`tnmt-kg push` to a live Virtuoso, `serve --endpoint` on it, and scripts/virtuoso.sh.

An empty Virtuoso is started on free loopback ports in a temporary folder (the pattern of
tests/test_virtuoso.py, whose settings file it shares); the seed store is pushed into it through
the Graph Store Protocol (``/sparql-graph-crud-auth``) or SPARQL Update (``/sparql-auth``), both
behind HTTP Digest authentication as Virtuoso's ``dba``.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import subprocess
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TEST_ENV, free_port
from pyoxigraph import BlankNode, Store
from test_virtuoso import need_virtuoso, running_virtuoso

from kg.cli import main
from kg.config import PROJECT_ROOT, Settings

FOREIGN_GRAPH = "urn:someone-else:graph"
SCRIPT = PROJECT_ROOT / "scripts" / "virtuoso.sh"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty Virtuoso; yields its base URL (http://127.0.0.1:PORT) and stops it after."""
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso-push")) as instance:
        base = instance.base
        yield base


def _run(base: str, sql: str) -> None:
    """A SPARQL Update as dba (HTTP Digest), for the test's own set-up."""
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, base, "dba", "dba")
    opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))
    data = urllib.parse.urlencode({"update": sql}).encode()
    with opener.open(urllib.request.Request(base + "/sparql-auth", data=data), timeout=30):
        pass


def _select(base: str, query: str) -> list[dict]:
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(base + "/sparql", data=data,
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["results"]["bindings"]


def engine_counts(base: str) -> dict[str, int]:
    """Triples per graph on the engine: the project's graphs, the foreign one and any temporary
    graph of a push (Virtuoso's own graphs left out)."""
    rows = _select(base, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                         "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/tnmt-kg/') "
                         "|| STRSTARTS(STR(?g), 'urn:')) } GROUP BY ?g")
    return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}


def store_counts(store: Store) -> dict[str, int]:
    return {g.value: sum(1 for _ in store.quads_for_pattern(None, None, None, g))
            for g in store.named_graphs()}


def push(settings: Settings, base: str, *extra: str, gsp: bool = True, password: str = "dba"):  # noqa: ANN201
    args = ["push", "--store", settings.store, "--endpoint", base + "/sparql-auth",
            "--user", "dba", "--password", password, *extra]
    if gsp:
        args += ["--graph-store", base + "/sparql-graph-crud-auth"]
    return CliRunner().invoke(main, args)


def test_push_copies_every_graph_and_leaves_other_graphs_alone(engine: str, seed_settings: Settings,
                                                                 seed_store: Store) -> None:
    _run(engine, f"INSERT DATA {{ GRAPH <{FOREIGN_GRAPH}> {{ <urn:x:a> <urn:x:p> 'kept' }} }}")
    result = push(seed_settings, engine)
    assert result.exit_code == 0, result.output
    expected = store_counts(seed_store)
    assert len(expected) >= 2  # the ontology and the seed source at least
    assert engine_counts(engine) == {**expected, FOREIGN_GRAPH: 1}
    assert "pushed" in result.output and "graphs" in result.output


def test_push_again_is_idempotent_and_leaves_no_temporary_graph(engine: str, seed_settings: Settings,
                                                                  seed_store: Store) -> None:
    assert push(seed_settings, engine).exit_code == 0
    first = engine_counts(engine)
    result = push(seed_settings, engine)
    assert result.exit_code == 0, result.output
    assert engine_counts(engine) == first
    assert first[FOREIGN_GRAPH] == 1
    assert not [g for g in first if g.startswith("urn:tnmt-kg:push:")]


def test_small_batches_keep_blank_nodes_together(engine: str, seed_settings: Settings,
                                                 seed_store: Store) -> None:
    # Blank nodes are scoped to one request: triples sharing one must travel in the same batch.
    result = push(seed_settings, engine, "--batch-size", "7")
    assert result.exit_code == 0, result.output
    expected_blank_nodes = {q.subject.value for q in seed_store if isinstance(q.subject, BlankNode)}
    rows = _select(engine, "SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { GRAPH ?g { ?b ?p ?o } "
                           "FILTER(isBlank(?b) && STRSTARTS(STR(?g), 'https://w3id.org/tnmt-kg/')) }")
    assert int(rows[0]["n"]["value"]) == len(expected_blank_nodes)
    assert {k: v for k, v in engine_counts(engine).items() if k != FOREIGN_GRAPH} == store_counts(seed_store)


def test_push_by_sparql_update_without_graph_store(engine: str, seed_settings: Settings,
                                                   seed_store: Store) -> None:
    result = push(seed_settings, engine, "--batch-size", "100", gsp=False)
    assert result.exit_code == 0, result.output
    assert "SPARQL Update" in result.output
    assert {k: v for k, v in engine_counts(engine).items() if k != FOREIGN_GRAPH} == store_counts(seed_store)


def test_a_project_graph_the_store_no_longer_has_is_dropped(engine: str, seed_settings: Settings) -> None:
    stale = "https://w3id.org/tnmt-kg/graph/load/gone"
    _run(engine, f"INSERT DATA {{ GRAPH <{stale}> {{ <urn:x:a> <urn:x:p> 'old' }} }}")
    result = push(seed_settings, engine)
    assert result.exit_code == 0, result.output
    assert f"dropped <{stale}>" in result.output
    counts = engine_counts(engine)
    assert stale not in counts and counts[FOREIGN_GRAPH] == 1


def test_wrong_password_is_a_clear_error_and_changes_nothing(engine: str, seed_settings: Settings) -> None:
    assert push(seed_settings, engine).exit_code == 0
    before = engine_counts(engine)
    for gsp in (True, False):
        result = push(seed_settings, engine, password="not-the-password", gsp=gsp)
        assert result.exit_code == 1
        assert "HTTP 401" in result.output and "wrong --user/--password" in result.output
        assert "/sparql-auth" in result.output
    assert engine_counts(engine) == before


def test_gsp_refusal_names_the_graph_and_status_and_changes_nothing(engine: str,
                                                                    seed_settings: Settings) -> None:
    # Query and update accepted, uploads refused: the failure comes mid-push, after the checks.
    before = engine_counts(engine)
    result = push(seed_settings, engine, "--graph-store", engine + "/no-such-graph-store", gsp=False)
    assert result.exit_code == 1
    assert "uploading batch 1 of <https://w3id.org/tnmt-kg/graph/" in result.output
    assert re.search(r"answered HTTP [45]\d\d", result.output)  # Virtuoso: 501 for an unknown path
    assert "graphs are unchanged" in result.output
    assert engine_counts(engine) == before


def test_unreachable_endpoint_is_a_clear_error(seed_settings: Settings) -> None:
    port = free_port()  # nothing listens there
    result = CliRunner().invoke(main, ["push", "--store", seed_settings.store,
                                       "--endpoint", f"http://127.0.0.1:{port}/sparql"])
    assert result.exit_code == 1
    assert "cannot reach the engine" in result.output and str(port) in result.output


def test_redirects_are_not_followed(seed_settings: Settings) -> None:
    seen: list[str] = []

    class Redirecting(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            seen.append(self.path)
            self.send_response(307)
            self.send_header("Location", "http://elsewhere.invalid/sparql")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = CliRunner().invoke(main, ["push", "--store", seed_settings.store, "--endpoint",
                                           f"http://127.0.0.1:{server.server_address[1]}/sparql"])
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 1
    assert "redirecting to http://elsewhere.invalid/sparql" in result.output
    assert seen == ["/sparql"]


def test_serve_endpoint_answers_from_the_pushed_graph(engine: str, seed_settings: Settings,
                                                      tmp_path: Path) -> None:
    from server.app import create_app

    assert push(seed_settings, engine).exit_code == 0
    settings = Settings.load(env=TEST_ENV, overrides={
        "sparql_backend": "remote", "remote_endpoint": engine + "/sparql", "query_timeout": 20,
        "store": str(tmp_path / "no-store")})
    app = create_app(settings, {"TESTING": True})
    try:
        response = app.test_client().get("/sparql", query_string={"query": (
            "PREFIX org: <http://www.w3.org/ns/org#> SELECT ?m WHERE { ?m org:role "
            "<https://w3id.org/tnmt-kg/role/truong-khoi> }")},
            headers={"Accept": "application/sparql-results+json"})
    finally:
        app.extensions["tnmt_kg"].close()
    assert response.status_code == 200
    memberships = {b["m"]["value"].rsplit("/", 1)[1] for b in response.get_json()["results"]["bindings"]}
    assert "cuc-vien-tham-quoc-gia--truong-khoi--khoi-thi-dua-so-iv--2021" in memberships


# --- scripts/virtuoso.sh ---------------------------------------------------------------------

def test_virtuoso_script_starts_reports_and_stops(tmp_path: Path) -> None:
    need_virtuoso()
    if not (Path("/usr/bin/setsid").exists() or Path("/bin/setsid").exists()):
        pytest.skip("setsid (util-linux) is needed by scripts/virtuoso.sh")
    http_port = free_port()
    env = {**os.environ, "VAR_DIR": str(tmp_path / "var"), "VIRTUOSO_HTTP_PORT": str(http_port),
           "VIRTUOSO_SQL_PORT": str(free_port())}

    def script(command: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", str(SCRIPT), command], env=env, capture_output=True,
                              text=True, timeout=90)

    endpoint = f"http://127.0.0.1:{http_port}/sparql"
    try:
        started = script("start")
        assert started.returncode == 0, started.stderr
        assert started.stdout.strip() == endpoint
        assert (tmp_path / "var" / "virtuoso" / "virtuoso.ini").read_text().count("127.0.0.1:") == 2
        with urllib.request.urlopen(endpoint + "?query=ASK%7B%7D", timeout=10) as response:
            assert response.status == 200
        status = script("status")
        assert status.returncode == 0 and "runs" in status.stdout and endpoint in status.stdout
    finally:
        stopped = script("stop")
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    after = script("status")
    assert after.returncode == 3 and "not running" in after.stdout
