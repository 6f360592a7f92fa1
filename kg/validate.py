"""SHACL validation of the stored graph against ``ontology/shapes.ttl`` (pyshacl, no reasoner)."""

from __future__ import annotations

from pathlib import Path

from . import store as kgstore
from .build import validate_quads
from .config import Settings
from .errors import BadInput


def validate_store(settings: Settings) -> tuple[bool, str]:
    """(conforms, report) for the graph in the store, researchers' loaded graphs included."""
    shapes = Path(settings.ontology_dir) / "shapes.ttl"
    if not shapes.exists():
        raise BadInput("no shapes file", where=str(shapes))
    store = kgstore.open_read_only(settings.store)
    return validate_quads(list(store.quads_for_pattern(None, None, None)), shapes)
