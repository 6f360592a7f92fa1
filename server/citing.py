"""The data version on the web: for every page (the footer), for citations and for file names.

The version is the served build's content hash (``kg.version``; a fingerprint on the remote
backend). Pages show its short form; a citation carries the whole of it; a download's file
name says what it holds and which version (``bloc-heads-2021_5f75ca9e73d2.csv``).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import logging
import re
import unicodedata
from typing import Any
from urllib.parse import quote

from flask import Response, g, request

from kg import version as kgversion
from kg.citation import Citation
from kg.errors import KGError
from kg.store import BuildInfo

from .services import get_kg

log = logging.getLogger(__name__)

#: Request parameters of the pages that take a data version or a download option, never a
#: named query's parameter.
RESERVED = ("version", "bom")


def current_build() -> BuildInfo | None:
    """The build being served, once per request; None when there is none (no store yet)."""
    if "tnmt_build" not in g:
        try:
            g.tnmt_build = get_kg().build_info()
        except (KGError, OSError) as exc:  # a page never fails for its footer
            log.debug("no data version for this page: %s", exc)
            g.tnmt_build = None
    return g.tnmt_build


def template_helpers() -> dict[str, Any]:
    """``data_version()`` for the footer (``_version.html``): the served build or None."""
    return {"data_version": current_build}


def base_url() -> str:
    """This deployment's URL: ``public_url`` when set, else where the request came in."""
    return get_kg().settings.public_url.rstrip("/") or request.url_root.rstrip("/")


def version_note(given: str | None) -> dict[str, str] | None:
    """What a page says about a ``version=`` of a link: None when absent or the served one,
    else the version asked for and the one served (the results may differ)."""
    build = current_build()
    if not given or build is None or kgversion.matches(given, build.data_version):
        return None
    return {"given": given[:64], "served": build.short_version}


def citation(title: str, path: str, query: str) -> Citation:
    """The citation of a query's result on the served data; ``path`` is the permanent link's
    path and query string (it should carry ``version=``)."""
    build = current_build()
    if build is None:
        raise KGError("no data is served yet, so nothing can be cited")
    return Citation(
        title=title, url=base_url() + path, version=build.data_version,
        built=_dt.datetime.fromtimestamp(build.created, tz=_dt.UTC).date(),
        accessed=_dt.datetime.now(tz=_dt.UTC).date(), query=query, short_version=build.short_version,
    )


def file_stem(*parts: str) -> str:
    """A file name's stem from what the file holds: ASCII letters, digits and ``-``.

    >>> file_stem("bloc-heads", "2021"), file_stem("label-search", "Nguyễn Quốc Khánh")
    ('bloc-heads-2021', 'label-search-nguyen-quoc-khanh')
    """
    text = "-".join(p for p in parts if p)
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:80].strip("-") or "result"


def query_stem(query: str) -> str:
    """A user query's file stem: ``query-`` and the start of its hash."""
    return "query-" + hashlib.sha256(query.encode("utf-8")).hexdigest()[:8]


def download_name(stem: str, suffix: str) -> str:
    """``<stem>_<version>.<suffix>``, the version being the served one's short form."""
    build = current_build()
    return f"{stem}_{build.short_version}.{suffix}" if build else f"{stem}.{suffix}"


def attachment(body: bytes, media_type: str, filename: str, *, truncated: bool = False) -> Response:
    """A download: the body with its type (text gets ``charset=utf-8``) and file name."""
    if media_type.startswith("text/") or media_type.endswith("json"):
        media_type += "; charset=utf-8"
    disposition = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    headers = {"Content-Disposition": disposition}
    if truncated:
        headers["X-Result-Truncated"] = "true"
    build = current_build()
    if build is not None:
        headers["X-Data-Version"] = build.short_version
    return Response(body, content_type=media_type, headers=headers)


def wants_bom() -> bool:
    """A CSV download starts with a byte order mark unless ``bom=0`` (or ``false``, ``no``)."""
    return request.args.get("bom", "1").strip().lower() not in ("0", "false", "no", "off")
