"""Search by name: ``/search?q=`` as an HTML page, or JSON when the client asks for it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template, request

from kg import search as kgsearch
from kg.entities import summaries

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
