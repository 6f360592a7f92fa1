"""Terms as pages show them, and their labels: an IRI with its best label, a literal, a blank node.

Everything here reads the union of the store's graphs with the queries of ``kg/sparql/entities``.
An IRI that comes from a user is checked by :class:`pyoxigraph.NamedNode` (:func:`parse_iri`) and
bound with ``substitutions=``; lists of IRIs fill a query's ``VALUES`` block as terms
(:func:`kg.sparql.fill`), so no text from a request is ever pasted into a query.

>>> short_name("http://www.w3.org/ns/org#Membership")
'org:Membership'
>>> format_vi_date("2021-12-20")
'20/12/2021'
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Store, Variable

from . import sparql
from .errors import BadInput
from .vocab import BASE, PREFIXES

#: Label properties, most preferred first (per language); ``entities/labels.rq`` asks for these.
LABEL_PROPERTIES = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://xmlns.com/foaf/0.1/name",
    "https://schema.org/name",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/2004/02/skos/core#altLabel",
)
#: Languages a label is chosen in, most preferred first (the default order).
LANGUAGES = ("vi", "en", "")

# The order for the current request or command: the web app puts the reader's language first
# (see :func:`preferred_language`); a context variable, so threads and requests do not mix.
_label_languages: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar(
    "label_languages", default=LANGUAGES)


def label_languages() -> tuple[str, ...]:
    """The languages labels are chosen in now, most preferred first."""
    return _label_languages.get()


def prefer_language(lang: str) -> contextvars.Token:
    """Choose labels in ``lang`` first, then the other languages in the default order; give the
    token to :func:`reset_language` to undo. An unknown ``lang`` keeps the default order."""
    order = (lang, *(x for x in LANGUAGES if x != lang)) if lang in LANGUAGES else LANGUAGES
    return _label_languages.set(order)


def reset_language(token: contextvars.Token) -> None:
    _label_languages.reset(token)


@contextlib.contextmanager
def preferred_language(lang: str) -> Iterator[tuple[str, ...]]:
    """Labels in ``lang`` first within the block, the other language as the fallback.

    >>> with preferred_language("en"):
    ...     _pick_label([(LABEL_PROPERTIES[0], "Cục Viễn thám", "vi"),
    ...                  (LABEL_PROPERTIES[0], "Remote Sensing Department", "en")])
    ('Remote Sensing Department', 'en')
    >>> _pick_label([(LABEL_PROPERTIES[0], "Nguyễn Quốc Khánh", "vi")])  # no English: Vietnamese
    ('Nguyễn Quốc Khánh', 'vi')
    """
    token = prefer_language(lang)
    try:
        yield label_languages()
    finally:
        reset_language(token)

#: Literals longer than this are cut on pages (the RDF description keeps them whole).
MAX_LITERAL_CHARS = 2000

#: Most terms in one ``VALUES`` block.
_VALUES_BATCH = 400


def short_name(iri: str) -> str:
    """``prefix:local`` for an IRI under a known prefix, else the IRI itself."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(best):
            local = iri[len(namespace):]
            if local and re.fullmatch(r"[\w.-]+", local):
                best, name = namespace, f"{prefix}:{local}"
    return name if best else iri


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MONTH = re.compile(r"\d{4}-\d{2}")


def format_vi_date(day: str) -> str:
    """``YYYY-MM-DD`` → ``DD/MM/YYYY``, a month ``YYYY-MM`` → ``MM/YYYY`` (anything else, a
    year included, is returned as given).

    >>> format_vi_date("2021-12-20"), format_vi_date("2020-02"), format_vi_date("2019")
    ('20/12/2021', '02/2020', '2019')
    """
    if _ISO_DAY.fullmatch(day or ""):  # sliced, not parsed: graph views format one per edge
        return f"{day[8:10]}/{day[5:7]}/{day[:4]}"
    if _ISO_MONTH.fullmatch(day or ""):
        return f"{day[5:7]}/{day[:4]}"
    return day


def parse_iri(iri: str) -> NamedNode:
    """A user-given IRI as a term; :class:`BadInput` when it is not a valid absolute IRI."""
    if not iri or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri):
        raise BadInput("not an absolute IRI", where="iri")
    try:
        return NamedNode(iri)
    except ValueError as exc:
        raise BadInput(f"not a valid IRI ({exc})", where="iri") from exc


def _batches(items: Sequence[Any], size: int = _VALUES_BATCH) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _select(store: Store, query: str, **bindings: Any) -> list[Any]:
    """The rows of a query of :mod:`kg.sparql` over the union of all graphs, ``bindings``
    (variable name → term) bound by the engine."""
    return list(store.query(query, use_default_graph_as_union=True,
                            substitutions={Variable(k): v for k, v in bindings.items()} or None))


@dataclass(frozen=True)
class Term:
    """An RDF term as a page shows it: an IRI with its label, a literal, or a blank node."""

    kind: str  # "iri" | "literal" | "bnode"
    value: str
    lang: str = ""
    datatype: str = ""
    label: str = ""
    label_lang: str = ""
    inferred: bool = False

    @property
    def is_iri(self) -> bool:
        return self.kind == "iri"

    @property
    def text(self) -> str:
        """What a page prints for the term."""
        if self.kind == "iri":
            return self.label or short_name(self.value)
        if self.kind == "bnode":
            return self.label or "_:" + self.value
        return self.value

    @property
    def short(self) -> str:
        """``prefix:local`` (or the IRI) of an IRI term."""
        return short_name(self.value) if self.kind == "iri" else self.value

    @property
    def truncated(self) -> str:
        if len(self.value) <= MAX_LITERAL_CHARS:
            return self.value
        return self.value[:MAX_LITERAL_CHARS] + f"… ({len(self.value)} characters)"

    @property
    def short_datatype(self) -> str:
        return short_name(self.datatype) if self.datatype else ""

    def as_json(self) -> dict[str, Any]:
        if self.kind == "iri":
            return {"iri": self.value, "label": self.label or short_name(self.value)}
        if self.kind == "literal":
            out: dict[str, Any] = {"value": self.value}
            if self.lang:
                out["lang"] = self.lang
            elif self.datatype:
                out["datatype"] = self.datatype
            return out
        return {"bnode": self.value}


def _term(node: Any, labels: dict[str, tuple[str, str]] | None = None) -> Term:
    if isinstance(node, NamedNode):
        label, lang = (labels or {}).get(node.value, ("", ""))
        return Term("iri", node.value, label=label, label_lang=lang)
    if isinstance(node, Literal):
        datatype = node.datatype.value if node.datatype else ""
        if node.language:
            datatype = ""
        elif datatype == "http://www.w3.org/2001/XMLSchema#string":
            datatype = ""
        return Term("literal", node.value, lang=node.language or "", datatype=datatype)
    if isinstance(node, BlankNode):
        return Term("bnode", node.value)
    return Term("literal", str(node))


def _pick_label(candidates: list[tuple[str, str, str]]) -> tuple[str, str]:
    """The best (label, lang) among (property, value, lang): language first (in the order of
    :func:`label_languages`), then property."""

    languages = label_languages()

    def rank(item: tuple[str, str, str]) -> tuple[int, int, str]:
        prop, value, lang = item
        lang_rank = languages.index(lang) if lang in languages else len(languages)
        return (lang_rank, LABEL_PROPERTIES.index(prop), value)

    prop, value, lang = min(candidates, key=rank)
    return value, lang


def labels_of(store: Store, iris: Iterable[str]) -> dict[str, tuple[str, str]]:
    """The preferred (label, lang) of each IRI that has one (Vietnamese first, then English)."""
    wanted = sorted({i for i in iris})
    found: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    query = sparql.load("entities/labels")
    for batch in _batches(wanted):
        rows = _select(store, sparql.fill(query, "s", [NamedNode(i) for i in batch]))
        for row in rows:
            found[row["s"].value].append((row["p"].value, row["l"].value, row["l"].language or ""))
    return {iri: _pick_label(c) for iri, c in found.items()}


def _relabel(term: Term, labels: dict[str, tuple[str, str]]) -> Term:
    if term.kind != "iri" or term.value not in labels:
        return term
    label, lang = labels[term.value]
    return Term(term.kind, term.value, label=label, label_lang=lang, inferred=term.inferred)


@dataclass(frozen=True)
class Summary:
    """What a list of entities shows for each: label and types."""

    iri: str
    label: str
    lang: str
    types: list[Term]


def summaries(store: Store, iris: Sequence[str]) -> dict[str, Summary]:
    """Label and types of each IRI (for search results)."""
    types: dict[str, list[str]] = defaultdict(list)
    query = sparql.load("entities/types")
    for batch in _batches(list(dict.fromkeys(iris))):
        for row in _select(store, sparql.fill(query, "s", [NamedNode(i) for i in batch])):
            types[row["s"].value].append(row["t"].value)
    labels = labels_of(store, list(iris) + [t for ts in types.values() for t in ts])
    out = {}
    for iri in iris:
        label, lang = labels.get(iri, (short_name(iri), ""))
        type_terms = sorted((_relabel(Term("iri", t), labels) for t in set(types.get(iri, []))),
                            key=_type_order)
        out[iri] = Summary(iri, label, lang, type_terms)
    return out


def _type_order(term: Term) -> tuple[int, str]:
    # the project's own classes first: they say the most
    return (0 if term.value.startswith(BASE) else 1, term.text)
