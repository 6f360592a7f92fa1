"""The app's own reads, through the query service: a read-only ``Store`` face of it.

Entity pages, the graph view, the timeline, search, analytics, statistics and the CLI ask the
graph through :class:`ServiceStore`, so every read — not only what users type at ``/sparql`` —
runs in a killable worker (or on the remote engine) under the operator's time limit, with the
same refusal rules, on whichever backend the settings select. The class offers the part of
pyoxigraph's ``Store`` API the library uses (``query``, ``quads_for_pattern``,
``named_graphs``, ``len``), so a library function reads a plain in-memory ``Store`` in a unit
test and the service in the app, with the same query text (kept in :mod:`kg.sparql`).

Row cap: a result is cut at ``settings.max_rows`` unless the query names its own bound — its
closing ``LIMIT`` (a label index of 300,000 labels, say) or ``max_rows=`` — since these are the
app's own queries from :mod:`kg.sparql`; user text never reaches this class.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pyoxigraph import (
    DefaultGraph,
    NamedNode,
    Quad,
    QueryResultsFormat,
    RdfFormat,
    Variable,
    parse_query_results,
    serialize,
)

from . import sparql
from .config import Settings
from .query import QueryService
from .query_guard import check_query
from .results import Term


class Solution:
    """One row, read by variable name (``row["s"]``), by :class:`Variable` or by position,
    like pyoxigraph's ``QuerySolution``; an unbound variable reads as ``None``."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: Mapping[str, int], values: Sequence[Term | None]) -> None:
        self._index = index
        self._values = values

    def __getitem__(self, key: int | str | Variable) -> Term | None:
        if isinstance(key, int):
            return self._values[key]
        name = key.value if isinstance(key, Variable) else key
        return self._values[self._index[name]]

    def __iter__(self) -> Iterator[Term | None]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


class Solutions(list):
    """A SELECT's rows (a list: read once, kept), with ``variables`` and ``truncated``."""

    def __init__(self, variables: list[Variable], rows: list[Solution], truncated: bool) -> None:
        super().__init__(rows)
        self.variables = variables
        self.truncated = truncated


class ServiceStore:
    """``Store``-shaped reads answered by a :class:`QueryService`."""

    #: rows per page of :meth:`quads_for_pattern`
    PAGE = 100_000

    def __init__(self, service: QueryService) -> None:
        self.service = service
        self.remote = service.settings.sparql_backend == "remote"

    def query(self, query: str, *, prefixes: Mapping[str, str] | None = None,
              substitutions: Mapping[str | Variable, Term] | None = None,
              use_default_graph_as_union: bool = False,
              default_graph: Any = None, named_graphs: Any = None,
              max_rows: int | None = None) -> Any:
        """Like ``Store.query``: :class:`Solutions`, a ``bool``, or a list of triples.

        :raises QueryTimeout: the read ran past the time limit and was stopped.
        """
        text = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in (prefixes or {}).items()) + query
        form = check_query(text).form
        if max_rows is None and (own_limit := sparql.closing_limit(text)) is not None:
            max_rows = max(1, own_limit)
        options: dict[str, Any] = {
            "substitutions": substitutions,
            # A remote engine's own default graph holds its system data: there the project's
            # graphs are always the dataset (their union the default graph).
            "union_default_graph": use_default_graph_as_union or self.remote,
            "max_rows": max_rows,
            "own": True,
        }
        if default_graph is not None:
            options["default_graph_uris"] = _graph_list(default_graph)
        if named_graphs is not None:
            options["named_graph_uris"] = _graph_list(named_graphs)
        if form in ("CONSTRUCT", "DESCRIBE"):
            return [q.triple for q in self.service.construct_quads(text, **options)]
        if form == "ASK":
            return self.service.ask(text, **options)
        return self._select(text, options)

    def _select(self, text: str, options: dict[str, Any]) -> Solutions:
        result = self.service.run(text, result_format=QueryResultsFormat.JSON, **options)
        parsed = parse_query_results(result.body, QueryResultsFormat.JSON)
        variables = list(parsed.variables)
        index = {v.value: i for i, v in enumerate(variables)}
        rows = [Solution(index, list(row)) for row in parsed]
        return Solutions(variables, rows, result.truncated)

    def quads_for_pattern(self, subject: Term | None = None, predicate: Term | None = None,
                          object: Term | None = None, graph_name: Any = None) -> Iterator[Quad]:
        """The quads matching a pattern (``None`` matches anything), read page by page, each
        page one bounded read — so a whole-graph export is as bounded as a page's lookup."""
        default = isinstance(graph_name, DefaultGraph)
        terms = (("s", subject), ("p", predicate), ("o", object), ("g", None if default else graph_name))
        bound = {k: v for k, v in terms if v is not None}
        text = sparql.load("store/default-graph" if default else "store/quads")
        offset = 0
        while True:
            rows = self.query(sparql.limit(text, self.PAGE, offset), substitutions=bound, max_rows=self.PAGE)
            for r in rows:
                yield Quad(r["s"], r["p"], r["o"], DefaultGraph() if default else r["g"])
            if len(rows) < self.PAGE:
                return
            offset += self.PAGE

    def named_graphs(self) -> Iterator[NamedNode]:
        return iter([r["g"] for r in self.query(sparql.load("store/named-graphs"))])

    def __len__(self) -> int:
        return int(self.query(sparql.load("store/size"))[0]["n"].value)

    def dump(self, output: Any, format: RdfFormat, **options: Any) -> None:
        serialize(self.quads_for_pattern(), output, format, **options)


def _graph_list(graphs: Any) -> list[str]:
    items = graphs if isinstance(graphs, list | tuple | set) else [graphs]
    return [g.value if isinstance(g, NamedNode) else str(g) for g in items]


@contextlib.contextmanager
def reads(settings: Settings) -> Iterator[ServiceStore]:
    """The command line's reads: one query worker (or the remote engine) for one command, on
    the backend the settings select, stopped when the command ends."""
    with QueryService(settings.replace(query_workers=1)) as service:
        yield ServiceStore(service)
