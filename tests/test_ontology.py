"""The ontology, the role scheme and the SHACL shapes in ``ontology/``.

Checks that every file parses (rdflib and pyoxigraph), that every ``tnmt:`` term is
labelled, defined and aligned as docs/model.md says, that the role labels are the
article's own words, and that the shapes accept a well-formed graph and reject
broken ones (pyshacl, no inference).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pyoxigraph
import pytest
from pyshacl import validate
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, XSD

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
TNMT_TTL = ONTOLOGY_DIR / "tnmt.ttl"
ROLES_TTL = ONTOLOGY_DIR / "roles.ttl"
SHAPES_TTL = ONTOLOGY_DIR / "shapes.ttl"

ONTOLOGY_IRI = URIRef("https://w3id.org/tnmt-kg/ontology")
TNMT = Namespace("https://w3id.org/tnmt-kg/ontology#")
ROLE = Namespace("https://w3id.org/tnmt-kg/role/")
TNMTSH = Namespace("https://w3id.org/tnmt-kg/shapes#")
ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")
PROV = Namespace("http://www.w3.org/ns/prov#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SCHEMA = Namespace("https://schema.org/")
ROLE_SCHEME = ROLE.scheme

ARTICLE_CANDIDATES = (
    ROOT.parent / "shared" / "seed" / "khoi-thi-dua-iv-2021.txt",  # ../shared beside the project
    ROOT / "sources" / "khoi-thi-dua-iv-2021" / "article.txt",
)

# --- docs/model.md, "Classes": term -> (vi, en, super-classes) ---------------------------
EXPECTED_CLASSES = {
    "Ministry": ("Bộ", "Ministry", {ORG.FormalOrganization, SCHEMA.GovernmentOrganization}),
    "GeneralDepartment": ("Tổng cục", "General Department", {ORG.OrganizationalUnit}),
    "Department": ("Cục", "Department", {ORG.OrganizationalUnit}),
    "Vu": ("Vụ", "Vụ (ministerial department)", {ORG.OrganizationalUnit}),
    "Centre": ("Trung tâm", "Centre", {ORG.OrganizationalUnit}),
    "Council": ("Hội đồng", "Council", {ORG.Organization}),
    "CompetitionBloc": ("Khối thi đua", "Emulation bloc", {ORG.OrganizationalCollaboration}),
    "CompetitionCluster": (
        "Cụm thi đua",
        "Emulation cluster",
        {ORG.OrganizationalCollaboration},
    ),
    "ProvincialDepartment": ("Sở", "Provincial department", {ORG.Organization}),
    "Post": ("Chức vụ", "Post", {ORG.Post}),
    "Conference": ("Hội nghị", "Conference", {SCHEMA.Event, PROV.Activity}),
    "Speech": ("Phát biểu", "Speech", {SCHEMA.Event, PROV.Activity}),
    "EmulationMovement": ("Phong trào thi đua", "Emulation movement", {PROV.Activity}),
    "MovementLaunch": ("Phát động phong trào", "Launch of movements", {PROV.Activity}),
    "Recognition": ("Ghi nhận, đánh giá", "Recognition", {SCHEMA.AssessAction, PROV.Activity}),
    "SourceDocument": (
        "Tài liệu nguồn",
        "Source document",
        {PROV.Entity, FOAF.Document, SCHEMA.CreativeWork},
    ),
    "InferredStatement": ("Nhận định suy luận", "Inferred statement", {TNMT.SourcedClaim}),
    # the ministry over time
    "Government": ("Chính phủ", "Government", {ORG.FormalOrganization, SCHEMA.GovernmentOrganization}),
    "Legislature": ("Quốc hội", "Legislature", {ORG.FormalOrganization, SCHEMA.GovernmentOrganization}),
    "Office": ("Văn phòng", "Office", {ORG.OrganizationalUnit}),
    "Inspectorate": ("Thanh tra", "Inspectorate", {ORG.OrganizationalUnit}),
    "Institute": ("Viện", "Institute", {ORG.OrganizationalUnit}),
    "PressAgency": ("Cơ quan báo chí", "Press agency", {ORG.OrganizationalUnit}),
    "School": ("Trường", "School", {ORG.OrganizationalUnit}),
    "Decree": ("Nghị định", "Decree", {TNMT.SourceDocument, SCHEMA.Legislation}),
    "Resolution": ("Nghị quyết", "Resolution", {TNMT.SourceDocument, SCHEMA.Legislation}),
    "Decision": ("Quyết định", "Decision", {TNMT.SourceDocument, SCHEMA.Legislation}),
    "Law": ("Luật", "Law", {TNMT.SourceDocument, SCHEMA.Legislation}),
    "SourcedClaim": ("Nhận định có nguồn", "Sourced claim", {PROV.Entity}),
    "PersonnelEvent": ("Sự kiện nhân sự", "Personnel event", {PROV.Activity}),
    "Split": ("Chia tách", "Split", {ORG.ChangeEvent}),
    "Merger": ("Hợp nhất", "Merger", {ORG.ChangeEvent}),
    "Replacement": ("Thay thế", "Replacement", {ORG.ChangeEvent}),
    "Renaming": ("Đổi tên", "Renaming", {ORG.ChangeEvent}),
    "Establishment": ("Thành lập", "Establishment", {ORG.ChangeEvent}),
    "Dissolution": ("Giải thể", "Dissolution", {ORG.ChangeEvent}),
}

# --- docs/model.md, "Properties": term -> (super-property, domain, range) ----------------
# domain None: no rdfs:domain; "union" : an owl:unionOf class.
EXPECTED_PROPERTIES = {
    "quote": (SCHEMA.citation, None, RDF.langString),
    "chair": (PROV.wasAssociatedWith, TNMT.Conference, FOAF.Person),
    "participatingUnit": (SCHEMA.attendee, TNMT.Conference, ORG.Organization),
    "partOfDay": (SCHEMA.description, TNMT.Conference, RDF.langString),
    "atEvent": (SCHEMA.superEvent, None, TNMT.Conference),
    "speaker": (PROV.wasAssociatedWith, TNMT.Speech, FOAF.Person),
    "onBehalfOf": (PROV.wasAssociatedWith, "union", ORG.Organization),
    "summary": (SCHEMA.description, TNMT.Speech, RDF.langString),
    "launchedMovement": (DCTERMS.relation, TNMT.MovementLaunch, TNMT.EmulationMovement),
    "implementedBy": (PROV.wasAssociatedWith, TNMT.EmulationMovement, ORG.Organization),
    "period": (TIME.hasTime, TNMT.EmulationMovement, TIME.Interval),
    "recognises": (SCHEMA.object, TNMT.Recognition, ORG.Organization),
    "forMembership": (PROV.used, TNMT.Recognition, ORG.Membership),
    "inferenceReason": (SCHEMA.description, TNMT.InferredStatement, RDFS.Literal),
    # the ministry over time
    "locator": (DCTERMS.bibliographicCitation, PROV.Influence, RDF.langString),
    "accessedOn": (DCTERMS.date, TNMT.SourceDocument, XSD.date),
    "operatedUntil": (DCTERMS.date, ORG.Organization, XSD.date),
    "claim": (DCTERMS.relation, None, TNMT.SourcedClaim),
    "conflictsWith": (DCTERMS.relation, ORG.ChangeEvent, ORG.ChangeEvent),
    "startedBy": (PROV.wasGeneratedBy, ORG.Membership, TNMT.PersonnelEvent),
    "endedBy": (PROV.wasInvalidatedBy, ORG.Membership, TNMT.PersonnelEvent),
    "aboutRole": (DCTERMS.subject, TNMT.PersonnelEvent, ORG.Role),
    "aboutOrganization": (DCTERMS.subject, TNMT.PersonnelEvent, ORG.Organization),
    "inCapacityOf": (DCTERMS.relation, ORG.Membership, ORG.Membership),
    "assignedFor": (DCTERMS.temporal, TNMT.PersonnelEvent, TIME.Interval),
}

# --- the role scheme: slug -> (vi prefLabel as the article writes it, en, vi altLabels) --
EXPECTED_ROLES = {
    "cuc-truong": ("Cục trưởng", "Director General (of a Cục)", set()),
    "pho-cuc-truong": ("Phó Cục trưởng", "Deputy Director General (of a Cục)", set()),
    "vu-truong": ("Vụ trưởng", "Director (of a Vụ)", set()),
    "pho-vu-truong-phu-trach": (
        "Phó Vụ trưởng phụ trách",
        "Deputy Director in charge (of a Vụ)",
        set(),
    ),
    "truong-khoi": ("Trưởng Khối", "Bloc head", {"Khối trưởng"}),
    "khoi-pho": ("Khối phó", "Bloc deputy", set()),
    "thanh-vien-khoi": ("Thành viên Khối", "Bloc member", {"đơn vị thành viên"}),
    "chu-tri-hoi-nghi": ("Chủ trì Hội nghị", "Meeting chair", set()),
    "tham-du-hoi-nghi": ("Tham dự Hội nghị", "Meeting participant", set()),
    "to-chuc-hoi-nghi": ("Tổ chức Hội nghị", "Meeting organiser", set()),
}

# Roles the seed article names verbatim (prefLabel or altLabel, exact case).
ROLES_NAMED_VERBATIM = (
    "cuc-truong",
    "pho-cuc-truong",
    "pho-vu-truong-phu-trach",
    "truong-khoi",
    "khoi-pho",
)

HEAD_DEPUTY = (
    ("cuc-truong", "pho-cuc-truong"),
    ("vu-truong", "pho-vu-truong-phu-trach"),
    ("truong-khoi", "khoi-pho"),
)


# =========================================================================================
#  Fixtures and helpers
# =========================================================================================


def _load(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


@pytest.fixture(scope="module")
def onto() -> Graph:
    return _load(TNMT_TTL)


@pytest.fixture(scope="module")
def roles() -> Graph:
    return _load(ROLES_TTL)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return _load(SHAPES_TTL)


@pytest.fixture(scope="module")
def article() -> str:
    for path in ARTICLE_CANDIDATES:
        if path.is_file():
            return unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
    pytest.skip("seed article khoi-thi-dua-iv-2021 not found")


def _lang_values(g: Graph, s, p, lang: str) -> list[str]:
    return [str(o) for o in g.objects(s, p) if isinstance(o, Literal) and o.language == lang]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _tnmt_terms(g: Graph, kinds) -> set[URIRef]:
    return {
        s
        for kind in kinds
        for s in g.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(str(TNMT))
    }


def _classes(g: Graph) -> set[URIRef]:
    return _tnmt_terms(g, (OWL.Class, RDFS.Class))


def _properties(g: Graph) -> set[URIRef]:
    return _tnmt_terms(
        g, (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
    )


# =========================================================================================
#  Every file parses
# =========================================================================================

TTL_FILES = sorted(ONTOLOGY_DIR.glob("*.ttl"))


def test_the_three_files_exist():
    assert {p.name for p in TTL_FILES} >= {"tnmt.ttl", "roles.ttl", "shapes.ttl"}


@pytest.mark.parametrize("path", TTL_FILES, ids=lambda p: p.name)
def test_parses_with_rdflib(path: Path):
    assert len(_load(path)) > 0


@pytest.mark.parametrize("path", TTL_FILES, ids=lambda p: p.name)
def test_parses_with_pyoxigraph(path: Path):
    quads = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) == len(_load(path))


@pytest.mark.parametrize("path", TTL_FILES, ids=lambda p: p.name)
def test_every_literal_is_nfc(path: Path):
    text = path.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text), f"{path.name} is not Unicode NFC"
    for _, _, o in _load(path):
        if isinstance(o, Literal):
            assert unicodedata.is_normalized("NFC", str(o)), f"not NFC: {o!r}"


# =========================================================================================
#  tnmt.ttl
# =========================================================================================


def test_ontology_header(onto: Graph):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert _lang_values(onto, ONTOLOGY_IRI, DCTERMS.title, "vi")
    assert _lang_values(onto, ONTOLOGY_IRI, DCTERMS.title, "en")
    assert list(onto.objects(ONTOLOGY_IRI, DCTERMS.description))
    assert (ONTOLOGY_IRI, OWL.versionInfo, Literal("0.1.0")) in onto
    assert list(onto.objects(ONTOLOGY_IRI, DCTERMS.license))
    assert list(onto.objects(ONTOLOGY_IRI, RDFS.seeAlso))


def test_declares_exactly_the_model_terms(onto: Graph):
    assert {str(c).removeprefix(str(TNMT)) for c in _classes(onto)} == set(EXPECTED_CLASSES)
    assert {str(p).removeprefix(str(TNMT)) for p in _properties(onto)} == set(EXPECTED_PROPERTIES)


def test_every_term_is_labelled_and_defined(onto: Graph):
    terms = _classes(onto) | _properties(onto)
    assert terms
    for term in terms:
        for prop in (RDFS.label, SKOS.definition):
            for lang in ("vi", "en"):
                assert _lang_values(onto, term, prop, lang), f"{term} lacks {prop} @{lang}"
        assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in onto, term


def test_every_term_is_aligned_outside_tnmt(onto: Graph):
    def aligned(term: URIRef, link: URIRef, seen: frozenset = frozenset()) -> bool:
        for sup in onto.objects(term, link):
            if not isinstance(sup, URIRef) or sup in seen:
                continue
            if not str(sup).startswith(str(TNMT)):
                return True
            if aligned(sup, link, seen | {term}):
                return True
        return False

    for cls in _classes(onto):
        assert aligned(cls, RDFS.subClassOf), f"{cls} has no super-class outside tnmt:"
    for prop in _properties(onto):
        assert aligned(prop, RDFS.subPropertyOf), f"{prop} has no super-property outside tnmt:"


def test_class_labels_and_alignment_follow_the_model(onto: Graph):
    for name, (vi, en, supers) in EXPECTED_CLASSES.items():
        cls = TNMT[name]
        assert _lang_values(onto, cls, RDFS.label, "vi") == [vi], name
        assert _lang_values(onto, cls, RDFS.label, "en") == [en], name
        assert set(onto.objects(cls, RDFS.subClassOf)) == supers, name


def test_property_alignment_domain_and_range_follow_the_model(onto: Graph):
    for name, (sup, domain, rng) in EXPECTED_PROPERTIES.items():
        prop = TNMT[name]
        assert set(onto.objects(prop, RDFS.subPropertyOf)) == {sup}, name
        domains = list(onto.objects(prop, RDFS.domain))
        if domain is None:
            assert domains == [], f"{name} must have no rdfs:domain"
        elif domain == "union":
            assert len(domains) == 1 and isinstance(domains[0], BNode), name
            members = set(onto.items(onto.value(domains[0], OWL.unionOf)))
            assert members == {TNMT.Speech, TNMT.Recognition}, name
        else:
            assert domains == [domain], name
        assert list(onto.objects(prop, RDFS.range)) == [rng], name


def test_property_kinds(onto: Graph):
    datatype = {"quote", "partOfDay", "summary", "inferenceReason", "locator", "accessedOn",
                "operatedUntil"}
    for name in EXPECTED_PROPERTIES:
        kind = OWL.DatatypeProperty if name in datatype else OWL.ObjectProperty
        assert (TNMT[name], RDF.type, kind) in onto, name


def test_external_terms_are_only_referenced(onto: Graph):
    """No triple in tnmt.ttl describes a term of another vocabulary."""
    for s in set(onto.subjects()):
        if isinstance(s, URIRef):
            assert s == ONTOLOGY_IRI or str(s).startswith(str(TNMT)), f"redefines {s}"


def test_post_is_never_a_person(onto: Graph):
    assert (TNMT.Post, OWL.disjointWith, FOAF.Person) in onto


# =========================================================================================
#  roles.ttl
# =========================================================================================


def test_role_scheme(roles: Graph):
    assert (ROLE_SCHEME, RDF.type, SKOS.ConceptScheme) in roles
    for prop in (SKOS.prefLabel, RDFS.label):
        for lang in ("vi", "en"):
            assert _lang_values(roles, ROLE_SCHEME, prop, lang), (prop, lang)


def test_the_scheme_holds_exactly_the_expected_roles(roles: Graph):
    in_scheme = set(roles.subjects(SKOS.inScheme, ROLE_SCHEME))
    assert in_scheme == {ROLE[slug] for slug in EXPECTED_ROLES}
    assert set(roles.objects(ROLE_SCHEME, SKOS.hasTopConcept)) == in_scheme


@pytest.mark.parametrize("slug", sorted(EXPECTED_ROLES))
def test_role(roles: Graph, slug: str):
    role = ROLE[slug]
    vi, en, alt = EXPECTED_ROLES[slug]
    for cls in (ORG.Role, SKOS.Concept, PROV.Role):
        assert (role, RDF.type, cls) in roles, cls
    assert (role, SKOS.inScheme, ROLE_SCHEME) in roles
    assert (role, SKOS.topConceptOf, ROLE_SCHEME) in roles
    assert _lang_values(roles, role, SKOS.prefLabel, "vi") == [vi]
    assert _lang_values(roles, role, SKOS.prefLabel, "en") == [en]
    assert _lang_values(roles, role, RDFS.label, "vi") == [vi]
    assert _lang_values(roles, role, RDFS.label, "en") == [en]
    assert set(_lang_values(roles, role, SKOS.altLabel, "vi")) == alt
    for lang in ("vi", "en"):
        assert _lang_values(roles, role, SKOS.definition, lang), lang


def test_head_and_deputy_roles_are_related(roles: Graph):
    for head, deputy in HEAD_DEPUTY:
        assert (ROLE[head], SKOS.related, ROLE[deputy]) in roles
        assert (ROLE[deputy], SKOS.related, ROLE[head]) in roles
    # the scheme is flat
    assert not list(roles.triples((None, SKOS.broader, None)))
    assert not list(roles.triples((None, SKOS.narrower, None)))


@pytest.mark.parametrize("slug", ROLES_NAMED_VERBATIM)
def test_role_label_is_the_articles_wording(roles: Graph, article: str, slug: str):
    text = _squash(article)
    role = ROLE[slug]
    labels = _lang_values(roles, role, SKOS.prefLabel, "vi") + _lang_values(
        roles, role, SKOS.altLabel, "vi"
    )
    assert any(label in text for label in labels), f"{slug}: none of {labels} in the article"


def test_both_bloc_head_spellings_are_in_the_article(article: str):
    assert "Trưởng Khối" in article
    assert "Khối trưởng" in article
    assert "Phó Vụ trưởng phụ trách" in article


def test_chair_role_uses_the_articles_verb(roles: Graph, article: str):
    assert "chủ trì Hội nghị" in article
    (label,) = _lang_values(roles, ROLE["chu-tri-hoi-nghi"], SKOS.prefLabel, "vi")
    assert label.casefold().startswith("chủ trì")


@pytest.mark.parametrize("slug", sorted(EXPECTED_ROLES))
def test_every_role_wording_occurs_in_the_article_ignoring_case(
    roles: Graph, article: str, slug: str
):
    text = _squash(article).casefold()
    role = ROLE[slug]
    labels = _lang_values(roles, role, SKOS.prefLabel, "vi") + _lang_values(
        roles, role, SKOS.altLabel, "vi"
    )
    assert any(label.casefold() in text for label in labels), slug


# =========================================================================================
#  shapes.ttl, checked with pyshacl (inference='none')
# =========================================================================================

PREFIXES = """
@prefix tnmt:   <https://w3id.org/tnmt-kg/ontology#> .
@prefix role:   <https://w3id.org/tnmt-kg/role/> .
@prefix person: <https://w3id.org/tnmt-kg/person/> .
@prefix unit:   <https://w3id.org/tnmt-kg/org/> .
@prefix post:   <https://w3id.org/tnmt-kg/post/> .
@prefix place:  <https://w3id.org/tnmt-kg/place/> .
@prefix ms:     <https://w3id.org/tnmt-kg/membership/> .
@prefix event:  <https://w3id.org/tnmt-kg/event/> .
@prefix assoc:  <https://w3id.org/tnmt-kg/association/> .
@prefix speech: <https://w3id.org/tnmt-kg/speech/> .
@prefix movement: <https://w3id.org/tnmt-kg/movement/> .
@prefix launch: <https://w3id.org/tnmt-kg/launch/> .
@prefix recognition: <https://w3id.org/tnmt-kg/recognition/> .
@prefix src:    <https://w3id.org/tnmt-kg/source/> .
@prefix instant: <https://w3id.org/tnmt-kg/instant/> .
@prefix interval: <https://w3id.org/tnmt-kg/interval/> .
@prefix statement: <https://w3id.org/tnmt-kg/statement/> .
@prefix org:    <http://www.w3.org/ns/org#> .
@prefix time:   <http://www.w3.org/2006/time#> .
@prefix prov:   <http://www.w3.org/ns/prov#> .
@prefix foaf:   <http://xmlns.com/foaf/0.1/> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix rdf:    <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""

Q_CHAIR = (
    "Ông Nguyễn Quốc Khánh, Cục trưởng Cục Viễn thám quốc gia, "
    "Trưởng Khối thi đua số IV chủ trì Hội nghị."
)
Q_HEAD = "Năm 2021, Cục Viễn thám quốc gia là Khối trưởng Khối Thi đua số IV."
Q_MEETING = (
    "Sáng 20/12, tại Hà Nội, Khối Thi đua số IV Bộ TN&MT tổ chức Hội nghị trực tuyến "
    "tổng kết năm 2021 và triển khai nhiệm vụ năm 2022."
)
Q_SPEECH = (
    "Ông Nguyễn Minh Khuyến, Phó Cục trưởng Cục Quản lý tài nguyên nước đề nghị đưa vào "
    "định hướng năm 2022 của Khối Thi đua IV về tập trung xây dựng các Kế hoạch thi đua"
)
Q_LAUNCH = (
    "do Hội đồng Thi đua - Khen thưởng Trung ương, Thủ tướng Chính phủ, "
    "Bộ trưởng Bộ TN&MT phát động"
)

VALID_DATA = (
    PREFIXES
    + f"""
src:khoi-thi-dua-iv-2021 a tnmt:SourceDocument ;
    dcterms:title
        "Khối Thi đua số IV - Bộ TN&MT: Tiếp tục thực hiện tốt công tác thi đua, khen thưởng"@vi ;
    schema:publisher "baotainguyenmoitruong.vn" ;
    dcterms:language "vi" ;
    schema:text "Sáng 20/12, tại Hà Nội, …"@vi .

place:ha-noi a schema:Place ; rdfs:label "Hà Nội"@vi .

person:nguyen-quoc-khanh a foaf:Person , schema:Person ;
    rdfs:label "Nguyễn Quốc Khánh"@vi ;
    skos:prefLabel "Nguyễn Quốc Khánh"@vi ;
    foaf:name "Nguyễn Quốc Khánh"@vi ;
    dcterms:source src:khoi-thi-dua-iv-2021 ;
    tnmt:quote "{Q_CHAIR}"@vi .

unit:bo-tnmt a org:Organization , org:FormalOrganization , tnmt:Ministry ;
    rdfs:label "Bộ Tài nguyên và Môi trường"@vi ,
        "Ministry of Natural Resources and Environment"@en ;
    skos:prefLabel "Bộ Tài nguyên và Môi trường"@vi ;
    skos:altLabel "Bộ TN&MT"@vi ;
    dcterms:source src:khoi-thi-dua-iv-2021 ;
    tnmt:quote "{Q_MEETING}"@vi .

unit:cuc-vien-tham-quoc-gia a org:Organization , org:OrganizationalUnit , tnmt:Department ;
    rdfs:label "Cục Viễn thám quốc gia"@vi , "National Remote Sensing Department"@en ;
    skos:prefLabel "Cục Viễn thám quốc gia"@vi ;
    org:subOrganizationOf unit:bo-tnmt ;
    dcterms:source src:khoi-thi-dua-iv-2021 ;
    tnmt:quote "{Q_CHAIR}"@vi .

unit:khoi-thi-dua-so-iv a org:Organization , org:OrganizationalCollaboration ,
        tnmt:CompetitionBloc ;
    rdfs:label "Khối Thi đua số IV"@vi , "Emulation Bloc No. IV"@en ;
    skos:prefLabel "Khối Thi đua số IV"@vi ;
    org:hasMember unit:cuc-vien-tham-quoc-gia ;
    dcterms:source src:khoi-thi-dua-iv-2021 ;
    tnmt:quote "{Q_HEAD}"@vi .

post:thu-tuong-chinh-phu a org:Post , tnmt:Post ;
    rdfs:label "Thủ tướng Chính phủ"@vi , "Prime Minister"@en ;
    dcterms:source src:khoi-thi-dua-iv-2021 ;
    tnmt:quote "{Q_LAUNCH}"@vi .

# A role the source attests on a day: time:inside.
ms:nguyen-quoc-khanh--cuc-truong--cuc-vien-tham-quoc-gia--2021-12-20 a org:Membership ;
    org:member person:nguyen-quoc-khanh ;
    org:organization unit:cuc-vien-tham-quoc-gia ;
    org:role role:cuc-truong ;
    org:memberDuring interval:nguyen-quoc-khanh--cuc-truong--cuc-vien-tham-quoc-gia--2021-12-20 ;
    dcterms:source src:khoi-thi-dua-iv-2021 ;
    tnmt:quote "{Q_CHAIR}"@vi .

interval:nguyen-quoc-khanh--cuc-truong--cuc-vien-tham-quoc-gia--2021-12-20 a time:Interval ;
    time:inside instant:2021-12-20 .

instant:2021-12-20 a time:Instant ; time:inXSDDate "2021-12-20"^^xsd:date .

# A role held for a known period: beginning and end.
ms:cuc-vien-tham-quoc-gia--truong-khoi--khoi-thi-dua-so-iv--2021 a org:Membership ;
    org:member unit:cuc-vien-tham-quoc-gia ;
    org:organization unit:khoi-thi-dua-so-iv ;
    org:role role:truong-khoi ;
    org:memberDuring interval:2021 ;
    dcterms:source src:khoi-thi-dua-iv-2021 ;
    tnmt:quote "{Q_HEAD}"@vi .

interval:2021 a time:Interval ;
    time:hasBeginning instant:2021-01-01 ;
    time:hasEnd instant:2021-12-31 .
instant:2021-01-01 a time:Instant ; time:inXSDDate "2021-01-01"^^xsd:date .
instant:2021-12-31 a time:Instant ; time:inXSDDate "2021-12-31"^^xsd:date .

event:hoi-nghi-tong-ket-2021-khoi-thi-dua-so-iv a tnmt:Conference , schema:Event , prov:Activity ;
    rdfs:label "Hội nghị trực tuyến tổng kết năm 2021 và triển khai nhiệm vụ năm 2022"@vi ;
    schema:startDate "2021-12-20"^^xsd:date ;
    tnmt:partOfDay "sáng"@vi , "morning"@en ;
    schema:location place:ha-noi ;
    schema:eventAttendanceMode schema:OnlineEventAttendanceMode ;
    schema:organizer unit:khoi-thi-dua-so-iv ;
    tnmt:chair person:nguyen-quoc-khanh ;
    tnmt:participatingUnit unit:cuc-vien-tham-quoc-gia ;
    prov:qualifiedAssociation assoc:hoi-nghi--chu-tri-hoi-nghi--nguyen-quoc-khanh ;
    dcterms:source src:khoi-thi-dua-iv-2021 ;
    tnmt:quote "{Q_MEETING}"@vi , "{Q_CHAIR}"@vi .

assoc:hoi-nghi--chu-tri-hoi-nghi--nguyen-quoc-khanh a prov:Association ;
    prov:agent person:nguyen-quoc-khanh ;
    prov:hadRole role:chu-tri-hoi-nghi .

speech:hoi-nghi--nguyen-quoc-khanh--1 a tnmt:Speech ;
    tnmt:atEvent event:hoi-nghi-tong-ket-2021-khoi-thi-dua-so-iv ;
    tnmt:speaker person:nguyen-quoc-khanh ;
    tnmt:onBehalfOf unit:cuc-vien-tham-quoc-gia ;
    tnmt:summary "Đề nghị xây dựng các Kế hoạch thi đua phù hợp với tình hình dịch COVID-19."@vi ,
        "Proposed emulation plans suited to the COVID-19 situation."@en ;
    dcterms:source src:khoi-thi-dua-iv-2021 ;
    tnmt:quote "{Q_SPEECH}"@vi .

movement:ca-nuoc-chung-tay-vi-nguoi-ngheo a tnmt:EmulationMovement ;
    rdfs:label "Cả nước chung tay vì người nghèo, không để ai bị bỏ lại phía sau"@vi ;
    tnmt:implementedBy unit:khoi-thi-dua-so-iv ;
    dcterms:source src:khoi-thi-dua-iv-2021 ;
    tnmt:quote "{Q_LAUNCH}"@vi .

launch:khoi-thi-dua-iv-2021--1 a tnmt:MovementLaunch ;
    prov:wasAssociatedWith post:thu-tuong-chinh-phu ;
    tnmt:launchedMovement movement:ca-nuoc-chung-tay-vi-nguoi-ngheo ;
    dcterms:source src:khoi-thi-dua-iv-2021 ;
    tnmt:quote "{Q_LAUNCH}"@vi .

recognition:vien-tham-truong-khoi-2021 a tnmt:Recognition ;
    tnmt:recognises unit:cuc-vien-tham-quoc-gia ;
    tnmt:forMembership ms:cuc-vien-tham-quoc-gia--truong-khoi--khoi-thi-dua-so-iv--2021 ;
    dcterms:source src:khoi-thi-dua-iv-2021 ;
    tnmt:quote "{Q_HEAD}"@vi .

statement:conference-year a tnmt:InferredStatement ;
    rdf:subject event:hoi-nghi-tong-ket-2021-khoi-thi-dua-so-iv ;
    rdf:predicate schema:startDate ;
    rdf:object "2021-12-20"^^xsd:date ;
    tnmt:inferenceReason
        "The article says “Sáng 20/12”; the year comes from “tổng kết năm 2021”."@en ;
    dcterms:source src:khoi-thi-dua-iv-2021 ;
    tnmt:quote "{Q_MEETING}"@vi .
"""
)

MS_DAY = URIRef(
    "https://w3id.org/tnmt-kg/membership/"
    "nguyen-quoc-khanh--cuc-truong--cuc-vien-tham-quoc-gia--2021-12-20"
)
IV_DAY = URIRef(
    "https://w3id.org/tnmt-kg/interval/"
    "nguyen-quoc-khanh--cuc-truong--cuc-vien-tham-quoc-gia--2021-12-20"
)
MS_YEAR = URIRef(
    "https://w3id.org/tnmt-kg/membership/cuc-vien-tham-quoc-gia--truong-khoi--khoi-thi-dua-so-iv--2021"
)
PERSON = URIRef("https://w3id.org/tnmt-kg/person/nguyen-quoc-khanh")
CUC = URIRef("https://w3id.org/tnmt-kg/org/cuc-vien-tham-quoc-gia")
POST = URIRef("https://w3id.org/tnmt-kg/post/thu-tuong-chinh-phu")
EVENT = URIRef("https://w3id.org/tnmt-kg/event/hoi-nghi-tong-ket-2021-khoi-thi-dua-so-iv")
SPEECH = URIRef("https://w3id.org/tnmt-kg/speech/hoi-nghi--nguyen-quoc-khanh--1")
INSTANT_2021_01_01 = URIRef("https://w3id.org/tnmt-kg/instant/2021-01-01")


def _data(*extra: Graph) -> Graph:
    g = Graph().parse(data=VALID_DATA, format="turtle")
    for other in extra:
        g += other
    return g


def _validate(data: Graph, shapes: Graph) -> tuple[bool, Graph, str]:
    conforms, report, text = validate(
        data, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=False
    )
    return bool(conforms), report, text


def _results(report: Graph) -> list[dict]:
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        out.append(
            {
                "focus": report.value(r, SH.focusNode),
                "path": report.value(r, SH.resultPath),
                "component": report.value(r, SH.sourceConstraintComponent),
                "shape": report.value(r, SH.sourceShape),
                "message": report.value(r, SH.resultMessage),
            }
        )
    return out


def _has_result(report: Graph, focus, path=None, component=None) -> bool:
    return any(
        r["focus"] == focus
        and (path is None or r["path"] == path)
        and (component is None or r["component"] == component)
        for r in _results(report)
    )


def test_test_data_quotes_are_verbatim(article: str):
    text = _squash(article)
    for quote in (Q_CHAIR, Q_HEAD, Q_MEETING, Q_SPEECH, Q_LAUNCH):
        assert _squash(quote) in text, quote


def test_shapes_graph_is_valid_shacl(shapes: Graph, roles: Graph):
    """pyshacl accepts shapes.ttl as a shapes graph, checked against SHACL-SHACL."""
    conforms, _, text = validate(roles, shacl_graph=shapes, inference="none", meta_shacl=True)
    assert conforms, text


def test_shapes_are_in_their_namespace(shapes: Graph):
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    assert node_shapes
    for s in node_shapes | set(shapes.subjects(RDF.type, SH.PropertyShape)):
        assert isinstance(s, URIRef) and str(s).startswith(str(TNMTSH)), s


def test_every_message_is_english(shapes: Graph):
    messages = list(shapes.objects(None, SH.message))
    assert messages
    for m in messages:
        assert isinstance(m, Literal) and m.language in (None, "en"), m
        assert str(m).isascii(), f"message not in plain English: {m}"


def test_role_scheme_conforms(shapes: Graph, roles: Graph):
    conforms, _, text = _validate(roles, shapes)
    assert conforms, text


def test_valid_data_conforms(shapes: Graph, roles: Graph):
    conforms, _, text = _validate(_data(roles), shapes)
    assert conforms, text


def test_valid_data_conforms_with_the_ontology_merged(shapes: Graph, roles: Graph, onto: Graph):
    conforms, _, text = _validate(_data(roles, onto), shapes)
    assert conforms, text


def _without_english_summary(data: Graph) -> None:
    for o in list(data.objects(SPEECH, TNMT.summary)):
        if o.language == "en":
            data.remove((SPEECH, TNMT.summary, o))


def _replace_quote(data: Graph) -> None:
    data.remove((MS_YEAR, TNMT.quote, None))
    data.add((MS_YEAR, TNMT.quote, Literal("In 2021 the department headed the bloc.", lang="en")))


def _english_label_only(data: Graph) -> None:
    data.remove((PERSON, RDFS.label, None))
    data.add((PERSON, RDFS.label, Literal("Nguyen Quoc Khanh", lang="en")))


INSTANT_2021_12_20 = URIRef("https://w3id.org/tnmt-kg/instant/2021-12-20")

# One broken variant of the valid data per case: (what breaks it, focus node, path, constraint).
BROKEN_DATA = {
    "membership with both time:inside and time:hasBeginning": (
        lambda d: d.add((IV_DAY, TIME.hasBeginning, INSTANT_2021_01_01)),
        MS_DAY, ORG.memberDuring, SH.NodeConstraintComponent),
    "membership interval without bounds": (
        lambda d: d.remove((IV_DAY, TIME.inside, None)),
        MS_DAY, ORG.memberDuring, SH.NodeConstraintComponent),
    "membership instant with a string date": (
        lambda d: d.set((INSTANT_2021_12_20, TIME.inXSDDate, Literal("2021-12-20"))),
        MS_DAY, ORG.memberDuring, None),
    "person without a Vietnamese label": (
        _english_label_only, PERSON, RDFS.label, SH.LanguageInConstraintComponent),
    "person without any label": (
        lambda d: d.remove((PERSON, RDFS.label, None)),
        PERSON, RDFS.label, SH.MinCountConstraintComponent),
    "person not typed schema:Person": (
        lambda d: d.remove((PERSON, RDF.type, SCHEMA.Person)),
        PERSON, None, SH.ClassConstraintComponent),
    "post that is also a person": (
        lambda d: d.add((POST, RDF.type, FOAF.Person)),
        POST, None, SH.NotConstraintComponent),
    "membership without evidence (no quote, no citation)": (
        lambda d: d.remove((MS_YEAR, TNMT.quote, None)),
        MS_YEAR, None, SH.MinCountConstraintComponent),
    "quote not in Vietnamese": (
        _replace_quote, MS_YEAR, TNMT.quote, SH.LanguageInConstraintComponent),
    "membership without a source": (
        lambda d: d.remove((MS_YEAR, DCTERMS.source, None)),
        MS_YEAR, DCTERMS.source, SH.MinCountConstraintComponent),
    "membership with two roles": (
        lambda d: d.add((MS_YEAR, ORG.role, ROLE["khoi-pho"])),
        MS_YEAR, ORG.role, SH.MaxCountConstraintComponent),
    "organisation without a Vietnamese label": (
        lambda d: [d.remove((CUC, RDFS.label, o)) for o in list(d.objects(CUC, RDFS.label))
                   if o.language == "vi"],
        CUC, RDFS.label, SH.QualifiedMinCountConstraintComponent),
    "unit not typed org:Organization": (
        lambda d: d.remove((CUC, RDF.type, ORG.Organization)),
        CUC, RDF.type, SH.HasValueConstraintComponent),
    "conference start date not a date": (
        lambda d: d.set((EVENT, SCHEMA.startDate, Literal("20/12"))),
        EVENT, SCHEMA.startDate, SH.DatatypeConstraintComponent),
    "speech without an English summary": (
        _without_english_summary, SPEECH, TNMT.summary, SH.QualifiedMinCountConstraintComponent),
}


@pytest.mark.parametrize("case", sorted(BROKEN_DATA))
def test_broken_data_does_not_conform(shapes: Graph, roles: Graph, case: str):
    breaks, focus, path, component = BROKEN_DATA[case]
    data = _data(roles)
    breaks(data)
    conforms, report, text = _validate(data, shapes)
    assert not conforms
    assert _has_result(report, focus, path, component), text


def test_membership_role_must_be_a_concept(shapes: Graph):
    """Without the role scheme in the data graph, the role is not known to be a concept."""
    conforms, report, text = _validate(_data(), shapes)
    assert not conforms
    assert _has_result(report, MS_YEAR, ORG.role, SH.NodeConstraintComponent), text


def test_every_result_carries_an_english_message(shapes: Graph, roles: Graph):
    data = _data(roles)
    data.add((IV_DAY, TIME.hasBeginning, INSTANT_2021_01_01))
    data.remove((PERSON, RDFS.label, None))
    data.add((POST, RDF.type, FOAF.Person))
    data.remove((MS_YEAR, TNMT.quote, None))
    conforms, report, _ = _validate(data, shapes)
    assert not conforms
    results = _results(report)
    assert results
    for r in results:
        assert r["message"] is not None and str(r["message"]).isascii(), r
