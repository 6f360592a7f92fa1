"""What the graph covers: per source, what it contributed; per year 2016–2025, which units of the
ministry existed and which had a known head (gaps shown as gaps); and how much the graph holds.

The units, their days and the rules for time are those of :mod:`kg.ministry`, which also gives the
ministry's structure on a day (re-exported here: :func:`structure`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from pyoxigraph import Literal, NamedNode, Store

from . import sparql
from .ministry import (  # noqa: F401 - the ministry on a day belongs to the same pages
    MINISTRY,
    Change,
    Holder,
    Structure,
    Unit,
    UnitNode,
    changes,
    children_of,
    default_day,
    distinct_holders,
    local_name,
    parse_day,
    select,
    structure,
    units,
)
from .vocab import TNMT

#: The years the coverage is reported for.
YEARS = tuple(range(2016, 2026))
#: What a source contributed: the facts naming it (dcterms:source) by class → reported kind.
CONTRIBUTION_KINDS = (
    ("memberships", "http://www.w3.org/ns/org#Membership"),
    ("people", "http://xmlns.com/foaf/0.1/Person"),
    ("organisations", "http://www.w3.org/ns/org#Organization"),
    ("changes", "http://www.w3.org/ns/org#ChangeEvent"),
    ("personnel events", TNMT.PersonnelEvent.value),
    ("claims", TNMT.SourcedClaim.value),
    ("claims", TNMT.InferredStatement.value),
)
#: A source's kind: its most specific class, in this order.
SOURCE_KINDS = (
    (TNMT.Decree.value, "Decree"), (TNMT.Resolution.value, "Resolution"),
    (TNMT.Decision.value, "Decision"), (TNMT.Law.value, "Law"),
    ("https://schema.org/Legislation", "Legislation"), ("https://schema.org/NewsArticle", "NewsArticle"),
    ("https://schema.org/WebPage", "WebPage"),
)


# --------------------------------------------------------------------------- what the sources gave


@dataclass
class SourceContribution:
    """One source document and the facts that name it (``dcterms:source``), by kind."""

    iri: str
    id: str
    kind: str
    title: str
    url: str = ""
    issued: str = ""
    publisher: str = ""
    publisher_iri: str = ""
    identifier: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    facts: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def sources(store: Store) -> list[SourceContribution]:
    """Every ``tnmt:SourceDocument`` with its title, address, date, publisher and contributions."""
    rows = select(store, sparql.load("ministry/sources"))
    found: dict[str, SourceContribution] = {}
    for r in rows:
        classes = set(r.get("classes", "").split())
        kind = next((name for iri, name in SOURCE_KINDS if iri in classes), "SourceDocument")
        found[r["source"]] = SourceContribution(
            iri=r["source"], id=local_name(r["source"]), kind=kind, title=r.get("title", ""),
            url=r.get("url", ""), issued=(r.get("issued") or r.get("signed") or "")[:10],
            publisher=r.get("publisherLabel", ""), publisher_iri=r.get("publisher", ""),
            identifier=r.get("identifier", ""),
            counts={name: 0 for name, _ in CONTRIBUTION_KINDS})
    kinds = [(NamedNode(iri), Literal(name)) for name, iri in CONTRIBUTION_KINDS]
    contributions = sparql.fill(sparql.load("ministry/source-contributions"), ("class", "kind"), kinds)
    for r in select(store, contributions):
        if r["source"] in found:
            found[r["source"]].counts[r["kind"]] = int(r["n"])
    for r in select(store, sparql.load("ministry/source-facts")):
        if r["source"] in found:
            found[r["source"]].facts = int(r["n"])
    return sorted(found.values(), key=lambda s: (s.issued or "9999", s.id))


# --------------------------------------------------------------------------- per year


@dataclass
class UnitYear:
    unit: Unit
    heads: list[Holder]

    def to_dict(self) -> dict[str, Any]:
        return {**self.unit.to_dict(), "heads": [h.to_dict() for h in self.heads]}


@dataclass
class YearCoverage:
    """One year: the minister(s), the units that existed, which have a known head, the gaps."""

    year: int
    ministers: list[Holder]
    units: list[UnitYear]          # units whose known days place them in this year
    dates_unknown: list[UnitYear]  # units no source dates: listed every year

    @property
    def with_head(self) -> list[UnitYear]:
        return [u for u in self.units + self.dates_unknown if u.heads]

    @property
    def no_head(self) -> list[UnitYear]:
        return [u for u in self.units + self.dates_unknown if not u.heads]

    def to_dict(self) -> dict[str, Any]:
        return {"year": self.year, "ministers": [h.to_dict() for h in self.ministers],
                "units": [u.to_dict() for u in self.units],
                "dates_unknown": [u.to_dict() for u in self.dates_unknown],
                "with_head": [u.unit.iri for u in self.with_head],
                "no_head": [u.unit.iri for u in self.no_head]}


@dataclass
class Coverage:
    sources: list[SourceContribution]
    years: list[YearCoverage]
    units: list[Unit]  # the ministry's direct units, in label order

    def grid(self) -> list[dict[str, Any]]:
        """One row per unit, one cell per year: ``absent`` (its days place it outside the year),
        ``head`` (with the holders) or ``gap`` (it existed, or may have, and no head is known)."""
        rows = []
        for unit in self.units:
            cells = []
            for year in self.years:
                entry = next((u for u in year.units + year.dates_unknown if u.unit.iri == unit.iri), None)
                status = "absent" if entry is None else ("head" if entry.heads else "gap")
                cells.append({"year": year.year, "status": status, "heads": entry.heads if entry else []})
            rows.append({"unit": unit, "cells": cells})
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {"sources": [s.to_dict() for s in self.sources],
                "years": [y.to_dict() for y in self.years]}


def coverage(store: Store, years: Iterable[int] = YEARS) -> Coverage:
    """Per source what it contributed; per year the ministry's units, their known heads, the gaps."""
    all_units = units(store)
    ministry = all_units.get(MINISTRY) or Unit(MINISTRY, "Bộ Tài nguyên và Môi trường")
    direct = children_of(all_units, MINISTRY)
    report = []
    for year in years:
        def entry(unit: Unit, y: int = year) -> UnitYear:
            return UnitYear(unit, distinct_holders(h for h in unit.heads if h.held_in(y)))
        report.append(YearCoverage(
            year, distinct_holders(h for h in ministry.heads if h.held_in(year)),
            [entry(u) for u in direct if u.dates_known and u.exists_in(year)],
            [entry(u) for u in direct if not u.dates_known]))
    return Coverage(sources(store), report, direct)


# --------------------------------------------------------------------------- the home page's counts


def holdings(store: Store) -> dict[str, int]:
    """How much the graph holds: sources, officials, the ministry's units, memberships, changes."""
    rows = select(store, sparql.load("ministry/holdings"))
    return {k: int(v) for k, v in (rows[0] if rows else {}).items()}
