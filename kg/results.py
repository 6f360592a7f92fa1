"""Query results as bytes: the formats a query form can be written in, and the capped
serialisation both the worker processes and the remote backend use, so an answer crosses the
process boundary (and the HTTP one) in the form it will be sent in."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    RdfFormat,
    Triple,
    parse_query_results,
    serialize,
)

from .errors import NotAcceptable
from .formats import GRAPH_FORMATS, RESULTS_FORMATS
from .vocab import PREFIXES

Term = NamedNode | BlankNode | Literal | Triple
ResultFormat = QueryResultsFormat | RdfFormat

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


# --------------------------------------------------------------------------- formats


def result_format(form: str, media_type: str) -> ResultFormat:
    """The result format for a query form and a media type (parameters allowed).

    :raises NotAcceptable: the media type names no format this form can be written in.

    >>> result_format("SELECT", "text/csv; charset=utf-8") == QueryResultsFormat.CSV
    True
    >>> result_format("CONSTRUCT", "application/ld+json").name
    'JSON-LD'
    """
    allowed = formats_for(form)
    found = (QueryResultsFormat if form in ("SELECT", "ASK") else RdfFormat).from_media_type(media_type)
    if found is None or found not in allowed:
        raise NotAcceptable(
            f"a {form} result cannot be written as {media_type}; "
            f"available: {', '.join(f.media_type for f in allowed)}"
        )
    return found


def formats_for(form: str) -> tuple[ResultFormat, ...]:
    return RESULTS_FORMATS if form in ("SELECT", "ASK") else GRAPH_FORMATS


def bare_media_type(fmt: ResultFormat) -> str:
    return fmt.media_type.split(";", 1)[0].strip()


# --------------------------------------------------------------------------- results


class Deadline(Exception):
    """A job's deadline passed (worker or remote engine); the service turns it into a
    :class:`kg.errors.QueryTimeout` with the limit in its message."""


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
class Job:
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


class Writable(Protocol):
    def write(self, data: bytes) -> int: ...


def serialise(result: Any, job: Job, out: Writable) -> tuple[int, bool]:
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
        document = select_json(names, rows)
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


def select_json(names: list[str], rows: Iterable[Any]) -> bytes:
    """SPARQL 1.1 JSON results of ``rows``, each term encoded once however often it comes back
    (a result repeats its roles, units and labels; on the 2,000-row ``bloc-heads`` answer of the
    1M benchmark graph this took query and encoding from 87 to 79 ms in-process).

    >>> from pyoxigraph import NamedNode, Literal
    >>> select_json(["s", "n"], [(NamedNode("http://x/a"), Literal("A", language="vi")), (None, None)])
    b'{"head":{"vars":["s","n"]},"results":{"bindings":[{"s":{"type":"uri","value":"http://x/a"},\
"n":{"type":"literal","value":"A","xml:lang":"vi"}},{}]}}'
    """
    keys = [json.dumps(n, ensure_ascii=False) + ":" for n in names]
    encoded: dict[Any, str] = {}
    bindings = []
    for row in rows:
        fields = []
        for key, term in zip(keys, row, strict=True):
            if term is None:
                continue
            fragment = encoded.get(term)
            if fragment is None:
                fragment = json.dumps(_json_term(term), ensure_ascii=False, separators=(",", ":"))
                encoded[term] = fragment
            fields.append(key + fragment)
        bindings.append("{" + ",".join(fields) + "}")
    head = json.dumps({"vars": names}, ensure_ascii=False, separators=(",", ":"))
    return ('{"head":' + head + ',"results":{"bindings":[' + ",".join(bindings) + "]}}").encode()


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

