"""Linked Data pages: every IRI of the graph dereferences here.

``/id/<rest>`` for IRIs minted under the base namespace, ``/resource?iri=…`` for any other IRI
in the graph, ``/ontology`` for the ontology. Browsers get HTML; RDF clients get the entity's
description in Turtle, JSON-LD, N-Triples or RDF/XML by ``Accept`` (q-values honoured, 406 when
nothing fits), by a ``.ttl``/``.jsonld``/``.nt``/``.rdf`` suffix, or by ``format=``.

JSON-LD is compact, with an inline ``@context`` (:mod:`kg.jsonld`). Every answer, page or RDF,
carries a ``Link`` header (RFC 8288): ``alternate`` for each other form with its type,
``describedby`` for the RDF description (Turtle), ``license`` for the data's licence, and on the
page ``canonical`` (its URL with no format or language asked for).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from flask import Blueprint, Response, render_template, request

from kg import entities, jsonld, source_text
from kg.analytics import entity_metrics
from kg.describe import dataset_license
from kg.errors import BadInput, NotAcceptable, NotFound, UnknownFormat
from kg.export import serialize_quads
from kg.labels import label_languages
from kg.ontology_doc import ontology_doc
from kg.vocab import ONTOLOGY_IRI

from .. import urls
from ..negotiation import best_match, link_header
from ..services import get_kg

bp = Blueprint("entities", __name__)


@dataclass(frozen=True)
class RdfOutput:
    name: str  # format name for kg.export.serialize_quads
    media_type: str
    suffix: str


RDF_OUTPUTS = (
    RdfOutput("turtle", "text/turtle", "ttl"),
    RdfOutput("jsonld", "application/ld+json", "jsonld"),
    RdfOutput("ntriples", "application/n-triples", "nt"),
    RdfOutput("rdfxml", "application/rdf+xml", "rdf"),
)
# Clients asking for plain JSON get JSON-LD, labelled as the JSON they asked for.
JSON = RdfOutput("jsonld", "application/json", "json")
HTML = "text/html"
OFFERS = [HTML, *(o.media_type for o in RDF_OUTPUTS), JSON.media_type]
_BY_NAME: dict[str, RdfOutput | None] = {"html": None, HTML: None}
for _output in (*RDF_OUTPUTS, JSON):
    for _key in (_output.name, _output.suffix, _output.media_type):
        _BY_NAME.setdefault(_key, _output)
_BY_NAME.update({"json-ld": _BY_NAME["jsonld"], "n-triples": _BY_NAME["nt"], "xml": _BY_NAME["rdf"],
                 "rdf+xml": _BY_NAME["rdf"]})
SUFFIXES = {"." + o.suffix: o for o in RDF_OUTPUTS}


def choose_output(format_name: str | None, accept: str | None) -> RdfOutput | None:
    """The RDF output asked for, or ``None`` for HTML; ``format=`` wins over ``Accept``."""
    if format_name:
        key = format_name.strip().lower()
        if key not in _BY_NAME:
            raise UnknownFormat(format_name, ["html", *(o.suffix for o in RDF_OUTPUTS)], where="format")
        return _BY_NAME[key]
    media = best_match(accept, OFFERS)
    if media is None:
        raise NotAcceptable("this page is available as " + ", ".join(OFFERS))
    return _BY_NAME[media]


def rdf_response(quads: list, output: RdfOutput, iri: str) -> Response:
    """The description in ``output``; JSON-LD compact, with its ``@context`` inline."""
    if output.name == "jsonld":
        body = jsonld.serialize_compact(quads, first=iri)
    else:
        body = serialize_quads(quads, output.name)
    mimetype = output.media_type
    response = Response(body, mimetype=mimetype)
    if mimetype.startswith("text/"):
        response.headers["Content-Type"] = f"{mimetype}; charset=utf-8"
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = link_header(links(iri, output))
    return response


def alternates(iri: str) -> list[dict[str, str]]:
    """The entity's description in each RDF format, for ``<link rel="alternate">`` and the page."""
    return [{"media": o.media_type, "href": urls.format_url(iri, o.suffix), "name": o.suffix}
            for o in RDF_OUTPUTS]


@functools.lru_cache(maxsize=4)
def _license(build_id: str) -> str:
    return dataset_license(get_kg().store())


def links(iri: str, current: RdfOutput | None) -> list[dict[str, str]]:
    """The ``Link`` header's entries for the form ``current`` (``None``: the HTML page) of an
    IRI's description, with absolute targets."""
    root = request.host_url.rstrip("/")
    page = root + urls.entity_path(iri).split("#", 1)[0]
    found = []
    if current is not None:
        found.append({"href": page, "rel": "alternate", "type": HTML})
    found += [{"href": root + a["href"], "rel": "alternate", "type": a["media"]}
              for a in alternates(iri) if current is None or a["media"] != current.media_type]
    if current is None or current.name != "turtle":
        found.append({"href": root + urls.format_url(iri, "ttl"), "rel": "describedby",
                      "type": "text/turtle"})
    found.append({"href": _license(get_kg().build_info().build_id), "rel": "license"})
    if current is None:
        found.append({"href": page, "rel": "canonical"})
    return found


def html_response(html: str, iri: str) -> Response:
    response = Response(html, mimetype=HTML)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = link_header(links(iri, None))
    return response


@functools.lru_cache(maxsize=32)
def _source_layout(build_id: str, source_iri: str,
                   languages: tuple[str, ...]) -> source_text.SourceText | None:
    return source_text.source_text(get_kg().store(), source_iri)


def source_layout(source_iri: str) -> source_text.SourceText | None:
    """A source's text with its quotes located, computed once per build (and language: the
    facts it lists carry labels)."""
    return _source_layout(get_kg().build_info().build_id, source_iri, label_languages())


def quote_url(quote: str, sources: list[entities.Term]) -> str | None:
    """The quote's highlight on the page of the first source holding it (else that source's page)."""
    for source in sources:
        if not source.is_iri:
            continue
        layout = source_layout(source.value)
        index = layout.mark_for(quote) if layout else None
        if index is not None:
            return urls.source_quote_url(source.value, index)
    first = next((s for s in sources if s.is_iri), None)
    return urls.entity_path(first.value) if first else None


def render_entity(iri: str, format_name: str | None = None) -> Response | str:
    """The page or RDF description of any IRI in the graph (404 when no triple mentions it)."""
    output = choose_output(format_name, request.headers.get("Accept"))
    store = get_kg().store()
    if output is not None:
        return rdf_response(entities.description_quads(store, iri), output, iri)
    entity = entities.describe(store, iri)
    layout = source_layout(iri) if entity.is_source else None
    template = "source.html" if layout is not None else "entity.html"
    metrics = None if layout is not None else entity_metrics(store, iri, get_kg().build_info().build_id)
    html = render_template(template, entity=entity, source=layout, alternates=alternates(iri),
                           links=links(iri, None), quote_url=quote_url, page_url=urls.entity_path(iri),
                           metrics=metrics)
    return html_response(html, iri)


def _exists(iri: str) -> bool:
    try:
        return entities.exists(get_kg().store(), iri)
    except BadInput:
        return False


@bp.get("/id/<path:rest>")
def entity_page(rest: str) -> Response | str:
    """A minted IRI's page; ``.ttl``/``.jsonld``/``.nt``/``.rdf`` ask for one RDF format."""
    iri = urls.iri_for_path(rest)
    format_name = request.args.get("format")
    if not _exists(iri):
        for suffix, output in SUFFIXES.items():
            if rest.endswith(suffix) and _exists(iri[: -len(suffix)]):
                return render_entity(iri[: -len(suffix)], output.suffix)
        raise NotFound("no triples about this IRI in the graph", where=iri)
    return render_entity(iri, format_name)


@bp.get("/resource")
def resource_page() -> Response | str:
    """The page of any IRI that appears in the graph (ontology terms, external vocabularies)."""
    iri = request.args.get("iri", "").strip()
    if not iri:
        raise BadInput("give the IRI to describe: /resource?iri=…", where="iri")
    entities.parse_iri(iri)
    if not _exists(iri):
        raise NotFound("no triples about this IRI in the graph", where=iri)
    return render_entity(iri, request.args.get("format"))


@functools.lru_cache(maxsize=4)
def _ontology_doc(build_id: str, languages: tuple[str, ...]):  # noqa: ANN202
    return ontology_doc(get_kg().store())


@bp.get("/ontology")
@bp.get("/ontology.<suffix>")
def ontology(suffix: str | None = None) -> Response | str:
    """The ontology: human documentation for browsers, its graph in RDF for everyone else."""
    format_name = request.args.get("format")
    if suffix is not None:
        if "." + suffix not in SUFFIXES:
            raise NotFound("no such format of the ontology; try " +
                           ", ".join("/ontology" + s for s in SUFFIXES), where="/ontology." + suffix)
        format_name = suffix
    output = choose_output(format_name, request.headers.get("Accept"))
    kg = get_kg()
    if output is not None:
        return rdf_response(entities.ontology_quads(kg.store()), output, ONTOLOGY_IRI)
    doc = _ontology_doc(kg.build_info().build_id, label_languages())
    html = render_template("ontology.html", doc=doc, alternates=alternates(ONTOLOGY_IRI),
                           links=links(ONTOLOGY_IRI, None))
    return html_response(html, ONTOLOGY_IRI)
