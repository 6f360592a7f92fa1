"""The timeline: who held which role in an organisation or bloc, year by year.

From the article: Khối Thi đua số IV was headed in 2021 by Cục Viễn thám quốc gia and in 2022 by
Cục Quản lý tài nguyên nước, with Cục Đo đạc, Bản đồ và Thông tin địa lý Việt Nam as deputy
(three yearly roles, known periods). On 20/12/2021 the article shows the six member units and
Nguyễn Quốc Khánh as Trưởng Khối — attested on that day only, so marks, not years. The officials
of the bloc's units, attested the same day: Khánh (Cục trưởng, Cục Viễn thám quốc gia), Nguyễn Minh
Khuyến (Phó Cục trưởng, Cục Quản lý tài nguyên nước), Nguyễn Bảo Trung (Phó Cục trưởng, Cục CNTT…).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from pyoxigraph import Store

from kg import graphview as gv
from kg import timeline as timeline_mod
from kg.errors import NotFound
from kg.vocab import BASE
from server.views.timeline import layout

BLOC = BASE + "org/khoi-thi-dua-so-iv"
CVT = BASE + "org/cuc-vien-tham-quoc-gia"
QLTNN = BASE + "org/cuc-quan-ly-tai-nguyen-nuoc"
DODAC = BASE + "org/cuc-do-dac-ban-do-va-thong-tin-dia-ly-viet-nam"
KHANH = BASE + "person/nguyen-quoc-khanh"


@pytest.fixture(scope="module")
def bloc_timeline(seed_store: Store) -> timeline_mod.Timeline:
    return timeline_mod.timeline(seed_store, BLOC)


def test_default_is_the_bloc_with_most_yearly_roles(seed_store: Store) -> None:
    assert timeline_mod.default_timeline_org(seed_store) == BLOC


def test_rotation_year_by_year(bloc_timeline: timeline_mod.Timeline) -> None:
    assert bloc_timeline.years == [2021, 2022]
    by_year = {r["year"]: {role: [h["iri"] for h in hs] for role, hs in r["holders"].items()}
               for r in bloc_timeline.rotation}
    assert by_year == {2021: {"Trưởng Khối": [CVT]}, 2022: {}}
    # 2022: the rotation, stated on 20/12/2021, assigns the roles ("sẽ giữ"); not held roles
    assert bloc_timeline.rotation[1]["assigned"] == [
        "Khối phó: Cục Đo đạc, Bản đồ và Thông tin địa lý Việt Nam (2021-12-20)",
        "Trưởng Khối: Cục Quản lý tài nguyên nước (2021-12-20)"]


def test_attested_roles_are_marks_not_years(bloc_timeline: timeline_mod.Timeline) -> None:
    khanh = [r for r in bloc_timeline.rows if r.member == KHANH]
    assert len(khanh) == 1 and khanh[0].role_label == "Trưởng Khối"
    [span] = khanh[0].spans
    assert span.attested and span.day == dt.date(2021, 12, 20) and span.begin is None
    assert bloc_timeline.rotation[0]["attested"].count("Trưởng Khối: Nguyễn Quốc Khánh") == 1
    members = [r for r in bloc_timeline.rows if r.role_label == "Thành viên Khối"]
    assert len(members) == 6 and all(s.attested for r in members for s in r.spans)


def test_rows_put_heads_first(bloc_timeline: timeline_mod.Timeline) -> None:
    assert [r.role_label for r in bloc_timeline.rows[:3]] == ["Trưởng Khối"] * 2 + ["Thành viên Khối"]
    assert [r.member for r in bloc_timeline.rows[:2]] == [CVT, KHANH]  # 2021 before 20/12/2021


def test_officials_of_the_units(bloc_timeline: timeline_mod.Timeline) -> None:
    officials = {(r.member_label, r.role_label, r.org_label) for r in bloc_timeline.unit_rows}
    assert officials == {
        ("Nguyễn Quốc Khánh", "Cục trưởng", "Cục Viễn thám quốc gia"),
        ("Nguyễn Minh Khuyến", "Phó Cục trưởng", "Cục Quản lý tài nguyên nước"),
        ("Nguyễn Bảo Trung", "Phó Cục trưởng", "Cục Công nghệ thông tin và Dữ liệu TN&MT"),
    }


def test_every_span_has_its_quote(bloc_timeline: timeline_mod.Timeline) -> None:
    spans = [s for r in bloc_timeline.rows + bloc_timeline.unit_rows for s in r.spans]
    assert spans and all(s.quote for s in spans)


def test_timeline_of_a_unit(seed_store: Store) -> None:
    tl = timeline_mod.timeline(seed_store, CVT)
    assert [(r.member, r.role_label) for r in tl.rows] == [(KHANH, "Cục trưởng")]
    assert tl.rotation == [{"year": 2021, "holders": {}, "attested": ["Cục trưởng: Nguyễn Quốc Khánh"],
                            "assigned": []}]


def test_layout_places_years_and_days(bloc_timeline: timeline_mod.Timeline) -> None:
    geo = layout(bloc_timeline)
    start, end = geo["ticks"][0]["x"], geo["ticks"][1]["x"]
    bars = {lane["row"].member: s for lane in geo["org"]["lanes"] for s in lane["shapes"]
            if s["type"] == "bar"}
    # Cục Viễn thám quốc gia's 2021 fills the 2021 column exactly.
    assert bars[CVT]["x"] == start and bars[CVT]["width"] == pytest.approx(end - start, abs=0.2)
    mark = next(s for lane in geo["org"]["lanes"] if lane["row"].member == KHANH for s in lane["shapes"])
    # 20/12 is day 353 of 365: near the end of 2021.
    assert mark["type"] == "mark" and mark["x"] == pytest.approx(start + (end - start) * 353 / 365, abs=0.2)


def test_timeline_page_shows_the_rotation(client) -> None:  # noqa: ANN001
    html = client.get("/timeline").get_data(as_text=True)
    head_cell = r'<tr data-year="(\d+)"><th>\d+</th>\s*<td data-role="Trưởng Khối">(.*?)</td>'
    cells = dict(re.findall(head_cell, html))
    assert "Cục Viễn thám quốc gia" in cells["2021"] and "Cục Quản lý" not in cells["2021"]
    assert "Cục Quản lý" not in cells["2022"] and "Viễn thám" not in cells["2022"]
    assigned = re.search(r'<tr data-year="2022">.*?<td class="small assigned">(.*?)</td>', html, re.S)
    assert assigned and "Trưởng Khối: Cục Quản lý tài nguyên nước (2021-12-20)" in assigned.group(1)
    assert "Khối phó: Cục Đo đạc, Bản đồ và Thông tin địa lý Việt Nam" in assigned.group(1)
    start = html.index('<svg class="timeline-svg"')
    first_svg = html[start:html.index("</svg>", start)]
    assert first_svg.count('class="span-interval"') == 1  # the one yearly role held (2021)
    assert first_svg.count('class="span-attested"') == 7  # 6 member units and Khánh on 20/12/2021
    assert "/graph?org=khoi-thi-dua-so-iv&amp;year=2022" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_timeline_json(client) -> None:  # noqa: ANN001
    data = client.get("/timeline.json?org=khoi-thi-dua-so-iv").get_json()
    assert data["org"] == BLOC and data["years"] == [2021, 2022]
    assert data["rotation"][1]["holders"] == {}
    assert data["rotation"][1]["assigned"][1].startswith("Trưởng Khối: Cục Quản lý tài nguyên nước")
    assert client.get("/timeline.json").get_json()["org"] == BLOC


def test_unknown_organisation(client, seed_store: Store) -> None:  # noqa: ANN001
    assert client.get("/timeline?org=khong-co").status_code == 404
    with pytest.raises(NotFound):
        gv.resolve(seed_store, "khong-co", "org")


def test_timeline_escapes_labels(client) -> None:  # noqa: ANN001
    # Jinja autoescapes: a label is text, in the table, the SVG and its tooltips alike.
    html = client.get("/timeline?org=cuc-cong-nghe-thong-tin-va-du-lieu-tn-mt").get_data(as_text=True)
    assert "Cục Công nghệ thông tin và Dữ liệu TN&amp;MT" in html
