"""Quads of one source's named graph: literals, time nodes and the evidence of every fact.

The build (``kg.build``, ``kg.history``) decides *what* to say; this module owns *how* a fact
carries its evidence, so that every fact node of the graph answers "which source says so,
where" in one uniform way:

* ``dcterms:source`` the source document, on every fact node (the one pattern a researcher
  needs to remember);
* ``prov:wasDerivedFrom`` the source on entities, ``prov:wasInfluencedBy`` on activities —
  PROV-O gives ``wasDerivedFrom`` the domain ``prov:Entity`` and declares activities and
  entities disjoint, so an activity that were "derived from" a document would make the
  graph inconsistent;
* ``tnmt:quote``: the exact words, only for sources whose text we hold;
* a qualified influence per citation (``prov:qualifiedDerivation`` on entities,
  ``prov:qualifiedInfluence`` on activities) naming the cited document and the locator
  (Điều/Khoản, đoạn) in ``tnmt:locator``.

>>> slugify("Cục Đo đạc, Bản đồ và Thông tin địa lý Việt Nam")
'cuc-do-dac-ban-do-va-thong-tin-dia-ly-viet-nam'
>>> normalise_space("Khánh\\xa0 bày  tỏ")
'Khánh bày tỏ'
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from pyoxigraph import Literal, NamedNode, Quad

from .records import PartialDate
from .sources import Quoted
from .vocab import DCTERMS, PROV, RDF, RDFS, SKOS, TIME, TNMT, XSD, entity_iri

#: Classes whose instances are PROV activities: they are influenced by a source, not derived.
ACTIVITY_CLASSES = frozenset({PROV.Activity})

#: Vietnam's time zone (UTC+7, no daylight saving): an effective day begins at local midnight.
VIETNAM_OFFSET = "+07:00"


def slugify(name: str) -> str:
    """An ASCII slug of a Vietnamese name: ``đ``→``d``, diacritics dropped, words joined by ``-``."""
    text = name.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace (the source has non-breaking spaces) to one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def vi(text: str) -> Literal:
    return Literal(unicodedata.normalize("NFC", text), language="vi")


def en(text: str) -> Literal:
    return Literal(text, language="en")


def xsd_date(day: dt.date) -> Literal:
    """A day as ``xsd:date``; a month or a year (:class:`PartialDate`) as ``xsd:gYearMonth`` or
    ``xsd:gYear``, so that no day is claimed that the source does not give."""
    if isinstance(day, PartialDate):
        return Literal(day.isoformat(), datatype=XSD.gYearMonth if day.precision == "month" else XSD.gYear)
    return Literal(day.isoformat(), datatype=XSD.date)


def local_midnight(day: dt.date) -> Literal:
    """The start of a day in Vietnam, as the ``xsd:dateTime`` PROV-O's times require."""
    if isinstance(day, PartialDate):
        raise TypeError(f"{day.isoformat()} is not a day: it has no midnight")
    return Literal(f"{day.isoformat()}T00:00:00{VIETNAM_OFFSET}", datatype=XSD.dateTime)


def format_vi_date(day: dt.date) -> str:
    """``13/02/2020``; ``tháng 02/2020`` or ``năm 2020`` for a month or a year.

    >>> [format_vi_date(d) for d in (dt.date(2020, 2, 13), PartialDate(2020, 2), PartialDate(2019))]
    ['13/02/2020', 'tháng 02/2020', 'năm 2019']
    """
    if isinstance(day, PartialDate):
        return f"tháng {day.month:02d}/{day.year}" if day.precision == "month" else f"năm {day.year}"
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def tail(iri: NamedNode) -> str:
    """The last path segment of a minted IRI (its slug)."""
    return iri.value.rsplit("/", 1)[-1]


class GraphWriter:
    """Collects the quads of one source's named graph."""

    def __init__(self, graph: NamedNode, source: NamedNode, source_id: str) -> None:
        self.graph = graph
        self.source = source
        self.source_id = source_id
        self.quads: list[Quad] = []
        self.activities: set[NamedNode] = set()
        self._citation_counts: dict[NamedNode, int] = {}

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal) -> None:
        self.quads.append(Quad(s, p, o, self.graph))

    def types(self, s: NamedNode, *classes: NamedNode) -> None:
        for c in classes:
            self.add(s, RDF.type, c)
            if c in ACTIVITY_CLASSES:
                self.activities.add(s)

    def labels(self, s: NamedNode, name_vi: str, name_en: str | None = None) -> None:
        self.add(s, RDFS.label, vi(name_vi))
        self.add(s, SKOS.prefLabel, vi(name_vi))
        if name_en:
            self.add(s, RDFS.label, en(name_en))
            self.add(s, SKOS.prefLabel, en(name_en))

    # -- evidence
    def provenance(self, s: NamedNode, record: Quoted) -> None:
        """The evidence of fact node ``s``: its source, quotes and cited locators."""
        activity = s in self.activities
        self.cites(s, self.source, activity)
        for quote in record.quotes:
            self.add(s, TNMT.quote, vi(normalise_space(quote)))
        for citation in record.citations:
            cited = entity_iri("source", citation.source) if citation.source else self.source
            if cited != self.source:
                self.cites(s, cited, activity)
            self.citation(s, cited, citation.locator, activity)

    def cites(self, s: NamedNode, document: NamedNode, activity: bool) -> None:
        self.add(s, DCTERMS.source, document)
        self.add(s, PROV.wasInfluencedBy if activity else PROV.wasDerivedFrom, document)

    def citation(self, s: NamedNode, document: NamedNode, locator: str, activity: bool) -> None:
        n = self._citation_counts[s] = self._citation_counts.get(s, 0) + 1
        node = entity_iri("citation", f"{self.source_id}--{tail(s)}--{n}")
        if activity:
            self.types(node, PROV.Influence)
            self.add(s, PROV.qualifiedInfluence, node)
            self.add(node, PROV.influencer, document)
        else:
            self.types(node, PROV.Derivation)
            self.add(s, PROV.qualifiedDerivation, node)
            self.add(node, PROV.entity, document)
        if locator:
            self.add(node, TNMT.locator, vi(locator))
        self.add(node, RDFS.label, vi(f"{tail(document)}: {locator}" if locator else tail(document)))

    # -- time
    def instant(self, day: dt.date) -> NamedNode:
        """A day's instant; a month's or a year's (``time:inXSDgYearMonth``, ``time:inXSDgYear``)
        for a :class:`PartialDate`."""
        if isinstance(day, PartialDate) and day.precision == "year":
            return self.year_instant(day.year)
        node = entity_iri("instant", day.isoformat())
        self.types(node, TIME.Instant)
        if isinstance(day, PartialDate):
            self.add(node, TIME.inXSDgYearMonth, xsd_date(day))
        else:
            self.add(node, TIME.inXSDDate, xsd_date(day))
        self.add(node, RDFS.label, Literal(day.isoformat()))
        return node

    def year_instant(self, year: int) -> NamedNode:
        node = entity_iri("instant", str(year))
        self.types(node, TIME.Instant)
        self.add(node, TIME.inXSDgYear, Literal(str(year), datatype=XSD.gYear))
        self.add(node, RDFS.label, Literal(str(year)))
        return node

    def years_interval(self, first: int, last: int) -> NamedNode:
        """The whole of the years first..last, as dates (2021 → 2021-01-01 to 2021-12-31)."""
        name = str(first) if first == last else f"{first}-{last}"
        node = entity_iri("interval", name)
        self.types(node, TIME.Interval, TIME.ProperInterval)
        self.add(node, TIME.hasBeginning, self.instant(dt.date(first, 1, 1)))
        self.add(node, TIME.hasEnd, self.instant(dt.date(last, 12, 31)))
        self.add(node, RDFS.label, Literal(name))
        return node

    def period_interval(self, first: int, last: int) -> NamedNode:
        """A period known only to the year (a movement's "giai đoạn 2019 - 2025")."""
        node = entity_iri("interval", f"{first}-{last}-years")
        self.types(node, TIME.Interval, TIME.ProperInterval)
        self.add(node, TIME.hasBeginning, self.year_instant(first))
        self.add(node, TIME.hasEnd, self.year_instant(last))
        self.add(node, RDFS.label, Literal(f"{first}–{last}"))
        return node
