"""The graph index (kg.graph_index) answers every graph view exactly as the query path does.

Each case is drawn twice — from the store (``index=None``, the query path, kept tested here) and
from the build's index — and the two views must be equal: nodes, edges (with their dates, role
labels and quotes) and what was left out. The cases are those of tests/test_graphview.py and of
bench/run.py. Run as a script on any store to compare there too (the production build, the 1M
synthetic graph)::

    .venv/bin/python tests/test_graph_index.py /tmp/big1m/store
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest
import test_graphview
from pyoxigraph import Store

from kg import analytics, graph_index, graph_queries
from kg import graphview as gv

generated_store = test_graphview.generated_store  # the fixture, shared (a graph larger than the cap)

#: (filters, max_nodes) on the seed graph: the views tests/test_graphview.py and bench/run.py draw.
SEED_CASES: list[tuple[dict[str, Any], int]] = [
    ({}, 500), ({"org": "khoi-thi-dua-so-iv"}, 500), ({"org": "khoi-thi-dua-so-iv", "year": 2021}, 500),
    ({"org": "khoi-thi-dua-so-iv", "year": 2022}, 500), ({"role": "truong-khoi"}, 500),
    ({"role": "truong-khoi", "year": 2021}, 500), ({"role": "truong-khoi", "year": 2022}, 500),
    ({"person": "nguyen-minh-khuyen"}, 500), ({"person": "nguyen-minh-khuyen", "depth": 2}, 500),
    ({"person": "nguyen-minh-khuyen", "year": 2022}, 500), ({"org": "khoi-thi-dua-so-iv", "max": 5}, 5),
    ({"org": "khoi-thi-dua-so-iv", "role": "truong-khoi", "year": 2021}, 500), ({"year": 2021}, 500),
    ({"year": 2019}, 500), ({}, 5), ({"year": 2021}, 7), ({"role": "truong-khoi"}, 2),
    ({"org": "bo-tai-nguyen-va-moi-truong", "depth": 3}, 500), ({"org": "bo-tai-nguyen-va-moi-truong"}, 4),
]
#: The same on a generated graph larger than the cap (test_graphview's generated store, bench's 1M).
BIG_CASES: list[tuple[dict[str, Any], int]] = [
    ({}, 500), ({"year": 2021}, 500), ({"org": "bo-tai-nguyen-va-moi-truong"}, 500),
    ({"org": "syn-khoi-1", "depth": 2}, 500), ({"org": "syn-don-vi-5", "depth": 2}, 500),
    ({"org": "syn-khoi-3"}, 500), ({"org": "syn-khoi-3", "year": 2021}, 500),
    ({"person": "syn-17", "depth": 2}, 500), ({"role": "truong-khoi", "year": 2021}, 500),
    ({"role": "truong-khoi"}, 500), ({"year": 2022}, 500), ({}, 50), ({"role": "thanh-vien-khoi"}, 500),
]


def _stable_ranking(store: Store, filters: gv.Filters, limit: int) -> tuple[list[tuple[str, int]], int]:
    """The query path's degree ranking with ties at the cut broken by IRI, as the index breaks them.

    degree-top.rq lets the store order nodes of equal degree (a tie-break sorted by IRI costs it
    seconds on a million triples), so which of the nodes tied at the cut make the top is the
    store's choice; this ranks every node and cuts after sorting, for a comparison that means it.
    """
    everyone, total = graph_queries.degree_ranking(store, filters, 10**6)
    return sorted(everyone, key=lambda nd: (-nd[1], nd[0]))[:limit], total


def compare(store: Store, cases: list[tuple[dict[str, Any], int]], index: graph_index.GraphIndex,
            *, report: bool = False) -> list[str]:
    """The cases whose two views differ (with what differs), after drawing each both ways."""
    differ = []
    original, gv._STORE_READS.degree_ranking = gv._STORE_READS.degree_ranking, _stable_ranking
    try:
        return _compare(store, cases, index, differ, report)
    finally:
        gv._STORE_READS.degree_ranking = original


def _compare(store: Store, cases: list[tuple[dict[str, Any], int]], index: graph_index.GraphIndex,
             differ: list[str], report: bool) -> list[str]:
    for filters, max_nodes in cases:
        given = {k: v for k, v in filters.items() if k != "max"}
        try:
            parsed = gv.parse_filters(store, **given)
        except Exception as exc:  # noqa: BLE001 — a case naming what this store lacks is skipped
            if report:
                print(f"skip {given}: {exc}")
            continue
        t0 = time.perf_counter()
        before = gv.graph_view(store, parsed, max_nodes=max_nodes).to_dict()
        t1 = time.perf_counter()
        after = gv.graph_view(store, parsed, max_nodes=max_nodes, index=index).to_dict()
        t2 = time.perf_counter()
        what = [k for k in ("nodes", "edges", "left_out", "capped") if before[k] != after[k]]
        if what:
            differ.append(f"{given} max {max_nodes}: {', '.join(what)} differ")
        if report:
            print(f"{'DIFFERS' if what else 'same   '} {str(given):60s} max {max_nodes:4d}: "
                  f"{len(after['nodes'])} nodes, {len(after['edges'])} edges, "
                  f"{after['left_out']['nodes']} left out; query path {1000 * (t1 - t0):7.0f} ms, "
                  f"index {1000 * (t2 - t1):6.0f} ms {what or ''}")
    return differ


@pytest.fixture(scope="module")
def seed_index(seed_store: Store) -> graph_index.GraphIndex:
    index = graph_index.build(seed_store, "seed")
    assert index is not None
    return index


def test_index_answers_as_the_query_path_on_the_seed(seed_store: Store,
                                                     seed_index: graph_index.GraphIndex) -> None:
    assert compare(seed_store, SEED_CASES, seed_index) == []


def test_index_answers_as_the_query_path_on_a_generated_graph(generated_store: Store) -> None:
    index = graph_index.build(generated_store, "generated")
    assert index is not None
    assert compare(generated_store, BIG_CASES, index) == []


def test_index_reads_each_edge_once(seed_store: Store, seed_index: graph_index.GraphIndex) -> None:
    whole = gv.fetch_edges(seed_store, gv.Filters())
    assert seed_index.size >= len(whole.edges) > 0
    indexed = seed_index.fetch_edges(seed_store, gv.Filters()).edges
    assert {e.key for e in indexed} == {e.key for e in whole.edges}


def test_a_graph_past_the_bound_keeps_the_query_path(seed_store: Store) -> None:
    assert graph_index.build(seed_store, "seed", max_edges=10) is None
    graph_index.clear_cache()
    try:
        assert graph_index.for_build(seed_store, "tiny", max_edges=10) is None
        assert graph_index.for_build(seed_store, "tiny") is None  # decided once per build
    finally:
        graph_index.clear_cache()


def test_the_index_is_kept_per_build(seed_store: Store) -> None:
    graph_index.clear_cache()
    try:
        one = graph_index.for_build(seed_store, "b1")
        assert one is not None and graph_index.for_build(seed_store, "b1") is one
        for n in range(graph_index.CACHED_BUILDS):
            graph_index.for_build(seed_store, f"b-later-{n}")
        assert graph_index.for_build(seed_store, "b1") is not one
    finally:
        graph_index.clear_cache()


def test_analytics_graph_is_the_same_from_the_index(seed_store: Store) -> None:
    graph_index.clear_cache()
    analytics.clear_cache()
    try:
        from_index = analytics.entity_graph(seed_store, "with-index").graph
        analytics.clear_cache()
        graph_index._CACHE["without-index"] = None  # as for a graph past the bound
        from_store = analytics.entity_graph(seed_store, "without-index").graph
        assert set(from_index.nodes) == set(from_store.nodes)
        assert {frozenset(e) for e in from_index.edges} == {frozenset(e) for e in from_store.edges}
        facts = lambda g: sorted(f.key for _a, _b, d in g.edges(data=True) for f in d["facts"])  # noqa: E731
        assert facts(from_index) == facts(from_store)
    finally:
        graph_index.clear_cache()
        analytics.clear_cache()


def test_graph_page_is_the_same_with_the_index_off(client, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    with_index = client.get("/graph/data.json?org=khoi-thi-dua-so-iv").get_json()
    monkeypatch.setattr(graph_index, "for_build", lambda *a, **k: None)
    without = client.get("/graph/data.json?org=khoi-thi-dua-so-iv").get_json()
    assert with_index == without and len(with_index["nodes"]) == 17


def _rss_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def main(path: str) -> int:
    """Compare both paths on the store at ``path`` (loaded into memory), and time the index."""
    from kg import store as kgstore
    from kg.config import Settings
    from kg.service_store import reads

    settings = Settings.load(env={}).replace(store=path, memory="on", query_timeout=120)
    with reads(settings) as store:
        rss = _rss_kb()
        started = time.perf_counter()
        index = graph_index.build(store, kgstore.build_info(path).build_id)
        took = time.perf_counter() - started
        assert index is not None
        print(f"index of {index.size:,} edges, {len(index.nodes):,} nodes: built in {took:.1f} s, "
              f"+{(_rss_kb() - rss) / 1024:.0f} MB resident")
        cases = SEED_CASES + BIG_CASES
        differ = compare(store, cases, index, report=True)
    print("\n".join(differ) or f"all {len(cases)} cases the same (those this store lacks skipped)")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main(sys.argv[1]))
