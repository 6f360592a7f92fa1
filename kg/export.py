"""Whole graph or one entity in each RDF format, streamed.

Triple formats (Turtle, N-Triples, RDF/XML, JSON-LD) carry the union of all named graphs;
TriG and N-Quads keep the graphs. JSON-LD has its context inline (the project's prefixes) around
pyoxigraph's expanded nodes, so there is never a remote ``@context`` to fetch.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from pyoxigraph import Quad, RdfFormat, serialize

from . import store as kgstore
from .vocab import PREFIXES


def export_store(store: Any, fmt: str, output: Path | None) -> None:
    """Write the whole graph to ``output`` (atomically, via a temporary file) or stdout."""
    kgstore.rdf_format(fmt)  # unknown formats fail before anything is read or written
    if output is None:
        kgstore.dump(store, sys.stdout.buffer, fmt, prefixes=PREFIXES)
        sys.stdout.buffer.flush()
        return
    write_export(store, fmt, output)


def write_export(store: Any, fmt: str, path: Path) -> None:
    """Dump ``store`` into ``path`` through a temporary file, so no reader sees half a file and a
    failure leaves any previous file in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            kgstore.dump(store, out, fmt, prefixes=PREFIXES)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def serialize_quads(quads: list[Quad], fmt: str) -> bytes:
    rdf = kgstore.rdf_format(fmt)
    prefixes = PREFIXES if rdf in (RdfFormat.TURTLE, RdfFormat.TRIG, RdfFormat.RDF_XML) else None
    return serialize(quads, format=rdf, prefixes=prefixes) or b""
