"""The remote backend: an external SPARQL 1.1 engine (Virtuoso, say) answering the query
service through the standard protocol, over :mod:`kg.http`'s one client.

For teams whose graph outgrows the embedded store, every read — user queries and the app's own
(:mod:`kg.service_store`) — goes to the engine under the same deadline and row cap as the
worker processes give the embedded store. Its dataset is the project's named graphs (their
union the default graph), never the engine's own system graphs.

``substitutions=`` cannot cross the protocol, so bound terms are put into the query as a
``VALUES`` block at the start of the outermost group pattern, written with pyoxigraph's own
serialisation of each term (N-Triples syntax, escaped by pyoxigraph) — never raw user text.

>>> print(bind_values("SELECT ?n WHERE { ?p <http://x/name> ?n }",
...                   {"p": NamedNode("http://x/p1")}))
SELECT ?n WHERE { VALUES (?p) { (<http://x/p1>) } ?p <http://x/name> ?n }
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import time
from collections.abc import Mapping
from typing import Any

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    RdfFormat,
    Variable,
    parse,
    parse_query_results,
)

from .errors import BadInput, KGError, NotAcceptable, QueryRefused, QuerySyntaxError, QueryTimeout
from .http import EngineAnswered, EngineClient, EngineDeadline, EngineUnreachable
from .results import Deadline, Job, serialise
from .vocab import BASE

GRAPH_PREFIX = BASE + "graph/"

_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'   # long strings
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'            # short strings
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"           # IRIs
    r"|#[^\n]*"                        # comments
    r"|[{}]"
    r"|[A-Za-z_]+",
    re.S,
)
_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


def _outer_group_start(query: str) -> int:
    """Index just after the ``{`` that opens the query's WHERE clause."""
    form = None
    previous_word = None
    depth = 0
    template_seen = False
    for match in _TOKEN.finditer(query):
        token = match.group()
        upper = token.upper()
        if form is None and upper in _FORMS:
            form = upper
        elif token == "{":
            if depth == 0 and form is not None:
                # A CONSTRUCT's first top-level group is its template, unless `CONSTRUCT WHERE`.
                if form == "CONSTRUCT" and not template_seen and previous_word != "WHERE":
                    template_seen = True
                else:
                    return match.end()
            depth += 1
        elif token == "}":
            depth -= 1
        if token[0].isalpha():
            previous_word = upper
    raise BadInput("cannot find the WHERE clause to bind parameters into", where="query")


def bind_values(query: str, substitutions: Mapping[str | Variable, Any]) -> str:
    """The query with its variables bound by a ``VALUES`` block (terms serialised, not pasted)."""
    if not substitutions:
        return query
    names, terms = [], []
    for key, term in substitutions.items():
        name = key.value if isinstance(key, Variable) else str(key)
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise BadInput(f"invalid variable name {name!r}", where="substitutions")
        if not isinstance(term, NamedNode | Literal | BlankNode):
            raise BadInput(f"substitution for ?{name} must be an RDF term", where="substitutions")
        names.append("?" + name)
        terms.append(str(term))
    at = _outer_group_start(query)
    block = f" VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}"
    return query[:at] + block + query[at:]


_RESULTS_ACCEPT = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, text/tab-separated-values;q=0.8"
)
# No JSON-LD: its @context may name a remote document, and nothing must be fetched.
_GRAPH_ACCEPT = ("application/n-triples, text/turtle;q=0.9, application/n-quads;q=0.8, "
                 "application/rdf+xml;q=0.7")
_PROJECT_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), ?prefix)) }"


class RemoteEndpoint:
    """An external SPARQL 1.1 endpoint spoken to with the SPARQL 1.1 Protocol."""

    #: seconds the list of the project's graphs is reused before it is asked again
    GRAPHS_TTL = 30.0

    def __init__(self, url: str, *, graph_prefix: str = GRAPH_PREFIX) -> None:
        self.url = url
        self.graph_prefix = graph_prefix
        self._client = EngineClient({"remote_endpoint": url})
        self._graphs: tuple[float, list[str]] | None = None

    def project_graphs(self, deadline: float | None = None) -> list[str]:
        """The engine's named graphs that belong to the project (not, say, Virtuoso's own)."""
        now = time.monotonic()
        if self._graphs is None or now - self._graphs[0] > self.GRAPHS_TTL:
            query = bind_values(_PROJECT_GRAPHS, {"prefix": Literal(self.graph_prefix)})
            body, _type = self._post([("query", query)], "application/sparql-results+json",
                                     deadline if deadline is not None else now + 30.0)
            rows = json.loads(body)["results"]["bindings"]
            self._graphs = (now, sorted(r["g"]["value"] for r in rows))
        return self._graphs[1]

    def _dataset(self, job: Job, deadline: float) -> list[tuple[str, str]]:
        """The protocol's dataset parameters. With none given and no FROM in the query, the
        project's graphs: the same union default graph as the embedded store, without the
        engine's own graphs (Virtuoso keeps its system data in the default graph)."""
        default_graphs, named_graphs = job.default_graphs, job.named_graphs
        if job.union_default_graph and not default_graphs and not named_graphs:
            default_graphs = named_graphs = tuple(self.project_graphs(deadline))
        return ([("default-graph-uri", g) for g in default_graphs]
                + [("named-graph-uri", g) for g in named_graphs])

    def execute(self, job: Job, deadline: float) -> tuple[bytes, int, bool]:
        """Run a job remotely and cap it here like the workers do: (body, rows, truncated).

        The endpoint is asked for a format pyoxigraph can read back (JSON results,
        N-Triples, …) rather than the wanted one, because capping needs the rows.

        :raises Deadline: the answer did not come within the deadline.
        """
        if job.substitutions:
            # The protocol cannot bind variables, so the terms go into a VALUES block
            # written by pyoxigraph's serialiser (typed, escaped terms — never raw text).
            job = dataclasses.replace(job, query=bind_values(job.query, dict(job.substitutions)),
                                      substitutions=())
        graph_form = job.form in ("CONSTRUCT", "DESCRIBE")
        params = [("query", job.query), *self._dataset(job, deadline)]
        body, content_type = self._post(params, _GRAPH_ACCEPT if graph_form else _RESULTS_ACCEPT, deadline)
        if graph_form:
            result = self._read_graph(body, content_type)
        else:
            result = self._read_results(body, content_type, job)
        out = io.BytesIO()
        rows, truncated = serialise(result, job, out)
        return out.getvalue(), rows, truncated

    def _read_graph(self, body: bytes, content_type: str) -> list:
        fmt = RdfFormat.from_media_type(content_type)
        if fmt is None or fmt in (RdfFormat.JSON_LD, RdfFormat.STREAMING_JSON_LD):
            raise KGError(f"the SPARQL endpoint sent {content_type!r}, not RDF", where=self.url)
        try:
            return list(parse(body, fmt))
        except SyntaxError as exc:
            raise KGError(f"the SPARQL endpoint sent invalid {fmt.name}: {exc}", where=self.url) from None

    def _read_results(self, body: bytes, content_type: str, job: Job) -> Any:
        fmt = QueryResultsFormat.from_media_type(content_type)
        if fmt is None or fmt == QueryResultsFormat.CSV:
            raise KGError(f"the SPARQL endpoint sent {content_type!r}, not readable query results",
                          where=self.url)
        if fmt == QueryResultsFormat.JSON:
            body = normalise_json_results(body)
        try:
            result = parse_query_results(body, fmt)
        except SyntaxError as exc:
            raise KGError(f"the SPARQL endpoint sent invalid results: {exc}", where=self.url) from None
        if (job.form == "ASK") != isinstance(result, QueryBoolean):
            raise KGError(f"the SPARQL endpoint answered a {job.form} query with the wrong kind of result",
                          where=self.url)
        return result

    def _post(self, params: list[tuple[str, str]], accept: str, deadline: float) -> tuple[bytes, str]:
        try:
            return self._client.form_post(self.url, params, accept=accept, deadline=deadline)
        except EngineDeadline:
            raise Deadline from None
        except EngineAnswered as exc:
            raise _http_error(exc) from None
        except EngineUnreachable as exc:
            raise KGError(f"cannot reach the SPARQL endpoint: {exc.message}", where=self.url) from None


def _http_error(exc: EngineAnswered) -> KGError:
    said = f"the SPARQL endpoint answered {exc.code} {exc.reason}"
    said += f": {exc.detail}" if exc.detail else ""
    if exc.code == 400:
        return QuerySyntaxError(said, where=exc.url)
    if exc.code in (401, 403):
        return QueryRefused(said, where=exc.url)
    if exc.code in (406, 415):
        return NotAcceptable(said, where=exc.url)
    if exc.code in (408, 504):
        return QueryTimeout(said, where=exc.url)
    if 300 <= exc.code < 400:
        return KGError(f"the SPARQL endpoint redirects ({exc.code}) to {exc.location}; "
                       "configure that URL as remote_endpoint", where=exc.url)
    return KGError(said, where=exc.url)


def normalise_json_results(body: bytes) -> bytes:
    """Virtuoso's dialect → JSON results 1.1: ``typed-literal`` is ``literal``, and blank node
    labels such as ``nodeID://b10006`` become valid labels (``nodeID_b10006``)."""
    data = json.loads(body)
    for binding in data.get("results", {}).get("bindings", []):
        for value in binding.values():
            if value.get("type") == "typed-literal":
                value["type"] = "literal"
            elif value.get("type") == "bnode":
                value["value"] = re.sub(r"[^A-Za-z0-9_]+", "_", value["value"])
    return json.dumps(data).encode()
