"""Compact JSON-LD: triples written with an inline ``@context`` of readable keys.

pyoxigraph writes expanded JSON-LD (every key a full IRI). This module writes the same triples
for people to read: the project's prefixes (:data:`kg.vocab.PREFIXES`) and short aliases for the
properties most used (``label``, ``memberOf``, ``role``, ``source``, …) in an ``@context`` carried
inline — never a remote context, so a client needs no second request and the answer parses
offline. Any JSON-LD processor expands it back to exactly the triples given.

How it is written, so that it stays correct with no JSON-LD library:

* ``id``/``type`` alias ``@id``/``@type``. An alias with ``"@type": "@id"`` takes its IRI values as
  plain strings; every other IRI value is written ``{"id": …}``, and every literal under such an
  alias as a value object, so a value never depends on a coercion it does not fit.
* The prefixes are the project's, except one whose name an alias takes (``role``).
* IRIs are shortened to ``prefix:local`` only when the local part is non-empty and does not
  start with ``//`` (the JSON-LD rule for compact IRIs); otherwise they stay whole.
* A blank node used once as an object is embedded where it is used; any other is a node of
  ``@graph`` with a ``_:`` identifier.
* A plain string is a JSON string; a language-tagged or typed literal a value object.

>>> from pyoxigraph import Literal, NamedNode, Quad
>>> khanh = NamedNode("https://w3id.org/tnmt-kg/person/nguyen-quoc-khanh")
>>> doc = compact_document([
...     Quad(khanh, NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
...          Literal("Nguyễn Quốc Khánh", language="vi")),
...     Quad(khanh, NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
...          NamedNode("http://xmlns.com/foaf/0.1/Person"))])
>>> doc["@graph"][0]["id"], doc["@graph"][0]["type"]
('person:nguyen-quoc-khanh', 'foaf:Person')
>>> doc["@graph"][0]["label"]
{'@value': 'Nguyễn Quốc Khánh', '@language': 'vi'}
>>> CONTEXT["memberOf"], CONTEXT["person"]
({'@id': 'http://www.w3.org/ns/org#memberOf', '@type': '@id'}, 'https://w3id.org/tnmt-kg/person/')
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple

from .vocab import DCTERMS, FOAF, ORG, OWL, PREFIXES, PROV, RDF, RDFS, SCHEMA, SKOS, TIME, TNMT, XSD

#: Readable keys: alias → (property, whether its values are IRIs written as plain strings).
ALIASES: dict[str, tuple[NamedNode, bool]] = {
    "label": (RDFS.label, False),
    "prefLabel": (SKOS.prefLabel, False),
    "altLabel": (SKOS.altLabel, False),
    "name": (FOAF.name, False),
    "definition": (SKOS.definition, False),
    "comment": (RDFS.comment, False),
    "title": (DCTERMS.title, False),
    "issued": (DCTERMS.issued, False),
    "identifier": (DCTERMS.identifier, False),
    "quote": (TNMT.quote, False),
    "locator": (TNMT.locator, False),
    "date": (TIME.inXSDDate, False),
    "member": (ORG.member, True),
    "memberOf": (ORG.memberOf, True),
    "role": (ORG.role, True),
    "organization": (ORG.organization, True),
    "memberDuring": (ORG.memberDuring, True),
    "subOrganizationOf": (ORG.subOrganizationOf, True),
    "hasSubOrganization": (ORG.hasSubOrganization, True),
    "unitOf": (ORG.unitOf, True),
    "hasUnit": (ORG.hasUnit, True),
    "begin": (TIME.hasBeginning, True),
    "end": (TIME.hasEnd, True),
    "inside": (TIME.inside, True),
    "source": (DCTERMS.source, True),
    "publisher": (DCTERMS.publisher, True),
    "license": (DCTERMS.license, True),
    "derivedFrom": (PROV.wasDerivedFrom, True),
    "influencedBy": (PROV.wasInfluencedBy, True),
    "sameAs": (OWL.sameAs, True),
    "seeAlso": (RDFS.seeAlso, True),
    "isDefinedBy": (RDFS.isDefinedBy, True),
    "page": (FOAF.page, True),
    "url": (SCHEMA.url, True),
}

#: The prefixes of :data:`PREFIXES` whose name no alias takes: a term is one IRI, so the key
#: ``role`` (``org:role``) leaves IRIs under ``…/role/`` written whole.
JSONLD_PREFIXES = {prefix: ns for prefix, ns in PREFIXES.items() if prefix not in ALIASES}

#: The inline ``@context``: the ``id``/``type`` keywords' aliases, the prefixes, the aliases.
CONTEXT: dict[str, Any] = {
    "id": "@id",
    "type": "@type",
    **JSONLD_PREFIXES,
    **{alias: ({"@id": prop.value, "@type": "@id"} if iri_valued else prop.value)
       for alias, (prop, iri_valued) in ALIASES.items()},
}

_ALIAS_OF = {prop.value: (alias, iri_valued) for alias, (prop, iri_valued) in ALIASES.items()}
# Longest namespace first, so ``unit:`` wins over a shorter prefix of the same IRI.
_NAMESPACES = sorted(JSONLD_PREFIXES.items(), key=lambda item: -len(item[1]))
_XSD_STRING = XSD.string.value


def compact_iri(iri: str) -> str:
    """``prefix:local`` when a prefix of :data:`JSONLD_PREFIXES` fits, else the IRI itself.

    >>> compact_iri("https://w3id.org/tnmt-kg/org/khoi-thi-dua-so-iv")
    'unit:khoi-thi-dua-so-iv'
    >>> compact_iri("https://w3id.org/tnmt-kg/ontology")
    'https://w3id.org/tnmt-kg/ontology'
    """
    for prefix, namespace in _NAMESPACES:
        if iri.startswith(namespace):
            local = iri[len(namespace):]
            if local and not local.startswith("//"):
                return f"{prefix}:{local}"
    return iri


def _key(prop: str) -> tuple[str, bool]:
    return _ALIAS_OF.get(prop) or (compact_iri(prop), False)


def _literal(lit: Literal, *, plain_ok: bool) -> Any:
    if lit.language:
        return {"@value": lit.value, "@language": lit.language}
    datatype = lit.datatype.value if lit.datatype else _XSD_STRING
    if datatype == _XSD_STRING:
        return lit.value if plain_ok else {"@value": lit.value}
    return {"@value": lit.value, "@type": compact_iri(datatype)}


def _one_or_many(values: list[Any]) -> Any:
    return values[0] if len(values) == 1 else values


def compact_document(quads: Iterable[Quad | Triple]) -> dict[str, Any]:
    """The triples (graph names are ignored) as a compact JSON-LD document with ``@context``."""
    by_subject: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
    subjects: dict[str, NamedNode | BlankNode] = {}
    used_as_object: Counter[str] = Counter()
    for quad in quads:
        key = str(quad.subject)
        subjects.setdefault(key, quad.subject)
        by_subject[key].append((quad.predicate, quad.object))
        if isinstance(quad.object, BlankNode):
            used_as_object[str(quad.object)] += 1
    # A blank node is embedded where it is used when it is used exactly once; a cycle of such
    # nodes is broken by writing the first one met at the top level.
    embeddable = {k for k, n in used_as_object.items() if n == 1 and k in by_subject}
    written: set[str] = set()

    def node(key: str, path: frozenset[str], *, embedded: bool = False) -> dict[str, Any]:
        written.add(key)
        subject = subjects[key]
        out: dict[str, Any] = {}
        if isinstance(subject, NamedNode):
            out["id"] = compact_iri(subject.value)
        elif not embedded:
            out["id"] = "_:" + subject.value
        types: list[str] = []
        values: dict[str, list[Any]] = defaultdict(list)
        for predicate, obj in by_subject[key]:
            if predicate.value == RDF.type.value and not isinstance(obj, Literal):
                types.append(compact_iri(obj.value) if isinstance(obj, NamedNode) else "_:" + obj.value)
                continue
            name, iri_valued = _key(predicate.value)
            values[name].append(_value(obj, iri_valued, path | {key}))
        if types:
            out["type"] = _one_or_many(sorted(types))
        for name in values:
            out[name] = _one_or_many(values[name])
        return out

    def _value(obj: Any, iri_valued: bool, path: frozenset[str]) -> Any:
        if isinstance(obj, Literal):
            return _literal(obj, plain_ok=not iri_valued)
        if isinstance(obj, NamedNode):
            return compact_iri(obj.value) if iri_valued else {"id": compact_iri(obj.value)}
        key = str(obj)
        if key in embeddable and key not in path and key not in written:
            return node(key, path, embedded=True)
        return ("_:" + obj.value) if iri_valued else {"id": "_:" + obj.value}

    graph = []
    # Named nodes first (in the order of their IRIs), then the blank nodes not embedded.
    order = sorted(subjects, key=lambda k: (isinstance(subjects[k], BlankNode), k))
    for key in order:
        if key not in written and (key not in embeddable or isinstance(subjects[key], NamedNode)):
            graph.append(node(key, frozenset()))
    for key in order:  # blank nodes left over: only in cycles of embeddable nodes
        if key not in written:
            graph.append(node(key, frozenset()))
    return {"@context": CONTEXT, "@graph": graph}


def serialize_compact(quads: Iterable[Quad | Triple], *, first: str | None = None) -> bytes:
    """:func:`compact_document` as UTF-8 JSON; ``first`` (an IRI) puts that node first."""
    doc = compact_document(quads)
    if first is not None:
        wanted = compact_iri(first)
        doc["@graph"].sort(key=lambda n: n.get("id") != wanted)
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
