"""``make bench``: the graph view, the timeline and a planning trap on a million triples.

Builds the seed graph into a temporary store (the baseline), then a store of the seed plus a
synthetic graph of about a million triples with the same shape (``bench.synthetic``), loaded
with ``kg.build.load_files`` as ``tnmt-kg load`` does, and measures:

* the load;
* graph-view data (``kg.graphview.graph_view`` + the pyvis payload) for filtered views and the
  unfiltered, capped view;
* the timeline;
* the OPTIONAL planning trap (the team's PITFALLS notes): the same question with the OPTIONAL written last
  and written before the pattern that binds its variable, each run in a child process that is
  killed at a time limit (pyoxigraph cannot cancel a query);
* the analytics graph (built once per build) and sampled betweenness.

Every timing is the median of several runs after a warm-up run, and each is compared with the
same measurement on the seed store in the same run. The report goes to docs/benchmarks.md.

Then issue 11's targets (bench/targets.py): the six canonical queries on in-process pyoxigraph,
this app's ``/sparql``, Virtuoso and rdflib-endpoint; the load against pyoxigraph's bulk loader;
32 concurrent clients on the app; server-side page times; memory per worker.

    python -m bench.run [--people 44000] [--repeat 5] [--out docs/benchmarks.md]
                        [--duration 60] [--clients 32] [--ten-million] [--no-targets]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import select
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph
from pyoxigraph import Store

from kg import analytics, graph_index, graphvis
from kg import graphview as gv
from kg import timeline as timeline_mod
from kg.build import build, load_files
from kg.config import PROJECT_ROOT, Settings
from kg.vocab import sparql_prefixes

from . import targets
from .synthetic import generate

TRAP_LIMIT_S = 60.0

# The same question twice: officials named Nguyễn, the units they hold roles in, and the unit's
# label if it has one. Written last, the OPTIONAL extends rows whose ?u is bound; written before
# the pattern that binds ?u, it is evaluated against every label in the store, then joined.
TRAP_LAST = """SELECT ?p ?n ?u ?ul WHERE {
  ?m org:member ?p ; org:organization ?u . ?p foaf:name ?n . FILTER(STRSTARTS(?n, "Nguyễn"))
  OPTIONAL { ?u skos:prefLabel ?ul } }"""
TRAP_EARLY = """SELECT ?p ?n ?u ?ul WHERE {
  ?m org:member ?p . OPTIONAL { ?u skos:prefLabel ?ul }
  ?m org:organization ?u . ?p foaf:name ?n . FILTER(STRSTARTS(?n, "Nguyễn")) }"""

_CHILD = r"""
import json, sys, time
from pyoxigraph import Store
store = Store.read_only(sys.argv[1])
query, repeat = sys.argv[2], int(sys.argv[3])
times = []
for i in range(repeat + 1):  # the first run is the warm-up
    t = time.perf_counter()
    rows = sum(1 for _ in store.query(query, use_default_graph_as_union=True))
    times.append(time.perf_counter() - t)
    print(json.dumps({"rows": rows, "seconds": times[-1]}), flush=True)
"""


@dataclass
class Timing:
    median: float | None  # seconds; None: stopped at the limit
    runs: int
    note: str = ""

    def text(self) -> str:
        if self.median is None:
            return f"> {TRAP_LIMIT_S:.0f} s (stopped)"
        return f"{self.median * 1000:,.1f} ms" if self.median < 10 else f"{self.median:,.1f} s"


def measure(fn: Callable[[], Any], repeat: int) -> tuple[Timing, Any]:
    """Median of ``repeat`` runs after one warm-up run."""
    result = fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return Timing(statistics.median(times), repeat), result


def measure_query_in_child(store_path: str, query: str, repeat: int) -> tuple[Timing, int | None]:
    """Run a query in a child process, killed at TRAP_LIMIT_S in all (a trap must not stall the run)."""
    text = sparql_prefixes() + query
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, store_path, text, str(repeat)],
                            stdout=subprocess.PIPE, text=True)
    results: list[dict[str, Any]] = []
    deadline = time.monotonic() + TRAP_LIMIT_S
    try:
        assert proc.stdout is not None
        while True:
            # Wait for the next line with a timeout: a blocking read could not be stopped.
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([proc.stdout], [], [], remaining)[0]:
                break
            line = proc.stdout.readline()
            if not line:
                break
            results.append(json.loads(line))
            # A slow form gets one measured run after the warm-up, not `repeat` of them.
            if len(results) >= 2 and sum(r["seconds"] for r in results) > TRAP_LIMIT_S / 4:
                break
    finally:
        proc.kill()
        proc.wait()
    measured = results[1:] or results  # drop the warm-up when there is more than one run
    if not results:
        return Timing(None, 0), None
    return Timing(statistics.median(r["seconds"] for r in measured), len(measured)), results[0]["rows"]


def graph_case(store: Store, filters: dict[str, Any], max_nodes: int,
               index: Any = None) -> Callable[[], Any]:
    parsed = gv.parse_filters(store, **filters)

    def run() -> tuple[int, int, int]:
        view = gv.graph_view(store, parsed, max_nodes=max_nodes, index=index)
        graphvis.to_vis(view)
        return len(view.nodes), len(view.edges), view.left_out.nodes

    return run


def timeline_case(store: Store) -> Callable[[], Any]:
    def run() -> tuple[int, int]:
        tl = timeline_mod.timeline(store, timeline_mod.default_timeline_org(store) or "")
        return len(tl.rows), len(tl.unit_rows)

    return run


def ratio(big: Timing, base: Timing) -> str:
    if base.median is None or base.median == 0:
        return "—"
    if big.median is None:  # stopped at the limit: at least this much slower
        return f"> {TRAP_LIMIT_S / base.median:,.0f}×"
    return f"{big.median / base.median:,.1f}×"


ENDPOINT_QUERIES = {
    "`ASK {}` (the round trip to a worker)": "ASK {}",
    "the bloc heads by year (library query `bloc-heads`, as in `queries/`)": None,
    "count memberships per role": (
        "PREFIX org: <http://www.w3.org/ns/org#> "
        "SELECT ?role (COUNT(*) AS ?n) WHERE { ?m org:role ?role } GROUP BY ?role"),
}


def rss_kib(pid: int | str = "self") -> int:
    """Resident set size of a process now, from /proc (KiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def measure_endpoint(settings: Settings, repeat: int) -> tuple[list[Timing], int]:
    """Queries through the query service as /sparql runs them (a worker process, serialised to
    JSON); and the worker's resident memory after them."""
    from kg.catalog import load_catalog
    from kg.query import QueryService

    named = load_catalog(PROJECT_ROOT / "queries")["bloc-heads"]
    text, substitutions = named.bind({})
    timings = []
    with QueryService(settings.replace(query_workers=1)) as service:
        for query in ENDPOINT_QUERIES.values():
            run = (lambda q=query: service.run(q)) if query else (
                lambda: service.run(text, substitutions=substitutions))
            timings.append(measure(run, repeat)[0])
        worker_rss = rss_kib(service.worker_pids()[0])
    return timings, worker_rss


def make_store(folder: Path, nt: Path | None) -> tuple[Settings, float, int]:
    settings = Settings.load(env={}, overrides={"store": str(folder / "store")})
    build(settings)
    if nt is None:
        return settings, 0.0, _quads(settings)
    start = time.perf_counter()
    info = load_files(settings, [nt])
    return settings, time.perf_counter() - start, info.triples


def _quads(settings: Settings) -> int:
    return len(Store.read_only(settings.store))


def size_name(quads: int) -> str:
    """``1.0M``, ``103k``: a store named by its size."""
    return f"{quads / 1e6:.1f}M" if quads >= 950_000 else f"{round(quads / 1000):,}k"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=44_000,
                        help="people in the synthetic graph (44,000: about a million triples)")
    parser.add_argument("--repeat", type=int, default=5, help="measured runs per case, after one warm-up")
    parser.add_argument("--out", default=str(PROJECT_ROOT / "docs" / "benchmarks.md"))
    targets.add_arguments(parser)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    scale = args.people / 44_000
    with tempfile.TemporaryDirectory(prefix="tnmt-kg-bench-") as tmp:
        tmp_path = Path(tmp)
        log = lambda msg: print(f"[{time.perf_counter() - started:6.1f}s] {msg}", flush=True)  # noqa: E731
        seed_settings, _, seed_triples = make_store(tmp_path / "seed", None)
        log(f"seed store: {seed_triples} triples")
        big_nt, mid_nt = tmp_path / "synthetic.nt", tmp_path / "synthetic-100k.nt"
        t = time.perf_counter()
        big_stats = generate(big_nt, people=args.people, units=max(int(3000 * scale), 60),
                             blocs=max(int(60 * scale), 6), events=max(int(300 * scale), 10))
        gen_s = time.perf_counter() - t
        log(f"generated {big_stats['triples']:,} triples in {gen_s:.1f} s")
        big_settings, load_s, big_triples = make_store(tmp_path / "big", big_nt)
        log(f"loaded the big store in {load_s:.1f} s ({big_triples:,} quads)")
        generate(mid_nt, people=max(args.people // 10, 100), units=300, blocs=6, events=30)
        mid_settings, mid_load_s, mid_triples = make_store(tmp_path / "mid", mid_nt)
        log(f"loaded the middle store in {mid_load_s:.1f} s ({mid_triples:,} quads)")
        seed, big = Store.read_only(seed_settings.store), Store.read_only(big_settings.store)
        cap = Settings().graph_max_nodes

        rows: list[tuple[str, str, Timing, Timing, str]] = []
        cases = [
            ("graph: `org=khoi-thi-dua-so-iv` (the seed's bloc)", {"org": "khoi-thi-dua-so-iv"},
             {"org": "khoi-thi-dua-so-iv"}),
            ("graph: a bloc (`org=` bloc IV on the seed; a synthetic bloc of ~50 units on 1M)",
             {"org": "khoi-thi-dua-so-iv"}, {"org": "syn-khoi-3"}),
            ("graph: the same bloc in one year (`&year=2021`)", {"org": "khoi-thi-dua-so-iv", "year": 2021},
             {"org": "syn-khoi-3", "year": 2021}),
            ("graph: a person's ego network, `depth=2`", {"person": "nguyen-minh-khuyen", "depth": 2},
             {"person": "syn-17", "depth": 2}),
            ("graph: `role=truong-khoi&year=2021`", {"role": "truong-khoi", "year": 2021},
             {"role": "truong-khoi", "year": 2021}),
            ("graph: `year=2021` (no focus; capped on 1M)", {"year": 2021}, {"year": 2021}),
            ("graph: unfiltered (capped at 500 nodes on 1M)", {}, {}),
        ]
        t = time.perf_counter()
        big_index = graph_index.for_build(big, "bench-graph-index")
        index_s = time.perf_counter() - t
        log(f"graph index of the big store built in {index_s:.1f} s")
        for label, seed_filters, big_filters in cases:
            base, _ = measure(graph_case(seed, seed_filters, cap), args.repeat)
            timing, (nodes, edges, left) = measure(graph_case(big, big_filters, cap), args.repeat)
            indexed, _ = measure(graph_case(big, big_filters, cap, big_index), args.repeat)
            detail = f"{nodes} nodes, {edges} edges" + (f", {left:,} left out" if left else "")
            rows.append((label, detail, base, timing, ratio(timing, base), indexed))
            log(f"{label}: {timing.text()} ({detail})")
        base, _ = measure(timeline_case(seed), args.repeat)
        timing, (n_rows, n_units) = measure(timeline_case(big), args.repeat)
        rows.append(("timeline: default (the bloc with most yearly roles)",
                     f"{n_rows} rows, {n_units} unit rows", base, timing, ratio(timing, base), None))
        log(f"timeline: {timing.text()}")

        trap_rows = []
        stores = (("seed", seed_settings), (size_name(mid_triples), mid_settings),
                  (size_name(big_triples), big_settings))
        for name, settings in stores:
            last, n_last = measure_query_in_child(settings.store, TRAP_LAST, args.repeat)
            early, n_early = measure_query_in_child(settings.store, TRAP_EARLY, args.repeat)
            trap_rows.append((name, last, early, n_last, n_early))
            log(f"OPTIONAL trap on {name}: last {last.text()}, early {early.text()}")

        endpoint_seed, seed_worker_rss = measure_endpoint(seed_settings, args.repeat)
        endpoint_big, big_worker_rss = measure_endpoint(big_settings, args.repeat)
        endpoint_rows = [(label, base, timing, ratio(timing, base)) for label, base, timing in
                         zip(ENDPOINT_QUERIES, endpoint_seed, endpoint_big, strict=True)]
        log(f"endpoint: {[row[2].text() for row in endpoint_rows]}")

        analytics.clear_cache()
        t = time.perf_counter()
        eg = analytics.entity_graph(big, "bench")
        graph_s = time.perf_counter() - t
        t = time.perf_counter()
        eg.betweenness()
        between_s = time.perf_counter() - t
        t = time.perf_counter()
        eg.communities()
        communities_s = time.perf_counter() - t
        log(f"analytics: graph {graph_s:.1f} s, betweenness {between_s:.1f} s, "
            f"communities {communities_s:.1f} s")
        bench_rss = rss_kib()
        target_lines = [] if args.no_targets else targets.measure(
            args, tmp=tmp_path, big=big_settings, mid=mid_settings, big_nt=big_nt, load_s=load_s,
            big_quads=big_triples, big_name=size_name(big_triples), mid_name=size_name(mid_triples),
            stats=big_stats, log=log)
        total_s = time.perf_counter() - started
        report = render(
            args=args, big_stats=big_stats, gen_s=gen_s, load_s=load_s, big_triples=big_triples,
            seed_triples=seed_triples, mid_triples=mid_triples, rows=rows, trap_rows=trap_rows,
            eg=eg, graph_s=graph_s, between_s=between_s, communities_s=communities_s, total_s=total_s,
            load=(load_before, os.getloadavg()[0]), endpoint_rows=endpoint_rows,
            memory={"query worker on the seed store": seed_worker_rss,
                    f"query worker on the {size_name(big_triples)} store": big_worker_rss,
                    "bench process (both stores open, after the analytics)": bench_rss},
            target_lines=target_lines, index_s=index_s)
    Path(args.out).write_text(report, encoding="utf-8")
    log(f"wrote {args.out}")
    return 0


def render(*, args: argparse.Namespace, big_stats: dict[str, Any], gen_s: float, load_s: float,
           big_triples: int, seed_triples: int, mid_triples: int, rows: list, trap_rows: list,
           eg: analytics.EntityGraph, graph_s: float, between_s: float, communities_s: float,
           total_s: float, load: tuple[float, float], endpoint_rows: list, memory: dict[str, int],
           target_lines: list[str], index_s: float) -> str:
    big_name, mid_name = size_name(big_triples), size_name(mid_triples)
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench.run`); do not edit by hand. Timings are medians of "
        f"{args.repeat} runs after a warm-up run, on on-disk stores (`Store.read_only`), in one process.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"pyoxigraph {pyoxigraph.__version__}. Run took {total_s:.0f} s in all. "
        f"Date: {time.strftime('%Y-%m-%d')}. Load average (1 min) {load[0]:.1f} at the start and "
        f"{load[1]:.1f} at the end: other work on the machine slows the timings down.",
        "",
        "## Stores",
        "",
        "| store | quads | how it was made |",
        "|---|---:|---|",
        f"| seed | {seed_triples:,} | `kg.build.build` of the project's sources (the baseline) |",
        f"| {mid_name} | {mid_triples:,} | seed + a smaller synthetic file, loaded with "
        "`kg.build.load_files` |",
        f"| {big_name} | {big_triples:,} | seed + `bench.synthetic` ({big_stats['people']:,} people, "
        f"{big_stats['units']:,} units, {big_stats['blocs']} blocs, {big_stats['events']} conferences, "
        f"{big_stats['memberships']:,} memberships, half with a known period and half attested on a day) |",
        "",
        f"Generating the {big_name} N-Triples file took {gen_s:.1f} s; **loading it** (`load_files`: "
        f"syntax check, copy of the current store, bulk load, swap) took **{load_s:.1f} s**.",
        "",
        *target_lines,
        "## Graph view and timeline",
        "",
        "Each graph case is `kg.graphview.graph_view` plus the pyvis payload (`to_vis`), as "
        f"`/graph/data.json` does, with the node cap of 500. The ratio compares the {big_name} store with "
        "the seed store, both read by queries. The last column is the same view answered from the "
        "per-build graph index (`kg/graph_index.py`), as the app serves it: the index of the "
        f"{big_name} store took {index_s:.1f} s to build, once per build, when a worker starts.",
        "",
        f"| case | on {big_name} | seed | {big_name} | ratio | {big_name}, from the index |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for label, detail, base, timing, r, indexed in rows:
        shown = indexed.text() if indexed is not None else "(queries)"
        lines.append(f"| {label} | {detail} | {base.text()} | {timing.text()} | {r} | {shown} |")
    lines += [
        "",
        "## The OPTIONAL planning trap",
        "",
        "The same question written two ways (a known pyoxigraph 0.5 planning trap): the OPTIONAL last, "
        "and the OPTIONAL written before the pattern that binds its variable `?u`. pyoxigraph does not "
        "move the later pattern above the OPTIONAL, so the early form pairs every membership with every "
        f"label before joining. Each form runs in a child process killed at {TRAP_LIMIT_S:.0f} s; a slow "
        "form gets one measured run.",
        "",
        "```sparql",
        "# OPTIONAL last" + TRAP_LAST.replace("SELECT", "\nSELECT", 1),
        "# OPTIONAL early" + TRAP_EARLY.replace("SELECT", "\nSELECT", 1),
        "```",
        "",
        "| store | rows | OPTIONAL last | OPTIONAL early | early / last |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, last, early, n_last, n_early in trap_rows:
        rows_text = f"{n_last:,}" if n_last is not None else "—"
        if n_early is not None and n_early != n_last:
            rows_text += f" (early: {n_early:,})"
        lines.append(f"| {name} | {rows_text} | {last.text()} | {early.text()} | {ratio(early, last)} |")
    lines += [
        "",
        "The project's own queries write OPTIONALs last (kg/sparql/).",
        "",
        "## The SPARQL endpoint's query service",
        "",
        "Each query runs as `/sparql` runs it: checked, sent to a worker process holding its own "
        "read-only store, answered as SPARQL JSON. The ratio compares the "
        f"{big_name} store with the seed store.",
        "",
        f"| query | seed | {big_name} | ratio |",
        "|---|---:|---:|---:|",
        *[f"| {label} | {base.text()} | {timing.text()} | {r} |" for label, base, timing, r in endpoint_rows],
        "",
        "## Memory",
        "",
        "Resident set size (VmRSS) after the runs above:",
        "",
        "| process | resident memory |",
        "|---|---:|",
        *[f"| {name} | {kib / 1024:,.0f} MiB |" for name, kib in memory.items()],
        "",
        f"## Analytics on the {big_name} store",
        "",
        f"The networkx graph of the graph view's facts ({eg.graph.number_of_nodes():,} entities, "
        f"{eg.graph.number_of_edges():,} links) is built once per build in {graph_s:.1f} s; betweenness "
        f"sampled from {analytics.BETWEENNESS_SAMPLE} sources takes {between_s:.1f} s and label-propagation "
        f"communities {communities_s:.1f} s (both once per build, then cached). On graphs above "
        f"{analytics.EXACT_LIMIT:,} entities an entity page does not start the betweenness computation; "
        "`/api/analytics/centrality` does.",
        "",
        "## Reproduce",
        "",
        "```sh",
        "make bench        # or: .venv/bin/python -m bench.run [--people N] [--repeat N]",
        "                  #     [--duration 60] [--clients 32] [--ten-million] [--no-targets]",
        ".venv/bin/python -m bench.serving --ten-million   # the 10M memory figure alone, kept in "
        "docs/benchmarks-10m.json",
        "```",
        "",
        "`make bench` installs the `bench` extra (rdflib-endpoint, py-spy) and Debian's Virtuoso "
        "(`make services`) first; every server it starts (the app, Virtuoso, rdflib-endpoint) listens "
        "on a free loopback port and is stopped, with its process group, before the bench ends.",
        "",
        "Everything is generated into a temporary folder and removed afterwards; the run is deterministic "
        "(seeded) apart from the timings.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
