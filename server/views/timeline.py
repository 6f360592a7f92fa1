"""The timeline (`/timeline`): who held which role in an organisation or bloc, year by year."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from kg import graphview as gv
from kg import timeline as timeline_mod
from kg.errors import NotFound

from .. import urls
from ..services import get_kg

bp = Blueprint("timeline", __name__)

LABEL_WIDTH = 340
AXIS_WIDTH = 720
ROW_HEIGHT = 34
MIN_YEAR_WIDTH = 36


def _timeline() -> timeline_mod.Timeline:
    store = get_kg().store()
    org = (request.args.get("org") or "").strip()
    if org:
        iri = gv.resolve(store, org, "org")
    else:
        found = timeline_mod.default_timeline_org(store)
        if found is None:
            raise NotFound("the graph has no organisation with roles to show on a timeline")
        iri = found
    return timeline_mod.timeline(store, iri)


def _x(day: dt.date, years: list[int], year_width: float) -> float:
    """The position of a day on the axis (each year as wide as the others)."""
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return LABEL_WIDTH + (day.year - years[0] + (day - start).days / length) * year_width


def layout(tl: timeline_mod.Timeline) -> dict[str, Any]:
    """SVG geometry for the timeline: one lane per row, bars for known periods, marks for attested days."""
    years = tl.years or [dt.date.today().year]
    year_width = max(MIN_YEAR_WIDTH, AXIS_WIDTH / len(years))
    width = LABEL_WIDTH + year_width * len(years) + 20

    def lanes(rows: list[timeline_mod.TimelineRow]) -> dict[str, Any]:
        out = []
        for i, row in enumerate(rows):
            y = 30 + i * ROW_HEIGHT
            shapes = []
            for span in row.spans:
                if span.attested and span.day:
                    x = _x(span.day, years, year_width)
                    shapes.append({"type": "mark", "x": round(x, 1), "y": y + ROW_HEIGHT / 2,
                                   "span": span, "text": f"{row.role_label} — {row.member_label} — "
                                   f"{row.org_label}: attested on {span.day.isoformat()}"})
                elif span.begin or span.end:
                    begin = span.begin or dt.date(years[0], 1, 1)
                    end = span.end or dt.date(years[-1], 12, 31)
                    x0 = _x(begin, years, year_width)
                    x1 = _x(end + dt.timedelta(days=1), years, year_width)
                    shapes.append({"type": "bar", "x": round(x0, 1), "y": y + 7,
                                   "width": round(max(x1 - x0, 3), 1), "height": ROW_HEIGHT - 14,
                                   "span": span, "text": f"{row.role_label} — {row.member_label} — "
                                   f"{row.org_label}: {begin.isoformat()} – {end.isoformat()}"})
            out.append({"row": row, "y": y, "shapes": shapes})
        return {"lanes": out, "height": 40 + len(rows) * ROW_HEIGHT}

    ticks = [{"year": y, "x": round(LABEL_WIDTH + (y - years[0]) * year_width, 1),
              "mid": round(LABEL_WIDTH + (y - years[0] + 0.5) * year_width, 1)} for y in years]
    return {"width": round(width, 1), "year_width": year_width, "ticks": ticks, "row_height": ROW_HEIGHT,
            "label_width": LABEL_WIDTH, "end_x": round(LABEL_WIDTH + year_width * len(years), 1),
            "org": lanes(tl.rows), "units": lanes(tl.unit_rows)}


@bp.get("/timeline")
def timeline_page() -> str:
    """Who held which role in which year, as rows over a time axis, with the yearly rotation."""
    tl = _timeline()
    kg = get_kg()
    orgs = gv.filter_choices(kg.store(), kg.build_info().build_id)["orgs"]
    roles = sorted({label for r in tl.rotation for label in r["holders"]},
                   key=lambda label: next((timeline_mod._role_rank(row.role) for row in tl.rows
                                           if row.role_label == label), 99))
    return render_template("timeline.html", tl=tl, geo=layout(tl), rotation_roles=roles, orgs=orgs,
                           org_param=gv.short_name(tl.org, "org"))


@bp.get("/timeline.json")
def timeline_json() -> Response:
    """The timeline's rows, spans and rotation as JSON."""
    tl = _timeline()
    data = tl.to_dict()
    data["graph_url"] = urls.graph_url(org=gv.short_name(tl.org, "org"))
    return jsonify(data)


OPENAPI_PATHS: dict[str, Any] = {
    "/timeline.json": {"get": {
        "summary": "Who held which role in an organisation or bloc, by year",
        "description": "Rows of memberships (known periods and attested dates) in the organisation and "
                       "in its member units, and the year-by-year holders of each yearly role "
                       "(for a bloc: the head rotation).",
        "tags": ["timeline"],
        "parameters": [{"name": "org", "in": "query", "schema": {"type": "string"},
                        "description": "Organisation slug or IRI; absent: the bloc with most yearly roles."}],
        "responses": {
            "200": {"description": "The timeline", "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    "org": {"type": "string"}, "org_label": {"type": "string"},
                    "years": {"type": "array", "items": {"type": "integer"}},
                    "rotation": {"type": "array", "items": {"type": "object"}},
                    "rows": {"type": "array", "items": {"type": "object"}},
                    "unit_rows": {"type": "array", "items": {"type": "object"}}}}}}},
            "404": {"description": "No such organisation"}}}},
}
