"""The parameters of named queries: grlc parameter variables read as typed :class:`Param`, and
raw values checked and turned into RDF terms (never pasted into query text).

>>> Param("day", "_day_xsd_date", "typed", True, datatype=XSD.date.value).to_term("2022-1-5")
Traceback (most recent call last):
...
kg.errors.BadInput: day: parameter day must be a date YYYY-MM-DD, got '2022-1-5'
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from .errors import BadInput
from .vocab import BASE, PREFIXES, XSD

Term = NamedNode | BlankNode | Literal | Triple

#: IRI parameters whose value may be a bare slug, and the kind of entity it names: the slug
#: ``cuc-vien-tham-quoc-gia`` given to ``?_org_iri`` means ``BASE + "org/cuc-vien-tham-quoc-gia"``.
#: Parameters not listed here take a full IRI or a ``prefix:local`` name of :data:`PREFIXES`.
SLUG_KINDS: dict[str, str] = {
    "org": "org",
    "bloc": "org",
    "unit": "org",
    "root": "org",
    "person": "person",
    "speaker": "person",
    "role": "role",
    "post": "post",
    "event": "event",
    "movement": "movement",
    "source": "source",
    "place": "place",
}

#: XSD datatypes a parameter may declare (``?_x_integer`` or ``?_x_xsd_integer``), each with
#: the check its lexical form must pass.
XSD_TYPES = ("integer", "decimal", "double", "float", "boolean", "date", "dateTime", "gYear", "string")

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_CURIE = re.compile(r"([A-Za-z][\w-]*):([\w.-]*)")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# grlc's own reading of a parameter variable (gquery.get_parameters): one or two underscores,
# a name of letters and digits, then a type, a prefixed datatype or a language tag.
_GRLC_VARIABLE = re.compile(
    r"(?P<required>_{1,2})(?P<name>[A-Za-z0-9]+)"
    r"(?:_(?P<type>iri|number|literal|integer))?"
    r"(?:_(?P<prefix>[A-Za-z0-9]+)_(?P<userdefined>[A-Za-z0-9]+))?"
    r"(?:_(?P<lang>[A-Za-z0-9]+))?"
)
_MAX_VALUE_CHARS = 2000

# The lexical tokens that matter here. Comments, IRIs and strings are matched whole so that
# nothing inside them is taken for a variable or a keyword.
_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n]*)
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                 |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\U000EFFFF]+)
    | (?P<word>[A-Za-z]+)
    | (?P<other>.)
    """,
    re.X | re.S,
)


@dataclass(frozen=True)
class Param:
    """One parameter of a named query, read from its grlc variable name."""

    #: The parameter's name, as grlc's API and this app's forms and CLI call it (``year``).
    name: str
    #: The SPARQL variable without its sigil (``_year_integer``).
    variable: str
    #: ``'iri'``, ``'string'`` (plain literal), ``'number'``, ``'typed'`` or ``'lang'``.
    kind: str
    required: bool
    #: The datatype IRI of a ``typed`` parameter.
    datatype: str | None = None
    #: The language tag of a ``lang`` parameter.
    lang: str | None = None
    default: str | None = None
    #: Values offered in a form's select (from ``#+ enumerate:``).
    enum: tuple[str, ...] = ()

    @property
    def type(self) -> str:
        """A short name of the type for people: ``iri``, ``string``, ``xsd:date``, ``@vi``, …"""
        if self.kind == "typed" and self.datatype:
            return "xsd:" + self.datatype.rsplit("#", 1)[1]
        if self.kind == "lang":
            return f"@{self.lang}"
        return self.kind

    @property
    def slug_kind(self) -> str | None:
        """The entity kind a slug value names (``org``, ``person``, …), for IRI parameters."""
        return SLUG_KINDS.get(self.name) if self.kind == "iri" else None

    def to_term(self, raw: str) -> Term:
        """The RDF term a raw value stands for, checked against the parameter's type.

        :raises BadInput: the value does not fit; ``where`` is the parameter's name.

        >>> Param("year", "_year_integer", "typed", True, datatype=str(XSD.integer.value)).to_term("2022")
        <Literal value=2022 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
        """
        value = raw.strip()
        if len(value) > _MAX_VALUE_CHARS:
            raise self._bad(f"is longer than {_MAX_VALUE_CHARS} characters")
        if self.kind == "iri":
            return NamedNode(self._iri(value))
        # Vietnamese text typed on different keyboards arrives composed or decomposed; the
        # graph's labels are NFC.
        value = unicodedata.normalize("NFC", value)
        if self.kind == "string":
            return Literal(value)
        if self.kind == "lang":
            return Literal(value, language=self.lang)
        if self.kind == "number":
            number = _number(value)
            if number is None:
                raise self._bad(f"must be a number, got {raw!r}")
            return number
        assert self.datatype is not None
        local = self.datatype.rsplit("#", 1)[1]
        lexical = _XSD_CHECKS[local](value)
        if lexical is None:
            raise self._bad(f"must be {_XSD_HINTS[local]}, got {raw!r}")
        return Literal(lexical, datatype=NamedNode(self.datatype))

    def _iri(self, value: str) -> str:
        kind = self.slug_kind
        if kind and _SLUG.fullmatch(value):
            return f"{BASE}{kind}/{value}"
        curie = _CURIE.fullmatch(value)
        if curie and curie[1] in PREFIXES:
            value = PREFIXES[curie[1]] + curie[2]
        if _SCHEME.match(value):
            try:
                return NamedNode(value).value
            except ValueError as exc:
                raise self._bad(f"is not a valid IRI: {value!r} ({exc})") from None
        expected = "a slug or an absolute IRI" if kind else "an absolute IRI"
        example = f"e.g. {_EXAMPLE_SLUGS.get(kind, 'x')} or {BASE}{kind}/…" if kind else f"e.g. {BASE}…"
        raise self._bad(f"must be {expected}, {example}; got {value!r}")

    def _bad(self, message: str) -> BadInput:
        return BadInput(f"parameter {self.name} {message}", where=self.name)


_EXAMPLE_SLUGS = {
    "org": "cuc-vien-tham-quoc-gia",
    "person": "nguyen-quoc-khanh",
    "role": "truong-khoi",
    "post": "thu-tuong-chinh-phu",
    "event": "hoi-nghi-tong-ket-2021-khoi-thi-dua-so-iv",
    "source": "khoi-thi-dua-iv-2021",
}



def _param_from_variable(variable: str, where: str) -> Param:
    match = _GRLC_VARIABLE.fullmatch(variable)
    if match is None or sum(bool(match[g]) for g in ("type", "prefix", "lang")) > 1:
        raise BadInput(f"?{variable} is not a grlc parameter variable (?_name, ?__name, ?_name_iri, "
                       "?_name_integer, ?_name_xsd_date, ?_name_vi, …)", where=where)
    name, required = match["name"], match["required"] == "_"
    mtype, prefix, local, lang = match["type"], match["prefix"], match["userdefined"], match["lang"]
    if mtype in (None, "literal") and not prefix and not lang:
        return Param(name, variable, "string", required)
    if mtype in ("iri", "number"):
        return Param(name, variable, mtype, required)
    if mtype == "integer":
        return Param(name, variable, "typed", required, datatype=XSD.integer.value)
    if prefix:
        if prefix != "xsd" or local not in XSD_TYPES:
            raise BadInput(f"?{variable}: unsupported datatype {prefix}:{local}; supported: "
                           + ", ".join(f"xsd:{t}" for t in XSD_TYPES), where=where)
        return Param(name, variable, "typed", required, datatype=XSD[local].value)
    if not re.fullmatch(r"[A-Za-z]{2,3}", lang):
        hint = f" (for a datatype write ?_{name}_xsd_{lang})" if lang in XSD_TYPES else ""
        raise BadInput(f"?{variable}: grlc reads {lang!r} as a language tag, which it is not{hint}",
                       where=where)
    return Param(name, variable, "lang", required, lang=lang.lower())



def parse_params(items: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``["year=2022", "org=cuc-vien-tham-quoc-gia"]`` → a dict (the CLI's ``--param``).

    >>> parse_params(["year=2022", "text=a=b"])
    {'year': '2022', 'text': 'a=b'}
    >>> parse_params(["year"])
    Traceback (most recent call last):
    ...
    kg.errors.BadInput: --param: expected KEY=VALUE, got 'year'
    """
    values: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise BadInput(f"expected KEY=VALUE, got {item!r}", where="--param")
        if key.strip() in values:
            raise BadInput(f"parameter {key.strip()} given twice", where="--param")
        values[key.strip()] = value
    return values


# --------------------------------------------------------------------------- value checks


def _integer(v: str) -> str | None:
    return str(int(v)) if re.fullmatch(r"[+-]?\d{1,30}", v) else None


def _decimal(v: str) -> str | None:
    return v if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", v) else None


def _double(v: str) -> str | None:
    if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN", v):
        return v
    return None


def _boolean(v: str) -> str | None:
    return v.lower() if v.lower() in ("true", "false") else {"1": "true", "0": "false"}.get(v)


def _date(v: str) -> str | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        return None
    try:
        return _dt.date.fromisoformat(v).isoformat()
    except ValueError:
        return None


def _datetime(v: str) -> str | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?", v):
        return None
    try:
        _dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return None
    return v


def _number(v: str) -> Literal | None:
    for check, local in ((_integer, "integer"), (_decimal, "decimal"), (_double, "double")):
        lexical = check(v)
        if lexical is not None:
            return Literal(lexical, datatype=XSD[local])
    return None


_XSD_CHECKS = {
    "integer": _integer,
    "decimal": _decimal,
    "double": _double,
    "float": _double,
    "boolean": _boolean,
    "date": _date,
    "dateTime": _datetime,
    "gYear": lambda v: v if re.fullmatch(r"-?\d{4,}", v) else None,
    "string": lambda v: v,
}
_XSD_HINTS = {
    "integer": "an integer",
    "decimal": "a decimal number",
    "double": "a number",
    "float": "a number",
    "boolean": "true or false",
    "date": "a date YYYY-MM-DD",
    "dateTime": "a date-time YYYY-MM-DDThh:mm:ss",
    "gYear": "a year YYYY",
    "string": "text",
}
