"""Views: timeline (filled by its own change)."""

from flask import Blueprint

bp = Blueprint("timeline", __name__)
