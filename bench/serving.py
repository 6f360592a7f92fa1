"""The app under load, as users start it (``tnmt-kg serve --workers 2``, gunicorn):

* server-side time of entity pages and graph views, read from the app's request log (one line
  per request with the time from ``before_request`` to ``after_request``: the view and its
  template, not the network), one request at a time;
* 32 concurrent clients for a minute on a mix of ``/sparql`` queries, entity pages and graph
  views: requests per second, p50/p99 latency seen by the clients, errors;
* resident memory of each gunicorn worker (and of the query workers under it) after that;
* optionally the same memory figures for a 10M-triple graph served from disk
  (``python -m bench.serving --ten-million``, or ``python -m bench.run --ten-million``); the last
  result is kept in ``docs/benchmarks-10m.json`` so a run without it still reports it.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.config import PROJECT_ROOT

from .http import Server, SparqlClient, memory_kib, process_tree, running, start_app
from .queries import CANONICAL
from .timing import Sample, ms

TEN_MILLION_FILE = PROJECT_ROOT / "docs" / "benchmarks-10m.json"
PAGE_TARGET_S = 0.300
WORKER_TARGET_KIB = int(1.5 * 1024 * 1024)

_LOG_LINE = re.compile(r'"GET (?P<path>\S+)" (?P<status>\d{3}) (?P<ms>[\d.]+)ms')


@dataclass(frozen=True)
class Shape:
    """How many of each synthetic thing the store holds (bench/synthetic.py's ids)."""

    people: int
    units: int
    blocs: int


def page_cases(shape: Shape) -> list[tuple[str, str]]:
    """(label, path) of the entity pages and graph views timed one by one."""
    return [
        ("entity page: a person (`/id/person/syn-17`)", "/id/person/syn-17"),
        ("entity page: a unit (`/id/org/syn-don-vi-5`)", "/id/org/syn-don-vi-5"),
        ("entity page: a bloc of ~50 units (`/id/org/syn-khoi-3`)", "/id/org/syn-khoi-3"),
        (f"entity page: the ministry ({shape.units:,} units under it)",
         "/id/org/bo-tai-nguyen-va-moi-truong"),
        ("`/graph` page: a bloc (`org=syn-khoi-3`, capped)", "/graph?org=syn-khoi-3"),
        ("`/graph/data.json?org=syn-khoi-3` (capped)", "/graph/data.json?org=syn-khoi-3"),
        ("`/graph/data.json?org=syn-khoi-3&year=2021`", "/graph/data.json?org=syn-khoi-3&year=2021"),
        ("`/graph/data.json?person=syn-17&depth=2`", "/graph/data.json?person=syn-17&depth=2"),
        ("`/graph/data.json?year=2021` (capped)", "/graph/data.json?year=2021"),
        ("`/graph/data.json` unfiltered (capped)", "/graph/data.json"),
    ]


def _mix(shape: Shape, rng: random.Random) -> tuple[str, str, str, str | None]:
    """One request of the concurrency mix: (kind, method, path, query text or None).
    40% entity pages, 30% graph views, 30% /sparql (the six canonical queries in turn)."""
    draw = rng.random()
    if draw < 0.4:
        if rng.random() < 0.75:
            return "entity page", "GET", f"/id/person/syn-{rng.randrange(shape.people)}", None
        return "entity page", "GET", f"/id/org/syn-don-vi-{rng.randrange(shape.units)}", None
    if draw < 0.7:
        choice = rng.random()
        if choice < 0.5:
            params = {"person": f"syn-{rng.randrange(shape.people)}", "depth": "2"}
        elif choice < 0.85:
            params = {"org": f"syn-don-vi-{rng.randrange(shape.units)}"}
        else:
            params = {"org": f"syn-khoi-{rng.randrange(shape.blocs)}", "year": str(rng.choice((2021, 2022)))}
        return "graph view", "GET", "/graph/data.json?" + urllib.parse.urlencode(params), None
    query = CANONICAL[rng.randrange(len(CANONICAL))]
    return "sparql", "POST", "/sparql", query.key


MIX_TEXT = ("40% entity pages (3 in 4 a random synthetic person `/id/person/syn-N`, else a random "
            "unit), 30% graph views (`/graph/data.json`: half a random person's ego network at "
            "`depth=2`, a third a random unit, the rest a random bloc in 2021 or 2022), 30% `/sparql` "
            "(the six canonical queries above, in random turn)")


@dataclass
class LoadResult:
    clients: int
    planned_s: float
    duration_s: float
    requests: int = 0
    errors: Counter = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=dict)

    def all_latencies(self) -> list[float]:
        return sorted(t for times in self.latencies.values() for t in times)


def percentile(sorted_times: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted values.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50), percentile([1.0, 2.0, 3.0, 4.0], 99)
    (2.0, 4.0)
    """
    if not sorted_times:
        return float("nan")
    rank = max(1, -(-len(sorted_times) * p // 100))
    return sorted_times[int(rank) - 1]


def _send(conn: SparqlClient, method: str, path: str, key: str | None) -> int:
    """One request of the mix: a page (``key`` None) or the canonical query ``key``; its status."""
    if key is None:
        status, _ = conn.request(method, path, headers={"Accept": "text/html,application/json"})
    else:
        query = next(q for q in CANONICAL if q.key == key)
        status, _ = conn.query(query.text, query.form)
    return status


def concurrency(server: Server, shape: Shape, *, clients: int = 32, duration_s: float = 60,
                seed: int = 0) -> LoadResult:
    """``clients`` threads, each on its own keep-alive connection, sending the mix for ``duration_s``."""
    result = LoadResult(clients, duration_s, duration_s)
    lock = threading.Lock()
    deadline = time.monotonic() + duration_s

    def client(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        conn = SparqlClient(server.sparql, timeout=120)
        local: dict[str, list[float]] = {}
        errors: Counter = Counter()
        while time.monotonic() < deadline:
            kind, method, path, key = _mix(shape, rng)
            start = time.perf_counter()
            try:
                status = _send(conn, method, path, key)
            except Exception as exc:  # noqa: BLE001 - counted as an error of the run
                conn.close()
                errors[f"{kind}: {type(exc).__name__}"] += 1
                continue
            elapsed = time.perf_counter() - start
            if status >= 400:
                errors[f"{kind}: HTTP {status}"] += 1
            else:
                local.setdefault(kind, []).append(elapsed)
        conn.close()
        with lock:
            for kind, times in local.items():
                result.latencies.setdefault(kind, []).extend(times)
            result.errors.update(errors)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration_s + 180)
    result.duration_s = time.perf_counter() - started
    result.requests = len(result.all_latencies()) + sum(result.errors.values())
    return result


def page_times(server: Server, cases: list[tuple[str, str]], repeat: int,
               budget_s: float = 20.0) -> list[tuple[str, str, Sample, Sample]]:
    """Per case: (label, path, server-side median from the request log, client-side median)."""
    conn = SparqlClient(server.sparql, timeout=300)
    out = []
    for label, path in cases:
        server_times, client_times = [], []
        status = 0
        try:
            while len(server_times) < repeat + 1:
                offset = server.log_size()
                start = time.perf_counter()
                status, _ = conn.request("GET", path, headers={"Accept": "text/html,application/json"})
                client_times.append(time.perf_counter() - start)
                server_times.append(_logged_ms(server, offset, path) / 1000)
                if status >= 400 or sum(client_times[1:]) > budget_s:
                    break
        except Exception as exc:  # noqa: BLE001 - recorded as the case's figure
            out.append((label, path, Sample.failed(type(exc).__name__), Sample.failed("")))
            conn.close()
            continue
        if status >= 400:
            out.append((label, path, Sample.failed(f"HTTP {status}"), Sample.failed("")))
            continue
        measured = slice(1, None) if len(server_times) > 1 else slice(None)
        out.append((label, path, Sample.of(server_times[measured]), Sample.of(client_times[measured])))
    conn.close()
    return out


def _logged_ms(server: Server, offset: int, path: str) -> float:
    """The time the app logged for the request of ``path`` made after ``offset``."""
    for _ in range(50):  # the line is written before the response is sent; allow a flush
        for match in _LOG_LINE.finditer(server.log_text(offset)):
            if urllib.parse.unquote(match["path"]) == urllib.parse.unquote(path):
                return float(match["ms"])
        time.sleep(0.02)
    raise RuntimeError(f"no request-log line for {path}")


_BOOT = re.compile(r"Booting worker with pid: (\d+)")


def worker_memory(server: Server) -> dict[str, Any]:
    """Resident (RSS) and proportional (PSS) memory of the gunicorn master, of each live worker
    (from the log's "Booting worker" lines) and of every other process under the master (query
    workers, wherever they were forked from), KiB."""
    tree = process_tree(server.process.pid)
    booted = [int(p) for p in _BOOT.findall(server.log_text())]
    workers = [pid for pid in booted if pid in tree]
    others = [pid for pid in tree if pid != server.process.pid and pid not in workers]
    other_memory = [memory_kib(pid) for pid in others]
    return {
        "master": memory_kib(server.process.pid),
        "workers": [{"pid": pid, **memory_kib(pid)} for pid in workers],
        "others": {"count": len(others), "rss": sum(m["rss"] for m in other_memory),
                   "pss": sum(m["pss"] for m in other_memory),
                   "max_rss": max((m["rss"] for m in other_memory), default=0)},
    }


def profile_page(server: Server, path: str, seconds: float = 12.0) -> list[tuple[str, float]] | None:
    """Where the app spends a page's time: ``py-spy record`` on the server's processes while the
    page is requested again and again; shares of the samples under the view, by the ``kg/``
    functions it calls. None when py-spy is not there or fails."""
    from .loading import callees, py_spy

    exe = py_spy()
    if exe is None:
        return None
    with tempfile.TemporaryDirectory(prefix="tnmt-kg-bench-profile-") as tmp:
        out = Path(tmp) / "page.txt"
        spy = subprocess.Popen([exe, "record", "--pid", str(server.process.pid), "--subprocesses",
                                "--format", "raw", "--rate", "50", "--duration", str(int(seconds)),
                                "--output", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        conn = SparqlClient(server.sparql, timeout=300)
        deadline = time.monotonic() + seconds - 1
        try:
            time.sleep(1)  # py-spy attaches
            while time.monotonic() < deadline and spy.poll() is None:
                conn.request("GET", path, headers={"Accept": "text/html,application/json"})
        finally:
            conn.close()
            try:
                spy.wait(timeout=seconds + 30)
            except subprocess.TimeoutExpired:
                spy.kill()
                spy.wait()
        if not out.exists():
            return None
        return callees(out.read_text(), r"server/views/", with_caller=True) or None


def tree_pss_kib(server: Server) -> int:
    return sum(memory_kib(p)["pss"] for p in process_tree(server.process.pid))


def exercise(server: Server, shape: Shape, requests: int = 24) -> dict[str, dict[str, Any]]:
    """A few requests of every kind of the mix, so each worker has served pages, graphs and
    queries; per kind: statuses and the median time."""
    conn = SparqlClient(server.sparql, timeout=600)
    rng = random.Random(7)
    seen: dict[str, dict[str, Any]] = {}
    for _ in range(requests):
        kind, method, path, key = _mix(shape, rng)
        start = time.perf_counter()
        try:
            status = _send(conn, method, path, key)
        except Exception as exc:  # noqa: BLE001 - recorded with the figures
            conn.close()
            status = type(exc).__name__
        entry = seen.setdefault(kind, {"statuses": Counter(), "times": []})
        entry["statuses"][str(status)] += 1
        entry["times"].append(time.perf_counter() - start)
    conn.close()
    return {kind: {"statuses": dict(e["statuses"]), "median_s": statistics.median(e["times"])}
            for kind, e in seen.items()}


def ten_million(people: int = 440_000, log: Any = print) -> dict[str, Any]:
    """Generate and load a 10M graph, serve it from disk (``--memory off``) and measure the workers."""
    from .run import make_store
    from .synthetic import generate

    record: dict[str, Any] = {"date": time.strftime("%Y-%m-%d"), "people": people,
                              "command": "python -m bench.serving --ten-million"}
    scale = people / 44_000
    with tempfile.TemporaryDirectory(prefix="tnmt-kg-bench-10m-") as tmp:
        nt = Path(tmp) / "synthetic-10m.nt"
        t = time.perf_counter()
        stats = generate(nt, people=people, units=int(3000 * scale), blocs=int(60 * scale),
                         events=int(300 * scale))
        record["generate_s"] = time.perf_counter() - t
        log(f"10M: generated {stats['triples']:,} triples in {record['generate_s']:.0f} s")
        settings, load_s, quads = make_store(Path(tmp) / "store", nt)
        nt.unlink()
        record.update(load_s=load_s, quads=quads)
        log(f"10M: loaded {quads:,} quads in {load_s:.0f} s")
        shape = Shape(people, int(3000 * scale), int(60 * scale))
        with running(start_app, settings.store, memory="off", timeout=1800) as server:
            record["serve_command"] = server.extra["command"]
            record["started_s"] = server.started_s
            log(f"10M: server answered after {server.started_s:.0f} s")
            t = time.perf_counter()
            record["requests"] = exercise(server, shape)
            record["exercise_s"] = time.perf_counter() - t
            log(f"10M: requests {record['requests']}")
            record["memory"] = worker_memory(server)
            record["tree_pss_kib"] = tree_pss_kib(server)
    log(f"10M: memory {record['memory']}")
    return record


def render_pages(pages: list[tuple[str, str, Sample, Sample]], store_name: str,
                 profile: tuple[str, list[tuple[str, float]] | None] | None = None) -> list[str]:
    lines = [
        f"### Entity pages and graph views on the {store_name} store (target: under 300 ms server-side)",
        "",
        "Server-side time is the app's own request log (`tnmt-kg serve` logs one line per request "
        "with the time from `before_request` to `after_request`: the view and its template, not the "
        "network), one request at a time after a warm-up request; client-side is the same requests "
        "seen by the bench's HTTP client.",
        "",
        "| page | server-side | client-side | target |",
        "|---|---:|---:|---|",
    ]
    for label, _path, server_side, client_side in pages:
        lines.append(f"| {label} | {server_side.text()} | {client_side.text()} | {_mark_page(server_side)} |")
    if profile is not None:
        path, shares = profile
        found = ", ".join(f"{name} {share:.0%}" for name, share in (shares or [])[:6])
        found = found or "py-spy gave nothing"
        lines += ["", f"The slowest page, `{path}`, profiled (py-spy on the server's processes while it "
                  f"was requested again and again; share of the samples under the view, by the functions "
                  f"of `kg/` it calls): {found}."]
    return lines + [""]


def _mark_page(s: Sample) -> str:
    if s.median is None:
        return "**missed** (failed)"
    return "met" if s.median < PAGE_TARGET_S else f"**missed** ({s.median / PAGE_TARGET_S:.1f}× the target)"


def render_load(result: LoadResult, command: str) -> list[str]:
    every = result.all_latencies()
    errors = sum(result.errors.values())
    rate = len(every) / result.duration_s if result.duration_s else 0
    lines = [
        f"### {result.clients} concurrent clients for {result.planned_s:.0f} s (target: no error)",
        "",
        f"`{command}`; {result.clients} client threads in the bench process, each on its own "
        f"keep-alive connection, sending one request after another for {result.planned_s:.0f} s (the "
        f"last answers came {result.duration_s:.0f} s after the start; requests/s over that). The mix: "
        f"{MIX_TEXT}. Latency is seen by the client (queueing included).",
        "",
        "| requests | requests/s | p50 | p99 | errors |",
        "|---:|---:|---:|---:|---:|",
        f"| {result.requests:,} | {rate:,.1f} | {ms(percentile(every, 50)) if every else '—'} | "
        f"{ms(percentile(every, 99)) if every else '—'} | {errors:,}"
        f"{' — **missed**' if errors else ' — met'} |",
        "",
        "| kind | requests | p50 | p99 | max |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind, times in sorted(result.latencies.items()):
        times = sorted(times)
        lines.append(f"| {kind} | {len(times):,} | {ms(percentile(times, 50))} | {ms(percentile(times, 99))} "
                     f"| {ms(times[-1])} |")
    if errors:
        listed = ", ".join(f"{what} × {n}" for what, n in result.errors.most_common())
        lines += ["", f"Errors: {listed}."]
    return lines + [""]


def render_memory(memory: dict[str, Any], tree_pss: int, store_name: str, how: str) -> list[str]:
    others = memory["others"]
    lines = [
        f"| process ({store_name} store, served {how}) | resident (RSS) | proportional (PSS) |",
        "|---|---:|---:|",
        *([f"| gunicorn master | {_mib(memory['master']['rss'])} | {_mib(memory['master']['pss'])} |"]
          if memory["master"]["rss"] else []),
        *[f"| gunicorn worker (pid {w['pid']}) | **{_mib(w['rss'])}** | {_mib(w['pss'])} |"
          for w in memory["workers"]],
        f"| {others['count']} other processes under the master (query workers and their helpers; "
        + (f"largest {_mib(others['max_rss'])} RSS" if others["max_rss"] else "forked by the workers")
        + f"), together | {_mib(others['rss'])} | {_mib(others['pss'])} |",
        "",
        f"All the server's processes together: {_mib(tree_pss)} PSS (shared pages counted once).",
        "",
    ]
    return lines


def largest_worker_kib(memory: dict[str, Any]) -> int:
    return max((w["rss"] for w in memory["workers"]), default=0)


def render_ten_million(record: dict[str, Any] | None, ran_now: bool) -> list[str]:
    lines = ["### A 10M graph served from disk (target: under 1.5 GB resident per worker)", ""]
    if record is None:
        return lines + ["Not run: it is off by default (generating and loading 10M triples takes long). "
                        "Run it with `python -m bench.run --ten-million` (or `python -m bench.serving "
                        "--ten-million`, which records it for the next `make bench`).", ""]
    worst = largest_worker_kib(record["memory"])
    met = "met" if worst and worst < WORKER_TARGET_KIB else "**missed**"
    when = "in this run" if ran_now else f"on {record['date']} (kept in `docs/benchmarks-10m.json`)"
    lines += [
        f"Measured {when} with `{record['command']}`: {record['quads']:,} quads generated in "
        f"{record['generate_s']:.0f} s and loaded (`load_files`) in {record['load_s']:.0f} s; "
        f"`{record['serve_command']}` answered after {record['started_s']:.0f} s; then 24 requests of "
        f"the mix ({record['exercise_s']:.0f} s{_statuses(record.get('requests'))}). Largest worker: "
        f"**{_mib(worst)}** resident — {met}.",
        "",
        *render_memory(record["memory"], record["tree_pss_kib"], f"{record['quads'] / 1e6:.0f}M",
                       "from disk"),
    ]
    return lines


def _statuses(requests: dict[str, dict[str, Any]] | None) -> str:
    if not requests:
        return ""
    return ": " + "; ".join(
        f"{kind} " + ", ".join(f"{n} × {status}" for status, n in sorted(r["statuses"].items()))
        + f", median {ms(r['median_s'])}" for kind, r in sorted(requests.items()))


def _mib(kib: int) -> str:
    return f"{kib / 1024:,.0f} MiB"


def load_ten_million() -> dict[str, Any] | None:
    try:
        record = json.loads(TEN_MILLION_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record


def save_ten_million(record: dict[str, Any]) -> None:
    TEN_MILLION_FILE.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The 10M-triple memory figure alone.")
    parser.add_argument("--ten-million", action="store_true", required=True)
    parser.add_argument("--people", type=int, default=440_000)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    record = ten_million(args.people, log=lambda m: print(f"[{time.perf_counter() - started:6.0f}s] {m}",
                                                          flush=True))
    save_ten_million(record)
    print(f"wrote {TEN_MILLION_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
