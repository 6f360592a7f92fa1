"""Entity pages (Linked Data): HTML content, content negotiation, source pages, the ontology."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, parse

from kg.entities import Term
from kg.source_text import locate_quotes, normalise_with_map
from kg.vocab import BASE, FOAF, ONTOLOGY_NS, RDF, RDFS, SKOS

KHANH = "/id/person/nguyen-quoc-khanh"
VIEN_THAM = "/id/org/cuc-vien-tham-quoc-gia"
SOURCE = "/id/source/khoi-thi-dua-iv-2021"
BLOC_HEAD_2021 = "/id/membership/cuc-vien-tham-quoc-gia--truong-khoi--khoi-thi-dua-so-iv--2021"
ATTESTED = "ghi nhận ngày 20/12/2021 (attested only)"


class Tables(HTMLParser):
    """The text of each cell of each row of the tables with a given class."""

    def __init__(self, css_class: str) -> None:
        super().__init__()
        self.css_class = css_class
        self.depth = 0
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and self.css_class in (dict(attrs).get("class") or "").split():
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str, css_class: str) -> list[list[str]]:
    parser = Tables(css_class)
    parser.feed(html)
    return [row for row in parser.rows if row and not row[0].startswith("Time")]


def parse_rdf(body: bytes, fmt: RdfFormat) -> set[Quad]:
    return set(parse(io.BytesIO(body), fmt, base_iri="http://localhost/"))


# --------------------------------------------------------------------------- HTML pages


def test_person_page_lists_both_roles_attested_on_the_conference_day(client) -> None:  # noqa: ANN001
    response = client.get(KHANH)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<h1 lang="vi">Nguyễn Quốc Khánh</h1>' in html
    rows = table_rows(html, "memberships")
    roles = {(row[2], row[3]) for row in rows}
    assert roles == {("Cục trưởng", "Cục Viễn thám quốc gia"), ("Trưởng Khối", "Khối Thi đua số IV")}
    for row in rows:
        assert row[0].startswith(ATTESTED)
        assert "inferred" in row[0]  # the year is inferred, with the reason
        assert "Sáng 20/12" in row[0]
        assert "chủ trì Hội nghị" in row[4]  # the supporting quote


def test_person_page_links_graph_formats_and_the_quote_in_its_source(client) -> None:  # noqa: ANN001
    html = client.get(KHANH).get_data(as_text=True)
    assert '<link rel="alternate" type="text/turtle" href="/id/person/nguyen-quoc-khanh.ttl">' in html
    assert ('<link rel="alternate" type="application/ld+json" href="/id/person/nguyen-quoc-khanh.jsonld">'
            in html)
    assert 'href="/graph?person=https%3A%2F%2Fw3id.org%2Ftnmt-kg%2Fperson%2Fnguyen-quoc-khanh"' in html
    assert 'href="/resource?iri=http%3A%2F%2Fxmlns.com%2Ffoaf%2F0.1%2FPerson"' in html  # types link
    # provenance: the quote, linked to its highlight on the source page
    anchors = re.findall(r'href="/id/source/khoi-thi-dua-iv-2021#(quote-\d+)"', html)
    assert anchors
    source = client.get(SOURCE).get_data(as_text=True)
    for anchor in anchors:
        assert f'id="{anchor}"' in source
    # incoming links, grouped by property
    incoming = html.split('id="incoming"', 1)[1].split("</section>", 1)[0]
    assert "org:member" in incoming
    assert "/id/membership/nguyen-quoc-khanh--cuc-truong--cuc-vien-tham-quoc-gia--2021-12-20" in incoming
    assert "người chủ trì" in incoming  # tnmt:chair, by its Vietnamese label


def test_org_page_shows_the_bloc_head_year_sorted_by_time(client) -> None:  # noqa: ANN001
    html = client.get(VIEN_THAM).get_data(as_text=True)
    rows = table_rows(html, "memberships")
    head = [r for r in rows if r[2] == "Trưởng Khối"]
    assert len(head) == 1
    assert head[0][0] == "2021-01-01 – 2021-12-31"
    assert head[0][3] == "Khối Thi đua số IV"
    times = [r[0][:10] for r in rows]
    assert times[0] == "2021-01-01"
    assert any(r[0].startswith(ATTESTED) for r in rows)
    assert '<li lang="en">National Remote Sensing Department' in html
    assert '<li lang="vi">Cục Viễn thám quốc gia' in html
    assert 'href="/timeline?org=https%3A%2F%2Fw3id.org%2Ftnmt-kg%2Forg%2Fcuc-vien-tham-quoc-gia"' in html
    assert 'href="/graph?org=https%3A%2F%2Fw3id.org%2Ftnmt-kg%2Forg%2Fcuc-vien-tham-quoc-gia"' in html


def test_bloc_page_holds_the_whole_rotation(client) -> None:  # noqa: ANN001
    rows = table_rows(client.get("/id/org/khoi-thi-dua-so-iv").get_data(as_text=True), "memberships")
    heads = [(r[0], r[1], r[2]) for r in rows if r[2] in ("Trưởng Khối", "Khối phó")]
    assert ("2021-01-01 – 2021-12-31", "Cục Viễn thám quốc gia", "Trưởng Khối") in heads
    # 2022's head and deputy are assigned by the rotation, not memberships held
    assert not any(r[0].startswith("2022") for r in heads)
    html = client.get("/id/org/khoi-thi-dua-so-iv").get_data(as_text=True)
    assert "Cục Quản lý tài nguyên nước: được phân công Trưởng Khối — Khối Thi đua số IV năm 2022" in html


def test_event_page_marks_the_inferred_date_with_its_reason(client) -> None:  # noqa: ANN001
    html = client.get("/id/event/hoi-nghi-tong-ket-2021-khoi-thi-dua-so-iv").get_data(as_text=True)
    provenance = html.split('id="provenance"', 1)[1]
    assert "Inferred, not stated" in provenance
    assert "tổng kết năm 2021" in provenance
    assert "schema:startDate" in provenance
    assert 'class="tag inferred"' in html.split('id="facts"', 1)[1].split("</section>", 1)[0]


def test_membership_page_shows_its_own_row_and_quotes(client) -> None:  # noqa: ANN001
    html = client.get(BLOC_HEAD_2021).get_data(as_text=True)
    rows = table_rows(html, "memberships")
    assert [r[:4] for r in rows] == [["2021-01-01 – 2021-12-31", "Cục Viễn thám quốc gia", "Trưởng Khối",
                                      "Khối Thi đua số IV"]]
    assert "Năm 2021, Cục Viễn thám quốc gia là Khối trưởng Khối Thi đua số IV." in html


# --------------------------------------------------------------------------- the source page


def test_source_page_highlights_the_quote_and_links_it_to_the_membership(client) -> None:  # noqa: ANN001
    html = client.get(SOURCE).get_data(as_text=True)
    match = re.search(r'<mark id="(quote-\d+)"[^>]*>Năm 2021, Cục Viễn thám quốc gia là Khối trưởng Khối '
                      r'Thi đua số IV\.</mark><sup class="fact-links">(.*?)</sup>', html)
    assert match, "the bloc-head quote is highlighted on its own"
    assert f'href="{BLOC_HEAD_2021}"' in match.group(2)
    # and the membership page links back to exactly that highlight
    membership = client.get(BLOC_HEAD_2021).get_data(as_text=True)
    assert f'href="{SOURCE}#{match.group(1)}"' in membership


def test_source_page_markup_is_well_formed(client) -> None:  # noqa: ANN001
    html = client.get(SOURCE).get_data(as_text=True)
    text = html.split('id="text"', 1)[1].split("</section>", 1)[0]
    assert text.count("<mark") == text.count("</mark>") > 10
    assert not re.search(r"<mark[^>]*>[^<]*<mark", text), "marks never nest"
    ids = re.findall(r'<mark id="(quote-\d+)"', text)
    assert len(ids) == len(set(ids))
    assert text.count("<p") == text.count("</p>") > 15  # paragraphs kept
    assert "Năm 2021, Cục Viễn thám quốc gia" in text
    assert "Quotes not found" not in html  # every quote of the seed is in its text


def test_overlapping_quotes_merge_into_one_mark_listing_all_facts() -> None:
    a, b = Term("iri", BASE + "a"), Term("iri", BASE + "b")
    text = "Một hai ba bốn năm sáu."
    found = locate_quotes("s", text, {"hai ba bốn": [a], "bốn năm": [b]})
    assert len(found.marks) == 1
    assert found.marks[0].facts == [a, b]
    assert text[found.marks[0].start:found.marks[0].end] == "hai ba bốn năm"
    assert found.mark_for("bốn  năm") == found.mark_for("hai ba bốn") == 0


def test_quotes_are_found_across_non_breaking_spaces_and_line_breaks() -> None:
    text = "Cục trưởng Cục Viễn thám quốc gia Nguyễn Quốc Khánh \u00a0bày tỏ\ncảm ơn.\n\nĐoạn hai."
    found = locate_quotes("s", text, {"Nguyễn Quốc Khánh bày tỏ cảm ơn": [], "không có": []})
    assert found.missing == ["không có"]
    mark = found.marks[0]
    assert text[mark.start:mark.end] == "Nguyễn Quốc Khánh \u00a0bày tỏ\ncảm ơn"
    assert [[s.text for s in p] for p in found.paragraphs] == [
        ["Cục trưởng Cục Viễn thám quốc gia ", "Nguyễn Quốc Khánh \u00a0bày tỏ\ncảm ơn", "."], ["Đoạn hai."]]


def test_a_quote_across_a_paragraph_break_is_split_but_anchored_once() -> None:
    found = locate_quotes("s", "Một hai.\n\nBa bốn.", {"hai. Ba": []})
    pieces = [s for p in found.paragraphs for s in p if s.mark is not None]
    assert [(s.text, s.anchor, s.last) for s in pieces] == [("hai.", True, False), ("Ba", False, True)]


def test_normalised_positions_map_back_to_the_original() -> None:
    text = " a\u00a0\u00a0b \n c "
    normal, positions = normalise_with_map(text)
    assert normal == "a b c"
    assert [text[i] for i in positions] == ["a", "\u00a0", "b", " ", "c"]


# --------------------------------------------------------------------------- content negotiation


@pytest.mark.parametrize(
    ("accept", "media_type", "fmt"),
    [
        ("text/turtle", "text/turtle", RdfFormat.TURTLE),
        ("application/ld+json", "application/ld+json", RdfFormat.JSON_LD),
        ("application/n-triples", "application/n-triples", RdfFormat.N_TRIPLES),
        ("application/rdf+xml", "application/rdf+xml", RdfFormat.RDF_XML),
        ("text/html;q=0.5, text/turtle;q=0.9", "text/turtle", RdfFormat.TURTLE),
        ("application/*;q=0.8, text/html;q=0.1", "application/ld+json", RdfFormat.JSON_LD),
    ],
)
def test_rdf_by_accept(client, accept: str, media_type: str, fmt: RdfFormat) -> None:  # noqa: ANN001
    response = client.get(KHANH, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Accept" in response.headers.get("Vary", "")
    quads = parse_rdf(response.data, fmt)
    khanh = NamedNode(BASE + "person/nguyen-quoc-khanh")
    assert Quad(khanh, RDF.type, FOAF.Person) in quads
    assert Quad(khanh, FOAF.name, Literal("Nguyễn Quốc Khánh", language="vi")) in quads


def test_browsers_get_html(client) -> None:  # noqa: ANN001
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
    assert client.get(KHANH, headers={"Accept": accept}).mimetype == "text/html"
    assert client.get(KHANH).mimetype == "text/html"  # no Accept at all


@pytest.mark.parametrize(
    ("suffix", "media_type", "fmt"),
    [(".ttl", "text/turtle", RdfFormat.TURTLE), (".jsonld", "application/ld+json", RdfFormat.JSON_LD),
     (".nt", "application/n-triples", RdfFormat.N_TRIPLES),
     (".rdf", "application/rdf+xml", RdfFormat.RDF_XML)],
)
def test_rdf_by_suffix(client, suffix: str, media_type: str, fmt: RdfFormat) -> None:  # noqa: ANN001
    response = client.get(KHANH + suffix, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.mimetype == media_type
    subjects = {q.subject for q in parse_rdf(response.data, fmt)}
    assert NamedNode(BASE + "person/nguyen-quoc-khanh") in subjects


def test_jsonld_suffix_is_json(client) -> None:  # noqa: ANN001
    response = client.get(KHANH + ".jsonld")
    assert isinstance(response.get_json(force=True), (list, dict))
    plain = client.get(KHANH, headers={"Accept": "application/json"})  # JSON-LD for JSON clients
    assert plain.mimetype == "application/json"
    assert NamedNode(BASE + "person/nguyen-quoc-khanh") in {
        q.subject for q in parse_rdf(plain.data, RdfFormat.JSON_LD)}


def test_description_carries_incoming_links_and_labels_of_neighbours(client) -> None:  # noqa: ANN001
    quads = parse_rdf(client.get(KHANH + ".nt").data, RdfFormat.N_TRIPLES)
    membership = NamedNode(
        BASE + "membership/nguyen-quoc-khanh--cuc-truong--cuc-vien-tham-quoc-gia--2021-12-20")
    assert Quad(membership, NamedNode("http://www.w3.org/ns/org#member"),
                NamedNode(BASE + "person/nguyen-quoc-khanh")) in quads
    assert any(q.subject == membership and q.predicate == RDFS.label for q in quads)


def test_format_parameter(client) -> None:  # noqa: ANN001
    response = client.get(KHANH + "?format=nt")
    assert response.mimetype == "application/n-triples"
    assert client.get(KHANH + "?format=text/turtle").mimetype == "text/turtle"
    assert client.get(KHANH + "?format=html", headers={"Accept": "text/turtle"}).mimetype == "text/html"
    bad = client.get(KHANH + "?format=png")
    assert bad.status_code == 400
    assert "ttl" in bad.get_data(as_text=True)  # the known formats are listed


def test_406_when_nothing_acceptable(client) -> None:  # noqa: ANN001
    assert client.get(KHANH, headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/ontology", headers={"Accept": "image/png"}).status_code == 406
    resource = "/resource?iri=" + quote("http://www.w3.org/ns/org#Membership", safe="")
    assert client.get(resource, headers={"Accept": "image/png"}).status_code == 406


def test_404_for_an_iri_without_triples(client) -> None:  # noqa: ANN001
    assert client.get("/id/person/nobody").status_code == 404
    assert client.get("/id/person/nobody.ttl").status_code == 404
    assert client.get(KHANH + ".png").status_code == 404
    assert client.get("/resource?iri=https://example.org/nothing").status_code == 404


# --------------------------------------------------------------------------- /resource


def test_resource_page_of_an_external_class(client) -> None:  # noqa: ANN001
    response = client.get("/resource?iri=http://www.w3.org/ns/org%23Membership")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>org:Membership</h1>" in html
    incoming = html.split('id="incoming"', 1)[1]
    assert "rdf:type" in incoming
    assert BLOC_HEAD_2021 in incoming


def test_resource_in_rdf(client) -> None:  # noqa: ANN001
    iri = "http://www.w3.org/ns/org#Membership"
    for query, headers in (("&format=ttl", {}), ("", {"Accept": "text/turtle"})):
        response = client.get("/resource?iri=" + quote(iri, safe="") + query, headers=headers)
        assert response.mimetype == "text/turtle"
        quads = parse_rdf(response.data, RdfFormat.TURTLE)
        assert any(q.object == NamedNode(iri) for q in quads)


def test_resource_needs_a_valid_iri(client) -> None:  # noqa: ANN001
    assert client.get("/resource").status_code == 400
    assert client.get("/resource?iri=not%20an%20iri").status_code == 400


# --------------------------------------------------------------------------- the ontology


def test_ontology_documentation(client) -> None:  # noqa: ANN001
    response = client.get("/ontology", headers={"Accept": "text/html"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for anchor in ("Department", "CompetitionBloc", "InferredStatement", "quote", "onBehalfOf", "chair"):
        assert f'id="{anchor}"' in html
    department = html.split('id="Department"', 1)[1].split("</section>", 1)[0]
    assert '<span lang="vi">Cục</span>' in department
    assert '<span lang="en">Department</span>' in department
    assert "org:OrganizationalUnit" in department
    on_behalf = html.split('id="onBehalfOf"', 1)[1].split("</section>", 1)[0]
    assert 'href="/ontology#Speech"' in on_behalf and 'href="/ontology#Recognition"' in on_behalf  # union
    assert "org:Organization" in on_behalf  # range
    assert 'id="role-truong-khoi"' in html and 'href="/id/role/truong-khoi"' in html
    assert '<link rel="alternate" type="text/turtle" href="/ontology.ttl">' in html


def test_ontology_in_rdf(client) -> None:  # noqa: ANN001
    department = Quad(NamedNode(ONTOLOGY_NS + "Department"), RDF.type,
                      NamedNode("http://www.w3.org/2002/07/owl#Class"))
    turtle = client.get("/ontology.ttl")
    assert turtle.mimetype == "text/turtle"
    assert department in parse_rdf(turtle.data, RdfFormat.TURTLE)
    negotiated = client.get("/ontology", headers={"Accept": "application/n-triples"})
    assert department in parse_rdf(negotiated.data, RdfFormat.N_TRIPLES)
    roles = parse_rdf(client.get("/ontology.jsonld").data, RdfFormat.JSON_LD)
    assert any(q.subject == NamedNode(BASE + "role/truong-khoi") and q.predicate == SKOS.prefLabel
               for q in roles)
    assert client.get("/ontology.png").status_code == 404


def test_ontology_terms_resolve_to_the_documentation(client) -> None:  # noqa: ANN001
    html = client.get(KHANH).get_data(as_text=True)
    assert 'href="/ontology#chair"' in html


def test_every_entity_of_the_seed_has_a_page(client, seed_store: Store) -> None:  # noqa: ANN001
    subjects = {q.subject.value for q in seed_store.quads_for_pattern(None, None, None)
                if isinstance(q.subject, NamedNode) and q.subject.value.startswith(BASE)
                and not q.subject.value.startswith(BASE + "ontology")}
    assert len(subjects) > 80
    for iri in sorted(subjects):
        response = client.get("/id/" + iri[len(BASE):])
        assert response.status_code == 200, iri


@pytest.mark.live
def test_live_server_dereferences_with_a_real_client(live_server) -> None:  # noqa: ANN001
    import urllib.request

    request = urllib.request.Request(live_server.url + KHANH, headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers.get_content_type() == "text/turtle"
        quads = parse_rdf(response.read(), RdfFormat.TURTLE)
    assert Quad(NamedNode(BASE + "person/nguyen-quoc-khanh"), RDF.type, FOAF.Person) in quads
    with urllib.request.urlopen(live_server.url + "/search?q=vien+tham", timeout=10) as response:
        assert 'href="/id/org/cuc-vien-tham-quoc-gia"' in response.read().decode()


def test_entity_page_shows_its_place_in_the_graph(client) -> None:  # noqa: ANN001
    html = client.get("/id/org/khoi-thi-dua-so-iv", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Place in the graph" in html
    # The bloc is linked to its 6 units, the ministry, Nguyễn Quốc Khánh (Trưởng Khối), the conference
    # it organised and the 5 movements it implemented: 14 distinct neighbours.
    assert "14 linked entities" in html
    assert 'href="/timeline?org=https%3A%2F%2Fw3id.org%2Ftnmt-kg%2Forg%2Fkhoi-thi-dua-so-iv"' in html
