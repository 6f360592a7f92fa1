"""The graph view's data: filters, node kinds, edges and their time, the node cap, the downloads.

Expected counts are read off the article (sources/khoi-thi-dua-iv-2021), not off the program:

The whole seed graph, as the view draws it, has 24 entities: 12 organisations (the ministry,
Khối Thi đua số IV, its 6 units, Vụ Thi đua Khen thưởng và Tuyên truyền, the ministry's council,
its standing body "thường trực Hội đồng" and the central council), 4 officials, 2 posts (Thủ
tướng Chính phủ, Bộ trưởng Bộ TN&MT), the conference and 5 movements. Places, roles, sources,
intervals are not drawn.

``?org=khoi-thi-dua-so-iv`` (depth 1) shows the bloc and what one fact links to it — the ministry
(sub-organisation), its 6 units (bloc memberships, head and deputy), Nguyễn Quốc Khánh (attested
as Trưởng Khối), the conference (organiser) and the 5 movements (implemented by the bloc) — plus
the officials of those organisations: Nguyễn Minh Khuyến (Cục Quản lý tài nguyên nước) and
Nguyễn Bảo Trung (Cục Công nghệ thông tin…); Khánh is already in. 1+1+6+1+1+5+2 = 17 nodes.
Its edges: 7 sub-organisation links (bloc and 6 units → ministry), 11 memberships (6 members,
the 2021 head, Khánh's two roles, Khuyến's and Trung's; the 2022 head and deputy are only
assigned, "sẽ giữ", and an assignment is not a membership), organiser 1,
chair 1, 6 participating units, 3 speeches (Khánh, Khuyến, Trung; Trương Văn Đạt is not in the
view) and 5 implementations: 34; and the 2 assignments of 2022 (Cục Quản lý tài nguyên nước as
Trưởng Khối, Cục Đo đạc… as Khối phó), drawn apart as assigned, not held: 36.
"""

from __future__ import annotations

import pytest
from conftest import TEST_ENV
from pyoxigraph import RdfFormat, Store, parse

from kg import graph_queries, graphvis
from kg import graphview as gv
from kg.build import build, load_files
from kg.errors import BadInput, NotFound
from kg.vocab import BASE

BLOC = BASE + "org/khoi-thi-dua-so-iv"
MINISTRY = BASE + "org/bo-tai-nguyen-va-moi-truong"
CVT = BASE + "org/cuc-vien-tham-quoc-gia"
QLTNN = BASE + "org/cuc-quan-ly-tai-nguyen-nuoc"
DODAC = BASE + "org/cuc-do-dac-ban-do-va-thong-tin-dia-ly-viet-nam"
KHANH = BASE + "person/nguyen-quoc-khanh"
KHUYEN = BASE + "person/nguyen-minh-khuyen"
TRUNG = BASE + "person/nguyen-bao-trung"
DAT = BASE + "person/truong-van-dat"
EVENT = BASE + "event/hoi-nghi-tong-ket-2021-khoi-thi-dua-so-iv"
TRUONG_KHOI = BASE + "role/truong-khoi"
BLOC_UNITS = {BASE + "org/" + s for s in (
    "cuc-cong-nghe-thong-tin-va-du-lieu-tn-mt", "cuc-do-dac-ban-do-va-thong-tin-dia-ly-viet-nam",
    "cuc-vien-tham-quoc-gia", "cuc-bien-doi-khi-hau", "cuc-quan-ly-tai-nguyen-nuoc",
    "trung-tam-quy-hoach-va-dieu-tra-tai-nguyen-nuoc-quoc-gia")}
MOVEMENTS = 5


def view(store: Store, max_nodes: int = 500, **filters) -> gv.GraphView:  # noqa: ANN003
    return gv.graph_view(store, gv.parse_filters(store, **filters), max_nodes=max_nodes)


def head_edges(v: gv.GraphView) -> list[gv.Edge]:
    """The bloc-head memberships held for a known period (the yearly rotation)."""
    return [e for e in v.edges if e.role == TRUONG_KHOI and e.timing == "interval"]


# --- filters -----------------------------------------------------------------------------------


def test_slug_and_iri_name_the_same_organisation(seed_store: Store) -> None:
    assert gv.parse_filters(seed_store, org="khoi-thi-dua-so-iv") == gv.parse_filters(seed_store, org=BLOC)


def test_empty_parameters_mean_no_filter(seed_store: Store) -> None:
    assert gv.parse_filters(seed_store, year="", org=" ", person=None, role="", depth="") == gv.Filters()


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"year": "last year"}, BadInput),
    ({"year": "99999"}, BadInput),
    ({"depth": "7"}, BadInput),
    ({"org": "Khối IV"}, BadInput),
    ({"org": "http://bad iri"}, BadInput),
    ({"org": "khong-co"}, NotFound),
    ({"person": "khoi-thi-dua-so-iv"}, NotFound),  # an organisation is not a person
    ({"role": "chu-tich"}, NotFound),
])
def test_bad_filters_are_refused(seed_store: Store, kwargs: dict, error: type[Exception]) -> None:
    with pytest.raises(error):
        gv.parse_filters(seed_store, **kwargs)


def test_filters_round_trip_as_url_parameters(seed_store: Store) -> None:
    f = gv.parse_filters(seed_store, org=BLOC, year="2022", role="truong-khoi", depth="2")
    assert f.params() == {"org": "khoi-thi-dua-so-iv", "year": "2022", "role": "truong-khoi", "depth": "2"}
    assert gv.parse_filters(seed_store, **f.params()) == f


# --- what is drawn -----------------------------------------------------------------------------


def test_whole_seed_graph(seed_store: Store) -> None:
    v = view(seed_store)
    kinds = {n.kind for n in v.nodes}
    assert len(v.nodes) == 24
    assert sum(n.kind == "person" for n in v.nodes) == 4
    assert sum(n.kind == "movement" for n in v.nodes) == MOVEMENTS
    assert sum(n.kind == "post" for n in v.nodes) == 2
    assert {"ministry", "bloc", "department", "vu", "centre", "council", "event"} <= kinds
    assert "other" not in kinds
    assert not v.capped and v.left_out.exact


def test_bloc_view_nodes_and_edges(seed_store: Store) -> None:
    v = view(seed_store, org="khoi-thi-dua-so-iv")
    iris = {n.iri for n in v.nodes}
    assert iris == {BLOC, MINISTRY, KHANH, KHUYEN, TRUNG, EVENT} | BLOC_UNITS | {
        n.iri for n in v.nodes if n.kind == "movement"}
    assert len(v.nodes) == 17 and len(v.edges) == 36
    assert sorted((e.source, e.role) for e in v.edges if e.kind == "assignment") == [
        (DODAC, BASE + "role/khoi-pho"), (QLTNN, TRUONG_KHOI)]
    # Trương Văn Đạt holds no role in the bloc's units, and depth 1 does not reach the event's guests.
    assert DAT not in iris
    assert v.nodes[0].iri == BLOC and v.nodes[0].distance == 0  # the focus comes first
    assert v.node(BLOC).kind == "bloc" and v.node(MINISTRY).kind == "ministry"


def test_year_filter_moves_the_bloc_head(seed_store: Store) -> None:
    in_2021 = head_edges(view(seed_store, org="khoi-thi-dua-so-iv", year=2021))
    in_2022 = head_edges(view(seed_store, org="khoi-thi-dua-so-iv", year=2022))
    assert [(e.source, e.target, e.begin, e.end) for e in in_2021] == [
        (CVT, BLOC, "2021-01-01", "2021-12-31")]
    assert in_2022 == []  # 2022's head is assigned by the rotation, not known to have held it


def test_year_2022_keeps_the_undated_structure_only(seed_store: Store) -> None:
    # 2022: no role is known to be held (the rotation only assigns them; every attested fact is
    # from 20/12/2021): the undated structure remains.
    # The 2022 head and deputy are there by their assignments only (dated the day they were given).
    v = view(seed_store, org="khoi-thi-dua-so-iv", year=2022)
    assert {n.iri for n in v.nodes if n.kind != "movement"} == {BLOC, MINISTRY, QLTNN, DODAC}
    assert not any(e.kind == "membership" for e in v.edges)
    assert {e.timing for e in v.edges if e.kind == "assignment"} == {"assigned"}
    assert not any(e.day for e in v.edges if e.kind != "assignment")


def test_role_filter(seed_store: Store) -> None:
    v = view(seed_store, role="truong-khoi")
    assert {n.iri for n in v.nodes} == {BLOC, CVT, KHANH, QLTNN}  # QLTNN: assigned for 2022
    assert {e.kind for e in v.edges} == {"membership", "assignment"}
    v2022 = view(seed_store, role="truong-khoi", year=2022)
    assert [(e.kind, e.source) for e in v2022.edges] == [("assignment", QLTNN)]


def test_person_ego_network_grows_with_depth(seed_store: Store) -> None:
    one = view(seed_store, person="nguyen-minh-khuyen")
    assert {n.iri for n in one.nodes} == {KHUYEN, QLTNN, EVENT}
    two = view(seed_store, person="nguyen-minh-khuyen", depth=2)
    assert {n.iri for n in one.nodes} < {n.iri for n in two.nodes}
    assert {BLOC, MINISTRY, KHANH, DAT} <= {n.iri for n in two.nodes}
    assert all(n.distance is not None and n.distance <= 2 for n in two.nodes)


def test_attested_and_interval_memberships_are_told_apart(seed_store: Store) -> None:
    v = view(seed_store, org="khoi-thi-dua-so-iv")
    khanh_head = next(e for e in v.edges if e.source == KHANH and e.role == TRUONG_KHOI)
    assert (khanh_head.timing, khanh_head.day, khanh_head.begin) == ("attested", "2021-12-20", None)
    assert khanh_head.when() == "20/12/2021" and khanh_head.style == "membership"
    cvt_head = next(e for e in head_edges(v) if e.source == CVT)
    assert cvt_head.when() == "2021" and cvt_head.style == "bloc-membership"
    vis = graphvis.to_vis(v)
    by_fact = {e["fact"]: e for e in vis["edges"] if e.get("fact")}
    assert by_fact[khanh_head.fact]["dashes"] == graphvis.DASHES["attested"]
    assert by_fact[cvt_head.fact]["dashes"] is False
    assert by_fact[cvt_head.fact]["width"] > by_fact[khanh_head.fact]["width"]


def test_edges_carry_their_quote(seed_store: Store) -> None:
    v = view(seed_store, org="khoi-thi-dua-so-iv")
    cvt_head = next(e for e in head_edges(v) if e.source == CVT)
    assert cvt_head.quote in {
        "Năm 2021, Cục Viễn thám quốc gia là Khối trưởng Khối Thi đua số IV.",
        "để Cục Viễn thám quốc gia hoàn thành vai trò là Trưởng Khối Thi đua số IV năm 2021."}
    chair = next(e for e in v.edges if e.kind == "chair")
    assert (chair.source, chair.target) == (KHANH, EVENT) and "chủ trì Hội nghị" in chair.quote
    assert all(e.quote for e in v.edges)


def test_tooltips_are_plain_text_with_role_date_and_quote(seed_store: Store) -> None:
    v = view(seed_store, org="khoi-thi-dua-so-iv", year=2021)
    vis = graphvis.to_vis(v)
    khanh = next(n for n in vis["nodes"] if n["id"] == KHANH)
    assert "Trưởng Khối — Khối Thi đua số IV (attested on 2021-12-20)" in khanh["title"]
    head = next(e for e in vis["edges"] if e.get("role") == TRUONG_KHOI and e["timing"] == "interval")
    assert "2021-01-01 – 2021-12-31" in head["title"] and "“Năm 2021, Cục Viễn thám" in head["title"]
    assert all("<" not in item["title"] for item in vis["nodes"] + vis["edges"])


def test_vis_payload_is_made_with_pyvis(seed_store: Store) -> None:
    vis = graphvis.to_vis(view(seed_store, org="khoi-thi-dua-so-iv"))
    assert vis["options"]["physics"]["solver"] == "forceAtlas2Based"
    assert vis["options"]["physics"]["stabilization"]["enabled"] is True
    assert {n["shape"] for n in vis["nodes"]} >= {"diamond", "hexagon", "square", "dot", "star", "triangle"}
    bloc = next(n for n in vis["nodes"] if n["id"] == BLOC)
    assert bloc["value"] == max(n["value"] for n in vis["nodes"])  # sized by degree: the bloc is the hub


def test_focus_is_always_kept(seed_store: Store) -> None:
    # Nguyễn Minh Khuyến in 2022: nothing is dated 2022 around him, yet the focus is shown.
    v = view(seed_store, person="nguyen-minh-khuyen", year=2022)
    assert [n.iri for n in v.nodes] == [KHUYEN] and v.edges == []


# --- the node cap --------------------------------------------------------------------------------


def test_cap_keeps_the_focus_then_the_best_connected(seed_store: Store) -> None:
    v = view(seed_store, org="khoi-thi-dua-so-iv", max_nodes=5)
    assert len(v.nodes) == 5 and v.nodes[0].iri == BLOC
    # After the bloc, the depth-1 nodes by degree within the view: conference 11, ministry 7, …
    assert [n.iri for n in v.nodes[1:3]] == [EVENT, MINISTRY]
    assert v.capped and v.left_out.nodes == 12 and v.left_out.exact
    assert sum(v.left_out.by_kind.values()) == 12 and v.left_out.by_kind["movement"] == MOVEMENTS
    shown = {n.iri for n in v.nodes}
    assert all(e.source in shown and e.target in shown for e in v.edges)


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The seed plus a synthetic graph of a few thousand entities (bench.synthetic)."""
    from bench.synthetic import generate
    from kg.config import Settings

    folder = tmp_path_factory.mktemp("generated")
    stats = generate(folder / "synthetic.nt", people=2500, units=300, blocs=10, years=(2020, 2022), events=30)
    assert stats["people"] + stats["units"] > 2500
    settings = Settings.load(env=TEST_ENV, overrides={"store": str(folder / "store")})
    build(settings, validate=False)
    load_files(settings, [folder / "synthetic.nt"])
    return Store.read_only(settings.store)


@pytest.mark.parametrize("filters", [{}, {"year": 2021}, {"org": "bo-tai-nguyen-va-moi-truong"},
                                     {"org": "syn-khoi-1", "depth": 2}, {"org": "syn-don-vi-5", "depth": 2}])
def test_cap_on_a_generated_graph(generated_store: Store, filters: dict) -> None:
    v = view(generated_store, max_nodes=500, **filters)
    assert len(v.nodes) == 500
    assert v.capped and v.left_out.nodes > 0
    shown = {n.iri for n in v.nodes}
    assert all(e.source in shown and e.target in shown for e in v.edges)
    assert set(v.filters.focus) <= shown


def test_unfiltered_cap_ranks_by_degree(generated_store: Store) -> None:
    v = view(generated_store, max_nodes=50)
    # The ministry holds every unit and bloc: the most connected node of the generated graph.
    assert v.nodes[0].iri == MINISTRY
    assert v.left_out.nodes > 2500 and not v.left_out.exact
    top, total = gv.degree_ranking(generated_store, gv.Filters(), 10)
    assert top[0][0] == MINISTRY and [d for _n, d in top] == sorted((d for _n, d in top), reverse=True)
    assert total > 2800


def test_small_filtered_view_of_the_generated_graph_is_whole(generated_store: Store) -> None:
    v = view(generated_store, role="truong-khoi", year=2021)
    # One head unit per generated bloc in 2021 (10 blocs, 10 units, 10 edges), and the seed's two:
    # Cục Viễn thám quốc gia for 2021 and Nguyễn Quốc Khánh attested on 20/12/2021, both to bloc IV.
    assert len(v.edges) == 12 and len(v.nodes) == 23 and not v.capped


# --- downloads and filter choices ------------------------------------------------------------------


def test_view_as_turtle_holds_the_shown_facts(seed_store: Store) -> None:
    v = view(seed_store, org="khoi-thi-dua-so-iv", role="truong-khoi", year=2021)
    data = gv.view_turtle(seed_store, v)
    triples = list(parse(data, RdfFormat.TURTLE))
    text = data.decode()
    assert "ms:cuc-vien-tham-quoc-gia--truong-khoi--khoi-thi-dua-so-iv--2021" in text
    assert "Năm 2021, Cục Viễn thám quốc gia là Khối trưởng" in text  # the quote of the role
    assert "time:hasBeginning" in text  # the membership's interval came along
    assert not any("thanh-vien-khoi" in str(t) for t in triples)  # other roles are not shown
    subjects = {t.subject.value for t in triples}
    assert {n.iri for n in v.nodes} <= subjects


def test_available_years_and_choices(seed_store: Store) -> None:
    # Dated memberships and the conference: 2021 and 2022 (the movement's 2019–2025 period is in gYears).
    assert gv.available_years(seed_store) == [2021, 2022]
    c = gv.choices(seed_store)
    assert c["orgs"][0] == {"value": "khoi-thi-dua-so-iv", "label": "Khối Thi đua số IV"}  # blocs first
    assert {"value": "truong-khoi", "label": "Trưởng Khối"} in c["roles"]
    assert len(c["people"]) == 4


def test_graph_view_reads_no_more_than_needed(seed_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every query of a focused view is bounded: VALUES around the focus, or a LIMIT."""
    seen: list[str] = []
    original = graph_queries._select

    def spy(store: Store, query: str):  # noqa: ANN202
        seen.append(query)
        return original(store, query)

    monkeypatch.setattr(graph_queries, "_select", spy)
    view(seed_store, org="khoi-thi-dua-so-iv")
    assert seen and all("VALUES" in q or "LIMIT" in q for q in seen)


def test_data_path_of_the_graph_page(client) -> None:  # noqa: ANN001
    r = client.get("/graph/data.json?org=khoi-thi-dua-so-iv")
    assert r.status_code == 200
    data = r.get_json()
    assert len(data["nodes"]) == 17 and len(data["edges"]) == 36
    assert data["filters"] == {"org": "khoi-thi-dua-so-iv"}
    assert {n["url"] for n in data["nodes"] if n["id"] == KHANH} == {"/id/person/nguyen-quoc-khanh"}


def test_graph_page_embeds_data_not_code(client) -> None:  # noqa: ANN001
    import re

    html = client.get("/graph?org=khoi-thi-dua-so-iv&year=2021").get_data(as_text=True)
    assert '<script type="application/json" id="graph-data">' in html
    assert '<script src="/vendor/vis/vis-network.min.js"></script>' in html
    assert not re.search(r'(src|href)="(https?:)?//', html) and "cdn" not in html.lower()
    assert '<option value="2021" selected>' in html


@pytest.mark.parametrize("url,status", [("/graph?year=x", 400), ("/graph?org=khong-co", 404),
                                        ("/graph/data.json?depth=9", 400), ("/graph?size=pagerank", 400)])
def test_graph_errors(client, url: str, status: int) -> None:  # noqa: ANN001
    assert client.get(url).status_code == status


def test_download_html_is_standalone(client) -> None:  # noqa: ANN001
    r = client.get("/graph/download.html?org=khoi-thi-dua-so-iv")
    assert r.status_code == 200 and r.headers["Content-Disposition"].startswith("attachment;")
    html = r.get_data(as_text=True)
    assert "/vendor/" not in html and "/static/" not in html
    import re

    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "vis-network" in html and "window.network = network" in html
    assert len(re.findall(r"^<script", html, re.MULTILINE)) == 3  # data, vis-network, graph.js: inline
    assert "sourceMappingURL" not in html


def test_download_ttl(client) -> None:  # noqa: ANN001
    r = client.get("/graph/download.ttl?role=truong-khoi")
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    triples = list(parse(r.data, RdfFormat.TURTLE))
    assert any(t.object.value == TRUONG_KHOI for t in triples)


def test_openapi_paths_describe_the_api() -> None:
    from server.views.graph import OPENAPI_PATHS

    for path in ("/api/analytics/centrality", "/api/analytics/path", "/api/analytics/communities",
                 "/graph/data.json", "/timeline.json"):
        op = OPENAPI_PATHS[path]["get"]
        assert op["summary"] and "200" in op["responses"]
    params = {p["name"]: p for p in OPENAPI_PATHS["/api/analytics/path"]["get"]["parameters"]}
    assert params["from"]["required"] and params["to"]["required"]
