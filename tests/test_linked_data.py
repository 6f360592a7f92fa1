"""Linked Data manners (issue 12, point 7): compact JSON-LD with an inline ``@context`` and
``Link`` headers on every entity page and RDF answer.

Expected values come from the specifications, not from the code:

* JSON-LD 1.1: a document whose ``@context`` is an object (not a string, a remote context)
  expands to triples; those triples must be exactly the Turtle description's (rdflib parses
  both; blank nodes compared by graph isomorphism).
* RFC 8288: ``Link: <target>; rel="…"; type="…", …``; the targets are URI references.
* The licence is the ontology's ``dcterms:license`` (``ontology/tnmt.ttl``: the SPDX MIT IRI).
"""

from __future__ import annotations

import json
import re

import pytest
import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, serialize
from rdflib.compare import isomorphic

from kg.jsonld import CONTEXT, compact_document, compact_iri, serialize_compact
from kg.vocab import BASE, PREFIXES

KHANH = "/id/person/nguyen-quoc-khanh"
BLOC = "/id/org/khoi-thi-dua-so-iv"
MIT = "https://spdx.org/licenses/MIT"
RDF_TYPES = {"text/turtle": "ttl", "application/ld+json": "jsonld", "application/n-triples": "nt",
             "application/rdf+xml": "rdf"}
PAGES = [KHANH, BLOC, "/id/role/truong-khoi", "/id/source/khoi-thi-dua-iv-2021",
         "/id/event/hoi-nghi-tong-ket-2021-khoi-thi-dua-so-iv",
         "/resource?iri=http%3A%2F%2Fwww.w3.org%2Fns%2Forg%23Membership", "/ontology"]

# RFC 8288, section 3: link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param )
_LINK = re.compile(r'<([^>]*)>((?:\s*;\s*[a-zA-Z*-]+\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^;,\s]+))*)')
_PARAM = re.compile(r';\s*([a-zA-Z*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;,\s]+))')


def parse_link_header(value: str) -> list[dict[str, str]]:
    """Each link of a ``Link`` header as ``{"href": …, rel: …, type: …}`` (RFC 8288)."""
    links = []
    rest = value.strip()
    while rest:
        match = _LINK.match(rest)
        assert match, f"not an RFC 8288 link-value: {rest[:80]!r}"
        link = {"href": match.group(1)}
        for name, quoted, token in _PARAM.findall(match.group(2)):
            link[name.lower()] = quoted if quoted or not token else token
        links.append(link)
        rest = rest[match.end():].lstrip()
        assert not rest or rest.startswith(","), rest[:40]
        rest = rest[1:].lstrip()
    return links


def links_by_rel(response, rel: str) -> list[dict[str, str]]:  # noqa: ANN001
    return [link for link in parse_link_header(response.headers["Link"]) if link["rel"] == rel]


def graph_of(body: bytes, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=body, format=fmt)


# --------------------------------------------------------------------------- JSON-LD


@pytest.mark.parametrize("path", PAGES)
def test_json_ld_holds_exactly_the_triples_of_the_turtle(client, path: str) -> None:  # noqa: ANN001
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    answer = client.get(path, headers={"Accept": "application/ld+json"})
    assert answer.status_code == 200 and answer.mimetype == "application/ld+json"
    expected, found = graph_of(turtle.data, "turtle"), graph_of(answer.data, "json-ld")
    assert len(found) == len(expected) > 0
    assert isomorphic(found, expected)


def test_the_context_is_inline_and_keys_are_readable(client) -> None:  # noqa: ANN001
    doc = client.get(KHANH + ".jsonld").get_json(force=True)
    context = doc["@context"]
    assert isinstance(context, dict)  # inline: a string or a list would be a remote context
    assert context["id"] == "@id" and context["type"] == "@type"
    assert context["person"] == BASE + "person/" and context["foaf"] == "http://xmlns.com/foaf/0.1/"
    assert context["memberOf"] == {"@id": "http://www.w3.org/ns/org#memberOf", "@type": "@id"}
    assert context["label"] == "http://www.w3.org/2000/01/rdf-schema#label"
    assert context["source"] == {"@id": "http://purl.org/dc/terms/source", "@type": "@id"}
    khanh = doc["@graph"][0]
    assert khanh["id"] == "person:nguyen-quoc-khanh"  # the described entity comes first
    assert "foaf:Person" in khanh["type"]
    assert {"@value": "Nguyễn Quốc Khánh", "@language": "vi"} in _as_list(khanh["label"])
    memberships = [n for n in doc["@graph"] if "member" in n]
    assert memberships and all(n["member"] == "person:nguyen-quoc-khanh" for n in memberships)
    # No key is a full IRI where a prefix or an alias exists.
    keys = {k for node in doc["@graph"] for k in node}
    assert not [k for k in keys if k.startswith(tuple(v for p, v in PREFIXES.items() if p != "role"))]


def test_a_membership_reads_with_its_aliases(client) -> None:  # noqa: ANN001
    path = "/id/membership/cuc-vien-tham-quoc-gia--truong-khoi--khoi-thi-dua-so-iv--2021"
    doc = client.get(path, headers={"Accept": "application/ld+json"}).get_json(force=True)
    node = doc["@graph"][0]
    assert node["role"] == BASE + "role/truong-khoi"  # "role" is the key, so role IRIs stay whole
    assert node["organization"] == "unit:khoi-thi-dua-so-iv"
    assert node["member"] == "unit:cuc-vien-tham-quoc-gia"
    assert "memberDuring" in node and "source" in node


def test_plain_json_gets_the_same_json_ld(client) -> None:  # noqa: ANN001
    ld = client.get(BLOC, headers={"Accept": "application/ld+json"})
    plain = client.get(BLOC, headers={"Accept": "application/json"})
    assert plain.mimetype == "application/json"
    assert json.loads(plain.data) == json.loads(ld.data)


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


# The writer's own cases, each checked against rdflib's JSON-LD reading.
S = NamedNode(BASE + "person/a")
LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
URL = NamedNode("https://schema.org/url")
ORG_ROLE = NamedNode("http://www.w3.org/ns/org#role")
NEXT = NamedNode("http://example.org/next")
CASES = {
    "a literal under an IRI-valued alias": [Quad(S, URL, Literal("not an IRI"))],
    "an IRI under a literal alias": [Quad(S, LABEL, NamedNode("http://example.org/x"))],
    "typed and tagged literals": [
        Quad(S, NamedNode("http://purl.org/dc/terms/issued"), Literal("2021-12-20", datatype=NamedNode(
            "http://www.w3.org/2001/XMLSchema#date"))),
        Quad(S, LABEL, Literal("A", language="en")), Quad(S, LABEL, Literal("plain"))],
    "a role IRI and an IRI whose local part starts with //": [
        Quad(S, ORG_ROLE, NamedNode(BASE + "role/truong-khoi")),
        Quad(S, NEXT, NamedNode(BASE + "person///x"))],
    "a blank node used twice": [Quad(S, NEXT, BlankNode("b")), Quad(NamedNode(BASE + "person/c"), NEXT,
                                                                   BlankNode("b")),
                                Quad(BlankNode("b"), LABEL, Literal("shared"))],
    "a cycle of blank nodes": [Quad(BlankNode("x"), NEXT, BlankNode("y")), Quad(BlankNode("y"), NEXT,
                                                                             BlankNode("x"))],
    "a chain of blank nodes": [Quad(S, NEXT, BlankNode("p")), Quad(BlankNode("p"), NEXT, BlankNode("q")),
                               Quad(BlankNode("q"), LABEL, Literal("end"))],
    "a literal rdf:type": [Quad(S, NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                Literal("odd"))],
}


@pytest.mark.parametrize("name", CASES)
def test_the_writer_round_trips(name: str) -> None:
    quads = CASES[name]
    expected = graph_of(serialize(quads, format=RdfFormat.N_TRIPLES), "nt")
    assert isomorphic(graph_of(serialize_compact(quads), "json-ld"), expected)


def test_blank_nodes_used_once_are_embedded() -> None:
    doc = compact_document(CASES["a chain of blank nodes"])
    assert doc["@graph"] == [{"id": "person:a", "http://example.org/next": {
        "http://example.org/next": {"label": "end"}}}]


def test_compact_iris_follow_the_json_ld_rules() -> None:
    assert compact_iri(BASE + "person/x") == "person:x"
    assert compact_iri(BASE + "person/") == BASE + "person/"  # an empty local part
    assert compact_iri(BASE + "person///x") == BASE + "person///x"  # would read as an IRI
    assert "role" not in {k for k, v in CONTEXT.items() if isinstance(v, str) and v == BASE + "role/"}


# --------------------------------------------------------------------------- Link headers


def test_the_page_links_every_form_its_description_licence_and_canonical_url(client) -> None:  # noqa: ANN001
    response = client.get(KHANH, headers={"Accept": "text/html"})
    alternates = {link["type"]: link["href"] for link in links_by_rel(response, "alternate")}
    root = "http://localhost"
    assert alternates == {media: f"{root}{KHANH}.{suffix}" for media, suffix in RDF_TYPES.items()}
    assert links_by_rel(response, "describedby") == [
        {"href": f"{root}{KHANH}.ttl", "rel": "describedby", "type": "text/turtle"}]
    assert [link["href"] for link in links_by_rel(response, "license")] == [MIT]
    assert [link["href"] for link in links_by_rel(response, "canonical")] == [root + KHANH]
    # The same links in the page's head.
    html = response.get_data(as_text=True)
    head = html.split("</head>", 1)[0]
    for media, suffix in RDF_TYPES.items():
        assert f'<link rel="alternate" type="{media}" href="{KHANH}.{suffix}">' in head
    assert f'<link rel="describedby" href="{root}{KHANH}.ttl" type="text/turtle">' in head
    assert f'<link rel="license" href="{MIT}">' in head
    assert f'<link rel="canonical" href="{root}{KHANH}">' in head


def test_the_canonical_url_drops_what_was_asked_for(client) -> None:  # noqa: ANN001
    response = client.get(KHANH + "?lang=vi&format=html")
    assert [link["href"] for link in links_by_rel(response, "canonical")] == ["http://localhost" + KHANH]


@pytest.mark.parametrize("media", list(RDF_TYPES))
def test_rdf_answers_link_the_other_forms(client, media: str) -> None:  # noqa: ANN001
    response = client.get(BLOC, headers={"Accept": media})
    assert response.mimetype == media
    alternates = {link["type"] for link in links_by_rel(response, "alternate")}
    assert alternates == {"text/html", *RDF_TYPES} - {media}
    described = links_by_rel(response, "describedby")
    assert described == ([] if media == "text/turtle" else [
        {"href": f"http://localhost{BLOC}.ttl", "rel": "describedby", "type": "text/turtle"}])
    assert [link["href"] for link in links_by_rel(response, "license")] == [MIT]
    assert links_by_rel(response, "canonical") == []


@pytest.mark.parametrize("path", PAGES)
def test_every_linked_form_answers_with_its_type(client, path: str) -> None:  # noqa: ANN001
    for link in links_by_rel(client.get(path, headers={"Accept": "text/html"}), "alternate"):
        target = link["href"].removeprefix("http://localhost")
        answer = client.get(target)
        assert answer.status_code == 200, target
        assert answer.mimetype == link["type"], target


def test_resource_and_ontology_links(client) -> None:  # noqa: ANN001
    resource = client.get(PAGES[5], headers={"Accept": "text/turtle"})
    html_link = links_by_rel(resource, "alternate")[0]
    assert html_link == {"href": "http://localhost" + PAGES[5], "rel": "alternate", "type": "text/html"}
    ontology = client.get("/ontology", headers={"Accept": "text/html"})
    assert {link["href"] for link in links_by_rel(ontology, "alternate")} == {
        f"http://localhost/ontology.{s}" for s in RDF_TYPES.values()}
    assert [link["href"] for link in links_by_rel(ontology, "license")] == [MIT]


def test_link_header_syntax_escapes_what_it_must() -> None:
    from server.negotiation import link_header

    value = link_header([{"href": "/a b<c>", "rel": "alternate", "title": 'say "hi"'}])
    assert value == '</a%20b%3Cc%3E>; rel="alternate"; title="say \\"hi\\""'
    assert parse_link_header(value) == [
        {"href": "/a%20b%3Cc%3E", "rel": "alternate", "title": 'say \\"hi\\"'}]
