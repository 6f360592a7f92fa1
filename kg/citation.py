"""How to cite a query's result: a permanent link carrying the query and the data version, and
the same as BibTeX and CSL-JSON, so a reader can run the query again on the same data.

The link is the caller's (the web layer builds URLs); this module writes the records.

>>> c = Citation(title="Who headed bloc IV", url="https://kg.example/sparql?query=…&version=5f75ca9e73d2",
...              version="5f75ca9e73d2" + "0" * 52, built=_dt.date(2026, 1, 2),
...              accessed=_dt.date(2026, 3, 4), query="SELECT * { ?s ?p ?o }")
>>> print(c.bibtex())  # doctest: +ELLIPSIS
@misc{tnmt-kg-5f75ca9e73d2-...,
  title = {Who headed bloc IV},
  author = {{tnmt-kg}},
  year = {2026},
  version = {5f75ca9e73d2},
  howpublished = {\\url{https://kg.example/sparql?query=…&version=5f75ca9e73d2}},
  url = {https://kg.example/sparql?query=…&version=5f75ca9e73d2},
  urldate = {2026-03-04},
  note = {SPARQL query (sha256 ...) on tnmt-kg data version 5f75ca9e73d20000...0000, built 2026-01-02}
}
>>> c.csl()["version"], c.csl()["issued"]
('5f75ca9e73d2', {'date-parts': [[2026, 1, 2]]})
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from .version import short

#: Who the data is by, as citations name it.
AUTHOR = "tnmt-kg"
PUBLISHER = "tnmt-kg: knowledge graph of Bộ Tài nguyên và Môi trường"

# BibTeX's special characters, each written so that it prints as itself.
_BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$",
    "#": r"\#", "_": r"\_", "^": r"\^{}", "~": r"\~{}",
}
_BIBTEX_SPECIAL = re.compile("|".join(re.escape(c) for c in _BIBTEX_ESCAPES))


@dataclass(frozen=True)
class Citation:
    """One query's result, pinned to a data version."""

    title: str
    #: The permanent link: the query (or a named query and its values) and the version.
    url: str
    #: The data version, whole (kg.version).
    version: str
    #: The day the data version was built.
    built: _dt.date
    #: The day the citation is made.
    accessed: _dt.date
    #: The query text (a named query's name and values when it is one of the library's).
    query: str
    #: The version as people see it (links, file names); the first digits of ``version``
    #: when not given.
    short_version: str = ""

    @property
    def shown_version(self) -> str:
        return self.short_version or short(self.version)

    @property
    def query_hash(self) -> str:
        return hashlib.sha256(self.query.encode("utf-8")).hexdigest()

    @property
    def key(self) -> str:
        """A citation key: the data version and the query, both shortened."""
        return f"tnmt-kg-{self.shown_version}-{self.query_hash[:8]}"

    @property
    def note(self) -> str:
        return (f"SPARQL query (sha256 {self.query_hash}) on tnmt-kg data version {self.version}, "
                f"built {self.built.isoformat()}")

    def bibtex(self) -> str:
        """A BibTeX ``@misc`` entry (biblatex reads ``version``, ``url`` and ``urldate``)."""
        fields = [
            ("title", _bibtex_text(self.title)),
            ("author", "{" + AUTHOR + "}"),
            ("year", str(self.built.year)),
            ("version", self.shown_version),
            ("howpublished", r"\url{" + self.url + "}"),
            ("url", self.url),
            ("urldate", self.accessed.isoformat()),
            ("note", _bibtex_text(self.note)),
        ]
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        return f"@misc{{{self.key},\n{body}\n}}"

    def csl(self) -> dict[str, Any]:
        """A CSL-JSON item (as Zotero, Pandoc and citeproc read it) of type ``dataset``."""
        return {
            "id": self.key,
            "type": "dataset",
            "title": self.title,
            "author": [{"literal": AUTHOR}],
            "publisher": PUBLISHER,
            "version": self.shown_version,
            "issued": _csl_date(self.built),
            "accessed": _csl_date(self.accessed),
            "URL": self.url,
            "note": self.note,
        }

    def csl_json(self) -> str:
        """The CSL-JSON document: a list of one item, indented."""
        return json.dumps([self.csl()], ensure_ascii=False, indent=2)


def _csl_date(day: _dt.date) -> dict[str, list[list[int]]]:
    return {"date-parts": [[day.year, day.month, day.day]]}


def _bibtex_text(text: str) -> str:
    r"""Text with BibTeX's special characters escaped; Vietnamese letters stay UTF-8.

    >>> _bibtex_text("Cục {A} & 100% #1")
    'Cục \\{A\\} \\& 100\\% \\#1'
    """
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_ESCAPES[m.group()], " ".join(text.split()))
