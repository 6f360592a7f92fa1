"""``/suggest``: paste an article, review the suggested facts, download a facts.yaml draft.

Nothing is stored: the text comes in with the request and the answer goes back with the
response. The text is capped in size and its reading in time.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import unicodedata
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from kg.errors import BadInput, KGError

from ..services import get_kg

bp = Blueprint("suggest", __name__)

#: Longest text read, in characters (a long news article is 10–15 thousand).
MAX_CHARS = 30_000
#: Seconds a text may take to read.
TIME_LIMIT = 10.0
_FACT_FIELDS = ("person", "title", "organisation", "date", "sentence", "person_id", "person_iri", "role",
                "organisation_iri", "organisation_label")
_cache: dict[str, Any] = {}
_lock = threading.Lock()


class TextTooLarge(KGError):
    status = 413
    exit_code = 2
    title = "Text too large"


def _gazetteer() -> Any:
    """The graph's units and people, read once per build."""
    from kg.suggest.gazetteer import Gazetteer

    kg = get_kg()
    try:
        build = kg.build_info().build_id
    except KGError:
        return Gazetteer()
    with _lock:
        if _cache.get("build") != build:
            _cache["gazetteer"] = Gazetteer.from_service(kg.query)
            _cache["build"] = build
        return _cache["gazetteer"]


def _payload() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadInput("send a JSON object: {\"text\": \"…\", \"date\": \"YYYY-MM-DD\" (optional)}")
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadInput("'text' must be a non-empty string")
    if len(text) > MAX_CHARS:
        raise TextTooLarge(f"the text has {len(text)} characters; at most {MAX_CHARS} are read")
    return data


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise BadInput(f"'date' must be YYYY-MM-DD, got {value!r}") from exc


@bp.get("/suggest")
def page() -> str:
    """The review page: paste a text, see its suggested facts, download facts.yaml."""
    return render_template("suggest.html", max_chars=MAX_CHARS)


@bp.post("/suggest")
def suggest() -> Response:
    """Suggested facts of the posted text, as JSON (with offsets to highlight them)."""
    from kg.suggest import suggest as run_suggest

    data = _payload()
    limit = float(current_app.config.get("SUGGEST_TIME_LIMIT", TIME_LIMIT))
    result = run_suggest(data["text"], gazetteer=_gazetteer(), date=_date(data.get("date")),
                         deadline=time.monotonic() + limit)
    body = result.as_dict()
    body["date"] = result.date
    body["title"] = result.title
    body["text"] = unicodedata.normalize("NFC", data["text"])  # the offsets are into this form
    return jsonify(body)


@bp.post("/suggest/facts.yaml")
def facts_yaml() -> Response:
    """The reviewed facts (those the reader kept, as corrected) as a facts.yaml draft."""
    from kg.suggest.draft import facts_yaml as draft
    from kg.suggest.reader import Fact, Suggestions
    from kg.suggest.resolve import slug

    data = _payload()
    facts = []
    for item in data.get("facts") or []:
        if not isinstance(item, dict):
            raise BadInput("'facts' must be a list of objects")
        values = {k: (str(item[k]).strip() if item.get(k) not in (None, "") else None) for k in _FACT_FIELDS}
        if not values["person"] or not values["title"]:
            raise BadInput("every fact needs a 'person' and a 'title'")
        _date(values["date"])
        facts.append(Fact(person=values["person"], title=values["title"],
                          organisation=values["organisation"] or "", date=values["date"],
                          sentence=values["sentence"] or "", confidence=1.0, reason="reviewed",
                          organisation_iri=values["organisation_iri"],
                          organisation_label=values["organisation_label"], person_iri=values["person_iri"],
                          person_id=values["person_id"] or slug(values["person"]), role=values["role"]))
    source_id = slug(str(data.get("source_id") or "")) or "new-source"
    day = _date(data.get("date"))
    text = draft(Suggestions(facts=facts, title=str(data.get("title") or ""),
                             date=day.isoformat() if day else None), source_id=source_id)
    return Response(text, mimetype="application/yaml",
                    headers={"Content-Disposition": f'attachment; filename="{source_id}.facts.yaml"'})
