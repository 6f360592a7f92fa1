"""What the graph holds: quads per named graph, entities per class, the current build."""

from __future__ import annotations

from typing import Any

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
