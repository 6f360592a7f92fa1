"""Views: entities (filled by its own change)."""

from flask import Blueprint

bp = Blueprint("entities", __name__)
