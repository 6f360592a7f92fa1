"""The whole graph as a download: ``/export?format=turtle|trig|ntriples|nquads|jsonld|rdfxml``.

Each format is serialised once per build (``kg.store.dump``, streaming into a file) and kept
beside the build, then every download is that file sent in chunks by
``send_file``. Why a cached file rather than serialising into each response: the graph
changes only with a build, so repeated downloads cost no CPU; the response gets a
``Content-Length`` and byte ranges (a broken download can resume); and ``If-None-Match`` /
``If-Modified-Since`` are answered with 304 from the build's id and time without touching
the store. The cost is disk space, freed with the build (the builds folder keeps two). With
the ``remote`` backend the files live in the temporary folder, named by the engine's identity
(``KG.build_info``), and the graph comes from the engine through the protocol.
"""

from __future__ import annotations

import os
import tempfile
import threading
from hashlib import sha1
from pathlib import Path

from flask import Blueprint, Response, request, send_file

from kg import store as kgstore
from kg.errors import UnknownFormat
from kg.export import write_export
from kg.formats import EXPORT_FORMATS

from ..negotiation import best_match
from ..services import KG, get_kg

bp = Blueprint("exports", __name__)

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


@bp.after_request
def allow_any_origin(response: Response) -> Response:
    """Downloads may be fetched by a page of any origin (and read their ETag and file name)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Content-Disposition"
    return response


@bp.get("/export")
def export() -> Response:
    """The whole graph in one RDF format, as an attachment that clients can revalidate."""
    name = request.args.get("format") or _negotiated_format()
    if name not in EXPORT_FORMATS:
        raise UnknownFormat(name, list(EXPORT_FORMATS), where="format")
    suffix, media_type = EXPORT_FORMATS[name]
    info, path = export_file(get_kg(), name)
    return send_file(
        path,
        mimetype=media_type,
        as_attachment=True,
        download_name=f"tnmt-kg-{info.build_id}.{suffix}",
        conditional=True,
        etag=info.build_id,
        last_modified=info.created,
        max_age=0,  # always revalidate: a new build may be swapped in at any time
    )


def _negotiated_format() -> str:
    offers = {media_type: name for name, (_suffix, media_type) in EXPORT_FORMATS.items()}
    chosen = best_match(request.headers.get("Accept"), list(offers))
    return offers[chosen] if chosen else "turtle"


def export_file(kg: KG, fmt: str) -> tuple[kgstore.BuildInfo, Path]:
    """The served graph's export in ``fmt``, written on its first request: (build, file).

    The graph comes from ``kg.store()``: the current build, or the remote engine with the
    ``remote`` backend (whose build id changes with what the engine holds).
    """
    suffix = EXPORT_FORMATS[fmt][0]
    for _attempt in range(3):
        info = kg.build_info()
        path = _cache_dir(kg) / f"tnmt-kg-{info.build_id}.{suffix}"
        if path.is_file():
            return info, path
        with _lock_for(str(path)):
            if not path.is_file():
                write_export(kg.store(), fmt, path)
        if kg.build_info().build_id == info.build_id:
            return info, path
        # A new build was swapped in while this one was written: the file may hold either.
        path.unlink(missing_ok=True)
    return info, path


def _cache_dir(kg: KG) -> Path:
    """Beside the build (pruned with it) when writable, else a folder of the temp dir."""
    if kg.remote:
        key = sha1(kg.settings.remote_endpoint.encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / "tnmt-kg-exports" / f"remote-{key}"
    build_dir = Path(kgstore.current_target(kg.settings.store)).parent
    if (build_dir / kgstore.BUILD_INFO).is_file() and os.access(build_dir, os.W_OK):
        return build_dir / "exports"
    key = sha1(os.path.realpath(kg.settings.store).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / "tnmt-kg-exports" / key


def _lock_for(path: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(path, threading.Lock())
