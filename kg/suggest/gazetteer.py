"""What the reader knows besides grammar: family names, places, unit heads, abbreviations,
and the units and people the graph already holds.

Nothing here comes from an evaluation text: the family names and provinces are the country's,
the unit heads and abbreviations the ministry's naming conventions; the graph's own units and
people are read from the store at run time (:meth:`Gazetteer.from_service`).

>>> expand_abbreviations("Bộ TN&MT và Tổng cục KTTV")
'bộ tài nguyên và môi trường và tổng cục khí tượng thủy văn'
>>> is_place("Thái Bình"), is_place("Lê Văn Bình")
(True, False)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .text import fold, lower, nfc, unify_tones

# The commonest Vietnamese family names (well over 95% of the population). "Phó" is left out:
# it is far more often the deputy of a title.
SURNAMES = frozenset(lower(s) for s in """
Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Lương Mai Chu Trương
Đào Đinh Lâm Lưu Tạ Hà Cao Đoàn Tô Trịnh Thái Vương Quách Kiều Triệu Đàm Lại Hứa Khúc Nghiêm
Phùng Tăng Từ Thân Tống Giang Lục Mạc Doãn Âu La Châu Bạch Đồng Tôn Hàn Chử Khổng Lã Lò Nông
Hầu Quan Tiêu Đường Diệp Ninh Kim Thạch Danh Phí Văn Viên Vi Lạc Ông Ma Nhữ Cù Mẫn Kha Yên Lăng
Cấn Thiều Lạng Công Ứng Đậu Hoa Lỗ Thạch Bế Hà Giáp Quản Tòng Mẫn Bành Khương Sầm Chế Huỳnh
""".split())

# Provinces, large cities, regions and a few countries: capitalised pairs that look like names.
PLACES = frozenset(fold(p) for p in """
Hà Nội|Hà Nam|Hà Giang|Hà Tĩnh|Hải Phòng|Hải Dương|Hưng Yên|Thái Bình|Nam Định|Ninh Bình|Vĩnh Phúc|
Bắc Ninh|Bắc Giang|Bắc Kạn|Cao Bằng|Lạng Sơn|Lào Cai|Yên Bái|Tuyên Quang|Thái Nguyên|Phú Thọ|
Điện Biên|Lai Châu|Sơn La|Hòa Bình|Quảng Ninh|Thanh Hóa|Nghệ An|Quảng Bình|Quảng Trị|Thừa Thiên Huế|
Huế|Đà Nẵng|Quảng Nam|Quảng Ngãi|Bình Định|Phú Yên|Khánh Hòa|Ninh Thuận|Bình Thuận|Kon Tum|Gia Lai|
Đắk Lắk|Đắk Nông|Lâm Đồng|Bình Phước|Tây Ninh|Bình Dương|Đồng Nai|Bà Rịa|Vũng Tàu|Bà Rịa - Vũng Tàu|
Hồ Chí Minh|Thành phố Hồ Chí Minh|Long An|Tiền Giang|Bến Tre|Trà Vinh|Vĩnh Long|Đồng Tháp|An Giang|
Kiên Giang|Cần Thơ|Hậu Giang|Sóc Trăng|Bạc Liêu|Cà Mau|Việt Nam|Trung Quốc|Hàn Quốc|Nhật Bản|Lào|
Đồng bằng sông Hồng|Đồng bằng sông Cửu Long|Tây Nguyên|Tây Bắc|Đông Bắc|Bắc Bộ|Trung Bộ|Nam Bộ|
Nam Trung Bộ|Bắc Trung Bộ|Đông Nam Bộ|Phú Quốc|Hạ Long|Nha Trang|Đà Lạt|Vinh|Sa Pa|Trường Sa|Hoàng Sa
""".replace("\n", "").split("|"))

HONORIFICS = frozenset({"ông", "bà", "đồng chí", "anh", "chị", "đ/c", "đc"})
# Academic and professional prefixes written before a name (folded, without full stops).
PREFIXES = frozenset(lower(p).replace(".", "") for p in """
GS PGS TS ThS KS CN BS GS.TS PGS.TS GS.TSKH PGS.TSKH TSKH TS.KS ThS.KS NGƯT NGND NSƯT NSND LS
""".split())

# Abbreviations and their expansions (the scoring rule's table, and the ministry's usual ones).
ABBREVIATIONS = {
    "tn&mt": "tài nguyên và môi trường", "tn-mt": "tài nguyên và môi trường",
    "tnmt": "tài nguyên và môi trường", "kttv": "khí tượng thủy văn", "bđkh": "biến đổi khí hậu",
    "đcks": "địa chất và khoáng sản", "đc&ks": "địa chất và khoáng sản",
    "ubnd": "ủy ban nhân dân", "hđnd": "hội đồng nhân dân",
    "nn&ptnt": "nông nghiệp và phát triển nông thôn", "tp.": "thành phố", "tp": "thành phố",
    "bhđvn": "biển và hải đảo việt nam", "qltnn": "quản lý tài nguyên nước",
}
_ABBR = re.compile(r"(?<![\w&])(" + "|".join(re.escape(k) for k in sorted(ABBREVIATIONS, key=len,
                                                                           reverse=True)) + r")(?![\w&])")


def expand_abbreviations(text: str) -> str:
    """Lower case with the ministry's abbreviations written out (``Bộ TN&MT`` → ``bộ tài nguyên…``)."""
    text = unify_tones(nfc(text)).lower()
    return _ABBR.sub(lambda m: ABBREVIATIONS[m.group(1)], text)


def org_key(name: str) -> str:
    """The form two unit names are compared in: abbreviations written out, folded, no punctuation."""
    text = expand_abbreviations(name).replace("&", " và ")
    return " ".join(re.sub(r"[-–,().]", " ", fold(text)).split())


def is_place(name: str) -> bool:
    return fold(name) in PLACES


# Heads of unit names: the words that begin one (folded), and the kind of the fact-file format.
UNIT_HEADS: dict[str, str | None] = {
    "bộ": "Ministry", "tổng cục": "GeneralDepartment", "cục": "Department", "chi cục": "Department",
    "vụ": "Vu", "văn phòng": "Office", "thanh tra": "Inspectorate", "viện": "Institute",
    "trung tâm": "Centre", "báo": "PressAgency", "tạp chí": "PressAgency",
    "nhà xuất bản": "PressAgency", "trường": "School", "trường đại học": "School",
    "trường cao đẳng": "School", "học viện": "School", "đại học": "School",
    "hội đồng": "Council", "khối": "CompetitionBloc", "cụm": "CompetitionCluster",
    "sở": "ProvincialDepartment", "chính phủ": "Government", "quốc hội": "Legislature",
    "ban": None, "đảng ủy": None, "tỉnh ủy": None, "thành ủy": None, "huyện ủy": None,
    "ban cán sự đảng": None, "ban chấp hành": None, "ủy ban nhân dân": None, "ubnd": None,
    "hđnd": None, "ủy ban": None, "đoàn": None, "đài": None, "phòng": None, "quỹ": None,
    "công ty": None, "tập đoàn": None, "liên đoàn": None, "chi nhánh": None, "trung ương đảng": None,
    "hội": None, "hiệp hội": None,
}
# Heads that begin a unit's name only when a capitalised word follows ("Hội Nghề cá Việt Nam",
# not "Hội nghị"; "Hiệp hội Khí tượng …").
NAMED_ONLY_HEADS = frozenset({"hội", "hiệp hội"})
# Local governments, named by their level and place ("UBND tỉnh Khánh Hòa", "UBND tỉnh").
LOCAL_GOVERNMENTS = frozenset({"ủy ban nhân dân", "ubnd", "hđnd", "hội đồng nhân dân"})
LOCAL_LEVELS = frozenset({"tỉnh", "thành phố", "huyện", "quận", "xã", "phường", "thị xã"})
# Heads that are a whole name by themselves.
COMPLETE_UNITS = frozenset({"chính phủ", "quốc hội", "trung ương đảng", "ban cán sự đảng"})
# Which head a title's unit has (for back-references: "Viện trưởng" → the Viện named earlier).
MAX_HEAD_WORDS = 4


@dataclass
class KnownOrganisation:
    iri: str
    name: str  # the graph's Vietnamese preferred label
    labels: tuple[str, ...]


@dataclass
class KnownPerson:
    iri: str
    name: str
    labels: tuple[str, ...]
    memberships: list[dict[str, str]] = field(default_factory=list)  # role, organisation, org_iri, day

    @property
    def id(self) -> str:
        return self.iri.rsplit("/", 1)[-1]


@dataclass
class Gazetteer:
    """Units and people the graph holds, found by their folded names."""

    organisations: list[KnownOrganisation] = field(default_factory=list)
    people: list[KnownPerson] = field(default_factory=list)
    _org_by_key: dict[str, KnownOrganisation] = field(default_factory=dict, repr=False)
    _org_token_keys: dict[str, list[tuple[list[str], KnownOrganisation, str]]] = field(
        default_factory=dict, repr=False)
    _people_by_key: dict[str, list[KnownPerson]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for org in self.organisations:
            for label in (org.name, *org.labels):
                self._org_by_key.setdefault(org_key(label), org)
                words = [fold(w) for w in re.findall(r"\w+(?:[&/.\-]\w+)*|[^\w\s]", label)]
                if words:
                    self._org_token_keys.setdefault(words[0], []).append((words, org, label))
        for entries in self._org_token_keys.values():
            entries.sort(key=lambda e: -len(e[0]))
        for person in self.people:
            for label in {person.name, *person.labels}:
                self._people_by_key.setdefault(fold(label), []).append(person)

    def organisation(self, name: str) -> KnownOrganisation | None:
        return self._org_by_key.get(org_key(name))

    def organisations_at(self, words: list[str]) -> list[tuple[int, KnownOrganisation]]:
        """Known unit names that the folded ``words`` begin with, longest first: (length, unit)."""
        if not words:
            return []
        return [(len(w), org) for w, org, _ in self._org_token_keys.get(words[0], [])
                if words[:len(w)] == w]

    def people_named(self, name: str) -> list[KnownPerson]:
        return self._people_by_key.get(fold(name), [])

    @classmethod
    def from_service(cls, service: Any) -> Gazetteer:
        """Read the graph's units and people through the query service (``select_rows``)."""
        orgs: dict[str, KnownOrganisation] = {}
        for row in service.select_rows(_ORGS_QUERY):
            iri = row["o"].value
            org = orgs.setdefault(iri, KnownOrganisation(iri, row["name"].value, ()))
            if "label" in row and row["label"].value != org.name:
                org.labels = (*org.labels, row["label"].value)
        people: dict[str, KnownPerson] = {}
        for row in service.select_rows(_PEOPLE_QUERY):
            iri = row["p"].value
            person = people.setdefault(iri, KnownPerson(iri, row["name"].value, ()))
            if "alt" in row and row["alt"].value not in person.labels:
                person.labels = (*person.labels, row["alt"].value)
            if "role" in row:
                m = {"role": row["role"].value, "organisation": row.get("orgName", row["org"]).value,
                     "org_iri": row["org"].value, "day": row["day"].value if "day" in row else ""}
                if m not in person.memberships:
                    person.memberships.append(m)
        return cls(list(orgs.values()), list(people.values()))


_ORGS_QUERY = """
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?o ?name ?label WHERE {
  { ?o a org:Organization } UNION { ?o a org:OrganizationalUnit } UNION { ?o a org:FormalOrganization }
  ?o skos:prefLabel ?name FILTER(lang(?name) = "vi")
  OPTIONAL { ?o skos:altLabel|rdfs:label ?label FILTER(lang(?label) = "vi") }
}"""

_PEOPLE_QUERY = """
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX time: <http://www.w3.org/2006/time#>
SELECT ?p ?name ?alt ?role ?org ?orgName ?day WHERE {
  ?p a foaf:Person ; foaf:name ?name FILTER(lang(?name) = "vi" || lang(?name) = "")
  OPTIONAL { ?p skos:altLabel ?alt }
  OPTIONAL { ?m org:member ?p ; org:role/skos:prefLabel ?role ; org:organization ?org .
             FILTER(lang(?role) = "vi")
             OPTIONAL { ?org skos:prefLabel ?orgName FILTER(lang(?orgName) = "vi") }
             OPTIONAL { ?m org:memberDuring/time:inside/time:inXSDDate ?day } }
}"""
