"""The refusal gate (kg.query_guard): escape, comment, string, IRI and case tricks, one case each.

The gate is a tokenizer, so these cases are the proof that it reads a text as an engine does:
what it lets through either is harmless or is a syntax error to pyoxigraph, and nothing it lets
through calls out (the listener sees no connection).
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
from pyoxigraph import QueryBoolean, Store
from support import assert_no_connection

from kg.errors import QueryRefused, QuerySyntaxError
from kg.query_guard import check_query, decode_escapes, engine_parse, tokens

URL = "http://127.0.0.1:{port}/sparql"

# (query, what the gate says): "SERVICE" or "read-only" (refused), else the form it lets through.
CASES = [
    ("SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", "SERVICE"),
    ("select * {{ sErViCe <{url}> {{ ?s ?p ?o }} }}", "SERVICE"),
    ("SELECT * {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}", "SERVICE"),
    ("SELECT * {{ \\U00000053ERVICE <{url}> {{ ?s ?p ?o }} }}", "SERVICE"),
    ("SELECT * {{ SERVIC\\u0045 <{url}> {{ ?s ?p ?o }} }}", "SERVICE"),
    ("SELECT * {{ SERV#c\nICE <{url}> {{ ?s ?p ?o }} }}", "SELECT"),  # a comment splits a token
    ("SELECT * {{ # SERVICE <{url}> {{}}\n ?s ?p ?o }}", "SELECT"),
    ('SELECT * {{ ?s ?p "SERVICE <{url}> {{}}" }}', "SELECT"),
    ("SELECT * {{ ?s ?p 'SERVICE <{url}> {{}}' }}", "SELECT"),
    ('SELECT * {{ ?s ?p """a " "" SERVICE <{url}> {{}}""" }}', "SELECT"),
    ("SELECT * {{ ?s ?p '''a ' '' SERVICE <{url}> {{}}''' }}", "SELECT"),
    ('SELECT * {{ ?s ?p "a\\" SERVICE <{url}> {{}} \\"" }}', "SELECT"),
    ("SELECT * {{ <urn:x:SERVICE> ?p ?o }}", "SELECT"),
    ("SELECT * {{ ?s <{url}#SERVICE> ?o }}", "SELECT"),
    ("SELECT ?SERVICE {{ ?SERVICE ?p ?o }}", "SELECT"),
    ('SELECT * {{ ?s ?p "x"@en }}', "SELECT"),
    # an escaped quote is a quote to an engine that decodes escapes first
    ('SELECT * {{ ?s ?p "a\\u0022 . SERVICE <{url}> {{ ?s ?p ?o }} ?s ?p \\u0022" }}', "SERVICE"),
    # pyoxigraph needs no word boundary after a keyword: these are SERVICE to it
    ("PREFIX : <{url}#>\nSELECT * {{ SERVICE:x {{ ?s ?p ?o }} }}", "SERVICE"),
    ("PREFIX ex: <{url}#>\nSELECT * {{ SERVICEex:x {{ ?s ?p ?o }} }}", "SERVICE"),
    ("PREFIX ex: <{url}#>\nSELECT * {{ SERVICESILENT ex:x {{ ?s ?p ?o }} }}", "SERVICE"),
    ("SELECT * {{ SERVICE?e {{ ?s ?p ?o }} }}", "SERVICE"),
    ("SELECT * {{ ?s ?p true }} VALUES ?e {{ <{url}> }}", "SELECT"),
    ("INSERT DATA {{ <urn:x:s> <urn:x:p> <urn:x:o> }}", "read-only"),
    ("insert data {{ <urn:x:s> <urn:x:p> <urn:x:o> }}", "read-only"),
    ("DELETE WHERE {{ ?s ?p ?o }}", "read-only"),
    ("LoAd <{url}>", "read-only"),
    ("LOAD SILENT <{url}> INTO GRAPH <urn:x:g>", "read-only"),
    ("\\u004cOAD <{url}>", "read-only"),
    ("# a comment\nPREFIX x: <urn:x:>\nDROP ALL", "read-only"),
    ("SELECT * {{}} ; CLEAR ALL", "read-only"),
    ("ASK {{}}", "ASK"),
    ("CONSTRUCT WHERE {{ ?s ?p ?o }}", "CONSTRUCT"),
    ("DESCRIBE <urn:x:s>", "DESCRIBE"),
]


@pytest.mark.parametrize(("query", "verdict"), CASES)
def test_the_gate_reads_a_text_as_an_engine_does(query: str, verdict: str) -> None:
    text = query.format(url=URL.format(port=9))
    if verdict in ("SERVICE", "read-only"):
        with pytest.raises(QueryRefused, match=verdict):
            check_query(text)
    else:
        assert check_query(text).form == verdict


def test_what_the_gate_lets_through_does_not_call_out(listener: socket.socket) -> None:
    """The control: every text the gate passes, run by pyoxigraph itself, makes no connection."""
    url = URL.format(port=listener.getsockname()[1])
    passed = 0
    for query, verdict in CASES:
        if verdict in ("SERVICE", "read-only"):
            continue
        text = query.format(url=url)
        check_query(text)
        try:
            result = Store().query(text)
            if not isinstance(result, QueryBoolean):
                list(result)
        except SyntaxError:
            pass  # `SERV#c\nICE`: two words, a syntax error to the engine
        passed += 1
    assert passed >= 10
    assert_no_connection(listener)


def test_the_glued_spellings_would_call_out_unchecked(listener: socket.socket) -> None:
    """Control: pyoxigraph itself does run `SERVICE:x` (no word boundary), so refusing it matters."""
    url = URL.format(port=listener.getsockname()[1])
    text = f"PREFIX : <{url}#>\nSELECT * {{ SERVICE:x {{ ?s ?p ?o }} }}"
    with pytest.raises(QueryRefused):
        check_query(text)

    def unchecked() -> None:
        try:
            list(Store().query(text))
        except OSError:
            pass  # the listener hangs up on it

    thread = threading.Thread(target=unchecked)
    thread.start()
    connection, _ = listener.accept()  # raises TimeoutError if no call came
    connection.close()
    thread.join(10)


def test_a_comment_splits_a_token_for_the_engine_too() -> None:
    with pytest.raises(SyntaxError):
        Store().query("SELECT * { SERV#c\nICE <http://127.0.0.1:9/> {} }")
    assert [t.text for t in tokens("SERV#c\nICE")] == ["SERV", "ICE"]


def test_escapes_are_decoded_once_left_to_right() -> None:
    assert decode_escapes("\\u0053ERVICE") == "SERVICE"
    assert decode_escapes("\\U0001F600") == "\U0001F600"
    assert decode_escapes("\\\\u0053") == "\\\\u0053"  # an escaped backslash, then text
    assert decode_escapes("\\uD800") == "\\uD800"  # no such character: kept as written
    assert decode_escapes("\\u00zz") == "\\u00zz"


def test_dataset_clause_and_prefixes() -> None:
    assert check_query("SELECT * FROM <urn:g> { ?s ?p ?o }").has_dataset_clause
    assert not check_query('SELECT * { ?s ?p "FROM" }').has_dataset_clause
    with pytest.raises(QuerySyntaxError) as caught:
        check_query("SELECT * {\n ?s nope:p ?o }")
    assert (caught.value.line, caught.value.column) == (2, 5)
    with pytest.raises(QuerySyntaxError, match="SELECT, ASK, CONSTRUCT or DESCRIBE"):
        check_query("PREFIX x: <urn:x:>\nFOO")


def test_the_engine_parse_for_trusted_text() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        engine_parse("SELECT * WHERE {\n  ?s ?p }")
    assert caught.value.line == 2 and "Expected" in caught.value.message
    engine_parse("SELECT * WHERE { ?s ?p ?o }")


def test_a_repeated_text_is_answered_from_the_cache() -> None:
    text = "SELECT * { ?s ?p ?o } # " + "x" * 2000
    check_query(text)
    started = time.perf_counter()
    for _ in range(1000):
        check_query(text)
    assert (time.perf_counter() - started) / 1000 < 50e-6
    # refusals are cached as data: each caller gets an exception of its own
    first = pytest.raises(QueryRefused, check_query, "DROP ALL").value
    second = pytest.raises(QueryRefused, check_query, "DROP ALL").value
    assert first is not second and first.message == second.message
