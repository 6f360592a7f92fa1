"""Named queries: ``queries/*.rq`` → :class:`NamedQuery` records, bound safely, run by the service.

Each file is a SPARQL query opened by a header in grlc's decorator syntax: lines starting
with ``#+`` that together hold YAML (``summary``, ``description``, ``tags``, ``defaults``,
``enumerate``, and this project's ``title_vi`` and ``view``). Parameters are grlc parameter
variables, so the folder also works unchanged as a grlc query repository:

=====================  ==================================================================
``?_name``             required, a plain string literal
``?__name``            optional (left unbound when not given)
``?_name_iri``         an IRI (here also a slug or ``prefix:local``, see :data:`SLUG_KINDS`)
``?_name_integer``     a literal typed ``xsd:integer``
``?_name_xsd_date``    a literal typed ``xsd:date`` (``_xsd_<type>``, any type of :data:`XSD_TYPES`)
``?_name_number``      a number (``xsd:integer``, ``xsd:decimal`` or ``xsd:double``)
``?_name_literal``     a plain string literal, as ``?_name``
``?_name_vi``          a literal with the language tag ``vi`` (any two- or three-letter code)
=====================  ==================================================================

These are the suffixes grlc itself reads (``gquery.get_parameters``): anything after the
name that is not ``iri``, ``number``, ``literal``, ``integer`` or ``prefix_type`` is a
language tag to grlc, so ``?_day_date`` would be a literal in the language "date" there; it
is refused here, with the ``?_day_xsd_date`` spelling to use instead.

Values are never pasted into the query text: :meth:`NamedQuery.bind` turns each raw string
into a validated pyoxigraph term and hands it to the engine as a substitution (pyoxigraph's
``substitutions=``, SEP-0007), so a hostile value stays one RDF term. The one change made to
the text is structural and does not depend on the values: pyoxigraph binds only variables the
``SELECT`` clause projects, so the parameter variables are added to it (and the files keep
them out of it, where grlc's text substitution would break the query).

>>> q = parse_named_query("demo", '''#+ summary: Units of a bloc
... #+ title_vi: Đơn vị của khối
... #+ defaults:
... #+   - bloc: khoi-thi-dua-so-iv
... PREFIX org: <http://www.w3.org/ns/org#>
... SELECT ?unit WHERE { ?unit org:memberOf ?_bloc_iri }''')
>>> [(p.name, p.kind, p.required) for p in q.params]
[('bloc', 'iri', True)]
>>> text, subs = q.bind({})
>>> subs["_bloc_iri"].value
'https://w3id.org/tnmt-kg/org/khoi-thi-dua-so-iv'
>>> text.splitlines()[-1]
'SELECT ?_bloc_iri ?unit WHERE { ?unit org:memberOf ?_bloc_iri }'
>>> q.bind({"bloc": '<http://evil>'})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kg.errors.BadInput: bloc: parameter bloc must be a slug or an absolute IRI, ...
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pyoxigraph import QueryResultsFormat, QuerySolutions, RdfFormat, parse_query_results

# The parameters and the answers live in their own modules; their names are importable from here.
from .catalog_answers import DOWNLOADS, Answer, Value, explore_filters
from .catalog_params import (
    _SLUG,
    _TOKEN,
    SLUG_KINDS,
    XSD_TYPES,
    Param,
    Term,
    _param_from_variable,
    parse_params,
)
from .errors import BadInput, NotFound
from .formats import TABLE_FORMATS
from .query import check_query
from .tables import write_table

__all__ = [
    "DOWNLOADS", "SLUG_KINDS", "VIEWS", "XSD_PREFIX_LINE", "XSD_TYPES", "Answer", "NamedQuery", "Param",
    "Term", "Value", "explore_filters", "load_catalog", "named_query", "parse_named_query", "parse_params",
]

#: How a gallery shows a query's result (the ``#+ view:`` decorator).
VIEWS = ("table", "graph", "timeline")

# grlc adds this exact line before every "SELECT" of a query with an xsd-typed parameter
# unless the line is already there, which breaks a query with a sub-SELECT.
XSD_PREFIX_LINE = "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>"


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class NamedQuery:
    """A query of the catalog: its header, its parameters and its text."""

    name: str
    path: str
    #: The file as written (header included): what grlc reads and what people are shown.
    text: str
    #: ``'SELECT'``, ``'ASK'``, ``'CONSTRUCT'`` or ``'DESCRIBE'``.
    form: str
    summary: str
    title_vi: str
    description: str = ""
    tags: tuple[str, ...] = ()
    view: str = "table"
    params: tuple[Param, ...] = ()
    #: The whole header as read, grlc's own keys (``endpoint``, ``pagination``, …) included.
    metadata: Mapping[str, Any] = field(default_factory=dict)
    #: The text that runs: the file with the parameter variables added to the SELECT clause.
    executable: str = ""

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise BadInput(f"{self.name} has no parameter {name!r}; it has: {self._param_list()}", where=name)

    def terms(self, values: Mapping[str, str | None]) -> dict[str, Term]:
        """Parameter name → RDF term for the values given; defaults fill missing required
        parameters, missing optional ones stay out (unbound). Empty strings count as missing.

        :raises BadInput: an unknown parameter, a missing required one, or a value that does
            not fit its type; ``where`` names the parameter.
        """
        for key in values:
            if not any(p.name == key for p in self.params):
                raise BadInput(f"{self.name} has no parameter {key!r}; it has: {self._param_list()}",
                               where=key)
        bound: dict[str, Term] = {}
        for p in self.params:
            raw = values.get(p.name)
            if raw is None or not str(raw).strip():
                if not p.required:
                    continue
                if p.default is None:
                    raise BadInput(f"parameter {p.name} is required ({p.type})", where=p.name)
                raw = p.default
            bound[p.name] = p.to_term(str(raw))
        return bound

    def bind(self, values: Mapping[str, str | None]) -> tuple[str, dict[str, Term]]:
        """The text to run and its substitutions (variable name → term) for raw values.

        The text does not depend on the values; they travel only as terms.
        """
        return self.executable, self._substitutions(self.terms(values))

    def _substitutions(self, bound: Mapping[str, Term]) -> dict[str, Term]:
        return {p.variable: bound[p.name] for p in self.params if p.name in bound}

    def editor_text(self, values: Mapping[str, str | None]) -> str:
        """The query with the bound values written in as RDF terms, for a person to read and
        edit in the query editor (what grlc would send), the ``#+`` header left out. Each term
        is serialised by pyoxigraph, which escapes it, so a value still cannot leave its term;
        unbound optional parameters stay variables. The service never runs this text as a
        named query: it runs :meth:`bind`'s, with the values as substitutions.
        """
        bound = self.terms(values)
        by_variable = {p.variable: bound[p.name] for p in self.params if p.name in bound}
        out = []
        for token in _TOKEN.finditer(self.text):
            var = token.group("var")
            if var and var[1:] in by_variable:
                out.append(str(by_variable[var[1:]]))
            else:
                out.append(token.group())
        body = [line for line in "".join(out).splitlines() if not line.startswith("#+")]
        while body and not body[0].strip():
            body.pop(0)
        return f"# {self.name}: {self.summary}\n" + "\n".join(body) + "\n"

    def run(self, service: Any, values: Mapping[str, str | None], *, max_rows: int | None = None) -> Answer:
        """Run with the given raw values through a :class:`kg.query.QueryService`."""
        bound = self.terms(values)
        text, substitutions = self.executable, self._substitutions(bound)
        if self.form in ("SELECT", "ASK"):
            result = service.run(text, result_format=QueryResultsFormat.JSON, substitutions=substitutions,
                                 max_rows=max_rows)
            if self.form == "ASK":
                return Answer(self.form, [], [], False, bound, result.elapsed,
                              boolean=bool(json.loads(result.body).get("boolean")))
            solutions = parse_query_results(result.body, QueryResultsFormat.JSON)
            assert isinstance(solutions, QuerySolutions)
            hidden = {p.variable for p in self.params}
            names = [v.value for v in solutions.variables]
            shown = [n for n in names if n not in hidden]
            rows = []
            for solution in solutions:
                cells = dict(zip(names, solution, strict=True))
                rows.append({n: Value.of(cells[n]) for n in shown if cells[n] is not None})
            return Answer(self.form, shown, rows, result.truncated, bound, result.elapsed)
        result = service.run(text, result_format=RdfFormat.TURTLE, substitutions=substitutions,
                             max_rows=max_rows)
        return Answer(self.form, [], [], result.truncated, bound, result.elapsed,
                      graph=result.body.decode("utf-8"), triples=result.row_count)

    def download(self, service: Any, values: Mapping[str, str | None], fmt: str, *, bom: bool = False,
                 about: Mapping[str, str] | None = None) -> Any:
        """The result serialised for a download (``csv``, ``xlsx``, ``ttl``, … as the form
        allows, see :data:`DOWNLOADS`): a :class:`kg.query.QueryResult`. A SELECT's table has
        the query's own columns only (not the parameter variables, which only repeat the
        bound values); ``bom`` starts a CSV with a UTF-8 byte order mark, ``about`` becomes an
        XLSX's second sheet (see :func:`kg.tables.write_table`).

        :raises NotFound: the form has no such download.
        """
        formats = DOWNLOADS[self.form]
        if fmt not in formats:
            raise NotFound(f"a {self.form} query downloads as {', '.join(formats)}, not {fmt!r}",
                           where=self.name)
        text, substitutions = self.bind(values)
        result = service.run(text, result_format=formats[fmt], substitutions=substitutions)
        if self.form != "SELECT":
            return result
        body = write_table(result.body, fmt, columns=self.columns(result.body), bom=bom, about=about,
                           title=self.name)
        return dataclasses.replace(result, body=body, media_type=TABLE_FORMATS[fmt])

    def columns(self, json_body: bytes) -> list[str]:
        """A SELECT result's own columns: its variables less the parameter variables."""
        hidden = {p.variable for p in self.params}
        return [v for v in json.loads(json_body)["head"]["vars"] if v not in hidden]

    @property
    def downloads(self) -> tuple[str, ...]:
        return tuple(DOWNLOADS[self.form])

    def _param_list(self) -> str:
        return ", ".join(p.name for p in self.params) or "none"


# --------------------------------------------------------------------------- reading


def parse_named_query(name: str, text: str, *, path: str = "") -> NamedQuery:
    """Read one query file's text into a :class:`NamedQuery`.

    :raises BadInput: a malformed header, an unknown view, a default or ``enumerate`` for a
        parameter the query lacks, a default of the wrong type, an unsupported parameter
        type, or a query that does not parse; ``where`` is ``file:line`` when known.
    """
    where = path or name
    if not _SLUG.fullmatch(name):
        raise BadInput(f"a query's file name must be lower-case letters, digits and '-', not {name!r}",
                       where=where)
    header = _read_header(text, where)
    try:
        parsed = check_query(text, engine=True)  # our own files: the engine's parse too
    except BadInput as exc:
        raise BadInput(f"the query does not parse: {exc.message}",
                       where=f"{where}:{_line_of(exc)}" if _line_of(exc) else where) from None
    params = _read_params(text, header, where)
    if any(p.kind == "typed" for p in params) and XSD_PREFIX_LINE not in text:
        raise BadInput(f"a query with an xsd-typed parameter must declare '{XSD_PREFIX_LINE}' exactly "
                       "(grlc inserts it before every SELECT otherwise)", where=where)
    view = header.get("view", "table")
    if view not in VIEWS:
        raise BadInput(f"view must be one of {', '.join(VIEWS)}, not {view!r}",
                       where=_key_where(where, text, "view"))
    for key in ("summary", "title_vi"):
        if not isinstance(header.get(key), str) or not header[key].strip():
            raise BadInput(f"the header needs a {key!r} (text)", where=where)
    tags = header.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise BadInput("tags must be a list of words", where=_key_where(where, text, "tags"))
    executable = _project_params(text, params, where) if parsed.form == "SELECT" else text
    return NamedQuery(
        name=name,
        path=path,
        text=text,
        form=parsed.form,
        summary=header["summary"].strip(),
        title_vi=header["title_vi"].strip(),
        description=str(header.get("description", "")).strip(),
        tags=tuple(tags),
        view=view,
        params=params,
        metadata=header,
        executable=executable,
    )


def _read_header(text: str, where: str) -> dict[str, Any]:
    # grlc reads every line that starts with '#+', wherever it is, as one YAML document.
    numbers, lines = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#+"):
            numbers.append(number)
            lines.append(line[2:])
    if not lines:
        raise BadInput("no '#+' header (grlc decorators) at the top of the query", where=where)
    try:
        header = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = numbers[min(mark.line, len(numbers) - 1)] if mark is not None else numbers[0]
        problem = getattr(exc, "problem", None) or str(exc)
        raise BadInput(f"the '#+' header is not valid YAML: {problem}", where=f"{where}:{line}") from None
    if not isinstance(header, dict):
        raise BadInput("the '#+' header must be a YAML mapping (key: value lines)",
                       where=f"{where}:{numbers[0]}")
    return header


def _read_params(text: str, header: Mapping[str, Any], where: str) -> tuple[Param, ...]:
    found: dict[str, Param] = {}
    for token in _TOKEN.finditer(text):
        var = token.group("var")
        if not var or not var[1:].startswith("_"):
            continue
        variable = var[1:]
        if any(p.variable == variable for p in found.values()):
            continue
        param = _param_from_variable(variable, _where_at(where, text, token.start()))
        if param.name in found:
            raise BadInput(f"?{variable} and ?{found[param.name].variable} are both parameter "
                           f"{param.name!r}", where=_where_at(where, text, token.start()))
        found[param.name] = param
    defaults = _name_map(header, "defaults", where, text)
    enums = _name_map(header, "enumerate", where, text)
    params = []
    for name, param in found.items():
        default = defaults.pop(name, None)
        enum = enums.pop(name, None)
        if enum is not None and (not isinstance(enum, list) or not enum):
            raise BadInput(f"enumerate for {name} must be a non-empty list of values",
                           where=_key_where(where, text, "enumerate"))
        param = Param(
            name=param.name, variable=param.variable, kind=param.kind, required=param.required,
            datatype=param.datatype, lang=param.lang,
            default=None if default is None else _scalar(default),
            enum=tuple(_scalar(v) for v in enum or ()),
        )
        for value in ((param.default,) if param.default is not None else ()) + param.enum:
            try:
                param.to_term(value)
            except BadInput as exc:
                raise BadInput(f"a default or enumerated value does not fit: {exc.message}",
                               where=_key_where(where, text, "defaults")) from None
        params.append(param)
    for leftover, key in ((defaults, "defaults"), (enums, "enumerate")):
        if leftover:
            raise BadInput(f"{key} names {', '.join(sorted(leftover))}, which the query has no parameter for",
                           where=_key_where(where, text, key))
    return tuple(params)


def _name_map(header: Mapping[str, Any], key: str, where: str, text: str) -> dict[str, Any]:
    """grlc's list of one-key mappings (``- year: 2022``) as one dict."""
    items = header.get(key)
    if items is None:
        return {}
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise BadInput(f"{key} must be a list of 'name: value' entries, as grlc reads it",
                       where=_key_where(where, text, key))
    merged: dict[str, Any] = {}
    for item in items:
        merged.update({str(k): v for k, v in item.items()})
    return merged


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def _project_params(text: str, params: tuple[Param, ...], where: str) -> str:
    """The SELECT query with its parameter variables added to the projection."""
    tokens = list(_TOKEN.finditer(text))
    index = next((i for i, t in enumerate(tokens) if (t.group("word") or "").upper() == "SELECT"), None)
    if index is None:  # pragma: no cover - check_query said SELECT
        return text
    insert_at = tokens[index].end()
    i = index + 1
    while i < len(tokens):
        token = tokens[i]
        word = (token.group("word") or "").upper()
        if token.group("other") and token.group().isspace() or token.group("comment"):
            i += 1
            continue
        if word in ("DISTINCT", "REDUCED"):
            insert_at = token.end()
            i += 1
            continue
        break
    star = i < len(tokens) and tokens[i].group() == "*"
    for token in tokens[i:]:
        if token.group() == "{" or (token.group("word") or "").upper() in ("WHERE", "FROM"):
            break
        var = token.group("var")
        if var and any(p.variable == var[1:] for p in params):
            raise BadInput(f"parameter variable {var} in the SELECT clause: grlc pastes the value there, "
                           "which breaks the query; leave it out (it is projected when run here)",
                           where=_where_at(where, text, token.start()))
    if star or not params:
        return text
    added = "".join(f" ?{p.variable}" for p in params)
    return text[:insert_at] + added + text[insert_at:]


def _where_at(where: str, text: str, offset: int) -> str:
    return f"{where}:{text.count(chr(10), 0, offset) + 1}"


def _key_where(where: str, text: str, key: str) -> str:
    match = re.search(rf"^#\+\s*{re.escape(key)}\s*:", text, re.M)
    return _where_at(where, text, match.start()) if match else where


def _line_of(exc: BadInput) -> int | None:
    return getattr(exc, "line", None)


# --------------------------------------------------------------------------- the catalog

_cache: dict[str, tuple[tuple, dict[str, NamedQuery]]] = {}
_cache_lock = threading.Lock()


def load_catalog(directory: str | Path) -> dict[str, NamedQuery]:
    """Every ``*.rq`` of a folder as name (the file stem) → :class:`NamedQuery`, sorted by name.

    Read again only when a file was added, removed or changed, so a view may call it on
    every request.

    :raises BadInput: the folder is missing, or a file is malformed (``where`` is ``file:line``).
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise BadInput("no folder of named queries here (setting queries_dir)", where=str(folder))
    files = sorted(folder.glob("*.rq"), key=lambda f: f.stem)
    signature = tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    key = str(folder.resolve())
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == signature:
            return dict(cached[1])
    catalog: dict[str, NamedQuery] = {}
    for f in files:
        try:
            text = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(f"cannot read the query: {exc}", where=str(f)) from None
        catalog[f.stem] = parse_named_query(f.stem, text, path=str(f))
    with _cache_lock:
        _cache[key] = (signature, catalog)
    return dict(catalog)


def named_query(directory: str | Path, name: str) -> NamedQuery:
    """One query of the catalog by name.

    :raises NotFound: no query of that name; the message lists the known ones.
    """
    catalog = load_catalog(directory)
    if name not in catalog:
        raise NotFound(f"no named query {name!r}; known: {', '.join(catalog) or 'none'}", where=name)
    return catalog[name]
