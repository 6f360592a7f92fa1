"""The query worker processes: each holds a read-only store (or inherits the in-memory one)
and answers one job at a time through a pipe, so a query past its deadline is stopped by
killing its process — pyoxigraph has no timeout or cancellation of its own."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from pyoxigraph import NamedNode, Store, Variable

from .errors import BadInput, KGError, StoreMissing
from .results import _CHUNK_BYTES, Deadline, Job, serialise

if TYPE_CHECKING:
    from .memory import MemoryStore

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


def worker_main(conn: Connection, store_path: str, store: Store | None = None) -> None:
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


def _answer(store: Store, job: Job, conn: Connection) -> None:
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
        rows, truncated = serialise(result, job, writer)
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


class WorkerDied(Exception):
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


class WorkerPool:
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
            target=worker_main,
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
                    raise Deadline
                self._cond.wait(remaining)

    def busy(self) -> int:
        """Workers running a query now."""
        with self._cond:
            return len(self._all) - len(self._idle)

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

    def exchange(self, worker: _Worker, job: Job, deadline: float) -> tuple:
        """Send a job and collect its answer, reading as it comes so no pipe fills up.

        Returns ``("done", body, rows, truncated)`` or ``("error", kind, message)``.
        :raises Deadline: the deadline passed first.
        :raises WorkerDied: the worker vanished (killed by close(), or crashed).
        """
        conn = worker.conn
        chunks: list[bytes] = []
        try:
            conn.send(job)
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not conn.poll(remaining):
                    raise Deadline
                message = conn.recv()
                if message[0] == "chunk":
                    chunks.append(message[1])
                elif message[0] == "done":
                    return ("done", b"".join(chunks), message[1], message[2])
                else:
                    return message
        except (EOFError, OSError) as exc:
            raise WorkerDied from exc

