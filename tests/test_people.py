"""Find by name, careers, rosters and comparisons (issue 12, points 4 and 5), on the seed article.

From the article (sources/khoi-thi-dua-iv-2021): on 20/12/2021 it shows Nguyễn Quốc Khánh as Cục
trưởng of Cục Viễn thám quốc gia and as Trưởng Khối of Khối Thi đua số IV (attested that day, no
period); Nguyễn Minh Khuyến as Phó Cục trưởng of Cục Quản lý tài nguyên nước; Nguyễn Bảo Trung as
Phó Cục trưởng of Cục Công nghệ thông tin và Dữ liệu TN&MT; Trương Văn Đạt as Phó Vụ trưởng phụ
trách of Vụ Thi đua, Khen thưởng và Tuyên truyền. The bloc's six member units are attested that
day; Cục Viễn thám quốc gia headed the bloc for 2021 (a known period); for 2022 the rotation
assigns Trưởng Khối to Cục Quản lý tài nguyên nước and Khối phó to Cục Đo đạc… (assigned, not held).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from pyoxigraph import Store

from kg import find, people, roster, timeline
from kg import graphview as gv
from kg.search import SearchIndex
from kg.vocab import BASE

BLOC = BASE + "org/khoi-thi-dua-so-iv"
MINISTRY = BASE + "org/bo-tai-nguyen-va-moi-truong"
CVT = BASE + "org/cuc-vien-tham-quoc-gia"
QLTNN = BASE + "org/cuc-quan-ly-tai-nguyen-nuoc"
KHANH = BASE + "person/nguyen-quoc-khanh"
KHUYEN = BASE + "person/nguyen-minh-khuyen"
TRUNG = BASE + "person/nguyen-bao-trung"
DAT = BASE + "person/truong-van-dat"
TRUONG_KHOI = BASE + "role/truong-khoi"
SOURCE = BASE + "source/khoi-thi-dua-iv-2021"


@pytest.fixture(scope="module")
def index(seed_store: Store) -> SearchIndex:
    return SearchIndex.from_store(seed_store)


# --- find by name -------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "kind", "iri"), [
    ("khanh", "person", KHANH), ("Nguyễn Quốc Khánh", "person", KHANH),
    ("NGUYEN QUOC KHANH", "person", KHANH),
    ("nguyen-quoc-khanh", "person", KHANH), (KHANH, "person", KHANH), ("vien tham", "org", CVT),
    ("Khối IV", "org", BLOC), ("truong khoi", "role", TRUONG_KHOI), ("Trưởng Khối", "role", TRUONG_KHOI),
])
def test_names_resolve(seed_store: Store, index: SearchIndex, value: str, kind: str, iri: str) -> None:
    assert find.resolve_name(seed_store, index, value, kind) == iri


def test_a_name_of_several_lists_them(seed_store: Store, index: SearchIndex) -> None:
    with pytest.raises(find.UnknownName) as caught:
        find.resolve_name(seed_store, index, "nguyen", "person")
    assert caught.value.ambiguous and caught.value.status == 404
    assert {s.iri for s in caught.value.suggestions} == {KHANH, KHUYEN, TRUNG}


def test_an_unknown_name_suggests_close_names(seed_store: Store, index: SearchIndex) -> None:
    with pytest.raises(find.UnknownName) as caught:
        find.resolve_name(seed_store, index, "Nguyen Quoc Khang", "person")  # a misspelt "Khánh"
    assert not caught.value.ambiguous
    assert caught.value.suggestions[0].iri == KHANH
    assert all(s.kind == "person" for s in caught.value.suggestions)  # no organisation offered


def test_suggest_api_folds_diacritics(client) -> None:  # noqa: ANN001
    data = client.get("/api/suggest?q=khanh&kind=person").get_json()
    assert [(s["label"], s["value"]) for s in data["suggestions"]] == [
        ("Nguyễn Quốc Khánh", "nguyen-quoc-khanh")]
    orgs = client.get("/api/suggest?q=vien+tham&kind=org").get_json()["suggestions"]
    assert orgs[0]["iri"] == CVT and orgs[0]["detail"] == "department"
    assert client.get("/api/suggest?q=x&kind=planet").status_code == 400


@pytest.mark.parametrize(("url", "location"), [
    ("/graph?person=khanh", "/graph?person=nguyen-quoc-khanh"),
    ("/graph?org=Kh%E1%BB%91i+IV&year=2021", "/graph?year=2021&org=khoi-thi-dua-so-iv"),
    ("/graph?role=truong+khoi", "/graph?role=truong-khoi"),
    ("/timeline?person=Nguy%E1%BB%85n+Qu%E1%BB%91c+Kh%C3%A1nh", "/timeline?person=nguyen-quoc-khanh"),
    ("/timeline?org=vien+tham", "/timeline?org=cuc-vien-tham-quoc-gia"),
])
def test_pages_take_names_and_move_to_slugs(client, url: str, location: str) -> None:  # noqa: ANN001
    r = client.get(url)
    assert r.status_code == 302 and r.headers["Location"] == location


def test_unknown_name_page(client) -> None:  # noqa: ANN001
    r = client.get("/graph?person=Nguyen+Quoc+Khang&year=2021")
    html = r.get_data(as_text=True)
    assert r.status_code == 404 and r.mimetype == "text/html"
    assert "Nguyen Quoc Khang" in html
    assert '<a href="/graph?person=nguyen-quoc-khanh&amp;year=2021">Nguyễn Quốc Khánh</a>' in html
    assert client.get("/timeline?org=khong-co").status_code == 404
    data = client.get("/graph?person=Nguyen+Quoc+Khang", headers={"Accept": "application/json"}).get_json()
    assert data["suggestions"][0]["value"] == "nguyen-quoc-khanh"
    assert "&lt;script&gt;" in client.get("/graph?org=%3Cscript%3Ex").get_data(as_text=True)


# --- careers and timelines ---------------------------------------------------------------------


def test_career_of_khanh(seed_store: Store) -> None:
    found = people.career(seed_store, KHANH)
    roles = {(r.membership.role.value, r.membership.organization.value, r.how) for r in found.roles}
    assert roles == {(BASE + "role/cuc-truong", CVT, "attested"), (TRUONG_KHOI, BLOC, "attested")}
    for r in found.roles:
        assert r.membership.attested == ["2021-12-20"]
        assert [c.source for c in r.evidence.citations] == [SOURCE]
        assert any("Nguyễn Quốc Khánh" in q for q in r.evidence.quotes)


def test_career_page_tells_points_from_bars(client) -> None:  # noqa: ANN001
    html = client.get("/person/nguyen-quoc-khanh/career").get_data(as_text=True)
    assert html.count('data-how="attested"') == 2 and 'data-how="interval"' not in html
    assert html.count('class="span-attested"') == 2 and 'class="span-interval"' not in html
    assert 'href="/id/source/khoi-thi-dua-iv-2021"' in html
    assert "Trưởng Khối thi đua số IV chủ trì Hội nghị" in html
    assert client.get("/person/khanh/career").headers["Location"] == "/person/nguyen-quoc-khanh/career"
    assert client.get("/person/khong-co/career").status_code == 404
    data = client.get("/person/nguyen-quoc-khanh/career", headers={"Accept": "application/json"}).get_json()
    assert data["count"] == 2 and {r["how"] for r in data["roles"]} == {"attested"}
    entity = client.get("/id/person/nguyen-quoc-khanh").get_data(as_text=True)
    assert 'href="/person/nguyen-quoc-khanh/career"' in entity


def test_career_of_a_unit_bloc_head_is_a_bar(seed_store: Store) -> None:
    # The organisation's own roles on its timeline: Cục Viễn thám quốc gia headed the bloc in 2021.
    tl = timeline.timeline(seed_store, CVT)
    held = {(r.role, r.org, s.how) for r in tl.held_rows for s in r.spans}
    assert (TRUONG_KHOI, BLOC, "interval") in held
    assert (BASE + "role/thanh-vien-khoi", BLOC, "attested") in held
    assigned = timeline.timeline(seed_store, QLTNN).held_rows
    assert [(r.role, s.how, s.begin.isoformat()) for r in assigned for s in r.spans if s.assigned] == [
        (TRUONG_KHOI, "assigned", "2022-01-01")]


def test_timeline_of_a_person_and_of_a_units_own_roles(client) -> None:  # noqa: ANN001
    html = client.get("/timeline?person=nguyen-quoc-khanh").get_data(as_text=True)
    assert "Nguyễn Quốc Khánh" in html and 'id="held-roles"' in html
    assert html.count('class="span-attested"') == 2
    data = client.get("/timeline.json?person=nguyen-quoc-khanh").get_json()
    assert data["org_kind"] == "person" and len(data["held_rows"]) == 2
    cvt = client.get("/timeline?org=cuc-vien-tham-quoc-gia").get_data(as_text=True)
    held = cvt[cvt.index('id="held-roles"'):]
    assert 'data-role="' + TRUONG_KHOI + '"' in held and 'class="span-interval"' in held
    qltnn = client.get("/timeline?org=cuc-quan-ly-tai-nguyen-nuoc").get_data(as_text=True)
    assert 'class="span-assigned"' in qltnn
    only_2021 = client.get("/timeline.json?org=khoi-thi-dua-so-iv&year=2021&role=truong-khoi").get_json()
    assert only_2021["years"] == [2021] and {r["role"] for r in only_2021["rows"]} == {TRUONG_KHOI}


# --- rosters and comparisons -------------------------------------------------------------------


def test_roster_of_the_bloc_on_the_conference_day(seed_store: Store) -> None:
    found = roster.roster(seed_store, BLOC, dt.date(2021, 12, 20))
    held = {(e.membership.member.value, e.membership.role.value, e.matched) for e in found.entries}
    assert (CVT, TRUONG_KHOI, "interval") in held and (KHANH, TRUONG_KHOI, "attested") in held
    people_ = {e.membership.member.value for e in found.entries if "/person/" in e.membership.member.value}
    assert people_ == {KHANH, KHUYEN, TRUNG}  # Trương Văn Đạt's Vụ is not in the bloc
    assert len(found.entries) == 11  # 2 heads, 6 member units, 3 officials of the units
    assert all(e.evidence.citations and e.evidence.quotes for e in found.entries)
    assert roster.roster(seed_store, BLOC, dt.date(2021, 12, 21)).entries[0].membership.member.value == CVT
    ministry = roster.roster(seed_store, MINISTRY, dt.date(2021, 12, 20))
    assert DAT in {e.membership.member.value for e in ministry.entries}


def test_roster_page_and_csv(client) -> None:  # noqa: ANN001
    html = client.get("/roster?org=khoi-thi-dua-so-iv&date=2021-12-20").get_data(as_text=True)
    assert len(re.findall(r'<tr data-member="', html)) == 11
    assert f'data-member="{KHUYEN}"' in html and "Khối Thi đua số IV - Bộ TN&amp;MT" in html
    r = client.get("/roster.csv?org=khoi-thi-dua-so-iv&date=2021-12-20")
    assert r.mimetype == "text/csv" and "attachment" in r.headers["Content-Disposition"]
    text = r.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert len(rows) == 11 and {r["holder"] for r in rows} >= {"Nguyễn Quốc Khánh", "Nguyễn Minh Khuyến"}
    assert all(r["sources"] and r["quote"] for r in rows)
    assert client.get("/roster?org=khoi+iv&date=2021-12-20").headers["Location"] == \
        "/roster?org=khoi-thi-dua-so-iv&date=2021-12-20"
    assert client.get("/roster?org=khoi-thi-dua-so-iv&date=20/12/2021").status_code == 400


def test_compare_2021_with_2022(client, seed_store: Store) -> None:  # noqa: ANN001
    found = roster.compare(seed_store, BLOC, 2021, 2022)
    assert found.came == [] and found.stayed == []  # no source shows anyone in a role in 2022
    left = {(h.member, h.role) for h in found.left}
    assert {(KHANH, TRUONG_KHOI), (CVT, TRUONG_KHOI), (KHUYEN, BASE + "role/pho-cuc-truong")} <= left
    assert [(a["member"], a["role_label"]) for a in found.assigned] == [
        (BASE + "org/cuc-do-dac-ban-do-va-thong-tin-dia-ly-viet-nam", "Khối phó"), (QLTNN, "Trưởng Khối")]
    html = client.get("/compare?org=khoi-thi-dua-so-iv&from=2021&to=2022").get_data(as_text=True)
    assert 'id="left"' in html and f'data-member="{KHANH}"' in html and 'id="assigned"' in html
    back = roster.compare(seed_store, BLOC, 2022, 2021)
    assert {(h.member, h.role) for h in back.came} == left
    assert client.get("/compare?org=khoi-thi-dua-so-iv&from=x&to=2022").status_code == 400


def test_units_appear_and_end(seed_store: Store) -> None:
    unit = roster.Unit("u", "u", "department", founded=dt.date(2022, 11, 1))
    assert unit.exists_in(2023) and not unit.exists_in(2021)
    units, _ = roster.units_under(seed_store, MINISTRY)
    assert units[0].iri == MINISTRY and BLOC in {u.iri for u in units} and CVT in {u.iri for u in units}


def test_graph_filters_keep_their_old_form(seed_store: Store) -> None:
    # Without a search index, names are not looked up: the library's callers keep slugs and IRIs.
    assert gv.parse_filters(seed_store, org="khoi-thi-dua-so-iv").org == BLOC
