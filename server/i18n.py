"""The interface in Vietnamese or English (Flask-Babel), and labels in the same language.

The language of a request, first that applies: ``?lang=vi|en`` (remembered in the ``lang``
cookie for a year), the cookie, the ``Accept-Language`` header (q-values honoured). It decides
the interface strings (``_()`` in templates, ``gettext`` in Python) and the language labels are
chosen in (:func:`kg.labels.prefer_language`: the chosen language first, the other as the
fallback, so a name with no English label stays Vietnamese).

A request that states no preference at all (no parameter, cookie or ``Accept-Language``:
scripts, ``curl``) gets what the app always gave: the interface in English and labels in the
data's own order, Vietnamese first.

Strings are written in English in the templates; ``server/translations/vi/LC_MESSAGES/messages.po``
holds their Vietnamese. The ``.po`` files are the source: they are compiled in memory when the
app starts (no build step, no file written, nothing downloaded). ``make translations``
re-extracts the strings and updates the ``.po`` files.

>>> choose_language(None, None, "fr-FR, en;q=0.8, vi;q=0.5")
'en'
>>> choose_language("vi", "en", "en")
'vi'
>>> choose_language("xx", None, None) is None
True
"""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlencode

from babel import support
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, Response, g, request
from flask_babel import Babel, Domain, get_locale, gettext

from kg.labels import prefer_language, reset_language

#: The interface's languages.
LANGUAGES = ("vi", "en")
#: The interface's language when a request states none (labels then keep the data's order).
DEFAULT_LANGUAGE = "en"
NAMES = {"vi": "Tiếng Việt", "en": "English"}
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
TRANSLATIONS = Path(__file__).parent / "translations"


def choose_language(param: str | None, cookie: str | None, accept_language: str | None) -> str | None:
    """The request's language: ``?lang=``, else the cookie, else ``Accept-Language``; ``None``
    when none of them names vi or en."""
    for given in (param, cookie):
        if given and given.strip().lower() in LANGUAGES:
            return given.strip().lower()
    best, best_q = None, 0.0
    for part in (accept_language or "").split(","):
        tag, *params = [p.strip() for p in part.split(";")]
        primary = tag.lower().split("-")[0]
        q = 1.0
        for p in params:
            key, _, value = p.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        # Earlier entries win ties (the header's order is the client's preference).
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best


def current_language() -> str:
    return g.get("lang", DEFAULT_LANGUAGE)


def switch_url(lang: str) -> str:
    """This page in ``lang``: the same path and parameters with ``lang=`` set."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return request.path + "?" + urlencode([*args, ("lang", lang)])


class CatalogueDomain(Domain):
    """Flask-Babel's message domain with the catalogues compiled in memory, once, at start-up
    (no ``.mo`` files on disk: nothing to clean up, nothing another user could swap)."""

    def __init__(self, source: Path = TRANSLATIONS) -> None:
        super().__init__()
        self.catalogues = compile_catalogues(source)

    def get_translations(self) -> support.NullTranslations:
        locale = get_locale()
        return self.catalogues.get(str(locale) if locale else "", support.NullTranslations())


def compile_catalogues(source: Path = TRANSLATIONS) -> dict[str, support.Translations]:
    """Each ``<lang>/LC_MESSAGES/messages.po`` under ``source``, compiled: language → translations."""
    catalogues = {}
    for po in sorted(source.glob("*/LC_MESSAGES/messages.po")):
        lang = po.parent.parent.name
        with po.open("rb") as f:
            catalog = read_po(f, locale=lang)
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        catalogues[lang] = support.Translations(compiled)
    return catalogues


def init_app(app: Flask) -> None:
    """Flask-Babel with the compiled catalogues, the language per request, its cookie, and
    ``lang``, ``language_names`` and ``switch_url`` for the templates."""
    babel = Babel(app, locale_selector=current_language, default_locale=DEFAULT_LANGUAGE)
    # Flask-Babel asks its ``domain_instance`` for every translation; ours holds them in memory.
    babel.domain_instance = CatalogueDomain()
    app.jinja_env.globals.update(language_names=NAMES, switch_url=switch_url)
    app.jinja_env.filters["translate"] = translate

    @app.before_request
    def pick_language() -> None:
        chosen = choose_language(request.args.get("lang"), request.cookies.get(COOKIE),
                                 request.headers.get("Accept-Language"))
        g.lang = chosen or DEFAULT_LANGUAGE
        if chosen:
            g.label_language_token = prefer_language(chosen)

    @app.after_request
    def remember_language(response: Response) -> Response:
        asked = (request.args.get("lang") or "").strip().lower()
        if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
            response.set_cookie(COOKIE, asked, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
        if response.mimetype in ("text/html", "application/json"):
            response.vary.update(("Accept-Language", "Cookie"))
        return response

    @app.teardown_request
    def forget_language(_exc: BaseException | None) -> None:
        token = g.pop("label_language_token", None)
        if token is not None:
            try:
                reset_language(token)
            except ValueError:  # set in another context (a streamed response): nothing to undo
                pass

    @app.context_processor
    def language() -> dict[str, str]:
        return {"lang": current_language()}


def N_(text: str) -> str:  # noqa: N802 - the name gettext's tools look for
    """Mark a string for extraction without translating it here."""
    return text


#: Strings the pages translate at run time with the ``translate`` filter: error titles (from
#: kg.errors and Werkzeug) and the ontology page's "domain of"/"range of".
RUNTIME_STRINGS = (
    N_("Bad request"), N_("Not found"), N_("Not acceptable"), N_("Unknown format"), N_("Internal error"),
    N_("Query refused"), N_("Query timed out"), N_("SPARQL syntax error"), N_("No store"),
    N_("Bad Request"), N_("Not Found"), N_("Not Acceptable"), N_("Method Not Allowed"),
    N_("Internal Server Error"), N_("Request Entity Too Large"), N_("Service Unavailable"),
    N_("Domain of"), N_("Range of"),
)


def translate(text: str) -> str:
    """A string known only at run time (an error's title) in the request's language, as plain
    text: unlike ``_()`` in a template its result is escaped like any other value."""
    return str(gettext(text)) if text else text
