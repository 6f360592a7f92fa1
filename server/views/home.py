"""The home page: what the graph holds, a search box, and the ways in."""

from __future__ import annotations

import functools

from flask import Blueprint, render_template

from kg.coverage import holdings
from kg.stats import class_counts

from ..services import get_kg

bp = Blueprint("home", __name__)


@functools.lru_cache(maxsize=4)
def _holdings(build_id: str) -> dict[str, int]:
    """The home page's "how much the graph holds": a scan of every fact, so once per build."""
    return holdings(get_kg().store())


@bp.get("/")
def index() -> str:
    """Counts by type and links to everything else."""
    kg = get_kg()
    build = kg.build_info()
    return render_template("home.html", counts=class_counts(kg.store()),
                           holdings=_holdings(build.build_id), build=build)
