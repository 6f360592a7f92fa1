"""The graph view (`/graph`), its data and downloads, and the JSON analytics API."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, jsonify, redirect, render_template, request

from kg import analytics, graphvis
from kg import graphview as gv
from kg.errors import BadInput
from kg.labels import parse_iri
from kg.vocab import BASE

from .. import urls
from ..services import KG, get_kg
from . import timeline as timeline_views
from .search import register_unknown_name, search_index
from .vendor import VENDOR_DIRS

bp = Blueprint("graph", __name__)
register_unknown_name(bp)

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
SIZE_BY = ("degree", "betweenness")

def _choices(kg: KG) -> dict[str, Any]:
    return gv.filter_choices(kg.store(), kg.build_info().build_id)


def _request_filters(kg: KG) -> gv.Filters:
    args = request.args
    return gv.parse_filters(kg.store(), year=args.get("year"), org=args.get("org"),
                            person=args.get("person"), role=args.get("role"), depth=args.get("depth"),
                            index=search_index())


def canonical_redirect(params: dict[str, str], build: Any) -> Response | None:
    """When a filter was given as a name, the same view under its slugs (a stable, shareable URL)."""
    named = [k for k in ("org", "person", "role") if (request.args.get(k) or "").strip()
             and request.args.get(k, "").strip() != params.get(k)]
    if not named:
        return None
    return redirect(build(**params), code=302)


def _size_by() -> str:
    size = request.args.get("size", "degree") or "degree"
    if size not in SIZE_BY:
        raise BadInput(f"size must be one of {', '.join(SIZE_BY)}, not {size!r}")
    return size


def _view(kg: KG) -> tuple[gv.GraphView, dict[str, Any], dict[str, str]]:
    """The view for the request's filters, its vis-network payload and the shareable parameters."""
    filters = _request_filters(kg)
    size_by = _size_by()
    view = gv.graph_view(kg.store(), filters, max_nodes=kg.settings.graph_max_nodes, index=kg.graph_index())
    sizes = analytics.view_betweenness(view) if size_by == "betweenness" else None
    params = filters.params()
    vis = graphvis.to_vis(view, sizes=sizes, params=params)
    for node in vis["nodes"]:
        node["url"] = urls.entity_path(node["id"])
        if node["kind"] == "person":
            node["graph_url"] = urls.graph_url(person=gv.short_name(node["id"], "person"))
            node["career_url"] = urls.career_url(node["id"])
        elif node["kind"] in gv._ORG_KINDS:
            node["graph_url"] = urls.graph_url(org=gv.short_name(node["id"], "org"))
    if size_by != "degree":
        params["size"] = size_by
    return view, vis, params


def _names(view: gv.GraphView) -> dict[str, str]:
    """What the filter inputs show: the names of the focus and the role, not their slugs."""
    out = {}
    for name in ("org", "person"):
        iri = getattr(view.filters, name)
        node = view.node(iri) if iri else None
        if iri:
            out[name] = node.label if node else gv.short_name(iri, name)
    if view.filters.role:
        out["role"] = view.role_label or gv.short_name(view.filters.role, "role")
    return out


def _central(view: gv.GraphView, vis: dict[str, Any], limit: int = 8) -> list[dict[str, Any]]:
    """The most central nodes of the view by the size measure, for the side panel."""
    ranked = sorted(vis["nodes"], key=lambda n: (-float(n.get("value", 0)), n["label"]))[:limit]
    return [{"iri": n["id"], "label": n["label_full"], "kind": n["kind"], "value": n.get("value", 0),
             "degree": n.get("degree", 0)} for n in ranked]


def _left_out_links(view: gv.GraphView) -> list[dict[str, str]]:
    """Examples of what the cap left out, each linked to a view centred on it (a way to narrow)."""
    links = []
    for ex in view.left_out.examples:
        if ex["kind"] == "person":
            url = urls.graph_url(**{**view.filters.params(), "org": None,
                                    "person": gv.short_name(ex["iri"], "person")})
        elif ex["kind"] in gv._ORG_KINDS:
            url = urls.graph_url(**{**view.filters.params(), "person": None,
                                    "org": gv.short_name(ex["iri"], "org")})
        else:
            url = urls.entity_path(ex["iri"])
        links.append({"label": ex["label"], "url": url})
    return links


@bp.get("/graph")
def graph_page():  # noqa: ANN201
    """The interactive graph of who held which role, where and when, with its filters."""
    kg = get_kg()
    view, vis, params = _view(kg)
    moved = canonical_redirect(params, urls.graph_url)
    if moved is not None:
        return moved
    return render_template(
        "graph.html", view=view, vis=vis, params=params, size_by=params.get("size", "degree"),
        names=_names(view), choices=_choices(kg), node_kinds=gv.NODE_KINDS, edge_styles=gv.EDGE_STYLES,
        central=_central(view, vis), left_out_links=_left_out_links(view), standalone=False,
        download_name=_download_name(params, "png")[:-4])


@bp.get("/graph/data.json")
def graph_data() -> Response:
    """The current view's nodes, edges and vis-network options as JSON."""
    view, vis, params = _view(get_kg())
    meta = view.to_dict()
    return jsonify({"filters": params, "max_nodes": view.max_nodes, "capped": view.capped,
                    "left_out": meta["left_out"], "nodes": vis["nodes"], "edges": vis["edges"],
                    "options": vis["options"]})


def _inline(text: str, tag: str) -> str:
    """Code made safe to inline in a ``<script>`` or ``<style>`` element of a file used offline."""
    # A closing tag inside the code would end the element early ("<\/" means the same in JS), and a
    # source-map comment would make developer tools look for a file that is not there.
    text = re.sub(r"^[/][/*]# sourceMappingURL=.*$", "", text, flags=re.MULTILINE)
    return re.sub(rf"</(?={tag})", r"<\\/", text, flags=re.IGNORECASE)


def _download_name(params: dict[str, str], suffix: str) -> str:
    tail = "-".join(f"{k}-{v}" for k, v in sorted(params.items()) if "://" not in v)
    return f"tnmt-kg-graph{'-' + tail if tail else ''}.{suffix}"


@bp.get("/graph/download.html")
def graph_download_html() -> Response:
    """This view as one standalone HTML file that works offline (vis-network inlined)."""
    kg = get_kg()
    view, vis, params = _view(kg)
    root = request.host_url.rstrip("/")
    for node in vis["nodes"]:
        node["url"] = root + node["url"]  # the file is opened from disk: link back to this server
    vis_dir = VENDOR_DIRS["vis"]
    html = render_template(
        "graph_download.html", view=view, vis=vis, params=params, node_kinds=gv.NODE_KINDS,
        edge_styles=gv.EDGE_STYLES, standalone=True, source_url=root + urls.graph_url(**params),
        vis_css=_inline((vis_dir / "vis-network.css").read_text(encoding="utf-8"), "style"),
        vis_js=_inline((vis_dir / "vis-network.min.js").read_text(encoding="utf-8"), "script"),
        graph_js=_inline((STATIC_DIR / "graph.js").read_text(encoding="utf-8"), "script"),
        page_css=_inline((STATIC_DIR / "style.css").read_text(encoding="utf-8"), "style"))
    return Response(html, mimetype="text/html", headers={
        "Content-Disposition": f'attachment; filename="{_download_name(params, "html")}"'})


@bp.get("/graph/download.ttl")
def graph_download_ttl() -> Response:
    """The subgraph this view shows, as Turtle."""
    kg = get_kg()
    view, _vis, params = _view(kg)
    return Response(gv.view_turtle(kg.store(), view), mimetype="text/turtle", headers={
        "Content-Disposition": f'attachment; filename="{_download_name(params, "ttl")}"'})


# --- the analytics API -------------------------------------------------------------------------


def _entity_param(name: str) -> str:
    """An entity given as an IRI or as its path under the base (``person/nguyen-minh-khuyen``)."""
    value = (request.args.get(name) or "").strip()
    if not value:
        raise BadInput(f"parameter {name!r} is required (an IRI, or e.g. person/nguyen-minh-khuyen)")
    iri = value if "://" in value else BASE + value.lstrip("/")
    try:
        return parse_iri(iri).value
    except BadInput as exc:
        raise BadInput(f"{name}: not a valid IRI: {value!r}") from exc


def _int_param(name: str, default: int) -> int:
    value = request.args.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise BadInput(f"{name} must be an integer, not {value!r}") from exc


@bp.get("/api/analytics/centrality")
def api_centrality() -> Response:
    """The most central entities by degree and by betweenness."""
    kg = get_kg()
    return jsonify(analytics.centrality(kg.store(), kg.build_info().build_id,
                                        limit=_int_param("limit", 20)))


@bp.get("/api/analytics/path")
def api_path() -> Response:
    """The shortest connection between two entities, as a list of facts with their quotes."""
    kg = get_kg()
    return jsonify(analytics.shortest_path(kg.store(), kg.build_info().build_id,
                                           _entity_param("from"), _entity_param("to")))


@bp.get("/api/analytics/communities")
def api_communities() -> Response:
    """Communities of the graph (greedy modularity; label propagation on large graphs)."""
    kg = get_kg()
    return jsonify(analytics.communities(kg.store(), kg.build_info().build_id,
                                         limit=_int_param("limit", 50), members=_int_param("members", 30)))


# --- OpenAPI (merged into /openapi.json by server/openapi.py) ------------------------------------

_ERROR = {"description": "Error", "content": {"application/json": {"schema": {
    "type": "object", "properties": {"error": {"type": "string"}, "message": {"type": "string"},
                                     "status": {"type": "integer"}}}}}}
_ENTITY_REF = {"type": "object", "properties": {"iri": {"type": "string", "format": "iri"},
                                                "label": {"type": "string"}, "kind": {"type": "string"}}}
_FILTER_PARAMS = [
    {"name": "year", "in": "query", "schema": {"type": "integer"},
     "description": "Only facts dated in this year (undated structure stays)."},
    {"name": "org", "in": "query", "schema": {"type": "string"},
     "description": "An organisation (slug such as khoi-thi-dua-so-iv, or IRI): it, what it links to, "
                    "and the people holding roles in those organisations."},
    {"name": "person", "in": "query", "schema": {"type": "string"},
     "description": "A person (slug or IRI): their ego network."},
    {"name": "depth", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 3, "default": 1},
     "description": "Steps from the organisation or person."},
    {"name": "role", "in": "query", "schema": {"type": "string"},
     "description": "Only memberships with this role (slug such as truong-khoi, or IRI)."},
    {"name": "size", "in": "query", "schema": {"type": "string", "enum": list(SIZE_BY)},
     "description": "Node size by degree or betweenness within the view."},
]

OPENAPI_PATHS: dict[str, Any] = {
    "/graph/data.json": {"get": {
        "summary": "Nodes and edges of a graph view",
        "description": "At most graph_max_nodes nodes (the most connected part); left_out says what was "
                       "not shown. Tooltips (title) are plain text.",
        "tags": ["graph"], "parameters": _FILTER_PARAMS,
        "responses": {"200": {"description": "The view", "content": {"application/json": {"schema": {
            "type": "object", "properties": {
                "nodes": {"type": "array", "items": {"type": "object"}},
                "edges": {"type": "array", "items": {"type": "object"}},
                "options": {"type": "object"}, "capped": {"type": "boolean"},
                "left_out": {"type": "object"}, "filters": {"type": "object"}}}}}},
            "400": _ERROR, "404": _ERROR}}},
    "/graph/download.ttl": {"get": {
        "summary": "The subgraph a graph view shows, as Turtle", "tags": ["graph"],
        "parameters": _FILTER_PARAMS,
        "responses": {"200": {"description": "Turtle", "content": {"text/turtle": {}}},
                      "400": _ERROR, "404": _ERROR}}},
    "/api/analytics/centrality": {"get": {
        "summary": "Most central entities by degree and betweenness", "tags": ["analytics"],
        "parameters": [{"name": "limit", "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 20}}],
        "responses": {"200": {"description": "Rankings", "content": {"application/json": {"schema": {
            "type": "object", "properties": {
                "nodes": {"type": "integer"}, "edges": {"type": "integer"}, "exact": {"type": "boolean"},
                "by_degree": {"type": "array", "items": _ENTITY_REF},
                "by_betweenness": {"type": "array", "items": _ENTITY_REF}}}}}},
            "400": _ERROR}}},
    "/api/analytics/path": {"get": {
        "summary": "Shortest connection between two entities, as facts with their quotes",
        "tags": ["analytics"],
        "parameters": [
            {"name": "from", "in": "query", "required": True, "schema": {"type": "string"},
             "description": "IRI, or its path under the base, e.g. person/nguyen-minh-khuyen"},
            {"name": "to", "in": "query", "required": True, "schema": {"type": "string"},
             "description": "IRI, or its path under the base, e.g. org/cuc-vien-tham-quoc-gia"}],
        "responses": {"200": {"description": "The path", "content": {"application/json": {"schema": {
            "type": "object", "properties": {
                "found": {"type": "boolean"}, "length": {"type": ["integer", "null"]},
                "nodes": {"type": "array", "items": _ENTITY_REF},
                "steps": {"type": "array", "items": {"type": "object", "properties": {
                    "subject": {"type": "string"}, "property": {"type": "string"},
                    "object": {"type": "string"}, "fact": {"type": "string"},
                    "role": {"type": ["string", "null"]},
                    "when": {"type": "string"}, "quote": {"type": "string"}}}}}}}}},
            "400": _ERROR, "404": _ERROR}}},
    "/api/analytics/communities": {"get": {
        "summary": "Communities of the graph", "tags": ["analytics"],
        "parameters": [
            {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 50}},
            {"name": "members", "in": "query", "schema": {"type": "integer", "default": 30}}],
        "responses": {"200": {"description": "Communities, largest first", "content": {"application/json": {
            "schema": {"type": "object", "properties": {
                "method": {"type": "string"}, "count": {"type": "integer"},
                "communities": {"type": "array", "items": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "size": {"type": "integer"},
                    "members": {"type": "array", "items": _ENTITY_REF}}}}}}}}}}}},
    **timeline_views.OPENAPI_PATHS,
}
