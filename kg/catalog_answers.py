"""A named query's result as the views show it: rows of :class:`Value`, a boolean or a graph, the
download formats of each query form, and the explore filters taken from a result.

>>> Value("2022-03-01", datatype=XSD.date.value).year
'2022'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode, QueryResultsFormat, RdfFormat

from .catalog_params import Term
from .formats import TABLE_FORMATS
from .vocab import BASE, XSD

#: Download formats of each query form: file suffix → result format.
DOWNLOADS: dict[str, dict[str, QueryResultsFormat | RdfFormat]] = {
    # A SELECT runs as JSON and is written as a table of its own columns by kg.tables.
    "SELECT": {name: QueryResultsFormat.JSON for name in TABLE_FORMATS},
    "ASK": {"json": QueryResultsFormat.JSON},
    "CONSTRUCT": {"ttl": RdfFormat.TURTLE, "nt": RdfFormat.N_TRIPLES, "jsonld": RdfFormat.JSON_LD},
    "DESCRIBE": {"ttl": RdfFormat.TURTLE, "nt": RdfFormat.N_TRIPLES, "jsonld": RdfFormat.JSON_LD},
}


@dataclass(frozen=True)
class Value:
    """One cell of a result, as the views need it: the text, and whether it is an IRI."""

    text: str
    is_iri: bool = False
    lang: str | None = None
    datatype: str | None = None

    @classmethod
    def of(cls, term: Term) -> Value:
        if isinstance(term, NamedNode):
            return cls(term.value, is_iri=True)
        if isinstance(term, Literal):
            datatype = term.datatype.value
            plain = datatype == XSD.string.value or term.language is not None
            return cls(term.value, lang=term.language, datatype=None if plain else datatype)
        if isinstance(term, BlankNode):
            return cls("_:" + term.value)
        return cls(str(term))

    @property
    def year(self) -> str | None:
        """The year of a date-like literal (xsd:date, dateTime, gYear), else None."""
        if self.datatype and self.datatype.rsplit("#", 1)[-1] in ("date", "dateTime", "gYear"):
            match = re.match(r"-?\d{4,}", self.text)
            return match.group() if match else None
        return None


@dataclass
class Answer:
    """A named query's result for the views: rows of :class:`Value` (the parameter columns,
    which only repeat the bound values, left out), a boolean, or a graph as Turtle."""

    form: str
    variables: list[str]
    rows: list[dict[str, Value]]
    truncated: bool
    #: The parameters as bound (name → term).
    bound: dict[str, Term]
    elapsed: float
    boolean: bool | None = None
    graph: str | None = None
    triples: int = 0


def explore_filters(answer: Answer) -> dict[str, str]:
    """Filters for the graph and timeline views (``org``, ``person``, ``role``, ``year``) taken
    from the bound parameters first, then from the first row's IRIs and date-like values."""
    filters: dict[str, str] = {}
    kinds = {"org": "org", "person": "person", "role": "role"}

    def take(value: str, is_iri: bool, datatype: str | None) -> None:
        if is_iri and value.startswith(BASE):
            kind = value[len(BASE):].split("/", 1)[0]
            if kind in kinds:
                filters.setdefault(kinds[kind], value)
            return
        year = Value(value, datatype=datatype).year
        if year:
            filters.setdefault("year", year)

    for name, term in answer.bound.items():
        if isinstance(term, NamedNode):
            take(term.value, True, None)
        elif isinstance(term, Literal):
            if name == "year" and re.fullmatch(r"-?\d{4,}", term.value):
                filters.setdefault("year", term.value)
            else:
                take(term.value, False, term.datatype.value)
    if answer.rows:
        first = answer.rows[0]
        for variable in answer.variables:
            cell = first.get(variable)
            if cell is not None:
                take(cell.text, cell.is_iri, cell.datatype)
    return filters
