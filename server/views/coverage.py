"""What the graph covers (`/coverage`) and the ministry's structure on a day (`/structure`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, make_response, render_template, request

from kg import coverage as kgcoverage

from ..negotiation import best_match
from ..services import get_kg

bp = Blueprint("coverage", __name__)


def _wants_json() -> bool:
    return best_match(request.headers.get("Accept"), ["text/html", "application/json"]) == "application/json"


def _vary(body: Any) -> Response:
    response = make_response(body)
    response.headers["Vary"] = "Accept"
    return response


@bp.get("/coverage")
def coverage_page() -> Response:
    """Per source what it contributed; per year the ministry's units, their known heads, the gaps."""
    report = kgcoverage.coverage(get_kg().store())
    if _wants_json():
        return _vary(jsonify(report.to_dict()))
    return _vary(render_template("coverage.html", report=report, grid=report.grid(),
                                 kinds=list(dict.fromkeys(k for k, _ in kgcoverage.CONTRIBUTION_KINDS))))


@bp.get("/structure")
def structure_page() -> Response:
    """The ministry's tree of units with their heads on a day, and what changed since an earlier day."""
    store = get_kg().store()
    date = request.args.get("date", "").strip() or kgcoverage.default_day(store)
    since = request.args.get("since", "").strip() or None
    found = kgcoverage.structure(store, date, since)
    if _wants_json():
        return _vary(jsonify(found.to_dict()))
    return _vary(render_template("structure.html", s=found))


OPENAPI_PATHS: dict[str, Any] = {
    "/coverage": {"get": {
        "summary": "What the graph covers: each source's contribution; per year the units and known heads",
        "tags": ["coverage"],
        "description": "With Accept: application/json. Units no source dates are listed every year "
                       "under dates_unknown; a unit with no known head that year is under no_head.",
        "responses": {"200": {"description": "Sources and years", "content": {"application/json": {
            "schema": {"type": "object", "properties": {
                "sources": {"type": "array", "items": {"type": "object"}},
                "years": {"type": "array", "items": {"type": "object"}}}}}}}}}},
    "/structure": {"get": {
        "summary": "The ministry's units and their heads on a day, and the changes since an earlier day",
        "tags": ["coverage"],
        "description": "With Accept: application/json.",
        "parameters": [
            {"name": "date", "in": "query", "schema": {"type": "string", "format": "date"},
             "description": "The day (YYYY-MM-DD); absent: the ministry's last day."},
            {"name": "since", "in": "query", "schema": {"type": "string", "format": "date"},
             "description": "An earlier day: the changes dated after it and on or before date."}],
        "responses": {"200": {"description": "The structure", "content": {"application/json": {
            "schema": {"type": "object"}}}},
            "400": {"description": "A day not written YYYY-MM-DD, or since after date"}}}},
}
