"""The application factory: settings, services, blueprints, error handlers, request log."""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, Response, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from kg.config import Settings
from kg.entities import MAX_MEMBERSHIPS
from kg.errors import KGError
from kg.vocab import PREFIXES

from . import i18n, services, urls
from .negotiation import best_match

log = logging.getLogger("tnmt_kg.requests")



def create_app(settings: Settings | None = None, test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: code defaults < settings file < environment < ``settings``/``test_config``."""
    if settings is None:
        settings = Settings.load(overrides=(test_config or {}).get("TNMT_KG"))
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        JSON_AS_ASCII=False,
        TNMT_KG_SETTINGS=settings,
    )
    app.config.update({k: v for k, v in (test_config or {}).items() if k != "TNMT_KG"})
    app.json.ensure_ascii = False
    services.init_app(app, settings)
    i18n.init_app(app)
    _register_blueprints(app)
    _register_error_handlers(app)
    _register_request_log(app)
    _register_template_helpers(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from .views import (
        api,
        coverage,
        entities,
        exports,
        graph,
        home,
        people,
        queries,
        search,
        sparql,
        suggest,
        timeline,
        vendor,
    )

    for module in (home, sparql, entities, search, exports, api, queries, graph, timeline, vendor, suggest,
                   coverage, people):
        app.register_blueprint(module.bp)


def wants_json() -> bool:
    accept = request.headers.get("Accept", "")
    return request.path.startswith(("/api/", "/sparql", "/export")) or best_match(
        accept, ["text/html", "application/json"]) == "application/json"


def error_response(status: int, title: str, message: str, where: str | None = None):  # noqa: ANN201
    """One shape for every error: JSON for API clients, plain text for SPARQL clients, else HTML."""
    if request.path.startswith(("/sparql", "/export")) and not best_match(
            request.headers.get("Accept"), ["text/html"]) == "text/html":
        body = f"{title}: {message}" + (f"\n(at {where})" if where else "") + "\n"
        return body, status, {"Content-Type": "text/plain; charset=utf-8",
                              "Access-Control-Allow-Origin": "*"}
    if wants_json():
        payload = {"error": title, "message": message, "status": status}
        if where:
            payload["where"] = where
        return jsonify(payload), status
    return render_template("error.html", status=status, title=title, message=message,
                           where=where), status


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(KGError)
    def kg_error(exc: KGError):  # noqa: ANN202
        return error_response(exc.status, exc.title, exc.message, exc.where)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):  # noqa: ANN202
        return error_response(exc.code or 500, exc.name, exc.description or exc.name)


def html_safe_json(response: Response) -> Response:
    """Write ``<``, ``>`` and ``&`` in JSON bodies as ``\\u003c`` etc. (the same JSON), so text
    from a request or the data never appears raw even if a client renders the body as HTML."""
    if response.mimetype in ("application/json", "application/problem+json") and not (
            response.direct_passthrough or response.is_streamed):
        body = response.get_data(as_text=True)
        safe = body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        if safe != body:
            response.set_data(safe)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


def _register_request_log(app: Flask) -> None:
    if not log.handlers and not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
    log.setLevel(logging.INFO)

    @app.before_request
    def start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def log_request(response):  # noqa: ANN001, ANN202
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        log.info('%s "%s %s" %s %.1fms', request.remote_addr, request.method,
                 request.full_path.rstrip("?"), response.status_code, elapsed)
        return html_safe_json(response)


def _register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(urls=urls, PREFIXES=PREFIXES, MAX_MEMBERSHIPS=MAX_MEMBERSHIPS)

    @app.template_filter("entity_path")
    def entity_path_filter(iri: str) -> str:
        return urls.entity_path(iri)
