"""Text → paragraphs → sentences → tokens, with character offsets into the text.

Sentence splitting and part-of-speech tags come from ``underthesea`` (CRF models inside the
wheel, offline), imported lazily: it takes about a second to load, and the rest of the
command line and the web app should not pay for it. Matching is done on *folded* forms:
NFC, lower case, one tone-mark placement (``thuỷ`` = ``thủy``), no diacritics, ``đ`` → ``d``.

>>> fold("Thuỷ văn")
'thuy van'
>>> unify_tones("hoà, thuỷ, uỷ ban, quỷ")
'hòa, thủy, ủy ban, quỷ'
>>> [t.text for t in tokenize("Ông Nguyễn Văn A (Bộ TN&MT), PGS.TS, số 15/2018.")]
['Ông', 'Nguyễn', 'Văn', 'A', '(', 'Bộ', 'TN&MT', ')', ',', 'PGS.TS', ',', 'số', '15/2018', '.']
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

_TONES = "\u0300\u0301\u0303\u0309\u0323"
# Old-style placement puts the tone on the second vowel of an open "oa/oe/uy" syllable
# ("hoà", "thuỷ"); the new style on the first ("hòa", "thủy"). "qu" + y is not such a pair.
_OLD_TONE = re.compile(rf"(?<!q)([ouOU])([aeyAEY])([\u0302\u0306]?)([{_TONES}])(?!\w)")
_TOKEN = re.compile(r"\w+(?:[&/.\-]\w+)*|[^\w\s]")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def unify_tones(text: str) -> str:
    """One tone-mark placement for oa/oe/uy syllables, NFC out."""
    decomposed = unicodedata.normalize("NFD", text)
    return nfc(_OLD_TONE.sub(r"\1\4\2\3", decomposed))


@functools.lru_cache(maxsize=65536)
def lower(text: str) -> str:
    """Lower case with one tone placement, diacritics kept: the form grammar words are matched in
    (``Viện`` and ``Viễn``, ``Vụ`` and ``Vũ`` are different words)."""
    return " ".join(unify_tones(nfc(text)).lower().split())


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """The form names are compared in: lower case, no diacritics, ``đ`` → ``d``, one space."""
    text = unify_tones(nfc(text)).lower().replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(text.split())


@dataclass
class Token:
    text: str
    start: int  # offsets in the whole text
    end: int
    pos: str = ""  # underthesea's part-of-speech tag of the word this syllable belongs to
    word_start: bool = True  # first syllable of an underthesea word

    @property
    def key(self) -> str:
        return fold(self.text)

    @property
    def low(self) -> str:
        return lower(self.text)

    @property
    def cap(self) -> bool:
        return self.text[:1].isupper()

    @property
    def word(self) -> bool:
        return self.text[:1].isalnum()


@dataclass
class Sentence:
    text: str
    start: int
    end: int
    paragraph: int
    tokens: list[Token] = field(default_factory=list)


def tokenize(text: str, offset: int = 0) -> list[Token]:
    return [Token(m.group(), offset + m.start(), offset + m.end()) for m in _TOKEN.finditer(text)]


# Abbreviations that end with a full stop but do not end a sentence.
_NO_BREAK = re.compile(r"(?:\b(?:TS|ThS|PGS|GS|KS|CN|BS|TP|TSKH|Th\.S|P|Q|St|Tp)\.|\b[A-ZĐ]\.)$")


def _nlp():  # noqa: ANN202 - the module, or None when underthesea is not installed
    try:
        import underthesea
    except ImportError:  # pragma: no cover - a dependency; the grammar still works without it
        return None
    return underthesea


def split_sentences(text: str) -> list[Sentence]:
    """Paragraphs (one per line) split into sentences by underthesea, with offsets into ``text``."""
    nlp = _nlp()
    out: list[Sentence] = []
    paragraph = 0
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        if not line.strip():
            continue
        pieces = nlp.sent_tokenize(line) if nlp is not None else re.split(r"(?<=[.!?…])\s+(?=\S)", line)
        cursor, spans = 0, []
        for piece in pieces:
            piece = piece.strip()
            if not piece:
                continue
            at = line.find(piece, cursor)
            if at < 0:  # the splitter changed the text: keep the rest of the line as one sentence
                spans.append((cursor, len(line)))
                cursor = len(line)
                break
            spans.append((at, at + len(piece)))
            cursor = at + len(piece)
        if cursor < len(line.rstrip()) and line[cursor:].strip():
            spans.append((cursor + len(line[cursor:]) - len(line[cursor:].lstrip()), len(line.rstrip())))
        merged: list[tuple[int, int]] = []
        for a, b in spans:
            if merged and _NO_BREAK.search(line[merged[-1][0]:merged[-1][1]]):
                merged[-1] = (merged[-1][0], b)
            else:
                merged.append((a, b))
        for a, b in merged:
            start, end = m.start() + a, m.start() + b
            out.append(Sentence(text[start:end], start, end, paragraph, tokenize(text[start:end], start)))
        paragraph += 1
    _tag(out)
    return out


def _tag(sentences: list[Sentence]) -> None:
    """Give every token the part-of-speech tag of the underthesea word it belongs to."""
    nlp = _nlp()
    if nlp is None:
        return
    for sentence in sentences:
        try:
            words = nlp.pos_tag(sentence.text)
        except Exception:  # noqa: BLE001 - tags are a hint; the grammar works without them
            continue
        cursor = 0
        spans = []
        for word, tag in words:
            at = sentence.text.find(word, cursor)
            if at < 0:
                continue
            spans.append((sentence.start + at, sentence.start + at + len(word), tag))
            cursor = at + len(word)
        j = 0
        for token in sentence.tokens:
            while j < len(spans) and spans[j][1] <= token.start:
                j += 1
            if j < len(spans) and spans[j][0] <= token.start < spans[j][1]:
                token.pos = spans[j][2]
                token.word_start = token.start == spans[j][0]
