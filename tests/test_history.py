"""The ministry over time, built from the project's own sources (not the seed fixture).

Expected values come from the sources' fact files, each of which names the page or legal
document that states it (sources/lead-*, sources/unit-*, sources/struct-*):

* ministers: Trần Hồng Hà (approved 2016-04-09, relieved 2023-05-22), Đặng Quốc Khánh (approved
  2023-05-22, succeeded 2024-08-26), Đỗ Đức Duy (approved 2024-08-26, the ministry ended
  2025-03-01);
* Nghị định 68/2022/NĐ-CP took effect on 2022-11-01 and split Tổng cục Môi trường; two sources
  disagree on whether Tổng cục Quản lý đất đai became a Vụ Đất đai or a Cục Đất đai;
* Nghị quyết 176/2025/QH15: Bộ TN&MT merged into Bộ Nông nghiệp và Môi trường on 2025-03-01.

The graph is also checked for consistency with the parts of PROV-O and ORG it relies on, under
the OWL 2 RL rules (owlrl) plus explicit disjointness and property-kind checks (docs/model.md,
"Consistency").
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import cited_sources
from pyoxigraph import Store, Variable

from kg.build import build, dataset_quads
from kg.catalog import load_catalog
from kg.config import PROJECT_ROOT, Settings
from kg.ministry import units

PROJECT_SOURCES = PROJECT_ROOT / "sources"
BASE = "https://w3id.org/tnmt-kg/"
PREFIXES = """PREFIX org: <http://www.w3.org/ns/org#> PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX time: <http://www.w3.org/2006/time#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/> PREFIX tnmt: <https://w3id.org/tnmt-kg/ontology#>
PREFIX role: <https://w3id.org/tnmt-kg/role/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The project's whole graph, built (and SHACL-validated) as `make build` does."""
    store = tmp_path_factory.mktemp("project") / "store"
    settings = Settings.load(env={}, overrides={"store": str(store),
                                                "sources_dir": str(PROJECT_SOURCES)})
    build(settings)
    return settings


@pytest.fixture(scope="module")
def store(project: Settings) -> Store:
    return Store.read_only(project.store)


def rows_of(result) -> list[dict[str, str]]:  # noqa: ANN001 - pyoxigraph's QuerySolutions
    names = [v.value for v in result.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]


def select(store: Store, query: str) -> list[dict[str, str]]:
    return rows_of(store.query(PREFIXES + query, use_default_graph_as_union=True))


def named(store: Store, name: str, **values: str) -> list[dict[str, str]]:
    catalog = load_catalog(PROJECT_ROOT / "queries")
    text, bindings = catalog[name].bind(values)
    return rows_of(store.query(text, use_default_graph_as_union=True,
                               substitutions={Variable(k): v for k, v in bindings.items()}))


# --- leaders -------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "minister"), [
    ("2016-04-09", "Trần Hồng Hà"),  # the day the National Assembly approved him
    ("2020-01-01", "Trần Hồng Hà"),
    ("2023-05-21", "Trần Hồng Hà"),
    ("2023-05-23", "Đặng Quốc Khánh"),
    ("2024-08-25", "Đặng Quốc Khánh"),
    ("2024-12-01", "Đỗ Đức Duy"),
])
def test_the_minister_on_a_day(store: Store, day: str, minister: str) -> None:
    rows = named(store, "minister-on-date", date=day)
    # one person; a term per source where sources give its ends differently (lead4-baophunuthudo
    # dates Trần Hồng Hà's only to the month), each with its own sources
    assert {r["personLabel"] for r in rows} == {minister}


def test_on_the_day_of_handover_both_are_listed(store: Store) -> None:
    # relieved and successor approved the same day; an interval's both ends are days held
    rows = named(store, "minister-on-date", date="2023-05-22")
    assert {r["personLabel"] for r in rows} == {"Trần Hồng Hà", "Đặng Quốc Khánh"}


def test_no_minister_of_the_ministry_after_it_ended(store: Store) -> None:
    assert named(store, "minister-on-date", date="2025-03-02") == []


def test_every_tenure_has_dated_events_with_their_sources(store: Store) -> None:
    assert select(store, """SELECT ?m ?event WHERE { ?m tnmt:startedBy|tnmt:endedBy ?event .
      FILTER NOT EXISTS { ?event dcterms:date ?d ; dcterms:source ?s } }""") == []
    # the interval's ends are the days of the events that began and ended the term
    assert select(store, """SELECT ?m WHERE { ?m tnmt:startedBy/dcterms:date ?d ;
      org:memberDuring/time:hasBeginning/time:inXSDDate ?b . FILTER(?d != ?b) }""") == []
    assert select(store, """SELECT ?m WHERE { ?m tnmt:endedBy/dcterms:date ?d ;
      org:memberDuring/time:hasEnd/time:inXSDDate ?e . FILTER(?d != ?e) }""") == []
    # Trần Hồng Hà's term: approved by the National Assembly on 2016-04-09
    rows = select(store, """SELECT ?kind ?date WHERE {
      ?m org:member <https://w3id.org/tnmt-kg/person/tran-hong-ha> ; org:role role:bo-truong ;
         tnmt:startedBy ?e . ?e dcterms:type ?kind ; dcterms:date ?date }""")
    assert {(r["kind"].rsplit("/", 1)[1], r["date"]) for r in rows} == {("approved", "2016-04-09")}



def test_at_least_forty_officials_hold_sourced_roles(store: Store) -> None:
    rows = select(store, """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {
      ?m org:member ?p ; org:role ?r ; dcterms:source ?s . ?p a foaf:Person }""")
    assert int(rows[0]["n"]) >= 40


# --- structure -----------------------------------------------------------------------------


def test_what_became_of_tong_cuc_moi_truong(store: Store) -> None:
    rows = select(store, """SELECT ?change ?kind ?date ?source WHERE {
      ?change org:originalOrganization <https://w3id.org/tnmt-kg/org/tong-cuc-moi-truong> ;
              dcterms:date ?date ; a ?kind ; dcterms:source ?source .
      FILTER(STRSTARTS(STR(?kind), STR(tnmt:))) }""")
    assert {(r["kind"].rsplit("#", 1)[1], r["date"]) for r in rows} == {("Split", "2022-11-01")}
    results = select(store, """SELECT ?r WHERE { <https://w3id.org/tnmt-kg/org/tong-cuc-moi-truong>
      org:changedBy/org:resultingOrganization ?r }""")
    assert len(results) >= 2


@pytest.mark.parametrize(("unit", "kinds"), [
    ("tong-cuc-moi-truong", {"Split"}),
    ("tong-cuc-quan-ly-dat-dai", {"Split"}),
    ("tong-cuc-dia-chat-va-khoang-san-viet-nam", {"Split"}),
    ("tong-cuc-bien-va-hai-dao-viet-nam", {"Replacement"}),
])
def test_what_each_tong_cuc_became_and_by_which_source(store: Store, unit: str, kinds: set[str]) -> None:
    rows = named(store, "unit-changes", org=BASE + "org/" + unit)
    became = [r for r in rows if r["direction"] == "became"]
    assert {r["kind"] for r in became} == kinds
    assert {r["date"] for r in became} == {"2022-11-01"}  # Nghị định 68/2022/NĐ-CP in force
    assert all(r.get("url") and r["otherLabel"] for r in became)


def test_disagreeing_sources_are_both_kept_and_marked(store: Store) -> None:
    rows = select(store, """SELECT ?a ?b WHERE { ?a tnmt:conflictsWith ?b }""")
    pairs = {(r["a"].rsplit("/", 1)[1], r["b"].rsplit("/", 1)[1]) for r in rows}
    assert ("tong-cuc-quan-ly-dat-dai-2022-vu-dat-dai", "tong-cuc-quan-ly-dat-dai-2022-cuc-dat-dai") in pairs
    assert ("tong-cuc-quan-ly-dat-dai-2022-cuc-dat-dai", "tong-cuc-quan-ly-dat-dai-2022-vu-dat-dai") in pairs
    sources = select(store, """SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?c tnmt:conflictsWith ?o ;
      dcterms:source ?s } GROUP BY ?c""")
    assert len({r["c"] for r in sources}) == 2


def test_the_ministry_ends_in_a_merger(store: Store) -> None:
    rows = select(store, """SELECT ?date ?result WHERE {
      ?c a tnmt:Merger ; org:originalOrganization <https://w3id.org/tnmt-kg/org/bo-tai-nguyen-va-moi-truong> ;
         org:resultingOrganization ?result ; dcterms:date ?date }""")
    assert {(r["date"], r["result"].rsplit("/", 1)[1]) for r in rows} == {
        ("2025-03-01", "bo-nong-nghiep-va-moi-truong")}
    ended = select(store, """SELECT ?d WHERE {
      <https://w3id.org/tnmt-kg/org/bo-tai-nguyen-va-moi-truong> schema:dissolutionDate ?d }""")
    assert {r["d"] for r in ended} == {"2025-03-01"}


def test_units_on_a_day_is_one_filter(store: Store) -> None:
    on = named(store, "units-on-date", date="2022-06-01")
    after = named(store, "units-on-date", date="2023-06-01")
    tcmt = BASE + "org/tong-cuc-moi-truong"
    assert tcmt in {r["unit"] for r in on} and tcmt not in {r["unit"] for r in after}


def test_no_unit_of_the_ministry_after_it_ended(store: Store) -> None:
    # Nghị quyết 176/2025/QH15: the ministry ended on 2025-03-01 (struct-tvpl-nq-176-2025).
    assert named(store, "units-on-date", date="2025-02-28")
    assert named(store, "units-on-date", date="2025-03-01") == []


def test_a_unit_that_passed_to_the_next_ministry_is_under_each_in_its_time(store: Store) -> None:
    # Cục Bảo tồn thiên nhiên và Đa dạng sinh học: set up under Bộ TN&MT on 2022-11-01 (Nghị
    # định 68/2022/NĐ-CP, struct5-trithucvn-9-cuc-vu-2022), under Bộ NN&MT in 2025
    # (unit-bo-nhiem-cuc-truong-cuc-bao-ton-2025).
    unit = BASE + "org/cuc-bao-ton-thien-nhien-va-da-dang-sinh-hoc"
    parents = {r["p"] for r in select(store, f"SELECT ?p WHERE {{ <{unit}> org:subOrganizationOf ?p }}")}
    assert parents == {BASE + "org/bo-tai-nguyen-va-moi-truong", BASE + "org/bo-nong-nghiep-va-moi-truong"}
    assert unit in {r["unit"] for r in named(store, "units-on-date", date="2023-06-01")}
    assert unit not in {r["unit"] for r in named(store, "units-on-date", date="2022-06-01")}


# --- evidence ------------------------------------------------------------------------------


def test_every_fact_names_its_source_and_carries_evidence(store: Store) -> None:
    missing = select(store, """SELECT ?s WHERE {
      VALUES ?c { org:Membership foaf:Person org:Organization org:ChangeEvent tnmt:PersonnelEvent
                  tnmt:SourcedClaim tnmt:InferredStatement }
      ?s a ?c .
      FILTER NOT EXISTS { ?s dcterms:source ?src }
      FILTER NOT EXISTS { ?s tnmt:quote|prov:qualifiedDerivation|prov:qualifiedInfluence ?e } }""")
    assert missing == []


def test_only_the_seed_text_is_held(store: Store) -> None:
    held = select(store, "SELECT DISTINCT ?s WHERE { ?s schema:text ?t }")
    assert [r["s"] for r in held] == [BASE + "source/khoi-thi-dua-iv-2021"]
    quoted_elsewhere = select(store, """SELECT ?f WHERE { GRAPH ?g { ?f tnmt:quote ?q }
      FILTER(?g != <https://w3id.org/tnmt-kg/graph/source/khoi-thi-dua-iv-2021>) } LIMIT 1""")
    assert quoted_elsewhere == []


def test_legal_sources_carry_their_number_and_issuer(store: Store) -> None:
    rows = select(store, """SELECT ?s ?id ?issuer WHERE { ?s a schema:Legislation ;
      dcterms:identifier ?id ; schema:legislationPassedBy ?issuer }""")
    assert "68/2022/NĐ-CP" in {r["id"] for r in rows}


# --- consistency ---------------------------------------------------------------------------

# The axioms of PROV-O and W3C ORG the graph relies on (PROV-O, W3C Recommendation 2013-04-30:
# prov:Activity and prov:Entity are disjoint; prov:wasDerivedFrom, prov:wasGeneratedBy and
# prov:wasInvalidatedBy relate entities (and activities, for the last two). ORG, W3C
# Recommendation 2014-01-16: org:ChangeEvent is a prov:Activity). Stated here as we use them.
EXTERNAL_AXIOMS = """
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix org: <http://www.w3.org/ns/org#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
prov:Activity owl:disjointWith prov:Entity .
prov:wasDerivedFrom rdfs:domain prov:Entity ; rdfs:range prov:Entity .
prov:wasGeneratedBy rdfs:domain prov:Entity ; rdfs:range prov:Activity .
prov:wasInvalidatedBy rdfs:domain prov:Entity ; rdfs:range prov:Activity .
prov:wasInformedBy rdfs:domain prov:Activity ; rdfs:range prov:Activity .
prov:used rdfs:domain prov:Activity ; rdfs:range prov:Entity .
org:ChangeEvent rdfs:subClassOf prov:Activity .
"""


def test_the_graph_is_consistent_with_prov_and_org(project: Settings) -> None:
    import owlrl
    import rdflib

    from kg.build import to_rdflib

    graph = rdflib.Graph()
    for q in dataset_quads(project):
        graph.add((to_rdflib(q.subject, rdflib), to_rdflib(q.predicate, rdflib),
                   to_rdflib(q.object, rdflib)))
    graph.parse(data=EXTERNAL_AXIOMS, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    prov = rdflib.Namespace("http://www.w3.org/ns/prov#")
    activities = set(graph.subjects(rdflib.RDF.type, prov.Activity))
    both = activities & set(graph.subjects(rdflib.RDF.type, prov.Entity))
    assert both == set()
    assert list(graph.subjects(rdflib.RDF.type, rdflib.OWL.Nothing)) == []
    # OWL 2 DL keeps object and datatype properties apart: no tnmt: property is used both ways.
    tnmt = "https://w3id.org/tnmt-kg/ontology#"
    kinds: dict[str, set[bool]] = {}
    for _s, p, o in graph:
        if str(p).startswith(tnmt):
            kinds.setdefault(str(p), set()).add(isinstance(o, rdflib.Literal))
    assert {p for p, k in kinds.items() if len(k) > 1} == set()
    declared_object = set(graph.subjects(rdflib.RDF.type, rdflib.OWL.ObjectProperty))
    assert not any(isinstance(o, rdflib.Literal) for p in declared_object for o in graph.objects(None, p))


def test_consistency_check_catches_an_activity_derived_from_a_source() -> None:
    """The check above is not vacuous: an activity with prov:wasDerivedFrom is caught."""
    import owlrl
    import rdflib

    graph = rdflib.Graph().parse(data=EXTERNAL_AXIOMS + """
      <http://example.org/speech> a prov:Activity ; prov:wasDerivedFrom <http://example.org/doc> .
    """, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    prov = rdflib.Namespace("http://www.w3.org/ns/prov#")
    assert rdflib.URIRef("http://example.org/speech") in set(graph.subjects(rdflib.RDF.type, prov.Entity))


def test_source_files_without_a_text_cannot_quote(tmp_path: Path) -> None:
    from kg.errors import QuoteNotFound

    folder = tmp_path / "sources" / "cited"
    folder.mkdir(parents=True)
    (folder / "facts.yaml").write_text("""source:
  id: cited
  kind: NewsArticle
  title: A page we only cite
  publisher: {name: Example, url: https://example.org}
  url: https://example.org/page
  issued: 2020-01-01
people:
  - id: nguyen-van-a
    name: Nguyễn Văn A
    quote: words we do not hold
""", encoding="utf-8")
    settings = Settings.load(env={}, overrides={"store": str(tmp_path / "s"),
                                                "sources_dir": str(tmp_path / "sources")})
    with pytest.raises(QuoteNotFound, match="cite it with a locator"):
        build(settings)


# --- people are not their names ------------------------------------------------------------

def test_namesakes_with_their_own_ids_are_two_people(tmp_path: Path) -> None:
    settings = cited_sources(tmp_path, {
        "a": "people:\n  - {id: nguyen-van-a, name: Nguyễn Văn A, cite: đoạn 1}\n",
        "b": "people:\n  - {id: nguyen-van-a-2, name: Nguyễn Văn A, cite: đoạn 2}\n",
    })
    quads = dataset_quads(settings)
    people = {q.subject.value for q in quads if q.predicate.value.endswith("#type")
              and q.object.value == "http://xmlns.com/foaf/0.1/Person"}
    assert people == {BASE + "person/nguyen-van-a", BASE + "person/nguyen-van-a-2"}


def test_one_person_declared_twice_needs_the_same_explicit_id(tmp_path: Path) -> None:
    from kg.errors import SourceError

    same = cited_sources(tmp_path / "same", {
        "a": "people:\n  - {id: nguyen-van-a, name: Nguyễn Văn A, cite: đoạn 1}\n",
        "b": "people:\n  - {id: nguyen-van-a, name: Nguyễn Văn A, cite: đoạn 2}\n",
    })
    assert any(q.subject.value == BASE + "person/nguyen-van-a" for q in dataset_quads(same))
    implicit = cited_sources(tmp_path / "implicit", {
        "a": "people:\n  - {name: Nguyễn Văn A, cite: đoạn 1}\n",
        "b": "people:\n  - {name: Nguyễn Văn A, cite: đoạn 2}\n",
    })
    with pytest.raises(SourceError, match="already declared .*give both declarations the same 'id:'"):
        dataset_quads(implicit)


def test_a_name_two_people_bear_must_be_referred_to_by_id(tmp_path: Path) -> None:
    from kg.errors import SourceError

    settings = cited_sources(tmp_path, {
        "a": "people:\n  - {id: nguyen-van-a, name: Nguyễn Văn A, cite: đoạn 1}\n"
             "  - {id: nguyen-van-a-2, name: Nguyễn Văn A, cite: đoạn 1}\n"
             "organisations:\n  - {name: Bộ X, kind: Ministry, cite: đoạn 1}\n"
             "memberships:\n  - {member: Nguyễn Văn A, role: bo-truong, organization: Bộ X,"
             " attested: 2020-01-01, cite: đoạn 1}\n",
    })
    with pytest.raises(SourceError, match=r"names several people \(nguyen-van-a, nguyen-van-a-2\)"):
        dataset_quads(settings)


def test_a_dated_event_written_as_a_bare_day_is_refused_with_its_line(tmp_path: Path) -> None:
    from kg.errors import SourceError

    settings = cited_sources(tmp_path, {
        "a": "people:\n  - {id: nguyen-van-a, name: Nguyễn Văn A, cite: đoạn 1}\n"
             "organisations:\n  - {name: Bộ X, kind: Ministry, cite: đoạn 1}\n"
             "memberships:\n  - member: nguyen-van-a\n    role: bo-truong\n    organization: Bộ X\n"
             "    from: 2020-01-01\n    cite: đoạn 1\n",
    })
    # line 13: the membership entry (7 lines of source block, 2 of people, 2 of organisations, 1 header)
    with pytest.raises(SourceError, match=r"facts.yaml:13: memberships entry 1: 'from' must be a mapping"):
        dataset_quads(settings)


# --- a unit with two parents ---------------------------------------------------------------

MINISTRIES = """organisations:
  - {name: Bộ X, kind: Ministry, dissolved: {date: 2025-03-01, cite: đoạn 1}, cite: đoạn 1}
  - {name: Bộ Y, kind: Ministry, founded: {date: 2025-03-01, cite: đoạn 1}, cite: đoạn 1}
  - {name: Bộ Z, kind: Ministry, cite: đoạn 1}
"""


def test_a_second_parent_whose_span_follows_the_first_is_kept(tmp_path: Path) -> None:
    settings = cited_sources(tmp_path, {
        "a": MINISTRIES + "  - {name: Cục Q, kind: Department, parent: Bộ X, cite: đoạn 2}\n",
        "b": "organisations:\n  - {name: Cục Q, kind: Department, parent: Bộ Y, cite: đoạn 3}\n",
    })
    parents = {q.object.value for q in dataset_quads(settings)
               if q.subject.value == BASE + "org/cuc-q" and q.predicate.value.endswith("#subOrganizationOf")}
    assert parents == {BASE + "org/bo-x", BASE + "org/bo-y"}


def test_two_parents_that_live_side_by_side_are_refused_where_declared(tmp_path: Path) -> None:
    from kg.errors import SourceError

    settings = cited_sources(tmp_path, {
        "a": MINISTRIES + "  - {name: Cục Q, kind: Department, parent: Bộ X, cite: đoạn 2}\n",
        "b": "organisations:\n  - {name: Cục Q, kind: Department, parent: Bộ Z, cite: đoạn 3}\n",
    })
    refused = r"b/facts.yaml:\d+: .*parent 'Bộ Z' here but 'Bộ X' in .*a/facts.yaml"
    with pytest.raises(SourceError, match=refused):
        dataset_quads(settings)



# --- a founding or a dissolution known to the month or the year ------------------------------

YEAR_ONLY = """organisations:
  - {name: Bộ Tài nguyên và Môi trường, kind: Ministry, cite: đoạn 1}
  - name: Cục Năm
    kind: Department
    parent: Bộ Tài nguyên và Môi trường
    founded: {date: 2013, cite: đoạn 2}
    dissolved: {date: 2025-03, cite: đoạn 3}
    cite: đoạn 2
"""


@pytest.fixture(scope="module")
def year_only(tmp_path_factory: pytest.TempPathFactory) -> Store:
    settings = cited_sources(tmp_path_factory.mktemp("year-only"), {"a": YEAR_ONLY})
    build(settings)
    return Store.read_only(settings.store)


@pytest.mark.parametrize(("day", "listed"), [
    ("2012-12-31", False), ("2013-01-01", True), ("2013-06-01", True),  # "in 2013": all of 2013
    ("2025-03-31", True), ("2025-04-01", False)])  # "in 3/2025": through March
def test_a_founding_or_dissolution_known_to_the_year_or_month_counts_as_the_whole_of_it(
        year_only: Store, day: str, listed: bool) -> None:
    """The query and the Python rule (kg.records.unit_exists_on, used by /structure) agree."""
    unit = BASE + "org/cuc-nam"
    assert (unit in {r["unit"] for r in named(year_only, "units-on-date", date=day)}) is listed
    assert units(year_only)[unit].exists_on(dt.date.fromisoformat(day)) is listed


def test_a_year_only_founding_is_written_as_the_year(year_only: Store) -> None:
    founded = select(year_only, f"SELECT ?d WHERE {{ <{BASE}org/cuc-nam> schema:foundingDate ?d }}")
    assert founded == [{"d": "2013"}]
    # the per-year rule (/coverage, the roster's span): the unit is in 2013 and in 2025, not 2012
    assert [units(year_only)[BASE + "org/cuc-nam"].exists_in(y) for y in (2012, 2013, 2025, 2026)] == [
        False, True, True, False]


def test_one_page_has_one_source_folder(tmp_path: Path) -> None:
    """Two folders for one address would count the page's facts twice under two identities;
    the second is refused, naming the first (an address is compared without scheme, www. and a
    final slash)."""
    from kg.errors import SourceError

    settings = cited_sources(tmp_path, {"a": "", "b": ""})
    page_b = Path(settings.sources_dir) / "b" / "facts.yaml"
    page_b.write_text(page_b.read_text(encoding="utf-8").replace(
        "url: https://example.org/b", "url: http://www.example.org/a/"), encoding="utf-8")
    with pytest.raises(SourceError, match=r"b/facts.yaml: the page .*example.org/a/ already has the source "
                                          r"folder 'a'"):
        dataset_quads(settings)
