"""What the graph holds: quads per named graph, entities per class, the current build."""

from __future__ import annotations

from typing import Any

from pyoxigraph import NamedNode, Store

from . import sparql
from . import store as kgstore


def store_stats(store: Store, info: kgstore.BuildInfo) -> dict[str, Any]:
    """Counts computed by the store itself (aggregate queries), never by loading the graph."""
    graphs = {s["g"].value: int(s["n"].value) for s in store.query(sparql.load("stats/graphs"))}
    classes = {
        s["c"].value: int(s["n"].value)
        for s in store.query(sparql.load("stats/classes"), use_default_graph_as_union=True)
    }
    return {"quads": len(store), "graphs": graphs, "classes": classes, "build": info.__dict__}


COUNTED_CLASSES = (
    "http://xmlns.com/foaf/0.1/Person",
    "http://www.w3.org/ns/org#Organization",
    "http://www.w3.org/ns/org#Membership",
    "http://www.w3.org/ns/org#Post",
    "http://www.w3.org/ns/org#Role",
    "https://w3id.org/tnmt-kg/ontology#Conference",
    "https://w3id.org/tnmt-kg/ontology#Speech",
    "https://w3id.org/tnmt-kg/ontology#EmulationMovement",
    "https://w3id.org/tnmt-kg/ontology#SourceDocument",
    "https://w3id.org/tnmt-kg/ontology#InferredStatement",
)


def class_counts(store: Store) -> list[dict[str, Any]]:
    """Entities of the classes a researcher looks for first, with an English label each."""
    query = sparql.fill(sparql.load("stats/counted_classes"), "c", [NamedNode(c) for c in COUNTED_CLASSES])
    rows = store.query(query, use_default_graph_as_union=True)
    found = {
        r["c"].value: {"iri": r["c"].value, "count": int(r["n"].value),
                       "label": r["label"].value if r["label"] else _local_name(r["c"].value)}
        for r in rows
    }
    return [found.get(c, {"iri": c, "count": 0, "label": _local_name(c)}) for c in COUNTED_CLASSES]


def _local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
