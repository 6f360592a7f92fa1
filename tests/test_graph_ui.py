"""Issue 12, points 3–5 in Debian's Chromium: a legible graph, names as you type, careers, rosters.

Expected values come from the seed article (see tests/test_graphview.py and tests/test_people.py).
Every test blocks requests that leave the loopback server and checks none was attempted.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from conftest import LiveServer
from test_browser import BLOC, CVT, KHANH, KHUYEN, QLTNN, TRUONG_KHOI, open_graph, point_at  # noqa: F401

pytestmark = pytest.mark.browser


def test_labels_are_legible_and_parallel_edges_curved(page: Any, live_server: LiveServer,
                                                      outside: list[str]) -> None:  # noqa: F811
    open_graph(page, live_server.url + "/graph?org=khoi-thi-dua-so-iv")
    options = page.evaluate("window.network.body.data ? window.network.edgesHandler.options : null")
    assert options["font"]["size"] >= 11
    assert page.evaluate("window.network.nodesHandler.options.font.size") >= 11
    # … and on the screen: the fitted view is scaled down, so the labels are enlarged to match.
    assert page.evaluate("window.network.edgesHandler.options.font.size * window.network.getScale()") >= 11
    assert page.evaluate("window.network.getScale()") < 1
    # Edge labels wrap rather than run on: a width constraint on both nodes and edges.
    assert options["widthConstraint"]["maximum"] > 0
    # CVT → bloc has three facts (2021 head, member, participation… ) : curved apart, not on one line.
    smooth = page.evaluate(f"""window.network.body.data.edges.get({{filter: e => e.from === '{CVT}'
        && e.to === '{BLOC}'}}).map(e => e.smooth ? e.smooth.type + ':' + e.smooth.roundness : 'default')""")
    assert len(smooth) >= 2 and len(set(smooth)) == len(smooth)
    # A label cut on the canvas keeps the whole text for hovering and export.
    long = page.evaluate("window.network.body.data.nodes.get().filter(n => n.label !== n.label_full).length")
    full = page.evaluate(
        "window.network.body.data.nodes.get().every(n => n.titleText.includes(n.label_full))")
    assert long >= 1 and full
    # The 2022 assignments: dotted, and said to be assignments.
    assigned = page.evaluate("""window.network.body.data.edges.get({filter: e => e.kind === 'assignment'})
        .map(e => [e.from, e.role, e.timing, e.dashes])""")
    assert [QLTNN, TRUONG_KHOI, "assigned", [2, 6]] in assigned
    assert page.locator('.graph-legend [data-timing="assigned"]').is_visible()
    assert page.locator('.graph-legend [data-kind="bloc"]').is_visible()
    assert outside == []


def test_same_layout_on_every_load(page: Any, live_server: LiveServer, outside: list[str]) -> None:  # noqa: F811
    url = live_server.url + "/graph?org=khoi-thi-dua-so-iv&year=2021"

    def positions() -> dict[str, list[float]]:
        open_graph(page, url)
        return page.evaluate("""(() => { const p = window.network.getPositions(); const out = {};
            for (const k of Object.keys(p)) { out[k] = [Math.round(p[k].x), Math.round(p[k].y)]; }
            return out; })()""")

    first, second = positions(), positions()
    assert first == second and len(first) > 5
    seed = page.evaluate("window.network.layoutEngine.options.randomSeed")
    open_graph(page, live_server.url + "/graph?org=khoi-thi-dua-so-iv&year=2022")
    assert page.evaluate("window.network.layoutEngine.options.randomSeed") != seed  # another filter
    assert outside == []


def test_click_focuses_the_neighbourhood(page: Any, live_server: LiveServer, outside: list[str]) -> None:  # noqa: F811
    open_graph(page, live_server.url + "/graph?org=khoi-thi-dua-so-iv")
    page.evaluate("document.getElementById('graph').scrollIntoView()")
    x, y = point_at(page, KHUYEN)
    page.mouse.click(x, y)
    page.wait_for_function(f"document.getElementById('graph').getAttribute('data-focus') === '{KHUYEN}'")
    assert page.locator("#graph-focus-panel").is_visible()
    assert page.locator("#graph-focus-name").inner_text() == "Nguyễn Minh Khuyến"
    assert page.locator("#graph-focus-career").get_attribute("href") == "/person/nguyen-minh-khuyen/career"
    colour = page.evaluate("(id) => window.network.body.data.nodes.get(id).color", BLOC)
    near = page.evaluate("(id) => window.network.body.data.nodes.get(id).color", QLTNN)
    assert "rgba" in colour and "rgba" not in str(near)  # the bloc is dimmed, his Cục is not
    assert page.url.endswith("/graph?org=khoi-thi-dua-so-iv")  # one click does not leave the page
    page.select_option("#graph-focus-select", "")  # back to the whole view
    assert page.evaluate("document.getElementById('graph').hasAttribute('data-focus')") is False
    page.select_option("#graph-focus-select", KHANH)
    assert page.evaluate("document.getElementById('graph').getAttribute('data-focus')") == KHANH
    assert outside == []


def test_png_and_svg_export(page: Any, live_server: LiveServer, outside: list[str]) -> None:  # noqa: F811
    open_graph(page, live_server.url + "/graph?org=khoi-thi-dua-so-iv")
    with page.expect_download() as png:
        page.click("#graph-export-png")
    assert png.value.suggested_filename == "tnmt-kg-graph-org-khoi-thi-dua-so-iv.png"
    data = page.evaluate("window.graphView.png()")
    assert data.startswith("data:image/png;base64,")
    assert base64.b64decode(data.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as svg:
        page.click("#graph-export-svg")
    assert svg.value.suggested_filename.endswith(".svg")
    text = page.evaluate("window.graphView.svg()")
    assert text.startswith("<?xml") and "<svg" in text and "Nguyễn Minh Khuyến" in text
    assert text.count("<path") == 36
    assert outside == []


def test_typing_a_name_suggests_it(page: Any, live_server: LiveServer, outside: list[str]) -> None:  # noqa: F811
    open_graph(page, live_server.url + "/graph")
    field = page.locator("input[name=person]")
    field.click()
    field.type("khanh", delay=30)
    option = page.locator("[role=listbox] [role=option]", has_text="Nguyễn Quốc Khánh")
    option.wait_for(timeout=5_000)
    assert field.get_attribute("aria-expanded") == "true"
    option.click()
    assert field.input_value() == "Nguyễn Quốc Khánh"
    page.click("#graph-filters button[type=submit]")
    page.wait_for_url("**/graph?*person=nguyen-quoc-khanh*")  # the slug of the name chosen
    page.wait_for_function("document.getElementById('graph').getAttribute('data-stable') === 'true'")
    assert page.locator("input[name=person]").input_value() == "Nguyễn Quốc Khánh"
    # The timeline's organisation field: "vien tham" without diacritics, chosen with the keyboard.
    page.goto(live_server.url + "/timeline")
    org = page.locator("input[name=org]")
    org.fill("")
    org.type("vien tham", delay=30)
    page.locator("[role=option]", has_text="Cục Viễn thám quốc gia").wait_for(timeout=5_000)
    org.press("ArrowDown")
    org.press("Enter")
    page.click("#timeline-filters button[type=submit]")
    page.wait_for_url("**/timeline?org=cuc-vien-tham-quoc-gia*")
    assert "Cục Viễn thám quốc gia" in page.locator("h1").inner_text()
    assert outside == []


def test_unknown_name_suggests_close_names(page: Any, live_server: LiveServer, outside: list[str]) -> None:  # noqa: F811
    response = page.goto(live_server.url + "/timeline?person=Nguyen+Quoc+Khang")
    assert response.status == 404
    assert "Nguyen Quoc Khang" in page.locator("#unknown-name").inner_text()
    page.click("#name-choices >> text=Nguyễn Quốc Khánh")
    page.wait_for_url("**/timeline?person=nguyen-quoc-khanh")
    assert "Nguyễn Quốc Khánh" in page.locator("h1").inner_text()
    assert outside == []


def test_career_draws_points_not_bars(page: Any, live_server: LiveServer, outside: list[str]) -> None:  # noqa: F811
    page.goto(live_server.url + "/id/person/nguyen-quoc-khanh")
    page.click("#career-link")
    page.wait_for_url("**/person/nguyen-quoc-khanh/career")
    axis = page.locator("#career-axis svg")
    assert axis.locator("polygon.span-attested").count() == 2
    assert axis.locator("rect.span-interval").count() == 0
    assert page.locator('#career-roles tr[data-how="attested"]').count() == 2
    assert page.locator("#career-roles a[href='/id/source/khoi-thi-dua-iv-2021']").count() == 2
    # A unit's own roles on its timeline: the 2021 bloc head is a bar, membership a point.
    page.goto(live_server.url + "/timeline?org=cuc-vien-tham-quoc-gia")
    held = page.locator("#held-roles svg")
    assert held.locator(f'g[data-role="{TRUONG_KHOI}"] rect.span-interval').count() == 1
    assert held.locator("polygon.span-attested").count() == 1
    assert outside == []


def test_roster_and_compare(page: Any, live_server: LiveServer, outside: list[str]) -> None:  # noqa: F811
    page.goto(live_server.url + "/roster")
    page.locator("input[name=org]").type("khoi iv", delay=30)
    page.locator("[role=option]", has_text="Khối Thi đua số IV").first.click()
    page.fill("input[name=date]", "2021-12-20")
    page.click("#roster-filters button[type=submit]")
    page.wait_for_url("**/roster?org=khoi-thi-dua-so-iv&date=2021-12-20")
    rows = page.locator("#roster tbody tr")
    assert rows.count() == 11
    for person in (KHANH, KHUYEN):
        row = page.locator(f'#roster tr[data-member="{person}"]').first
        assert row.locator(".citation a").first.get_attribute("href") == "/id/source/khoi-thi-dua-iv-2021"
        assert row.locator(".quote").count() >= 1
    with page.expect_download() as csv_file:
        page.click("text=CSV")
    assert csv_file.value.suggested_filename == "tnmt-kg-roster-khoi-thi-dua-so-iv-2021-12-20.csv"
    page.goto(live_server.url + "/compare?org=khoi-thi-dua-so-iv&from=2021&to=2022")
    assert page.locator(f'#left li[data-member="{KHANH}"]').count() == 2  # Cục trưởng, Trưởng Khối
    assert "Cục Quản lý tài nguyên nước — Trưởng Khối" in page.locator("#assigned").inner_text()
    page.goto(live_server.url + "/compare?org=khoi-thi-dua-so-iv&from=2022&to=2021")
    assert page.locator(f'#came li[data-member="{KHUYEN}"]').count() == 1
    assert outside == []
