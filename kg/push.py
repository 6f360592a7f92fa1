"""Push the built graph to an external SPARQL engine, every named graph kept.

How a push runs (``tnmt-kg push``):

1. *Before anything is written*, the engine is asked which of the project's graphs
   (``https://w3id.org/tnmt-kg/graph/…``) it holds, and a harmless update
   (``DROP SILENT`` of a graph name nobody uses) checks that the credentials may write. A wrong
   password or an unreachable engine stops the push here.
2. Each named graph of the store is uploaded, in batches, to a *temporary* graph of its own
   (``urn:tnmt-kg:push:<run>:<n>``, outside the project's names, so an app served from the
   engine never sees it): through the SPARQL 1.1 Graph Store HTTP Protocol when ``graph_store``
   is given (the first batch ``PUT``, the rest ``POST``, as N-Triples), else as SPARQL Update
   ``INSERT DATA`` batches. Virtuoso 7.2 offers both, behind HTTP Digest authentication:
   ``/sparql-graph-crud-auth`` (GSP) and ``/sparql-auth`` (query and update); GSP is the one to
   use there, since a large ``INSERT DATA`` runs into Virtuoso's limits on query text.
3. One SPARQL Update request then swaps them in: ``MOVE <tmp> TO <graph>`` for each graph
   (``MOVE`` replaces the target), and ``DROP SILENT GRAPH`` for a project graph the store no
   longer has. Graphs outside the project's names are never touched.

What this guarantees: a failure during the upload (network, authentication, a rejected batch)
leaves the engine's graphs as they were — the temporary graphs are dropped (best effort: if the
engine cannot be reached any more, they stay, named ``urn:tnmt-kg:push:<run>:…``, and the error
says so). Each graph is replaced by one ``MOVE``, so a reader sees the old graph or the new one,
never half of it; whether the whole request of ``MOVE``s is one transaction is the engine's
affair (SPARQL 1.1 Update leaves it open), so across graphs the swap is not promised atomic.
Re-running replaces the project's graphs with the store's again: the push is idempotent.

Blank nodes are scoped to one request (one document), so the batches never split the triples
that share blank nodes: such triples are held back and sent together, whole connected groups per
batch. The HTTP side is :class:`kg.http.EngineClient`, the client the remote query backend
uses too: no redirect is ever followed (a redirect is reported, with where it pointed), and
credentials go only to the URLs it was given.
"""

from __future__ import annotations

import json
import time
import urllib.parse
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, RdfFormat, Triple, serialize

from . import sparql
from . import store as kgstore
from .errors import BadInput, KGError
from .http import EngineAnswered, EngineClient, EngineDeadline, EngineUnreachable
from .remote import GRAPH_PREFIX

#: triples per request (an N-Triples document or an INSERT DATA block)
DEFAULT_BATCH_SIZE = 50_000
TEMP_PREFIX = "urn:tnmt-kg:push:"


class PushFailed(KGError):
    """The engine refused or could not be reached; the message says what, for which graph."""

    exit_code = 1
    title = "Push failed"


@dataclass(frozen=True)
class Engine:
    """Where to push: the SPARQL endpoint (queries; updates too unless ``update_endpoint``),
    an optional Graph Store Protocol endpoint, and credentials (HTTP Digest or Basic)."""

    endpoint: str
    update_endpoint: str | None = None
    graph_store: str | None = None
    user: str | None = None
    password: str | None = None
    timeout: float = 300.0


@dataclass
class Progress:
    """What the push is doing, for a progress display."""

    graph: str
    graph_index: int
    graphs: int
    triples_done: int
    triples_total: int
    phase: str  # "upload", "swap", "done"


@dataclass
class PushReport:
    """The triples pushed per graph, the stale project graphs dropped, and the engine's counts."""

    graphs: dict[str, int]
    dropped: list[str] = field(default_factory=list)
    engine_counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    method: str = "gsp"


# --- the batches ------------------------------------------------------------------------------

def _blank_nodes(triple: Triple) -> list[str]:
    return [t.value for t in (triple.subject, triple.object) if isinstance(t, BlankNode)]


def triple_batches(triples: Iterable[Triple], size: int) -> Iterator[list[Triple]]:
    """Batches of at most ``size`` triples, except that triples linked by blank nodes always
    travel together (a group larger than ``size`` is one batch of its own).

    >>> from pyoxigraph import BlankNode, NamedNode, Triple
    >>> p, b = NamedNode("http://x/p"), BlankNode("b1")
    >>> ts = [Triple(NamedNode("http://x/a"), p, b), Triple(NamedNode("http://x/c"), p, NamedNode("http://x/d")),
    ...       Triple(b, p, NamedNode("http://x/e"))]
    >>> [len(batch) for batch in triple_batches(ts, 1)]
    [1, 2]
    """
    if size < 1:
        raise BadInput(f"batch size must be at least 1, got {size}", where="batch_size")
    batch: list[Triple] = []
    held: list[Triple] = []
    for triple in triples:
        if _blank_nodes(triple):
            held.append(triple)
            continue
        batch.append(triple)
        if len(batch) >= size:
            yield batch
            batch = []
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for triple in held:
        first, *others = _blank_nodes(triple)
        for other in others:
            parent[root(other)] = root(first)
    groups: dict[str, list[Triple]] = defaultdict(list)
    for triple in held:
        groups[root(_blank_nodes(triple)[0])].append(triple)
    for group in groups.values():
        if batch and len(batch) + len(group) > size:
            yield batch
            batch = []
        batch.extend(group)
    if batch:
        yield batch


def ntriples(triples: list[Triple]) -> bytes:
    return serialize(triples, format=RdfFormat.N_TRIPLES) or b""


def insert_request(graph: str, triples: list[Triple]) -> bytes:
    """A SPARQL Update adding ``triples`` to ``graph``: ``INSERT DATA``, or, when the batch has
    blank nodes, ``INSERT {…} WHERE {}`` (one solution, so the same triples), since Virtuoso 7.2
    refuses blank nodes in ``INSERT DATA`` although SPARQL 1.1 allows them.

    >>> from pyoxigraph import NamedNode, Triple
    >>> insert_request("http://x/g", [Triple(NamedNode("http://x/a"), NamedNode("http://x/p"),
    ...                                      NamedNode("http://x/b"))]).decode()
    'INSERT DATA { GRAPH <http://x/g> {\\n<http://x/a> <http://x/p> <http://x/b> .\\n} }'
    """
    body = b"{ GRAPH <" + graph.encode() + b"> {\n" + ntriples(triples) + b"} }"
    if any(_blank_nodes(t) for t in triples):
        return b"INSERT " + body + b" WHERE {}"
    return b"INSERT DATA " + body


# --- the HTTP side ----------------------------------------------------------------------------

class _Client:
    """The engine's URLs over :class:`kg.http.EngineClient`; its errors become :class:`PushFailed`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._http = EngineClient({"endpoint": engine.endpoint, "update_endpoint": engine.update_endpoint,
                                   "graph_store": engine.graph_store},
                                  user=engine.user, password=engine.password, agent="tnmt-kg push")

    def send(self, method: str, url: str, body: bytes, content_type: str, *, doing: str,
             accept: str = "*/*") -> bytes:
        try:
            answer, _type = self._http.send(method, url, body, content_type, accept=accept,
                                            deadline=time.monotonic() + self.engine.timeout)
            return answer
        except EngineAnswered as exc:
            raise PushFailed(f"{doing}: {self._explain(exc)}", where=url) from None
        except EngineUnreachable as exc:
            raise PushFailed(f"{doing}: {exc.message}", where=url) from None
        except EngineDeadline:
            raise PushFailed(f"{doing}: no answer within {self.engine.timeout:g} s", where=url) from None

    def _explain(self, exc: EngineAnswered) -> str:
        if 300 <= exc.code < 400:
            return (f"the engine answered {exc.code} redirecting to {exc.location}; redirects are not "
                    "followed: give that URL if it is the engine's")
        hint = ""
        if exc.code == 401:
            hint = (" (wrong --user/--password)" if self.engine.user is not None
                    else " (the engine wants credentials: give --user and --password)")
        elif exc.code == 403:
            hint = " (the user may not write here)"
        return f"the engine answered HTTP {exc.code}{hint}" + (f": {exc.detail[:400]}" if exc.detail else "")

    def query(self, text: str, *, doing: str) -> dict:
        body = urllib.parse.urlencode({"query": text}).encode()
        answer = self.send("POST", self.engine.endpoint, body, "application/x-www-form-urlencoded",
                           doing=doing, accept="application/sparql-results+json")
        try:
            return json.loads(answer)
        except ValueError:
            raise PushFailed(f"{doing}: the answer is not SPARQL JSON results: {answer[:200]!r}",
                             where=self.engine.endpoint) from None

    def update(self, text: str | bytes, *, doing: str) -> None:
        raw = text.encode() if isinstance(text, str) else text
        body = b"update=" + urllib.parse.quote_from_bytes(raw, safe="").encode()
        self.send("POST", self.engine.update_endpoint or self.engine.endpoint, body,
                  "application/x-www-form-urlencoded", doing=doing)

    def graph_store(self, method: str, graph: str, body: bytes, *, doing: str) -> None:
        url = self.engine.graph_store or ""
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode({"graph": graph})
        self.send(method, url, body, "application/n-triples", doing=doing)


def engine_counts(client: _Client, prefix: str = GRAPH_PREFIX) -> dict[str, int]:
    """Triples per graph of the project's on the engine."""
    data = client.query(sparql.fill(sparql.load("push/graph-counts"), "prefix", [Literal(prefix)]),
                        doing="listing the project's graphs on the engine")
    return {row["g"]["value"]: int(row["n"]["value"]) for row in data["results"]["bindings"]}


# --- the push ---------------------------------------------------------------------------------

def push(store_path: str, engine: Engine, *, batch_size: int = DEFAULT_BATCH_SIZE,
         progress: Callable[[Progress], None] | None = None) -> PushReport:
    """Upload every named graph of the store at ``store_path`` to ``engine`` (see the module).

    :raises PushFailed: the engine refused a request or could not be reached (nothing swapped).
    :raises StoreMissing: nothing built at ``store_path``.
    """
    started = time.monotonic()
    store = kgstore.open_read_only(store_path)
    if next(iter(store.quads_for_pattern(None, None, None, DefaultGraph())), None) is not None:
        raise BadInput("the store has triples in its default graph, which a push cannot place: "
                       "load them into a named graph (`tnmt-kg load --graph NAME`)", where=store_path)
    graphs = sorted(g.value for g in store.named_graphs())
    sizes = {g: sum(1 for _ in store.quads_for_pattern(None, None, None, NamedNode(g)))
             for g in graphs}
    total = sum(sizes.values())
    client = _Client(engine)
    run = uuid.uuid4().hex[:12]

    def report(graph: str, index: int, done: int, phase: str) -> None:
        if progress is not None:
            progress(Progress(graph, index, len(graphs), done, total, phase))

    # 1. Reachable, the right credentials, and allowed to write — before anything is written.
    before = engine_counts(client)
    client.update(f"DROP SILENT GRAPH <{TEMP_PREFIX}{run}:probe>",
                  doing="checking that the engine accepts updates")

    # 2. Each graph into a temporary graph of its own.
    temporary: dict[str, str] = {}
    done = 0
    try:
        for index, graph in enumerate(graphs, 1):
            report(graph, index, done, "upload")
            if not sizes[graph]:
                continue
            tmp = temporary[graph] = f"{TEMP_PREFIX}{run}:{index}"
            triples = (q.triple for q in store.quads_for_pattern(None, None, None, NamedNode(graph)))
            for number, batch in enumerate(triple_batches(triples, batch_size)):
                doing = f"uploading batch {number + 1} of <{graph}> ({len(batch)} triples)"
                if engine.graph_store:
                    client.graph_store("PUT" if number == 0 else "POST", tmp, ntriples(batch), doing=doing)
                else:
                    client.update(insert_request(tmp, batch), doing=doing)
                done += len(batch)
                report(graph, index, done, "upload")
        # 3. The swap: one request.
        stale = sorted(set(before) - set(graphs))
        operations = [f"MOVE <{temporary[g]}> TO <{g}>" if g in temporary else f"DROP SILENT GRAPH <{g}>"
                      for g in graphs]
        operations += [f"DROP SILENT GRAPH <{g}>" for g in stale]
        report("", len(graphs), done, "swap")
    except PushFailed as exc:
        _drop_quietly(client, temporary.values(), exc)
        raise
    try:
        client.update(" ;\n".join(operations), doing=f"swapping in {len(graphs)} graphs")
    except PushFailed as exc:
        # Whether the engine applied none, some or all of the MOVEs is its affair: say so.
        exc.message += (" (the engine may have swapped in part of the graphs: run the push again; "
                        f"leftover temporary graphs are named {TEMP_PREFIX}{run}:…)")
        raise
    counts = engine_counts(client)
    report("", len(graphs), done, "done")
    differing = {g: (n, counts.get(g, 0)) for g, n in sizes.items() if counts.get(g, 0) != n}
    if differing:
        detail = "; ".join(f"<{g}>: store {a}, engine {b}" for g, (a, b) in list(differing.items())[:5])
        raise PushFailed(f"after the push the engine's counts differ from the store's: {detail}",
                         where=engine.endpoint)
    return PushReport(graphs=sizes, dropped=stale, engine_counts=counts,
                      seconds=time.monotonic() - started,
                      method="gsp" if engine.graph_store else "update")


def _drop_quietly(client: _Client, temporary: Iterable[str], error: PushFailed) -> None:
    """Drop the temporary graphs after a failure; if that fails too, say which are left."""
    names = list(temporary)
    if not names:
        return
    try:
        client.update(" ;\n".join(f"DROP SILENT GRAPH <{t}>" for t in names),
                      doing="dropping the temporary graphs")
    except PushFailed:
        error.message += (f" (the engine's graphs are unchanged; {len(names)} temporary graphs "
                          f"named {names[0].rsplit(':', 1)[0]}:… could not be dropped)")
    else:
        error.message += " (the engine's graphs are unchanged)"
