"""The researcher's workbench, server side (issue 12, points 1, 2 and 6): the data version (a
content hash of the build) on every page, in ETags, dump names and citations; the Cite panel's
permanent link, BibTeX and CSL-JSON; downloads that carry only a query's own columns, CSV with a
UTF-8 byte order mark, XLSX; file names that say what and which version.

Expected values come from the specs and the sources, not from the code under test: the version
is SHA-256 over the store's N-Quads lines sorted by their bytes (computed here independently);
a UTF-8 byte order mark is ``EF BB BF`` (Unicode, section 23.8); the columns of ``bloc-heads``
are its SELECT clause as written in ``queries/bloc-heads.rq`` (its parameters ``?_year_integer``
and ``?__bloc_iri`` are not in it).
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from pyoxigraph import RdfFormat, Store

from kg.catalog import load_catalog
from kg.config import PROJECT_ROOT
from kg.store import build_info

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
BOM = b"\xef\xbb\xbf"
CATALOG = load_catalog(PROJECT_ROOT / "queries")
QLTNN, VT = "Cục Quản lý tài nguyên nước", "Cục Viễn thám quốc gia"


def select_clause(text: str) -> list[str]:
    """The variables of a query's SELECT clause, as written in its file."""
    clause = re.search(r"^SELECT\s+(.*?)\s+WHERE", text, re.M | re.S).group(1)
    return re.findall(r"\?(\w+)", clause)


BLOC_HEADS_COLUMNS = select_clause(CATALOG["bloc-heads"].text)


@pytest.fixture(scope="module")
def info(seed_settings):  # noqa: ANN001, ANN201
    return build_info(seed_settings.store)


def sorted_nquads_sha256(store_path: str) -> str:
    out = io.BytesIO()
    Store.read_only(store_path).dump(out, RdfFormat.N_QUADS)
    return hashlib.sha256(b"".join(line + b"\n" for line in sorted(out.getvalue().splitlines()))).hexdigest()


# --------------------------------------------------------------------------- the data version


def test_a_build_records_the_content_hash_of_its_quads(seed_settings, info) -> None:  # noqa: ANN001
    assert info.version == sorted_nquads_sha256(seed_settings.store)
    assert re.fullmatch(r"[0-9a-f]{64}", info.version)
    assert info.short_version == info.version[:12] and info.etag == f'"{info.version[:12]}"'


def test_the_same_data_gets_the_same_version(fresh_settings, seed_settings, info) -> None:  # noqa: ANN001
    from kg.build import build

    assert build(fresh_settings).version == info.version  # another build of the same sources


def test_every_page_shows_the_data_version(client, info) -> None:  # noqa: ANN001
    for path in ("/", "/queries", "/queries/bloc-heads", "/coverage", "/id/person/nguyen-quoc-khanh"):
        body = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        footer = body[body.index('<footer class="site">'):]
        assert f"<code>{info.short_version}</code>" in footer, path
        assert f'href="/download/tnmt-kg-{info.short_version}.ttl"' in footer, path
    editor = client.get("/sparql", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert f"<code>{info.short_version}</code>" in editor


def test_the_dump_is_downloadable_under_its_version(client, info) -> None:  # noqa: ANN001
    for name in (info.short_version, info.version, info.version[:8]):
        with client.get(f"/download/tnmt-kg-{name}.ttl") as reply:
            assert reply.status_code == 200 and reply.mimetype == "text/turtle"
            assert reply.headers["ETag"] == info.etag
            disposition = reply.headers["Content-Disposition"]
            assert disposition == f"attachment; filename=tnmt-kg-{info.short_version}.ttl"
            whole = reply.get_data()
    with client.get("/export?format=turtle") as export:
        assert export.get_data() == whole
    with client.get(f"/download/tnmt-kg-{info.short_version}.nq") as nquads:
        assert nquads.status_code == 200 and nquads.mimetype == "application/n-quads"
    other = client.get("/download/tnmt-kg-0123456789ab.ttl", headers={"Accept": "application/json"})
    assert other.status_code == 404 and info.short_version in other.get_json()["message"]
    assert client.get(f"/download/tnmt-kg-{info.short_version}.docx").status_code == 404
    assert client.get(f"/download/tnmt-kg-{info.short_version}.ttl",
                      headers={"If-None-Match": info.etag}).status_code == 304


# --------------------------------------------------------------------------- citable queries

NAMES = ("PREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
         "SELECT ?p ?name WHERE { ?p a foaf:Person ; foaf:name ?name } ORDER BY ?name")


def test_cite_gives_a_permanent_link_bibtex_and_csl_json(client, info) -> None:  # noqa: ANN001
    reply = client.post("/sparql/cite", data={"query": NAMES})
    assert reply.status_code == 200
    data = reply.get_json()
    link = urlsplit(data["permalink"])
    assert link.path == "/sparql"
    assert parse_qs(link.query) == {"query": [NAMES], "version": [info.short_version]}
    assert data["version"] == info.version and data["short_version"] == info.short_version
    assert data["dump"] == f"/download/tnmt-kg-{info.short_version}.ttl"
    bibtex = data["bibtex"]
    assert bibtex.startswith("@misc{tnmt-kg-" + info.short_version)
    assert f"version = {{{info.short_version}}}" in bibtex
    assert f"url = {{{data['permalink']}}}" in bibtex
    assert info.version in bibtex  # the whole hash in the note
    (item,) = json.loads(data["csl_json"])
    assert item == data["csl"]
    assert item["type"] == "dataset" and item["version"] == info.short_version
    assert item["URL"] == data["permalink"] and info.version in item["note"]
    assert len(item["issued"]["date-parts"][0]) == 3


def test_the_permanent_link_opens_the_editor_with_the_query_run(client, info) -> None:  # noqa: ANN001
    link = client.get("/sparql/cite", query_string={"query": NAMES}).get_json()["permalink"]
    page = client.get(link.split("localhost", 1)[1], headers={"Accept": BROWSER_ACCEPT})
    body = page.get_data(as_text=True)
    config = json.loads(re.search(r'id="sparql-config">(.*?)</script>', body, re.S).group(1))
    assert config["query"] == NAMES and config["run"] is True and config["version"] == info.short_version
    assert "version-notice" not in body  # the version served is the one cited
    # a SPARQL client following the same link gets the protocol's answer
    reply = client.get(link.split("localhost", 1)[1], headers={"Accept": "application/sparql-results+json"})
    assert reply.mimetype == "application/sparql-results+json"


def test_a_link_to_another_version_says_so(client, info) -> None:  # noqa: ANN001
    body = client.get("/sparql", query_string={"query": NAMES, "version": "0123456789ab"},
                      headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert "version-notice" in body and "0123456789ab" in body and info.short_version in body
    page = client.get("/queries/bloc-heads", query_string={"year": "2021", "version": "0123456789ab"})
    assert page.status_code == 200  # version is no parameter of the query
    assert "version-notice" in page.get_data(as_text=True)


def test_cite_refuses_what_is_not_a_query(client) -> None:  # noqa: ANN001
    assert client.post("/sparql/cite", data={"query": "SELECT ?x WHERE {"}).status_code == 400
    assert client.post("/sparql/cite", data={}).status_code == 400


def test_a_library_query_page_offers_the_same_cite(client, info) -> None:  # noqa: ANN001
    body = client.get("/queries/bloc-heads", query_string={"year": "2021"}).get_data(as_text=True)
    link = html.unescape(re.search(r'class="cite-link" readonly[^>]*value="([^"]*)"', body).group(1))
    assert urlsplit(link).path == "/queries/bloc-heads"
    assert parse_qs(urlsplit(link).query) == {"year": ["2021"], "version": [info.short_version]}
    bibtex = html.unescape(re.search(r'<pre class="cite-bibtex">(.*?)</pre>', body, re.S).group(1))
    assert f"version = {{{info.short_version}}}" in bibtex and "Trưởng Khối" in bibtex
    csl = json.loads(html.unescape(re.search(r'<pre class="cite-csl">(.*?)</pre>', body, re.S).group(1)))
    assert csl[0]["URL"] == link
    # the link reproduces the page
    again = client.get(link.split("localhost", 1)[1]).get_data(as_text=True)
    assert VT in again and "version-notice" not in again


def test_hostile_values_stay_text_in_the_citation(client) -> None:  # noqa: ANN001
    body = client.get("/queries/label-search",
                      query_string={"text": "</pre><script>alert(1)</script>"}).get_data(as_text=True)
    assert "<script>alert(1)" not in body


# --------------------------------------------------------------------------- clean downloads


def test_csv_has_the_query_columns_a_bom_and_a_telling_name(client, info) -> None:  # noqa: ANN001
    reply = client.get("/queries/bloc-heads.csv", query_string={"year": "2021"})
    assert reply.status_code == 200 and reply.mimetype == "text/csv"
    assert reply.data[:3] == BOM
    assert f'filename="bloc-heads-2021_{info.short_version}.csv"' in reply.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(reply.data[3:].decode("utf-8"))))
    assert rows[0] == BLOC_HEADS_COLUMNS
    assert "_year_integer" not in rows[0] and "__bloc_iri" not in rows[0]
    assert VT in {r[rows[0].index("unitLabel")] for r in rows[1:]}
    plain = client.get("/queries/bloc-heads.csv", query_string={"year": "2021", "bom": "0"})
    assert plain.data == reply.data[3:]


def test_tsv_and_json_have_the_query_columns(client) -> None:  # noqa: ANN001
    tsv = client.get("/queries/bloc-heads.tsv?year=2022").get_data(as_text=True)
    assert tsv.splitlines()[0].split("\t") == ["?" + c for c in BLOC_HEADS_COLUMNS]
    data = json.loads(client.get("/queries/bloc-heads.json?year=2022").get_data(as_text=True))
    assert data["head"]["vars"] == BLOC_HEADS_COLUMNS
    assert all(set(b) <= set(BLOC_HEADS_COLUMNS) for b in data["results"]["bindings"])
    assert {b["unitLabel"]["value"] for b in data["results"]["bindings"]} == {
        QLTNN, "Cục Đo đạc, Bản đồ và Thông tin địa lý Việt Nam"}


def test_xlsx_opens_with_the_same_table(client, info) -> None:  # noqa: ANN001
    reply = client.get("/queries/bloc-heads.xlsx?year=2021")
    assert reply.status_code == 200
    assert reply.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f'filename="bloc-heads-2021_{info.short_version}.xlsx"' in reply.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(reply.data))
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert rows[0] == BLOC_HEADS_COLUMNS
    table = list(csv.reader(io.StringIO(client.get("/queries/bloc-heads.csv?year=2021&bom=0").get_data(
        as_text=True))))
    assert len(rows) == len(table)
    units = [r[BLOC_HEADS_COLUMNS.index("unitLabel")] for r in rows[1:]]
    assert units == [r[BLOC_HEADS_COLUMNS.index("unitLabel")] for r in table[1:]] and VT in units
    first_day = rows[1][BLOC_HEADS_COLUMNS.index("from")]
    assert first_day.year == 2021  # an xsd:date is a date in the sheet
    about = dict(book["about"].iter_rows(values_only=True))
    assert about["data version"] == info.version and about["query"] == "bloc-heads"


def test_the_page_offers_every_download(client) -> None:  # noqa: ANN001
    body = client.get("/queries/bloc-heads?year=2021").get_data(as_text=True)
    links = [html.unescape(h) for h in re.findall(r'<a class="download" href="([^"]*)"', body)]
    assert [urlsplit(u).path for u in links] == [
        f"/queries/bloc-heads.{f}" for f in ("csv", "tsv", "json", "xlsx")]
    no_bom = html.unescape(re.search(r'class="download-no-bom" href="([^"]*)"', body).group(1))
    assert parse_qs(urlsplit(no_bom).query) == {"year": ["2021"], "bom": ["0"]}


def test_editor_results_download_as_files(client, info) -> None:  # noqa: ANN001
    stem = "query-" + hashlib.sha256(NAMES.encode()).hexdigest()[:8]
    reply = client.get("/sparql/results.csv", query_string={"query": NAMES})
    assert reply.status_code == 200 and reply.data[:3] == BOM
    assert f'filename="{stem}_{info.short_version}.csv"' in reply.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(reply.data[3:].decode())))
    assert rows[0] == ["p", "name"] and ["https://w3id.org/tnmt-kg/person/nguyen-quoc-khanh",
                                          "Nguyễn Quốc Khánh"] in rows
    book = openpyxl.load_workbook(io.BytesIO(client.post("/sparql/results.xlsx", data={"query": NAMES}).data))
    assert [list(r) for r in book.worksheets[0].iter_rows(values_only=True)][0] == ["p", "name"]
    ask = client.get("/sparql/results.json", query_string={"query": "ASK { ?s ?p ?o }"})
    assert ask.get_json() == {"head": {}, "boolean": True}
    name = "<http://xmlns.com/foaf/0.1/name>"
    construct = client.get("/sparql/results.ttl", query_string={
        "query": f"CONSTRUCT {{ ?p {name} ?n }} WHERE {{ ?p {name} ?n }}"})
    assert construct.mimetype == "text/turtle" and "Nguyễn Quốc Khánh" in construct.get_data(as_text=True)
    assert client.get("/sparql/results.xlsx", query_string={"query": "ASK { ?s ?p ?o }"}).status_code == 404


def test_a_formula_in_the_data_stays_text_in_xlsx(client) -> None:  # noqa: ANN001
    reply = client.get("/sparql/results.xlsx", query_string={"query": 'SELECT ("=1+1" AS ?x) {}'})
    sheet = openpyxl.load_workbook(io.BytesIO(reply.data)).worksheets[0]
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"


# --------------------------------------------------------------------------- the editor page


def test_the_editor_page_has_the_gallery_beside_and_the_shortcut(client) -> None:  # noqa: ANN001
    body = client.get("/sparql", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert body.index('class="workbench-editor"') < body.index('id="yasgui"') < body.index(
        'class="workbench-gallery')
    assert "<kbd>Ctrl</kbd>+<kbd>Enter</kbd>" in body
    config = json.loads(re.search(r'id="sparql-config">(.*?)</script>', body, re.S).group(1))
    assert config["idBase"] == "https://w3id.org/tnmt-kg/" and config["idPath"] == "/id/"
    assert config["resultsUrls"]["xlsx"] == "/sparql/results.xlsx"
    for name in CATALOG:
        assert f'href="/queries/{name}"' in body
