"""The timeline (`/timeline`): who held which role in an organisation or bloc, year by year."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from kg import graphview as gv
from kg import timeline as timeline_mod
from kg.errors import BadInput, NotFound

from .. import urls
from ..services import get_kg
from .search import register_unknown_name, search_index

bp = Blueprint("timeline", __name__)
register_unknown_name(bp)

LABEL_WIDTH = 340
AXIS_WIDTH = 720
ROW_HEIGHT = 34
MIN_YEAR_WIDTH = 36


def _filters() -> dict[str, Any]:
    """The timeline's filters: ``person`` or ``org`` (names, slugs or IRIs), ``role``, ``year``."""
    store = get_kg().store()
    index = search_index()
    out: dict[str, Any] = {}
    for name in ("person", "org", "role"):
        value = (request.args.get(name) or "").strip()
        if value:
            out[name] = gv.resolve(store, value, name, index=index, param=name)
    year = (request.args.get("year") or "").strip()
    if year:
        try:
            out["year"] = int(year)
        except ValueError as exc:
            raise BadInput(f"year must be a year such as 2021, not {year!r}", where="year") from exc
    return out


def _timeline(filters: dict[str, Any] | None = None) -> timeline_mod.Timeline:
    filters = _filters() if filters is None else filters
    store = get_kg().store()
    if filters.get("person"):
        tl = timeline_mod.person_timeline(store, filters["person"])
    else:
        iri = filters.get("org")
        if iri is None:
            iri = timeline_mod.default_timeline_org(store)
            if iri is None:
                raise NotFound("the graph has no organisation with roles to show on a timeline")
        tl = timeline_mod.timeline(store, iri)
    return timeline_mod.restrict(tl, role=filters.get("role"), year=filters.get("year"))


def _params(filters: dict[str, Any]) -> dict[str, str]:
    """The filters as URL parameters, with slugs."""
    out = {name: gv.short_name(filters[name], name) for name in ("person", "org", "role")
           if filters.get(name)}
    if filters.get("year") is not None:
        out["year"] = str(filters["year"])
    return out


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
                if span.assigned and (span.begin or span.end):
                    begin = span.begin or dt.date(years[0], 1, 1)
                    end = span.end or dt.date(years[-1], 12, 31)
                    x0 = _x(max(begin, dt.date(years[0], 1, 1)), years, year_width)
                    x1 = _x(min(end, dt.date(years[-1], 12, 31)) + dt.timedelta(days=1), years, year_width)
                    shapes.append({"type": "assigned", "x": round(x0, 1), "y": y + 9,
                                   "width": round(max(x1 - x0, 3), 1), "height": ROW_HEIGHT - 18,
                                   "span": span, "text": f"{row.role_label} — {row.member_label} — "
                                   f"{row.org_label}: assigned for {begin.isoformat()} – {end.isoformat()}"
                                   + (f" (on {span.day.isoformat()}; not a role held)" if span.day else "")})
                elif span.attested and span.day:
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
            "org": lanes(tl.rows), "units": lanes(tl.unit_rows), "held": lanes(tl.held_rows)}


@bp.get("/timeline")
def timeline_page():  # noqa: ANN201
    """Who held which role in which year, as rows over a time axis, with the yearly rotation."""
    from .graph import canonical_redirect

    filters = _filters()
    moved = canonical_redirect(_params(filters), urls.timeline_filter_url)
    if moved is not None:
        return moved
    tl = _timeline(filters)
    kg = get_kg()
    choices = gv.filter_choices(kg.store(), kg.build_info().build_id)
    roles = sorted({label for r in tl.rotation for label in r["holders"]},
                   key=lambda label: next((timeline_mod._role_rank(row.role) for row in tl.rows
                                           if row.role_label == label), 99))
    subject = "person" if tl.is_person else "org"
    names = {subject: tl.org_label}
    if filters.get("role"):
        names["role"] = gv.role_label(kg.store(), filters["role"]) or gv.short_name(filters["role"], "role")
    return render_template("timeline.html", tl=tl, geo=layout(tl), rotation_roles=roles, choices=choices,
                           orgs=choices["orgs"], names=names, filters=filters, params=_params(filters),
                           org_param=gv.short_name(tl.org, subject), subject=subject)


@bp.get("/timeline.json")
def timeline_json() -> Response:
    """The timeline's rows, spans and rotation as JSON."""
    tl = _timeline()
    data = tl.to_dict()
    kind = "person" if tl.is_person else "org"
    data["graph_url"] = urls.graph_url(**{kind: gv.short_name(tl.org, kind)})
    if tl.is_person:
        data["career_url"] = urls.career_url(tl.org)
    return jsonify(data)


OPENAPI_PATHS: dict[str, Any] = {
    "/timeline.json": {"get": {
        "summary": "Who held which role in an organisation or bloc, by year",
        "description": "Rows of memberships (known periods and attested dates) in the organisation and "
                       "in its member units, and the year-by-year holders of each yearly role "
                       "(for a bloc: the head rotation).",
        "tags": ["timeline"],
        "parameters": [{"name": "org", "in": "query", "schema": {"type": "string"},
                        "description": "Organisation: a name, slug or IRI; absent: the bloc with most "
                                       "yearly roles."},
                       {"name": "person", "in": "query", "schema": {"type": "string"},
                        "description": "A person (name, slug or IRI): the roles they held."},
                       {"name": "role", "in": "query", "schema": {"type": "string"},
                        "description": "Only this role (name, slug or IRI)."},
                       {"name": "year", "in": "query", "schema": {"type": "integer"},
                        "description": "Only what is dated in this year."}],
        "responses": {
            "200": {"description": "The timeline", "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    "org": {"type": "string"}, "org_label": {"type": "string"},
                    "years": {"type": "array", "items": {"type": "integer"}},
                    "rotation": {"type": "array", "items": {"type": "object"}},
                    "rows": {"type": "array", "items": {"type": "object"}},
                    "unit_rows": {"type": "array", "items": {"type": "object"}},
                    "held_rows": {"type": "array", "items": {"type": "object"}}}}}}},
            "404": {"description": "No such organisation or person (with the closest names)"}}}},
}
