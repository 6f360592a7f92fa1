"""Views: api (filled by its own change)."""

from flask import Blueprint

bp = Blueprint("api", __name__)
