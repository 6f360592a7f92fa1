"""The store served from memory: loaded once, before the workers fork, shared copy-on-write.

An in-memory pyoxigraph ``Store()`` answers the same queries 4–6× faster than the on-disk
store (PITFALLS). A read-only server can load its build into memory once and let every process
that serves requests inherit it by ``fork``: gunicorn's master loads it (``server/gunicorn.py``)
and forks its workers; the workers' query processes are forked from a *forker*, a small
single-threaded process forked right after the load, which holds the store and forks a query
worker whenever a pool asks (over a Unix socket, passing the worker's end of a socket pair).

Why a forker rather than ``fork`` from the process that asks: the in-memory store takes short
locks while it is read (a mutex per quad, shard locks), and a process forked while another of its
threads holds one would wait for it forever. The forker is forked before anyone reads the store
and never reads it itself, so its children start with every lock free. The time limit stays
killable: a query worker is a process of its own, killed at the deadline and replaced.

A rebuild swaps the store path's symlink (``kg.store``). The holder notices (the path leads to a
new directory) and, in a process of its own, loads the new build and forks a new forker before
anyone sees it; the old build answers meanwhile. In a gunicorn worker whose master holds the
store, the worker instead finishes its requests and exits, and the master loads the new build
before forking the replacement, so the workers keep sharing one copy.

``memory = auto | on | off`` (``docs/settings.md``): ``auto`` serves from memory when the build
fits, by its size on disk against the memory available.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from pyoxigraph import RdfFormat, Store

from . import store as kgstore
from .errors import BadInput, KGError, StoreMissing

log = logging.getLogger(__name__)

MEMORY_MODES = ("auto", "on", "off")

#: Resident bytes of an in-memory store per byte of the on-disk (RocksDB) store: 1.75 measured
#: on the 1M-triple bench graph (276 MB on disk, 480 MiB resident once loaded), rounded up.
MEMORY_PER_DISK_BYTE = 2.0
#: ``auto`` loads a build when its estimate is at most this share of the memory available.
AUTO_SHARE = 0.5


# --------------------------------------------------------------------------- deciding


def disk_bytes(store_path: str | os.PathLike[str]) -> int:
    """Bytes of the build directory the store path leads to."""
    real = Path(kgstore.current_target(store_path))
    return sum(p.stat().st_size for p in real.rglob("*") if p.is_file())


def available_bytes() -> int:
    """Memory the system can give without swapping (``MemAvailable``), in bytes."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


def use_memory(mode: str, store_path: str | os.PathLike[str], *, backend: str = "oxigraph") -> bool:
    """Whether to serve the store at ``store_path`` from memory under setting ``mode``.

    >>> use_memory("off", "/nonexistent")
    False
    """
    if mode not in MEMORY_MODES:
        raise BadInput(f"memory must be one of {', '.join(MEMORY_MODES)}, not {mode!r}", where="memory")
    if backend != "oxigraph" or mode == "off":
        return False
    if mode == "on":
        return True
    if not kgstore.exists(store_path):
        return False  # nothing to measure yet: on disk, which also reports the missing store
    return disk_bytes(store_path) * MEMORY_PER_DISK_BYTE <= available_bytes() * AUTO_SHARE


# --------------------------------------------------------------------------- one loaded build


def store_identity(path: str | os.PathLike[str]) -> tuple[str, int, int]:
    """Where ``path`` leads now: (real path, device, inode); changes when a build is swapped in."""
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except (FileNotFoundError, NotADirectoryError):
        raise StoreMissing(str(path)) from None
    if not os.path.isdir(real) or not os.listdir(real):
        raise StoreMissing(str(path))
    return real, st.st_dev, st.st_ino


@dataclass(eq=False)
class MemoryStore:
    """One build, loaded into memory, with the forker of its query workers."""

    identity: tuple[str, int, int]
    store: Store
    info: kgstore.BuildInfo
    forker: Forker
    seconds: float

    @classmethod
    def load(cls, store_path: str | os.PathLike[str]) -> MemoryStore:
        started = time.monotonic()
        identity = store_identity(store_path)
        info = kgstore.build_info(store_path)
        memory = _read_in_child(identity[0])
        # Fork now, while no other thread can be reading the new store (see the module doc).
        forker = Forker.start(memory)
        loaded = cls(identity, memory, info, forker, time.monotonic() - started)
        log.info("serving %s from memory (loaded in %.1f s)", identity[0], loaded.seconds)
        return loaded


_DUMP = (
    "import sys\n"
    "from pyoxigraph import RdfFormat, Store\n"
    "Store.read_only(sys.argv[1]).dump(sys.stdout.buffer, RdfFormat.N_QUADS)\n"
)


def _read_in_child(path: str) -> Store:
    """A new in-memory store holding the on-disk store at ``path``.

    The on-disk store is read by a child process (a new interpreter) that writes N-Quads to a
    pipe, which this process bulk-loads as it comes. This process never opens RocksDB: RocksDB
    keeps a process-wide thread pool, and a process forked after opening it aborts when it exits
    ("std::system_error: Invalid argument"), as gunicorn workers forked from the master would.
    Reading and loading also overlap, on two cores.
    """
    memory = Store()
    with subprocess.Popen([sys.executable, "-c", _DUMP, path], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as child:
        assert child.stdout is not None and child.stderr is not None
        try:
            memory.bulk_load(child.stdout, RdfFormat.N_QUADS)
        except SyntaxError as exc:
            child.kill()
            raise KGError(f"cannot load the store into memory: {exc}", where=path) from None
        finally:
            child.stdout.close()
        error = child.stderr.read().decode("utf-8", "replace").strip()
        if child.wait() != 0:
            raise KGError(f"cannot read the store to load it into memory: {error[-500:]}", where=path)
    return memory


@dataclass
class _Holder:
    lock: threading.Lock = field(default_factory=threading.Lock)
    held: dict[str, MemoryStore] = field(default_factory=dict)
    loading: set[str] = field(default_factory=set)
    #: This process is a gunicorn worker whose master holds the memory store (set after fork).
    under_master: bool = False
    restart_asked: bool = False


_holder = _Holder()


def current(store_path: str | os.PathLike[str]) -> MemoryStore:
    """The memory store of the build ``store_path`` leads to now, loaded on first use.

    When a new build has been swapped in: in a gunicorn worker whose master holds the store, the
    old build answers while the worker exits gracefully (its replacement gets the new build);
    elsewhere the new build is loaded here while the old one answers, and then replaces it.

    :raises StoreMissing: nothing is built at ``store_path``.
    """
    key = os.path.abspath(store_path)
    identity = store_identity(store_path)
    with _holder.lock:
        held = _holder.held.get(key)
        if held is not None and (held.identity == identity or key in _holder.loading):
            return held
        if held is not None and _holder.under_master:
            _ask_for_restart()
            return held
        _holder.loading.add(key)
    try:
        if held is None:
            loaded = MemoryStore.load(store_path)
        else:
            try:
                loaded = MemoryStore.load(store_path)
            except KGError:
                log.exception("could not load the new build into memory; serving the previous one")
                return held
    finally:
        with _holder.lock:
            _holder.loading.discard(key)
    with _holder.lock:
        _holder.held[key] = loaded
    if held is not None:
        held.forker.stop()  # its query workers finish their queries and retire with their pool
    return loaded


def serving_under_master() -> None:
    """Mark this process as a gunicorn worker forked from a master that holds the memory store."""
    _holder.under_master = True
    _holder.restart_asked = False


def _ask_for_restart() -> None:
    if _holder.restart_asked:
        return
    _holder.restart_asked = True
    log.info("a new build was swapped in: this worker finishes its requests and is replaced")
    os.kill(os.getpid(), signal.SIGTERM)  # gunicorn: a graceful stop; the master forks a new worker


def forget() -> None:
    """Stop every forker this process started and drop the stores (tests, shutdown)."""
    with _holder.lock:
        held, _holder.held = list(_holder.held.values()), {}
    for memory in held:
        memory.forker.stop()


atexit.register(forget)


# --------------------------------------------------------------------------- the forker


class Forker:
    """A single-threaded child process that forks query workers sharing an in-memory store."""

    def __init__(self, pid: int, address: str, folder: str) -> None:
        self.pid = pid
        self.address = address
        self._folder = folder
        self._owner = os.getpid()
        self._stopped = False

    @classmethod
    def start(cls, store: Store) -> Forker:
        folder = tempfile.mkdtemp(prefix="tnmt-kg-forker-")  # 0700: only this user can connect
        address = os.path.join(folder, "socket")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(address)
            listener.listen(64)
            pid = os.fork()
        except BaseException:
            listener.close()
            shutil.rmtree(folder, ignore_errors=True)
            raise
        if pid == 0:  # pragma: no cover - runs in the forker
            code = 0
            try:
                _close_inherited_descriptors(keep=listener.fileno())
                _serve_forks(listener, store)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        listener.close()
        return cls(pid, address, folder)

    def spawn(self) -> tuple[ForkedProcess, Connection]:
        """Fork a query worker: (the process, this side's connection to it)."""
        ours, theirs = socket.socketpair()
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as link:
                link.settimeout(10.0)
                link.connect(self.address)
                socket.send_fds(link, [b"w"], [theirs.fileno()])
                answer = b""
                while chunk := link.recv(32):
                    answer += chunk
            pid = int(answer)
        except (OSError, ValueError) as exc:
            ours.close()
            raise KGError(f"cannot start a query worker from the in-memory store's forker: {exc}") from exc
        finally:
            theirs.close()
        return ForkedProcess(pid), Connection(ours.detach())

    def stop(self) -> None:
        if self._stopped or os.getpid() != self._owner:
            return  # a forked copy of the owner does not stop the owner's forker
        self._stopped = True
        try:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        shutil.rmtree(self._folder, ignore_errors=True)


def _close_inherited_descriptors(*, keep: int) -> None:
    """Close what the forker inherited from its parent but does not use (all but 0–2 and ``keep``).

    The parent may hold pipes whose other end waits for them to close — a client socket, a
    browser driver's stdin — and every worker forked from here would keep them open for as long
    as it lives. The same isolation ``forkserver`` gives the on-disk workers.
    """
    limit = os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 65536
    os.closerange(3, keep)
    os.closerange(keep + 1, limit)


def _serve_forks(listener: socket.socket, store: Store) -> None:  # pragma: no cover - in the forker
    from .workers import worker_main

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    parent = os.getppid()
    listener.settimeout(1.0)
    while True:
        if os.getppid() != parent:
            return  # the process that loaded the store is gone
        try:
            link, _ = listener.accept()
        except TimeoutError:
            continue
        with link:
            link.settimeout(10.0)
            try:
                _, fds, _, _ = socket.recv_fds(link, 16, 1)
            except OSError:
                continue
            if not fds:
                continue
            pid = os.fork()
            if pid == 0:
                listener.close()
                link.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                code = 0
                try:
                    worker_main(Connection(fds[0]), "", store=store)
                except BaseException:
                    code = 1
                finally:
                    os._exit(code)
            os.close(fds[0])
            try:
                link.sendall(str(pid).encode())
            except OSError:
                os.kill(pid, signal.SIGKILL)


def _start_time(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] == "Z" else fields[19]


class ForkedProcess:
    """A query worker forked by a :class:`Forker`: the part of ``multiprocessing.Process`` the
    pool uses. Not our child, so it is watched through ``/proc`` (and its start time, so a reused
    process id is never mistaken for it)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._started = _start_time(pid)

    def is_alive(self) -> bool:
        return self._started is not None and _start_time(self.pid) == self._started

    def kill(self) -> None:
        if self.is_alive():
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def join(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout if timeout is not None else 3600)
        while self.is_alive() and time.monotonic() < deadline:
            time.sleep(0.005)

    def close(self) -> None:
        pass

    def __repr__(self) -> str:  # pragma: no cover
        return f"<ForkedProcess {self.pid}>"

