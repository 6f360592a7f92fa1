"""The six canonical queries of the peer comparison, defined once and sent as the same text to
every peer (in-process pyoxigraph, this app's ``/sparql``, rdflib-endpoint, Virtuoso).

The library queries of ``queries/`` are written out with their values as RDF terms
(:meth:`kg.catalog.NamedQuery.editor_text`, what the query editor shows), because an HTTP peer
takes no substitutions; the in-process peers run the same text.

>>> [q.key for q in CANONICAL]
['ask', 'bloc-heads', 'roles', 'as-of', 'person', 'label-prefix']
>>> "COALESCE" in next(q for q in CANONICAL if q.key == "bloc-heads").text
False
>>> all(q.text.lstrip().startswith(("PREFIX", "#", "ASK")) for q in CANONICAL)
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kg.catalog import load_catalog
from kg.config import PROJECT_ROOT
from kg.vocab import BASE, sparql_prefixes

#: A synthetic person (bench/synthetic.py names people ``person/syn-<n>``).
PERSON = f"{BASE}person/syn-17"
#: The values of ``role-holders-on-date``: the seed's bloc IV on the day of its 2021 conference
#: (the query's defaults, so the answer has rows on every store that holds the seed).
AS_OF = {"role": f"{BASE}role/truong-khoi", "org": f"{BASE}org/khoi-thi-dua-so-iv", "date": "2021-12-20"}


@dataclass(frozen=True)
class Canonical:
    key: str
    label: str
    text: str

    @property
    def form(self) -> str:
        """SELECT, ASK or CONSTRUCT: which results format the peers are asked for."""
        body = "\n".join(line for line in self.text.splitlines()
                         if not line.lstrip().startswith(("#", "PREFIX")))
        found = re.search(r"\b(ASK|CONSTRUCT|DESCRIBE|SELECT)\b", body)
        return found.group(1) if found else "SELECT"


#: A filter on an optional parameter left unbound (``COALESCE(?x = ?__param, true)``): true for
#: every row in SPARQL, but Virtuoso 7.2 takes it as false and answers nothing, so it is left
#: out of the text every peer gets (the same question: no bloc given, every bloc).
_UNBOUND_FILTER = re.compile(r"^\s*FILTER\(COALESCE\(\?\w+ = \?__\w+, true\)\)\s*\n", re.M)


@cache
def _library(name: str, values: tuple[tuple[str, str], ...] = ()) -> str:
    text = load_catalog(PROJECT_ROOT / "queries")[name].editor_text(dict(values))
    return _UNBOUND_FILTER.sub("", text)


def _canonical() -> tuple[Canonical, ...]:
    prefixes = sparql_prefixes(["org", "rdfs"])
    return (
        Canonical("ask", "`ASK {}` (the round trip)", "ASK {}"),
        Canonical("bloc-heads", "bloc heads of 2022 (library query `bloc-heads`)", _library("bloc-heads")),
        Canonical("roles", "count memberships per role", prefixes +
                  "SELECT ?role (COUNT(*) AS ?n) WHERE { ?m org:role ?role } GROUP BY ?role"),
        Canonical("as-of", "who held Trưởng Khối of bloc IV on 2021-12-20 (library query "
                  "`role-holders-on-date`)", _library("role-holders-on-date", tuple(AS_OF.items()))),
        Canonical("person", "one person's facts (`CONSTRUCT`: the person and their memberships)",
                  prefixes + f"CONSTRUCT {{ <{PERSON}> ?p ?o . ?m ?mp ?mo }} WHERE {{\n"
                  f"  {{ <{PERSON}> ?p ?o }} UNION {{ ?m org:member <{PERSON}> ; ?mp ?mo }} }}"),
        Canonical("label-prefix", "label search by prefix (`STRSTARTS`, first 100)", prefixes +
                  'SELECT ?s ?label WHERE { ?s rdfs:label ?label .\n'
                  '  FILTER(STRSTARTS(STR(?label), "Nguyễn Văn An")) } LIMIT 100'),
    )


CANONICAL: tuple[Canonical, ...] = _canonical()
