"""The grammar of titles: ``[Quyền|Phó] HEAD [phụ trách|Thường trực]``, the unit each head
belongs to, and the role of ``ontology/roles.ttl`` a title names.

A head either names the kind of unit it heads (``Viện trưởng`` heads a ``Viện``) or contains
the unit (``Chánh Văn phòng`` heads the ``Văn phòng`` written after ``Chánh``; ``Trưởng đoàn``
the ``đoàn …`` written after ``Trưởng``).

>>> vocabulary().slug("Phó Tổng Cục trưởng")
'pho-tong-cuc-truong'
>>> vocabulary().slug("Viện trưởng")
'vien-truong'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from .text import fold, lower

ONTOLOGY = Path(__file__).resolve().parents[2] / "ontology"


@dataclass(frozen=True)
class Head:
    words: tuple[str, ...]  # folded syllables
    units: tuple[str, ...]  # folded unit heads this title belongs to
    embeds: bool = False  # the unit's name starts at the last word of the head (Chánh Văn phòng)
    organisation_role: bool = False  # a role a unit holds (Khối trưởng)
    deputy: bool = True  # "Phó" may be written before it


def _h(text: str, *units: str, embeds: bool = False, org_role: bool = False, deputy: bool = True) -> Head:
    return Head(tuple(lower(text).split()), tuple(lower(u) for u in units), embeds, org_role, deputy)


_GIAM_DOC_UNITS = ("Sở", "Trung tâm", "Đài", "Nhà xuất bản", "Học viện", "Quỹ", "Công ty", "Ban",
                   "Đại học", "Bảo tàng", "Chi nhánh")
HEADS: tuple[Head, ...] = (
    _h("Bộ trưởng", "Bộ"), _h("Thứ trưởng", "Bộ", deputy=False),
    _h("Tổng cục trưởng", "Tổng cục"), _h("Cục trưởng", "Cục"), _h("Chi cục trưởng", "Chi cục"),
    _h("Vụ trưởng", "Vụ"), _h("Viện trưởng", "Viện"),
    _h("Hiệu trưởng", "Trường", "Trường Đại học", "Trường Cao đẳng", "Đại học", "Học viện"),
    _h("Giám đốc", *_GIAM_DOC_UNITS), _h("Tổng Giám đốc", *_GIAM_DOC_UNITS, "Tập đoàn"),
    _h("Tổng Biên tập", "Báo", "Tạp chí", "Nhà xuất bản"),
    _h("Chánh Văn phòng", "Văn phòng", embeds=True), _h("Chánh Thanh tra", "Thanh tra", embeds=True),
    _h("Trưởng ban", "Ban", embeds=True), _h("Trưởng phòng", "Phòng", embeds=True),
    _h("Trưởng đoàn", "Đoàn", embeds=True), _h("Trưởng Đài", "Đài", embeds=True),
    _h("Chủ tịch", "Ủy ban nhân dân", "UBND", "Hội đồng", "Ủy ban", "Hội", "Hiệp hội", "Quốc hội",
       "Công ty"),
    _h("Chủ nhiệm", "Ủy ban", "Văn phòng"),
    _h("Bí thư", "Đảng ủy", "Tỉnh ủy", "Thành ủy", "Huyện ủy", "Ban cán sự đảng", "Đoàn"),
    _h("Thủ tướng", "Chính phủ"), _h("Tổng Thư ký", "Quốc hội", "Hội"),
    _h("Kế toán trưởng", deputy=False), _h("Tỉnh ủy viên", "Tỉnh ủy", deputy=False),
    _h("Ủy viên Ban thường vụ", "Đảng ủy", "Tỉnh ủy", "Thành ủy", "Huyện ủy", "Đoàn", deputy=False),
    _h("Chủ tịch Hội đồng trường", "Trường", "Trường Đại học", "Trường Cao đẳng", "Đại học", "Học viện",
       deputy=False),
    _h("Ủy viên", "Ban Chấp hành", "Ban cán sự đảng", "Hội đồng", "Ban Thường vụ", "Trung ương Đảng",
       deputy=False),
    _h("Khối trưởng", "Khối", org_role=True), _h("Trưởng Khối", "Khối", org_role=True),
    _h("Khối phó", "Khối", org_role=True, deputy=False), _h("Cụm trưởng", "Cụm", org_role=True),
    _h("Trưởng Cụm", "Cụm", org_role=True), _h("Cụm phó", "Cụm", org_role=True, deputy=False),
)
PRE_QUALIFIERS = ("quyền", "phó")
POST_QUALIFIERS = (("phụ", "trách"), ("thường", "trực"))


@dataclass(frozen=True)
class TitleMatch:
    length: int  # tokens of the title itself
    head: Head
    deputy: bool


def match_title(keys: list[str], caps: list[bool]) -> TitleMatch | None:
    """The title the lower-cased words ``keys`` begin with (its first word capitalised), if any."""
    if not keys or not caps[0]:
        return None
    i, deputy = 0, False
    while i < len(keys) and keys[i] in PRE_QUALIFIERS:
        deputy = deputy or keys[i] == "phó"
        i += 1
    best: Head | None = None
    for head in _heads():
        n = len(head.words)
        if tuple(keys[i:i + n]) == head.words and (best is None or n > len(best.words)):
            best = head
    if best is None or (deputy and not best.deputy and best.words != ("thứ", "trưởng")):
        return None
    end = i + len(best.words)
    for qualifier in POST_QUALIFIERS:
        if tuple(keys[end:end + len(qualifier)]) == qualifier:
            end += len(qualifier)
    return TitleMatch(end, best, deputy)


@functools.lru_cache(maxsize=1)
def _heads() -> tuple[Head, ...]:
    """The built-in heads and any position label of roles.ttl that names a head we lack."""
    known = {h.words for h in HEADS}
    extra = []
    for label in vocabulary().labels:
        words = tuple(label.split())
        while words and words[0] in PRE_QUALIFIERS:
            words = words[1:]
        for qualifier in POST_QUALIFIERS:
            if words[-len(qualifier):] == qualifier:
                words = words[:-len(qualifier)]
        if words and words not in known and words[-1] == "trưởng":
            extra.append(Head(words, ()))
            known.add(words)
    return HEADS + tuple(extra)


@dataclass
class RoleVocabulary:
    """Folded role labels of ``ontology/roles.ttl`` → role slug."""

    by_label: dict[str, str]
    written: tuple[str, ...] = ()  # the labels lower-cased, diacritics kept

    @property
    def labels(self) -> list[str]:
        return list(self.written)

    def slug(self, title: str) -> str:
        """The role a title names: a label of roles.ttl, else a slug made from the title."""
        key = fold(title)
        if key in self.by_label:
            return self.by_label[key]
        return re.sub(r"[^a-z0-9]+", "-", key).strip("-")

    def known(self, title: str) -> bool:
        return fold(title) in self.by_label


@functools.lru_cache(maxsize=1)
def vocabulary(folder: Path = ONTOLOGY) -> RoleVocabulary:
    """Read the role labels of ``ontology/roles*.ttl`` with a plain scan: the files are small and
    their blocks regular."""
    by_label: dict[str, str] = {}
    written: list[str] = []
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("roles*.ttl")))
    for block in re.split(r"\n(?=role:)", text):
        m = re.match(r"role:([\w-]+)\s", block)
        if not m or m.group(1) == "scheme":
            continue
        for label in re.findall(r'"([^"]+)"@vi', block.split("skos:definition")[0]):
            by_label.setdefault(fold(label), m.group(1))
            written.append(lower(label))
    return RoleVocabulary(by_label, tuple(written))
