"""Search by name: ``/search?q=`` as an HTML page, or JSON when the client asks for it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from kg import find
from kg import search as kgsearch
from kg.entities import summaries
from kg.errors import BadInput

from .. import urls
from ..negotiation import best_match
from ..services import get_kg

bp = Blueprint("search", __name__)


def run_search(query: str, *, limit: int = kgsearch.MAX_RESULTS) -> list[dict[str, Any]]:
    """Ranked hits with label, types and page URL (shared with ``/api/search``)."""
    kg = get_kg()
    store = kg.store()
    index = kgsearch.index_for_build(store, kg.build_info().build_id)
    hits = index.search(query, limit=limit)
    about = summaries(store, [h.iri for h in hits])
    return [
        {
            "iri": hit.iri,
            "label": hit.label,
            "lang": hit.lang,
            "match": hit.match,
            "types": [t.as_json() for t in about[hit.iri].types],
            "url": urls.entity_path(hit.iri),
        }
        for hit in hits
    ]


def read_limit() -> int:
    try:
        limit = int(request.args.get("limit", kgsearch.MAX_RESULTS))
    except ValueError:
        limit = kgsearch.MAX_RESULTS
    return max(1, min(limit, kgsearch.MAX_RESULTS))


@bp.get("/search")
def search_page():  # noqa: ANN201
    """Entities whose names match the query, ignoring diacritics, case and đ/d."""
    query = request.args.get("q", "").strip()[:200]
    results = run_search(query, limit=read_limit()) if query else []
    if best_match(request.headers.get("Accept"), ["text/html", "application/json"]) == "application/json":
        return jsonify({"query": query, "count": len(results), "results": results})
    return render_template("search.html", query=query, search_q=query, results=results)


# --- names as you type, and the page for a name that is not known --------------------------------


def search_index() -> kgsearch.SearchIndex:
    """The search index of the current build (names → entities, diacritics ignored)."""
    kg = get_kg()
    return kgsearch.index_for_build(kg.store(), kg.build_info().build_id)


def _kinds_param() -> list[str]:
    given = [k.strip() for k in (request.args.get("kind") or "").split(",") if k.strip()]
    unknown = [k for k in given if k not in find.KINDS]
    if unknown:
        raise BadInput(f"kind must be one or more of {', '.join(find.KINDS)}, not {unknown[0]!r}",
                       where="kind")
    return given or list(find.KINDS)


@bp.get("/api/suggest")
def api_suggest() -> Response:
    """Organisations, people or roles whose names match what is typed so far (for filter inputs)."""
    query = request.args.get("q", "").strip()[:200]
    kinds = _kinds_param()
    found = find.suggest(get_kg().store(), search_index(), query, kinds=kinds,
                         limit=min(read_limit(), 20)) if query else []
    return jsonify({"query": query, "kinds": kinds, "count": len(found),
                    "suggestions": [{**s.to_dict(), "url": urls.entity_path(s.iri)} for s in found]})


def unknown_name_page(exc: find.UnknownName):  # noqa: ANN201
    """A name a filter does not know: an HTML page (404) with the closest names, each a link to the
    same page with that entity; JSON with the same for API clients."""
    from ..app import wants_json

    if wants_json():
        return jsonify(exc.to_dict()), exc.status
    args = request.args.to_dict()
    choices = [{"suggestion": s, "url": urls.with_param(request.path, args, exc.param, s.value),
                "page": urls.entity_path(s.iri)} for s in exc.suggestions]
    return render_template("unknown_name.html", exc=exc, kind=find.KINDS[exc.kind], choices=choices,
                           search_q=exc.given), exc.status


def register_unknown_name(blueprint: Blueprint) -> None:
    """Pages of ``blueprint`` answer an unknown name with :func:`unknown_name_page`."""
    blueprint.register_error_handler(find.UnknownName, unknown_name_page)


OPENAPI_PATHS: dict[str, Any] = {
    "/api/suggest": {"get": {
        "summary": "Names as you type: organisations, people or roles whose names match",
        "description": "Diacritics, case and đ/d are ignored; every word typed must start a word of the "
                       "name. `value` is what a filter (`org`, `person`, `role`) takes.",
        "tags": ["search"],
        "parameters": [
            {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "What was typed."},
            {"name": "kind", "in": "query", "schema": {"type": "string"},
             "description": "org, person, role, or several separated by commas (default: all)."},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 20}}],
        "responses": {"200": {"description": "Suggestions, best first", "content": {"application/json": {
            "schema": {"type": "object", "properties": {
                "query": {"type": "string"}, "count": {"type": "integer"},
                "suggestions": {"type": "array", "items": {"type": "object", "properties": {
                    "iri": {"type": "string"}, "label": {"type": "string"}, "kind": {"type": "string"},
                    "value": {"type": "string"}, "detail": {"type": "string"},
                    "url": {"type": "string"}}}}}}}}},
            "400": {"$ref": "#/components/responses/Error"}}}},
}
