"""The /queries gallery and each query's page: form, run, result table, downloads, editor link."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from markupsafe import escape
from pyoxigraph import RdfFormat, parse

from kg.catalog import load_catalog
from kg.config import PROJECT_ROOT
from kg.query import check_query

CATALOG = load_catalog(PROJECT_ROOT / "queries")
HOSTILE = 'x" } ; DROP ALL ; SELECT * { ?s ?p ?o'
QLTNN, VT = "Cục Quản lý tài nguyên nước", "Cục Viễn thám quốc gia"


def esc(text: str) -> str:
    """Text as the templates write it (Jinja's escaping)."""
    return str(escape(text))


def page(client, url: str, status: int = 200) -> str:  # noqa: ANN001
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def result_table(body: str) -> str:
    match = re.search(r'<table class="results">.*?</table>', body, re.S)
    return match.group() if match else ""


def hrefs(body: str, css_class: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(rf'<a class="{css_class}" href="([^"]*)"', body)]


def test_the_gallery_lists_every_query(client) -> None:  # noqa: ANN001
    body = page(client, "/queries")
    for named in CATALOG.values():
        assert f'href="/queries/{named.name}"' in body
        assert esc(named.title_vi) in body and esc(named.summary) in body
        assert esc(named.description) in body
        for tag in named.tags:
            assert f'<span class="tag">{esc(tag)}</span>' in body
    assert body.count('<span class="view">') == len(CATALOG)


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_each_query_page_runs_and_links(client, name: str) -> None:  # noqa: ANN001
    named = CATALOG[name]
    body = page(client, f"/queries/{name}")
    assert esc(named.title_vi) in body
    assert str(escape(named.text)) in body  # the query text is shown
    for p in named.params:
        assert f'name="{p.name}"' in body  # an input or select named after the parameter
    (editor,) = hrefs(body, "open-editor")
    parts = urlsplit(editor)
    assert parts.path == "/sparql" and parse_qs(parts.query)["ui"] == ["1"]
    assert check_query(parse_qs(parts.query)["query"][0]).form == named.form
    downloads = hrefs(body, "download")
    assert [urlsplit(d).path for d in downloads] == [f"/queries/{name}.{fmt}" for fmt in named.downloads]


def test_iris_in_results_link_to_entity_pages(client) -> None:  # noqa: ANN001
    table = result_table(page(client, "/queries/bloc-members"))
    assert 'href="/id/org/cuc-vien-tham-quoc-gia"' in table
    assert ">unit:cuc-vien-tham-quoc-gia</a>" in table  # compact names, full IRI in the title
    assert table.count("<tr>") == 1 + 6


def test_running_with_a_parameter(client) -> None:  # noqa: ANN001
    body = page(client, "/queries/bloc-heads?year=2021")
    assert VT in result_table(body) and QLTNN not in result_table(body)
    assert '<option value="2021" selected>' in body  # the form keeps the value
    default = page(client, "/queries/bloc-heads")
    assert QLTNN in result_table(default) and '<option value="2022" selected>' in default
    cleared = page(client, "/queries/bloc-heads?year=&bloc=")  # an emptied field falls back to its default
    assert QLTNN in result_table(cleared) and '<option value="2022" selected>' in cleared
    holders = result_table(page(client, "/queries/role-holders-on-date?role=truong-khoi"
                                        "&org=khoi-thi-dua-so-iv&date=2021-12-20"))
    assert "attested" in holders and "interval" in holders and "Nguyễn Quốc Khánh" in holders


@pytest.mark.parametrize(
    ("url", "names"),
    [
        ("/queries/bloc-heads?year=twenty", "year"),
        ("/queries/role-holders-on-date?date=2021-13-01", "date"),
        ("/queries/bloc-members?bloc=%3Chttp%3A%2F%2Fevil%3E", "bloc"),
        ("/queries/bloc-heads?month=1", "month"),
        ("/queries/bloc-heads?year=2021&year=2022", "year"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client, url: str, names: str) -> None:  # noqa: ANN001
    body = page(client, url, 400)
    message = re.search(r'class="error-message"[^>]*>(.*?)</(div|p)>', body, re.S)
    assert message and names in message.group(1)
    assert '<table class="results">' not in body


def test_a_bad_parameter_in_a_download_is_a_400(client) -> None:  # noqa: ANN001
    response = client.get("/queries/bloc-heads.csv?year=twenty", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "year" in response.get_json()["message"]


def test_unknown_queries_and_formats_are_404(client) -> None:  # noqa: ANN001
    assert client.get("/queries/no-such-query").status_code == 404
    assert client.get("/queries/bloc-heads.ods").status_code == 404
    assert client.get("/queries/org-subgraph.csv").status_code == 404  # a CONSTRUCT has no CSV


def test_a_hostile_value_is_inert_on_the_web(client) -> None:  # noqa: ANN001
    response = client.get("/queries/label-search",
                          query_string={"text": HOSTILE + "<script>alert(1)</script>"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "No rows." in body and "<script>alert(1)" not in body
    (editor,) = hrefs(body, "open-editor")
    assert check_query(parse_qs(urlsplit(editor).query)["query"][0]).form == "SELECT"


def test_csv_download(client) -> None:  # noqa: ANN001
    response = client.get("/queries/bloc-heads.csv?year=2022")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    # named by the query, its value and the data version (tests/test_workbench.py checks more)
    assert re.search(r'filename="bloc-heads-2022_[0-9a-f]{12}\.csv"', response.headers["Content-Disposition"])
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert [(r["roleLabel"], r["unitLabel"]) for r in rows] == [
        ("Trưởng Khối", QLTNN), ("Khối phó", "Cục Đo đạc, Bản đồ và Thông tin địa lý Việt Nam")]
    assert "_year_integer" not in rows[0]  # the query's own columns only (issue 12, point 2)


def test_json_download(client) -> None:  # noqa: ANN001
    response = client.get("/queries/bloc-members.json?bloc=khoi-thi-dua-so-iv")
    assert response.status_code == 200 and response.mimetype == "application/sparql-results+json"
    data = json.loads(response.get_data(as_text=True))
    assert "unitLabel" in data["head"]["vars"]
    assert len(data["results"]["bindings"]) == 6


def test_the_page_links_downloads_with_the_values_it_ran(client) -> None:  # noqa: ANN001
    body = page(client, "/queries/bloc-heads?year=2021")
    csv_url = next(d for d in hrefs(body, "download") if ".csv" in d)
    assert csv_url == "/queries/bloc-heads.csv?year=2021"
    assert VT in client.get(csv_url).get_data(as_text=True)


def test_turtle_download_of_the_construct(client) -> None:  # noqa: ANN001
    response = client.get("/queries/org-subgraph.ttl?org=cuc-vien-tham-quoc-gia")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    quads = list(parse(response.get_data(), RdfFormat.TURTLE))
    assert any(q.object.value == "https://w3id.org/tnmt-kg/org/cuc-vien-tham-quoc-gia" for q in quads)
    body = page(client, "/queries/org-subgraph?org=cuc-vien-tham-quoc-gia")
    assert '<pre class="turtle">' in body and "org:Membership" in body


@pytest.mark.parametrize(
    ("url", "graph", "timeline"),
    [
        ("/queries/person-posts?person=nguyen-quoc-khanh",
         {"person": ["https://w3id.org/tnmt-kg/person/nguyen-quoc-khanh"],
          "role": ["https://w3id.org/tnmt-kg/role/cuc-truong"],
          "org": ["https://w3id.org/tnmt-kg/org/cuc-vien-tham-quoc-gia"], "year": ["2021"]}, "/timeline"),
        ("/queries/bloc-heads?year=2022",
         {"org": ["https://w3id.org/tnmt-kg/org/khoi-thi-dua-so-iv"],
          "role": ["https://w3id.org/tnmt-kg/role/truong-khoi"], "year": ["2022"]}, "/timeline"),
        ("/queries/ministry-tree", {"org": ["https://w3id.org/tnmt-kg/org/bo-tai-nguyen-va-moi-truong"]},
         "/timeline"),
    ],
)
def test_results_about_people_units_roles_and_dates_open_in_graph_and_timeline(
        client, url: str, graph: dict, timeline: str) -> None:  # noqa: ANN001
    body = page(client, url)
    (graph_link,) = hrefs(body, "explore-graph")
    (timeline_link,) = hrefs(body, "explore-timeline")
    assert urlsplit(graph_link).path == "/graph" and parse_qs(urlsplit(graph_link).query) == graph
    assert urlsplit(timeline_link).path == timeline
    assert parse_qs(urlsplit(timeline_link).query) == graph


def test_a_count_table_offers_no_graph(client) -> None:  # noqa: ANN001
    body = page(client, "/queries/counts-by-type")
    assert not hrefs(body, "explore-graph")
