"""The interface in Vietnamese or English, and labels in the chosen language (issue 12, point 9).

Expected strings come from the catalogue (server/translations/vi/LC_MESSAGES/messages.po) and the
seed's labels: Cục Viễn thám quốc gia has the English label "National Remote Sensing Department";
Nguyễn Quốc Khánh has Vietnamese names only, so English falls back to them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from server.i18n import COOKIE, choose_language

ROOT = Path(__file__).resolve().parent.parent
CVT = "/id/org/cuc-vien-tham-quoc-gia"
KHANH = "/id/person/nguyen-quoc-khanh"
#: The templates whose every string is translated (other pages add theirs as they are written).
TRANSLATED = ["base.html", "home.html", "entity.html", "source.html", "_macros.html", "_memberships.html",
              "_quote.html", "coverage.html", "structure.html", "ontology.html", "error.html"]


def h1(html: str) -> tuple[str, str]:
    match = re.search(r"<h1(?: lang=\"(\w+)\")?>(.*?)</h1>", html, re.S)
    assert match, "no h1"
    return match.group(1) or "", match.group(2).strip()


@pytest.fixture()
def fresh(app):  # noqa: ANN001, ANN201
    """A client with no cookie of its own."""
    return app.test_client()


@pytest.mark.parametrize(("param", "cookie", "header", "expected"), [
    ("vi", "en", "en", "vi"),                       # the parameter first
    (None, "vi", "en", "vi"),                       # then the cookie
    (None, None, "vi-VN,vi;q=0.9,en;q=0.8", "vi"),  # then Accept-Language
    (None, None, "en-US,en;q=0.9", "en"),
    (None, None, "fr, en;q=0.3, vi;q=0.7", "vi"),   # by q-value, not by order
    (None, None, "vi;q=0.5, en;q=0.5", "vi"),       # a tie: the header's order
    (None, None, "de, fr", None),                   # nothing we speak: no preference
    ("xx", "yy", None, None),                       # unknown values are ignored
    (None, None, None, None),
])
def test_the_language_is_chosen_in_order(param, cookie, header, expected) -> None:  # noqa: ANN001
    assert choose_language(param, cookie, header) == expected


def test_no_preference_keeps_the_english_interface_and_vietnamese_labels(fresh) -> None:  # noqa: ANN001
    html = fresh.get(CVT).get_data(as_text=True)
    assert '<html lang="en">' in html and "<h2>Facts</h2>" in html
    assert h1(html) == ("vi", "Cục Viễn thám quốc gia")


def test_lang_vi_translates_the_interface_and_is_remembered(fresh) -> None:  # noqa: ANN001
    response = fresh.get(CVT + "?lang=vi")
    html = response.get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "<h2>Dữ kiện</h2>" in html and "<h2>Liên kết đến</h2>" in html and "<h2>Nguồn gốc</h2>" in html
    assert ">Đồ thị</a>" in html and ">Dòng thời gian</a>" in html  # the navigation
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=vi;") and "Max-Age=31536000" in cookie and "SameSite=Lax" in cookie
    # The next page, with no parameter, is in Vietnamese too; the cookie is not set again.
    again = fresh.get("/coverage")
    assert "<h1>Phạm vi của đồ thị</h1>" in again.get_data(as_text=True)
    assert "Set-Cookie" not in again.headers


def test_lang_en_shows_english_labels_with_vietnamese_as_the_fallback(fresh) -> None:  # noqa: ANN001
    html = fresh.get(CVT + "?lang=en").get_data(as_text=True)
    assert h1(html) == ("en", "National Remote Sensing Department")
    assert "<h2>Facts</h2>" in html
    # Khánh has no English name: his Vietnamese one, marked as such.
    assert h1(fresh.get(KHANH).get_data(as_text=True)) == ("vi", "Nguyễn Quốc Khánh")


def test_accept_language_decides_without_a_cookie(fresh) -> None:  # noqa: ANN001
    vi = fresh.get(CVT, headers={"Accept-Language": "vi-VN,vi;q=0.9"})
    assert "<h2>Dữ kiện</h2>" in vi.get_data(as_text=True) and "Set-Cookie" not in vi.headers
    en = fresh.get(CVT, headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert h1(en) == ("en", "National Remote Sensing Department")
    assert {"Accept", "Accept-Language", "Cookie"} <= {v.strip() for v in
                                                       fresh.get(CVT).headers["Vary"].split(",")}


def test_labels_follow_the_language_in_tables(fresh) -> None:  # noqa: ANN001
    """The roles table of the bloc names its units in the chosen language."""
    vi = fresh.get("/id/org/khoi-thi-dua-so-iv?lang=vi").get_data(as_text=True)
    en = fresh.get("/id/org/khoi-thi-dua-so-iv?lang=en").get_data(as_text=True)
    table = lambda html: html.split('id="memberships"', 1)[1].split("</section>", 1)[0]  # noqa: E731
    assert "Cục Viễn thám quốc gia" in table(vi) and "National Remote Sensing Department" not in table(vi)
    assert "National Remote Sensing Department" in table(en)


@pytest.mark.parametrize("path", ["/structure?date=2021-12-20", "/coverage"])
def test_the_ministry_pages_name_units_in_the_chosen_language(fresh, path: str) -> None:  # noqa: ANN001
    vi = fresh.get(path + ("&" if "?" in path else "?") + "lang=vi").get_data(as_text=True)
    en = fresh.get(path + ("&" if "?" in path else "?") + "lang=en").get_data(as_text=True)
    assert "Cục Viễn thám quốc gia" in vi and "National Remote Sensing Department" not in vi
    assert "National Remote Sensing Department" in en


def test_the_switch_keeps_the_page_and_its_parameters(fresh) -> None:  # noqa: ANN001
    html = fresh.get("/structure?date=2021-12-20&lang=en").get_data(as_text=True)
    switch = html.split('class="lang-switch"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/structure?date=2021-12-20&amp;lang=vi" hreflang="vi"' in switch
    assert 'hreflang="en" lang="en" title="English" class="current" aria-current="true"' in switch


def test_error_pages_are_translated(fresh) -> None:  # noqa: ANN001
    response = fresh.get("/id/person/nobody?lang=vi")
    assert response.status_code == 404
    assert "<h1>404 · Không tìm thấy</h1>" in response.get_data(as_text=True)
    # JSON errors keep their English titles: clients match on them.
    assert fresh.get("/api/search?lang=vi").get_json()["error"] == "Bad request"


def test_translations_escape_what_they_are_given(app) -> None:  # noqa: ANN001
    with app.test_request_context("/?lang=vi"):
        app.preprocess_request()
        template = app.jinja_env.from_string("{{ _('quote %(n)s', n=value) }}|{{ value|translate }}")
        assert template.render(value="<b>x</b>") == "trích dẫn &lt;b&gt;x&lt;/b&gt;|&lt;b&gt;x&lt;/b&gt;"


def test_rdf_does_not_depend_on_the_language(fresh) -> None:  # noqa: ANN001
    assert fresh.get(CVT + ".ttl?lang=en").data == fresh.get(CVT + ".ttl?lang=vi").data


def _template_strings(name: str) -> set[str]:
    path = ROOT / "server" / "templates" / name
    return {msg if isinstance(msg, str) else msg[0]
            for _line, msg, _comments, _context in extract_from_file("jinja2.ext:babel_extract", str(path))}


def test_every_string_of_the_main_pages_has_a_vietnamese_translation() -> None:
    with (ROOT / "server" / "translations" / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    wanted = set().union(*(_template_strings(name) for name in TRANSLATED))
    assert wanted and wanted - translated == set()
    # Placeholders survive translation.
    for message in catalog:
        if message.id and message.string:
            assert sorted(re.findall(r"%\(\w+\)s", message.id)) == sorted(
                re.findall(r"%\(\w+\)s", message.string)), message.id
