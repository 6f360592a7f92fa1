"""The researcher's workbench in Chromium (issue 12, points 1 and 6): share links and browser links
open the editor with the query and its results, the Cite panel shows BibTeX with the data version,
result IRIs lead to this server's pages, errors read as messages with line and column, Ctrl+Enter
runs the query, the editor sits above the fold with the query library beside it (stacked on a
phone). Every test blocks and records any request that leaves the loopback server.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from conftest import LiveServer

from kg.store import build_info

pytestmark = pytest.mark.browser

PERSONS = ("SELECT ?p ?name WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> ; "
           "<http://xmlns.com/foaf/0.1/name> ?name } ORDER BY ?name")
ROWS = ".tabPanel.active .yasr table tbody tr"
#: What YASGUI sends with a SELECT (its requestConfig.acceptHeaderSelect).
YASGUI_ACCEPT = "application/sparql-results+json,*/*;q=0.9"



@pytest.fixture()
def errors(page: Any) -> list[str]:
    found: list[str] = []
    page.on("pageerror", lambda e: found.append(str(e)))
    return found


def editor_ready(page: Any) -> None:
    page.wait_for_function("() => window.tnmtYasgui && window.tnmtYasgui.getTab()", timeout=15_000)


def current_query(page: Any) -> str:
    return page.evaluate("window.tnmtYasgui.getTab().getQuery()")


def type_query(page: Any, text: str) -> None:
    page.locator(".tabPanel.active .CodeMirror").first.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.evaluate("(t) => window.tnmtYasgui.getTab().getYasqe().setValue(t)", text)


def test_a_share_link_fills_the_editor_and_runs(page: Any, live_server: LiveServer, outside: list[str],
                                                errors: list[str]) -> None:
    page.goto(live_server.url + "/sparql#query=" + quote(PERSONS, safe=""))
    editor_ready(page)
    assert current_query(page) == PERSONS
    page.wait_for_selector(ROWS, timeout=15_000)
    assert page.locator(ROWS).count() == 4
    assert outside == [] and errors == []


def test_a_browser_link_shows_the_query_and_its_results(page: Any, live_server: LiveServer,
                                                        outside: list[str], errors: list[str]) -> None:
    reply = page.goto(live_server.url + "/sparql?" + urlencode({"query": PERSONS}))
    assert reply.headers["content-type"].startswith("text/html")
    editor_ready(page)
    assert current_query(page) == PERSONS
    page.wait_for_selector(ROWS, timeout=15_000)
    assert "Nguyễn Quốc Khánh" in page.locator(".tabPanel.active .yasr table").inner_text()
    # reloading the link reuses its tab
    tabs = page.evaluate("Object.keys(window.tnmtYasgui._tabs).length")
    page.reload()
    editor_ready(page)
    page.wait_for_selector(ROWS, timeout=15_000)
    assert page.evaluate("Object.keys(window.tnmtYasgui._tabs).length") == tabs
    assert outside == [] and errors == []


def test_cite_shows_bibtex_with_the_data_version(page: Any, live_server: LiveServer, outside: list[str],
                                                 errors: list[str]) -> None:
    version = build_info(live_server.store).short_version
    page.goto(live_server.url + "/sparql?" + urlencode({"query": PERSONS}))
    editor_ready(page)
    assert version in page.locator("footer.site .data-version").inner_text()
    page.locator("details.cite summary").click()
    bibtex = page.locator(".cite-bibtex")
    page.wait_for_function("() => document.querySelector('.cite-bibtex').textContent.includes('@misc')",
                           timeout=10_000)
    assert f"version = {{{version}}}" in bibtex.inner_text()
    link = page.locator(".cite-link").input_value()
    assert f"version={version}" in link
    assert json.loads(page.locator(".cite-csl").inner_text())[0]["version"] == version
    # the permanent link reproduces the query and its results
    page.goto(link)
    editor_ready(page)
    assert current_query(page) == PERSONS
    page.wait_for_selector(ROWS, timeout=15_000)
    assert outside == [] and errors == []


def test_a_query_page_cites_too(page: Any, live_server: LiveServer, outside: list[str]) -> None:
    version = build_info(live_server.store).short_version
    page.goto(live_server.url + "/queries/bloc-heads?year=2021")
    page.locator("details.cite summary").click()
    assert f"version = {{{version}}}" in page.locator(".cite-bibtex").inner_text()
    assert outside == []


def test_result_iris_link_to_local_pages(page: Any, live_server: LiveServer, outside: list[str],
                                        errors: list[str]) -> None:
    page.goto(live_server.url + "/sparql?" + urlencode({"query": PERSONS}))
    editor_ready(page)
    page.wait_for_selector(ROWS, timeout=15_000)
    link = page.locator(".tabPanel.active .yasr a.iri", has_text="nguyen-quoc-khanh").first
    link.wait_for(timeout=5_000)
    assert link.get_attribute("href") == "/id/person/nguyen-quoc-khanh"
    assert link.get_attribute("title") == "https://w3id.org/tnmt-kg/person/nguyen-quoc-khanh"
    with page.context.expect_page() as opened:
        link.click()
    entity = opened.value
    entity.wait_for_load_state()
    assert entity.url == live_server.url + "/id/person/nguyen-quoc-khanh"
    assert "Nguyễn Quốc Khánh" in entity.locator("h1").inner_text()
    assert outside == [] and errors == []


def test_an_error_reads_as_a_message_with_line_and_column(page: Any, live_server: LiveServer,
                                                          outside: list[str], errors: list[str]) -> None:
    broken = "SELECT ?x WHERE {\n  ?x ?y\n}}"
    # what the endpoint says about it, as JSON: the page must show the same, readably
    request = urllib.request.Request(live_server.url + "/sparql", data=urlencode({"query": broken}).encode(),
                                     headers={"Accept": YASGUI_ACCEPT})
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(request, timeout=10)
    said = json.loads(answer.value.read())
    line, column = re.fullmatch(r"line (\d+), column (\d+)", said["where"]).groups()
    assert line == "3"
    page.goto(live_server.url + "/sparql")
    editor_ready(page)
    type_query(page, broken)
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    box = page.locator(".tabPanel.active .query-error")
    box.wait_for(timeout=15_000)
    text = box.inner_text()
    assert said["error"] == "SPARQL syntax error" and said["error"] in text and "HTTP 400" in text
    assert f"Line {line}, column {column}" in text and said["message"] in text
    snippet = box.locator(".query-error-snippet").inner_text().splitlines()
    assert snippet[0] == "3 | }}" and snippet[1].index("^") == len("3 | ") + int(column) - 1
    assert '{"error"' not in text  # no raw JSON
    assert page.locator(".tabPanel.active .query-error-line").count() == 1  # the line is marked
    assert outside == [] and errors == []


def test_ctrl_enter_runs_the_query(page: Any, live_server: LiveServer, outside: list[str],
                                   errors: list[str]) -> None:
    page.goto(live_server.url + "/sparql")
    editor_ready(page)
    assert "Ctrl" in page.locator(".kbd-hint").inner_text()
    type_query(page, PERSONS)
    page.locator(".tabPanel.active .CodeMirror").first.click()
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(ROWS, timeout=15_000)
    assert page.locator(ROWS).count() == 4
    # and from outside the editor
    page.evaluate("() => window.tnmtYasgui.getTab().getYasr().setResponse(null)")
    page.locator("h1").click()
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(ROWS, timeout=15_000)
    assert outside == [] and errors == []


def test_the_editor_is_above_the_fold_with_the_library_beside(page: Any, live_server: LiveServer,
                                                               outside: list[str]) -> None:
    page.goto(live_server.url + "/sparql")
    editor_ready(page)
    editor = page.locator(".tabPanel.active .CodeMirror").first.bounding_box()
    gallery = page.locator(".workbench-gallery").bounding_box()
    assert editor["y"] + editor["height"] / 2 < 900  # the editor is seen without scrolling
    assert gallery["x"] >= editor["x"] + editor["width"] - 1 and gallery["y"] < 400  # beside it
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    editor_ready(page)
    editor = page.locator(".tabPanel.active .CodeMirror").first.bounding_box()
    gallery = page.locator(".workbench-gallery").bounding_box()
    assert editor["y"] < 844 and gallery["y"] >= editor["y"] + editor["height"]  # stacked below
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    # a name in the library opens its query in a tab
    page.locator(".workbench-gallery a[data-example]", has_text="bloc-heads").first.click()
    assert "Trưởng Khối" in current_query(page) or "truong-khoi" in current_query(page)
    assert outside == []
