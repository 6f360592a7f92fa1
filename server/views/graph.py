"""Views: graph (filled by its own change)."""

from flask import Blueprint

bp = Blueprint("graph", __name__)
