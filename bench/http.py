"""Servers the benchmarks start and talk to: this app (``tnmt-kg serve``), rdflib-endpoint and
Virtuoso, each in a process group of its own on a free loopback port, stopped as a group; and a
small SPARQL Protocol client (http.client, one keep-alive connection).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg import virtuoso as kgvirtuoso
from kg.processes import free_port, stop_process_group

#: What the peers are asked for, by query form.
ACCEPT = {"SELECT": "application/sparql-results+json", "ASK": "application/sparql-results+json",
          "CONSTRUCT": "application/n-triples", "DESCRIBE": "application/n-triples"}


@dataclass
class Server:
    """A server process and where it answers."""

    name: str
    base: str  # http://127.0.0.1:PORT
    sparql: str  # its SPARQL endpoint URL
    process: subprocess.Popen
    log_path: Path  # its stderr and stdout
    started_s: float = 0.0  # from the start of the process to its first answer
    extra: dict[str, Any] = field(default_factory=dict)

    def log_text(self, start: int = 0) -> str:
        """The log from byte ``start`` on (read through a handle of its own: the server's
        offset is not moved)."""
        with self.log_path.open("rb") as log:
            log.seek(start)
            return log.read().decode("utf-8", "replace")

    def log_size(self) -> int:
        return self.log_path.stat().st_size


def _spawn(name: str, argv: list[str], *, cwd: str | Path | None = None,
           env: dict[str, str] | None = None) -> tuple[subprocess.Popen, Path]:
    # The log goes to a file: a pipe nobody reads fills up and blocks the server.
    fd, path = tempfile.mkstemp(prefix=f"bench-{name}-", suffix=".log")
    with os.fdopen(fd, "ab") as log:
        process = subprocess.Popen(argv, cwd=cwd, env={**os.environ, **(env or {})},
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    return process, Path(path)


def stop(server: Server) -> None:
    """Stop the server's whole process group and remove its log."""
    try:
        stop_process_group(server.process, timeout=20)
    finally:
        server.log_path.unlink(missing_ok=True)


def _wait(server: Server, probe: str, timeout: float) -> Server:
    """Wait until ``probe`` answers; a server that does not is stopped."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if server.process.poll() is not None:
            text = server.log_text()[-1500:]
            stop(server)
            raise RuntimeError(f"{server.name} exited at start-up: {text}")
        try:
            with urllib.request.urlopen(probe, timeout=5) as answer:
                answer.read()
            return server
        except OSError:
            time.sleep(0.3)
    text = server.log_text()[-1500:]
    stop(server)
    raise RuntimeError(f"{server.name} did not answer within {timeout:.0f} s: {text}")


class MemoryGuard(threading.Thread):
    """Stops a server whose processes together hold more than ``limit_kib`` resident (rdflib's
    engine was seen taking 18 GB on one query here), so it cannot starve the machine."""

    def __init__(self, server: Server, limit_kib: int) -> None:
        super().__init__(daemon=True)
        self.server, self.limit_kib, self.tripped, self._done = server, limit_kib, False, threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.25):
            if self.server.process.poll() is not None:
                return
            if sum(memory_kib(p)["rss"] for p in process_tree(self.server.process.pid)) > self.limit_kib:
                self.tripped = True
                stop_process_group(self.server.process, timeout=2)
                return

    def __enter__(self) -> MemoryGuard:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self.join()


@contextlib.contextmanager
def running(server_factory: Any, *args: Any, **kwargs: Any) -> Iterator[Server]:
    """Start a server with ``server_factory`` and always stop its whole process group."""
    server = server_factory(*args, **kwargs)
    try:
        yield server
    finally:
        stop(server)


def app_command(store: str, port: int, workers: int = 2, memory: str | None = None) -> list[str]:
    """``tnmt-kg serve`` exactly as a user runs the production server."""
    exe = Path(sys.executable).with_name("tnmt-kg")
    argv = [str(exe) if exe.exists() else "tnmt-kg", "serve", "--store", store, "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(workers)]
    return argv + (["--memory", memory] if memory else [])


def start_app(store: str, *, workers: int = 2, memory: str | None = None, timeout: float = 300) -> Server:
    port = free_port()
    argv = app_command(store, port, workers, memory)
    started = time.perf_counter()
    process, log = _spawn("app", argv)
    base = f"http://127.0.0.1:{port}"
    server = _wait(Server("app", base, base + "/sparql", process, log), base + "/sparql?query=ASK%7B%7D",
                   timeout)
    server.started_s = time.perf_counter() - started
    server.extra["command"] = " ".join(["tnmt-kg", *argv[1:]]).replace(str(port), "PORT").replace(
        store, "STORE")
    return server


def start_rdflib_endpoint(data: Path, *, timeout: float = 900) -> Server:
    """rdflib-endpoint's own CLI (``rdflib-endpoint serve FILE``: an rdflib Dataset in memory,
    default graph the union, FastAPI under uvicorn)."""
    port = free_port()
    exe = Path(sys.executable).with_name("rdflib-endpoint")
    if not exe.exists():
        raise RuntimeError("rdflib-endpoint is not installed: pip install -e '.[bench]'")
    started = time.perf_counter()
    process, log = _spawn("rdflib-endpoint", [str(exe), "serve", str(data), "--host", "127.0.0.1",
                                             "--port", str(port)])
    base = f"http://127.0.0.1:{port}"
    server = _wait(Server("rdflib-endpoint", base, base + "/", process, log), base + "/?query=ASK%7B%7D",
                   timeout)
    server.started_s = time.perf_counter() - started
    return server


#: 8 KiB pages: 100,000 buffers is about 800 MB of cache (Virtuoso's guide: ~2/3 of the RAM
#: given to it), enough to hold a million triples.
VIRTUOSO_BUFFERS = 100_000


def start_virtuoso(root: Path, data: Path, *, timeout: float = 60) -> Server:
    """A private Virtuoso in ``root`` on free loopback ports, bulk-loaded with ``data`` (N-Quads)
    by its own loader (``ld_dir`` + ``rdf_loader_run``); the load time is in ``extra``."""
    instance = kgvirtuoso.configure(root, buffers=VIRTUOSO_BUFFERS, connections=16, max_rows=1_000_000,
                                    max_seconds=120)
    try:  # a hard link where it can be, the file is large
        os.link(data, instance.load / data.name)
    except OSError:
        shutil.copy(data, instance.load / data.name)
    process, log = _spawn("virtuoso", kgvirtuoso.command(instance), cwd=root)
    server = Server("virtuoso", instance.base, instance.sparql, process, log)
    try:
        _wait(server, instance.sparql + "?query=ASK%7B%7D", timeout)
        started = time.perf_counter()
        kgvirtuoso.bulk_load(instance, data.name)
        server.extra["load_s"] = time.perf_counter() - started
    except BaseException:
        stop(server)
        raise
    return server


class SparqlClient:
    """SPARQL Protocol queries over one keep-alive connection: a form-encoded POST (the one form
    every peer answers; Virtuoso 7.2 takes no ``application/sparql-query`` body)."""

    def __init__(self, endpoint: str, *, timeout: float = 300) -> None:
        url = urllib.parse.urlsplit(endpoint)
        self.host, self.port, self.path = url.hostname or "127.0.0.1", url.port or 80, url.path or "/"
        self.timeout = timeout
        self._conn: http.client.HTTPConnection | None = None

    def query(self, text: str, form: str) -> tuple[int, bytes]:
        """(status, body) of one query; the body read to its end."""
        body = urllib.parse.urlencode({"query": text}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT[form]}
        return self.request("POST", self.path, body, headers)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        for attempt in (1, 2):  # once more on a connection the server closed while idle
            if self._conn is None:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self._conn.request(method, path, body=body, headers=headers or {})
                answer = self._conn.getresponse()
                data = answer.read()
                if answer.will_close:
                    self.close()
                return answer.status, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def answer_size(form: str, body: bytes) -> int:
    """Rows of a SPARQL JSON answer, triples of an N-Triples answer, 1/0 for an ASK."""
    if form in ("CONSTRUCT", "DESCRIBE"):
        return sum(1 for line in body.splitlines() if line.strip() and not line.startswith(b"#"))
    data = json.loads(body)
    if "boolean" in data:
        return int(bool(data["boolean"]))
    return len(data["results"]["bindings"])


def process_tree(pid: int) -> dict[int, list[int]]:
    """Children of every process under ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    tree: dict[int, list[int]] = {}
    todo = [pid]
    while todo:
        p = todo.pop()
        tree[p] = sorted(children.get(p, []))
        todo.extend(tree[p])
    return tree


def memory_kib(pid: int) -> dict[str, int]:
    """Resident (VmRSS) and proportional (Pss, shared pages divided among sharers) memory, KiB."""
    out = {"rss": 0, "pss": 0}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out["rss"] = int(line.split()[1])
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                out["pss"] = int(line.split()[1])
    return out
