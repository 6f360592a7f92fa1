"""Find an organisation, a person or a role by its name, as people type it.

Every filter of the graph view, the timeline, the roster and the comparison takes a name
("Nguyễn Quốc Khánh", "khanh", "vien tham"), a slug (``nguyen-quoc-khanh``) or an IRI. A name is
looked up in the search index (:mod:`kg.search`: diacritics, case and ``đ``/``d`` ignored) among
the entities of the right kind. A name that does not say which one is meant raises
:class:`UnknownName`, which carries the closest names for a "did you mean" page.

>>> KINDS["person"].label_en
'person'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pyoxigraph import NamedNode, Store, Variable

from . import sparql
from .errors import NotFound
from .graph_model import _ORG_KINDS, _SLUG, short_name
from .graph_queries import _batches, _nodes, _select, node_details
from .search import Hit, SearchIndex
from .vocab import BASE, ORG


@dataclass(frozen=True)
class NameKind:
    """A kind of entity a filter names: how it is told in words and what its IRIs look like."""

    name: str  # "org", "person", "role": the slug's path under the base
    label_vi: str
    label_en: str


KINDS: dict[str, NameKind] = {k.name: k for k in (
    NameKind("org", "tổ chức", "organisation"),
    NameKind("person", "người", "person"),
    NameKind("role", "vai trò", "role"),
)}


@dataclass
class Suggestion:
    """One entity a name may mean: its IRI, the name that matched and its slug (for URLs)."""

    iri: str
    label: str
    kind: str  # a KINDS key
    detail: str = ""  # the node kind (Cục, Khối thi đua, …) or the matched form
    match: str = ""

    @property
    def value(self) -> str:
        return short_name(self.iri, self.kind)

    def to_dict(self) -> dict[str, Any]:
        return {"iri": self.iri, "label": self.label, "kind": self.kind, "value": self.value,
                "detail": self.detail, "match": self.match}


class UnknownName(NotFound):
    """No entity of the kind has this name (or several have it): the closest names, for a page."""

    title = "Unknown name"

    def __init__(self, given: str, kind: str, param: str, suggestions: list[Suggestion],
                 *, ambiguous: bool = False) -> None:
        what = KINDS[kind].label_en
        if ambiguous:
            message = f"{len(suggestions)} {what}s match {given!r}: choose one"
        else:
            message = f"no {what} named {given!r} in the graph"
        super().__init__(message, where=param)
        self.given = given
        self.kind = kind
        self.param = param
        self.suggestions = suggestions
        self.ambiguous = ambiguous

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.title, "message": self.message, "status": self.status, "where": self.param,
                "given": self.given, "kind": self.kind, "ambiguous": self.ambiguous,
                "suggestions": [s.to_dict() for s in self.suggestions]}


def _kinds_of(store: Store, iris: Sequence[str]) -> dict[str, tuple[str, str]]:
    """For each IRI: (``org`` | ``person`` | ``role`` | ``""``, the graph view's node kind)."""
    details = node_details(store, list(iris))
    roles: set[str] = set()
    query = sparql.load("graph/node-types")
    for batch in _batches(list(iris)):
        for r in _select(store, sparql.fill(query, "n", _nodes(batch))):
            if r["t"].value == ORG.Role.value:
                roles.add(r["n"].value)
    out = {}
    for iri in iris:
        node_kind = details[iri].kind
        if iri in roles:
            out[iri] = ("role", "role")
        elif node_kind == "person":
            out[iri] = ("person", node_kind)
        elif node_kind in _ORG_KINDS:
            out[iri] = ("org", node_kind)
        else:
            out[iri] = ("", node_kind)
    return out


def suggest(store: Store, index: SearchIndex, text: str, *, kinds: Iterable[str] = tuple(KINDS),
            limit: int = 10, close: bool = False) -> list[Suggestion]:
    """Entities of ``kinds`` whose names match ``text`` as typed (diacritics ignored), best first.

    With ``close``, names that are only close (a misspelt word, some words missing) as well.
    """
    wanted = set(kinds)
    hits: list[Hit] = (index.close_matches(text, limit=limit * 5) if close
                       else index.search(text, limit=limit * 5))
    if not hits:
        return []
    kind_of = _kinds_of(store, [h.iri for h in hits])
    out = []
    for hit in hits:
        kind, node_kind = kind_of.get(hit.iri, ("", ""))
        if kind in wanted:
            out.append(Suggestion(hit.iri, hit.label, kind, detail=node_kind, match=hit.match))
    return _prefer_vietnamese(store, out)[:limit]


def _prefer_vietnamese(store: Store, found: list[Suggestion]) -> list[Suggestion]:
    """Show each entity by its Vietnamese name, whichever of its labels matched."""
    names = node_details(store, [s.iri for s in found])
    for s in found:
        node = names.get(s.iri)
        if node is not None and node.label and s.match != "exact":
            s.label = node.label
    return found


def resolve_name(store: Store, index: SearchIndex | None, value: str, kind: str, *,
                 param: str | None = None) -> str:
    """A slug, an IRI or a name of an entity of ``kind`` → its IRI.

    A slug or IRI must name an existing entity. A name resolves when one entity of the kind bears
    exactly that name (diacritics and case ignored), or when it is the only one whose name
    matches. Otherwise :class:`UnknownName` lists the candidates, or the closest names.
    """
    param = param or kind
    value = value.strip()
    if "://" in value or _SLUG.match(value):
        iri = value if "://" in value else f"{BASE}{kind}/{value}"
        if _exists(store, iri, kind):
            return iri
        if "://" in value or index is None:
            raise UnknownName(value, kind, param, [])
    if index is None:
        raise UnknownName(value, kind, param, [])
    found = suggest(store, index, value.replace("-", " ") if _SLUG.match(value) else value,
                    kinds=[kind], limit=20)
    exact = {s.iri for s in found if s.match == "exact"}
    if len(exact) == 1:
        return exact.pop()
    if len({s.iri for s in found}) == 1:
        return found[0].iri
    if found:
        raise UnknownName(value, kind, param, found, ambiguous=True)
    raise UnknownName(value, kind, param, suggest(store, index, value, kinds=[kind], limit=10, close=True))


def _exists(store: Store, iri: str, kind: str) -> bool:
    try:
        node = NamedNode(iri)
    except ValueError:
        return False
    return bool(store.query(sparql.load(f"graph/{kind}-exists"), use_default_graph_as_union=True,
                            substitutions={Variable("x"): node}))
