"""The query service: the only place SPARQL runs for the app and the CLI.

Every query goes through two gates:

1. :func:`check_query` parses it before any engine sees it and refuses updates and
   ``SERVICE``, because the endpoint is read-only and offline, and pyoxigraph would make
   the outbound HTTP call itself (nothing in Python can switch that off).
2. :class:`QueryService` runs it with a hard deadline and a row cap. pyoxigraph has no
   timeout or cancellation, so with the ``oxigraph`` backend each query runs in a worker
   process holding its own read-only store; at the deadline that process is killed and
   replaced. With the ``remote`` backend the query goes to the operator's configured
   SPARQL 1.1 endpoint instead.

Results come back serialised (``bytes`` in a chosen format) so they cross the process
boundary as they will cross the HTTP one; :meth:`QueryService.select_rows`,
:meth:`QueryService.ask` and :meth:`QueryService.construct_quads` decode them again for
library callers.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import json
import multiprocessing
import os
import signal
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any, Protocol

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    Triple,
    Variable,
    parse,
    parse_query_results,
    serialize,
)

from .config import Settings
from .errors import (
    BadInput,
    KGError,
    NotAcceptable,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    StoreMissing,
)
from .query_guard import FORMS, ParsedQuery, check_query, engine_error
from .vocab import PREFIXES

if TYPE_CHECKING:
    from .memory import MemoryStore

Term = NamedNode | BlankNode | Literal | Triple
ResultFormat = QueryResultsFormat | RdfFormat

#: Formats of SELECT and ASK results, the first being the default.
RESULTS_FORMATS: tuple[QueryResultsFormat, ...] = (
    QueryResultsFormat.JSON,
    QueryResultsFormat.XML,
    QueryResultsFormat.CSV,
    QueryResultsFormat.TSV,
)

#: Formats of CONSTRUCT and DESCRIBE results, the first being the default.
GRAPH_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat.TURTLE,
    RdfFormat.N_TRIPLES,
    RdfFormat.N_QUADS,
    RdfFormat.TRIG,
    RdfFormat.RDF_XML,
    RdfFormat.JSON_LD,
)

# Formats whose serialiser writes prefix declarations (JSON-LD comes out expanded: it
# needs no @context at all, so none can point anywhere remote).
_PREFIXED_FORMATS = (RdfFormat.TURTLE, RdfFormat.TRIG, RdfFormat.RDF_XML)

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRINGS = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString",
)

# Bodies cross the pipe in chunks so neither side holds the pipe while the other waits,
# and the reader can check its deadline between chunks.
_CHUNK_BYTES = 256 * 1024


# --------------------------------------------------------------------------- checking

# The refusal gate lives in kg.query_guard (a tokenizer, no parser on the hot path); its
# names are re-exported here, where the rest of the project has always imported them.
__all__ = ["FORMS", "ParsedQuery", "QueryResult", "QueryService", "check_query", "result_format"]


# --------------------------------------------------------------------------- formats


def result_format(form: str, media_type: str) -> ResultFormat:
    """The result format for a query form and a media type (parameters allowed).

    :raises NotAcceptable: the media type names no format this form can be written in.

    >>> result_format("SELECT", "text/csv; charset=utf-8") == QueryResultsFormat.CSV
    True
    >>> result_format("CONSTRUCT", "application/ld+json").name
    'JSON-LD'
    """
    allowed = _formats_for(form)
    found = (QueryResultsFormat if form in ("SELECT", "ASK") else RdfFormat).from_media_type(media_type)
    if found is None or found not in allowed:
        raise NotAcceptable(
            f"a {form} result cannot be written as {media_type}; "
            f"available: {', '.join(f.media_type for f in allowed)}"
        )
    return found


def _formats_for(form: str) -> tuple[ResultFormat, ...]:
    return RESULTS_FORMATS if form in ("SELECT", "ASK") else GRAPH_FORMATS


def _bare_media_type(fmt: ResultFormat) -> str:
    return fmt.media_type.split(";", 1)[0].strip()


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class QueryResult:
    """A query's answer, serialised."""

    form: str
    #: Media type of ``body`` (without parameters; every body is UTF-8).
    media_type: str
    body: bytes
    #: The result had more than the row cap and ``body`` holds only the first rows.
    truncated: bool
    #: Solutions (SELECT), triples (CONSTRUCT/DESCRIBE) or 1 (ASK) in ``body``.
    row_count: int
    #: Seconds from the call to the answer, including waiting for a free worker.
    elapsed: float


@dataclass(frozen=True)
class _Job:
    """One query as sent to a worker (picklable: formats travel as media types)."""

    query: str
    form: str
    media_type: str
    max_rows: int
    union_default_graph: bool
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    substitutions: tuple[tuple[str, Term], ...]
    #: Only parse: the worker runs the text on an empty store to hear the engine's verdict.
    probe: bool = False


class _Writable(Protocol):
    def write(self, data: bytes) -> int: ...


def _serialise(result: Any, job: _Job, out: _Writable) -> tuple[int, bool]:
    """Write at most ``job.max_rows`` rows of ``result`` to ``out``: (rows, truncated).

    pyoxigraph can only serialise a whole result, so the first rows are taken here and
    serialised from those: SELECT rows become a JSON results document (simple to write
    correctly), which pyoxigraph re-reads to write XML, CSV or TSV.
    """
    if job.form == "ASK":
        fmt = QueryResultsFormat.from_media_type(job.media_type)
        if not isinstance(result, QueryBoolean):
            result = _as_query_boolean(bool(result))
        result.serialize(out, fmt)
        return 1, False
    if job.form == "SELECT":
        fmt = QueryResultsFormat.from_media_type(job.media_type)
        names = [v.value for v in result.variables]
        rows = list(itertools.islice(result, job.max_rows + 1))
        truncated = len(rows) > job.max_rows
        del rows[job.max_rows :]
        document = json.dumps(
            {
                "head": {"vars": names},
                "results": {
                    "bindings": [
                        {n: _json_term(t) for n, t in zip(names, row, strict=True) if t is not None}
                        for row in rows
                    ]
                },
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        if fmt == QueryResultsFormat.JSON:
            out.write(document)
        else:
            parse_query_results(document, QueryResultsFormat.JSON).serialize(out, fmt)
        return len(rows), truncated
    fmt = RdfFormat.from_media_type(job.media_type)
    triples = [t.triple if isinstance(t, Quad) else t for t in itertools.islice(result, job.max_rows + 1)]
    truncated = len(triples) > job.max_rows
    del triples[job.max_rows :]
    prefixes = PREFIXES if fmt in _PREFIXED_FORMATS else None
    serialize(triples, out, fmt, prefixes=prefixes)
    return len(triples), truncated


def _as_query_boolean(value: bool) -> QueryBoolean:
    return parse_query_results(
        b'{"head":{},"boolean":' + (b"true" if value else b"false") + b"}",
        QueryResultsFormat.JSON,
    )


def _json_term(term: Term) -> dict[str, Any]:
    """A term in the SPARQL 1.1 (and 1.2) JSON results encoding."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        encoded: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            encoded["xml:lang"] = term.language
            if term.direction is not None:
                encoded["its:dir"] = str(term.direction)
        elif term.datatype.value != _XSD_STRING and term.datatype.value not in _LANG_STRINGS:
            encoded["datatype"] = term.datatype.value
        return encoded
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


# --------------------------------------------------------------------------- workers


class _PipeWriter:
    """A binary file that sends what it is given through a pipe, chunk by chunk."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._buffer = bytearray()

    def write(self, data: bytes) -> int:
        self._buffer += data
        if len(self._buffer) >= _CHUNK_BYTES:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self._buffer:
            self._conn.send(("chunk", bytes(self._buffer)))
            self._buffer.clear()


def _worker_main(conn: Connection, store_path: str, store: Store | None = None) -> None:
    """A query worker: open the store once (or use ``store``, an in-memory store inherited
    from a :class:`kg.memory.Forker`), then answer jobs until told to stop.

    Messages back: ``("chunk", bytes)`` any number of times, then ``("done", rows,
    truncated)`` or ``("error", kind, message)`` (chunks before an error are void).
    """
    # Ctrl-C in a terminal reaches the whole process group; the parent decides what to
    # stop, and a worker killed mid-query is what the parent does anyway.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    broken: tuple[str, str] | None = None
    if store is None:
        try:
            store = Store.read_only(store_path)
        except FileNotFoundError:
            broken = ("store_missing", store_path)
        except OSError as exc:
            broken = ("internal", f"cannot open the store at {store_path}: {exc}")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if job is None:
            return
        try:
            if broken is not None:
                conn.send(("error", *broken))
            else:
                _answer(store, job, conn)
        except OSError:
            return  # the pipe broke: the parent closed it or died


_EMPTY_STORE = Store()


def _answer(store: Store, job: _Job, conn: Connection) -> None:
    options: dict[str, Any] = {}
    if job.default_graphs:
        options["default_graph"] = [NamedNode(g) for g in job.default_graphs]
    elif job.union_default_graph:
        options["use_default_graph_as_union"] = True
    if job.named_graphs:
        options["named_graphs"] = [NamedNode(g) for g in job.named_graphs]
    if job.substitutions:
        options["substitutions"] = {Variable(name): term for name, term in job.substitutions}
    writer = _PipeWriter(conn)
    if job.probe:
        # pyoxigraph parses only by evaluating; on an empty store that costs next to nothing
        # (and a probe that still takes long has parsed: the caller stops waiting).
        store = _EMPTY_STORE
        options = {}
    try:
        result = store.query(job.query, **options)
        if job.probe:
            conn.send(("done", 0, False))
            return
        rows, truncated = _serialise(result, job, writer)
    except SyntaxError as exc:
        conn.send(("error", "syntax", str(exc)))
        return
    except (RuntimeError, ValueError, TypeError) as exc:
        # pyoxigraph's evaluation errors (a substituted variable not projected, an
        # unserialisable IRI in RDF/XML, …) are about the query, not the service.
        conn.send(("error", "evaluation", str(exc)))
        return
    except OSError as exc:
        if isinstance(exc, BrokenPipeError | ConnectionError):
            raise
        conn.send(("error", "internal", f"store read failed: {exc}"))
        return
    writer.flush()
    conn.send(("done", rows, truncated))


@dataclass(eq=False)
class _Worker:
    process: Any  # multiprocessing.process.BaseProcess
    conn: Connection
    generation: int
    stopped: bool = False

    def stop(self, *, kill: bool = False) -> None:
        """Ask the process to exit (or kill it) and wait for it to be gone; once only.

        Only the thread that holds the worker (or the pool, for an idle one) calls this:
        closing the pipe under another thread's feet could hand it a reused descriptor.
        """
        if self.stopped:
            return
        self.stopped = True
        if not kill:
            try:
                self.conn.send(None)
            except OSError:
                kill = True
            else:
                self.process.join(1.0)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5.0)
        self.conn.close()
        self.process.close()


class _Deadline(Exception):
    pass


class _WorkerDied(Exception):
    pass


def _store_identity(path: str, *, check_built: bool = False) -> tuple[str, int, int]:
    """Where ``path`` leads now: (real path, device, inode), to notice a swapped store.

    The inode catches a directory renamed into place as well as a swapped symlink. Cheap
    enough (a few system calls) to run before every query.
    """
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except (FileNotFoundError, NotADirectoryError):
        raise StoreMissing(path) from None
    # An empty directory is a store path nothing was built into (as kg.store sees it).
    if not os.path.isdir(real) or (check_built and not os.listdir(real)):
        raise StoreMissing(path)
    return real, st.st_dev, st.st_ino


class _WorkerPool:
    """Worker processes, each with its own read-only store, lent to one query at a time."""

    def __init__(self, store_path: str, size: int, start_method: str,
                 memory: Callable[[], MemoryStore] | None = None) -> None:
        if size < 1:
            raise BadInput(f"query_workers must be at least 1, got {size}", where="query_workers")
        self._store_path = store_path
        self._size = size
        self._context = multiprocessing.get_context(start_method)
        if start_method == "forkserver":
            # Workers forked from the server start with pyoxigraph and this module already
            # imported; '__main__' is left out so no caller's script is re-imported.
            self._context.set_forkserver_preload(["kg.query"])
        self._cond = threading.Condition()
        self._reload_lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._all: list[_Worker] = []
        self._generation = 0
        self._identity: tuple[str, int, int] | None = None
        self._closed = False
        # With an in-memory store the workers are forked by its forker (kg.memory), and the
        # build they answer from is the one `memory()` holds, which may lag the path briefly.
        self._memory_source = memory
        self._memory: MemoryStore | None = None

    def start(self) -> None:
        memory = self._memory_source() if self._memory_source is not None else None
        with self._cond:
            if memory is not None:
                self._memory, self._identity = memory, memory.identity
            else:
                self._identity = _store_identity(self._store_path, check_built=True)
            self._top_up()

    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and diagnostics)."""
        with self._cond:
            return [w.process.pid for w in self._all]

    def _spawn(self) -> _Worker:
        # Caller holds self._cond. The real path, not the symlink, so every worker of a
        # generation opens the same directory even if the link is swapped meanwhile.
        if self._memory is not None:
            process, conn = self._memory.forker.spawn()
            worker = _Worker(process, conn, self._generation)
            self._all.append(worker)
            self._idle.append(worker)
            self._cond.notify()
            return worker
        parent_end, child_end = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=_worker_main,
            args=(child_end, self._identity[0]),
            name="tnmt-kg-query-worker",
            daemon=True,  # multiprocessing stops daemons at interpreter exit
        )
        try:
            process.start()
        except OSError as exc:
            parent_end.close()
            raise KGError(f"cannot start a query worker process: {exc}") from exc
        finally:
            child_end.close()
        worker = _Worker(process, parent_end, self._generation)
        self._all.append(worker)
        self._idle.append(worker)
        self._cond.notify()
        return worker

    def _top_up(self) -> None:
        current = sum(1 for w in self._all if w.generation == self._generation)
        for _ in range(self._size - current):
            self._spawn()

    def ensure_current(self) -> None:
        """Reload when the store path now leads to a different directory."""
        identity = _store_identity(self._store_path)
        if identity != self._identity:
            with self._reload_lock:
                if _store_identity(self._store_path) != self._identity:
                    self.reload()

    def reload(self) -> None:
        """Replace the workers with new ones opening the store as it is now.

        Idle workers stop at once; busy ones finish their query and stop when returned.
        """
        memory = self._memory_source() if self._memory_source is not None else None
        with self._cond:
            if self._closed:
                return
            if memory is not None:
                if memory is self._memory:
                    return  # the new build is not in memory yet: the one held answers
                self._memory, self._identity = memory, memory.identity
            else:
                self._identity = _store_identity(self._store_path, check_built=True)
            self._generation += 1
            retired, self._idle = self._idle, []
            for worker in retired:
                self._all.remove(worker)
            self._top_up()
        for worker in retired:
            worker.stop()

    def acquire(self, deadline: float) -> _Worker:
        with self._cond:
            while True:
                if self._closed:
                    raise KGError("the query service is closed")
                if self._idle:
                    worker = self._idle.pop()
                    if worker.process.is_alive():
                        return worker
                    # Died while idle (the OOM killer, an operator): replace it.
                    self._all.remove(worker)
                    worker.stop(kill=True)
                    continue
                self._top_up()  # after a failed replacement, say
                if self._idle:
                    continue
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise _Deadline
                self._cond.wait(remaining)

    def release(self, worker: _Worker) -> None:
        with self._cond:
            keep = not self._closed and worker.generation == self._generation
            if keep:
                self._idle.append(worker)
                self._cond.notify()
                return
            if worker in self._all:
                self._all.remove(worker)
        worker.stop()

    def discard(self, worker: _Worker) -> None:
        """Kill a worker (past its deadline, or in an unknown state) and replace it."""
        with self._cond:
            if worker in self._all:
                self._all.remove(worker)
        worker.stop(kill=True)
        with self._cond:
            if not self._closed:
                try:
                    self._top_up()
                except KGError:
                    pass  # acquire() tries again; a failed fork must not hide the timeout

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle, busy = self._idle, [w for w in self._all if w not in self._idle]
            self._idle, self._all = [], []
            self._cond.notify_all()
        for worker in idle:
            worker.stop()
        for worker in busy:
            # Killed but not closed: the thread running its query sees the pipe's end,
            # and cleans up through discard().
            worker.process.kill()

    def exchange(self, worker: _Worker, job: _Job, deadline: float) -> tuple:
        """Send a job and collect its answer, reading as it comes so no pipe fills up.

        Returns ``("done", body, rows, truncated)`` or ``("error", kind, message)``.
        :raises _Deadline: the deadline passed first.
        :raises _WorkerDied: the worker vanished (killed by close(), or crashed).
        """
        conn = worker.conn
        chunks: list[bytes] = []
        try:
            conn.send(job)
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not conn.poll(remaining):
                    raise _Deadline
                message = conn.recv()
                if message[0] == "chunk":
                    chunks.append(message[1])
                elif message[0] == "done":
                    return ("done", b"".join(chunks), message[1], message[2])
                else:
                    return message
        except (EOFError, OSError) as exc:
            raise _WorkerDied from exc


# --------------------------------------------------------------------------- remote


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # The only outbound connection allowed is to the configured endpoint; a redirect
    # would lead elsewhere, so it is reported instead of followed.
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
        return None


_REMOTE_RESULTS_ACCEPT = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, text/tab-separated-values;q=0.8"
)
# No JSON-LD: its @context may name a remote document, and nothing must be fetched.
_REMOTE_GRAPH_ACCEPT = (
    "application/n-triples, text/turtle;q=0.9, application/n-quads;q=0.8, application/rdf+xml;q=0.7"
)


class _RemoteEndpoint:
    """An external SPARQL 1.1 endpoint spoken to with the SPARQL 1.1 Protocol."""

    def __init__(self, url: str) -> None:
        scheme = urllib.parse.urlsplit(url).scheme
        if scheme not in ("http", "https"):
            raise BadInput(f"remote_endpoint must be an http(s) URL, got {url!r}", where="remote_endpoint")
        self.url = url
        self._opener = urllib.request.build_opener(_NoRedirect)
        from .remote import RemoteStore

        self._graphs = RemoteStore(url)

    def _dataset(self, job: _Job) -> list[tuple[str, str]]:
        """The protocol's dataset parameters. With none given and no FROM in the query, the
        project's graphs: the same union default graph as the embedded store, without the
        engine's own graphs (Virtuoso keeps its system data in the default graph)."""
        default_graphs, named_graphs = job.default_graphs, job.named_graphs
        if job.union_default_graph and not default_graphs and not named_graphs:
            default_graphs = named_graphs = tuple(self._graphs.project_graphs())
        return ([("default-graph-uri", g) for g in default_graphs]
                + [("named-graph-uri", g) for g in named_graphs])

    def execute(self, job: _Job, deadline: float) -> tuple[bytes, int, bool]:
        """Run a job remotely and cap it here like the workers do: (body, rows, truncated).

        The endpoint is asked for a format pyoxigraph can read back (JSON results,
        N-Triples, …) rather than the wanted one, because capping needs the rows.
        """
        # Form-encoded POST, the one method every engine implements: Virtuoso 7.2 as packaged
        # by Debian never answers a direct `application/sparql-query` POST.
        params = [("query", job.query), *self._dataset(job)]
        graph_form = job.form in ("CONSTRUCT", "DESCRIBE")
        request = urllib.request.Request(
            self.url,
            data=urllib.parse.urlencode(params).encode(),
            method="POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": _REMOTE_GRAPH_ACCEPT if graph_form else _REMOTE_RESULTS_ACCEPT,
                "User-Agent": "tnmt-kg",
            },
        )
        body, content_type = self._fetch(request, deadline)
        if graph_form:
            fmt = RdfFormat.from_media_type(content_type)
            if fmt is None or fmt in (RdfFormat.JSON_LD, RdfFormat.STREAMING_JSON_LD):
                raise KGError(f"the SPARQL endpoint sent {content_type!r}, not RDF", where=self.url)
            try:
                result: Any = list(parse(body, fmt))
            except SyntaxError as exc:
                raise KGError(f"the SPARQL endpoint sent invalid {fmt.name}: {exc}", where=self.url) from None
        else:
            fmt = QueryResultsFormat.from_media_type(content_type)
            if fmt is None or fmt == QueryResultsFormat.CSV:
                raise KGError(
                    f"the SPARQL endpoint sent {content_type!r}, not readable query results",
                    where=self.url,
                )
            if fmt == QueryResultsFormat.JSON:
                from .remote import normalise_json_results

                body = normalise_json_results(body)
            try:
                result = parse_query_results(body, fmt)
            except SyntaxError as exc:
                raise KGError(f"the SPARQL endpoint sent invalid results: {exc}", where=self.url) from None
            if (job.form == "ASK") != isinstance(result, QueryBoolean):
                raise KGError(
                    f"the SPARQL endpoint answered a {job.form} query with the wrong kind of result",
                    where=self.url,
                )
        out = io.BytesIO()
        rows, truncated = _serialise(result, job, out)
        return out.getvalue(), rows, truncated

    def _fetch(self, request: urllib.request.Request, deadline: float) -> tuple[bytes, str]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _Deadline
        try:
            # urllib's timeout bounds each socket operation; the loop bounds the whole.
            with self._opener.open(request, timeout=remaining) as response:
                content_type = response.headers.get("Content-Type", "")
                chunks = []
                while chunk := response.read(65536):
                    chunks.append(chunk)
                    if time.monotonic() > deadline:
                        raise _Deadline
                return b"".join(chunks), content_type
        except urllib.error.HTTPError as exc:
            raise self._http_error(exc) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise _Deadline from None
            raise KGError(f"cannot reach the SPARQL endpoint: {exc.reason}", where=self.url) from None
        except TimeoutError:
            raise _Deadline from None
        except OSError as exc:
            raise KGError(f"the SPARQL endpoint connection failed: {exc}", where=self.url) from None

    def _http_error(self, exc: urllib.error.HTTPError) -> KGError:
        try:
            detail = exc.read(2000).decode("utf-8", "replace").strip()
        except OSError:
            detail = ""
        finally:
            exc.close()
        said = f"the SPARQL endpoint answered {exc.code} {exc.reason}" + (f": {detail}" if detail else "")
        if exc.code == 400:
            return QuerySyntaxError(said, where=self.url)
        if exc.code in (401, 403):
            return QueryRefused(said, where=self.url)
        if exc.code in (406, 415):
            return NotAcceptable(said, where=self.url)
        if exc.code in (408, 504):
            return QueryTimeout(said, where=self.url)
        if 300 <= exc.code < 400:
            return KGError(
                f"the SPARQL endpoint redirects ({exc.code}) to {exc.headers.get('Location')}; "
                "configure that URL as remote_endpoint",
                where=self.url,
            )
        return KGError(said, where=self.url)


# --------------------------------------------------------------------------- service


class QueryService:
    """Runs checked SPARQL queries under a time limit and a row cap.

    One service per process (each gunicorn worker makes its own, after the fork). Safe to
    call from many threads: with the ``oxigraph`` backend a call borrows a free worker
    process (waiting, within its deadline, when all are busy), so one slow query does not
    hold up the others beyond its own worker.

    :param settings: ``sparql_backend``, ``store``, ``query_workers``, ``query_timeout``,
        ``max_rows`` and ``remote_endpoint`` are used.
    :param memory: serve from memory: a callable giving the :class:`kg.memory.MemoryStore` of
        the current build (``kg.memory.current``); its forker forks the workers, which share
        the store copy-on-write, and ``start_method`` is not used.
    :param start_method: how worker processes start. ``'forkserver'`` (the default) forks
        them from a clean single-threaded server, so a worker inherits neither the state of
        Flask's threads nor this process's open descriptors (a client socket held open by a
        worker would keep that client waiting). ``'fork'`` skips the server's one-off
        start (~0.1 s). As with any multiprocessing program not using ``'fork'``, a script
        that starts the service must guard its entry point with
        ``if __name__ == "__main__":``, since each worker imports the main module.
    """

    def __init__(self, settings: Settings, *, start_method: str = "forkserver",
                 memory: Callable[[], MemoryStore] | None = None) -> None:
        if settings.sparql_backend not in ("oxigraph", "remote"):
            raise BadInput(
                f"unknown sparql_backend {settings.sparql_backend!r}; known: oxigraph, remote",
                where="sparql_backend",
            )
        self.settings = settings
        self._start_method = start_method
        self._memory = memory
        self._pool: _WorkerPool | None = None
        self._remote: _RemoteEndpoint | None = None
        self._lock = threading.Lock()
        self._started = False
        self._closed = False

    # life

    def start(self) -> QueryService:
        """Start the workers (or check the remote endpoint's URL); idempotent.

        :raises StoreMissing: backend ``oxigraph`` and no store at ``settings.store``.
        """
        with self._lock:
            if self._closed:
                raise KGError("the query service is closed")
            if self._started:
                return self
            if self.settings.sparql_backend == "remote":
                self._remote = _RemoteEndpoint(self.settings.remote_endpoint)
            else:
                pool = _WorkerPool(self.settings.store, self.settings.query_workers, self._start_method,
                                   memory=self._memory)
                try:
                    pool.start()
                except BaseException:
                    pool.close()
                    raise
                self._pool = pool
            self._started = True
        return self

    def close(self) -> None:
        """Stop every worker process, killing those still running a query."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    def reload(self) -> None:
        """Replace the workers so the next queries see the store as it is now.

        Called automatically before a query when the store path leads somewhere new (the
        build swaps a symlink); call it yourself after changing a store in place.
        """
        self.start()
        if self._pool is not None:
            self._pool.reload()

    def worker_pids(self) -> list[int]:
        """Process ids of the worker processes (empty for the remote backend)."""
        return self._pool.pids() if self._pool is not None else []

    def __enter__(self) -> QueryService:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # queries

    def run(
        self,
        query: str,
        *,
        default_graph_uris: Iterable[str | NamedNode] = (),
        named_graph_uris: Iterable[str | NamedNode] = (),
        timeout: float | None = None,
        max_rows: int | None = None,
        result_format: ResultFormat | None = None,
        substitutions: Mapping[str | Variable, Term] | None = None,
    ) -> QueryResult:
        """Check and run a query; the answer serialised in ``result_format``.

        :param default_graph_uris: graphs merged into the default graph; by default it is
            the union of all graphs (or the query's own ``FROM`` graphs).
        :param named_graph_uris: the only graphs ``GRAPH`` may see; by default all.
        :param timeout: seconds, at most ``settings.query_timeout`` (a larger value is
            cut to it): the time limit is the operator's, a caller may only ask for less.
        :param max_rows: solutions or triples to keep, at most ``settings.max_rows``.
        :param result_format: a :data:`RESULTS_FORMATS` value for SELECT/ASK, a
            :data:`GRAPH_FORMATS` value for CONSTRUCT/DESCRIBE; default the first.
        :param substitutions: variable name → RDF term, bound by the engine
            (pyoxigraph ``substitutions=``), never pasted into the text. A SELECT must
            project a substituted variable.
        :raises QuerySyntaxError, QueryRefused: see :func:`check_query`.
        :raises QueryTimeout: the query was stopped at its time limit.
        :raises NotAcceptable: ``result_format`` does not suit the query form.
        :raises StoreMissing: there is no store.
        :raises BadInput: a bad option, or the engine could not evaluate the query.
        """
        return self._run(
            query,
            FORMS,
            default_graph_uris=default_graph_uris,
            named_graph_uris=named_graph_uris,
            timeout=timeout,
            max_rows=max_rows,
            result_format=result_format,
            substitutions=substitutions,
        )

    def _run(
        self,
        query: str,
        forms: tuple[str, ...],
        *,
        default_graph_uris: Iterable[str | NamedNode] = (),
        named_graph_uris: Iterable[str | NamedNode] = (),
        timeout: float | None = None,
        max_rows: int | None = None,
        result_format: ResultFormat | None = None,
        substitutions: Mapping[str | Variable, Term] | None = None,
    ) -> QueryResult:
        started = time.monotonic()
        parsed = check_query(query)
        if parsed.form not in forms:
            raise BadInput(f"expected a {' or '.join(forms)} query, got {parsed.form}")
        limit = self._limit(timeout)
        deadline = started + limit
        fmt = result_format if result_format is not None else _formats_for(parsed.form)[0]
        if fmt not in _formats_for(parsed.form):
            raise NotAcceptable(
                f"a {parsed.form} result cannot be written as {getattr(fmt, 'name', fmt)}; "
                f"available: {', '.join(f.name for f in _formats_for(parsed.form))}"
            )
        default_graphs = _iris(default_graph_uris, "default_graph_uris")
        job = _Job(
            query=query,
            form=parsed.form,
            media_type=_bare_media_type(fmt),
            max_rows=self._row_cap(max_rows),
            union_default_graph=not parsed.has_dataset_clause,
            default_graphs=default_graphs,
            named_graphs=_iris(named_graph_uris, "named_graph_uris"),
            substitutions=_substitutions(substitutions),
        )
        self.start()
        if self._remote is not None:
            if job.substitutions:
                # The protocol cannot bind variables, so the terms go into a VALUES block
                # written by pyoxigraph's serialiser (typed, escaped terms — never raw text).
                from .remote import bind_values

                job = dataclasses.replace(job, query=bind_values(job.query, dict(job.substitutions)),
                                          substitutions=())
            try:
                body, rows, truncated = self._remote.execute(job, deadline)
            except _Deadline:
                raise self._timeout(limit) from None
        else:
            body, rows, truncated = self._run_in_worker(job, deadline, limit)
        return QueryResult(
            form=parsed.form,
            media_type=job.media_type,
            body=body,
            truncated=truncated,
            row_count=rows,
            elapsed=time.monotonic() - started,
        )

    def check_syntax(self, query: str, *, timeout: float = 1.0) -> ParsedQuery:
        """:func:`check_query`, then the engine's own parse, without running the query.

        The engine's parse runs in a worker (pyoxigraph parses only by evaluating, here on
        an empty store), so it costs a round trip: for the rare paths that must report a
        syntax error before anything else (``/sparql``'s 406), not for every query. With
        the ``remote`` backend the engine's parse comes only with the answer.

        :raises QuerySyntaxError, QueryRefused: see :func:`check_query`.
        """
        parsed = check_query(query)
        self.start()
        if self._pool is None:
            return parsed
        job = _Job(query=query, form=parsed.form, media_type="", max_rows=0, union_default_graph=False,
                   default_graphs=(), named_graphs=(), substitutions=(), probe=True)
        try:
            self._run_in_worker(job, time.monotonic() + min(timeout, self.settings.query_timeout), timeout)
        except QueryTimeout:
            pass  # still evaluating on an empty store: it parsed
        except BadInput as exc:
            if isinstance(exc, QuerySyntaxError):
                raise
        return parsed

    def select_rows(self, query: str, **options: Any) -> list[dict[str, Term]]:
        """A SELECT's solutions as dicts of variable name → pyoxigraph term (unbound
        variables left out), under the same time limit and row cap as :meth:`run`."""
        result = self._run(query, ("SELECT",), result_format=QueryResultsFormat.JSON, **options)
        solutions = parse_query_results(result.body, QueryResultsFormat.JSON)
        assert isinstance(solutions, QuerySolutions)
        names = [v.value for v in solutions.variables]
        return [{n: t for n, t in zip(names, row, strict=True) if t is not None} for row in solutions]

    def ask(self, query: str, **options: Any) -> bool:
        """An ASK query's answer."""
        result = self._run(query, ("ASK",), result_format=QueryResultsFormat.JSON, **options)
        return bool(parse_query_results(result.body, QueryResultsFormat.JSON))

    def construct_quads(self, query: str, **options: Any) -> list[Quad]:
        """A CONSTRUCT or DESCRIBE result as quads in the default graph (capped)."""
        result = self._run(query, ("CONSTRUCT", "DESCRIBE"), result_format=RdfFormat.N_TRIPLES, **options)
        return list(parse(result.body, RdfFormat.N_TRIPLES))

    # internals

    def _run_in_worker(self, job: _Job, deadline: float, limit: float) -> tuple[bytes, int, bool]:
        pool = self._pool
        if pool is None:
            raise KGError("the query service is closed")
        pool.ensure_current()
        try:
            worker = pool.acquire(deadline)
        except _Deadline:
            raise QueryTimeout(f"no query worker became free within the time limit of {limit:g} s") from None
        try:
            outcome = pool.exchange(worker, job, deadline)
        except _Deadline:
            pool.discard(worker)
            raise self._timeout(limit) from None
        except _WorkerDied:
            pool.discard(worker)
            if self._closed:
                raise KGError("the query service was closed while the query ran") from None
            raise KGError("the query worker process died while running the query") from None
        except BaseException:
            pool.discard(worker)  # interrupted mid-answer: its pipe may hold a half message
            raise
        pool.release(worker)
        if outcome[0] == "done":
            return outcome[1], outcome[2], outcome[3]
        raise _worker_error(outcome[1], outcome[2], self.settings.store)

    def _limit(self, timeout: float | None) -> float:
        if timeout is None:
            return self.settings.query_timeout
        if not timeout > 0:
            raise BadInput(f"timeout must be positive, got {timeout!r}", where="timeout")
        return min(float(timeout), self.settings.query_timeout)

    def _row_cap(self, max_rows: int | None) -> int:
        if max_rows is None:
            return self.settings.max_rows
        if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 1:
            raise BadInput(f"max_rows must be a positive integer, got {max_rows!r}", where="max_rows")
        return min(max_rows, self.settings.max_rows)

    @staticmethod
    def _timeout(limit: float) -> QueryTimeout:
        return QueryTimeout(f"the query ran past its time limit of {limit:g} s and was stopped")


def _worker_error(kind: str, message: str, store: str) -> KGError:
    if kind == "syntax":
        return engine_error(message)
    if kind == "store_missing":
        return StoreMissing(store)
    if kind == "evaluation":
        return BadInput(f"the query could not be evaluated: {message}")
    return KGError(message)


def _iris(values: Iterable[str | NamedNode], option: str) -> tuple[str, ...]:
    if isinstance(values, str | NamedNode):
        values = (values,)  # one graph given bare, not a string of characters
    iris = []
    for value in values:
        try:
            iris.append(NamedNode(value.value if isinstance(value, NamedNode) else value).value)
        except (ValueError, TypeError) as exc:
            raise BadInput(f"not a graph IRI: {value!r} ({exc})", where=option) from None
    return tuple(iris)


def _substitutions(values: Mapping[str | Variable, Term] | None) -> tuple[tuple[str, Term], ...]:
    if not values:
        return ()
    bound = []
    for name, term in values.items():
        key = name.value if isinstance(name, Variable) else str(name).lstrip("?$")
        if not isinstance(term, NamedNode | BlankNode | Literal | Triple):
            raise BadInput(
                f"?{key} must be bound to an RDF term (NamedNode, Literal, …), not {type(term).__name__}",
                where="substitutions",
            )
        try:
            Variable(key)
        except ValueError as exc:
            raise BadInput(f"not a variable name: {key!r} ({exc})", where="substitutions") from None
        bound.append((key, term))
    return tuple(bound)
