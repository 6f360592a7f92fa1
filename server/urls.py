"""IRI ↔ path, and every URL the app builds: the only place URLs are assembled.

IRIs minted under the base namespace dereference at ``/id/<rest>`` on this server; any other
IRI has a page at ``/resource?iri=…``.

>>> entity_path("https://w3id.org/tnmt-kg/person/nguyen-quoc-khanh")
'/id/person/nguyen-quoc-khanh'
>>> iri_for_path("person/nguyen-quoc-khanh")
'https://w3id.org/tnmt-kg/person/nguyen-quoc-khanh'
>>> entity_path("http://www.w3.org/ns/org#Membership")
'/resource?iri=http%3A%2F%2Fwww.w3.org%2Fns%2Forg%23Membership'
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from kg.vocab import BASE, ONTOLOGY_IRI, ONTOLOGY_NS

ID_PREFIX = "/id/"


def entity_path(iri: str, *, suffix: str = "") -> str:
    """The page of any IRI: ``/id/…`` for minted IRIs, ``/resource?iri=…`` for the rest."""
    if iri.startswith(ONTOLOGY_NS) or iri == ONTOLOGY_IRI:
        return "/ontology" + (suffix or "") + ("#" + iri[len(ONTOLOGY_NS):] if "#" in iri else "")
    if iri.startswith(BASE) and len(iri) > len(BASE) and _safe_rest(iri[len(BASE):]):
        return ID_PREFIX + iri[len(BASE):] + suffix
    query = {"iri": iri}
    if suffix:
        query["format"] = suffix.lstrip(".")
    return "/resource?" + urlencode(query)


def _safe_rest(rest: str) -> bool:
    return all(c.isalnum() or c in "-._~/" for c in rest) and "//" not in rest and ".." not in rest


def iri_for_path(rest: str) -> str:
    return BASE + rest


def search_url(q: str) -> str:
    return "/search?" + urlencode({"q": q})


def sparql_editor_url(query: str | None = None) -> str:
    return "/sparql" + ("?" + urlencode({"query": query, "ui": "1"}) if query else "")


def graph_url(**filters: str | int | None) -> str:
    params = {k: v for k, v in filters.items() if v not in (None, "")}
    return "/graph" + ("?" + urlencode(params) if params else "")


def timeline_url(org: str | None = None) -> str:
    return "/timeline" + ("?" + urlencode({"org": org}) if org else "")


def export_url(fmt: str) -> str:
    return "/export?" + urlencode({"format": fmt})


def quote_anchor(index: int) -> str:
    return f"quote-{index}"


def static_url(path: str) -> str:
    return "/static/" + quote(path)
