"""The app's own SPARQL: one ``.rq`` file per query in this package, read once.

Pages, indexes and statistics ask the graph with the queries kept here, not with query text
built in Python, so a reader sees every query the app runs in one place and can try it in the
editor as it is. A query is bound in three ways only, none of which pastes raw text:

* variables bound by the engine (``substitutions=`` of :meth:`ServiceStore.query`);
* an empty ``VALUES ?x {}`` block (or ``VALUES (?x ?y) {}``) filled with RDF terms written by
  pyoxigraph's own serialiser (:func:`fill`) — so a file is valid SPARQL as it stands;
* a ``LIMIT`` written as an integer (:func:`limit`).

>>> from pyoxigraph import NamedNode
>>> text = "SELECT ?l WHERE { VALUES ?s {} ?s <http://x/label> ?l } LIMIT 10"
>>> print(limit(fill(text, "s", [NamedNode("http://x/a")]), 3))
SELECT ?l WHERE { VALUES ?s { <http://x/a> } ?s <http://x/label> ?l } LIMIT 3
>>> fill(text, "s", ["not a term"])
Traceback (most recent call last):
...
kg.errors.BadInput: VALUES ?s takes RDF terms, not str
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from importlib import resources

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from ..errors import BadInput, KGError
from ..vocab import PREFIXES

_TERM_TYPES = (NamedNode, Literal, BlankNode, Triple)
_LIMIT = re.compile(r"\bLIMIT\s+(\d+)(?:\s+OFFSET\s+\d+)?\s*$", re.I)


@functools.cache
def load(name: str) -> str:
    """The query ``name`` (its file's path under this package, without ``.rq``), preceded by
    the project's prefixes (:data:`kg.vocab.PREFIXES`) so a file need not declare them."""
    try:
        body = resources.files(__package__).joinpath(f"{name}.rq").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KGError(f"no query {name!r} in kg/sparql") from None
    header = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    return header + body


def fill(text: str, variables: str | Sequence[str], rows: Iterable[object]) -> str:
    """Fill the empty ``VALUES`` block of ``variables`` with ``rows`` of terms.

    One variable takes terms; several take tuples of terms, ``None`` for ``UNDEF``.
    """
    names = (variables,) if isinstance(variables, str) else tuple(variables)
    head = r"\s+".join(r"\?" + n for n in names)
    if len(names) > 1:
        head = r"\(\s*" + head + r"\s*\)"
    marker = re.compile(r"\bVALUES\s+" + head + r"\s*\{\s*\}", re.I)
    found = marker.findall(text)
    if len(found) != 1:
        raise KGError(f"the query has {len(found)} empty VALUES blocks for {' '.join(names)}, not one")
    shown = "?" + " ?".join(names)
    written = []
    for row in rows:
        terms = (row,) if len(names) == 1 else tuple(row)  # type: ignore[arg-type]
        if len(terms) != len(names):
            raise BadInput(f"VALUES {shown} takes {len(names)} terms a row, got {len(terms)}")
        written.append(" ".join(_term(t, shown) for t in terms))
    body = " ".join(written) if len(names) == 1 else " ".join(f"({r})" for r in written)
    return marker.sub(lambda m: m.group(0)[: m.group(0).index("{")] + "{ " + body + " }", text, count=1)


def closing_limit(text: str) -> int | None:
    """The number in the query's closing ``LIMIT``, if it ends with one (the app's own bound).

    >>> closing_limit("SELECT * { ?s ?p ?o } LIMIT 300001"), closing_limit("ASK {}")
    (300001, None)
    """
    found = _LIMIT.search(text)
    return int(found.group(1)) if found else None


def limit(text: str, n: int, offset: int | None = None) -> str:
    """Set the query's closing ``LIMIT`` to ``n`` (and its ``OFFSET``, for paging)."""
    for value in (n, 0 if offset is None else offset):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise BadInput(f"a LIMIT or OFFSET must be a non-negative integer, got {value!r}")
    if not _LIMIT.search(text):
        raise KGError("the query does not end with a LIMIT to set")
    return _LIMIT.sub(f"LIMIT {n}" + (f" OFFSET {offset}" if offset else ""), text.rstrip())


def _term(term: object, shown: str) -> str:
    if term is None:
        return "UNDEF"
    if not isinstance(term, _TERM_TYPES):
        raise BadInput(f"VALUES {shown} takes RDF terms, not {type(term).__name__}")
    return str(term)
