"""The OpenAPI 3.1 document of the JSON API, gathered from the view modules.

Each module of :mod:`server.views` may define ``OPENAPI_PATHS`` (path → path item) and
``OPENAPI_COMPONENTS`` (``schemas``/``responses``/… → name → object); they are merged here, so a
view documents its own paths next to its code.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

TITLE = "tnmt-kg JSON API"
VERSION = "0.1.0"


def collect() -> tuple[dict[str, Any], dict[str, Any]]:
    """Paths and components of every view module, sorted by path."""
    from . import views

    paths: dict[str, Any] = {}
    components: dict[str, Any] = {}
    for info in sorted(pkgutil.iter_modules(views.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{views.__name__}.{info.name}")
        for path, item in (getattr(module, "OPENAPI_PATHS", None) or {}).items():
            paths.setdefault(path, {}).update(item)
        for section, named in (getattr(module, "OPENAPI_COMPONENTS", None) or {}).items():
            components.setdefault(section, {}).update(named)
    return dict(sorted(paths.items())), components


def build_document() -> dict[str, Any]:
    """The whole OpenAPI document."""
    paths, components = collect()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": VERSION,
            "description": "JSON API of the knowledge graph of Bộ Tài nguyên và Môi trường: search, "
                           "a person's roles over time, and who held a role on a given date. Every "
                           "membership comes with its quote and source.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": components,
    }
