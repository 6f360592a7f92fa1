"""The whole graph as a download: ``/export?format=turtle|trig|ntriples|nquads|jsonld|rdfxml``,
and the same under its data version's name: ``/download/tnmt-kg-<version>.<suffix>``.

Each format is serialised once per build (``kg.store.dump``, streaming into a file) and kept
beside the build, then every download is that file sent in chunks by
``send_file``. Why a cached file rather than serialising into each response: the graph
changes only with a build, so repeated downloads cost no CPU; the response gets a
``Content-Length`` and byte ranges (a broken download can resume); and ``If-None-Match`` /
``If-Modified-Since`` are answered with 304 from the build's version and time without touching
the store. The ETag is the data version (a content hash, ``kg.version``): two builds of the
same data answer the same ETag. The cost is disk space, freed with the build (the builds folder
keeps two). With the ``remote`` backend the files live in the temporary folder, named by the
engine's identity (``KG.build_info``), and the graph comes from the engine through the protocol.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from hashlib import sha1
from pathlib import Path

from flask import Blueprint, Response, request, send_file

from kg import store as kgstore
from kg import version as kgversion
from kg.errors import NotFound, UnknownFormat
from kg.export import write_export
from kg.formats import EXPORT_FORMATS

from .. import citing, urls
from ..negotiation import best_match
from ..services import KG, get_kg

bp = Blueprint("exports", __name__)
# The data version is shown on every page (the footer's _version.html links its dump).
bp.app_context_processor(citing.template_helpers)

# The version: a content hash (or a prefix of it), or the build id of a build made before
# builds recorded one.
_DUMP_NAME = re.compile(r"tnmt-kg-(?P<version>[0-9A-Za-z-]{8,64})\.(?P<suffix>[a-z]+)")
_SUFFIX_FORMATS = {suffix: name for name, (suffix, _media_type) in EXPORT_FORMATS.items()}

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
    info, path = export_file(get_kg(), name)
    return _send_dump(info, path, name)


@bp.get("/download/<filename>")
def versioned_dump(filename: str) -> Response:
    """The whole graph of one data version, named by it (``tnmt-kg-5f75ca9e73d2.ttl``): the
    served build's, or a previous build's file while the builds folder still keeps it."""
    match = _DUMP_NAME.fullmatch(filename)
    if match is None or match["suffix"] not in _SUFFIX_FORMATS:
        raise NotFound("a dump is named tnmt-kg-<version>.<suffix>, the suffix one of "
                       f"{', '.join(_SUFFIX_FORMATS)}", where=filename)
    name, wanted = _SUFFIX_FORMATS[match["suffix"]], match["version"]
    kg = get_kg()
    served = kg.build_info()
    if kgversion.matches(wanted, served.data_version):
        info, path = export_file(kg, name)
        return _send_dump(info, path, name)
    kept = None if kg.remote else _kept_dump(kg, wanted, match["suffix"])
    if kept is not None:
        return _send_dump(*kept, name)
    raise NotFound(f"data version {wanted} is not served here (any more); this server holds "
                   f"{served.short_version}: {urls.dump_url(served.short_version, match['suffix'])}",
                   where=filename)


def _send_dump(info: kgstore.BuildInfo, path: Path, name: str) -> Response:
    suffix, media_type = EXPORT_FORMATS[name]
    return send_file(
        path,
        mimetype=media_type,
        as_attachment=True,
        download_name=f"tnmt-kg-{info.short_version}.{suffix}",
        conditional=True,
        etag=info.short_version,  # the content hash: the same data, the same ETag
        last_modified=info.created,
        max_age=0,  # always revalidate: a new build may be swapped in at any time
    )


def _kept_dump(kg: KG, wanted: str, suffix: str) -> tuple[kgstore.BuildInfo, Path] | None:
    """A previous build's dump in ``suffix``, if its folder is still kept and the file was
    written while it was served."""
    builds = Path(kgstore.current_target(kg.settings.store)).parent.parent
    for build_dir in sorted(builds.iterdir(), reverse=True) if builds.is_dir() else ():
        try:
            data = json.loads((build_dir / kgstore.BUILD_INFO).read_text())
        except (OSError, ValueError):
            continue
        known = kgstore.BuildInfo.__dataclass_fields__
        info = kgstore.BuildInfo(**{k: v for k, v in data.items() if k in known})
        path = build_dir / "exports" / f"tnmt-kg-{info.build_id}.{suffix}"
        if kgversion.matches(wanted, info.data_version) and path.is_file():
            return info, path
    return None


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
