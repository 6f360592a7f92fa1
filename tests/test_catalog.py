"""The catalog of named queries: headers, grlc parameter variables, typed and safe binding."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
import yaml
from pyoxigraph import Literal, NamedNode

from kg.catalog import (
    VIEWS,
    Answer,
    Param,
    Value,
    explore_filters,
    load_catalog,
    named_query,
    parse_named_query,
    parse_params,
)
from kg.config import PROJECT_ROOT
from kg.errors import BadInput, NotFound
from kg.query import check_query
from kg.vocab import BASE, XSD

QUERIES = PROJECT_ROOT / "queries"
HOSTILE = 'x" } ; DROP ALL ; SELECT * { ?s ?p ?o'
XSD_LINE = "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>"


def header(**extra: str) -> str:
    lines = ["#+ summary: A test query", "#+ title_vi: Truy vấn thử"]
    lines += [f"#+ {k}: {v}" for k, v in extra.items()]
    return "\n".join(lines) + "\n"


def query(body: str, **extra: str) -> str:
    return header(**extra) + "PREFIX ex: <http://example.org/>\n" + XSD_LINE + "\n" + body


# --------------------------------------------------------------------------- the folder


def test_the_folder_holds_at_least_twenty_documented_queries() -> None:
    catalog = load_catalog(QUERIES)
    assert len(catalog) >= 20
    assert list(catalog) == sorted(catalog)
    for name, named in catalog.items():
        assert named.name == name == Path(named.path).stem
        assert named.summary and named.title_vi and named.description, name
        assert named.tags and named.view in VIEWS, name
        assert check_query(named.text).form == named.form
    assert {q.view for q in catalog.values()} == set(VIEWS)
    assert "CONSTRUCT" in {q.form for q in catalog.values()}


def test_bloc_heads_takes_a_year() -> None:
    year = named_query(QUERIES, "bloc-heads").param("year")
    assert (year.variable, year.type, year.required) == ("_year_integer", "xsd:integer", True)
    assert year.default == "2022"
    assert year.enum == ("2021", "2022")


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.stem)
def test_grlc_reads_the_same_header(path: Path) -> None:
    # grlc joins the lines starting with '#+', strips the '#' and '+' characters, and loads YAML.
    text = path.read_text(encoding="utf-8")
    grlc_yaml = "\n".join(row.lstrip("#+") for row in text.split("\n") if row.startswith("#+"))
    assert yaml.safe_load(grlc_yaml) == dict(load_catalog(QUERIES)[path.stem].metadata)


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.stem)
def test_defaults_and_enumerations_are_full_iris_for_grlc(path: Path) -> None:
    # grlc pastes a value between < > as given: a slug would become a relative IRI there.
    for p in load_catalog(QUERIES)[path.stem].params:
        if p.kind == "iri":
            for value in ((p.default,) if p.default else ()) + p.enum:
                assert value.startswith(BASE), (p.name, value)


# --------------------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    ("variable", "expected"),
    [
        ("_year_integer", ("year", "typed", True, XSD.integer.value, None)),
        ("__bloc_iri", ("bloc", "iri", False, None, None)),
        ("_date_xsd_date", ("date", "typed", True, XSD.date.value, None)),
        ("_when_xsd_dateTime", ("when", "typed", True, XSD.dateTime.value, None)),
        ("__flag_xsd_boolean", ("flag", "typed", False, XSD.boolean.value, None)),
        ("_name_vi", ("name", "lang", True, None, "vi")),
        ("_text", ("text", "string", True, None, None)),
        ("_text_literal", ("text", "string", True, None, None)),
        ("_n_number", ("n", "number", True, None, None)),
    ],
)
def test_grlc_variable_names(variable: str, expected: tuple) -> None:
    q = parse_named_query("t", query(f"SELECT ?s WHERE {{ ?s ex:p ?{variable} }}"))
    (p,) = q.params
    assert (p.name, p.kind, p.required, p.datatype, p.lang) == expected
    assert p.variable == variable


@pytest.mark.parametrize(
    ("variable", "says"),
    [
        ("_day_date", "?_day_xsd_date"),  # grlc would read 'date' as a language tag
        ("_x_foo_bar", "unsupported datatype foo:bar"),
        ("_x_xsd_time", "unsupported datatype xsd:time"),
        ("_x_iri_vi", "not a grlc parameter variable"),
    ],
)
def test_variables_grlc_would_misread_are_refused(variable: str, says: str) -> None:
    with pytest.raises(BadInput) as info:
        parse_named_query("t", query(f"SELECT ?s WHERE {{ ?s ex:p ?{variable} }}"))
    assert says in str(info.value)
    assert info.value.where == "t:5"


def iri_param(name: str = "org") -> Param:
    return Param(name, f"_{name}_iri", "iri", True)


def typed(local: str, name: str = "v") -> Param:
    return Param(name, f"_{name}_xsd_{local}", "typed", True, datatype=XSD[local].value)


@pytest.mark.parametrize(
    ("param", "raw", "term"),
    [
        (iri_param(), "khoi-thi-dua-so-iv", NamedNode(BASE + "org/khoi-thi-dua-so-iv")),
        (iri_param(), " unit:khoi-thi-dua-so-iv ", NamedNode(BASE + "org/khoi-thi-dua-so-iv")),
        (iri_param(), BASE + "org/x", NamedNode(BASE + "org/x")),
        (iri_param(), "http://evil", NamedNode("http://evil")),
        (iri_param("person"), "nguyen-quoc-khanh", NamedNode(BASE + "person/nguyen-quoc-khanh")),
        (iri_param("role"), "role:truong-khoi", NamedNode(BASE + "role/truong-khoi")),
        (iri_param("thing"), "org:Membership", NamedNode("http://www.w3.org/ns/org#Membership")),
        (typed("integer", "year"), "2022", Literal("2022", datatype=XSD.integer)),
        (typed("integer", "year"), "+0042", Literal("42", datatype=XSD.integer)),
        (typed("date"), "2021-12-20", Literal("2021-12-20", datatype=XSD.date)),
        (typed("gYear"), "2021", Literal("2021", datatype=XSD.gYear)),
        (typed("boolean"), "TRUE", Literal("true", datatype=XSD.boolean)),
        (typed("decimal"), "1.50", Literal("1.50", datatype=XSD.decimal)),
        (typed("dateTime"), "2021-12-20T08:00:00Z", Literal("2021-12-20T08:00:00Z", datatype=XSD.dateTime)),
        (Param("n", "_n_number", "number", True), "7", Literal("7", datatype=XSD.integer)),
        (Param("n", "_n_number", "number", True), "7.5e1", Literal("7.5e1", datatype=XSD.double)),
        (Param("name", "_name_vi", "lang", True, lang="vi"), "Khánh", Literal("Khánh", language="vi")),
        (Param("text", "_text", "string", True), HOSTILE, Literal(HOSTILE)),
        # composed (NFC) like the graph's labels, whatever the keyboard sent
        (Param("text", "_text", "string", True), unicodedata.normalize("NFD", "viễn thám"),
         Literal("viễn thám")),
    ],
)
def test_values_become_typed_terms(param: Param, raw: str, term: object) -> None:
    assert param.to_term(raw) == term


@pytest.mark.parametrize(
    ("param", "raw"),
    [
        (iri_param(), "<http://evil>"),
        (iri_param(), HOSTILE),
        (iri_param(), "http://a b"),
        (iri_param(), "Cục Viễn thám"),
        (iri_param("thing"), "khoi-thi-dua-so-iv"),  # no slug base for this name
        (typed("integer", "year"), "abc"),
        (typed("integer", "year"), "2022.5"),
        (typed("integer", "year"), "5_000"),
        (typed("integer", "year"), HOSTILE),
        (typed("date", "date"), "2021-13-01"),
        (typed("date", "date"), "20/12/2021"),
        (typed("date", "date"), "2021-12-20T00:00:00"),
        (typed("boolean"), "yes"),
        (Param("n", "_n_number", "number", True), "seven"),
        (Param("text", "_text", "string", True), "x" * 5000),
    ],
)
def test_bad_values_are_refused_naming_the_parameter(param: Param, raw: str) -> None:
    with pytest.raises(BadInput) as info:
        param.to_term(raw)
    assert info.value.where == param.name
    assert f"parameter {param.name}" in info.value.message


def test_defaults_fill_required_parameters_and_optional_ones_stay_unbound() -> None:
    q = named_query(QUERIES, "bloc-heads")
    text, subs = q.bind({})
    assert subs == {"_year_integer": Literal("2022", datatype=XSD.integer)}
    assert q.bind({"bloc": "", "year": "2021"})[1] == {"_year_integer": Literal("2021", datatype=XSD.integer)}
    _, subs = q.bind({"bloc": "khoi-thi-dua-so-iv"})
    assert subs["__bloc_iri"] == NamedNode(BASE + "org/khoi-thi-dua-so-iv")
    with pytest.raises(BadInput) as info:
        q.bind({"yaer": "2022"})
    assert info.value.where == "yaer" and "year, bloc" in info.value.message


def test_a_required_parameter_without_default_must_be_given() -> None:
    q = parse_named_query("t", query("SELECT ?s WHERE { ?s ex:p ?_thing_iri }"))
    with pytest.raises(BadInput) as info:
        q.bind({})
    assert info.value.where == "thing" and "required" in info.value.message


# --------------------------------------------------------------------------- the text that runs


def test_parameters_are_projected_for_the_engine_and_nothing_else_changes() -> None:
    q = parse_named_query("t", query("SELECT DISTINCT ?s WHERE { ?s ex:p ?_o_iri FILTER(?s != ?__x_iri) }"))
    assert q.executable == q.text.replace("SELECT DISTINCT ?s", "SELECT DISTINCT ?_o_iri ?__x_iri ?s")
    star = parse_named_query("t", query("SELECT * WHERE { ?s ex:p ?_o_iri }"))
    assert star.executable == star.text
    construct = parse_named_query("t", query("CONSTRUCT { ?s ex:p ?_o_iri } WHERE { ?s ex:q ?_o_iri }"))
    assert construct.executable == construct.text


def test_a_parameter_in_the_select_clause_is_refused() -> None:
    # grlc would paste the value there and the query would no longer parse.
    with pytest.raises(BadInput) as info:
        parse_named_query("t", query("SELECT ?s ?_o_iri WHERE { ?s ex:p ?_o_iri }"), path="t.rq")
    assert info.value.where == "t.rq:5"


@pytest.mark.parametrize("name", sorted(p.stem for p in QUERIES.glob("*.rq")))
def test_a_hostile_value_never_changes_the_query(name: str) -> None:
    q = load_catalog(QUERIES)[name]
    for p in q.params:
        for raw in (HOSTILE, "<http://evil>", "'; DROP GRAPH <x> #"):
            try:
                text, subs = q.bind({p.name: raw})
            except BadInput as exc:
                assert exc.where == p.name
                continue
            assert text == q.executable  # the same text whatever the value
            term = subs[p.variable]
            assert isinstance(term, Literal) and term.value == raw  # one literal, as given


def test_the_editor_text_writes_values_in_as_escaped_terms() -> None:
    q = named_query(QUERIES, "label-search")
    text = q.editor_text({"text": HOSTILE})
    assert '"x\\" } ; DROP ALL ; SELECT * { ?s ?p ?o"' in text
    assert check_query(text).form == "SELECT"
    assert "#+" not in text and text.startswith("# label-search: ")
    year = named_query(QUERIES, "bloc-heads").editor_text({"year": "2021"})
    assert '"2021"^^<http://www.w3.org/2001/XMLSchema#integer>' in year
    assert "?__bloc_iri" in year  # optional and not given: still a variable
    assert check_query(year).form == "SELECT"


# --------------------------------------------------------------------------- loading errors


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ("#+ summary: ok\n#+ title_vi: [unclosed\nSELECT * {}", 2, "not valid YAML"),
        ("#+ title_vi: x\nSELECT * {}", None, "'summary'"),
        ("SELECT * {}", None, "no '#+' header"),
        (header(view="chart") + "SELECT * {}", 3, "view must be one of"),
        (header() + "#+ defaults:\n#+   - nope: 1\nSELECT * {}", 3, "nope"),
        (header() + "#+ defaults:\n#+   - year: abc\n" + XSD_LINE + "\nSELECT * { ?s ?p ?_year_integer }", 3,
         "must be an integer"),
        (header() + "#+ enumerate:\n#+   - x: []\nSELECT * { ?s ?p ?_x_iri }", 3, "non-empty list"),
        (header() + "SELECT * WHERE {\n  ?s ?p }", 4, "does not parse"),
        (header() + "SELECT * { ?s ?p ?_year_integer }", None, XSD_LINE),
        (header() + "SELECT * { ?s ?p ?_org_iri . ?s ?q ?__org_iri }", 3, "both parameter 'org'"),
    ],
)
def test_header_and_query_errors_name_the_file_and_line(tmp_path: Path, text: str, line: int | None,
                                                         says: str) -> None:
    path = write(tmp_path, "broken", text)
    with pytest.raises(BadInput) as info:
        load_catalog(tmp_path)
    assert says in info.value.message
    assert info.value.where == (f"{path}:{line}" if line else str(path))


def test_file_names_must_be_slugs(tmp_path: Path) -> None:
    write(tmp_path, "Bad Name", header() + "SELECT * {}")
    with pytest.raises(BadInput, match="lower-case"):
        load_catalog(tmp_path)


def test_a_missing_folder_and_an_unknown_name(tmp_path: Path) -> None:
    with pytest.raises(BadInput):
        load_catalog(tmp_path / "nowhere")
    write(tmp_path, "one", header() + "SELECT * {}")
    with pytest.raises(NotFound) as info:
        named_query(tmp_path, "two")
    assert "known: one" in info.value.message


def test_the_catalog_is_read_again_when_a_file_changes(tmp_path: Path) -> None:
    path = write(tmp_path, "one", header() + "SELECT * {}")
    assert load_catalog(tmp_path)["one"].summary == "A test query"
    path.write_text(path.read_text().replace("A test query", "Changed"), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load_catalog(tmp_path)["one"].summary == "Changed"
    write(tmp_path, "two", header() + "ASK {}")
    assert list(load_catalog(tmp_path)) == ["one", "two"]


def test_parse_params() -> None:
    assert parse_params(["year=2022", "text=a=b", "org="]) == {"year": "2022", "text": "a=b", "org": ""}
    for bad in (["year"], ["=2022"], ["year=1", "year=2"]):
        with pytest.raises(BadInput) as info:
            parse_params(bad)
        assert info.value.where == "--param"


# --------------------------------------------------------------------------- for the views


def test_explore_filters_prefer_parameters_then_the_first_row() -> None:
    org = NamedNode(BASE + "org/khoi-thi-dua-so-iv")
    answer = Answer("SELECT", ["person", "day"], [
        {"person": Value(BASE + "person/nguyen-quoc-khanh", is_iri=True),
         "day": Value("2021-12-20", datatype=XSD.date.value)},
        {"person": Value(BASE + "person/truong-van-dat", is_iri=True)},
    ], False, {"bloc": org, "year": Literal("2022", datatype=XSD.integer)}, 0.0)
    assert explore_filters(answer) == {"org": org.value, "year": "2022",
                                       "person": BASE + "person/nguyen-quoc-khanh"}
    plain = Answer("SELECT", ["n"], [{"n": Value("3", datatype=XSD.integer.value)}], False, {}, 0.0)
    assert explore_filters(plain) == {}


def test_the_docs_list_every_query() -> None:
    docs = (PROJECT_ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    for name in load_catalog(QUERIES):
        assert f"[`{name}`](../queries/{name}.rq)" in docs
