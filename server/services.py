"""The knowledge graph's services for the views: opened once per process, read-only.

``get_kg()`` gives the views one object with the settings and the query service: SPARQL from
users and the app's own reads (``store()``, a :class:`kg.service_store.ServiceStore`) alike
run in killable worker processes, or on the remote engine, under one time limit. It is
created lazily, in the process that serves requests: gunicorn forks its
workers after importing the app, and a query pool started before the fork would be shared.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field

from flask import Flask, current_app

from kg import graph_index as kggraphindex
from kg import memory as kgmemory
from kg import store as kgstore
from kg.config import Settings
from kg.graph_index import GraphIndex
from kg.query import QueryService
from kg.service_store import ServiceStore
from kg.version import fingerprint

log = logging.getLogger(__name__)


@dataclass
class KG:
    settings: Settings
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _query: QueryService | None = None
    _pid: int = 0
    _started: float = field(default_factory=time.time)

    _memory_decided: bool | None = None

    @property
    def in_memory(self) -> bool:
        """Whether this app serves its store from memory (setting ``memory``; decided once,
        when a store is there to measure)."""
        if self._memory_decided is None:
            decided = kgmemory.use_memory(self.settings.memory, self.settings.store,
                                          backend=self.settings.sparql_backend)
            if decided or self.remote or kgstore.exists(self.settings.store):
                self._memory_decided = decided
            return decided
        return self._memory_decided

    def memory(self) -> kgmemory.MemoryStore:
        """The in-memory store of the current build (see kg.memory)."""
        return kgmemory.current(self.settings.store)

    @property
    def query(self) -> QueryService:
        """The query service of this process (started on first use, after any fork)."""
        with self._lock:
            if self._query is None or self._pid != os.getpid():
                source = self.memory if self.in_memory else None
                self._query = QueryService(self.settings, memory=source).start()
                self._pid = os.getpid()
            return self._query

    @property
    def remote(self) -> bool:
        return self.settings.sparql_backend == "remote"

    def store(self) -> ServiceStore:
        """The app's reads of the current build (or of the remote engine), each through the
        query service: the same time limit, row cap and refusal rules as ``/sparql``."""
        return ServiceStore(self.query)

    def graph_index(self) -> GraphIndex | None:
        """The graph view's in-memory index of the current build (kg.graph_index), read once per
        build; ``None`` on a remote engine or past the index's size bound (the query path then)."""
        if self.remote:
            return None
        return kggraphindex.for_build(self.store(), self.build_info().build_id)

    def build_info(self) -> kgstore.BuildInfo:
        """The build being served (for ETag/Last-Modified); for a remote engine, an identity
        taken from what it holds, since no build of ours wrote it."""
        if self.remote:
            store = self.store()
            graphs = [g.value for g in store.named_graphs()]
            size = len(store)
            tag = hashlib.sha1(json.dumps([graphs, size]).encode()).hexdigest()[:16]
            # The engine's content is not hashed (that would read all of it on every request):
            # its version is a fingerprint of its graphs and size (kg.version.fingerprint).
            return kgstore.BuildInfo(build_id=f"remote-{tag}", created=self._started, kind="remote",
                                     triples=size, detail={"endpoint": self.settings.remote_endpoint},
                                     version=fingerprint(sorted(graphs), size))
        if self.in_memory:
            return self.memory().info  # the build being answered from, until the next is loaded
        return kgstore.build_info(self.settings.store)

    def warm(self) -> None:
        """Do now what the first requests would otherwise wait for: the store (loaded into
        memory), the query workers, the search index, the graph view's index, the networkx graph
        (made from that index) and the VoID statistics, each computed once per build. Called when
        a server process starts."""
        from kg import analytics, describe, graphview
        from kg import search as kgsearch
        from kg.graph_model import Filters

        started = time.monotonic()
        store = self.store()
        info = self.build_info()
        kgsearch.index_for_build(store, info.build_id)
        if not self.remote:
            indexed = time.monotonic()
            index = kggraphindex.for_build(store, info.build_id)
            if index is not None:
                # The default /graph (unfiltered) view once: its degree ranking is kept by the index.
                graphview.graph_view(store, Filters(), max_nodes=self.settings.graph_max_nodes, index=index)
            log.info("graph index of build %s: %s in %.1f s", info.build_id,
                     f"{index.size:,} edges" if index else "past its bound, not built",
                     time.monotonic() - indexed)
            analytics.entity_graph(store, info.build_id)
        describe.cached_stats(store, build_id=info.build_id, modified=info.created)
        log.info("warmed the caches of build %s in %.1f s", info.build_id, time.monotonic() - started)

    def close(self) -> None:
        with self._lock:
            if self._query is not None and self._pid == os.getpid():
                self._query.close()
            self._query = None


def init_app(app: Flask, settings: Settings) -> None:
    app.extensions["tnmt_kg"] = KG(settings)


def get_kg() -> KG:
    return current_app.extensions["tnmt_kg"]
