"""What the graph holds: quads per named graph, entities per class, the current build."""

from __future__ import annotations

from typing import Any

from pyoxigraph import Store

from . import store as kgstore
from .config import Settings


def store_stats(settings: Settings) -> dict[str, Any]:
    """Counts computed by the store itself (aggregate queries), never by loading the graph."""
    store = kgstore.open_read_only(settings.store)
    graphs = {
        s["g"].value: int(s["n"].value)
        for s in store.query("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    }
    classes = {
        s["c"].value: int(s["n"].value)
        for s in store.query(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) ?c",
            use_default_graph_as_union=True,
        )
    }
    info = kgstore.build_info(settings.store)
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
    values = " ".join(f"<{c}>" for c in COUNTED_CLASSES)
    rows = store.query(
        f"""SELECT ?c (COUNT(DISTINCT ?s) AS ?n) (SAMPLE(?l) AS ?label) WHERE {{
          VALUES ?c {{ {values} }} ?s a ?c .
          OPTIONAL {{ ?c <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(lang(?l) = "en") }}
        }} GROUP BY ?c""",
        use_default_graph_as_union=True,
    )
    found = {
        r["c"].value: {"iri": r["c"].value, "count": int(r["n"].value),
                       "label": r["label"].value if r["label"] else _local_name(r["c"].value)}
        for r in rows
    }
    return [found.get(c, {"iri": c, "count": 0, "label": _local_name(c)}) for c in COUNTED_CLASSES]


def _local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
