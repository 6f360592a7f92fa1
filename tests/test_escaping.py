"""Hostile text in every parameter, path segment and in the data itself comes back escaped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import TEST_ENV

from kg.build import build, load_files
from kg.config import Settings

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
]
KHANH = "/id/person/nguyen-quoc-khanh"


def urls_for(payload: str) -> list[str]:
    """Every HTML page and JSON endpoint of the entity, search and API views, with the payload in
    each parameter, path segment and suffix."""
    q = quote(payload, safe="")
    return [
        f"/search?q={q}",
        f"/api/search?q={q}",
        f"/resource?iri={q}",
        f"/resource?iri=https://example.org/{q}",
        f"/resource?iri=http://www.w3.org/ns/org%23Membership&format={q}",
        f"/id/{q}",
        f"/id/person/{q}",
        f"/id/person/{q}.ttl",
        f"{KHANH}.{q}",
        f"{KHANH}?format={q}",
        f"/ontology?format={q}",
        f"/ontology.{q}",
        f"/api/people/{q}/roles",
        f"/api/holders?role={q}&org={q}&date={q}",
        f"/api/holders?role=truong-khoi&org=khoi-thi-dua-so-iv&date={q}",
        f"/api/holders?role=https://example.org/{q}&date=2021-12-20",
        f"/search?q=khanh&limit={q}",
        # the other views: graph, timeline, query library, SPARQL editor and endpoint, exports
        f"/graph?year={q}", f"/graph?org={q}", f"/graph?person={q}&depth={q}", f"/graph?role={q}",
        f"/graph?org=khoi-thi-dua-so-iv&size={q}", f"/graph/data.json?org={q}",
        f"/graph/download.html?org={q}", f"/graph/download.ttl?person={q}",
        f"/timeline?org={q}", f"/timeline.json?org={q}",
        f"/queries/{q}", f"/queries/bloc-heads?year={q}", f"/queries/role-holders-on-date?date={q}",
        f"/queries/person-posts?person={q}", f"/queries/bloc-heads.csv?year={q}",
        f"/sparql?query={q}&ui=1", f"/sparql?query={q}", f"/sparql?query=ASK%7B%7D&format={q}",
        f"/export?format={q}", f"/.well-known/void?format={q}",
        f"/api/analytics/path?from={q}&to={q}",
    ]


ACCEPTS = [None, "text/html", "application/json", "text/turtle"]


def assert_escaped(body: str, payload: str, where: str) -> None:
    assert payload not in body, f"raw payload in {where}"
    for dangerous in ("<script>alert", "<img src=x", "<svg onload"):
        assert dangerous not in body, f"{dangerous!r} unescaped in {where}"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_parameters_come_back_escaped(client, payload: str) -> None:  # noqa: ANN001
    for url in urls_for(payload):
        for accept in ACCEPTS:
            headers = {"Accept": accept} if accept else {}
            response = client.get(url, headers=headers)
            assert response.status_code < 500, (url, accept, response.status_code)
            assert response.headers.get("X-Content-Type-Options") == "nosniff", url
            if response.mimetype == "text/plain":
                # A SPARQL client's error message, quoted as given: plain text that a browser told
                # `nosniff` never renders as HTML — so it carries no markup risk.
                continue
            assert_escaped(response.get_data(as_text=True), payload, f"{url} (Accept: {accept})")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_accept_header(client, payload: str) -> None:  # noqa: ANN001
    for url in (KHANH, "/ontology", "/search?q=x", "/api/search?q=x"):
        response = client.get(url, headers={"Accept": payload})
        assert_escaped(response.get_data(as_text=True), payload, f"{url} (Accept: payload)")


def test_payload_is_echoed_escaped_not_dropped(client) -> None:  # noqa: ANN001
    html = client.get("/search", query_string={"q": PAYLOADS[0]}).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    body = client.get("/api/search", query_string={"q": PAYLOADS[0]}).get_data(as_text=True)
    assert "\\u003cscript\\u003e" in body


# --------------------------------------------------------------------------- hostile data

HOSTILE_TURTLE = """
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix org:  <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix tnmt: <https://w3id.org/tnmt-kg/ontology#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .

<https://w3id.org/tnmt-kg/person/hostile> a foaf:Person ;
    rdfs:label "<script>alert(1)</script>"@vi ;
    foaf:name "\\"><img src=x onerror=alert(1)>" ;
    rdfs:comment "'><svg onload=alert(1)>"^^xsd:string ;
    tnmt:quote "<script>alert(1)</script> in a quote"@vi ;
    prov:wasDerivedFrom <https://w3id.org/tnmt-kg/source/khoi-thi-dua-iv-2021> .

<https://w3id.org/tnmt-kg/membership/hostile> a org:Membership ;
    rdfs:label "<script>alert(1)</script> membership"@vi ;
    org:member <https://w3id.org/tnmt-kg/person/hostile> ;
    org:role <https://w3id.org/tnmt-kg/role/truong-khoi> ;
    org:organization <https://w3id.org/tnmt-kg/org/khoi-thi-dua-so-iv> ;
    tnmt:quote "\\"><img src=x onerror=alert(1)>"@vi ;
    prov:wasDerivedFrom <https://w3id.org/tnmt-kg/source/khoi-thi-dua-iv-2021> .
"""


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """An app over the seed plus a researcher's file whose labels and quotes are hostile."""
    from server.app import create_app

    folder: Path = tmp_path_factory.mktemp("hostile")
    settings = Settings.load(env=TEST_ENV, overrides={"store": str(folder / "store")})
    build(settings, validate=False)
    data = folder / "hostile.ttl"
    data.write_text(HOSTILE_TURTLE, encoding="utf-8")
    load_files(settings, [data])
    application = create_app(settings, {"TESTING": True})
    yield application.test_client()
    application.extensions["tnmt_kg"].close()


@pytest.mark.parametrize(
    "url",
    ["/id/person/hostile", "/id/membership/hostile", "/id/org/khoi-thi-dua-so-iv", "/id/role/truong-khoi",
     "/id/source/khoi-thi-dua-iv-2021", "/resource?iri=https://w3id.org/tnmt-kg/person/hostile",
     "/search?q=script", "/search?q=alert", "/api/search?q=script", "/api/people/hostile/roles",
     "/api/holders?role=truong-khoi&org=khoi-thi-dua-so-iv&date=2021-12-20",
     "/resource?iri=http://www.w3.org/ns/org%23Membership"],
)
def test_hostile_data_is_escaped(hostile_client, url: str) -> None:  # noqa: ANN001
    for accept in (None, "application/json"):
        response = hostile_client.get(url, headers={"Accept": accept} if accept else {})
        assert response.status_code == 200, (url, response.status_code)
        body = response.get_data(as_text=True)
        for payload in PAYLOADS:
            assert_escaped(body, payload, f"{url} (Accept: {accept})")


def test_hostile_labels_are_shown_as_text(hostile_client) -> None:  # noqa: ANN001
    html = hostile_client.get("/id/person/hostile").get_data(as_text=True)
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; · tnmt-kg</title>" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; in a quote" in html  # the quote, in provenance
    source = hostile_client.get("/id/source/khoi-thi-dua-iv-2021").get_data(as_text=True)
    assert "Quotes not found in the text" in source  # a loaded quote that is not in the text
    found = hostile_client.get("/search?q=script").get_data(as_text=True)
    assert 'href="/id/person/hostile"' in found
