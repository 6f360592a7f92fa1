"""Search by name that ignores diacritics, case and ``đ``/``d``.

The index is built once per build of the store, in memory: every label (``rdfs:label``,
``skos:prefLabel``, ``skos:altLabel``, ``foaf:name``) of a *typed* entity, folded, with a sorted
list of its words so a query word is found by binary search as a prefix. Only typed entities are
indexed and the number of labels is capped, so a store of a million triples stays cheap.

>>> fold("Cục Đo đạc, Bản đồ")
'cuc do dac, ban do'
>>> words("Nguyễn Quốc Khánh")
['nguyen', 'quoc', 'khanh']
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Store

from . import sparql

#: Most labels held in one index (a label beyond it is not searchable; the index says so).
MAX_LABELS = 300_000
#: Most results one search returns.
MAX_RESULTS = 50

_WORD = re.compile(r"[a-z0-9]+")

#: Match kinds, best first; a result's ``match`` is one of these.
MATCH_KINDS = ("exact", "prefix", "phrase", "words")


def fold(text: str) -> str:
    """Lower case, no diacritics, ``đ`` → ``d``: the form both labels and queries are compared in."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


def words(text: str) -> list[str]:
    """The folded words of a text (letters and digits only)."""
    return _WORD.findall(fold(text))


@dataclass(frozen=True)
class Hit:
    """One entity found: the label that matched best and how it matched."""

    iri: str
    label: str
    lang: str
    match: str
    score: tuple[int, int, str]


@dataclass
class SearchIndex:
    """Folded labels of typed entities with a sorted word list for prefix lookup."""

    iris: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    langs: list[str] = field(default_factory=list)
    folded: list[str] = field(default_factory=list)
    word_index: list[tuple[str, int]] = field(default_factory=list)
    truncated: bool = False
    build_seconds: float = 0.0
    _vocabulary: list[str] | None = field(default=None, repr=False)

    @classmethod
    def from_store(cls, store: Store, *, max_labels: int = MAX_LABELS) -> SearchIndex:
        """Read the labels of typed entities from the store (one query, capped) and index them."""
        started = time.perf_counter()
        index = cls()
        # one more than the cap, so a store holding more labels is known to be cut
        rows = store.query(sparql.limit(sparql.load("entities/search_labels"), int(max_labels) + 1),
                           use_default_graph_as_union=True)
        seen: set[tuple[str, str]] = set()
        for row in rows:
            iri, label = row["s"], row["l"]
            if not isinstance(iri, NamedNode) or not isinstance(label, Literal):
                continue
            key = (iri.value, label.value)
            if key in seen:
                continue
            if len(index.iris) >= max_labels:
                index.truncated = True
                break
            seen.add(key)
            position = len(index.iris)
            index.iris.append(iri.value)
            index.labels.append(label.value)
            index.langs.append(label.language or "")
            folded = fold(label.value)
            index.folded.append(folded)
            for word in set(_WORD.findall(folded)):
                index.word_index.append((word, position))
        index.word_index.sort()
        index.build_seconds = time.perf_counter() - started
        return index

    def __len__(self) -> int:
        return len(self.iris)

    def _positions_with_word_prefix(self, prefix: str) -> set[int]:
        start = bisect.bisect_left(self.word_index, (prefix, -1))
        found: set[int] = set()
        for word, position in self.word_index[start:]:
            if not word.startswith(prefix):
                break
            found.add(position)
        return found

    def search(self, query: str, *, limit: int = MAX_RESULTS) -> list[Hit]:
        """Entities whose label matches every word of ``query``; best match first, one hit each.

        Ranking: the whole label equals the query (``exact``) > the label starts with it
        (``prefix``) > the query occurs as a phrase starting at a word (``phrase``) > every query
        word starts some word of the label (``words``); then shorter labels, then alphabetical.
        """
        folded_query = fold(query)
        query_words = _WORD.findall(folded_query)
        if not query_words:
            return []
        candidates: set[int] | None = None
        for word in sorted(set(query_words), key=len, reverse=True):
            positions = self._positions_with_word_prefix(word)
            candidates = positions if candidates is None else candidates & positions
            if not candidates:
                return []
        best: dict[str, Hit] = {}
        phrase = " ".join(query_words)
        for position in candidates or ():
            label_folded = self.folded[position]
            plain = " ".join(_WORD.findall(label_folded))
            if label_folded == folded_query or plain == phrase:
                kind = 0
            elif label_folded.startswith(folded_query) or plain.startswith(phrase):
                kind = 1
            elif (" " + plain).find(" " + phrase) >= 0:
                kind = 2
            else:
                kind = 3
            score = (kind, len(label_folded), label_folded)
            iri = self.iris[position]
            if iri not in best or score < best[iri].score:
                best[iri] = Hit(iri=iri, label=self.labels[position], lang=self.langs[position],
                                match=MATCH_KINDS[kind], score=score)
        return sorted(best.values(), key=lambda hit: (hit.score, hit.iri))[: max(0, limit)]

    @property
    def vocabulary(self) -> list[str]:
        """Every folded word of the indexed labels, once, sorted (for close matches)."""
        if self._vocabulary is None:
            self._vocabulary = sorted({word for word, _ in self.word_index})
        return self._vocabulary

    def close_matches(self, query: str, *, limit: int = 10) -> list[Hit]:
        """Entities whose names are *close* to ``query``: what :meth:`search` finds, then names
        found when a misspelt word is replaced by the nearest words of the index (``khang`` →
        ``khanh``), then names that match some of the query's words. For "did you mean" lists.
        """
        query_words = words(query)
        found: dict[str, Hit] = {h.iri: h for h in self.search(query, limit=limit)}
        if len(found) < limit and query_words:
            options = []
            for word in query_words[:6]:
                near = difflib.get_close_matches(word, self.vocabulary, n=3, cutoff=0.6)
                options.append(list(dict.fromkeys([word, *near]))[:4] if near else [word])
            # At most 64 respellings, nearest first (the product keeps the given word first).
            for spelling in itertools.islice(itertools.product(*options), 64):
                for hit in self.search(" ".join(spelling), limit=limit):
                    found.setdefault(hit.iri, hit)
                if len(found) >= limit:
                    break
        if len(found) < limit and len(query_words) > 1:
            for word in sorted(query_words, key=len, reverse=True):
                if len(word) < 3:
                    continue
                for hit in self.search(word, limit=limit):
                    found.setdefault(hit.iri, hit)
        return list(found.values())[: max(0, limit)]


_cache_lock = threading.Lock()
_cache: dict[str, SearchIndex] = {}


def index_for_build(store: Store, build_id: str) -> SearchIndex:
    """The index of one build, built on first use and kept until the store is rebuilt."""
    with _cache_lock:
        index = _cache.get(build_id)
        if index is None:
            index = SearchIndex.from_store(store)
            _cache.clear()  # only the current build is ever searched
            _cache[build_id] = index
        return index
