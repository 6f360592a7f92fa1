"""Checks across the sources, made before any quad is written: evidence that holds, and
declarations of one organisation in several files that agree."""

from __future__ import annotations

import datetime as dt
import itertools

from .errors import QuoteNotFound, SourceError
from .rdfwriter import normalise_space
from .sources import SourceFacts


def check_evidence(facts: SourceFacts, known_sources: set[str]) -> None:
    """Refuse a quote that is not in the source's text, and a citation of an unknown source."""
    text = normalise_space(facts.source.text) if facts.source.text_path else None
    for description, record in facts.quoted_facts():
        for quote in record.quotes:
            if text is None:
                raise QuoteNotFound(
                    f"{description} quotes a source whose text we do not hold "
                    f"({facts.source.id} has no 'file'); cite it with a locator instead",
                    where=record.where)
            if normalise_space(quote) not in text:
                raise QuoteNotFound(
                    f"the quote of {description} is not in the source text "
                    f"{facts.source.text_path}: {quote[:80]!r}",
                    where=record.where,
                )
        for citation in record.citations:
            if citation.source and citation.source not in known_sources:
                raise SourceError(f"{description} cites an unknown source {citation.source!r}",
                                  where=record.where)


def check_one_folder_per_address(all_facts: list[SourceFacts]) -> None:
    """A page is one source: two folders with one address would count its facts twice and give
    it two identities (add the new facts to the folder that holds the page)."""
    seen: dict[str, SourceFacts] = {}
    for facts in all_facts:
        address = facts.source.url
        if not address:
            continue
        key = address.strip().rstrip("/").split("://", 1)[-1].removeprefix("www.")
        if key in seen:
            first = seen[key].source
            raise SourceError(f"the page {address} already has the source folder {first.id!r} "
                              f"({first.facts_path}); add these facts there",
                              where=str(facts.source.facts_path))
        seen[key] = facts


def check_organisation_declarations(all_facts: list[SourceFacts]) -> None:
    """A unit may be declared by several sources (each adding its dated claims), if they agree.

    Parents may differ, because ``org:subOrganizationOf`` carries no time: a unit that passed
    from one ministry to the next is under both, and each parent's own lifespan says when. That
    reading is only sound while the parents never exist on the same day, so overlapping (or
    undated) parents are refused: a typo in a parent's name is caught the same way.
    """
    first: dict[str, object] = {}
    parents: dict[str, dict[str, object]] = {}
    for facts in all_facts:
        for o in facts.organisations:
            known = first.setdefault(o.name, o)
            for key in ("kind", "en"):
                mine, theirs = getattr(o, key), getattr(known, key)
                if mine and theirs and mine != theirs:
                    raise SourceError(f"organisation {o.name!r} has {key} {mine!r} here but "
                                      f"{theirs!r} in {known.where}", where=o.where)
            if o.parent:
                parents.setdefault(o.name, {}).setdefault(o.parent, o)
    spans = lifespans(all_facts)
    for name, by_parent in parents.items():
        for (a, at), (b, bt) in itertools.combinations(by_parent.items(), 2):
            if not spans_are_disjoint(spans.get(a, (None, None)), spans.get(b, (None, None))):
                raise SourceError(
                    f"organisation {name!r} has parent {b!r} here but {a!r} in {at.where}; two "
                    "parents are accepted only when their sourced lifespans do not overlap (a unit "
                    "that passed from one body to the next)", where=bt.where)


Span = tuple[dt.date | None, dt.date | None]


def lifespans(all_facts: list[SourceFacts]) -> dict[str, Span]:
    """Each organisation's widest sourced span: where sources disagree, any day one allows."""
    spans: dict[str, Span] = {}
    for facts in all_facts:
        for o in facts.organisations:
            begin, end = spans.get(o.name, (None, None))
            if o.founded and (begin is None or o.founded.date < begin):
                begin = o.founded.date
            if o.dissolved and (end is None or o.dissolved.date > end):
                end = o.dissolved.date
            spans[o.name] = (begin, end)
    return spans


def spans_are_disjoint(a: Span, b: Span) -> bool:
    """Half-open spans [founded, dissolved); an unknown end is open.

    >>> import datetime as dt
    >>> d = dt.date
    >>> spans_are_disjoint((None, d(2025, 3, 1)), (d(2025, 3, 1), None))
    True
    >>> spans_are_disjoint((None, None), (d(2025, 3, 1), None))
    False
    """
    return (a[1] is not None and b[0] is not None and a[1] <= b[0]) or (
        b[1] is not None and a[0] is not None and b[1] <= a[0])
