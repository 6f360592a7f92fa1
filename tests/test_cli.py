"""The command line: exit codes and messages for good and bad input (run in-process)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from pyoxigraph import RdfFormat, parse

from kg.cli import main
from kg.config import Settings


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_build_then_stats(runner: CliRunner, tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    result = runner.invoke(main, ["build", "--store", store])
    assert result.exit_code == 0, result.output
    assert "built" in result.output
    result = runner.invoke(main, ["stats", "--store", store, "--json"])
    assert result.exit_code == 0
    stats = json.loads(result.output)
    assert stats["classes"]["http://xmlns.com/foaf/0.1/Person"] == 4
    # 5 officials' roles, 6 bloc members, the 2021 bloc head (2022's are assignments, not held)
    assert stats["classes"]["http://www.w3.org/ns/org#Membership"] == 12


def test_missing_store_says_how_to_build(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["stats", "--store", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "no store at" in result.output and "tnmt-kg build" in result.output


def test_unknown_export_format_lists_the_known(runner: CliRunner, seed_settings: Settings) -> None:
    result = runner.invoke(main, ["export", "--store", seed_settings.store, "-f", "yaml"])
    assert result.exit_code == 2
    assert "unknown format 'yaml'" in result.output
    for known in ("turtle", "trig", "ntriples", "nquads", "jsonld", "rdfxml"):
        assert known in result.output


def test_malformed_turtle_names_file_line_and_column(runner: CliRunner, tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    assert runner.invoke(main, ["build", "--store", store]).exit_code == 0
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <https://example.org/> .\nex:a ex:p ex:b ;\n   ex:q .\n", encoding="utf-8")
    result = runner.invoke(main, ["load", "--store", store, str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:3:" in result.output


def test_load_unknown_suffix_lists_formats(runner: CliRunner, seed_settings: Settings,
                                           tmp_path: Path) -> None:
    other = tmp_path / "data.xlsx"
    other.write_bytes(b"not rdf")
    result = runner.invoke(main, ["load", "--store", seed_settings.store, str(other)])
    assert result.exit_code == 2
    assert "unknown format '.xlsx'" in result.output and ".ttl (turtle)" in result.output


def test_load_then_query_the_loaded_graph(runner: CliRunner, tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    runner.invoke(main, ["build", "--store", store])
    data = tmp_path / "mine.nt"
    data.write_text("<https://example.org/x> <https://example.org/p> \"y\" .\n", encoding="utf-8")
    result = runner.invoke(main, ["load", "--store", store, str(data)])
    assert result.exit_code == 0, result.output
    assert "graph/load/mine" in result.output


@pytest.mark.parametrize("fmt", ["turtle", "trig", "ntriples", "nquads", "jsonld", "rdfxml"])
def test_export_every_format_parses(runner: CliRunner, seed_settings: Settings, tmp_path: Path,
                                    fmt: str) -> None:
    out = tmp_path / f"export.{fmt}"
    result = runner.invoke(main, ["export", "--store", seed_settings.store, "-f", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    rdf = {"turtle": RdfFormat.TURTLE, "trig": RdfFormat.TRIG, "ntriples": RdfFormat.N_TRIPLES,
           "nquads": RdfFormat.N_QUADS, "jsonld": RdfFormat.JSON_LD, "rdfxml": RdfFormat.RDF_XML}[fmt]
    quads = list(parse(out.read_bytes(), rdf))
    assert len(quads) > 500
    assert not list(tmp_path.glob("*.part"))


def test_turtle_export_has_prefixes_and_parses_with_rdflib(runner: CliRunner,
                                                           seed_settings: Settings) -> None:
    result = runner.invoke(main, ["export", "--store", seed_settings.store, "-f", "turtle"])
    assert result.exit_code == 0
    assert "@prefix org: <http://www.w3.org/ns/org#> ." in result.output
    g = rdflib.Graph().parse(io.StringIO(result.output), format="turtle")
    assert (rdflib.URIRef("https://w3id.org/tnmt-kg/person/nguyen-quoc-khanh"),
            rdflib.RDF.type, rdflib.FOAF.Person) in g


def test_jsonld_export_carries_its_context_inline(runner: CliRunner, seed_settings: Settings) -> None:
    result = runner.invoke(main, ["export", "--store", seed_settings.store, "-f", "jsonld"])
    data = json.loads(result.output)
    # JSON-LD 1.1 §3.1: a string @context is a remote document to fetch; ours must be an object.
    assert isinstance(data["@context"], dict)
    assert data["@context"]["org"] == "http://www.w3.org/ns/org#"
    turtle = runner.invoke(main, ["export", "--store", seed_settings.store, "-f", "turtle"]).output
    assert {str(t) for t in parse(result.output.encode(), RdfFormat.JSON_LD)} == {
        str(t) for t in parse(turtle.encode(), RdfFormat.TURTLE)}


def test_validate_conforms(runner: CliRunner, seed_settings: Settings) -> None:
    result = runner.invoke(main, ["validate", "--store", seed_settings.store])
    assert result.exit_code == 0, result.output
    assert "Conforms: True" in result.output


def test_validate_reports_a_non_conforming_load(runner: CliRunner, tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    runner.invoke(main, ["build", "--store", store])
    bad = tmp_path / "bad-person.ttl"
    bad.write_text("<https://example.org/p> a <http://xmlns.com/foaf/0.1/Person> .\n", encoding="utf-8")
    assert runner.invoke(main, ["load", "--store", store, str(bad)]).exit_code == 0
    result = runner.invoke(main, ["validate", "--store", store])
    assert result.exit_code == 1
    assert "Conforms: False" in result.output and "https://example.org/p" in result.output


def test_query_table_from_expression(runner: CliRunner, seed_settings: Settings) -> None:
    q = "PREFIX foaf: <http://xmlns.com/foaf/0.1/> SELECT ?n { ?p foaf:name ?n } ORDER BY ?n"
    result = runner.invoke(main, ["query", "--store", seed_settings.store, "-e", q])
    assert result.exit_code == 0, result.output
    assert "Trương Văn Đạt@vi" in result.output and "Nguyễn Quốc Khánh@vi" in result.output


def test_query_from_stdin_as_csv(runner: CliRunner, seed_settings: Settings) -> None:
    q = "PREFIX org: <http://www.w3.org/ns/org#> SELECT (COUNT(*) AS ?n) { ?m a org:Membership }"
    result = runner.invoke(main, ["query", "--store", seed_settings.store, "-f", "csv"], input=q)
    assert result.exit_code == 0
    assert result.output.splitlines()[:2] == ["n", "12"]


def test_query_from_file_as_turtle(runner: CliRunner, seed_settings: Settings, tmp_path: Path) -> None:
    qfile = tmp_path / "q.rq"
    qfile.write_text("CONSTRUCT { ?p a <http://xmlns.com/foaf/0.1/Person> } "
                     "WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> }", encoding="utf-8")
    result = runner.invoke(main, ["query", "--store", seed_settings.store, str(qfile)])
    assert result.exit_code == 0
    assert len(list(parse(result.output.encode(), RdfFormat.TURTLE))) == 4


@pytest.mark.parametrize(
    ("query", "message"),
    [("SELECT * WHERE {", "line 1"), ("DROP ALL", "read-only"),
     ("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "federated")],
)
def test_query_refusals_exit_2(runner: CliRunner, seed_settings: Settings, query: str,
                               message: str) -> None:
    result = runner.invoke(main, ["query", "--store", seed_settings.store, "-e", query])
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize(("suffix", "text"), [
    (".rdf", '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
             'xmlns:ex="https://example.org/"><rdf:Description rdf:about="https://example.org/x">'
             '<ex:p>y</ex:p></rdf:Description></rdf:RDF>'),
    (".jsonld", '{"@context": {"p": "https://example.org/p"}, "@id": "https://example.org/x", "p": "y"}'),
])
def test_load_reads_rdfxml_and_jsonld(runner: CliRunner, fresh_settings: Settings, tmp_path: Path,
                                      suffix: str, text: str) -> None:
    runner.invoke(main, ["build", "--store", fresh_settings.store])
    data = tmp_path / f"mine{suffix}"
    data.write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["load", "--store", fresh_settings.store, str(data)])
    assert result.exit_code == 0, result.output
    q = 'SELECT ?o { GRAPH <https://w3id.org/tnmt-kg/graph/load/mine> { <https://example.org/x> ?p ?o } }'
    asked = runner.invoke(main, ["query", "--store", fresh_settings.store, "-e", q, "-f", "csv"])
    assert asked.output.splitlines() == ["o", "y"]


def test_load_refuses_jsonld_with_a_remote_context(runner: CliRunner, fresh_settings: Settings,
                                                   tmp_path: Path) -> None:
    runner.invoke(main, ["build", "--store", fresh_settings.store])
    data = tmp_path / "remote.jsonld"
    data.write_text('{"@context": "https://example.org/context.jsonld", "@id": "https://example.org/x"}',
                    encoding="utf-8")
    result = runner.invoke(main, ["load", "--store", fresh_settings.store, str(data)])
    assert result.exit_code != 0 and "remote.jsonld" in result.output


def test_query_table_fits_the_terminal_unless_wide(runner: CliRunner, seed_settings: Settings) -> None:
    # the seed's quotes are sentences of the article, far wider than an 80-column terminal
    q = "PREFIX tnmt: <https://w3id.org/tnmt-kg/ontology#> SELECT ?f ?q { ?f tnmt:quote ?q } LIMIT 5"
    fitted = runner.invoke(main, ["query", "--store", seed_settings.store, "-e", q], env={"COLUMNS": "80"})
    assert fitted.exit_code == 0
    lines = [line for line in fitted.stdout.splitlines() if line]
    assert max(len(line) for line in lines) <= 80 and any(line.endswith("…") for line in lines)
    wide = runner.invoke(main, ["query", "--store", seed_settings.store, "-e", q, "--wide"],
                         env={"COLUMNS": "80"})
    assert max(len(line) for line in wide.stdout.splitlines()) > 80 and "…" not in wide.stdout


@pytest.mark.parametrize("command", [["export", "-f", "ntriples"], ["query", "-f", "csv", "-e",
                                     "SELECT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } }"]])
def test_piped_into_head_it_exits_quietly(seed_settings: Settings, command: list[str]) -> None:
    import subprocess

    exe = Path(sys.executable).with_name("tnmt-kg")
    line = " ".join(["'" + a.replace("'", "'\\''") + "'" for a in [str(exe), *command]])
    piped = f"{line} --store '{seed_settings.store}' | head -n 2"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", piped], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 2 and done.stderr == ""
