"""Roles known only to the month or the year ("tháng 2/2020", "năm 2019").

A source that gives a month or a year is recorded as that, never as a day: OWL-Time's
``time:inXSDgYearMonth`` / ``time:inXSDgYear`` (W3C OWL-Time §4.2.2), ``xsd:gYearMonth`` /
``xsd:gYear`` on the personnel event, and no ``prov:startedAtTime`` (an ``xsd:dateTime`` would
claim a day). A question about a day finds no answer in it. Fact files here are the test's own.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import cited_sources
from pyoxigraph import Store

from kg.build import build, dataset_quads
from kg.config import Settings
from kg.errors import SourceError

BASE = "https://w3id.org/tnmt-kg/"
TIME = "http://www.w3.org/2006/time#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DECLARED = """people:
  - {id: nguyen-van-a, name: Nguyễn Văn A, cite: đoạn 1}
organisations:
  - {name: Bộ X, kind: Ministry, cite: đoạn 1}
"""


def sources(tmp_path: Path, **files: str) -> Settings:
    """The first file declares the person and the ministry; each file then gives memberships."""
    bodies = {source_id: (DECLARED if i == 0 else "") + "memberships:\n" + body
              for i, (source_id, body) in enumerate(files.items())}
    return cited_sources(tmp_path, bodies)


def objects(quads, subject: str, predicate: str) -> set[tuple[str, str]]:  # noqa: ANN001
    return {(q.object.value, getattr(getattr(q.object, "datatype", None), "value", ""))
            for q in quads if q.subject.value == subject and q.predicate.value == predicate}


def test_a_month_is_written_as_a_month_never_as_a_day(tmp_path: Path) -> None:
    settings = sources(tmp_path, a="""  - member: nguyen-van-a
    role: thu-truong
    organization: Bộ X
    from: {date: 2020-02, event: appointed, cite: đoạn 2}
    cite: đoạn 2
""")
    quads = dataset_quads(settings)
    month = BASE + "instant/2020-02"
    assert objects(quads, month, TIME + "inXSDgYearMonth") == {("2020-02", XSD + "gYearMonth")}
    assert objects(quads, month, TIME + "inXSDDate") == set()
    event = BASE + "personnel-event/nguyen-van-a--thu-truong--bo-x--appointed--2020-02"
    assert objects(quads, event, "http://purl.org/dc/terms/date") == {("2020-02", XSD + "gYearMonth")}
    assert objects(quads, event, "http://www.w3.org/ns/prov#startedAtTime") == set()
    labels = {q.object.value for q in quads if q.predicate.value.endswith("#label")
              and q.subject.value == BASE + "membership/nguyen-van-a--thu-truong--bo-x--2020-02"}
    assert any("tháng 02/2020" in label for label in labels)


def test_a_year_attested_passes_the_shapes_and_answers_no_day(tmp_path: Path) -> None:
    settings = sources(tmp_path, a="""  - member: nguyen-van-a
    role: bo-truong
    organization: Bộ X
    attested: 2019
    cite: đoạn 2
""")
    build(settings)  # SHACL-validated before it is swapped in
    store = Store.read_only(settings.store)
    rows = list(store.query(f"""SELECT ?y WHERE {{ ?m <{TIME}inside>/<{TIME}inXSDgYear> ?y }}""",
                            use_default_graph_as_union=True))
    assert [r["y"].value for r in rows] == ["2019"]
    on_day = list(store.query(f"""SELECT ?m WHERE {{ ?m <{TIME}inside>/<{TIME}inXSDDate> ?d }}""",
                              use_default_graph_as_union=True))
    assert on_day == []


def test_sources_agreeing_on_the_beginning_but_not_the_end_keep_a_term_each(tmp_path: Path) -> None:
    term = """  - member: nguyen-van-a
    role: thu-truong
    organization: Bộ X
    from: {{date: 2010-07, cite: đoạn 4}}
    to: {{date: {end}, cite: đoạn 4}}
    cite: đoạn 4
"""
    settings = sources(tmp_path, a=term.format(end="2011-01"), b=term.format(end="2016-04"))
    build(settings)
    store = Store.read_only(settings.store)
    ends = {r["e"].value for r in store.query(f"""SELECT ?e WHERE {{
        ?m <http://www.w3.org/ns/org#memberDuring>/<{TIME}hasEnd>/<{TIME}inXSDgYearMonth> ?e }}""",
        use_default_graph_as_union=True)}
    assert ends == {"2011-01", "2016-04"}


@pytest.mark.parametrize("bad", ["2020-13", "20-02", "spring 2020"])
def test_a_date_that_is_no_day_month_or_year_is_refused_with_its_line(tmp_path: Path, bad: str) -> None:
    settings = sources(tmp_path, a=f"""  - member: nguyen-van-a
    role: thu-truong
    organization: Bộ X
    attested: {bad}
    cite: đoạn 2
""")
    with pytest.raises(SourceError, match=r"a/facts.yaml:\d+: .*'attested' must be a date YYYY-MM-DD, "
                                          r"or a month YYYY-MM or a year YYYY"):
        dataset_quads(settings)


# --- "held on a day" with a month or a year ---------------------------------------------------

def holders_on(store: Store, day: str) -> list[str]:
    from pyoxigraph import Variable

    from kg.catalog import load_catalog
    from kg.config import PROJECT_ROOT

    text, bindings = load_catalog(PROJECT_ROOT / "queries")["role-holders-on-date"].bind(
        {"role": "thu-truong", "org": "bo-x", "date": day})
    rows = store.query(text, use_default_graph_as_union=True,
                       substitutions={Variable(k): v for k, v in bindings.items()})
    return [r["holder"].value.rsplit("/", 1)[1] for r in rows]


@pytest.fixture(scope="module")
def month_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """Appointed in 2/2020 (a month), relieved on 15/6/2023 (a day)."""
    tmp = tmp_path_factory.mktemp("months")
    settings = sources(tmp, a="""  - member: nguyen-van-a
    role: thu-truong
    organization: Bộ X
    from: {date: 2020-02, event: appointed, cite: đoạn 2}
    to: {date: 2023-06, event: relieved, cite: đoạn 3}
    cite: đoạn 2
""")
    build(settings)
    return Store.read_only(settings.store)


@pytest.mark.parametrize(("day", "held"), [
    ("2020-01-31", False),  # before the month
    ("2020-02-20", False),  # within it: the day of the appointment is not known
    ("2020-03-01", True),   # after the whole month
    ("2023-05-31", True),   # before the month of the end
    ("2023-06-10", False),  # within the month of the end
])
def test_a_month_counts_only_where_the_whole_of_it_is_on_its_side(month_store: Store, day: str,
                                                                   held: bool) -> None:
    assert (holders_on(month_store, day) == ["nguyen-van-a"]) is held


def test_the_library_reads_the_same_rule() -> None:
    import datetime as dt

    from kg.ministry import Holder
    from kg.records import PartialDate

    h = Holder("p", "A", "r", "Thứ trưởng", "m", begin=PartialDate(2020, 2), end=PartialDate(2023))
    assert [h.held_on(dt.date(*d)) for d in ((2020, 2, 20), (2020, 3, 1), (2022, 12, 31), (2023, 1, 1))] == [
        False, True, True, False]
    assert not Holder("p", "A", "r", "x", "m", attested=PartialDate(2019)).held_on(dt.date(2019, 1, 1))
    assert Holder("p", "A", "r", "x", "m", attested=PartialDate(2019)).held_in(2019)


def test_a_change_known_to_the_year_passes_the_shapes_and_claims_no_moment(tmp_path: Path) -> None:
    from kg.ministry import structure

    settings = cited_sources(tmp_path, {"a": """organisations:
  - {name: Bộ Tài nguyên và Môi trường, kind: Ministry, cite: đoạn 1}
  - {name: Viện Cũ, kind: Institute, parent: Bộ Tài nguyên và Môi trường, cite: đoạn 1}
  - {name: Viện Mới, kind: Institute, parent: Bộ Tài nguyên và Môi trường, cite: đoạn 1}
changes:
  - {id: vien-doi-ten-2014, kind: Renaming, date: 2014, original: [Viện Cũ], resulting: [Viện Mới],
     cite: đoạn 2}
"""})
    build(settings)  # SHACL-validated before it is swapped in
    quads = dataset_quads(settings)
    change = BASE + "change/vien-doi-ten-2014"
    assert objects(quads, change, "http://purl.org/dc/terms/date") == {("2014", XSD + "gYear")}
    assert objects(quads, change, "http://www.w3.org/ns/prov#startedAtTime") == set()
    store = Store.read_only(settings.store)
    # the whole of 2014 lies between the two days, so the renaming is listed; not from mid-2014
    assert [c.iri for c in structure(store, "2015-01-01", since="2013-12-31").changes] == [change]
    assert structure(store, "2015-01-01", since="2014-06-01").changes == []


@pytest.mark.parametrize("drop", ["startedAtTime", "none"])
def test_a_change_on_a_day_needs_its_moment_and_one_on_a_year_may_not_have_one(
        tmp_path: Path, drop: str) -> None:
    """ontology/shapes.ttl: a day (xsd:date) goes with prov:startedAtTime; a year never does."""
    from pyoxigraph import Literal, NamedNode, Quad

    from kg.config import PROJECT_ROOT
    from kg.validate import validate_quads

    settings = cited_sources(tmp_path, {"a": """organisations:
  - {name: Viện Cũ, kind: Institute, cite: đoạn 1}
changes:
  - {id: ngay, kind: Dissolution, date: 2014-05-01, original: [Viện Cũ], cite: đoạn 2}
  - {id: nam, kind: Dissolution, date: 2014, original: [Viện Cũ], cite: đoạn 2}
"""})
    quads = list(dataset_quads(settings))
    started = NamedNode("http://www.w3.org/ns/prov#startedAtTime")
    if drop == "startedAtTime":
        quads = [q for q in quads if not (q.subject.value.endswith("change/ngay") and q.predicate == started)]
    else:  # a moment given to the change known only to the year
        graph = next(q.graph_name for q in quads if q.subject.value.endswith("change/nam"))
        moment = Literal("2014-01-01T00:00:00+07:00",
                         datatype=NamedNode("http://www.w3.org/2001/XMLSchema#dateTime"))
        quads.append(Quad(NamedNode(BASE + "change/nam"), started, moment, graph))
    conforms, report = validate_quads(quads, PROJECT_ROOT / "ontology" / "shapes.ttl")
    assert not conforms
    assert "A change of structure has its effective day" in report
