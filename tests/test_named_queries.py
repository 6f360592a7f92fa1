"""Every named query answers its question on the seed graph, with every parameter exercised.

The expected answers are read off the article (sources/khoi-thi-dua-iv-2021/article.txt), not
recorded from the program's output. Queries run through the query service, as the web pages
and the command line run them: parameters bound as RDF terms.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import NamedNode, Quad, RdfFormat, Store, Variable, parse
from support import BLOC_UNITS

from kg.catalog import Answer, NamedQuery, load_catalog
from kg.cli import main
from kg.config import PROJECT_ROOT, Settings
from kg.errors import BadInput
from kg.query import QueryService, check_query
from kg.vocab import BASE, DCTERMS, FOAF, ORG, RDF, RDFS, TIME, TNMT

QUERIES = PROJECT_ROOT / "queries"
ARTICLE = (PROJECT_ROOT / "sources" / "khoi-thi-dua-iv-2021" / "article.txt").read_text(encoding="utf-8")
CATALOG = load_catalog(QUERIES)
HOSTILE = 'x" } ; DROP ALL ; SELECT * { ?s ?p ?o'

VT, QLTNN = "Cục Viễn thám quốc gia", "Cục Quản lý tài nguyên nước"
DO_DAC = "Cục Đo đạc, Bản đồ và Thông tin địa lý Việt Nam"
CNTT = "Cục Công nghệ thông tin và Dữ liệu TN&MT"
VU = "Vụ Thi đua, Khen thưởng và Tuyên truyền"
BLOC = "Khối Thi đua số IV"
COUNCIL = "Hội đồng Thi đua và Khen thưởng Bộ TN&MT"
STANDING = "Thường trực Hội đồng Thi đua và Khen thưởng Bộ TN&MT"
KHANH, DAT, KHUYEN, TRUNG = "Nguyễn Quốc Khánh", "Trương Văn Đạt", "Nguyễn Minh Khuyến", "Nguyễn Bảo Trung"
DAY = "2021-12-20"  # "Sáng 20/12", the year inferred from "tổng kết năm 2021"


@pytest.fixture(scope="module")
def service(seed_settings: Settings) -> Iterator[QueryService]:
    with QueryService(seed_settings.replace(query_workers=1)) as svc:
        yield svc


def table(answer: Answer, *columns: str) -> list[tuple[str | None, ...]]:
    """The answer's rows as tuples of the given columns' text (None when unbound)."""
    return [tuple(row[c].text if c in row else None for c in columns) for row in answer.rows]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def in_article(quote: str) -> bool:
    return squash(quote) in squash(ARTICLE)


# --------------------------------------------------------------------------- expected answers

Check = Callable[[Answer], None]
CASES: list[tuple[str, dict[str, str], Check]] = []


def case(query_name: str, /, **params: str) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        CASES.append((query_name, params, check))
        return check

    return register


@case("bloc-members")
@case("bloc-members", bloc="khoi-thi-dua-so-iv")
@case("bloc-members", bloc="unit:khoi-thi-dua-so-iv")
def _bloc_members(a: Answer) -> None:
    assert {r[0] for r in table(a, "unitLabel")} == BLOC_UNITS
    assert {r[0] for r in table(a, "day")} == {DAY}  # attested at the conference, no period
    assert all(in_article(q) for (q,) in table(a, "quote"))


@case("bloc-members", bloc="cuc-vien-tham-quoc-gia")
@case("bloc-heads", year="2020")
@case("bloc-heads", year="2022", bloc="cuc-vien-tham-quoc-gia")
@case("ministry-tree", root="khoi-thi-dua-so-iv")
@case("unit-officials", org="cuc-bien-doi-khi-hau")  # the article names no official of it
@case("event-participants", event=BASE + "event/another-meeting")
@case("speeches", event="another-meeting")
@case("facts-with-sources", source="another-source")
@case("role-holders", role="vu-truong")  # Trương Văn Đạt is Phó Vụ trưởng phụ trách, no Vụ trưởng named
@case("role-holders-on-date", date="2020-06-01")
@case("unit-changes")  # the article tells of no change of structure (tests/test_history.py does)
@case("unit-changes", org="khoi-thi-dua-so-iv")
@case("label-search", text="Hồ Chí Minh")
@case("entity-by-name", name="Nguyen Quoc Khanh")  # names match exactly, diacritics included
def _nothing(a: Answer) -> None:
    assert a.rows == []


@case("bloc-heads")  # the default year, 2022
@case("bloc-heads", year="2022", bloc="khoi-thi-dua-so-iv")
def _heads_2022(a: Answer) -> None:
    # "năm 2022, Cục Quản lý tài nguyên nước giữ vai trò Trưởng Khối … và Cục Đo đạc, … Khối phó"
    assert table(a, "roleLabel", "unitLabel", "blocLabel") == [
        ("Trưởng Khối", QLTNN, BLOC), ("Khối phó", DO_DAC, BLOC)]
    assert set(table(a, "from", "to")) == {("2022-01-01", "2022-12-31")}
    # "… sẽ giữ vai trò Khối phó": given by the rotation on 20/12/2021, not yet held
    assert {s for (s,) in table(a, "status")} == {"assigned"}
    assert all(in_article(q) for (q,) in table(a, "quote"))


@case("bloc-heads", year="2021")
def _heads_2021(a: Answer) -> None:
    # "Năm 2021, Cục Viễn thám quốc gia là Khối trưởng Khối Thi đua số IV."
    assert table(a, "roleLabel", "unitLabel", "from", "to") == [
        ("Trưởng Khối", VT, "2021-01-01", "2021-12-31")]


@case("bloc-rotation")
def _rotation(a: Answer) -> None:
    # 2021 held ("Năm 2021, Cục Viễn thám quốc gia là Khối trưởng"); 2022 assigned by the rotation
    assert table(a, "from", "roleLabel", "unitLabel", "status") == [
        ("2021-01-01", "Trưởng Khối", VT, "held"), ("2022-01-01", "Trưởng Khối", QLTNN, "assigned"),
        ("2022-01-01", "Khối phó", DO_DAC, "assigned")]


@case("person-posts")  # the default: Nguyễn Quốc Khánh
@case("person-posts", person="nguyen-quoc-khanh")
def _khanh_posts(a: Answer) -> None:
    # "Ông Nguyễn Quốc Khánh, Cục trưởng Cục Viễn thám quốc gia, Trưởng Khối thi đua số IV chủ trì Hội nghị."
    assert set(table(a, "roleLabel", "orgLabel", "day", "from")) == {
        ("Cục trưởng", VT, DAY, None), ("Trưởng Khối", BLOC, DAY, None)}


@case("person-posts", person=BASE + "person/truong-van-dat")
def _dat_posts(a: Answer) -> None:
    assert table(a, "roleLabel", "orgLabel", "day") == [("Phó Vụ trưởng phụ trách", VU, DAY)]


@case("person-posts", person="person:nguyen-minh-khuyen")
def _khuyen_posts(a: Answer) -> None:
    assert table(a, "roleLabel", "orgLabel", "day") == [("Phó Cục trưởng", QLTNN, DAY)]


@case("role-holders-on-date")  # defaults: truong-khoi, the bloc, 2021-12-20
@case("role-holders-on-date", role="truong-khoi", org="khoi-thi-dua-so-iv", date=DAY)
def _bloc_head_on_the_day(a: Answer) -> None:
    # The unit held the role for the year; its director is shown as Trưởng Khối that day.
    assert set(table(a, "holderLabel", "evidence")) == {(VT, "interval"), (KHANH, "attested")}


@case("role-holders-on-date", date="2021-12-21")
def _bloc_head_next_day(a: Answer) -> None:
    assert table(a, "holderLabel", "evidence", "from", "to") == [(VT, "interval", "2021-01-01", "2021-12-31")]


@case("role-holders-on-date", date="2022-06-01")
@case("role-holders-on-date", role="khoi-pho", date="2022-03-15")
def _assigned_for_2022_is_not_held(a: Answer) -> None:
    # the article gives the 2022 roles in advance ("sẽ giữ"): no source says they were held
    assert a.rows == []


@case("role-holders-on-date", role="cuc-truong", org="cuc-vien-tham-quoc-gia", date=DAY)
def _director_on_the_day(a: Answer) -> None:
    assert table(a, "holderLabel", "evidence", "day") == [(KHANH, "attested", DAY)]


@case("unit-officials")  # the ministry and everything under it
def _ministry_officials(a: Answer) -> None:
    assert set(table(a, "personLabel", "roleLabel", "orgLabel")) == {
        (KHANH, "Cục trưởng", VT), (KHANH, "Trưởng Khối", BLOC), (DAT, "Phó Vụ trưởng phụ trách", VU),
        (KHUYEN, "Phó Cục trưởng", QLTNN), (TRUNG, "Phó Cục trưởng", CNTT)}


@case("unit-officials", org="cuc-vien-tham-quoc-gia")
def _vt_officials(a: Answer) -> None:
    assert table(a, "personLabel", "roleLabel", "day") == [(KHANH, "Cục trưởng", DAY)]


@case("ministry-tree")
@case("ministry-tree", root="bo-tai-nguyen-va-moi-truong")
def _tree(a: Answer) -> None:
    # "thay mặt cho thường trực Hội đồng Thi đua và Khen thưởng của Bộ": the council's standing body
    assert {r[0] for r in table(a, "parentLabel")} == {"Bộ Tài nguyên và Môi trường", COUNCIL}
    assert set(table(a, "childLabel", "kindLabel")) == {
        (name, "Trung tâm" if name.startswith("Trung tâm") else "Cục") for name in BLOC_UNITS} | {
        (VU, "Vụ"), (BLOC, "Khối thi đua"), (COUNCIL, "Hội đồng"), (STANDING, "Hội đồng")}


@case("events")
def _events(a: Answer) -> None:
    # "Sáng 20/12, tại Hà Nội, Khối Thi đua số IV Bộ TN&MT tổ chức Hội nghị trực tuyến …"
    assert table(a, "date", "dateInferred", "partOfDay", "placeLabel", "mode", "organiserLabel",
                 "chairLabel") == [(DAY, "true", "sáng", "Hà Nội", "https://schema.org/OnlineEventAttendanceMode",
                                    BLOC, KHANH)]


@case("event-participants")
@case("event-participants", event="hoi-nghi-tong-ket-2021-khoi-thi-dua-so-iv")
def _participants(a: Answer) -> None:
    parts = set(table(a, "part", "agentLabel"))
    assert parts == {("organiser", BLOC), ("chair", KHANH), ("attendee", DAT)} | {
        ("participating unit", u) for u in BLOC_UNITS} | {("speaker", p) for p in (DAT, KHUYEN, TRUNG, KHANH)}
    assert ("speaker", KHUYEN, QLTNN) in set(table(a, "part", "agentLabel", "onBehalfOfLabel"))


@case("meeting-chairs")
def _chairs(a: Answer) -> None:
    assert set(table(a, "chairLabel", "date", "roleLabel", "orgLabel")) == {
        (KHANH, DAY, "Cục trưởng", VT), (KHANH, DAY, "Trưởng Khối", BLOC)}


@case("movements")
def _movements(a: Answer) -> None:
    rows = table(a, "movementLabel", "launcherLabel", "fromYear", "toYear", "implementedByLabel")
    assert {r[0] for r in rows} == {
        "Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở",
        "Hiến kế, đề xuất giải pháp, ý tưởng sáng tạo",
        "Phong trào thi đua đặc biệt năm 2021 của Bộ TN&MT",
        "Cả nước chung tay vì người nghèo, không để ai bị bỏ lại phía sau",
        "Toàn dân đoàn kết xây dựng đời sống văn hóa",
    }
    # "… do Hội đồng Thi đua - Khen thưởng Trung ương, Thủ tướng Chính phủ, Bộ trưởng Bộ TN&MT phát động
    # như: …"
    launchers = {"Hội đồng Thi đua - Khen thưởng Trung ương", "Thủ tướng Chính phủ", "Bộ trưởng Bộ TN&MT"}
    for launched in ("Cả nước chung tay vì người nghèo, không để ai bị bỏ lại phía sau",
                     "Toàn dân đoàn kết xây dựng đời sống văn hóa",
                     "Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở"):
        assert {r[1] for r in rows if r[0] == launched} == launchers
    assert {r[1] for r in rows if r[0] == "Hiến kế, đề xuất giải pháp, ý tưởng sáng tạo"} == {None}
    # "… văn hóa công sở” giai đoạn 2019 - 2025"
    assert {(r[2], r[3]) for r in rows if r[0].startswith("Cán bộ")} == {("2019", "2025")}
    assert {r[4] for r in rows} == {BLOC}


@case("facts-with-sources")
@case("facts-with-sources", source="khoi-thi-dua-iv-2021")
def _facts(a: Answer) -> None:
    rows = table(a, "fact", "kind", "quote", "sourceTitle")
    assert all(in_article(quote) for _, _, quote, _ in rows)
    assert {r[3] for r in rows} == {squash(ARTICLE.splitlines()[0])}
    assert {r[1] for r in rows} >= {"membership", "person", "org", "post", "place", "event", "speech",
                                    "movement", "launch", "recognition", "statement"}
    assert len({r[0] for r in rows if r[1] == "membership"}) == 12


@case("people-multiple-roles")
def _multiple_roles(a: Answer) -> None:
    assert table(a, "personLabel", "roles") == [(KHANH, "2")]


@case("dq-missing-english-label")
def _no_english(a: Answer) -> None:
    # The article gives people's names only in Vietnamese, and the source's title and its
    # publisher are Vietnamese; every other entity has an English label in facts.yaml.
    assert {r[0].rsplit("/", 2)[-2] + "/" + r[0].rsplit("/", 1)[-1] for r in table(a, "entity")} == {
        "person/nguyen-quoc-khanh", "person/truong-van-dat", "person/nguyen-minh-khuyen",
        "person/nguyen-bao-trung", "org/baotainguyenmoitruong-vn", "source/khoi-thi-dua-iv-2021"}


@case("dq-memberships-without-time")
@case("dq-facts-without-quote")
def _clean(a: Answer) -> None:
    # Every role in facts.yaml is `attested` or `during`, and the build refuses a fact without a quote.
    assert a.rows == []


@case("counts-by-type")
def _counts(a: Answer) -> None:
    counts = dict(table(a, "class", "entities"))
    expected = {
        FOAF.Person: 4,  # Khánh, Đạt, Khuyến, Trung
        ORG.Membership: 12,  # 5 officials' roles + 6 bloc members + the 2021 bloc head
        ORG.Organization: 12,  # the ministry, the bloc, its 6 units, the Vụ, 2 councils, the
                               # standing body of the ministry's council
        ORG.Post: 2,  # Thủ tướng Chính phủ, Bộ trưởng Bộ TN&MT
        TNMT.Conference: 1, TNMT.Speech: 5, TNMT.Recognition: 1,
        TNMT.EmulationMovement: 5, TNMT.MovementLaunch: 1, TNMT.SourceDocument: 1,
        # the conference's date, the article's date, the 11 roles attested that day, 2 speeches
        # "on behalf of" a unit the text does not say they spoke for, Khánh as bloc head for his Cục,
        # the day of the 2 assignments for 2022
        TNMT.InferredStatement: 18,
        TNMT.CompetitionBloc: 1, TNMT.Department: 5, TNMT.Centre: 1, TNMT.Vu: 1, TNMT.Council: 3,
    }
    assert {c.value: counts.get(c.value) for c in expected} == {c.value: str(n) for c, n in expected.items()}


@case("label-search")  # the default, "viễn thám"
@case("label-search", text="VIỄN THÁM")
def _search_vt(a: Answer) -> None:
    assert table(a, "kind", "label") == [("org", VT)]


@case("label-search", text="khánh")
def _search_khanh(a: Answer) -> None:
    assert table(a, "kind", "label") == [("person", KHANH)]


@case("entity-by-name")  # the default, Nguyễn Quốc Khánh
def _by_name(a: Answer) -> None:
    assert table(a, "entity") == [(BASE + "person/nguyen-quoc-khanh",)]


@case("entity-by-name", name="Khối Thi đua IV")  # "… định hướng năm 2022 của Khối Thi đua IV …"
def _by_alt_name(a: Answer) -> None:
    assert table(a, "entity", "label") == [(BASE + "org/khoi-thi-dua-so-iv", BLOC)]


@case("speeches")
@case("speeches", event="hoi-nghi-tong-ket-2021-khoi-thi-dua-so-iv")
def _speeches(a: Answer) -> None:
    rows = table(a, "speakerLabel", "onBehalfOfLabel", "summary", "quote")
    assert sorted(r[0] for r in rows) == sorted([DAT, DAT, KHUYEN, TRUNG, KHANH])
    assert {(r[0], r[1]) for r in rows} >= {(KHUYEN, QLTNN), (TRUNG, CNTT), (KHANH, VT), (DAT, STANDING)}
    assert "COVID-19" in next(r[2] for r in rows if r[0] == KHUYEN)
    assert all(in_article(r[3]) for r in rows)


@case("recognitions")
def _recognitions(a: Answer) -> None:
    # "… ông Trương Văn Đạt … đánh giá Cục Viễn thám quốc gia đã hoàn thành xuất sắc vai trò Trưởng
    # Khối trong năm 2021."
    assert table(a, "byLabel", "onBehalfOfLabel", "recognisedLabel", "roleLabel", "from", "to") == [
        (DAT, STANDING, VT, "Trưởng Khối", "2021-01-01", "2021-12-31")]


@case("inferred-statements")
def _inferred(a: Answer) -> None:
    rows = table(a, "subject", "predicate", "object", "reason", "quote")
    # one row per statement and quote: 15 rest on the year of "Sáng 20/12" (one quote each),
    # 2 on-behalf-of speeches and Khánh's role for his Cục on two quotes each
    assert len(rows) == 15 + 2 * 2 + 2
    year = [r for r in rows if "tổng kết năm 2021" in r[3]]
    assert len(year) == 15 and all(r[4].startswith("Sáng 20/12") for r in year)
    assert all(in_article(r[4]) for r in rows)
    event = BASE + "event/hoi-nghi-tong-ket-2021-khoi-thi-dua-so-iv"
    assert (event, "https://schema.org/startDate", DAY) in {r[:3] for r in rows}


@case("org-timeline")  # the default: Cục Viễn thám quốc gia
def _vt_timeline(a: Answer) -> None:
    assert set(table(a, "direction", "memberLabel", "roleLabel", "organizationLabel", "from", "day")) == {
        ("held by it", VT, "Trưởng Khối", BLOC, "2021-01-01", None),
        ("held by it", VT, "Thành viên Khối", BLOC, None, DAY),
        ("held in it", KHANH, "Cục trưởng", VT, None, DAY)}


@case("org-timeline", org="cuc-quan-ly-tai-nguyen-nuoc")
def _qltnn_timeline(a: Answer) -> None:
    assert set(table(a, "direction", "memberLabel", "roleLabel")) == {
        ("held by it", QLTNN, "Thành viên Khối"), ("held in it", KHUYEN, "Phó Cục trưởng")}
    # its 2022 bloc-head role is only assigned (bloc-heads, bloc-rotation list it as such)


@case("role-holders")  # the default: Phó Cục trưởng
def _deputies(a: Answer) -> None:
    assert set(table(a, "holderLabel", "orgLabel", "day")) == {(KHUYEN, QLTNN, DAY), (TRUNG, CNTT, DAY)}


@case("role-holders", role=BASE + "role/truong-khoi")
def _bloc_heads_ever(a: Answer) -> None:
    assert table(a, "holderLabel", "from", "day") == [(VT, "2021-01-01", None), (KHANH, None, DAY)]


@case("minister-on-date")
@case("minister-on-date", date="2021-12-20", role=BASE + "role/thu-truong")
def _no_minister_in_the_seed(a: Answer) -> None:
    # the article names the office "Bộ trưởng Bộ TN&MT" but no holder (tests/test_history.py
    # checks the ministers on the project's own sources)
    assert a.rows == []


@case("units-on-date")
@case("units-on-date", date="2021-12-20")
def _units_on_date(a: Answer) -> None:
    # no founding or dissolution date in the article: every unit under the ministry is listed,
    # not the bloc (a grouping of units) nor the council (an advisory body)
    assert {r[0] for r in table(a, "unitLabel")} == set(BLOC_UNITS) | {VU}
    assert {r[0] for r in table(a, "datesKnown")} == {"false"}


@case("sources")
def _sources(a: Answer) -> None:
    # 67 facts: 12 organisations, 2 posts, 1 place, 4 people, 12 memberships, 2 assignments
    # for 2022 (personnel events), 1 event, 5 speeches, 1 recognition, 5 movements, 1 launch,
    # 18 inferred statements, and the 3 roles at the conference (organiser, chair, attendee;
    # prov:Association).
    assert table(a, "title", "publisherLabel", "publisherUrl", "date", "facts") == [
        (squash(ARTICLE.splitlines()[0]), "Báo Tài nguyên & Môi trường", "https://baotainguyenmoitruong.vn",
         DAY, "67")]


@pytest.mark.parametrize(("name", "params", "check"), CASES,
                         ids=[f"{n}-{'-'.join(p.values()) or 'defaults'}" for n, p, _ in CASES])
def test_named_query_answers(service: QueryService, name: str, params: dict[str, str], check: Check) -> None:
    check(CATALOG[name].run(service, params))


def test_every_select_query_and_every_parameter_is_exercised() -> None:
    covered = {name for name, _, _ in CASES}
    assert covered | {"org-subgraph"} == set(CATALOG)
    exercised = {(name, p) for name, params, _ in CASES for p in params} | {("org-subgraph", "org")}
    assert exercised == {(q.name, p.name) for q in CATALOG.values() for p in q.params}


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_every_query_parses_and_runs_with_its_defaults(service: QueryService, name: str) -> None:
    named = CATALOG[name]
    assert check_query(named.text).form == check_query(named.executable).form == named.form
    named.run(service, {})


# --------------------------------------------------------------------------- hostile values


@pytest.mark.parametrize(("name", "param"), [(q.name, p.name) for q in CATALOG.values() for p in q.params])
@pytest.mark.parametrize("hostile", [HOSTILE, "<http://evil>", "http://evil", "' } DROP ALL #"])
def test_a_hostile_value_is_inert(service: QueryService, name: str, param: str, hostile: str) -> None:
    named = CATALOG[name]
    try:
        answer = named.run(service, {param: hostile})
    except BadInput as exc:
        assert exc.where == param
        return
    assert answer.rows == [] and answer.triples == 0


# --------------------------------------------------------------------------- the CONSTRUCT


def extract(service: QueryService, org: str) -> list[Quad]:
    answer = CATALOG["org-subgraph"].run(service, {"org": org})
    return list(parse(answer.graph.encode(), RdfFormat.TURTLE))


def memberships_in(quads: list[Quad]) -> set[tuple[str, str, str]]:
    store = Store()
    store.extend(quads)
    return {(s["member"].value.rsplit("/", 1)[1], s["role"].value.rsplit("/", 1)[1],
             s["org"].value.rsplit("/", 1)[1]) for s in store.query(
        "SELECT ?member ?role ?org { ?m a <http://www.w3.org/ns/org#Membership> ; "
        "<http://www.w3.org/ns/org#member> ?member ; <http://www.w3.org/ns/org#role> ?role ; "
        "<http://www.w3.org/ns/org#organization> ?org }")}


def test_the_extract_of_a_unit_is_self_contained_turtle(service: QueryService) -> None:
    quads = extract(service, "cuc-vien-tham-quoc-gia")
    assert memberships_in(quads) == {
        ("cuc-vien-tham-quoc-gia", "thanh-vien-khoi", "khoi-thi-dua-so-iv"),
        ("cuc-vien-tham-quoc-gia", "truong-khoi", "khoi-thi-dua-so-iv"),
        ("nguyen-quoc-khanh", "cuc-truong", "cuc-vien-tham-quoc-gia")}
    subjects = {q.subject for q in quads}
    objects = {q.object for q in quads if isinstance(q.object, NamedNode) and q.object.value.startswith(BASE)
               and q.predicate != RDF.type}
    # every minted IRI the extract points at is described in it, with a label
    labelled = {q.subject for q in quads if q.predicate == RDFS.label}
    assert objects <= subjects and objects <= labelled
    days = {q.object.value for q in quads if q.predicate == TIME.inXSDDate}
    assert days == {"2021-01-01", "2021-12-31", DAY}
    assert all(in_article(q.object.value) for q in quads if q.predicate == TNMT.quote)


def test_the_extract_of_the_bloc_holds_its_members_and_heads(service: QueryService) -> None:
    bloc = "khoi-thi-dua-so-iv"
    held_in_bloc = {m for m in memberships_in(extract(service, bloc)) if m[2] == bloc}
    assert len(held_in_bloc) == 8  # 6 members, the 2021 head, Nguyễn Quốc Khánh as Trưởng Khối
    assert extract(service, "http://evil") == []


# --------------------------------------------------------------------------- data quality on a flawed graph


def test_the_data_quality_checks_find_what_is_wrong() -> None:
    ex = "http://example.org/"
    bad_membership, empty_interval = NamedNode(ex + "m1"), NamedNode(ex + "i2")
    person, m2 = NamedNode(ex + "p"), NamedNode(ex + "m2")
    store = Store()
    store.extend([
        Quad(bad_membership, RDF.type, ORG.Membership),
        Quad(m2, RDF.type, ORG.Membership), Quad(m2, ORG.memberDuring, empty_interval),
        Quad(m2, DCTERMS.source, NamedNode(ex + "src")),
        Quad(person, RDF.type, FOAF.Person), Quad(person, DCTERMS.source, NamedNode(ex + "src")),
    ])

    def run(name: str, *columns: str) -> set[tuple[str, ...]]:
        text, _ = CATALOG[name].bind({})
        return {tuple(s[c].value.rsplit("/", 1)[-1] for c in columns) for s in store.query(text)}

    assert run("dq-memberships-without-time", "membership", "problem") == {
        ("m1", "no org:memberDuring"), ("m2", "interval without beginning, end or attested day")}
    assert run("dq-facts-without-quote", "fact", "missing") == {
        ("m1", "evidence"), ("m1", "source"), ("m2", "evidence"), ("p", "evidence")}
    assert run("dq-missing-english-label", "entity") == {("p",)}


# --------------------------------------------------------------------------- grlc


def grlc_text(named: NamedQuery, values: dict[str, str]) -> str:
    """What grlc sends to an endpoint: the file without its '#+' lines, each given parameter's
    ?variable replaced by the value as grlc writes it (<iri>, "v"^^xsd:type, "v"@lang, "v")."""
    text = "\n".join(line for line in named.text.split("\n") if not line.startswith("#+"))
    for p in named.params:
        if not values.get(p.name):
            continue
        term = p.to_term(values[p.name])
        if p.kind == "iri":
            written = f"<{term.value}>"
        elif p.kind == "typed":
            written = f'"{term.value}"^^xsd:{p.datatype.rsplit("#", 1)[1]}'
        elif p.kind == "lang":
            written = f'"{term.value}"@{p.lang}'
        elif p.kind == "number":
            written = term.value
        else:
            written = f'"{term.value}"'
        text = text.replace("?" + p.variable, written)
    return text


@pytest.mark.parametrize(("name", "params"), [(n, p) for n, p, _ in CASES],
                         ids=[f"{n}-{'-'.join(p.values()) or 'defaults'}" for n, p, _ in CASES])
def test_grlc_gets_the_same_answer_from_the_same_file(seed_store: Store, name: str,
                                                      params: dict[str, str]) -> None:
    named = CATALOG[name]
    given = {p.name: params.get(p.name) or p.default for p in named.params}
    values = {k: v for k, v in given.items() if v}
    text = grlc_text(named, values)
    assert check_query(text).form == named.form
    shown = [v for v in _projected(named) if not v.startswith("_")]
    via_grlc = sorted(tuple(_value(s[v]) for v in shown) for s in seed_store.query(
        text, use_default_graph_as_union=True))
    bound_text, subs = named.bind(values)
    here = sorted(tuple(_value(s[v]) for v in shown) for s in seed_store.query(
        bound_text, use_default_graph_as_union=True, substitutions={Variable(k): t for k, t in subs.items()}))
    assert via_grlc == here


def _projected(named: NamedQuery) -> list[str]:
    return [v.value for v in Store().query(named.executable, substitutions={
        Variable(p.variable): p.to_term(p.default or "x") for p in named.params if p.default}).variables]


def _value(term: object) -> str:
    return "" if term is None else term.value


# --------------------------------------------------------------------------- the command line


def test_cli_lists_the_queries(seed_settings: Settings) -> None:
    result = CliRunner().invoke(main, ["queries"])
    assert result.exit_code == 0, result.output
    for named in CATALOG.values():
        assert f"{named.name}  " in result.output and named.summary in result.output
    assert "--param year=…  (xsd:integer, required, default 2022)" in result.output


def test_cli_runs_bloc_heads_for_a_year(seed_settings: Settings) -> None:
    result = CliRunner().invoke(main, ["query", "--store", seed_settings.store, "--name", "bloc-heads",
                                       "--param", "year=2022"])
    assert result.exit_code == 0, result.output
    assert QLTNN in result.output and DO_DAC in result.output and VT not in result.output
    csv_out = CliRunner().invoke(main, ["query", "--store", seed_settings.store, "--name", "bloc-heads",
                                        "--param", "year=2021", "-f", "csv"])
    assert csv_out.exit_code == 0, csv_out.output
    assert VT in csv_out.output and QLTNN not in csv_out.output
    # only the query's own columns: the year it was asked for is a parameter, not a column
    header = csv_out.output.splitlines()[0].lstrip("\ufeff").split(",")
    assert header[:2] == ["bloc", "blocLabel"] and not [c for c in header if c.startswith("_")]
    assert "_year" not in result.output.splitlines()[0]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--name", "bloc-heads", "--param", "year=twenty"], "parameter year must be an integer"),
        (["--name", "bloc-heads", "--param", "year"], "expected KEY=VALUE"),
        (["--name", "bloc-heads", "--param", "month=1"], "has no parameter 'month'"),
        (["--name", "no-such-query"], "no named query 'no-such-query'"),
        (["-e", "ASK {}", "--param", "year=2022"], "--param is for a named query"),
        (["--name", "bloc-heads", "-e", "ASK {}"], "not both"),
    ],
)
def test_cli_reports_bad_named_query_input(seed_settings: Settings, args: list[str], says: str) -> None:
    result = CliRunner().invoke(main, ["query", "--store", seed_settings.store, *args])
    assert result.exit_code == 2
    assert says in result.output


def test_cli_queries_reports_a_broken_folder(tmp_path: Path) -> None:
    (tmp_path / "broken.rq").write_text("#+ summary: [\nSELECT * {}", encoding="utf-8")
    result = CliRunner().invoke(main, ["queries", "--dir", str(tmp_path)])
    assert result.exit_code == 2 and "broken.rq:1" in result.output
