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

The worker processes live in :mod:`kg.workers`, the remote engine's client in
:mod:`kg.remote`, result formats and the capped serialisation in :mod:`kg.results`.
Results come back serialised (``bytes`` in a chosen format) so they cross the process
boundary as they will cross the HTTP one; :meth:`QueryService.select_rows`,
:meth:`QueryService.ask` and :meth:`QueryService.construct_quads` decode them again for
library callers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    Variable,
    parse,
    parse_query_results,
)

from .config import Settings
from .errors import BadInput, KGError, NotAcceptable, QuerySyntaxError, QueryTimeout, StoreMissing
from .query_guard import FORMS, ParsedQuery, check_query, engine_error
from .remote import RemoteEndpoint
from .results import (
    GRAPH_FORMATS,
    RESULTS_FORMATS,
    Deadline,
    Job,
    QueryResult,
    ResultFormat,
    Term,
    bare_media_type,
    formats_for,
    result_format,
)
from .workers import WorkerDied, WorkerPool

if TYPE_CHECKING:
    from .memory import MemoryStore

# The refusal gate lives in kg.query_guard (a tokenizer, no parser on the hot path) and the
# formats in kg.results; their names are re-exported here, where the project imports them.
__all__ = ["FORMS", "GRAPH_FORMATS", "RESULTS_FORMATS", "ParsedQuery", "QueryResult", "QueryService",
           "check_query", "result_format"]


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
        self._pool: WorkerPool | None = None
        self._remote: RemoteEndpoint | None = None
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
                self._remote = RemoteEndpoint(self.settings.remote_endpoint)
            else:
                pool = WorkerPool(self.settings.store, self.settings.query_workers, self._start_method,
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

    def busy_workers(self) -> int:
        """Worker processes running a query now (0 for the remote backend)."""
        return self._pool.busy() if self._pool is not None else 0

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
        union_default_graph: bool = True,
        own: bool = False,
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
        :param union_default_graph: without a dataset, the default graph is the union of all
            graphs (``False``: the store's own default graph).
        :param own: the app's own query (:mod:`kg.service_store`), whose ``max_rows`` may pass
            ``settings.max_rows``; never set for a user's text.
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
            union_default_graph=union_default_graph,
            own=own,
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
        union_default_graph: bool = True,
        own: bool = False,
    ) -> QueryResult:
        started = time.monotonic()
        parsed = check_query(query)
        if parsed.form not in forms:
            raise BadInput(f"expected a {' or '.join(forms)} query, got {parsed.form}")
        limit = self._limit(timeout)
        deadline = started + limit
        fmt = result_format if result_format is not None else formats_for(parsed.form)[0]
        if fmt not in formats_for(parsed.form):
            raise NotAcceptable(
                f"a {parsed.form} result cannot be written as {getattr(fmt, 'name', fmt)}; "
                f"available: {', '.join(f.name for f in formats_for(parsed.form))}"
            )
        default_graphs = _iris(default_graph_uris, "default_graph_uris")
        job = Job(
            query=query,
            form=parsed.form,
            media_type=bare_media_type(fmt),
            max_rows=self._row_cap(max_rows, own=own),
            union_default_graph=union_default_graph and not parsed.has_dataset_clause,
            default_graphs=default_graphs,
            named_graphs=_iris(named_graph_uris, "named_graph_uris"),
            substitutions=_substitutions(substitutions),
        )
        self.start()
        if self._remote is not None:
            try:
                body, rows, truncated = self._remote.execute(job, deadline)
            except Deadline:
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
        job = Job(query=query, form=parsed.form, media_type="", max_rows=0, union_default_graph=False,
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

    def _run_in_worker(self, job: Job, deadline: float, limit: float) -> tuple[bytes, int, bool]:
        pool = self._pool
        if pool is None:
            raise KGError("the query service is closed")
        pool.ensure_current()
        try:
            worker = pool.acquire(deadline)
        except Deadline:
            raise QueryTimeout(f"no query worker became free within the time limit of {limit:g} s") from None
        try:
            outcome = pool.exchange(worker, job, deadline)
        except Deadline:
            pool.discard(worker)
            raise self._timeout(limit) from None
        except WorkerDied:
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

    def _row_cap(self, max_rows: int | None, *, own: bool = False) -> int:
        if max_rows is None:
            return self.settings.max_rows
        if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 1:
            raise BadInput(f"max_rows must be a positive integer, got {max_rows!r}", where="max_rows")
        return max_rows if own else min(max_rows, self.settings.max_rows)

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
