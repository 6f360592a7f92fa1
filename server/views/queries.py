"""Named queries: the gallery, a page per query (form, run, results, editor link) and downloads.

``/queries`` lists the catalog; ``/queries/<name>?param=…`` runs a query with the given
parameters (the defaults when none are given) and shows its result as a table, with a "Cite"
panel (a permanent link carrying the values and the data version, BibTeX, CSL-JSON); the same
path with a suffix (``/queries/<name>.csv?…``, ``.tsv``, ``.json``, ``.xlsx``; ``.ttl``, … for a
CONSTRUCT) downloads the result: a table of the query's own columns (no parameter variables),
a CSV with a UTF-8 byte order mark unless ``bom=0``, named by the query, its values and the data
version (``bloc-heads-2021_5f75ca9e73d2.csv``). Parameters are bound by the catalog as RDF
terms, never pasted in; ``version`` and ``bom`` are not parameters.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request

from kg.catalog import Answer, NamedQuery, explore_filters, load_catalog, named_query
from kg.errors import BadInput
from kg.vocab import PREFIXES, XSD

from .. import citing, urls
from ..services import get_kg

bp = Blueprint("queries", __name__)

#: Datatypes shown without a note in a result table.
_PLAIN_DATATYPES = {XSD[t].value for t in ("date", "gYear", "integer", "decimal", "boolean", "dateTime")}


@bp.get("/queries")
def gallery() -> str:
    """Every named query: its title, summary, description, tags and view."""
    catalog = load_catalog(get_kg().settings.queries_dir)
    return render_template("queries.html", queries=list(catalog.values()))


@bp.get("/queries/<name>")
def query_page(name: str) -> Any:
    """One query: its form, its result (run with the given or default values) and its text."""
    stem, dot, fmt = name.partition(".")
    named = named_query(get_kg().settings.queries_dir, stem)
    values = _values()
    if dot:
        return _download(named, values, fmt)
    form_values = {p.name: _shown(p, values) for p in named.params}
    context: dict[str, Any] = {"query": named, "values": form_values, "error": None, "answer": None}
    try:
        named.terms(values)
    except BadInput as exc:
        if not request.args:  # first visit to a query that has no default for a required value
            return render_template("query.html", **context)
        context["error"] = exc
        return render_template("query.html", **context), 400
    # What the form shows is what runs: the given values, else the defaults.
    effective = {k: v for k, v in form_values.items() if v}
    answer = named.run(get_kg().query, effective)
    editor_text = named.editor_text(effective)
    context.update(
        answer=answer,
        columns=answer.variables,
        rows=[[_cell(row.get(v)) for v in answer.variables] for row in answer.rows],
        downloads=[(fmt, urls.named_query_url(named.name, effective, fmt=fmt)) for fmt in named.downloads],
        no_bom_url=urls.named_query_url(named.name, {**effective, "bom": "0"}, fmt="csv")
        if named.form == "SELECT" else None,
        editor_url=urls.sparql_editor_url(editor_text),
        explore=_explore(named, answer),
        citation=_citation(named, effective, editor_text),
        version_note=citing.version_note(request.args.get("version")),
    )
    return render_template("query.html", **context)


def _citation(named: NamedQuery, values: dict[str, str], text: str) -> Any:
    """The query run with these values, on the served data version, as a citation."""
    build = citing.current_build()
    if build is None:
        return None
    title = named.title_vi + (" (" + ", ".join(f"{k}={v}" for k, v in values.items()) + ")" if values else "")
    link = urls.named_query_url(named.name, {**values, "version": build.short_version})
    return citing.citation(title, link, text)


def _shown(param: Any, values: dict[str, str]) -> str:
    """The value a form field shows: the one given, else the default (an optional field
    cleared on purpose stays empty)."""
    given = values.get(param.name, "").strip()
    if given or (param.name in values and not param.required):
        return given
    return param.default or ""


def _values() -> dict[str, str]:
    """The request's parameters, one value each."""
    for key in request.args:
        if len(request.args.getlist(key)) > 1:
            raise BadInput(f"parameter {key} is given more than once", where=key)
    return {k: v for k, v in request.args.items() if k not in citing.RESERVED}


def _download(named: NamedQuery, values: dict[str, str], fmt: str) -> Response:
    build = citing.current_build()
    link = urls.named_query_url(named.name, {**values, **({"version": build.short_version} if build else {})})
    about = {"query": named.name, "title": named.title_vi,
             "values": ", ".join(f"{k}={v}" for k, v in values.items()),
             "data version": build.data_version if build else "", "link": citing.base_url() + link}
    result = named.download(get_kg().query, values, fmt, bom=citing.wants_bom(), about=about)
    # The name says what the file holds: the query and the values it ran with (defaults too).
    stem = citing.file_stem(named.name, *(_shown(p, values) for p in named.params))
    return citing.attachment(result.body, result.media_type, citing.download_name(stem, fmt),
                             truncated=result.truncated)


def _explore(named: NamedQuery, answer: Answer) -> dict[str, str]:
    """Links to the graph and timeline views, when the result is about people, units, roles or dates."""
    filters = explore_filters(answer)
    if not filters and named.view == "table":
        return {}
    return {"graph": urls.graph_url(**filters), "timeline": urls.timeline_filter_url(**filters)}


def _cell(value: Any) -> dict[str, Any] | None:
    """What a table cell shows: IRIs as a short name linking to their page, literals as text."""
    if value is None:
        return None
    if value.is_iri:
        return {"text": _compact(value.text), "href": urls.entity_path(value.text), "title": value.text}
    # Vietnamese text, dates and numbers are what a reader expects; only the unusual is noted.
    if value.lang:
        note = None if value.lang == "vi" else f"@{value.lang}"
    else:
        plain = value.datatype is None or value.datatype in _PLAIN_DATATYPES
        note = None if plain else _compact(value.datatype)
    return {"text": value.text, "href": None, "title": None, "note": note}


def _compact(iri: str) -> str:
    """``unit:cuc-vien-tham-quoc-gia`` for an IRI in a known namespace (the longest match), else the IRI."""
    best = max(((p, ns) for p, ns in PREFIXES.items() if iri.startswith(ns)), key=lambda x: len(x[1]),
               default=None)
    if best is None or not iri[len(best[1]):]:
        return iri
    return f"{best[0]}:{iri[len(best[1]):]}"
