"""Views: queries (filled by its own change)."""

from flask import Blueprint

bp = Blueprint("queries", __name__)
