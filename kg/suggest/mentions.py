"""One sentence's tokens → its mentions: titles (with the unit written after them), units and
people, in text order. The grammar is the reader's; underthesea's tags only help to tell where
a lower-case unit name ends, and to take a name after ``ông``/``bà`` whose family name is rare.

>>> from .text import tokenize
>>> [(m.kind, m.text) for m in scan(tokenize("Thứ trưởng Bộ TN&MT Lê Văn Bình dự họp tại Hà Nội."))]
[('title', 'Thứ trưởng Bộ TN&MT'), ('unit', 'Bộ TN&MT'), ('person', 'Lê Văn Bình')]
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .gazetteer import (
    COMPLETE_UNITS,
    HONORIFICS,
    LOCAL_GOVERNMENTS,
    LOCAL_LEVELS,
    MAX_HEAD_WORDS,
    NAMED_ONLY_HEADS,
    PREFIXES,
    SURNAMES,
    UNIT_HEADS,
    Gazetteer,
    KnownOrganisation,
    is_place,
)
from .text import Token, unify_tones
from .titles import Head, match_title

# Lower-case words (and pairs) that end a unit's name: verbs and function words of news prose.
STOP_WORDS = frozenset(unify_tones(w) for w in """
đã được có là tại cho với về theo trong đến từ khi đang sẽ vừa cũng này đó của thuộc gồm giữ
làm cùng các những để sau trước nhằm lần đợt năm tháng ngày tuần sáng chiều tối hôm ông bà vào
ra tiếp một hai ba bốn nhiều nhưng hoặc thì mà nên do bởi vì như đây ở kể chủ tham dự phát
đánh ký họp lễ buổi cuộc hiện nay đồng mới nhằm tổng tới lên
""".split())
STOP_PAIRS = frozenset(tuple(unify_tones(p).split()) for p in """
công tác|công bố|báo cáo|tổ chức|giao ban|kiện toàn|hội nghị|lãnh đạo|nhân sự|ký kết|thực hiện|
triển khai|làm việc|đề nghị|cho biết|nhấn mạnh|chỉ đạo|kết luận|thông báo|chính thức|trực thuộc|
trụ sở|cơ quan|đơn vị|quyết định|văn bản|kế hoạch|nhiệm vụ|kết quả|phối hợp|tiếp nhận|trao đổi
""".replace("\n", "").split("|"))
# Verbs that do belong to unit names ("Cục Kiểm soát hoạt động bảo vệ môi trường").
NAME_VERBS = frozenset(unify_tones(w) for w in """
bảo vệ|quản lý|kiểm soát|điều tra|quy hoạch|cải thiện|phát triển|ứng phó|đo đạc|kiểm định|giám sát|
dự báo|quan trắc|bảo tồn|khai thác|xử lý|nghiên cứu|đào tạo|bồi dưỡng|truyền thông|hợp tác|
thông tin|hoạt động|thi đua|khen thưởng|tuyên truyền|sử dụng|thẩm định|viễn thám|khảo sát|cảnh báo
""".replace("\n", "").split("|"))
# Fields of the ministry's work that continue a unit's name after a lower-case "và" (names in
# sentence case: "Viện Chiến lược, Chính sách tài nguyên và môi trường"). Pairs of words.
NAME_FIELDS = frozenset(unify_tones(w) for w in """
môi trường|khoáng sản|hải đảo|biến đổi|khí hậu|thủy văn|bản đồ|dữ liệu|thông tin|phát triển|đa dạng|
tuyên truyền|công nghệ|đo đạc|viễn thám|tài nguyên|đất đai|tài chính|đào tạo|hợp tác|quan trắc|
ô nhiễm|sinh học|thiên nhiên|chất lượng|khí tượng|địa chất|nông thôn|nông nghiệp|thủy lợi|kinh tế|
biển đảo
""".replace("\n", "").split("|"))
# Unit heads that take another unit as their own name ("Văn phòng Bộ TN&MT", "Thanh tra Bộ").
COMPOSITE_HEADS = frozenset({"văn phòng", "thanh tra", "ban cán sự đảng", "đảng ủy", "ban", "đoàn",
                             "công đoàn", "trung tâm", "ban chấp hành", "ủy ban", "hội đồng"})
_NUMBERED = frozenset({"số", "khóa"})
# Words after a bare "ông"/"bà" that make it the subject of a clause (a pronoun, not a title).
_AFTER_PRONOUN = frozenset(unify_tones(w) for w in
                           "được là đã từng hiện tiếp sẽ vốn giữ đang cũng nhận làm đảm trở".split())
_NAME_ENDS = frozenset({",", ";", ".", "(", ")", "-", "–", ":"})


@dataclass
class Mention:
    kind: str  # "title", "unit" or "person"
    start: int  # token indices in the sentence, end exclusive
    end: int
    text: str
    # units
    head_key: str = ""
    named: bool = False
    known: KnownOrganisation | None = None
    parent: Mention | None = None
    # titles
    head: Head | None = None
    title_end: int = 0
    unit: Mention | None = None
    # people
    name: str = ""
    honorific: str = ""
    short: bool = False
    via: str = ""
    extra: dict = field(default_factory=dict)


class Scanner:
    """Mentions of one sentence; ``gazetteer`` adds the graph's unit names to the grammar."""

    def __init__(self, tokens: list[Token], gazetteer: Gazetteer | None = None) -> None:
        self.t = tokens
        self.folded = [t.key for t in tokens]  # for the graph's names: diacritics ignored
        self.keys = [t.low for t in tokens]  # for the grammar's words: diacritics kept
        self.low = self.keys
        self.gaz = gazetteer or Gazetteer()

    def span(self, a: int, b: int) -> str:
        if a >= b:
            return ""
        sentence_start = self.t[a].start
        out, last = [], sentence_start
        for tok in self.t[a:b]:
            out.append(" " * (tok.start > last and 1 or 0) + tok.text)
            last = tok.end
        return "".join(out).strip()

    # --- pieces ---------------------------------------------------------------------------

    def unit_head(self, i: int, *, lower_ok: bool = False) -> str | None:
        if i >= len(self.t) or not (self.t[i].cap or lower_ok):
            return None
        if i > 0 and self.t[i - 1].cap and is_place(self.span(i - 1, i + 1)):
            return None  # "Hải Phòng" is a city, not a "Phòng"
        for n in range(MAX_HEAD_WORDS, 0, -1):
            key = " ".join(self.keys[i:i + n])
            if len(self.keys[i:i + n]) == n and key in UNIT_HEADS:
                nxt = self.keys[i + n] if i + n < len(self.keys) else ""
                if (key, nxt) in {("báo", "cáo"), ("trường", "hợp"), ("phòng", "chống"), ("đoàn", "kết"),
                                  ("ban", "hành"), ("sở", "")}:
                    continue
                if key == "trường" and self.title_at(i):
                    continue
                if key in NAMED_ONLY_HEADS and not (i + n < len(self.t) and self.t[i + n].cap):
                    continue
                return key
        return None

    def title_at(self, i: int):  # noqa: ANN201
        return match_title(self.keys[i:i + 8], [t.cap for t in self.t[i:i + 8]])

    def person_start(self, i: int) -> bool:
        """A family name followed by a capitalised syllable, not a place (``Hà Nội``)."""
        if i + 1 >= len(self.t) or not self.t[i].cap or self.keys[i] not in SURNAMES:
            return False
        if not (self.t[i + 1].cap and self.t[i + 1].word):
            return False
        if any(is_place(self.span(i, i + n)) for n in (2, 3) if i + n <= len(self.t)):
            return False  # "Hà Nội", "Hồ Chí Minh" (in "Đoàn Thanh niên Cộng sản Hồ Chí Minh")
        return not self.t[i + 1].text.isupper()

    # --- units ----------------------------------------------------------------------------

    def unit(self, i: int, *, embedded: bool = False) -> Mention | None:
        known = self.gaz.organisations_at(self.folded[i:i + 40]) if self.t[i].cap else []
        if known:
            n, org = known[0]
            m = Mention("unit", i, i + n, self.span(i, i + n), head_key=self.unit_head(i) or "",
                        named=True, known=org)
            return self._parent(m)
        head = self.unit_head(i, lower_ok=embedded)
        if head is None:
            return None
        j = i + len(head.split())
        names = 0
        n = len(self.t)
        if head in COMPLETE_UNITS:
            names = 1
        while j < n and names < 18:
            tok, key, low = self.t[j], self.keys[j], self.low[j]
            nxt = j + 1
            if key in ("-", "–") or low in ("và", "&"):
                if names and nxt < n and self.t[nxt].cap and self.t[nxt].word and not self._starts_other(nxt):
                    j += 1
                    continue
                if names and low == "và" and " ".join(self.low[nxt:nxt + 2]) in NAME_FIELDS:
                    j += 1  # "Viện Khoa học tài nguyên và môi trường": a name in sentence case
                    continue
                break
            if key == "," and names and self._name_goes_on_after_comma(nxt):
                j += 1  # "Vụ Thi đua, Khen thưởng và Tuyên truyền"
                continue
            if not tok.word:
                break
            numbered = nxt < n and (self.t[nxt].text[:1].isdigit() or self.t[nxt].text.isupper())
            if key in _NUMBERED and numbered:
                j += 2
                names += 1
                continue
            if tok.cap or (tok.text.isupper() and len(tok.text) > 1):
                inner_head = self.unit_head(j)
                if head in COMPOSITE_HEADS and inner_head in COMPLETE_UNITS and names:
                    inner = self.unit(j)  # "đoàn đại biểu Quốc hội khóa XV"
                    if inner is not None:
                        j, names = inner.end, names + 1
                        continue
                if names == 0 and head in COMPOSITE_HEADS and inner_head:
                    inner = self.unit(j)
                    if inner is not None:
                        j, names = inner.end, names + 1
                        break
                if self._starts_other(j):
                    break
                j += 1
                names += 1
                continue
            level = next((v for v in (" ".join(self.low[j:j + 2]), low) if v in LOCAL_LEVELS), None)
            if names == 0 and head in LOCAL_GOVERNMENTS and level:
                j += len(level.split())  # "UBND tỉnh Khánh Hòa"; "UBND tỉnh" alone names its kind
                if j < n and self.t[j].cap and self.t[j].word:
                    continue
                break
            if names == 0 and not (embedded and j == i + len(head.split())):
                break
            if low in ("tỉnh", "thành") and nxt < n:
                if low == "thành" and self.low[nxt] == "phố" and nxt + 1 < n and self.t[nxt + 1].cap:
                    j += 2
                    continue
                if low == "tỉnh" and self.t[nxt].cap:
                    j += 1
                    continue
                break
            pair = (low, self.low[nxt]) if nxt < n else (low, "")
            if low in STOP_WORDS or pair in STOP_PAIRS:
                break
            field = " ".join(pair) in NAME_FIELDS or f"{self.low[j - 1]} {low}" in NAME_FIELDS
            if tok.word_start and tok.pos.startswith("V") and " ".join(pair) not in NAME_VERBS \
                    and low not in NAME_VERBS and not field:
                break
            if tok.pos in ("R", "E", "C", "CC", "P", "L", "M", "T", "X") and tok.word_start and not field:
                break
            if tok.text[:1].isdigit():
                break
            j += 1
            names += 1
        text = self.span(i, j)
        if embedded:
            text = text[:1].upper() + text[1:]
        m = Mention("unit", i, j, text, head_key=head, named=names > 0)
        m.known = self.gaz.organisation(text) if m.named else None
        return self._parent(m)

    def _parent(self, m: Mention) -> Mention:
        """``Tổng cục Môi trường (Bộ TN&MT)``: the bracketed parent, kept apart from the name."""
        j = m.end
        if j + 2 < len(self.t) and self.t[j].text == "(" and self.unit_head(j + 1):
            inner = self.unit(j + 1)
            if inner is not None and inner.end < len(self.t) and self.t[inner.end].text == ")":
                m.parent, m.end = inner, inner.end + 1
        return m

    def _name_goes_on_after_comma(self, j: int) -> bool:
        """Whether the words after a comma are more of the unit's name: a capitalised word that
        starts no title, unit or person, then words up to the next mark that hold a "và" and a
        word in lower case (a list of fields, "Chiến lược, Chính sách tài nguyên và môi trường";
        not a list of places, "Hà Nội, Hải Phòng và Đà Nẵng"); or, in a name in sentence case, a
        few lower-case words that end in "và" and a field ("Viện Khoa học môi trường, biển và hải
        đảo")."""
        if j < len(self.t) and not self.t[j].cap and j >= 2 and not self.t[j - 2].cap:
            return self._fields_after_comma(j)
        if j >= len(self.t) or not (self.t[j].cap and self.t[j].word) or self._starts_other(j):
            return False
        k = j
        while k < len(self.t) and k - j < 10 and self.t[k].text not in _NAME_ENDS:
            k += 1
        words = self.low[j:k]
        lower = [t for t in self.t[j + 1:k] if t.word and not t.cap and t.low != "và"]
        return "và" in words and bool(lower) and not any(self._starts_other(q) for q in range(j + 1, k))

    def _fields_after_comma(self, j: int) -> bool:
        k = j
        while k < len(self.t) and k - j < 6 and self.t[k].word and not self.t[k].cap:
            k += 1
        words = self.low[j:k]
        return (len(words) >= 3 and words[-3] == "và" and " ".join(words[-2:]) in NAME_FIELDS
                and (k == len(self.t) or self.t[k].text in _NAME_ENDS))

    def _names_unit(self, k: int) -> bool:
        """Whether a unit's name begins at ``k``: its head, then a capitalised word (``Trường Đại
        học …``), not a head word that is a syllable of a name (``ông Chu An Trường, …``)."""
        head = self.unit_head(k)
        if head is None:
            return False
        after = k + len(head.split())
        return head in COMPLETE_UNITS or (after < len(self.t) and self.t[after].cap)

    def _starts_other(self, j: int) -> bool:
        """Whether a new title, unit or person begins at token ``j`` (ending a unit's name)."""
        return bool(self.title_at(j) or self.unit_head(j) or self.person_start(j)
                    or self.low[j] in HONORIFICS)

    # --- people ---------------------------------------------------------------------------

    def person(self, i: int, *, after_title: bool = False) -> Mention | None:
        j, honorific = i, ""
        if self.low[j] in HONORIFICS:
            honorific, j = self.t[j].text, j + 1
        elif self.low[j] == "đồng" and j + 1 < len(self.t) and self.low[j + 1] == "chí":
            honorific, j = self.span(j, j + 2), j + 2
        while j < len(self.t) and self.keys[j].replace(".", "") in PREFIXES:
            j += 1
            if j < len(self.t) and self.t[j].text == ".":
                j += 1
        if honorific.lower() in ("ông", "bà") and j == i + 1 and j < len(self.t) \
                and self.low[j] in _AFTER_PRONOUN and (i == 0 or self.t[i - 1].text in (",", ":", ";")):
            # "Đến tháng 3/2019, ông được bổ nhiệm …": "ông" alone as the subject, a pronoun
            return Mention("person", i, j, self.t[i].text, name="", honorific=honorific, short=True,
                           via="pronoun")
        if j >= len(self.t) or not self.t[j].cap or j == i and not self.t[j].word:
            return None
        if self.person_start(j):
            k = j + 1
            while k < len(self.t) and k - j < 4 and self.t[k].cap and self.t[k].word \
                    and not self.t[k].text.isupper() and not self.title_at(k) and not self._names_unit(k):
                k += 1
            if k - j == 2 and not (honorific or after_title or j > i):
                return None
            return Mention("person", i, k, self.span(i, k), name=self.span(j, k), honorific=honorific,
                           via="grammar")
        if honorific or after_title or j > i:
            word_end = j + 1
            while word_end < len(self.t) and not self.t[word_end].word_start and self.t[word_end].cap:
                word_end += 1
            if self.t[j].pos == "Np" and 2 <= word_end - j <= 4 and not is_place(self.span(j, word_end)):
                return Mention("person", i, word_end, self.span(i, word_end),
                               name=self.span(j, word_end), honorific=honorific, via="ner")
            if honorific and not (j + 1 < len(self.t) and self.t[j + 1].cap) and self.t[j].word \
                    and not self.unit_head(j) and not is_place(self.t[j].text):
                return Mention("person", i, j + 1, self.span(i, j + 1), name=self.t[j].text,
                               honorific=honorific, short=True, via="short")
        return None


def scan(tokens: list[Token], gazetteer: Gazetteer | None = None) -> list[Mention]:
    """The mentions of one sentence, in order."""
    s = Scanner(tokens, gazetteer)
    out: list[Mention] = []
    i = 0
    while i < len(tokens):
        title = s.title_at(i)
        if title is not None:
            end = i + title.length
            unit = None
            if title.head.embeds:
                k = i
                while s.keys[k] in ("quyền", "phó"):
                    k += 1
                unit = s.unit(k + 1, embedded=True)  # the unit starts after "Chánh" / "Trưởng"
            elif end < len(tokens) and s.unit_head(end):
                unit = s.unit(end)
            stop = max(end, unit.end if unit else end)
            out.append(Mention("title", i, stop, s.span(i, stop), head=title.head, title_end=end,
                               unit=unit, extra={"title": s.span(i, end), "deputy": title.deputy}))
            if unit is not None:
                out.append(unit)
            i = stop
            continue
        unit = s.unit(i) if tokens[i].cap else None
        if unit is not None:
            out.append(unit)
            i = unit.end
            continue
        after_title = bool(out) and out[-1].kind == "title" and out[-1].end == i
        person = s.person(i, after_title=after_title)
        if person is not None:
            out.append(person)
            i = person.end
            continue
        i += 1
    return out


def title_text(m: Mention) -> str:
    """The title as written, without its unit; for a head containing its unit, the words up to it
    (``Chánh Văn phòng Bộ`` → ``Chánh Văn phòng``)."""
    return m.extra.get("title", m.text)
