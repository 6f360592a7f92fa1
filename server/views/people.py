"""Careers, rosters and comparisons: `/person/<id>/career`, `/roster`, `/compare` (and their data)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, jsonify, redirect, render_template, request

from kg import graphview as gv
from kg import people as kgpeople
from kg import roster as kgroster
from kg.errors import BadInput

from .. import urls
from ..negotiation import best_match
from ..services import get_kg
from .search import register_unknown_name, search_index
from .timeline import layout

bp = Blueprint("people", __name__)
register_unknown_name(bp)


def _wants_json() -> bool:
    return best_match(request.headers.get("Accept"), ["text/html", "application/json"]) == "application/json"


def _org_param(required: bool = True) -> str | None:
    value = (request.args.get("org") or "").strip()
    if not value:
        if required:
            raise BadInput("give an organisation: org=<name, slug or IRI>", where="org")
        return None
    return gv.resolve(get_kg().store(), value, "org", index=search_index(), param="org")


def _moved(build: Any, **params: str) -> Response | None:
    """The same page under the organisation's slug when it was given as a name."""
    given = (request.args.get("org") or "").strip()
    if given and params.get("org") and given != params["org"]:
        return redirect(build(**params), code=302)
    return None


# --- a person's career -----------------------------------------------------------------------------


@bp.get("/person/<path:ident>/career")
def career_page(ident: str):  # noqa: ANN201
    """Every role a person held — known periods as bars, attested days as points — with sources."""
    kg = get_kg()
    store = kg.store()
    person = gv.resolve(store, ident, "person", index=search_index(), param="person")
    slug = gv.short_name(person, "person")
    if slug != ident and "://" not in slug:
        return redirect(urls.career_url(slug), code=302)
    found = kgpeople.career(store, person)
    if _wants_json():
        return jsonify({**found.to_dict(), "url": urls.career_url(person)})
    return render_template("career.html", career=found, geo=layout(found.timeline),
                           person_param=slug)


# --- who held which role on a day ---------------------------------------------------------------


def _day_param() -> dt.date | None:
    value = (request.args.get("date") or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise BadInput(f"date must be a day written YYYY-MM-DD, not {value!r}", where="date") from exc


def _roster() -> tuple[str | None, dt.date | None, kgroster.Roster | None]:
    org = _org_param(required=False)
    day = _day_param()
    if org is None or day is None:
        return org, day, None
    return org, day, kgroster.roster(get_kg().store(), org, day)


@bp.get("/roster")
def roster_page():  # noqa: ANN201
    """Who held which role in a unit and its sub-units on a day, with sources (a table, a CSV)."""
    org, day, found = _roster()
    slug = gv.short_name(org, "org") if org else ""
    moved = _moved(urls.roster_url, org=slug, date=day.isoformat() if day else "")
    if moved is not None:
        return moved
    if found is not None and _wants_json():
        return jsonify(found.to_dict())
    label = gv.node_details(get_kg().store(), [org])[org].label if org else ""
    return render_template("roster.html", roster=found, org=org, org_param=slug, org_label=label,
                           day=day.isoformat() if day else "", search_q="")


@bp.get("/roster.csv")
def roster_csv() -> Response:
    """The roster as CSV, with a UTF-8 byte-order mark unless ``bom=0``."""
    org, day, found = _roster()
    if found is None:
        raise BadInput("give an organisation (org=) and a day (date=YYYY-MM-DD)",
                       where="org" if not org else "date")
    bom = request.args.get("bom", "1") not in ("0", "false", "no")
    name = f"tnmt-kg-roster-{gv.short_name(found.org, 'org').rsplit('/', 1)[-1]}-{found.day.isoformat()}.csv"
    return Response(found.csv(bom=bom), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


# --- what changed between two years --------------------------------------------------------------


def _year_param(name: str) -> int | None:
    value = (request.args.get(name) or "").strip()
    if not value:
        return None
    try:
        year = int(value)
    except ValueError as exc:
        raise BadInput(f"{name} must be a year such as 2021, not {value!r}", where=name) from exc
    if not 1800 <= year <= 2200:
        raise BadInput(f"{name}: year {year} is out of range", where=name)
    return year


@bp.get("/compare")
def compare_page():  # noqa: ANN201
    """Who came, who left, which units appeared or ended, between two years of an organisation."""
    org = _org_param(required=False)
    start, end = _year_param("from"), _year_param("to")
    slug = gv.short_name(org, "org") if org else ""
    moved = _moved(lambda **p: urls.compare_url(p.get("org"), start, end), org=slug)
    if moved is not None:
        return moved
    found = None
    if org and start is not None and end is not None:
        found = kgroster.compare(get_kg().store(), org, start, end)
        if _wants_json():
            return jsonify(found.to_dict())
    label = gv.node_details(get_kg().store(), [org])[org].label if org else ""
    return render_template("compare.html", cmp=found, org=org, org_param=slug, org_label=label,
                           start=start, end=end)

