"""The graph view's filters from a request, checked against the store, and the choices offered.

>>> from pyoxigraph import Store
>>> parse_filters(Store(), year="2021", depth="2")
Filters(year=2021, org=None, person=None, role=None, depth=2)
"""

from __future__ import annotations

from typing import Any

from pyoxigraph import NamedNode, Store

from . import sparql
from .errors import BadInput
from .find import UnknownName, resolve_name
from .graph_model import _SLUG, MAX_DEPTH, Filters, short_name
from .graph_queries import _select
from .search import SearchIndex


def resolve(store: Store, value: str, kind: str, *, index: SearchIndex | None = None,
            param: str | None = None) -> str:
    """A slug (``khoi-thi-dua-so-iv``), an IRI or a name → the IRI of an existing entity of ``kind``.

    ``kind`` is ``org``, ``person`` or ``role``. Names ("Nguyễn Quốc Khánh", "khanh") are looked
    up in ``index`` (:func:`kg.find.resolve_name`); without an index only slugs and IRIs are taken.
    Raises :class:`BadInput` for a malformed value and :class:`~kg.find.UnknownName` (a
    :class:`NotFound`, with the closest names) when the store has no such entity.
    """
    value = value.strip()
    if "://" in value:
        try:
            NamedNode(value)
        except ValueError as exc:
            raise BadInput(f"{kind}: not a valid IRI: {value!r}") from exc
    elif index is None and not _SLUG.match(value):
        raise BadInput(f"{kind}: give a slug such as 'khoi-thi-dua-so-iv' or a full IRI, not {value!r}")
    try:
        return resolve_name(store, index, value, kind, param=param)
    except UnknownName as exc:
        if not exc.suggestions and index is None:
            raise UnknownName(value, kind, param or kind, []) from None
        raise


def parse_filters(store: Store, *, year: str | int | None = None, org: str | None = None,
                  person: str | None = None, role: str | None = None,
                  depth: str | int | None = None, index: SearchIndex | None = None) -> Filters:
    """Filters from request parameters (strings, empty meaning absent), checked against the store.

    With a search ``index``, ``org``, ``person`` and ``role`` may be names as well as slugs.
    """
    def given(v: Any) -> bool:
        return v is not None and str(v).strip() != ""

    year_value = None
    if given(year):
        try:
            year_value = int(str(year).strip())
        except ValueError as exc:
            raise BadInput(f"year must be a year such as 2021, not {year!r}") from exc
        if not 1800 <= year_value <= 2200:
            raise BadInput(f"year {year_value} is out of range")
    depth_value = 1
    if given(depth):
        try:
            depth_value = int(str(depth).strip())
        except ValueError as exc:
            raise BadInput(f"depth must be 1, 2 or 3, not {depth!r}") from exc
        if not 1 <= depth_value <= MAX_DEPTH:
            raise BadInput(f"depth must be between 1 and {MAX_DEPTH}, not {depth_value}")
    return Filters(
        year=year_value,
        org=resolve(store, str(org), "org", index=index) if given(org) else None,
        person=resolve(store, str(person), "person", index=index) if given(person) else None,
        role=resolve(store, str(role), "role", index=index) if given(role) else None,
        depth=depth_value,
    )


# --- filter choices ------------------------------------------------------------------------------


def available_years(store: Store) -> list[int]:
    """Years with a dated membership or event (for the year select)."""
    rows = _select(store, sparql.load("graph/available-years"))
    return [int(r["y"].value) for r in rows if r["y"] is not None]


def choices(store: Store, *, limit: int = 200) -> dict[str, list[dict[str, str]]]:
    """Suggestions for the filter inputs: blocs first, then up to ``limit`` other organisations and
    people, and the roles. Not sorted by the store (sorting 40,000 names there takes seconds)."""
    def pairs(name: str, kind: str) -> list[dict[str, str]]:
        query = sparql.limit(sparql.load(f"graph/choices-{name}"), limit)
        found = {r["x"].value: r["l"].value for r in _select(store, query)}
        return sorted(({"value": short_name(x, kind), "label": label} for x, label in found.items()),
                      key=lambda p: p["label"])

    blocs = pairs("blocs", "org")
    others = pairs("orgs", "org")
    seen = {b["value"] for b in blocs}
    return {
        "orgs": blocs + [o for o in others if o["value"] not in seen],
        "people": pairs("people", "person"),
        "roles": pairs("roles", "role"),
    }


_CHOICES: dict[tuple[int, str], dict[str, Any]] = {}


def filter_choices(store: Store, build_id: str) -> dict[str, Any]:
    """Years and suggestions for the filter inputs, computed once per build of a store."""
    key = (id(store), build_id)
    found = _CHOICES.get(key)
    if found is None:
        _CHOICES.clear()  # only the current build is worth keeping
        found = _CHOICES[key] = {"years": available_years(store), **choices(store)}
    return found
