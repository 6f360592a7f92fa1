"""The app on an external SPARQL engine: Virtuoso, spoken to through the SPARQL 1.1 Protocol.

A Virtuoso server is started on free loopback ports in a temporary folder, bulk-loaded with the
seed graph's N-Quads export, and the app is created with the ``remote`` backend pointing at it.
The answers must be those of the embedded store (expected values from the article).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TEST_ENV, stop_process_group

from kg import virtuoso as kgvirtuoso
from kg.config import Settings
from kg.export import export_store
from kg.service_store import reads


def need_virtuoso() -> None:
    if kgvirtuoso.executables() is None:
        if os.environ.get("CI"):
            pytest.fail("Virtuoso is not installed: `make test` installs virtuoso-opensource-7-bin")
        pytest.skip("Virtuoso is not installed (make services)")


@contextlib.contextmanager
def running_virtuoso(root: Path) -> Iterator[kgvirtuoso.Instance]:
    """A Virtuoso in ``root`` on free loopback ports (kg.virtuoso), stopped on leaving."""
    need_virtuoso()
    instance = kgvirtuoso.configure(root)
    process = subprocess.Popen(kgvirtuoso.command(instance), cwd=root, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_for(instance.sparql, process)
        yield instance
    finally:
        stop_process_group(process, timeout=20)


@pytest.fixture(scope="module")
def virtuoso(seed_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Virtuoso holding the seed graph; yields its SPARQL endpoint URL and stops it after."""
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as instance:
        with reads(seed_settings) as graph:
            export_store(graph, "nquads", instance.load / "seed.nq")
        kgvirtuoso.bulk_load(instance, "seed.nq", timeout=120)
        yield instance.sparql


def _wait_for(endpoint: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("virtuoso exited at start-up")
        try:
            with urllib.request.urlopen(endpoint + "?query=ASK%7B%7D", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("virtuoso did not answer within 60 s")


@pytest.fixture(scope="module")
def remote_client(virtuoso: str, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    from server.app import create_app

    settings = Settings.load(env=TEST_ENV, overrides={
        "sparql_backend": "remote", "remote_endpoint": virtuoso, "query_timeout": 20,
        "store": str(tmp_path_factory.mktemp("no-store") / "store")})
    app = create_app(settings, {"TESTING": True})
    yield app.test_client()
    app.extensions["tnmt_kg"].close()


def test_sparql_endpoint_answers_from_virtuoso(remote_client) -> None:  # noqa: ANN001
    query = ("PREFIX org: <http://www.w3.org/ns/org#> SELECT ?m WHERE { ?m org:role "
             "<https://w3id.org/tnmt-kg/role/truong-khoi> }")
    response = remote_client.get("/sparql", query_string={"query": query},
                                 headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    bloc_head_memberships = {b["m"]["value"].rsplit("/", 1)[1]
                             for b in response.get_json()["results"]["bindings"]}
    # Trưởng Khối held: the unit in 2021 and Nguyễn Quốc Khánh on 20/12/2021 (2022's is assigned).
    assert bloc_head_memberships == {
        "cuc-vien-tham-quoc-gia--truong-khoi--khoi-thi-dua-so-iv--2021",
        "nguyen-quoc-khanh--truong-khoi--khoi-thi-dua-so-iv--2021-12-20",
    }


def test_update_is_refused_before_reaching_virtuoso(remote_client) -> None:  # noqa: ANN001
    response = remote_client.post("/sparql", data={"query": "CLEAR ALL"})
    assert 400 <= response.status_code < 500
    count = remote_client.get("/sparql", query_string={
        "query": "ASK { <https://w3id.org/tnmt-kg/person/nguyen-quoc-khanh> ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"})
    assert count.get_json()["boolean"] is True


def test_entity_page_from_virtuoso(remote_client) -> None:  # noqa: ANN001
    html = remote_client.get("/id/person/nguyen-minh-khuyen", headers={"Accept": "text/html"})
    assert html.status_code == 200
    text = html.get_data(as_text=True)
    assert "Phó Cục trưởng" in text and "Cục Quản lý tài nguyên nước" in text


def test_search_and_api_from_virtuoso(remote_client) -> None:  # noqa: ANN001
    found = remote_client.get("/api/search", query_string={"q": "vien tham"}).get_json()
    assert any(r["iri"].endswith("/org/cuc-vien-tham-quoc-gia") for r in found["results"])
    holders = remote_client.get("/api/holders", query_string={
        "role": "truong-khoi", "org": "khoi-thi-dua-so-iv", "date": "2021-03-01"}).get_json()
    members = [h["member"]["iri"].rsplit("/", 1)[1] for h in holders["holders"]]
    assert members == ["cuc-vien-tham-quoc-gia"]


def test_export_from_virtuoso_matches_the_embedded_store(remote_client, seed_store) -> None:  # noqa: ANN001
    from pyoxigraph import RdfFormat, parse

    response = remote_client.get("/export", query_string={"format": "nquads"})
    assert response.status_code == 200
    remote_quads = {str(q) for q in parse(response.get_data(), RdfFormat.N_QUADS)
                    if "_:" not in str(q)}
    local_quads = {str(q) for q in seed_store if "_:" not in str(q)}
    assert remote_quads == local_quads



def test_virtuoso_blank_nodes_come_back_as_valid_results(remote_client) -> None:  # noqa: ANN001
    # Virtuoso labels blank nodes `nodeID://…`, which is not a valid label in SPARQL JSON results.
    response = remote_client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"},
                                 headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    assert any(b["s"]["type"] == "bnode" for b in response.get_json()["results"]["bindings"])


def test_default_graph_is_the_projects_union_not_virtuosos_own(remote_client) -> None:  # noqa: ANN001
    def ask(query: str) -> bool:
        response = remote_client.get("/sparql", query_string={"query": query},
                                     headers={"Accept": "application/sparql-results+json"})
        return response.get_json()["boolean"]

    # Virtuoso keeps its own quad-map data (virtrdf:) in its default graph; the embedded store has none.
    assert not ask("ASK { ?s a <http://www.openlinksw.com/schemas/virtrdf#QuadMapFormat> }")
    assert ask("ASK { GRAPH <https://w3id.org/tnmt-kg/graph/ontology> { ?s ?p ?o } }")
    # (Virtuoso still answers GRAPH <its own graph> despite named-graph-uri: see docs/engineering-notes.md)


def test_the_cli_reads_the_engine_with_endpoint(virtuoso: str, seed_settings: Settings,
                                                tmp_path: Path) -> None:
    """`--endpoint` sends the reading commands to the engine, through the same query service."""
    from click.testing import CliRunner

    from kg.cli import main

    runner = CliRunner()
    local = json.loads(runner.invoke(main, ["stats", "--store", seed_settings.store, "--json"]).output)
    remote = runner.invoke(main, ["stats", "--endpoint", virtuoso, "--json"])
    assert remote.exit_code == 0, remote.output
    assert json.loads(remote.output)["graphs"] == local["graphs"]
    q = "PREFIX foaf: <http://xmlns.com/foaf/0.1/> SELECT ?n { ?p foaf:name ?n } ORDER BY ?n"
    names = runner.invoke(main, ["query", "--endpoint", virtuoso, "-f", "csv", "-e", q])
    assert names.exit_code == 0 and "Nguyễn Quốc Khánh" in names.output
    out = tmp_path / "remote.nq"
    exported = runner.invoke(main, ["export", "--endpoint", virtuoso, "-f", "nquads", "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == sum(local["graphs"].values())
