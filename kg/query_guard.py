"""The refusal gate: what a SPARQL text is and whether it may run, found by a tokenizer.

Every query passes here before any engine sees it. The gate must refuse updates (the
endpoint is read-only), ``SERVICE`` (pyoxigraph would make the outbound call itself) and
``LOAD``, and it runs on every request, so it is a tokenizer, not a parser: a few regular
expressions over the text, about 20 µs for a typical query, and an LRU cache for texts
seen before (the app's own queries, a client repeating itself).

The tokenizer knows what hides a word: comments (``# …``), strings in all four quote
forms, IRIs (``<…>``), prefixed names (``ex:SERVICE``), variables, blank node labels and
language tags. Keywords are matched without regard to case. SPARQL 1.1 (section 19.2)
decodes ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes before parsing, so ``\\u0053ERVICE`` is
``SERVICE`` to an engine that follows the spec; pyoxigraph 0.5 does not (it decodes them
only inside strings and IRIs). The gate therefore looks at every reading an engine may
take — the text as written, and the text with its escapes decoded — and refuses when any
reading shows a forbidden keyword. A comment ends a token (``SERV#…\\nICE`` is two words),
as it does for every engine.

What the gate does not do is decide whether a text is well-formed SPARQL: the engine that
runs the query does that, and its own message (with line and column) is the answer to a
malformed query. The gate only reports what it needs: the query form, whether the query
names its own dataset, and prefixes used without a declaration (a clearer message than the
engine's list of every character a name could continue with).

>>> check_query("PREFIX ex: <http://example.org/>\\nselect * { ?s ex:p ?o }")
ParsedQuery(form='SELECT', has_dataset_clause=False)
>>> check_query('ASK { ?s ?p "SERVICE" . ?s <urn:x:SERVICE> ?o }').form
'ASK'
>>> check_query("SELECT * { \\\\u0053ERVICE <http://x.example/> {} }")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kg.errors.QueryRefused: federated queries are disabled: SERVICE <http://x.example/> ...
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import BadInput, KGError, QueryRefused, QuerySyntaxError

#: The query forms, as :attr:`ParsedQuery.form` spells them.
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")

#: Words that begin (or only appear in) SPARQL Update operations. None of them is a word
#: of the query language, so one anywhere outside a string, IRI or comment is an update.
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING"}
)

READ_ONLY = (
    "this SPARQL endpoint is read-only; updates (INSERT, DELETE, LOAD, CLEAR, DROP, "
    "CREATE, ADD, MOVE, COPY) are not accepted"
)

#: Texts longer than this are checked every time rather than kept in the cache (the cache
#: holds 1,024 texts; at this size it stays under 16 MiB).
CACHED_TEXT_CHARS = 16_384


@dataclass(frozen=True)
class ParsedQuery:
    """What the service needs to know about a query that passed :func:`check_query`."""

    form: str
    #: The query names its own dataset (``FROM``/``FROM NAMED``), which then replaces
    #: the union default graph.
    has_dataset_clause: bool = False


# --------------------------------------------------------------------------- tokens

# One alternation, tried in order at each position; the group that matched names the
# token. Long strings come before short ones, IRIs before the '<' operator.
_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
                | \"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
                | '(?:[^'\\\n\r]|\\.)*'
                | "(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
    | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
    | (?P<bnode>_:[\w\u00B7\u0300-\u036F\u203F-\u2040.\-]*)
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<pname>(?:[^\W\d_][\w.\-\u00B7]*)?:(?:[\w\-:%\u00B7]|\\[^\s]|\.(?=[\w\-:%\\]))*)
    | (?P<word>[^\W\d_]\w*)
    | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_SKIPPED = ("space", "comment")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


def tokens(text: str) -> Iterator[Token]:
    """The significant tokens of a SPARQL text (no whitespace, no comments).

    >>> [(t.kind, t.text) for t in tokens('SERV#c\\nICE "a#b" <x#y> ex:p')]
    [('word', 'SERV'), ('word', 'ICE'), ('string', '"a#b"'), ('iri', '<x#y>'), ('pname', 'ex:p')]
    """
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind not in _SKIPPED:
            yield Token(kind, match.group(), match.start())


# --------------------------------------------------------------------------- escapes

_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|u.{0,4}|U.{0,8}|.)", re.DOTALL)
_NAIVE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _code_point(match: re.Match[str]) -> str:
    hex_digits = match.group(1) or match.group(2)
    if hex_digits is None:
        return match.group()  # a backslash and what follows it, kept as written
    value = int(hex_digits, 16)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        return match.group()  # no such character: the escape stays as written
    return chr(value)


def decode_escapes(text: str) -> str:
    """The text with SPARQL's ``\\u``/``\\U`` escapes decoded, as section 19.2 says.

    One pass, left to right: a backslash and the character after it are taken together, so
    ``\\\\u0041`` (an escaped backslash, then ``u0041``) is not an escape.

    >>> decode_escapes("\\\\u0053ERVICE \\\\U00000041 \\\\\\\\u0041")
    'SERVICE A \\\\\\\\u0041'
    """
    if "\\u" not in text and "\\U" not in text:
        return text
    return _ESCAPE.sub(_code_point, text)


def readings(text: str) -> list[str]:
    """Every text an engine may take the query to be: as written, and with escapes decoded
    (strictly, and naively — any ``\\uXXXX``, even after a backslash). Duplicates dropped."""
    found = [text]
    if "\\u" in text or "\\U" in text:
        for decoded in (decode_escapes(text), _NAIVE_ESCAPE.sub(_code_point, text)):
            if decoded not in found:
                found.append(decoded)
    return found


# --------------------------------------------------------------------------- the gate


def check_query(text: str, *, engine: bool = False) -> ParsedQuery:
    """Refuse what the endpoint must never run, and tell the form of what it may.

    :param text: the query text.
    :param engine: also have pyoxigraph parse it, here and now. Only for trusted text (the
        project's own query files): pyoxigraph parses by evaluating, and even on an empty
        store a query can be made to compute for long, with no time limit in this process.
    :returns: the query's form and whether it names its own dataset.
    :raises QueryRefused: an update operation in any form, ``SERVICE`` anywhere.
    :raises QuerySyntaxError: no query form after the prologue, or a prefix used without a
        declaration; ``where`` gives the line and column (also as ``line`` and ``column``).
        Other syntax errors are the engine's to find, when the query runs.

    >>> check_query("CLEAR ALL")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.errors.QueryRefused: this SPARQL endpoint is read-only; ...
    >>> try:
    ...     check_query("SELECT * WHERE {\\n  ?s nope:p ?o }")
    ... except QuerySyntaxError as error:
    ...     print(error.line, error.column, error.where)
    2 6 line 2, column 6
    """
    if not isinstance(text, str):
        raise BadInput(f"a query must be text, not {type(text).__name__}")
    if len(text) > CACHED_TEXT_CHARS:
        parsed = _check(text)
    else:
        outcome = _cached_check(text)
        if not isinstance(outcome, ParsedQuery):
            raise _error_from(outcome)
        parsed = outcome
    if engine:
        engine_parse(text)
    return parsed


_ENGINE_POSITION = re.compile(r"^error at (\d+):(\d+): ")


def engine_error(message: str) -> QuerySyntaxError:
    """pyoxigraph's syntax error ("error at L:C: …") in the project's words and form.

    >>> engine_error("error at 2:5: expected one of LATERAL, SERVICE, [_]").where
    'line 2, column 5'
    """
    if len(message) > 300:
        message = message[:300] + "…"  # its lists of every character that could come next
    match = _ENGINE_POSITION.match(message)
    if match is None:
        return QuerySyntaxError(message)
    said = message[match.end() :]
    said = said[:1].upper() + said[1:]  # "Expected one of …", as a sentence
    exc = QuerySyntaxError(said, where=f"line {match[1]}, column {match[2]}")
    exc.line, exc.column = int(match[1]), int(match[2])  # type: ignore[attr-defined]
    return exc


def engine_parse(text: str) -> None:
    """Have pyoxigraph parse a trusted text (see :func:`check_query`'s ``engine``)."""
    from pyoxigraph import Store

    try:
        Store().query(text)
    except SyntaxError as exc:
        raise engine_error(str(exc)) from None
    except (RuntimeError, ValueError, TypeError, OSError):
        pass  # parsed; evaluating it on nothing went wrong, which is no concern here


@functools.lru_cache(maxsize=1024)
def _cached_check(text: str) -> ParsedQuery | tuple:
    # Errors are cached as data and raised afresh: a cached exception object would carry
    # the traceback (and frames) of the first caller.
    try:
        return _check(text)
    except KGError as exc:
        return (type(exc), exc.message, exc.where, getattr(exc, "line", None), getattr(exc, "column", None))


def _error_from(outcome: tuple) -> KGError:
    kind, message, where, line, column = outcome
    exc = kind(message, where=where)
    if line is not None:
        exc.line, exc.column = line, column
    return exc


def _check(text: str) -> ParsedQuery:
    as_written = list(tokens(text))
    _refuse(text, as_written)
    for decoded in readings(text)[1:]:
        _refuse(decoded, list(tokens(decoded)))
    return _describe(text, as_written)


def _refuse(text: str, significant: list[Token]) -> None:
    """Raise QueryRefused when this reading of the text holds an update or a SERVICE."""
    for index, token in enumerate(significant):
        if token.kind == "pname":
            # pyoxigraph matches keywords without a word boundary and backtracks out of an
            # undeclared prefix, so `SERVICEex:x` and `trueSERVICE:x` are SERVICE to it.
            if "SERVICE" in token.text.split(":", 1)[0].upper():
                raise QueryRefused(_federated(text, significant, index))
            continue
        if token.kind != "word":
            continue
        word = token.text.upper()
        if word in UPDATE_KEYWORDS:
            raise QueryRefused(f"{READ_ONLY}; the text is an update ({_update_name(significant, index)})")
        if "SERVICE" in word:  # SERVICE, or glued to a neighbour: `SERVICESILENT`, `trueSERVICE`
            raise QueryRefused(_federated(text, significant, index))


def _federated(text: str, significant: list[Token], index: int) -> str:
    token = significant[index]
    if token.kind == "word" and token.text.upper() == "SERVICE":
        target = _service_target(text, significant, index)
    else:
        target = f"(written {token.text!r})"
    return (f"federated queries are disabled: SERVICE {target} "
            "would call another server, and this endpoint makes no outbound requests")




def _update_name(significant: list[Token], index: int) -> str:
    word = significant[index].text.upper()
    following = significant[index + 1].text.upper() if index + 1 < len(significant) else ""
    if word in ("INSERT", "DELETE") and following in ("DATA", "WHERE"):
        return f"{word} {following}"
    if word in ("INSERT", "DELETE", "WITH", "USING"):
        return "DELETE/INSERT … WHERE"
    return word


def _service_target(text: str, significant: list[Token], index: int) -> str:
    rest = significant[index + 1 : index + 3]
    if rest and rest[0].kind == "word" and rest[0].text.upper() == "SILENT":
        rest = rest[1:]
    if not rest:
        return "(no endpoint)"
    target = rest[0]
    if target.kind == "pname":
        prefix, _, local = target.text.partition(":")
        namespace = _prefixes(text).get(prefix)
        if namespace is not None:
            return f"<{namespace}{local}>"
    return target.text


def _prefixes(text: str) -> dict[str, str]:
    declared: dict[str, str] = {}
    significant = list(tokens(text))
    for index, token in enumerate(significant[:-2]):
        if token.kind == "word" and token.text.upper() == "PREFIX":
            name, iri = significant[index + 1], significant[index + 2]
            if name.kind == "pname" and name.text.endswith(":") and iri.kind == "iri":
                declared[name.text[:-1]] = iri.text[1:-1]
    return declared


def _describe(text: str, significant: list[Token]) -> ParsedQuery:
    """The form, the dataset clause and undeclared prefixes, from the text as written."""
    declared: set[str] = set()
    index = 0
    # The prologue: BASE <iri> and PREFIX p: <iri>, in any order.
    while index < len(significant) and significant[index].kind == "word":
        word = significant[index].text.upper()
        if word == "BASE":
            index += 2
        elif word == "PREFIX":
            if index + 1 < len(significant) and significant[index + 1].kind == "pname":
                declared.add(significant[index + 1].text.split(":", 1)[0])
            index += 3
        else:
            break
    if index >= len(significant):
        raise _syntax_error(text, len(text.rstrip()),
                            "the text has no query (SELECT, ASK, CONSTRUCT or DESCRIBE)")
    first = significant[index]
    form = first.text.upper() if first.kind == "word" else ""
    if form not in FORMS:
        raise _syntax_error(text, first.start,
                            f"expected SELECT, ASK, CONSTRUCT or DESCRIBE, found {first.text!r}")
    has_dataset_clause = False
    for token in significant[index + 1 :]:
        if token.kind == "pname":
            prefix = token.text.split(":", 1)[0]
            if prefix not in declared:
                raise _syntax_error(text, token.start,
                                    f"prefix {prefix}: is not declared (add PREFIX {prefix}: <…>)")
        elif token.kind == "word" and token.text.upper() == "FROM":
            has_dataset_clause = True
    return ParsedQuery(form=form, has_dataset_clause=has_dataset_clause)


def position(text: str, offset: int) -> tuple[int, int]:
    """(line, column), both from 1, of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _syntax_error(text: str, offset: int, message: str) -> QuerySyntaxError:
    line, column = position(text, offset)
    exc = QuerySyntaxError(message, where=f"line {line}, column {column}")
    exc.line, exc.column = line, column  # type: ignore[attr-defined]
    return exc
