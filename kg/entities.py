"""Describe one entity for its page and its RDF description; a source's text with its quotes located.

Everything here is SPARQL over the union of the store's graphs. An IRI that comes from a user is
checked by :class:`pyoxigraph.NamedNode` and bound with ``substitutions=``; lists of IRIs read
back from the store go into ``VALUES`` blocks as the serialised terms pyoxigraph produced, so no
text from a request is ever pasted into a query.

>>> short_name("http://www.w3.org/ns/org#Membership")
'org:Membership'
>>> format_vi_date("2021-12-20")
'20/12/2021'
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Store, Variable

from .errors import BadInput, NotFound
from .vocab import BASE, DCTERMS, ONTOLOGY_GRAPH, PREFIXES, RDF, TNMT

#: Label properties, most preferred first (per language).
LABEL_PROPERTIES = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://xmlns.com/foaf/0.1/name",
    "https://schema.org/name",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/2004/02/skos/core#altLabel",
)
#: Languages a label is chosen in, most preferred first.
LANGUAGES = ("vi", "en", "")

#: Most values shown per property, most incoming subjects per property, most membership rows.
MAX_VALUES = 200
MAX_INCOMING = 50
MAX_MEMBERSHIPS = 500
#: Literals longer than this are cut on pages (the RDF description keeps them whole).
MAX_LITERAL_CHARS = 2000

_VALUES_BATCH = 400
# `FILTER(?p IN …)` rather than `VALUES ?p`: with a VALUES block for the subjects too, pyoxigraph
# 0.5 plans the two VALUES badly (1.9 s instead of 12 ms for 400 subjects on 1M triples).
_LABEL_FILTER = "?p IN (" + ", ".join(f"<{p}>" for p in LABEL_PROPERTIES) + ")"


# --------------------------------------------------------------------------- small helpers


def short_name(iri: str) -> str:
    """``prefix:local`` for an IRI under a known prefix, else the IRI itself."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(best):
            local = iri[len(namespace):]
            if local and re.fullmatch(r"[\w.-]+", local):
                best, name = namespace, f"{prefix}:{local}"
    return name if best else iri


def format_vi_date(day: str) -> str:
    """``YYYY-MM-DD`` → ``DD/MM/YYYY`` (anything else is returned as given)."""
    try:
        return dt.date.fromisoformat(day).strftime("%d/%m/%Y")
    except ValueError:
        return day


def parse_iri(iri: str) -> NamedNode:
    """A user-given IRI as a term; :class:`BadInput` when it is not a valid absolute IRI."""
    if not iri or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri):
        raise BadInput("not an absolute IRI", where="iri")
    try:
        return NamedNode(iri)
    except ValueError as exc:
        raise BadInput(f"not a valid IRI ({exc})", where="iri") from exc


def _values(var: str, terms: Iterable[NamedNode | BlankNode]) -> str:
    # str() of a pyoxigraph term is its N-Triples form; NamedNode has validated the IRI.
    return f"VALUES ?{var} {{ {' '.join(str(t) for t in terms)} }}"


def _batches(items: Sequence[Any], size: int = _VALUES_BATCH) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _select(store: Store, query: str, **bindings: Any) -> list[Any]:
    return list(store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True,
                            substitutions={Variable(k): v for k, v in bindings.items()} or None))


# --------------------------------------------------------------------------- terms for pages


@dataclass(frozen=True)
class Term:
    """An RDF term as a page shows it: an IRI with its label, a literal, or a blank node."""

    kind: str  # "iri" | "literal" | "bnode"
    value: str
    lang: str = ""
    datatype: str = ""
    label: str = ""
    label_lang: str = ""
    inferred: bool = False

    @property
    def is_iri(self) -> bool:
        return self.kind == "iri"

    @property
    def text(self) -> str:
        """What a page prints for the term."""
        if self.kind == "iri":
            return self.label or short_name(self.value)
        if self.kind == "bnode":
            return self.label or "_:" + self.value
        return self.value

    @property
    def short(self) -> str:
        """``prefix:local`` (or the IRI) of an IRI term."""
        return short_name(self.value) if self.kind == "iri" else self.value

    @property
    def truncated(self) -> str:
        if len(self.value) <= MAX_LITERAL_CHARS:
            return self.value
        return self.value[:MAX_LITERAL_CHARS] + f"… ({len(self.value)} characters)"

    @property
    def short_datatype(self) -> str:
        return short_name(self.datatype) if self.datatype else ""

    def as_json(self) -> dict[str, Any]:
        if self.kind == "iri":
            return {"iri": self.value, "label": self.label or short_name(self.value)}
        if self.kind == "literal":
            out: dict[str, Any] = {"value": self.value}
            if self.lang:
                out["lang"] = self.lang
            elif self.datatype:
                out["datatype"] = self.datatype
            return out
        return {"bnode": self.value}


def _term(node: Any, labels: dict[str, tuple[str, str]] | None = None) -> Term:
    if isinstance(node, NamedNode):
        label, lang = (labels or {}).get(node.value, ("", ""))
        return Term("iri", node.value, label=label, label_lang=lang)
    if isinstance(node, Literal):
        datatype = node.datatype.value if node.datatype else ""
        if node.language:
            datatype = ""
        elif datatype == "http://www.w3.org/2001/XMLSchema#string":
            datatype = ""
        return Term("literal", node.value, lang=node.language or "", datatype=datatype)
    if isinstance(node, BlankNode):
        return Term("bnode", node.value)
    return Term("literal", str(node))


def _pick_label(candidates: list[tuple[str, str, str]]) -> tuple[str, str]:
    """The best (label, lang) among (property, value, lang): language first, then property."""

    def rank(item: tuple[str, str, str]) -> tuple[int, int, str]:
        prop, value, lang = item
        lang_rank = LANGUAGES.index(lang) if lang in LANGUAGES else len(LANGUAGES)
        return (lang_rank, LABEL_PROPERTIES.index(prop), value)

    prop, value, lang = min(candidates, key=rank)
    return value, lang


def labels_of(store: Store, iris: Iterable[str]) -> dict[str, tuple[str, str]]:
    """The preferred (label, lang) of each IRI that has one (Vietnamese first, then English)."""
    wanted = sorted({i for i in iris})
    found: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for batch in _batches(wanted):
        nodes = [NamedNode(i) for i in batch]
        rows = _select(store, f"""SELECT ?s ?p ?l WHERE {{
            {_values("s", nodes)} ?s ?p ?l . FILTER({_LABEL_FILTER} && isLiteral(?l)) }}""")
        for row in rows:
            found[row["s"].value].append((row["p"].value, row["l"].value, row["l"].language or ""))
    return {iri: _pick_label(c) for iri, c in found.items()}


def _label_all(store: Store, terms: Iterable[Term]) -> dict[str, tuple[str, str]]:
    return labels_of(store, [t.value for t in terms if t.kind == "iri"])


def _relabel(term: Term, labels: dict[str, tuple[str, str]]) -> Term:
    if term.kind != "iri" or term.value not in labels:
        return term
    label, lang = labels[term.value]
    return Term(term.kind, term.value, label=label, label_lang=lang, inferred=term.inferred)


@dataclass(frozen=True)
class Summary:
    """What a list of entities shows for each: label and types."""

    iri: str
    label: str
    lang: str
    types: list[Term]


def summaries(store: Store, iris: Sequence[str]) -> dict[str, Summary]:
    """Label and types of each IRI (for search results)."""
    types: dict[str, list[str]] = defaultdict(list)
    for batch in _batches(list(dict.fromkeys(iris))):
        for row in _select(store, f"SELECT ?s ?t WHERE {{ {_values('s', [NamedNode(i) for i in batch])} "
                                  "?s a ?t . FILTER(isIRI(?t)) }"):
            types[row["s"].value].append(row["t"].value)
    labels = labels_of(store, list(iris) + [t for ts in types.values() for t in ts])
    out = {}
    for iri in iris:
        label, lang = labels.get(iri, (short_name(iri), ""))
        type_terms = sorted((_relabel(Term("iri", t), labels) for t in set(types.get(iri, []))),
                            key=_type_order)
        out[iri] = Summary(iri, label, lang, type_terms)
    return out


def _type_order(term: Term) -> tuple[int, str]:
    # the project's own classes first: they say the most
    return (0 if term.value.startswith(BASE) else 1, term.text)


# --------------------------------------------------------------------------- entity description


@dataclass
class PropertyGroup:
    """The values of one property (outgoing) or the subjects pointing here by it (incoming)."""

    property: Term
    values: list[Term]
    total: int = 0

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.values))


@dataclass
class Inference:
    """An :class:`InferredStatement` about a node: what is inferred and why."""

    statement: str
    predicate: Term
    object: Term
    reasons: dict[str, str]
    quotes: list[str]

    @property
    def reason(self) -> str:
        return self.reasons.get("en") or self.reasons.get("vi") or next(iter(self.reasons.values()), "")


@dataclass
class Membership:
    """One ``org:Membership``: who held which role in which organisation, and when."""

    iri: str
    member: Term
    role: Term
    organization: Term
    begin: str | None = None
    end: str | None = None
    attested: list[str] = field(default_factory=list)
    inferences: list[Inference] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    sources: list[Term] = field(default_factory=list)

    @property
    def attested_only(self) -> bool:
        return bool(self.attested) and not (self.begin or self.end)

    @property
    def inferred(self) -> bool:
        return bool(self.inferences)

    @property
    def sort_key(self) -> tuple[str, str, str, str]:
        start = self.begin or (min(self.attested) if self.attested else "") or "9999"
        return (start, self.end or "9999", self.role.text, self.iri)

    @property
    def time_text(self) -> str:
        """The time as a page prints it: a period, or the day a source attests it."""
        if self.begin or self.end:
            return f"{self.begin or '…'} – {self.end or '…'}"
        if self.attested:
            days = ", ".join(format_vi_date(d) for d in sorted(self.attested))
            return f"ghi nhận ngày {days} (attested only)"
        return "(no time given)"

    def as_json(self, *, source_url: Any = None) -> dict[str, Any]:
        return {
            "membership": self.iri,
            "member": self.member.as_json(),
            "role": self.role.as_json(),
            "organization": self.organization.as_json(),
            "begin": self.begin,
            "end": self.end,
            "attested": sorted(self.attested),
            "attested_only": self.attested_only,
            "inferred": [{"statement": i.statement, "reason": i.reasons} for i in self.inferences],
            "quotes": self.quotes,
            "sources": [s.as_json() for s in self.sources],
        }


@dataclass
class Entity:
    """Everything an entity page shows."""

    iri: str
    labels: list[Term]
    types: list[Term]
    facts: list[PropertyGroup]
    incoming: list[PropertyGroup]
    memberships: list[Membership]
    quotes: list[str]
    sources: list[Term]
    inferences: list[Inference]

    @property
    def label(self) -> str:
        return self._best_label[0]

    @property
    def label_lang(self) -> str:
        return self._best_label[1]

    @property
    def _best_label(self) -> tuple[str, str]:
        if not self.labels:
            return short_name(self.iri), ""
        return _pick_label([(LABEL_PROPERTIES[0], t.value, t.lang) for t in self.labels])

    def has_type(self, iri: str) -> bool:
        return any(t.value == iri for t in self.types)

    @property
    def is_source(self) -> bool:
        return self.has_type(TNMT.SourceDocument.value)

    @property
    def is_person(self) -> bool:
        return self.has_type("http://xmlns.com/foaf/0.1/Person")

    @property
    def is_organization(self) -> bool:
        return self.has_type("http://www.w3.org/ns/org#Organization")


def exists(store: Store, iri: str) -> bool:
    """Whether the IRI occurs in any triple, as subject, predicate or object."""
    node = parse_iri(iri)
    return bool(store.query("ASK { { ?x ?p ?o } UNION { ?s ?p ?x } UNION { ?s ?x ?o } }",
                            use_default_graph_as_union=True, substitutions={Variable("x"): node}))


def describe(store: Store, iri: str) -> Entity:
    """The page of an entity; :class:`NotFound` when no triple mentions the IRI."""
    node = parse_iri(iri)
    if not exists(store, iri):
        raise NotFound("no triples about this IRI in the graph", where=iri)

    rows = _select(store, f"SELECT ?x ?p ?o WHERE {{ ?x ?p ?o }} LIMIT {MAX_VALUES * 50}", x=node)
    label_props = set(LABEL_PROPERTIES[:4])
    labels: list[Term] = []
    types: list[Term] = []
    quotes: list[str] = []
    grouped: dict[str, list[Term]] = defaultdict(list)
    for row in rows:
        prop, obj = row["p"].value, row["o"]
        if prop == RDF.type.value:
            types.append(_term(obj))
            continue
        if prop == TNMT.quote.value and isinstance(obj, Literal):
            quotes.append(obj.value)
            continue
        if prop in label_props and isinstance(obj, Literal):
            term = _term(obj)
            if term not in labels:
                labels.append(term)
        grouped[prop].append(_term(obj))

    inferences = _inferences(store, [node])
    inferred_values = {(i.predicate.value, i.object.value) for i in inferences.get(iri, [])}
    incoming = _incoming(store, node)
    memberships = memberships_of(store, iri)
    sources = [t for t in grouped.get(DCTERMS.source.value, []) if t.is_iri]

    label_map = labels_of(store, [*grouped, *(t.value for ts in grouped.values() for t in ts if t.is_iri),
                                  *(t.value for t in types if t.is_iri),
                                  *(g.property.value for g in incoming),
                                  *(t.value for g in incoming for t in g.values if t.is_iri)])
    facts = []
    for prop in sorted(grouped, key=lambda p: (_property_order(p), short_name(p))):
        values = sorted(dict.fromkeys(grouped[prop]), key=lambda t: (t.kind, t.lang, t.value))
        shown = [_relabel(Term(v.kind, v.value, v.lang, v.datatype,
                               inferred=(prop, v.value) in inferred_values), label_map)
                 for v in values[:MAX_VALUES]]
        facts.append(PropertyGroup(_relabel(Term("iri", prop), label_map), shown, len(values)))
    incoming = [PropertyGroup(_relabel(g.property, label_map), [_relabel(v, label_map) for v in g.values],
                              g.total) for g in incoming]
    types = sorted({_relabel(t, label_map) for t in types}, key=_type_order)
    sources = [_relabel(s, label_map) for s in sources]
    labels.sort(key=lambda t: (LANGUAGES.index(t.lang) if t.lang in LANGUAGES else 9, t.value))
    return Entity(iri=iri, labels=labels, types=types, facts=facts, incoming=incoming,
                  memberships=memberships, quotes=sorted(set(quotes)), sources=sources,
                  inferences=inferences.get(iri, []))


_FIRST_PROPERTIES = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://xmlns.com/foaf/0.1/name",
)


def _property_order(prop: str) -> int:
    return _FIRST_PROPERTIES.index(prop) if prop in _FIRST_PROPERTIES else len(_FIRST_PROPERTIES)


def _incoming(store: Store, node: NamedNode) -> list[PropertyGroup]:
    counts = _select(store, "SELECT ?x ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?x } GROUP BY ?x ?p", x=node)
    groups = []
    for row in sorted(counts, key=lambda r: short_name(r["p"].value)):
        prop = row["p"]
        # no ORDER BY: sorting every subject costs seconds for a class with 100k instances
        subjects = _select(store, f"SELECT ?x ?p ?s WHERE {{ ?s ?p ?x }} LIMIT {MAX_INCOMING}",
                           x=node, p=prop)
        groups.append(PropertyGroup(Term("iri", prop.value), sorted((_term(r["s"]) for r in subjects),
                                                                    key=lambda t: t.value),
                                    int(row["n"].value)))
    return groups


def _inferences(store: Store, nodes: Sequence[NamedNode]) -> dict[str, list[Inference]]:
    """Inferred statements whose ``rdf:subject`` is one of the nodes, by subject IRI."""
    found: dict[str, dict[str, Inference]] = defaultdict(dict)
    for batch in _batches(list(nodes)):
        rows = _select(store, f"""SELECT ?subject ?st ?p ?o ?reason ?quote WHERE {{
            {_values("subject", batch)}
            ?st rdf:subject ?subject ; a tnmt:InferredStatement ; rdf:predicate ?p ; rdf:object ?o ;
                tnmt:inferenceReason ?reason .
            OPTIONAL {{ ?st tnmt:quote ?quote }}
        }}""")
        for row in rows:
            subject, statement = row["subject"].value, row["st"].value
            inference = found[subject].get(statement)
            if inference is None:
                inference = Inference(statement, _term(row["p"]), _term(row["o"]), {}, [])
                found[subject][statement] = inference
            inference.reasons[row["reason"].language or ""] = row["reason"].value
            if row["quote"] is not None and row["quote"].value not in inference.quotes:
                inference.quotes.append(row["quote"].value)
    return {s: list(by_statement.values()) for s, by_statement in found.items()}


# --------------------------------------------------------------------------- memberships


def memberships_of(store: Store, iri: str) -> list[Membership]:
    """Memberships the IRI is the member, organisation or role of (or is itself), sorted by time."""
    node = parse_iri(iri)
    # one VALUES for the three links: a UNION of them is planned 100–1000× slower on 1M triples
    rows = _select(store, f"""SELECT DISTINCT ?x ?m WHERE {{
        VALUES ?link {{ org:member org:organization org:role }} ?m ?link ?x . ?m a org:Membership .
    }} LIMIT {MAX_MEMBERSHIPS}""", x=node)
    found = [r["m"] for r in rows if isinstance(r["m"], NamedNode)]
    if store.query("ASK { ?x a org:Membership }", prefixes=PREFIXES, use_default_graph_as_union=True,
                   substitutions={Variable("x"): node}):
        found.append(node)
    return membership_rows(store, found)


def membership_rows(store: Store, memberships: Sequence[NamedNode]) -> list[Membership]:
    """Role, member, organisation, time, inference, quotes and sources of each membership."""
    by_iri: dict[str, Membership] = {}
    intervals: dict[str, str] = {}
    for batch in _batches(list(dict.fromkeys(memberships))):
        values = _values("m", batch)
        for row in _select(store, f"""SELECT ?m ?member ?role ?org WHERE {{
                {values} ?m org:member ?member ; org:role ?role ; org:organization ?org }}"""):
            by_iri.setdefault(row["m"].value, Membership(row["m"].value, _term(row["member"]),
                                                         _term(row["role"]), _term(row["org"])))
        for row in _select(store, f"""SELECT ?m ?i ?begin ?end ?day WHERE {{
                {values} ?m org:memberDuring ?i .
                OPTIONAL {{ ?i time:hasBeginning/time:inXSDDate ?begin }}
                OPTIONAL {{ ?i time:hasEnd/time:inXSDDate ?end }}
                OPTIONAL {{ ?i time:inside/time:inXSDDate ?day }} }}"""):
            membership = by_iri.get(row["m"].value)
            if membership is None:
                continue
            if isinstance(row["i"], NamedNode):
                intervals[row["i"].value] = membership.iri
            if row["begin"] is not None:
                membership.begin = row["begin"].value
            if row["end"] is not None:
                membership.end = row["end"].value
            if row["day"] is not None and row["day"].value not in membership.attested:
                membership.attested.append(row["day"].value)
        for row in _select(store, f"""SELECT ?m ?quote ?source WHERE {{
                {values} {{ ?m tnmt:quote ?quote }} UNION {{ ?m dcterms:source ?source }} }}"""):
            membership = by_iri.get(row["m"].value)
            if membership is None:
                continue
            if row["quote"] is not None and row["quote"].value not in membership.quotes:
                membership.quotes.append(row["quote"].value)
            if row["source"] is not None and _term(row["source"]) not in membership.sources:
                membership.sources.append(_term(row["source"]))
    inferred = _inferences(store, [NamedNode(i) for i in [*by_iri, *intervals]])
    for subject, inferences in inferred.items():
        membership = by_iri.get(subject) or by_iri.get(intervals.get(subject, ""))
        if membership is not None:
            membership.inferences.extend(inferences)
    rows = list(by_iri.values())
    labels = labels_of(store, [t.value for m in rows for t in (m.member, m.role, m.organization, *m.sources)
                               if t.is_iri])
    for m in rows:
        m.member, m.role, m.organization = (_relabel(m.member, labels), _relabel(m.role, labels),
                                            _relabel(m.organization, labels))
        m.sources = [_relabel(s, labels) for s in m.sources]
    return sorted(rows, key=lambda m: m.sort_key)


def person_roles(store: Store, person_iri: str) -> list[Membership]:
    """The roles a person held, over time; :class:`NotFound` when the IRI is not a person."""
    node = parse_iri(person_iri)
    if not store.query("ASK { ?x a foaf:Person }", prefixes=PREFIXES, use_default_graph_as_union=True,
                       substitutions={Variable("x"): node}):
        raise NotFound("no person with this IRI", where=person_iri)
    rows = _select(store, f"SELECT ?x ?m WHERE {{ ?m org:member ?x ; a org:Membership }} "
                          f"LIMIT {MAX_MEMBERSHIPS}", x=node)
    return membership_rows(store, [r["m"] for r in rows])


@dataclass
class Holder:
    """A membership that holds on the asked date, and how it matched."""

    membership: Membership
    matched: str  # "interval" (begin <= date <= end) | "attested" (the source attests that day)


def holders(store: Store, *, role: str, date: str, organization: str | None = None) -> list[Holder]:
    """Who held ``role`` (in ``organization``) on ``date`` (``YYYY-MM-DD``).

    A membership matches when its interval contains the date (begin <= date <= end; a missing
    end is open) or when a source attests it on exactly that day.
    """
    try:
        day = dt.date.fromisoformat(date)
    except (TypeError, ValueError) as exc:
        raise BadInput("date must be YYYY-MM-DD", where="date") from exc
    bindings: dict[str, Any] = {
        "role": parse_iri(role),
        "date": Literal(day.isoformat(), datatype=NamedNode("http://www.w3.org/2001/XMLSchema#date")),
    }
    org_pattern = ""
    if organization:
        bindings["org"] = parse_iri(organization)
        org_pattern = "?m org:organization ?org ."
    projection = " ".join(f"?{k}" for k in bindings)
    # Two queries, each written in the order it runs fast (pyoxigraph follows the written order
    # here): the organisation first when given (1.5 ms against 156 ms on 1M triples), and for
    # attested days the day first. The OPTIONAL comes last (see PITFALLS). Days are compared as
    # their ISO text: Virtuoso 7 drops rows when an xsd:date range FILTER sits in a join like this
    # one (it evaluates the same comparison right in a projection), and ISO dates sort as text.
    within = _select(store, f"""SELECT DISTINCT {projection} ?m WHERE {{
        {org_pattern} ?m org:role ?role ; org:memberDuring ?i .
        ?i time:hasBeginning ?b . ?b time:inXSDDate ?begin . FILTER(STR(?begin) <= STR(?date))
        OPTIONAL {{ ?i time:hasEnd ?e . ?e time:inXSDDate ?end }}
        FILTER(!BOUND(?end) || STR(?date) <= STR(?end))
    }} LIMIT {MAX_MEMBERSHIPS}""", **bindings)
    attested = _select(store, f"""SELECT DISTINCT {projection} ?m WHERE {{
        ?day time:inXSDDate ?date . ?i time:inside ?day . ?m org:memberDuring ?i ; org:role ?role .
        {org_pattern}
    }} LIMIT {MAX_MEMBERSHIPS}""", **bindings)
    how = {r["m"].value: "attested" for r in attested}
    how.update({r["m"].value: "interval" for r in within})
    found = membership_rows(store, [r["m"] for r in [*within, *attested]])
    order = {"interval": 0, "attested": 1}
    return sorted((Holder(m, how[m.iri]) for m in found),
                  key=lambda h: (order[h.matched], h.membership.sort_key))


# --------------------------------------------------------------------------- RDF description


def description_quads(store: Store, iri: str, *, incoming_limit: int = 1000) -> list[Quad]:
    """An entity's RDF description: its triples (with the blank nodes they lead to), the labels
    of what it points to, and the triples pointing at it (capped). :class:`NotFound` if none."""
    node = parse_iri(iri)
    if not exists(store, iri):
        raise NotFound("no triples about this IRI in the graph", where=iri)
    triples: dict[str, Quad] = {}

    def add(s: Any, p: Any, o: Any) -> None:
        quad = Quad(s, p, o)
        triples.setdefault(str(quad), quad)

    frontier: list[NamedNode | BlankNode] = [node]
    seen: set[str] = set()
    objects: set[str] = set()
    while frontier and len(seen) < 200:
        subject = frontier.pop()
        if str(subject) in seen:
            continue
        seen.add(str(subject))
        for row in _select(store, "SELECT ?x ?p ?o WHERE { ?x ?p ?o }", x=subject):
            add(subject, row["p"], row["o"])
            if isinstance(row["o"], BlankNode):
                frontier.append(row["o"])
            elif isinstance(row["o"], NamedNode):
                objects.add(row["o"].value)
    for row in _select(store, f"SELECT ?x ?s ?p WHERE {{ ?s ?p ?x }} LIMIT {int(incoming_limit)}", x=node):
        add(row["s"], row["p"], node)
        if isinstance(row["s"], NamedNode):
            objects.add(row["s"].value)
    props = ", ".join(f"<{p}>" for p in LABEL_PROPERTIES[:2])
    for batch in _batches(sorted(objects - {iri})):
        for row in _select(store, f"""SELECT ?s ?p ?l WHERE {{
                {_values("s", [NamedNode(i) for i in batch])} ?s ?p ?l FILTER(?p IN ({props})) }}"""):
            add(row["s"], row["p"], row["l"])
    return sorted(triples.values(), key=str)


def ontology_quads(store: Store) -> list[Quad]:
    """The ontology and role scheme (the ``graph/ontology`` named graph), as triples."""
    rows = store.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
                       substitutions={Variable("g"): ONTOLOGY_GRAPH})
    return [Quad(r["s"], r["p"], r["o"]) for r in rows]
