"""Competency questions: a researcher's SPARQL with the standard vocabularies, no reasoner.

Every expected answer is read off the article (sources/khoi-thi-dua-iv-2021/article.txt),
not off the program's output.
"""

from __future__ import annotations

import unicodedata

import pytest
from pyoxigraph import Store
from support import BLOC_UNITS

from kg.vocab import sparql_prefixes

P = sparql_prefixes()



def select(store: Store, query: str) -> list[dict[str, str]]:
    results = store.query(P + query, use_default_graph_as_union=True)
    return [{v.value: s[v].value for v in results.variables if s[v] is not None} for s in results]


def column(store: Store, query: str, var: str) -> set[str]:
    return {row[var] for row in select(store, query)}


def ask(store: Store, query: str) -> bool:
    return bool(store.query(P + query, use_default_graph_as_union=True))


def test_units_of_bloc_iv(seed_store: Store) -> None:
    q = """SELECT ?name WHERE {
      ?bloc a org:Organization ; skos:prefLabel "Khối Thi đua số IV"@vi .
      ?m a org:Membership ; org:organization ?bloc ; org:member ?unit ;
         org:role/skos:prefLabel "Thành viên Khối"@vi .
      ?unit skos:prefLabel ?name . FILTER(lang(?name) = "vi") }"""
    assert column(seed_store, q, "name") == BLOC_UNITS


def test_units_of_bloc_iv_by_org_member_of(seed_store: Store) -> None:
    q = """SELECT ?name WHERE { ?unit org:memberOf unit:khoi-thi-dua-so-iv ; rdfs:label ?name .
      FILTER(lang(?name) = "vi") }"""
    assert column(seed_store, q, "name") == BLOC_UNITS


BLOC_ROLE_IN_YEAR = """SELECT ?name WHERE {
  ?m org:organization unit:khoi-thi-dua-so-iv ; org:role ?role ; org:member ?unit ;
     org:memberDuring [ time:hasBeginning/time:inXSDDate ?b ; time:hasEnd/time:inXSDDate ?e ] .
  ?role skos:prefLabel "%s"@vi .
  ?unit skos:prefLabel ?name . FILTER(lang(?name) = "vi")
  FILTER(?b <= "%d-07-01"^^xsd:date && ?e >= "%d-07-01"^^xsd:date) }"""


@pytest.mark.parametrize(
    ("role", "year", "expected"),
    [
        ("Trưởng Khối", 2021, {"Cục Viễn thám quốc gia"}),
        # 2022: assigned by the rotation ("sẽ giữ"), not memberships held
        ("Trưởng Khối", 2022, set()),
        ("Khối phó", 2022, set()),
        ("Khối phó", 2021, set()),
    ],
)
def test_bloc_roles_by_year(seed_store: Store, role: str, year: int, expected: set[str]) -> None:
    assert column(seed_store, BLOC_ROLE_IN_YEAR % (role, year, year), "name") == expected


def test_whole_year_is_first_to_last_day(seed_store: Store) -> None:
    rows = select(seed_store, """SELECT ?b ?e WHERE {
      ?m org:member unit:cuc-vien-tham-quoc-gia ; org:role role:truong-khoi ;
         org:memberDuring [ time:hasBeginning/time:inXSDDate ?b ; time:hasEnd/time:inXSDDate ?e ] }""")
    assert rows == [{"b": "2021-01-01", "e": "2021-12-31"}]


def test_post_of_nguyen_minh_khuyen_and_its_date(seed_store: Store) -> None:
    rows = select(seed_store, """SELECT ?role ?org ?day WHERE {
      ?p foaf:name "Nguyễn Minh Khuyến"@vi .
      ?m org:member ?p ; org:role/skos:prefLabel ?role ; org:organization/skos:prefLabel ?org ;
         org:memberDuring/time:inside/time:inXSDDate ?day .
      FILTER(lang(?role) = "vi" && lang(?org) = "vi") }""")
    assert rows == [{"role": "Phó Cục trưởng", "org": "Cục Quản lý tài nguyên nước", "day": "2021-12-20"}]


def test_attested_role_has_no_invented_period(seed_store: Store) -> None:
    # Nguyễn Quốc Khánh is shown as Trưởng Khối on the day; his unit's yearly role is not his.
    rows = select(seed_store, """SELECT ?m ?day WHERE {
      ?m org:member person:nguyen-quoc-khanh ; org:role role:truong-khoi ;
         org:memberDuring ?i . ?i time:inside/time:inXSDDate ?day }""")
    assert [r["day"] for r in rows] == ["2021-12-20"]
    assert not ask(seed_store, """ASK { ?m org:member ?p ; org:memberDuring ?i .
      ?p a foaf:Person . { ?i time:hasBeginning ?x } UNION { ?i time:hasEnd ?x } }""")


def test_roles_of_nguyen_quoc_khanh(seed_store: Store) -> None:
    q = """SELECT ?role ?org WHERE { ?m org:member person:nguyen-quoc-khanh ;
      org:role/skos:prefLabel ?role ; org:organization/skos:prefLabel ?org .
      FILTER(lang(?role) = "vi" && lang(?org) = "vi") }"""
    assert {(r["role"], r["org"]) for r in select(seed_store, q)} == {
        ("Cục trưởng", "Cục Viễn thám quốc gia"),
        ("Trưởng Khối", "Khối Thi đua số IV"),
    }


def test_role_of_truong_van_dat(seed_store: Store) -> None:
    q = """SELECT ?role ?org WHERE { ?m org:member [ foaf:name "Trương Văn Đạt"@vi ] ;
      org:role/skos:prefLabel ?role ; org:organization/skos:prefLabel ?org .
      FILTER(lang(?role) = "vi" && lang(?org) = "vi") }"""
    assert select(seed_store, q) == [
        {"role": "Phó Vụ trưởng phụ trách", "org": "Vụ Thi đua, Khen thưởng và Tuyên truyền"}
    ]


def test_who_chaired_the_conference(seed_store: Store) -> None:
    q = """SELECT ?name WHERE { ?e a tnmt:Conference ; tnmt:chair/foaf:name ?name }"""
    assert column(seed_store, q, "name") == {"Nguyễn Quốc Khánh"}
    q2 = """SELECT ?name WHERE { ?e a schema:Event ; prov:qualifiedAssociation [
      prov:agent/foaf:name ?name ; prov:hadRole/skos:prefLabel "Chủ trì Hội nghị"@vi ] }"""
    assert column(seed_store, q2, "name") == {"Nguyễn Quốc Khánh"}


def test_conference_when_where_how(seed_store: Store) -> None:
    rows = select(seed_store, """SELECT ?date ?place ?org ?mode WHERE {
      ?e a tnmt:Conference ; schema:startDate ?date ; schema:location/rdfs:label ?place ;
         schema:organizer/skos:prefLabel ?org ; schema:eventAttendanceMode ?mode .
      FILTER(lang(?place) = "vi" && lang(?org) = "vi") }""")
    assert rows == [{"date": "2021-12-20", "place": "Hà Nội", "org": "Khối Thi đua số IV",
                     "mode": "https://schema.org/OnlineEventAttendanceMode"}]
    assert column(seed_store, "SELECT ?d { ?e a tnmt:Conference ; tnmt:partOfDay ?d }", "d") == {
        "sáng", "morning"}


def test_conference_year_is_marked_inferred(seed_store: Store) -> None:
    rows = select(seed_store, """SELECT ?reason ?quote WHERE {
      ?st a tnmt:InferredStatement ; rdf:subject ?e ; rdf:predicate schema:startDate ;
          tnmt:inferenceReason ?reason ; tnmt:quote ?quote . ?e a tnmt:Conference .
      FILTER(lang(?reason) = "vi") }""")
    assert len(rows) == 1
    assert "tổng kết năm 2021" in rows[0]["reason"]
    assert rows[0]["quote"].startswith("Sáng 20/12")


def test_who_attended_and_who_spoke(seed_store: Store) -> None:
    assert column(seed_store, "SELECT ?n { ?e a tnmt:Conference ; schema:attendee/foaf:name ?n }",
                  "n") == {"Trương Văn Đạt"}
    speakers = column(seed_store, """SELECT ?n { ?s a tnmt:Speech ; tnmt:atEvent ?e ;
      tnmt:speaker/foaf:name ?n }""", "n")
    assert speakers == {"Trương Văn Đạt", "Nguyễn Minh Khuyến", "Nguyễn Bảo Trung",
                        "Nguyễn Quốc Khánh"}


def test_what_khuyen_proposed(seed_store: Store) -> None:
    summary = column(seed_store, """SELECT ?t { ?s tnmt:speaker person:nguyen-minh-khuyen ;
      tnmt:summary ?t FILTER(lang(?t) = "vi") }""", "t")
    assert len(summary) == 1 and "COVID-19" in next(iter(summary))


def test_launchers_of_movements_the_bloc_answered(seed_store: Store) -> None:
    q = """SELECT DISTINCT ?name WHERE {
      ?mv tnmt:implementedBy unit:khoi-thi-dua-so-iv .
      ?launch tnmt:launchedMovement ?mv ; prov:wasAssociatedWith ?who .
      ?who rdfs:label ?name FILTER(lang(?name) = "vi") }"""
    assert column(seed_store, q, "name") == {
        "Hội đồng Thi đua - Khen thưởng Trung ương", "Thủ tướng Chính phủ", "Bộ trưởng Bộ TN&MT"}


def test_offices_are_posts_not_people(seed_store: Store) -> None:
    posts = column(seed_store, "SELECT ?n { ?p a org:Post ; rdfs:label ?n FILTER(lang(?n)='vi') }", "n")
    assert posts == {"Thủ tướng Chính phủ", "Bộ trưởng Bộ TN&MT"}
    assert not ask(seed_store, "ASK { ?p a org:Post , foaf:Person }")


def test_five_distinct_movements_and_a_period(seed_store: Store) -> None:
    names = column(seed_store, """SELECT ?n { ?m a tnmt:EmulationMovement ; skos:prefLabel ?n
      FILTER(lang(?n) = "vi") }""", "n")
    assert names == {
        "Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở",
        "Hiến kế, đề xuất giải pháp, ý tưởng sáng tạo",
        "Phong trào thi đua đặc biệt năm 2021 của Bộ TN&MT",
        "Cả nước chung tay vì người nghèo, không để ai bị bỏ lại phía sau",
        "Toàn dân đoàn kết xây dựng đời sống văn hóa",
    }
    rows = select(seed_store, """SELECT ?b ?e { ?m tnmt:period [ time:hasBeginning/time:inXSDgYear ?b ;
      time:hasEnd/time:inXSDgYear ?e ] }""")
    assert rows == [{"b": "2019", "e": "2025"}]


def test_recognition_of_the_2021_bloc_head(seed_store: Store) -> None:
    rows = select(seed_store, """SELECT ?by ?council ?year WHERE {
      ?r a tnmt:Recognition ; tnmt:recognises unit:cuc-vien-tham-quoc-gia ;
         schema:agent/foaf:name ?by ; tnmt:onBehalfOf/skos:prefLabel ?council ;
         tnmt:forMembership [ org:role role:truong-khoi ;
                              org:memberDuring/time:hasBeginning/time:inXSDDate ?year ] .
      FILTER(lang(?council) = "vi") }""")
    # "Thay mặt cho thường trực Hội đồng Thi đua và Khen thưởng của Bộ TN&MT, ông Trương Văn Đạt …"
    assert rows == [{"by": "Trương Văn Đạt",
                     "council": "Thường trực Hội đồng Thi đua và Khen thưởng Bộ TN&MT",
                     "year": "2021-01-01"}]


def test_ministry_sub_organisations(seed_store: Store) -> None:
    subs = column(seed_store, """SELECT ?n { ?u org:subOrganizationOf ?m . ?m skos:altLabel "Bộ TN&MT"@vi .
      ?u skos:prefLabel ?n FILTER(lang(?n) = "vi") }""", "n")
    assert BLOC_UNITS | {"Vụ Thi đua, Khen thưởng và Tuyên truyền", "Khối Thi đua số IV",
                         "Hội đồng Thi đua và Khen thưởng Bộ TN&MT"} == subs
    assert ask(seed_store, """ASK { ?m org:hasSubOrganization unit:cuc-vien-tham-quoc-gia ;
      skos:altLabel "Bộ TN&MT"@vi }""")


def test_it_department_named_two_ways(seed_store: Store) -> None:
    labels = column(seed_store, """SELECT ?l { unit:cuc-cong-nghe-thong-tin-va-du-lieu-tn-mt
      skos:prefLabel|skos:altLabel ?l FILTER(lang(?l) = "vi") }""", "l")
    assert labels == {"Cục Công nghệ thông tin và Dữ liệu TN&MT",
                      "Cục Công nghệ thông tin và Dữ liệu tài nguyên môi trường"}


def test_every_organisation_is_typed_and_labelled_in_both_languages(seed_store: Store) -> None:
    assert not ask(seed_store, """ASK { ?o a tnmt:Department .
      FILTER NOT EXISTS { ?o a org:Organization } }""")
    for lang in ("vi", "en"):
        assert not ask(seed_store, f"""ASK {{ ?o a org:Organization .
          FILTER NOT EXISTS {{ ?o rdfs:label ?l FILTER(lang(?l) = "{lang}") }} }}""")


def test_people_are_named_in_vietnamese_nfc(seed_store: Store) -> None:
    rows = select(seed_store, "SELECT ?p ?n { ?p a foaf:Person , schema:Person ; foaf:name ?n }")
    names = {r["n"] for r in rows}
    assert names == {"Nguyễn Quốc Khánh", "Trương Văn Đạt", "Nguyễn Minh Khuyến", "Nguyễn Bảo Trung"}
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    assert {r["p"].rsplit("/", 1)[1] for r in rows} == {
        "nguyen-quoc-khanh", "truong-van-dat", "nguyen-minh-khuyen", "nguyen-bao-trung"}


def test_every_fact_node_has_source_and_quote(seed_store: Store) -> None:
    """The seed is a text we hold: every fact names it (dcterms:source) and quotes it."""
    missing = select(seed_store, """SELECT ?s WHERE {
      VALUES ?c { org:Membership tnmt:Conference tnmt:Speech tnmt:EmulationMovement
                  tnmt:MovementLaunch tnmt:Recognition foaf:Person org:Organization org:Post
                  tnmt:InferredStatement prov:Association }
      ?s a ?c . FILTER NOT EXISTS { ?s dcterms:source ?src ; tnmt:quote ?q } }""")
    assert missing == []


def test_entities_are_derived_from_and_activities_influenced_by_their_source(seed_store: Store) -> None:
    """PROV-O: prov:wasDerivedFrom has domain prov:Entity, which is disjoint with prov:Activity."""
    assert not ask(seed_store, "ASK { ?a a prov:Activity ; prov:wasDerivedFrom ?src }")
    assert not ask(seed_store, """ASK { ?s dcterms:source ?src . ?s a prov:Activity .
      FILTER NOT EXISTS { ?s prov:wasInfluencedBy ?src } }""")
    assert not ask(seed_store, """ASK { ?s dcterms:source ?src . FILTER NOT EXISTS { ?s a prov:Activity }
      FILTER NOT EXISTS { ?s prov:wasDerivedFrom ?src } }""")


def test_source_metadata(seed_store: Store) -> None:
    rows = select(seed_store, """SELECT ?title ?pub ?date { ?s a tnmt:SourceDocument ;
      dcterms:title ?title ; schema:publisher/schema:url ?pub ; schema:temporalCoverage ?date }""")
    assert rows == [{"title": "Khối Thi đua số IV - Bộ TN&MT: Tiếp tục thực hiện tốt công tác thi "
                     "đua, khen thưởng", "pub": "https://baotainguyenmoitruong.vn",
                     "date": "2021-12-20"}]


def test_facts_live_in_the_source_graph_and_ontology_in_its_own(seed_store: Store) -> None:
    assert ask(seed_store, """ASK { GRAPH <https://w3id.org/tnmt-kg/graph/source/khoi-thi-dua-iv-2021>
      { ?m a org:Membership } }""")
    assert ask(seed_store, """ASK { GRAPH <https://w3id.org/tnmt-kg/graph/ontology>
      { tnmt:Department a owl:Class } }""")
    assert not ask(seed_store, """ASK { GRAPH <https://w3id.org/tnmt-kg/graph/ontology>
      { ?m a org:Membership } }""")
