"""Views: exports (filled by its own change)."""

from flask import Blueprint

bp = Blueprint("exports", __name__)
