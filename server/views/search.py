"""Views: search (filled by its own change)."""

from flask import Blueprint

bp = Blueprint("search", __name__)
