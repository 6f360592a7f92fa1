"""A read-only stand-in for :class:`pyoxigraph.Store` over an external SPARQL 1.1 endpoint.

For teams whose graph outgrows the embedded store, the app runs on an existing engine
(Virtuoso, say) through the standard protocol: user queries go through
:class:`kg.query.QueryService` in its ``remote`` mode, and the app's own lookups (entity
pages, search, graph view) through this class, which offers the part of the ``Store`` API that
the library uses — ``query``, ``quads_for_pattern``, ``named_graphs``, ``len`` — so the
library's modules need not know which engine answers.

``substitutions=`` cannot cross the protocol, so bound terms are put into the query as a
``VALUES`` block at the start of the outermost group pattern, written with pyoxigraph's own
serialisation of each term (N-Triples syntax, escaped by pyoxigraph) — never raw user text.

>>> print(bind_values("SELECT ?n WHERE { ?p <http://x/name> ?n }",
...                   {"p": NamedNode("http://x/p1")}))
SELECT ?n WHERE { VALUES (?p) { (<http://x/p1>) } ?p <http://x/name> ?n }
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from typing import Any

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    RdfFormat,
    Variable,
    parse,
    parse_query_results,
    serialize,
)

from .errors import BadInput, KGError, QueryTimeout
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


def _prefix_lines(prefixes: Mapping[str, str] | None) -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in (prefixes or {}).items())


class RemoteStore:
    """The read-only ``Store`` API the library uses, answered by a SPARQL 1.1 endpoint."""

    #: seconds the list of the project's graphs is reused before it is asked again
    GRAPHS_TTL = 30.0

    def __init__(self, endpoint: str, *, timeout: float = 30.0, graph_prefix: str = GRAPH_PREFIX) -> None:
        if urllib.parse.urlsplit(endpoint).scheme not in ("http", "https"):
            raise BadInput(f"remote_endpoint must be an http(s) URL, got {endpoint!r}",
                           where="remote_endpoint")
        self.endpoint = endpoint
        self.timeout = timeout
        self.graph_prefix = graph_prefix
        self._graphs: tuple[float, list[str]] | None = None

    def project_graphs(self) -> list[str]:
        """The engine's named graphs that belong to the project (not, say, Virtuoso's own)."""
        now = time.monotonic()
        if self._graphs is None or now - self._graphs[0] > self.GRAPHS_TTL:
            body, _type = self._post(
                "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                f"FILTER(STRSTARTS(STR(?g), {json.dumps(self.graph_prefix)})) }}",
                "application/sparql-results+json", dataset=False)
            rows = json.loads(body)["results"]["bindings"]
            self._graphs = (now, sorted(r["g"]["value"] for r in rows))
        return self._graphs[1]

    # --- the protocol
    def _post(self, query: str, accept: str, *, dataset: bool = True) -> tuple[bytes, str]:
        """POST the query; with ``dataset`` the default graph is the union of the project's
        graphs and only they are named graphs (protocol ``default-graph-uri``/``named-graph-uri``)."""
        params = [("query", query)]
        if dataset:
            graphs = self.project_graphs()
            params += [("default-graph-uri", g) for g in graphs]
            params += [("named-graph-uri", g) for g in graphs]
        request = urllib.request.Request(
            self.endpoint, data=urllib.parse.urlencode(params).encode(), method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept,
                     "User-Agent": "tnmt-kg"})
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            detail = exc.read(500).decode("utf-8", "replace")
            raise KGError(f"the SPARQL endpoint answered {exc.code}: {detail}", where=self.endpoint) from None
        except (urllib.error.URLError, TimeoutError) as exc:
            if time.monotonic() - started >= self.timeout:
                raise QueryTimeout(f"the SPARQL endpoint did not answer in {self.timeout:g} s",
                                   where=self.endpoint) from None
            raise KGError(f"cannot reach the SPARQL endpoint: {exc}", where=self.endpoint) from None

    def query(self, query: str, *, prefixes: Mapping[str, str] | None = None,
              substitutions: Mapping[str | Variable, Any] | None = None,
              use_default_graph_as_union: bool = True, **_ignored: Any) -> Any:
        """Like ``Store.query``: solutions, a boolean, or triples.

        The endpoint's own default graph is used; Virtuoso's is the union of all graphs,
        which is what ``use_default_graph_as_union`` asks of pyoxigraph.
        """
        text = bind_values(_prefix_lines(prefixes) + query, substitutions or {})
        form = _query_form(text)
        if form in ("CONSTRUCT", "DESCRIBE"):
            body, _type = self._post(text, "application/n-triples")
            return list(parse(body, RdfFormat.N_TRIPLES))
        body, _type = self._post(text, "application/sparql-results+json")
        return parse_query_results(normalise_json_results(body), QueryResultsFormat.JSON)

    def quads_for_pattern(self, subject: Any = None, predicate: Any = None, obj: Any = None,
                          graph_name: Any = None) -> Iterator[Quad]:
        terms = {"s": subject, "p": predicate, "o": obj}
        bound = {k: v for k, v in terms.items() if v is not None}
        graph = None if graph_name is None or isinstance(graph_name, DefaultGraph) else graph_name
        if graph is not None:
            bound["g"] = graph
        rows = self.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", substitutions=bound)
        for row in rows:
            yield Quad(row["s"], row["p"], row["o"], row["g"])

    def named_graphs(self) -> Iterator[NamedNode]:
        return iter([NamedNode(g) for g in self.project_graphs()])

    def dump(self, output: Any, format: RdfFormat, *, prefixes: Any = None, **_ignored: Any) -> None:
        """Like ``Store.dump`` for the dataset formats (N-Quads, TriG)."""
        serialize(self.quads_for_pattern(), output, format, prefixes=prefixes)

    def __len__(self) -> int:
        rows = list(self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
        return int(rows[0]["n"].value)

    def __iter__(self) -> Iterator[Quad]:
        return self.quads_for_pattern()

    def ask(self, query: str, **options: Any) -> bool:
        result = self.query(query, **options)
        return bool(result) if isinstance(result, QueryBoolean) else bool(result)


def _query_form(query: str) -> str:
    for match in _TOKEN.finditer(query):
        upper = match.group().upper()
        if upper in _FORMS:
            return upper
    raise BadInput("not a SPARQL query form", where="query")


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
