"""``/suggest``: the JSON endpoints through Flask's client, and the review page in Chromium
(paste, read, untick, correct, download), with no request leaving the machine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml
from conftest import LiveServer, start_live_server, stop_live_server

from kg.config import Settings

TEXT = """Khối Thi đua số V tổng kết năm

Sáng 12/12/2022, tại Hà Nội, Cục Biến đổi khí hậu tổ chức hội nghị tổng kết.

Ông Trần Minh Phúc, Phó Cục trưởng Cục Viễn thám quốc gia, chủ trì hội nghị.

Dự hội nghị có các Phó Giám đốc Sở TN&MT Hà Nam Đỗ Thị Mai và Lê Văn Hòa.
"""
XSS = "<img src=x onerror=window.__xss=1>"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(scope="module")
def client(seed_settings: Settings) -> Iterator[Any]:
    from server.app import create_app

    app = create_app(seed_settings, {"TESTING": True})
    yield app.test_client()
    app.extensions["tnmt_kg"].close()


def test_page_and_suggestions(client: Any) -> None:
    page = client.get("/suggest")
    assert page.status_code == 200 and b"suggest.js" in page.data
    reply = client.post("/suggest", json={"text": TEXT})
    assert reply.status_code == 200
    data = reply.get_json()
    got = {(f["person"], f["title"], f["organisation"]) for f in data["facts"]}
    assert got == {("Trần Minh Phúc", "Phó Cục trưởng", "Cục Viễn thám quốc gia"),
                   ("Đỗ Thị Mai", "Phó Giám đốc", "Sở TN&MT Hà Nam"),
                   ("Lê Văn Hòa", "Phó Giám đốc", "Sở TN&MT Hà Nam")}
    phuc = next(f for f in data["facts"] if f["person"] == "Trần Minh Phúc")
    assert phuc["organisation_iri"] == "https://w3id.org/tnmt-kg/org/cuc-vien-tham-quoc-gia"
    assert data["text"][phuc["person_start"]:phuc["person_end"]] == "Trần Minh Phúc"
    assert {f["date"] for f in data["facts"]} == {"2022-12-12"}


def test_limits_and_bad_input(client: Any) -> None:
    from server.views.suggest import MAX_CHARS

    assert client.post("/suggest", json={"text": "x" * (MAX_CHARS + 1)}).status_code == 413
    assert client.post("/suggest", json={"text": ""}).status_code == 400
    assert client.post("/suggest", data="not json", content_type="text/plain").status_code == 400
    assert client.post("/suggest", json={"text": TEXT, "date": "12/12"}).status_code == 400


def test_download_escapes_and_builds_yaml(client: Any) -> None:
    facts = [{"person": "Trần Minh Phúc", "title": "Phó Cục trưởng", "organisation": "Cục Viễn thám quốc gia",
              "organisation_label": "Cục Viễn thám quốc gia", "date": "2022-12-12",
              "sentence": "Ông Trần Minh Phúc, Phó Cục trưởng Cục Viễn thám quốc gia, chủ trì hội nghị.",
              "organisation_iri": "https://w3id.org/tnmt-kg/org/cuc-vien-tham-quoc-gia"},
             {"person": XSS, "title": "Phó Giám đốc", "organisation": "Sở TN&MT Hà Nam", "date": "2022-12-12",
              "sentence": XSS}]
    reply = client.post("/suggest/facts.yaml", json={"text": TEXT, "facts": facts, "source_id": "Bài 1",
                                                     "date": "2022-12-12", "title": XSS})
    assert reply.status_code == 200 and reply.mimetype == "application/yaml"
    assert 'filename="bai-1.facts.yaml"' in reply.headers["Content-Disposition"]
    data = yaml.safe_load(reply.get_data(as_text=True))
    assert data["source"]["id"] == "bai-1" and data["source"]["title"] == XSS  # data, never markup
    assert [m["member"] for m in data["memberships"]] == ["tran-minh-phuc", "img-src-x-onerror-window-xss-1"]


@pytest.fixture(scope="module")
def live(seed_settings: Settings) -> Iterator[LiveServer]:
    server = start_live_server(seed_settings.store)
    yield server
    stop_live_server(server)


@pytest.mark.browser
def test_review_in_the_browser(page: Any, live: LiveServer, tmp_path: Path) -> None:
    outside: list[str] = []

    def handle(route: Any) -> None:
        url = urlparse(route.request.url)
        if url.scheme in ("data", "blob", "about") or url.hostname in LOOPBACK:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.context.route("**/*", handle)
    page.goto(live.url + "/suggest")
    page.fill("#suggest-text", TEXT + "\n" + XSS + "\n")
    page.fill("#suggest-source", "bao-2022-khoi-v")
    page.click("#suggest-read")
    page.wait_for_selector("#suggest-facts tbody tr")
    rows = page.locator("#suggest-facts tbody tr")
    assert rows.count() == 3
    names = page.locator("#suggest-article mark.name").all_inner_texts()
    assert names == ["Trần Minh Phúc", "Đỗ Thị Mai", "Lê Văn Hòa"]
    assert page.locator("#suggest-article").inner_text().count(XSS) == 1  # shown as text
    assert page.evaluate("window.__xss") is None
    # Untick Lê Văn Hòa, correct Đỗ Thị Mai's unit, download the draft.
    rows.nth(2).locator("input[type=checkbox]").uncheck()
    rows.nth(1).locator("input[name=organisation]").fill("Sở Tài nguyên và Môi trường tỉnh Hà Nam")
    rows.nth(0).click()
    assert page.locator("#suggest-article mark.active").count() >= 1
    with page.expect_download() as info:
        page.click("#suggest-download")
    path = tmp_path / "draft.yaml"
    info.value.save_as(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert info.value.suggested_filename == "bao-2022-khoi-v.facts.yaml"
    got = [(m["member"], m["organization"]) for m in data["memberships"]]
    assert got == [("tran-minh-phuc", "Cục Viễn thám quốc gia"),
                   ("do-thi-mai", "Sở Tài nguyên và Môi trường tỉnh Hà Nam")]
    assert outside == []
