"""A small JSON API: entity search, a person's roles over time, the holders of a role on a date.

Every path is described in :data:`OPENAPI_PATHS`, which :mod:`server.openapi` merges into the
document served at ``/openapi.json``.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, jsonify, request

from kg import entities
from kg.errors import BadInput
from kg.vocab import BASE

from .. import openapi, urls
from ..services import get_kg

bp = Blueprint("api", __name__)

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")




def resolve(value: str | None, kind: str, param: str, *, required: bool = True) -> str | None:
    """A slug (``truong-khoi``) or a full IRI given for ``param``, as an IRI of ``kind``."""
    value = (value or "").strip()
    if not value:
        if required:
            raise BadInput(f"missing parameter {param}: a slug or an IRI", where=param)
        return None
    if _SLUG.match(value):
        return f"{BASE}{kind}/{value}"
    if ":" in value:
        return entities.parse_iri(value).value
    raise BadInput(f"{param} must be a slug (lower-case letters, digits, '-') or an absolute IRI",
                   where=param)


def membership_json(membership: entities.Membership) -> dict[str, Any]:
    out = membership.as_json()
    out["url"] = urls.entity_path(membership.iri)
    return out


@bp.get("/api/search")
def api_search():  # noqa: ANN201
    """Entities whose names match ``q`` (diacritics, case and đ/d ignored)."""
    from .search import read_limit, run_search

    query = request.args.get("q", "").strip()[:200]
    if not query:
        raise BadInput("missing parameter q", where="q")
    results = run_search(query, limit=read_limit())
    return jsonify({"query": query, "count": len(results), "results": results})


@bp.get("/api/people/<slug>/roles")
def api_person_roles(slug: str):  # noqa: ANN201
    """The roles a person held, over time."""
    if not _SLUG.match(slug):
        raise BadInput("a person is named by the slug of their IRI, e.g. nguyen-quoc-khanh", where="slug")
    person = f"{BASE}person/{slug}"
    rows = entities.person_roles(get_kg().store(), person)
    label = entities.labels_of(get_kg().store(), [person]).get(person, (slug, ""))[0]
    return jsonify({"person": {"iri": person, "label": label, "url": urls.entity_path(person)},
                    "count": len(rows), "roles": [membership_json(m) for m in rows]})


@bp.get("/api/holders")
def api_holders():  # noqa: ANN201
    """Who held a role (in an organisation) on a date: interval containment plus attested days."""
    role = resolve(request.args.get("role"), "role", "role")
    org = resolve(request.args.get("org"), "org", "org", required=False)
    date = request.args.get("date", "").strip()
    if not date:
        raise BadInput("missing parameter date (YYYY-MM-DD)", where="date")
    found = entities.holders(get_kg().store(), role=role or "", organization=org, date=date)
    return jsonify({
        "role": role, "org": org, "date": date, "count": len(found),
        "holders": [{**membership_json(h.membership), "matched": h.matched} for h in found],
    })


@bp.get("/openapi.json")
def openapi_document():  # noqa: ANN201
    """The OpenAPI 3.1 description of every JSON API path."""
    return jsonify(openapi.build_document())


_ERROR = {"$ref": "#/components/responses/Error"}
_TERM = {"$ref": "#/components/schemas/Term"}
_MEMBERSHIP = {"$ref": "#/components/schemas/Membership"}

OPENAPI_COMPONENTS: dict[str, Any] = {
    "schemas": {
        "Term": {
            "type": "object",
            "description": "An IRI with its preferred label (Vietnamese first).",
            "properties": {"iri": {"type": "string", "format": "iri"}, "label": {"type": "string"}},
            "required": ["iri", "label"],
        },
        "SearchResult": {
            "type": "object",
            "properties": {
                "iri": {"type": "string", "format": "iri"},
                "label": {"type": "string", "description": "The label that matched best."},
                "lang": {"type": "string"},
                "match": {"type": "string", "enum": ["exact", "prefix", "phrase", "words"]},
                "types": {"type": "array", "items": _TERM},
                "url": {"type": "string", "description": "The entity's page on this server."},
            },
            "required": ["iri", "label", "match", "types", "url"],
        },
        "Membership": {
            "type": "object",
            "description": "Who held which role in which organisation, and when, with its evidence.",
            "properties": {
                "membership": {"type": "string", "format": "iri"},
                "member": _TERM,
                "role": _TERM,
                "organization": _TERM,
                "begin": {"type": ["string", "null"], "format": "date"},
                "end": {"type": ["string", "null"], "format": "date"},
                "attested": {"type": "array", "items": {"type": "string", "format": "date"},
                             "description": "Days a source shows the role held (no period known)."},
                "attested_only": {"type": "boolean"},
                "inferred": {"type": "array", "items": {
                    "type": "object",
                    "properties": {"statement": {"type": "string", "format": "iri"},
                                   "reason": {"type": "object", "additionalProperties": {"type": "string"},
                                              "description": "The reason, by language tag."}}}},
                "quotes": {"type": "array", "items": {"type": "string"}},
                "sources": {"type": "array", "items": _TERM},
                "url": {"type": "string"},
            },
            "required": ["membership", "member", "role", "organization", "attested", "quotes", "sources"],
        },
        "Error": {
            "type": "object",
            "properties": {"error": {"type": "string"}, "message": {"type": "string"},
                           "status": {"type": "integer"}, "where": {"type": "string"}},
            "required": ["error", "message", "status"],
        },
    },
    "responses": {
        "Error": {"description": "An error: bad parameter (400) or nothing found (404).",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    },
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


OPENAPI_PATHS: dict[str, Any] = {
    "/api/search": {"get": {
        "summary": "Search entities by name",
        "description": "Matches labels ignoring diacritics, case and đ/d: 'nguyen quoc khanh', "
                       "'Khánh' and 'vien tham' all find their entities. Best match first.",
        "operationId": "searchEntities",
        "parameters": [
            {"name": "q", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 200},
             "example": "vien tham"},
            {"name": "limit", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 50}},
        ],
        "responses": {
            "200": _json({"type": "object", "properties": {
                "query": {"type": "string"}, "count": {"type": "integer"},
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchResult"}}},
                "required": ["query", "count", "results"]}, "Ranked results."),
            "400": _ERROR,
        },
    }},
    "/api/people/{slug}/roles": {"get": {
        "summary": "A person's roles over time",
        "description": "Every membership of the person: role, organisation, period (begin/end) or the "
                       "days a source attests it, whether a date is inferred and why, the quote and "
                       "the source. Sorted by time.",
        "operationId": "personRoles",
        "parameters": [{"name": "slug", "in": "path", "required": True,
                        "schema": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
                        "example": "nguyen-quoc-khanh",
                        "description": "The last segment of the person's IRI (…/person/{slug})."}],
        "responses": {
            "200": _json({"type": "object", "properties": {
                "person": _TERM, "count": {"type": "integer"},
                "roles": {"type": "array", "items": _MEMBERSHIP}},
                "required": ["person", "count", "roles"]}, "The person's memberships."),
            "400": _ERROR,
            "404": _ERROR,
        },
    }},
    "/api/holders": {"get": {
        "summary": "Who held a role on a date",
        "description": "Memberships of the role (in the organisation) whose interval contains the date "
                       "(begin <= date <= end, an open end counting as ongoing) — matched 'interval' — "
                       "plus those a source attests on exactly that date — matched 'attested'.",
        "operationId": "roleHolders",
        "parameters": [
            {"name": "role", "in": "query", "required": True, "schema": {"type": "string"},
             "description": "A role slug (truong-khoi) or IRI.", "example": "truong-khoi"},
            {"name": "org", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "An organisation slug (khoi-thi-dua-so-iv) or IRI.",
             "example": "khoi-thi-dua-so-iv"},
            {"name": "date", "in": "query", "required": True,
             "schema": {"type": "string", "format": "date"}, "example": "2021-12-20"},
        ],
        "responses": {
            "200": _json({"type": "object", "properties": {
                "role": {"type": "string"}, "org": {"type": ["string", "null"]},
                "date": {"type": "string", "format": "date"}, "count": {"type": "integer"},
                "holders": {"type": "array", "items": {"allOf": [_MEMBERSHIP, {
                    "type": "object", "properties": {"matched": {"type": "string",
                                                                 "enum": ["interval", "attested"]}},
                    "required": ["matched"]}]}}},
                "required": ["role", "date", "count", "holders"]}, "The holders on that date."),
            "400": _ERROR,
        },
    }},
    "/openapi.json": {"get": {
        "summary": "This document",
        "operationId": "openapi",
        "responses": {"200": _json({"type": "object"}, "The OpenAPI 3.1 document.")},
    }},
}
