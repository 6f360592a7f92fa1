"""Graph analytics on the seed graph: degree, betweenness, shortest connections, communities.

The expected values are derived from the article's facts. The analytics graph links two entities
when a fact of the graph view links them (memberships, sub-organisation, post, chair, attendance,
organiser, participating unit, speech, launch, implementation); several facts between the same
two entities make one link. In the seed:

* 24 entities (see tests/test_graphview.py) and 47 links: 9 sub-organisation links to the
  ministry (bloc, 6 units, Vụ TĐKT&TT, the ministry's council), 1 from the council's standing
  body ("thường trực Hội đồng") to the council, 1 post (Bộ trưởng → ministry),
  11 member–organisation pairs (6 units–bloc, Khánh–Cục Viễn thám, Khánh–bloc, Đạt–Vụ,
  Khuyến–Cục QLTNN, Trung–Cục CNTT), 11 conference links (organiser bloc, chair Khánh, attendee
  Đạt, 6 units, speakers Khuyến and Trung — Khánh and Đạt already linked), 9 launch links (3
  launchers × 3 movements) and 5 implementations (5 movements–bloc).
* Degrees: Khối Thi đua số IV 14 (ministry, 6 units, Khánh, conference, 5 movements); the
  conference 11; the ministry 10 (9 sub-organisations and the Minister's post).
* Nguyễn Minh Khuyến → Cục Viễn thám quốc gia: length 2, through the conference (he spoke at it,
  the Cục took part in it). Through his Cục and the bloc it takes 3 steps.
"""

from __future__ import annotations

import pytest
from flask import render_template_string
from pyoxigraph import Store

from kg import analytics
from kg.errors import BadInput, NotFound
from kg.vocab import BASE

BUILD = "seed-test"
BLOC = BASE + "org/khoi-thi-dua-so-iv"
MINISTRY = BASE + "org/bo-tai-nguyen-va-moi-truong"
EVENT = BASE + "event/hoi-nghi-tong-ket-2021-khoi-thi-dua-so-iv"
CVT = BASE + "org/cuc-vien-tham-quoc-gia"
QLTNN = BASE + "org/cuc-quan-ly-tai-nguyen-nuoc"
KHUYEN = BASE + "person/nguyen-minh-khuyen"
KHANH = BASE + "person/nguyen-quoc-khanh"
TRUNG = BASE + "person/nguyen-bao-trung"
DAT = BASE + "person/truong-van-dat"
VU = BASE + "org/vu-thi-dua-khen-thuong-va-tuyen-truyen"
COUNCIL = BASE + "org/hoi-dong-thi-dua-va-khen-thuong-bo-tn-mt"
STANDING = BASE + "org/thuong-truc-hoi-dong-thi-dua-va-khen-thuong-bo-tn-mt"
CENTRAL_COUNCIL = BASE + "org/hoi-dong-thi-dua-khen-thuong-trung-uong"
PM = BASE + "post/thu-tuong-chinh-phu"
MINISTER = BASE + "post/bo-truong-bo-tn-mt"
MOVEMENT = BASE + "movement/"
LAUNCHED = {MOVEMENT + s for s in ("ca-nuoc-chung-tay-vi-nguoi-ngheo-khong-de-ai-bi-bo-lai-phia-sau",
                                   "toan-dan-doan-ket-xay-dung-doi-song-van-hoa",
                                   "can-bo-cong-chuc-vien-chuc-thi-dua-thuc-hien-van-hoa-cong-so")}


@pytest.fixture(scope="module")
def graph(seed_store: Store) -> analytics.EntityGraph:
    analytics.clear_cache()
    return analytics.entity_graph(seed_store, BUILD)


def test_graph_size(graph: analytics.EntityGraph) -> None:
    assert graph.graph.number_of_nodes() == 24
    assert graph.graph.number_of_edges() == 47
    assert graph.exact and not graph.partial


def test_degrees(graph: analytics.EntityGraph) -> None:
    assert graph.degree(BLOC) == 14
    assert graph.degree(EVENT) == 11
    assert graph.degree(MINISTRY) == 10
    assert (graph.degree(KHANH), graph.degree(KHUYEN), graph.degree(DAT)) == (3, 2, 2)
    assert graph.degree_centrality()[BLOC] == pytest.approx(14 / 23)


def test_two_facts_between_the_same_pair_make_one_link(graph: analytics.EntityGraph) -> None:
    # Cục Viễn thám quốc gia is a member of the bloc (attested) and its head in 2021 (a period).
    facts = graph.graph.edges[CVT, BLOC]["facts"]
    assert sorted(f.role.rsplit("/", 1)[1] for f in facts) == ["thanh-vien-khoi", "truong-khoi"]


def test_betweenness(graph: analytics.EntityGraph) -> None:
    b = graph.betweenness()
    # The bloc joins the movements (and their launchers) to the units: it lies on most shortest paths.
    assert max(b, key=b.get) == BLOC
    # Leaves lie on no shortest path.
    for leaf in (STANDING, MOVEMENT + "hien-ke-de-xuat-giai-phap-y-tuong-sang-tao"):
        assert graph.degree(leaf) == 1 and b[leaf] == 0.0
    # Khánh, Khuyến and Trung link entities that are already linked directly (their Cục, the
    # bloc, the conference): they are never needed. Đạt is the only 2-step link between the Vụ
    # and the conference, so he is.
    assert b[KHANH] == b[KHUYEN] == b[TRUNG] == 0.0
    assert b[DAT] > 0.0


def test_shortest_path_from_khuyen_to_vien_tham(seed_store: Store) -> None:
    path = analytics.shortest_path(seed_store, BUILD, KHUYEN, CVT)
    assert path["found"] and path["length"] == 2
    assert [n["iri"] for n in path["nodes"]] == [KHUYEN, EVENT, CVT]
    spoke, took_part = path["steps"]
    assert (spoke["subject"], spoke["kind"], spoke["object"]) == (KHUYEN, "speech", EVENT)
    assert spoke["fact"].startswith(BASE + "speech/") and spoke["when"] == "20/12/2021"
    assert spoke["quote"].startswith("Ông Nguyễn Minh Khuyến, Phó Cục trưởng Cục Quản lý tài nguyên nước")
    assert (took_part["subject"], took_part["object"]) == (EVENT, CVT)
    assert took_part["property"] == "https://w3id.org/tnmt-kg/ontology#participatingUnit"
    assert took_part["fact"] == EVENT and took_part["quote"].startswith("Tham dự Hội nghị")


def test_path_through_a_membership_names_the_role(seed_store: Store) -> None:
    # Khuyến → the bloc: his Cục is a member of it (length 2, one of two shortest: via the
    # Cục or via the conference; the labels of the middle entity decide: "Cục…" < "Hội nghị…").
    path = analytics.shortest_path(seed_store, BUILD, KHUYEN, BLOC)
    assert path["length"] == 2 and path["nodes"][1]["iri"] == QLTNN
    first, second = path["steps"]
    assert (first["property_label"], first["subject"], first["object"]) == (
        "Phó Cục trưởng", KHUYEN, QLTNN)
    assert first["fact"].startswith(BASE + "membership/") and first["timing"] == "attested"
    assert second["property_label"] in {"Thành viên Khối", "Trưởng Khối"} and second["object"] == BLOC


def test_path_from_a_launcher_to_an_official(seed_store: Store) -> None:
    # The Prime Minister's office launched movements the bloc implements, and Khánh held a role in
    # the bloc: post → movement → bloc → Khánh.
    path = analytics.shortest_path(seed_store, BUILD, PM, KHANH)
    assert path["length"] == 3 and path["nodes"][2]["iri"] == BLOC
    assert path["steps"][0]["kind"] == "launch" and not path["steps"][0]["reversed"]


def test_path_edge_cases(seed_store: Store) -> None:
    assert analytics.shortest_path(seed_store, BUILD, KHANH, KHANH)["length"] == 0
    with pytest.raises(NotFound):
        analytics.shortest_path(seed_store, BUILD, KHANH, BASE + "person/khong-co")


def test_communities_partition_the_graph(seed_store: Store, graph: analytics.EntityGraph) -> None:
    result = analytics.communities(seed_store, BUILD)
    assert result["method"] == "greedy modularity"
    found = graph.communities()
    members = [v for c in found for v in c]
    assert sorted(members) == sorted(graph.graph.nodes) and len(members) == len(set(members))
    assert sum(c["size"] for c in result["communities"]) == 24
    # The Prime Minister's office and the central council link to nothing but the three movements
    # they launched: one community with them.
    community = graph.community_of(PM)
    assert all(graph.community_of(v) == community for v in {CENTRAL_COUNCIL} | LAUNCHED)
    assert {v for v in graph.graph.neighbors(PM)} == LAUNCHED


def test_centrality_ranking(seed_store: Store) -> None:
    c = analytics.centrality(seed_store, BUILD, limit=3)
    assert [e["iri"] for e in c["by_degree"]] == [BLOC, EVENT, MINISTRY]
    assert c["by_betweenness"][0]["iri"] == BLOC and c["by_degree"][0]["label"] == "Khối Thi đua số IV"
    assert (c["nodes"], c["edges"], c["exact"]) == (24, 47, True)
    with pytest.raises(BadInput):
        analytics.centrality(seed_store, BUILD, limit=0)


def test_entity_metrics(seed_store: Store) -> None:
    m = analytics.entity_metrics(seed_store, BLOC, BUILD)
    assert (m["degree"], m["betweenness_rank"], m["kind"], m["nodes"]) == (14, 1, "bloc", 24)
    assert m["community"]["size"] >= 2 and all(x["iri"] != BLOC for x in m["community"]["members"])
    assert analytics.entity_metrics(seed_store, BASE + "role/truong-khoi", BUILD)["in_graph"] is False


def test_cached_per_build(seed_store: Store) -> None:
    one = analytics.entity_graph(seed_store, BUILD)
    assert analytics.entity_graph(seed_store, BUILD) is one
    other = analytics.entity_graph(seed_store, BUILD + "-next")
    assert other is not one and analytics.entity_graph(seed_store, BUILD + "-next") is other
    for n in range(analytics.CACHED_BUILDS):  # newer builds push the oldest graphs out
        analytics.entity_graph(seed_store, f"{BUILD}-later-{n}")
    assert analytics.entity_graph(seed_store, BUILD) is not one


def test_analytics_partial_renders(app, seed_store: Store) -> None:  # noqa: ANN001
    metrics = analytics.entity_metrics(seed_store, KHANH, BUILD)
    with app.test_request_context("/"):
        html = render_template_string('{% include "_analytics.html" %}', metrics=metrics)
    assert "Place in the graph" in html and "3 linked entities" in html
    assert "/graph?person=" in html
    with app.test_request_context("/"):
        empty = render_template_string('{% include "_analytics.html" %}', metrics={"in_graph": False})
    assert empty.strip() == ""


# --- the JSON API --------------------------------------------------------------------------------


def test_api_centrality(client) -> None:  # noqa: ANN001
    data = client.get("/api/analytics/centrality?limit=2").get_json()
    assert [e["iri"] for e in data["by_degree"]] == [BLOC, EVENT]


def test_api_path_accepts_paths_under_the_base(client) -> None:  # noqa: ANN001
    url = "/api/analytics/path?from=person/nguyen-minh-khuyen&to=org/cuc-vien-tham-quoc-gia"
    data = client.get(url).get_json()
    assert data["length"] == 2 and data["steps"][0]["quote"]
    same = client.get(f"/api/analytics/path?from={KHUYEN}&to={CVT}").get_json()
    assert same["nodes"] == data["nodes"]


@pytest.mark.parametrize("url,status", [
    ("/api/analytics/path?from=person/nguyen-minh-khuyen", 400),
    ("/api/analytics/path?from=person/x&to=org/y", 404),
    ("/api/analytics/centrality?limit=many", 400),
])
def test_api_errors_are_json(client, url: str, status: int) -> None:  # noqa: ANN001
    r = client.get(url)
    assert r.status_code == status and r.get_json()["status"] == status


def test_api_communities(client) -> None:  # noqa: ANN001
    data = client.get("/api/analytics/communities?members=3").get_json()
    assert data["count"] == len(data["communities"])
    assert all(len(c["members"]) <= 3 for c in data["communities"])
