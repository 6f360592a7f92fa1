"""The home page: what the graph holds, a search box, and the ways in."""

from __future__ import annotations

from flask import Blueprint, render_template

from kg.coverage import holdings
from kg.stats import class_counts

from ..services import get_kg

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    """Counts by type and links to everything else."""
    kg = get_kg()
    store = kg.store()
    return render_template("home.html", counts=class_counts(store), holdings=holdings(store),
                           build=kg.build_info())
