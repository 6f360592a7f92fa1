"""The SPARQL 1.1 Protocol endpoint (query operation), its Service Description, VoID, and the editor.

``/sparql`` answers, in this order:

* ``OPTIONS``: the CORS preflight.
* an update in any form (``update=``, an ``application/sparql-update`` body): 403, read-only.
* no query: a browser (``Accept`` preferring ``text/html``) gets the YASGUI editor; any other
  client the Service Description, in the RDF format it asks for (Turtle by default).
* ``ui=1`` with a query (GET): the editor with that query loaded in a new tab.
* a query by GET from a browser (``Accept`` preferring ``text/html`` to every results and RDF
  type, no ``format=``): the editor with the query loaded and run, so a link
  ``/sparql?query=…&version=…`` (the "Cite" panel's) shows the query and its results.
* a query: checked (syntax → 400, updates and ``SERVICE`` → 403), then run by the query
  service under its time limit and row cap, in the format chosen by ``format``/``output``
  or else by ``Accept``. A client whose ``Accept`` names nothing the server can write for
  the query form gets 406, except one that accepts ``text/html``: it gets the editor with
  the query loaded.

``/sparql/results.<csv|tsv|json|xlsx>?query=…`` is a user query's result as a file named by the
query and the data version; ``/sparql/cite?query=…`` its citation (permanent link, BibTeX,
CSL-JSON) as JSON, for the editor's "Cite" panel.

docs/sparql.md describes all of this for users.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge, RequestURITooLarge, UnsupportedMediaType

from kg import describe, sparql
from kg.errors import BadInput, KGError, NotAcceptable, NotFound, QueryRefused, UnknownFormat
from kg.formats import (
    EXPORT_FORMATS,
    FORMAT_NAMES,
    GRAPH_FORMATS,
    GRAPH_MEDIA_TYPES,
    RESULTS_FORMATS,
    RESULTS_MEDIA_TYPES,
    TABLE_FORMATS,
    by_name,
)
from kg.query import QueryResult, check_query
from kg.tables import write_table
from kg.vocab import BASE, ONTOLOGY_IRI, ONTOLOGY_NS, PREFIXES

from .. import citing, urls
from ..negotiation import best_match
from ..services import get_kg

log = logging.getLogger(__name__)

bp = Blueprint("sparql", __name__)

SPARQL_PATH = "/sparql"
VOID_PATH = "/.well-known/void"

#: Longest query string a GET may carry (the development server refuses longer request
#: lines itself, and proxies often cut near 8 KiB): longer queries go by POST.
MAX_GET_QUERY_BYTES = 65_536
_CHUNK = 64 * 1024

def _bare(media_type: str) -> str:
    return media_type.split(";", 1)[0].strip()


_HTML_TYPES = ("text/html", "application/xhtml+xml")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_EXPOSED_HEADERS = "X-Result-Truncated, X-Result-Rows, Content-Disposition"


# --------------------------------------------------------------------------- CORS


@bp.after_request
def allow_any_origin(response: Response) -> Response:
    """Every answer of this blueprint (errors too) may be read by a page of any origin."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = _EXPOSED_HEADERS
    response.vary.add("Accept")  # the same URL gives the editor, results or RDF by Accept
    return response


def _preflight() -> Response:
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = request.headers.get(
        "Access-Control-Request-Headers", "Accept, Content-Type")
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


# --------------------------------------------------------------------------- the request


@dataclass
class ProtocolRequest:
    """What a SPARQL Protocol query request asks for, from whichever of its three forms."""

    query: str | None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    ui: bool = False


def parse_protocol_request() -> ProtocolRequest:
    """Read ``query``, the dataset and format parameters; refuse updates and bad bodies."""
    try:
        return _parse_protocol_request()
    except RequestEntityTooLarge:
        raise RequestEntityTooLarge(
            f"the request is larger than {get_kg().settings.max_request_bytes} bytes "
            "(the max_request_bytes setting)") from None


def _parse_protocol_request() -> ProtocolRequest:
    if request.method == "GET":
        if len(request.query_string) > MAX_GET_QUERY_BYTES:
            raise RequestURITooLarge(
                f"the query string is longer than {MAX_GET_QUERY_BYTES} bytes; send long queries with POST")
        params, query = request.args, None
    else:
        mimetype = request.mimetype
        if mimetype == "application/sparql-update":
            raise QueryRefused("this SPARQL endpoint is read-only; SPARQL Update requests "
                               "(application/sparql-update) are not accepted")
        if mimetype == "application/sparql-query":
            params, query = request.args, _body_text()
            if "query" in params:
                raise BadInput("a query sent as the request body must not also be given as ?query=")
        elif mimetype in _FORM_TYPES:
            params, query = request.values, None  # the form body and the URL's query string
        else:
            raise UnsupportedMediaType(
                f"POST a query as application/sparql-query or application/x-www-form-urlencoded, "
                f"not {mimetype or 'a body without Content-Type'}")
    if "update" in params:
        raise QueryRefused("this SPARQL endpoint is read-only; the update= parameter (SPARQL Update) "
                           "is not accepted")
    if query is None:
        queries = params.getlist("query")
        if len(queries) > 1:
            raise BadInput(f"give one query, not {len(queries)}", where="query")
        query = queries[0] if queries else None
    return ProtocolRequest(
        query=query,
        default_graphs=params.getlist("default-graph-uri"),
        named_graphs=params.getlist("named-graph-uri"),
        formats=[*params.getlist("format"), *params.getlist("output")],
        ui=params.get("ui", "") not in ("", "0", "false"),
    )


def _body_text() -> str:
    charset = request.mimetype_params.get("charset", "utf-8")
    try:
        return request.get_data(cache=False).decode(charset)
    except LookupError:
        raise BadInput(f"unknown charset {charset!r}", where="Content-Type") from None
    except UnicodeDecodeError as exc:
        raise BadInput(f"the query is not valid {charset}: {exc.reason} at byte {exc.start}") from None


# --------------------------------------------------------------------------- negotiation


def _format_parameter(form: str, names: list[str]) -> Any:
    """The format a ``format``/``output`` value asks for: the first value understood wins.

    A format of the other query form's family (``csv`` for a CONSTRUCT, ``turtle`` for a
    SELECT) gives this form's default, as a misplaced ``Accept`` does.
    """
    if not names:
        return None
    results_form = form in ("SELECT", "ASK")
    for name in names:
        key = name.strip().lower()
        key = key.split(";", 1)[0].strip() if "/" in key else key
        pair = FORMAT_NAMES.get(key) or (RESULTS_MEDIA_TYPES.get(key), GRAPH_MEDIA_TYPES.get(key))
        if pair == (None, None):
            continue
        chosen = pair[0] if results_form else pair[1]
        return chosen or (RESULTS_FORMATS[0] if results_form else GRAPH_FORMATS[0])
    known = [*FORMAT_NAMES, *RESULTS_MEDIA_TYPES, *GRAPH_MEDIA_TYPES]
    raise UnknownFormat(names[0], list(dict.fromkeys(known)), where="format")


def negotiate(form: str, accept: str | None) -> Any:
    """The format for a query form from ``Accept`` (q-values honoured); None when nothing fits.

    One ``Accept`` for every form (rdflib's SPARQLStore sends one): when it names only
    formats of the other family, this form's default is used rather than refusing.
    """
    own, other = (RESULTS_MEDIA_TYPES, GRAPH_MEDIA_TYPES) if form in ("SELECT", "ASK") else (
        GRAPH_MEDIA_TYPES, RESULTS_MEDIA_TYPES)
    chosen = best_match(accept, list(own))
    if chosen is not None:
        return own[chosen]
    if best_match(accept, list(other)) is not None:
        return next(iter(own.values()))
    return None


def _prefers_html(accept: str | None) -> bool:
    """True when the client asks for HTML before any RDF (``*/*`` alone is not a browser)."""
    return best_match(accept, [*GRAPH_MEDIA_TYPES, *_HTML_TYPES]) in _HTML_TYPES


def _prefers_html_page(accept: str | None) -> bool:
    """True when the client puts HTML before every results and RDF type (a browser's
    ``text/html,…,*/*;q=0.8``); ``*/*`` alone or a tie goes to the data."""
    offers = [*RESULTS_MEDIA_TYPES, *GRAPH_MEDIA_TYPES, *_HTML_TYPES]
    return best_match(accept, offers) in _HTML_TYPES


def _accepts_html(accept: str | None) -> bool:
    return best_match(accept, list(_HTML_TYPES)) is not None


# --------------------------------------------------------------------------- views


@bp.route(SPARQL_PATH, methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response | str:
    """The SPARQL 1.1 Protocol query operation (GET, POST form, POST direct)."""
    if request.method == "OPTIONS":
        return _preflight()
    asked = parse_protocol_request()
    accept = request.headers.get("Accept")
    if asked.query is None or not asked.query.strip():
        if _prefers_html(accept):
            return editor()
        if asked.query is not None:
            raise BadInput("the query is empty", where="query")
        return service_description(asked.formats, accept)
    if asked.ui and request.method == "GET":
        return editor(asked.query)
    if request.method == "GET" and not asked.formats and _prefers_html_page(accept):
        return editor(asked.query, run=True)
    form = check_query(asked.query).form  # a refusal comes before a 406
    fmt = _format_parameter(form, asked.formats) or negotiate(form, accept)
    if fmt is None:
        if _accepts_html(accept):
            return editor(asked.query)
        get_kg().query.check_syntax(asked.query)  # a syntax error comes before a 406
        raise NotAcceptable(_not_acceptable_message(form, accept))
    result = get_kg().query.run(
        asked.query,
        default_graph_uris=asked.default_graphs,
        named_graph_uris=asked.named_graphs,
        result_format=fmt,
    )
    return _result_response(result)


def _not_acceptable_message(form: str, accept: str | None) -> str:
    formats = RESULTS_FORMATS if form in ("SELECT", "ASK") else GRAPH_FORMATS
    return (f"a {form} result cannot be written as {accept!r}; ask for one of "
            f"{', '.join(_bare(f.media_type) for f in formats)} (or use format=)")


def _result_response(result: QueryResult) -> Response:
    body = result.body
    headers = {"X-Result-Rows": str(result.row_count)}
    if result.truncated:
        # The cap applied is the number of rows kept.
        headers["X-Result-Truncated"] = f"true; limit={result.row_count}"
        if result.media_type == by_name("json").media_type:
            body = mark_truncated_json(body, result.row_count)
    headers["Content-Length"] = str(len(body))
    return Response(_chunks(body), content_type=f"{result.media_type}; charset=utf-8", headers=headers)


def mark_truncated_json(body: bytes, rows: int) -> bytes:
    """A SPARQL JSON results document with ``truncated``/``warning`` members added first.

    Clients read ``head`` and ``results`` and ignore other members; a person reading the
    JSON sees the warning at the top.

    >>> mark_truncated_json(b'{"head":{"vars":[]},"results":{"bindings":[]}}', 5)[:40]
    b'{"truncated": true, "warning": "Result t'
    """
    if body[:1] != b"{" or body[1:2] == b"}":
        return body
    notice = json.dumps({
        "truncated": True,
        "warning": f"Result truncated: only the first {rows} rows are given (the server's row cap). "
                   "Use LIMIT and OFFSET to page through the rest.",
    }, ensure_ascii=False).encode()
    return notice[:-1] + b", " + body[1:]


def _chunks(body: bytes) -> Iterator[bytes]:
    view = memoryview(body)
    for start in range(0, len(view), _CHUNK):
        yield bytes(view[start:start + _CHUNK])


def editor(query: str | None = None, *, run: bool = False) -> str:
    """The YASGUI query editor, preconfigured with this endpoint, the prefixes and the examples;
    with ``query`` that query opens in a tab (and runs, with ``run``)."""
    base = _base_url()
    examples = _examples()
    build = citing.current_build()
    config = {
        "endpoint": base + SPARQL_PATH,
        "defaultQuery": default_query(),
        "query": query,
        "run": bool(query) and run,
        "examples": [{"name": q["name"], "text": q["text"]} for q in examples],
        # Result IRIs under these link to this server's pages (server/urls.py entity_path).
        "idBase": BASE, "idPath": urls.ID_PREFIX, "ontologyIri": ONTOLOGY_IRI, "ontologyNs": ONTOLOGY_NS,
        "version": build.short_version if build else None,
        "citeUrl": urls.sparql_cite_url(),
        "resultsUrls": {fmt: urls.sparql_results_url(fmt) for fmt in TABLE_FORMATS},
    }
    return render_template(
        "sparql.html", config=config, examples=examples, endpoint=base + SPARQL_PATH,
        void_path=VOID_PATH, settings=get_kg().settings, prefixes=PREFIXES,
        version_note=citing.version_note(request.args.get("version")), build=build,
    )


@bp.route(SPARQL_PATH + "/results.<fmt>", methods=["GET", "POST"])
def results_file(fmt: str) -> Response:
    """A user query's result as a file: a SELECT as CSV (UTF-8 BOM unless ``bom=0``), TSV,
    JSON or XLSX; ASK as JSON; CONSTRUCT/DESCRIBE as ``ttl``, ``nt`` or ``jsonld``."""
    query = _one_query()
    form = check_query(query).form
    stem = citing.query_stem(query)
    if form in ("SELECT", "ASK"):
        if fmt not in TABLE_FORMATS or (form == "ASK" and fmt != "json"):
            raise NotFound(f"a {form} result downloads as {', '.join(TABLE_FORMATS)}, not {fmt!r}", where=fmt)
        result = get_kg().query.run(query, result_format=by_name("json").engine)
        build = citing.current_build()
        about = {"query": query, "data version": build.data_version if build else "",
                 "link": citing.base_url() + _permalink(query)}
        body = write_table(result.body, fmt, bom=citing.wants_bom(), title=stem, about=about)
        return citing.attachment(body, TABLE_FORMATS[fmt], citing.download_name(stem, fmt),
                                 truncated=result.truncated)
    graph_formats = {f.suffix: f for f in (by_name("turtle"), by_name("ntriples"), by_name("jsonld"))}
    if fmt not in graph_formats:
        raise NotFound(f"a {form} result downloads as {', '.join(graph_formats)}, not {fmt!r}", where=fmt)
    result = get_kg().query.run(query, result_format=graph_formats[fmt].engine)
    return citing.attachment(result.body, graph_formats[fmt].media_type, citing.download_name(stem, fmt),
                             truncated=result.truncated)


@bp.route(SPARQL_PATH + "/cite", methods=["GET", "POST"])
def cite() -> Response:
    """A query's citation on the served data: permanent link, BibTeX and CSL-JSON (JSON)."""
    query = _one_query()
    check_query(query)
    get_kg().query.check_syntax(query)  # only a query that runs is worth citing
    record = citing.citation(f"SPARQL query {citing.query_stem(query)} on tnmt-kg", _permalink(query), query)
    return jsonify({
        "permalink": record.url, "version": record.version, "short_version": record.shown_version,
        "dump": urls.dump_url(record.shown_version, "ttl"),
        "built": record.built.isoformat(), "bibtex": record.bibtex(), "csl": record.csl(),
        "csl_json": record.csl_json(),
    })


def _permalink(query: str) -> str:
    build = citing.current_build()
    return urls.sparql_permalink(query, build.short_version if build else "")


def _one_query() -> str:
    queries = request.values.getlist("query")
    if len(queries) != 1 or not queries[0].strip():
        raise BadInput("give one non-empty query", where="query")
    return queries[0]


def default_query() -> str:
    """The query a new editor tab starts with: every prefix, then what the graph holds."""
    return sparql.load("editor/default")


def _examples() -> list[dict[str, str]]:
    """The canned queries of ``queries/`` (kg.catalog), none when the catalog is not there."""
    try:
        from kg.catalog import load_catalog
    except ImportError:
        return []
    try:
        catalog = load_catalog(Path(get_kg().settings.queries_dir))
    except (KGError, OSError) as exc:
        log.warning("the query editor shows no examples: %s", exc)
        return []
    return [
        {
            "name": str(getattr(q, "name", key)),
            "summary": str(getattr(q, "summary", "") or ""),
            "title_vi": str(getattr(q, "title_vi", "") or ""),
            "text": _example_text(q),
        }
        for key, q in catalog.items()
    ]


def _example_text(named_query: object) -> str:
    """A runnable text: the parameters' defaults written in where the catalog can do so."""
    editor_text = getattr(named_query, "editor_text", None)
    if editor_text is not None:
        try:
            return str(editor_text({}))
        except KGError:
            pass  # a required parameter without a default: the text with its variable
    return str(named_query.text)  # type: ignore[attr-defined]


def _base_url() -> str:
    """This deployment's URL: ``public_url`` when set, else where the request came in."""
    return get_kg().settings.public_url.rstrip("/") or request.url_root.rstrip("/")


def _links() -> describe.ServiceLinks:
    base = _base_url()
    return describe.ServiceLinks(
        endpoint=base + SPARQL_PATH,
        void=base + VOID_PATH,
        dumps={name: base + urls.export_url(name) for name in EXPORT_FORMATS},
    )


def _stats() -> describe.DatasetStats:
    kg = get_kg()
    info = kg.build_info()
    return describe.cached_stats(kg.store(), build_id=info.build_id, modified=info.created)


def _description_format(formats: list[str], accept: str | None) -> Any:
    fmt = _format_parameter("CONSTRUCT", formats) or negotiate("CONSTRUCT", accept)
    if fmt is None:
        raise NotAcceptable(f"this description is RDF; ask for one of "
                            f"{', '.join(_bare(f.media_type) for f in GRAPH_FORMATS)}, not {accept!r}")
    assert fmt in GRAPH_FORMATS
    return fmt


def _rdf_response(body: bytes, fmt: Any, *, as_text: bool = False) -> Response:
    # A browser is shown Turtle as plain text rather than offered a file to save.
    media_type = "text/plain" if as_text else fmt.media_type
    return Response(body, content_type=f"{media_type}; charset=utf-8")


def service_description(formats: list[str], accept: str | None) -> Response:
    """The SPARQL 1.1 Service Description of this endpoint."""
    fmt = _description_format(formats, accept)
    triples = describe.service_description(_stats(), _links())
    return _rdf_response(describe.serialize_description(triples, fmt), fmt)


@bp.route(VOID_PATH, methods=["GET"])
def void() -> Response:
    """The VoID description of the dataset (Turtle unless asked otherwise)."""
    formats = [*request.args.getlist("format"), *request.args.getlist("output")]
    accept = request.headers.get("Accept")
    browser = not formats and _prefers_html(accept)
    fmt = by_name("turtle").engine if browser else _description_format(formats, accept)
    triples = describe.void_description(_stats(), _links())
    return _rdf_response(describe.serialize_description(triples, fmt), fmt, as_text=browser)
