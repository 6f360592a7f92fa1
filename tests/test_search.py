"""Search ignores diacritics, case and đ/d; ranks exact > prefix > phrase > words; stays capped."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from kg.search import SearchIndex, fold, index_for_build
from kg.vocab import BASE, FOAF, RDF, RDFS, SKOS

KHANH = BASE + "person/nguyen-quoc-khanh"
VIEN_THAM = BASE + "org/cuc-vien-tham-quoc-gia"
DO_DAC = BASE + "org/cuc-do-dac-ban-do-va-thong-tin-dia-ly-viet-nam"


@pytest.fixture(scope="module")
def seed_index(seed_store: Store) -> SearchIndex:
    return SearchIndex.from_store(seed_store)


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Nguyễn Quốc Khánh", "nguyen quoc khanh"), ("ĐO ĐẠC", "do dac"),
     ("Cục  Viễn\u00a0thám", "cuc vien tham"), ("Trương Văn Đạt", "truong van dat"),
     ("Khối Thi đua số IV", "khoi thi dua so iv")],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("query", "first"),
    [("nguyen quoc khanh", KHANH), ("Nguyễn Quốc Khánh", KHANH), ("Khánh", KHANH), ("khanh", KHANH),
     ("vien tham", VIEN_THAM), ("VIỄN THÁM", VIEN_THAM), ("do dac", DO_DAC), ("Đo đạc", DO_DAC),
     ("đo đạc", DO_DAC), ("cuc vien", VIEN_THAM), ("truong van dat", BASE + "person/truong-van-dat"),
     ("khoi thi dua so iv", BASE + "org/khoi-thi-dua-so-iv"), ("Trưởng Khối", BASE + "role/truong-khoi")],
)
def test_seed_queries_find_the_right_entity_first(seed_index: SearchIndex, query: str, first: str) -> None:
    hits = seed_index.search(query)
    assert hits, query
    assert hits[0].iri == first


def test_exact_match_is_marked_and_one_hit_per_entity(seed_index: SearchIndex) -> None:
    hits = seed_index.search("nguyen quoc khanh")
    assert hits[0].match == "exact"
    assert hits[0].label == "Nguyễn Quốc Khánh"
    assert len({h.iri for h in hits}) == len(hits)
    assert seed_index.search("") == [] and seed_index.search(" ,; ") == []
    assert seed_index.search("zzzz khanh") == []


def ranked_store() -> Store:
    store = Store()
    labels = {"a": "Viễn thám", "b": "Viễn thám quốc gia", "c": "Cục Viễn thám", "d": "Thám hiểm viễn dương",
              "e": "Không liên quan"}
    for key, label in labels.items():
        node = NamedNode(f"https://example.org/{key}")
        store.add(Quad(node, RDF.type, FOAF.Organization))
        store.add(Quad(node, RDFS.label, Literal(label, language="vi")))
    untyped = NamedNode("https://example.org/untyped")
    store.add(Quad(untyped, SKOS.prefLabel, Literal("Viễn thám", language="vi")))
    return store


def test_ranking_exact_then_prefix_then_phrase_then_words() -> None:
    hits = SearchIndex.from_store(ranked_store()).search("vien tham")
    assert [(h.iri[-1], h.match) for h in hits] == [("a", "exact"), ("b", "prefix"), ("c", "phrase"),
                                                     ("d", "words")]


def test_only_typed_entities_are_indexed_and_the_index_is_capped() -> None:
    index = SearchIndex.from_store(ranked_store())
    assert "https://example.org/untyped" not in index.iris
    assert not index.truncated
    capped = SearchIndex.from_store(ranked_store(), max_labels=3)
    assert len(capped) == 3 and capped.truncated
    assert len(index.search("t", limit=2)) == 2


def test_index_is_kept_per_build(seed_store: Store) -> None:
    first = index_for_build(seed_store, "build-a")
    assert index_for_build(seed_store, "build-a") is first
    assert index_for_build(seed_store, "build-b") is not first


# --------------------------------------------------------------------------- /search


def test_search_page(client) -> None:  # noqa: ANN001
    response = client.get("/search?q=vien+tham")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    results = html.split('<ol class="results">', 1)[1]
    assert results.index('href="/id/org/cuc-vien-tham-quoc-gia"') < results.index("</li>")
    assert 'value="vien tham"' in html  # the query stays in the box


def test_search_page_for_each_spelling(client) -> None:  # noqa: ANN001
    for query in ("nguyen quoc khanh", "Khánh", "KHANH"):
        html = client.get("/search", query_string={"q": query}).get_data(as_text=True)
        assert 'href="/id/person/nguyen-quoc-khanh"' in html, query
    html = client.get("/search", query_string={"q": "do dac"}).get_data(as_text=True)
    assert 'href="/id/org/cuc-do-dac-ban-do-va-thong-tin-dia-ly-viet-nam"' in html


def test_search_json_by_accept(client) -> None:  # noqa: ANN001
    response = client.get("/search?q=vien%20tham", headers={"Accept": "application/json"})
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert data["query"] == "vien tham"
    first = data["results"][0]
    assert first["iri"] == VIEN_THAM
    assert first["url"] == "/id/org/cuc-vien-tham-quoc-gia"
    assert {"iri": BASE + "ontology#Department", "label": "Cục"} in first["types"]


def test_empty_and_unmatched_queries(client) -> None:  # noqa: ANN001
    assert client.get("/search").status_code == 200
    html = client.get("/search?q=qqqqqq").get_data(as_text=True)
    assert "Nothing matches" in html
    assert client.get("/search?q=qqqqqq", headers={"Accept": "application/json"}).get_json()["count"] == 0
