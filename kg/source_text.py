"""A source document's text laid out for its page: paragraphs, with every quoted fact marked.

The quotes are found in the text as the build checks them (whitespace-insensitive, NFC), and
each mark links back to the facts that quote it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from pyoxigraph import Store

from . import sparql
from .labels import Term, _relabel, _select, _term, labels_of, parse_iri


def normalise_with_map(text: str) -> tuple[str, list[int]]:
    """``text`` with every whitespace run (non-breaking spaces too) collapsed to one space and the
    ends trimmed, and for each character of the result its position in ``text``.

    >>> normalise_with_map("a \\u00a0 b")
    ('a b', [0, 1, 4])
    """
    out: list[str] = []
    positions: list[int] = []
    in_space = False
    for index, char in enumerate(text):
        if char.isspace():
            if out and not in_space:
                out.append(" ")
                positions.append(index)
            in_space = True
            continue
        in_space = False
        out.append(char)
        positions.append(index)
    if out and out[-1] == " ":
        out.pop()
        positions.pop()
    return "".join(out), positions


def _normalise(text: str) -> str:
    return normalise_with_map(unicodedata.normalize("NFC", text))[0]


@dataclass
class Mark:
    """A highlighted stretch of a source: one or more overlapping quotes and the facts they support."""

    index: int
    start: int
    end: int
    quotes: list[str]
    facts: list[Term]


@dataclass(frozen=True)
class Segment:
    """A piece of a paragraph: plain text, or (part of) a mark; ``anchor`` on a mark's first piece,
    ``last`` on its last (a mark crossing a paragraph break comes in pieces)."""

    text: str
    mark: int | None = None
    anchor: bool = False
    last: bool = False


@dataclass
class SourceText:
    """A source's text split into paragraphs of segments, with each fact's quote located."""

    iri: str
    text: str
    paragraphs: list[list[Segment]]
    marks: list[Mark]
    quote_marks: dict[str, int]
    missing: list[str]

    def mark_for(self, quote: str) -> int | None:
        """The index of the mark holding the (first occurrence of the) quote, if it was found."""
        return self.quote_marks.get(_normalise(quote))


def source_text(store: Store, iri: str) -> SourceText | None:
    """The source's ``schema:text`` with every quote of the facts derived from it located, or
    ``None`` when the IRI has no text."""
    node = parse_iri(iri)
    texts = _select(store, sparql.load("entities/source_text"), x=node)
    if not texts:
        return None
    text = unicodedata.normalize("NFC", texts[0]["text"].value)
    facts_by_quote: dict[str, list[Term]] = defaultdict(list)
    for row in _select(store, sparql.load("entities/source_quotes"), x=node):
        term = _term(row["fact"])
        if term not in facts_by_quote[row["quote"].value]:
            facts_by_quote[row["quote"].value].append(term)
    return locate_quotes(iri, text, facts_by_quote, labels_of(
        store, [t.value for ts in facts_by_quote.values() for t in ts if t.is_iri]))


def locate_quotes(iri: str, text: str, facts_by_quote: dict[str, list[Term]],
                  labels: dict[str, tuple[str, str]] | None = None) -> SourceText:
    """Find each quote in the text (whitespace-insensitive), merge overlapping ranges, split into
    paragraph segments.

    >>> st = locate_quotes("s", "Ab cd.\\n\\nEf\\u00a0 gh ij.", {"cd. Ef gh": [], "gh ij": []})
    >>> [[(s.text, s.mark) for s in p] for p in st.paragraphs]
    [[('Ab ', None), ('cd.', 0)], [('Ef\\xa0 gh ij', 0), ('.', None)]]
    """
    normal, positions = normalise_with_map(text)
    ranges: list[tuple[int, int, str]] = []
    missing: list[str] = []
    for quote in sorted(facts_by_quote):
        needle = _normalise(quote)
        if not needle:
            continue
        start = normal.find(needle)
        if start < 0:
            missing.append(quote)
        while start >= 0:
            end = start + len(needle)
            ranges.append((positions[start], positions[end - 1] + 1, quote))
            start = normal.find(needle, start + 1)
    ranges.sort()
    marks: list[Mark] = []
    for start, end, quote in ranges:
        if marks and start < marks[-1].end:
            mark = marks[-1]
            mark.end = max(mark.end, end)
        else:
            mark = Mark(len(marks), start, end, [], [])
            marks.append(mark)
        if quote not in mark.quotes:
            mark.quotes.append(quote)
        for fact in facts_by_quote[quote]:
            fact = _relabel(fact, labels or {})
            if fact not in mark.facts:
                mark.facts.append(fact)
    quote_marks: dict[str, int] = {}
    for mark in marks:
        for quote in mark.quotes:
            quote_marks.setdefault(_normalise(quote), mark.index)
    return SourceText(iri, text, _paragraphs(text, marks), marks, quote_marks, missing)


def _paragraphs(text: str, marks: list[Mark]) -> list[list[Segment]]:
    spans = []
    for match in re.finditer(r"\S(?:.*?\S)?(?=\s*\n\s*\n|\s*$)", text, flags=re.DOTALL):
        spans.append((match.start(), match.end()))
    paragraphs = []
    for p_start, p_end in spans:
        segments: list[Segment] = []
        cursor = p_start
        for mark in marks:
            if mark.end <= p_start or mark.start >= p_end:
                continue
            start, end = max(mark.start, p_start), min(mark.end, p_end)
            if start > cursor:
                segments.append(Segment(text[cursor:start]))
            segments.append(Segment(text[start:end], mark.index, anchor=start == mark.start,
                                    last=end == mark.end))
            cursor = end
        if cursor < p_end:
            segments.append(Segment(text[cursor:p_end]))
        paragraphs.append(segments)
    return paragraphs

