"""SHACL validation of the stored graph against ``ontology/shapes.ttl`` (pyshacl, no reasoner)."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

from . import store as kgstore
from .config import Settings
from .errors import BadInput


def validate_store(settings: Settings) -> tuple[bool, str]:
    """(conforms, report) for the graph in the store, researchers' loaded graphs included."""
    shapes = Path(settings.ontology_dir) / "shapes.ttl"
    if not shapes.exists():
        raise BadInput("no shapes file", where=str(shapes))
    store = kgstore.open_read_only(settings.store)
    return validate_quads(list(store.quads_for_pattern(None, None, None)), shapes)


def validate_quads(quads: list[Quad], shapes_path: Path) -> tuple[bool, str]:
    """SHACL-check the built graph (union of all graphs, no inference)."""
    import pyshacl
    import rdflib

    data = rdflib.Graph()
    for q in quads:
        data.add((to_rdflib(q.subject, rdflib), to_rdflib(q.predicate, rdflib),
                  to_rdflib(q.object, rdflib)))
    shapes = rdflib.Graph().parse(shapes_path, format="turtle")
    conforms, _graph, text = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                              advanced=True)
    return bool(conforms), text


def to_rdflib(term, rdflib):  # noqa: ANN001 - rdflib passed in to keep its import lazy
    if isinstance(term, NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    return rdflib.BNode(str(term))
