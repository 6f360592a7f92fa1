"""The language switch in a real browser (issue 12, point 9): Debian's Chromium via Playwright.

The browser's locale sets its ``Accept-Language``; the switch in the header sets ``?lang=``, which
the app remembers in a cookie. Expected strings: the catalogue (vi) and the seed's labels.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import LiveServer

pytestmark = pytest.mark.browser

CVT = "/id/org/cuc-vien-tham-quoc-gia"


def test_the_switch_changes_interface_and_labels_and_is_remembered(
        browser: Any, live_server: LiveServer) -> None:  # noqa: ANN401
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_server.url + CVT)
        # English from the browser's Accept-Language: interface and labels.
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("h1").inner_text() == "National Remote Sensing Department"
        assert page.locator("#facts h2").inner_text() == "Facts"
        assert page.locator("nav.lang-switch a.current").inner_text() == "EN"

        page.locator("nav.lang-switch a[hreflang=vi]").click()
        page.wait_for_url("**lang=vi")
        assert page.locator("html").get_attribute("lang") == "vi"
        assert page.locator("h1").inner_text() == "Cục Viễn thám quốc gia"
        assert page.locator("#facts h2").inner_text() == "Dữ kiện"
        assert page.locator("header.site nav a[href='/graph']").inner_text() == "Đồ thị"
        assert page.locator("nav.lang-switch a.current").inner_text() == "VI"

        # Remembered: another page, with no parameter, stays Vietnamese despite Accept-Language.
        page.goto(live_server.url + "/coverage")
        assert page.locator("h1").inner_text() == "Phạm vi của đồ thị"
        cookies = {c["name"]: c["value"] for c in context.cookies()}
        assert cookies.get("lang") == "vi"

        # And back.
        page.locator("nav.lang-switch a[hreflang=en]").click()
        page.wait_for_url("**lang=en")
        assert page.locator("h1").inner_text() == "What the graph covers"
    finally:
        context.close()


def test_a_vietnamese_browser_gets_vietnamese(browser: Any, live_server: LiveServer) -> None:  # noqa: ANN401
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        assert page.locator("html").get_attribute("lang") == "vi"
        assert page.locator("h2").first.inner_text() == "Đồ thị chứa gì"
        assert page.locator("header.site input[name=q]").get_attribute("placeholder") == "Tìm kiếm"
        assert context.cookies() == []  # only a choice made with the switch is remembered
    finally:
        context.close()
