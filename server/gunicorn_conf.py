"""The production server: gunicorn, its settings and the hooks that load and warm the app.

``tnmt-kg serve --workers N`` (and ``make serve``) run :func:`run`; by hand the same settings
and hooks come with ``-c``::

    TNMT_KG_STORE=$PWD/var/store gunicorn -c python:server.gunicorn_conf -w 4 'server.wsgi:app'

The app is loaded in the master before the workers fork (``preload_app``). When the store is
served from memory (setting ``memory``, ``kg/memory.py``) the master loads it and warms the
caches (search index, networkx graph, VoID statistics) once, and every worker and query worker
inherits them copy-on-write. On disk, nothing is opened in the master (a RocksDB handle must not
cross a fork): each worker opens the store and warms its caches before it takes a request.
A worker that notices a new build (the store path swapped by ``tnmt-kg build``/``load``) stops
gracefully after its requests; the master loads the new build before forking its replacement.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask

from kg import memory as kgmemory
from kg.errors import KGError

log = logging.getLogger("tnmt_kg.server")

# gunicorn reads these names from this module (`-c python:server.gunicorn_conf`).
preload_app = True
worker_class = "gthread"
threads = 4
timeout = 120
graceful_timeout = 30
limit_request_line = 0  # the app caps GET queries at 64 KiB itself (engineering notes)


def _kg(app: Flask) -> Any:
    return app.extensions["tnmt_kg"]


def _safely(what: str, action: Callable[[], object]) -> None:
    # A missing store or an unreachable engine must not stop the server from starting: the
    # pages then say so (503) and the next request tries again.
    try:
        action()
    except KGError as exc:
        log.warning("could not %s: %s", what, exc)


def when_ready(server: Any) -> None:
    """In the master, before the first fork: the in-memory store and the warm caches."""
    kg = _kg(server.app.wsgi())
    if kg.in_memory:
        _safely("load the store into memory", kg.warm)


def pre_fork(server: Any, worker: Any) -> None:
    """In the master, before each fork: a build swapped in since is loaded here, once."""
    kg = _kg(server.app.wsgi())
    if kg.in_memory:
        _safely("load the new build into memory", kg.warm)


def post_fork(server: Any, worker: Any) -> None:
    if _kg(server.app.wsgi()).in_memory:
        kgmemory.serving_under_master()


def post_worker_init(worker: Any) -> None:
    """In each worker, before it accepts: the query workers and the caches, warm."""
    kg = _kg(worker.wsgi)
    _safely("start the query workers", lambda: kg.query)
    _safely("warm the caches", kg.warm)


def on_exit(server: Any) -> None:
    kgmemory.forget()


def run(app: Flask, *, host: str, port: int, workers: int, threads: int = threads) -> None:
    """Serve ``app`` with gunicorn: ``workers`` processes × ``threads`` threads on ``host:port``."""
    from gunicorn.app.base import BaseApplication

    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": worker_class,
        "preload_app": preload_app,
        "timeout": timeout,
        "graceful_timeout": graceful_timeout,
        "limit_request_line": limit_request_line,
        "when_ready": when_ready,
        "pre_fork": pre_fork,
        "post_fork": post_fork,
        "post_worker_init": post_worker_init,
        "on_exit": on_exit,
    }

    class Production(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return app

    Production().run()
