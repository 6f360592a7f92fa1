"""The graph view, the timeline and the query editor in a real browser (Debian's Chromium).

Every test blocks requests to anything but the loopback server (and local files), and checks that
none was attempted: the pages work with the network cut off. Screenshots go to test-artifacts/.

Expected numbers come from the article (see tests/test_graphview.py for the derivation):
``/graph?org=khoi-thi-dua-so-iv`` shows 17 entities — the bloc, the ministry, the bloc's six units,
Nguyễn Quốc Khánh, the conference, five movements, and the officials Nguyễn Minh Khuyến and
Nguyễn Bảo Trung — linked by 36 facts (34 held or stated, and the two assignments of 2022).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from conftest import TEST_ENV, LiveServer, start_live_server, stop_live_server

from kg.build import build, load_files
from kg.config import Settings
from kg.vocab import BASE

pytestmark = pytest.mark.browser

BLOC = BASE + "org/khoi-thi-dua-so-iv"
CVT = BASE + "org/cuc-vien-tham-quoc-gia"
QLTNN = BASE + "org/cuc-quan-ly-tai-nguyen-nuoc"
KHANH = BASE + "person/nguyen-quoc-khanh"
KHUYEN = BASE + "person/nguyen-minh-khuyen"
TRUONG_KHOI = BASE + "role/truong-khoi"
XSS_NAME = "<img src=x onerror=window.__xss=1>"



def open_graph(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_function(
        "window.network && document.getElementById('graph').getAttribute('data-stable') === 'true'",
        timeout=30_000)


def node_count(page: Any) -> int:
    return page.evaluate("window.network.body.data.nodes.length")


def edges(page: Any) -> list[dict[str, Any]]:
    # Mapped to plain fields: the DataSet's titles are DOM elements.
    return page.evaluate("""window.network.body.data.edges.get().map(e => ({
        from: e.from, to: e.to, kind: e.kind, role: e.role, timing: e.timing, day: e.day}))""")


def point_at(page: Any, iri: str) -> tuple[float, float]:
    """Centre the view on a node and return its position on the page."""
    return tuple(page.evaluate("""(id) => {
        const n = window.network;
        n.focus(id, {scale: 1.0, animation: false});
        const p = n.canvasToDOM(n.getPositions([id])[id]);
        const r = n.body.container.getBoundingClientRect();
        return [r.left + p.x, r.top + p.y]; }""", iri))


def hover(page: Any, iri: str) -> str:
    """Hover a node and return the text of its tooltip."""
    page.evaluate("document.getElementById('graph').scrollIntoView()")
    x, y = point_at(page, iri)
    page.mouse.move(x - 20, y - 20)
    page.mouse.move(x, y, steps=4)
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5_000)
    return tooltip.inner_text()


def test_graph_renders_the_bloc(page: Any, live_server: LiveServer, outside: list[str]) -> None:
    open_graph(page, live_server.url + "/graph?org=khoi-thi-dua-so-iv")
    assert node_count(page) == 17
    assert page.evaluate("window.network.body.data.edges.length") == 36  # tests/test_graphview.py
    ids = set(page.evaluate("window.network.body.data.nodes.getIds()"))
    assert {BLOC, CVT, QLTNN, KHANH, KHUYEN} <= ids
    # The layout settled: physics is off, and every node is inside the canvas.
    assert page.evaluate("window.network.physics.options.enabled") is False
    inside = page.evaluate("""() => { const n = window.network, c = n.body.container;
        return Object.values(n.getPositions()).every(p => { const d = n.canvasToDOM(p);
          return d.x >= 0 && d.y >= 0 && d.x <= c.clientWidth && d.y <= c.clientHeight; }); }""")
    assert inside
    assert page.locator(".graph-legend").is_visible()
    assert outside == []


def test_year_filter_moves_the_bloc_head(page: Any, live_server: LiveServer, outside: list[str]) -> None:
    open_graph(page, live_server.url + "/graph?org=khoi-thi-dua-so-iv&year=2021")

    def heads() -> list[tuple[str, str]]:
        return [(e["from"], e["to"]) for e in edges(page)
                if e["role"] == TRUONG_KHOI and e["timing"] == "interval"]

    assert heads() == [(CVT, BLOC)]
    # Khánh is shown as Trưởng Khối on 20/12/2021 only: an attested edge, drawn dashed.
    attested = [e for e in edges(page) if e["role"] == TRUONG_KHOI and e["timing"] == "attested"]
    assert [(e["from"], e["day"]) for e in attested] == [(KHANH, "2021-12-20")]
    assert page.evaluate(f"window.network.body.data.edges.get({{filter: e => e.from === '{KHANH}' "
                         f"&& e.role === '{TRUONG_KHOI}'}})[0].dashes") == [6, 5]

    page.select_option("select[name=year]", "2022")  # the form submits itself: a shareable URL
    page.wait_for_url("**/graph?*year=2022*")
    page.wait_for_function("document.getElementById('graph').getAttribute('data-stable') === 'true'")
    assert "org=khoi-thi-dua-so-iv" in page.url and "person=" not in page.url  # empty fields left out
    assert heads() == []  # 2022's head is only assigned by the rotation (see the timeline)
    assert outside == []


def test_tooltip_shows_role_and_date(page: Any, live_server: LiveServer, outside: list[str]) -> None:
    open_graph(page, live_server.url + "/graph?org=khoi-thi-dua-so-iv&year=2021")
    text = hover(page, KHANH)
    assert "Nguyễn Quốc Khánh" in text
    assert "Trưởng Khối — Khối Thi đua số IV (attested on 2021-12-20)" in text
    assert "Cục trưởng — Cục Viễn thám quốc gia" in text
    text = hover(page, CVT)
    assert "Cục Viễn thám quốc gia" in text and "Department (Cục)" in text
    assert outside == []


def test_click_opens_the_entity_page(page: Any, live_server: LiveServer, outside: list[str]) -> None:
    open_graph(page, live_server.url + "/graph?org=khoi-thi-dua-so-iv")
    page.evaluate("document.getElementById('graph').scrollIntoView()")
    x, y = point_at(page, KHUYEN)
    page.mouse.dblclick(x, y)  # a single click focuses the neighbourhood (tests/test_graph_ui.py)
    page.wait_for_url("**/id/person/nguyen-minh-khuyen")
    assert urlparse(page.url).path == "/id/person/nguyen-minh-khuyen"
    assert outside == []


XSS_TURTLE = f"""\
@prefix person: <{BASE}person/> .
@prefix unit: <{BASE}org/> .
@prefix role: <{BASE}role/> .
@prefix ms: <{BASE}membership/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix tnmt: <https://w3id.org/tnmt-kg/ontology#> .

person:xss-test a foaf:Person , schema:Person ;
    foaf:name "{XSS_NAME}"@vi ;
    rdfs:label "{XSS_NAME}"@vi ;
    tnmt:quote "<script>window.__xss = 2</script>"@vi .

ms:xss-test--pho-cuc-truong--cuc-vien-tham-quoc-gia--2021-12-20 a org:Membership ;
    org:member person:xss-test ;
    org:organization unit:cuc-vien-tham-quoc-gia ;
    org:role role:pho-cuc-truong ;
    org:memberDuring <{BASE}interval/xss-test> ;
    tnmt:quote "<img src=y onerror=window.__xss=3> đã phát biểu"@vi .

<{BASE}interval/xss-test> a time:Interval ;
    time:inside <{BASE}instant/2021-12-20> .
"""


@pytest.fixture(scope="module")
def xss_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live server on the seed plus a loaded test source whose person is named with HTML."""
    folder = tmp_path_factory.mktemp("xss")
    source = folder / "xss-test.ttl"
    source.write_text(XSS_TURTLE, encoding="utf-8")
    settings = Settings.load(env=TEST_ENV, overrides={"store": str(folder / "store")})
    build(settings, validate=False)
    load_files(settings, [source])
    server = start_live_server(settings.store)
    try:
        yield server
    finally:
        stop_live_server(server)


def test_html_in_a_label_is_text(page: Any, xss_server: LiveServer, outside: list[str]) -> None:
    person = BASE + "person/xss-test"
    open_graph(page, xss_server.url + "/graph?person=xss-test")
    assert node_count(page) == 2  # the person and Cục Viễn thám quốc gia
    assert page.evaluate(f"window.network.body.data.nodes.get('{person}').label") == XSS_NAME
    text = hover(page, person)
    assert XSS_NAME in text
    edge_text = page.evaluate("window.network.body.data.edges.get()[0].title.textContent")
    assert "<img src=y onerror=window.__xss=3>" in edge_text  # the quote, as text
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    # The same label on the other pages that list it: the organisation's graph and timeline.
    open_graph(page, xss_server.url + "/graph?org=cuc-vien-tham-quoc-gia")
    hover(page, person)
    page.goto(xss_server.url + "/timeline?org=cuc-vien-tham-quoc-gia")
    assert XSS_NAME in page.locator("svg.timeline-svg").first.text_content()
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert outside == []


def test_timeline_shows_the_rotation(page: Any, live_server: LiveServer, outside: list[str]) -> None:
    page.goto(live_server.url + "/timeline")
    assert "Khối Thi đua số IV" in page.locator("h1").inner_text()
    head_2021 = page.locator('#rotation tr[data-year="2021"] td[data-role="Trưởng Khối"]').inner_text()
    head_2022 = page.locator('#rotation tr[data-year="2022"] td[data-role="Trưởng Khối"]').inner_text()
    assigned_2022 = page.locator('#rotation tr[data-year="2022"] td.assigned').inner_text()
    assert (head_2021, head_2022) == ("Cục Viễn thám quốc gia", "—")
    # "năm 2022, Cục Quản lý tài nguyên nước giữ vai trò Trưởng Khối …": assigned, not held
    assert "Trưởng Khối: Cục Quản lý tài nguyên nước (2021-12-20)" in assigned_2022
    assert "Khối phó: Cục Đo đạc, Bản đồ và Thông tin địa lý Việt Nam (2021-12-20)" in assigned_2022
    roles = page.locator("svg.timeline-svg").first
    assert roles.locator("rect.span-interval").count() == 1
    assert roles.locator("polygon.span-attested").count() == 7
    # The bar of 2021 ends before the day Khánh is attested at the year's end: left to right.
    x_2021 = roles.locator(f'g[data-member="{CVT}"][data-role="{TRUONG_KHOI}"] rect').bounding_box()["x"]
    x_day = roles.locator(f'g[data-member="{KHANH}"][data-role="{TRUONG_KHOI}"] polygon').bounding_box()["x"]
    assert x_2021 < x_day
    page.click("text=in 2022")
    page.wait_for_url("**/graph?org=khoi-thi-dua-so-iv&year=2022")
    assert outside == []


def test_downloaded_view_works_offline(page: Any, live_server: LiveServer, outside: list[str],
                                       tmp_path: Path) -> None:
    response = page.request.get(live_server.url + "/graph/download.html?org=khoi-thi-dua-so-iv")
    assert response.ok
    saved = tmp_path / "graph.html"
    saved.write_bytes(response.body())
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    open_graph(page, saved.as_uri())
    assert node_count(page) == 17
    assert requested == [saved.as_uri()]  # nothing but the file itself
    assert outside == []


def test_yasgui_runs_a_typed_query(page: Any, live_server: LiveServer, outside: list[str]) -> None:
    page.goto(live_server.url + "/sparql")
    editor = page.locator(".yasqe .CodeMirror").first
    editor.wait_for(timeout=15_000)
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("SELECT ?name WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> ; "
                       "<http://xmlns.com/foaf/0.1/name> ?name }")
    page.locator(".yasqe_queryButton").first.click()
    rows = page.locator(".yasr table tbody tr")
    rows.first.wait_for(timeout=15_000)
    assert rows.count() == 4
    assert "Nguyễn Quốc Khánh" in page.locator(".yasr table").first.inner_text()
    assert outside == []
