"""Front-end libraries served by the app itself (no CDN): YASGUI from npm, vis-network from pyvis."""

from __future__ import annotations

from pathlib import Path

import pyvis
from flask import Blueprint, abort, send_from_directory

from kg.config import PROJECT_ROOT

bp = Blueprint("vendor", __name__)

VENDOR_DIRS: dict[str, Path] = {
    "yasgui": PROJECT_ROOT / "node_modules" / "@zazuko" / "yasgui" / "build",
    "vis": Path(pyvis.__file__).parent / "lib" / "vis-9.1.2",
}


@bp.get("/vendor/<name>/<path:filename>")
def vendor_file(name: str, filename: str):  # noqa: ANN201
    """A file of a vendored front-end library, cached for a day."""
    folder = VENDOR_DIRS.get(name)
    if folder is None or not folder.is_dir():
        abort(404, f"no front-end library {name!r} (run `make install`)")
    return send_from_directory(folder, filename, max_age=86400)
