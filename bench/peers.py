"""The six canonical queries (bench/queries.py) on the engines a user would compare, same data,
same run: pyoxigraph in-process (in memory and on disk), this app's ``/sparql`` over HTTP,
Virtuoso 7.2 over HTTP and rdflib-endpoint over HTTP. Each figure is the median of the measured
runs after a warm-up run, the answer read to its end (in-process: serialised as an HTTP peer
would send it: SPARQL JSON, N-Triples).
"""

from __future__ import annotations

import gc
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import QueryResultsFormat, RdfFormat, Store

from .http import MemoryGuard, Server, SparqlClient, answer_size, start_rdflib_endpoint, start_virtuoso, stop
from .queries import CANONICAL, Canonical
from .timing import Sample, ms, sample

#: The /sparql targets of issue 11: within 1.5× of in-memory pyoxigraph or within 5 ms of it,
#: and the sum within 1.3×.
QUERY_RATIO, QUERY_SLACK_S, SUM_RATIO = 1.5, 0.005, 1.3
RDFLIB_TIMEOUT_S = 30.0
RDFLIB_MEMORY_KIB = 4 * 1024 * 1024
ERROR_CELL = 40  # longer errors are written under the table


@dataclass
class Peer:
    name: str
    store: str  # the store's name ("1.0M"); a peer on a smaller store says so
    how: str
    samples: dict[str, Sample] = field(default_factory=dict)
    setup: str = ""


def in_process_samples(store: Store, repeat: int) -> dict[str, Sample]:
    out = {}
    for q in CANONICAL:
        out[q.key] = sample(_in_process(store, q), repeat, size=lambda body, q=q: answer_size(q.form, body))
    return out


def _in_process(store: Store, q: Canonical) -> Callable[[], bytes]:
    def run() -> bytes:
        result = store.query(q.text, use_default_graph_as_union=True)
        if q.form in ("SELECT", "ASK"):
            return result.serialize(format=QueryResultsFormat.JSON)
        return result.serialize(format=RdfFormat.N_TRIPLES)

    return run


def http_sample(client: SparqlClient, q: Canonical, repeat: int) -> Sample:
    def run() -> bytes:
        status, body = client.query(q.text, q.form)
        if status != 200:
            first = body.decode("utf-8", "replace").strip().splitlines() or [""]
            raise RuntimeError(f"HTTP {status}: {first[0][:100]}")
        return body

    return sample(run, repeat, size=lambda body: answer_size(q.form, body))


def http_samples(endpoint: str, repeat: int) -> dict[str, Sample]:
    client = SparqlClient(endpoint, timeout=300)
    try:
        return {q.key: http_sample(client, q, repeat) for q in CANONICAL}
    finally:
        client.close()


def memory_peer(nq: Path, repeat: int, store_name: str) -> tuple[Peer, float]:
    """An in-memory ``Store()`` bulk-loaded from the N-Quads file; (the peer, its load time)."""
    start = time.perf_counter()
    store = Store()
    store.bulk_load(path=str(nq), format=RdfFormat.N_QUADS)
    load_s = time.perf_counter() - start
    peer = Peer("in-memory pyoxigraph", store_name, "`Store()` + `bulk_load`, in-process",
                in_process_samples(store, repeat), f"loaded in {load_s:.1f} s")
    del store
    gc.collect()
    return peer, load_s


def disk_peer(store_path: str, repeat: int, store_name: str) -> Peer:
    return Peer("on-disk pyoxigraph", store_name, "`Store.read_only(path)`, in-process",
                in_process_samples(Store.read_only(store_path), repeat))


def app_peer(server: Server, repeat: int, store_name: str) -> Peer:
    return Peer("/sparql (this app)", store_name, f"`{server.extra['command']}`, over HTTP",
                http_samples(server.sparql, repeat), f"answered {server.started_s:.0f} s after start")


def virtuoso_peer(nq: Path, repeat: int, store_name: str) -> Peer:
    """A private Virtuoso bulk-loaded with the same N-Quads, stopped at the end."""
    peer = Peer("Virtuoso 7.2", store_name, "Debian's `virtuoso-t`, private database, "
                "bulk loader (`ld_dir` + `rdf_loader_run`), over HTTP")
    try:
        with tempfile.TemporaryDirectory(prefix="tnmt-kg-bench-virtuoso-", dir=nq.parent) as tmp:
            server = start_virtuoso(Path(tmp), nq)
            try:
                client = SparqlClient(server.sparql, timeout=300)
                status, body = client.query(
                    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                    'FILTER(STRSTARTS(STR(?g), "https://w3id.org/tnmt-kg/")) }', "SELECT")
                quads = _first_number(body) if status == 200 else None
                client.close()
                peer.setup = (f"loaded {quads:,} quads in {server.extra['load_s']:.1f} s" if quads else
                              f"loaded in {server.extra['load_s']:.1f} s")
                peer.samples = http_samples(server.sparql, repeat)
            finally:
                stop(server)
    except Exception as exc:  # noqa: BLE001 - a peer that cannot run is reported, not fatal
        peer.setup = f"not run: {type(exc).__name__}: {str(exc)[:200]}"
    return peer


def _first_number(body: bytes) -> int | None:
    import json

    bindings = json.loads(body)["results"]["bindings"]
    return int(next(iter(bindings[0].values()))["value"]) if bindings else None


def rdflib_peer(nq: Path, repeat: int, store_name: str) -> Peer:
    """rdflib-endpoint started by its CLI; a query past RDFLIB_TIMEOUT_S or past RDFLIB_MEMORY_KIB
    is stopped (the server with it, since rdflib cannot cancel) and the server started again."""
    peer = Peer("rdflib-endpoint", store_name, "`rdflib-endpoint serve FILE` (rdflib's in-memory "
                "Dataset, FastAPI, uvicorn), over HTTP")
    server: Server | None = None
    try:
        for q in CANONICAL:
            if server is None:
                server = start_rdflib_endpoint(nq)
                peer.setup = peer.setup or f"parsed the file and answered after {server.started_s:.1f} s"
            client = SparqlClient(server.sparql, timeout=RDFLIB_TIMEOUT_S)
            with MemoryGuard(server, RDFLIB_MEMORY_KIB) as guard:
                result = http_sample(client, q, repeat)
            client.close()
            if guard.tripped:
                result = Sample.failed(f"stopped at {RDFLIB_MEMORY_KIB // 2**20} GB resident")
            elif result.median is None and "timed out" in result.error.lower():
                result = Sample.failed(f"> {RDFLIB_TIMEOUT_S:.0f} s (stopped)")
            if result.median is None:
                stop(server)
                server = None
            peer.samples[q.key] = result
    except Exception as exc:  # noqa: BLE001
        peer.setup = f"not run: {type(exc).__name__}: {str(exc)[:200]}"
    finally:
        if server is not None:
            stop(server)
    return peer


def _meets(app: Sample, mem: Sample) -> bool | None:
    if app.median is None or mem.median is None:
        return None
    return app.median <= mem.median * QUERY_RATIO or app.median - mem.median <= QUERY_SLACK_S


def _of(peer: Peer, key: str) -> Sample:
    return peer.samples.get(key, Sample.failed("not run"))


def _cell(s: Sample, reference: Sample | None) -> str:
    text = s.text() if s.median is not None or len(s.error) <= ERROR_CELL else "failed (below)"
    if s.median is not None and reference is not None and reference.size is not None \
            and s.size != reference.size:
        text += f" (**{s.size:,} answers**, not {reference.size:,})"
    return text


def _sum(peer: Peer, keys: list[str]) -> tuple[float | None, int]:
    got = [peer.samples[k].median for k in keys if k in peer.samples and peer.samples[k].median is not None]
    return (sum(got) if got else None), len(got)


def _sum_text(total: tuple[float | None, int], of: int) -> str:
    value, n = total
    if value is None:
        return "—"
    return f"**{ms(value)}**" + (f" ({n} of {of})" if n < of else "")


def render(peers: list[Peer], big_name: str) -> tuple[list[str], dict[str, str]]:
    """The table; and the verdicts for the summary (target → text)."""
    main = [p for p in peers if p.store == big_name]
    by = {p.name: p for p in main}
    mem, app = by["in-memory pyoxigraph"], by["/sparql (this app)"]
    small = [p for p in peers if p.store != big_name]
    small_ref = next((p for p in small if p.name == mem.name), None)
    keys = [q.key for q in CANONICAL]
    heads = [p.name for p in main] + ["/sparql ÷ in-memory", "target"]
    heads += [f"{p.name} ({p.store})" for p in small]
    lines = ["| query | answers | " + " | ".join(heads) + " |",
             "|---|---:|" + "---:|" * (len(main) + 1) + "---|" + "---:|" * len(small)]
    marks: dict[str, bool | None] = {}
    for q in CANONICAL:
        ref, a = _of(mem, q.key), _of(app, q.key)
        marks[q.key] = _meets(a, ref)
        ratio = f"{a.median / ref.median:,.1f}×" if a.median is not None and ref.median else "—"
        mark = {True: "met", False: "**missed**", None: "—"}[marks[q.key]]
        answers = f"{ref.size:,}" if ref.size is not None else "—"
        cells = [_cell(_of(p, q.key), ref) for p in main] + [ratio, mark]
        small_sample = _of(small_ref, q.key) if small_ref else None
        cells += [_cell(_of(p, q.key), None if p is small_ref else small_sample) for p in small]
        lines.append(f"| {q.label} | {answers} | " + " | ".join(cells) + " |")
    sums = {id(p): _sum(p, keys) for p in peers}  # by peer: a name can appear on two stores
    (mem_sum, _), (app_sum, app_n) = sums[id(mem)], sums[id(app)]
    sum_ratio = app_sum / mem_sum if mem_sum and app_sum and app_n == len(keys) else None
    sum_mark = "—" if sum_ratio is None else "met" if sum_ratio <= SUM_RATIO else "**missed**"
    cells = [_sum_text(sums[id(p)], len(keys)) for p in main]
    cells += [f"{sum_ratio:,.2f}×" if sum_ratio else "—", sum_mark]
    cells += [_sum_text(sums[id(p)], len(keys)) for p in small]
    lines.append("| **sum of the medians** | | " + " | ".join(cells) + " |")
    lines += ["", "How each peer ran, and what it took to get ready:", ""]
    for p in peers:
        setup = f"; {p.setup}" if p.setup else ""
        lines.append(f"* **{p.name}** on the {p.store} store: {p.how}{setup}.")
        for key, failed in p.samples.items():
            if failed.median is None and len(failed.error) > ERROR_CELL:
                lines.append(f"  * `{key}` failed: {failed.error}")
    common = [k for k in keys if all(p.samples.get(k) and p.samples[k].median is not None for p in main)]
    if len(common) < len(keys):
        figures = ", ".join(f"{p.name} {ms(sum(p.samples[k].median or 0 for k in common))}" for p in main)
        lines += ["", f"Over the {len(common)} queries every {big_name} peer answered "
                  f"({', '.join(f'`{k}`' for k in common)}): {figures}."]
    missed = [k for k, ok in marks.items() if ok is False]
    unmeasured = [k for k, ok in marks.items() if ok is None]
    verdicts = {"per query": ("met for every query" if not missed and not unmeasured else
                              "; ".join(filter(None, [
                                  "**missed** for " + ", ".join(f"`{k}`" for k in missed) if missed else "",
                                  "not measured for " + ", ".join(f"`{k}`" for k in unmeasured)
                                  if unmeasured else ""])))}
    verdicts["sum"] = (f"{sum_ratio:,.2f}× ({ms(app_sum or 0)} against {ms(mem_sum or 0)}) — {sum_mark}"
                       if sum_ratio else "not measured")
    virtuoso = by.get("Virtuoso 7.2")
    if virtuoso is not None and app_sum is not None and sums[id(virtuoso)][0] is not None:
        v_sum, v_n = sums[id(virtuoso)]
        if v_n == len(keys):
            verdicts["virtuoso"] = f"/sparql {ms(app_sum)} against Virtuoso {ms(v_sum)}"
        else:
            app_common = sum(app.samples[k].median or 0 for k in common)
            v_common = sum(virtuoso.samples[k].median or 0 for k in common)
            verdicts["virtuoso"] = (f"Virtuoso answered {v_n} of {len(keys)}; over the {len(common)} "
                                    f"every peer answered, /sparql {ms(app_common)} against Virtuoso "
                                    f"{ms(v_common)}")
    return lines, verdicts


def explain(nq: Path, keys: list[str], app: Peer, repeat: int) -> list[str]:
    """Where the time of each query missing its target goes: the engine's evaluation in an
    in-memory store, the query worker's capped JSON encoding (kg.results.serialise), and the
    rest of the /sparql figure (the pipe from the worker, HTTP)."""
    import io

    from kg.results import Job, serialise

    if not keys:
        return []
    store = Store()
    store.bulk_load(path=str(nq), format=RdfFormat.N_QUADS)
    lines = ["", "Where the time of a query that missed its target goes (in-process, in-memory store; "
             "the rest of the /sparql figure is the pipe from the query worker and HTTP):", ""]
    for key in keys:
        q = next(c for c in CANONICAL if c.key == key)
        job = Job(query=q.text, form=q.form, media_type="application/sparql-results+json", max_rows=10_000,
                  union_default_graph=True, default_graphs=(), named_graphs=(), substitutions=())
        evaluate = sample(lambda q=q: list(store.query(q.text, use_default_graph_as_union=True)), repeat)
        both = sample(lambda q=q, job=job: serialise(store.query(q.text, use_default_graph_as_union=True),
                                                     job, io.BytesIO()), repeat)
        total = _of(app, key).median
        if evaluate.median is None or both.median is None or total is None:
            continue
        encode = max(both.median - evaluate.median, 0.0)
        rest = max(total - both.median, 0.0)
        rows = len(list(store.query(q.text, use_default_graph_as_union=True)))
        lines.append(f"* `{key}` ({rows:,} rows): evaluation {ms(evaluate.median)}, the worker's "
                     f"JSON encoding {ms(encode)} (in Python, so that it can stop at the row cap), pipe and "
                     f"HTTP {ms(rest)}; /sparql {ms(total)} in all.")
    return lines
