"""Views: sparql (filled by its own change)."""

from flask import Blueprint

bp = Blueprint("sparql", __name__)
