"""One read path: the app's own page queries run through the query service, under its limits.

If a page read the store in-process, a slow query would hold the request for as long as it ran;
through the service it is stopped at the time limit and its worker process replaced.
"""

from __future__ import annotations

import threading
import time

import pytest

from kg.config import Settings
from kg.service_store import ServiceStore

# Every quad against every quad against every quad: far more than a second's work on the seed graph.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?a { ?s ?p ?o } GRAPH ?b { ?t ?q ?r } GRAPH ?c { ?u ?v ?w } }"


@pytest.fixture()
def slow_app(seed_settings: Settings, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    from server.app import create_app

    original = ServiceStore.query

    def slowed(self: ServiceStore, query: str, **options: object) -> object:
        # every read the pages make becomes a slow one, run the way the page's own would be
        return original(self, SLOW)

    monkeypatch.setattr(ServiceStore, "query", slowed)
    # per-build caches filled by other tests on the same store would answer without a read
    from kg import analytics, describe, search

    monkeypatch.setattr(describe, "_cache", {})
    monkeypatch.setattr(search, "_cache", {})
    monkeypatch.setattr(analytics, "_CACHE", {})
    application = create_app(seed_settings.replace(query_timeout=1.0, memory="off"), {"TESTING": True})
    yield application
    application.extensions["tnmt_kg"].close()


@pytest.mark.parametrize("path", ["/", "/graph?format=json", "/id/person/nguyen-quoc-khanh",
                                  "/.well-known/void", "/timeline", "/search?q=Kh%C3%A1nh"])
def test_a_slow_page_query_is_stopped_at_the_time_limit(slow_app, path: str) -> None:  # noqa: ANN001
    kg_services = slow_app.extensions["tnmt_kg"]
    before = set(kg_services.query.worker_pids())
    answer: dict = {}

    def fetch() -> None:
        started = time.monotonic()
        response = slow_app.test_client().get(path, headers={"Accept": "text/html"})
        answer.update(status=response.status_code, body=response.get_data(as_text=True),
                      seconds=time.monotonic() - started)

    thread = threading.Thread(target=fetch, daemon=True)
    thread.start()
    thread.join(30)
    assert not thread.is_alive(), "the page kept running past its query's time limit"
    assert answer["status"] == 503, answer["body"][:3000]
    assert "time limit of 1 s" in answer["body"]
    assert answer["seconds"] < 10
    assert before - set(kg_services.query.worker_pids()), "the stopped query's worker was not replaced"


def test_the_app_reads_through_the_service(app) -> None:  # noqa: ANN001
    """What the views are given to read with is the service's face, not a store."""
    with app.app_context():
        from server.services import get_kg

        assert isinstance(get_kg().store(), ServiceStore)


def test_the_row_cap_applies_to_page_reads(seed_settings: Settings) -> None:
    from kg.query import QueryService

    with QueryService(seed_settings.replace(max_rows=3), start_method="fork") as service:
        rows = ServiceStore(service).query("SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert len(rows) == 3 and rows.truncated
        # a whole-graph read pages past the cap instead of being cut by it
        assert sum(1 for _ in ServiceStore(service).quads_for_pattern()) == len(ServiceStore(service))


def test_an_app_query_with_its_own_limit_is_bounded_by_it(seed_settings: Settings) -> None:
    from kg.query import QueryService

    with QueryService(seed_settings.replace(max_rows=3), start_method="fork") as service:
        rows = ServiceStore(service).query("SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 50")
        assert len(rows) == 50 and not rows.truncated
