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


def source_quote_url(source_iri: str, index: int) -> str:
    """A quote highlighted on its source document's page."""
    return entity_path(source_iri) + "#" + quote_anchor(index)


def format_url(iri: str, fmt: str) -> str:
    """An entity's description in one RDF format: ``/id/….ttl``, ``/ontology.ttl`` or ``format=``."""
    return entity_path(iri, suffix="." + fmt).split("#", 1)[0]


def api_url(path: str, **params: str | None) -> str:
    """A JSON API URL, e.g. ``api_url("search", q="khanh")`` → ``/api/search?q=khanh``."""
    query = {k: v for k, v in params.items() if v not in (None, "")}
    return "/api/" + quote(path) + ("?" + urlencode(query) if query else "")


def static_url(path: str) -> str:
    return "/static/" + quote(path)


def graph_data_url(**filters: str | int | None) -> str:
    """The nodes and edges of a graph view as JSON."""
    params = {k: v for k, v in filters.items() if v not in (None, "")}
    return "/graph/data.json" + ("?" + urlencode(params) if params else "")


def graph_download_url(fmt: str, **filters: str | int | None) -> str:
    """A graph view to take away: ``html`` (standalone, offline) or ``ttl`` (the shown subgraph)."""
    params = {k: v for k, v in filters.items() if v not in (None, "")}
    return f"/graph/download.{fmt}" + ("?" + urlencode(params) if params else "")


def timeline_json_url(org: str | None = None) -> str:
    return "/timeline.json" + ("?" + urlencode({"org": org}) if org else "")


def analytics_url(name: str, **params: str | int | None) -> str:
    """The JSON analytics API: ``centrality``, ``path`` (``from``, ``to``) or ``communities``."""
    given = {k.rstrip("_"): v for k, v in params.items() if v not in (None, "")}
    return f"/api/analytics/{name}" + ("?" + urlencode(given) if given else "")


def queries_url() -> str:
    """The gallery of named queries."""
    return "/queries"


def named_query_url(name: str, params: dict[str, str] | None = None, *, fmt: str | None = None) -> str:
    """A named query's page, run with ``params``; with ``fmt`` (``csv``, ``json``, ``ttl``, …) its
    result as a download.

    >>> named_query_url("bloc-heads", {"year": "2022"}, fmt="csv")
    '/queries/bloc-heads.csv?year=2022'
    """
    given = {k: v for k, v in (params or {}).items() if v not in (None, "")}
    return "/queries/" + quote(name) + (f".{fmt}" if fmt else "") + ("?" + urlencode(given) if given else "")


def timeline_filter_url(**filters: str | int | None) -> str:
    """The timeline with any of its filters (``org``, ``person``, ``role``, ``year``): slugs or IRIs."""
    params = {k: v for k, v in filters.items() if v not in (None, "")}
    return "/timeline" + ("?" + urlencode(params) if params else "")


def coverage_url() -> str:
    return "/coverage"


def structure_url(date: str | None = None, since: str | None = None) -> str:
    params = {k: v for k, v in (("date", date), ("since", since)) if v}
    return "/structure" + ("?" + urlencode(params) if params else "")


# --- careers, rosters, comparisons, and pages with one parameter changed (kg.people) -------------


def with_param(path: str, args: dict[str, str], name: str, value: str) -> str:
    """``path`` with the query ``args``, ``name`` set to ``value`` (empty values left out)."""
    params = {k: v for k, v in {**args, name: value}.items() if v not in (None, "")}
    return path + ("?" + urlencode(params) if params else "")


def career_url(person: str) -> str:
    """A person's career page; ``person`` is the slug or the IRI minted under ``person/``."""
    slug = person.rsplit("/", 1)[-1] if person.startswith(BASE + "person/") else person
    return "/person/" + quote(slug, safe="") + "/career"


def roster_url(org: str | None = None, date: str | None = None, *, fmt: str | None = None) -> str:
    params = {k: v for k, v in (("org", org), ("date", date)) if v}
    return "/roster" + (f".{fmt}" if fmt else "") + ("?" + urlencode(params) if params else "")


def compare_url(org: str | None = None, start: int | str | None = None, end: int | str | None = None) -> str:
    params = {k: str(v) for k, v in (("org", org), ("from", start), ("to", end)) if v not in (None, "")}
    return "/compare" + ("?" + urlencode(params) if params else "")


# --- citable queries and downloads (the data version in links and file names) ---------------


def sparql_permalink(query: str, version: str) -> str:
    """The editor with a query and the data version it was cited on (opened in a browser, the
    query runs; any other client gets the protocol's answer)."""
    return "/sparql?" + urlencode({"query": query, "version": version})


def sparql_results_url(fmt: str, query: str | None = None, **options: str) -> str:
    """A user query's result as a file (``csv``, ``tsv``, ``json``, ``xlsx``)."""
    params = {"query": query, **options} if query else dict(options)
    return f"/sparql/results.{fmt}" + ("?" + urlencode(params) if params else "")


def sparql_cite_url() -> str:
    """The citation of a query (JSON: permalink, BibTeX, CSL-JSON); ``?query=…``."""
    return "/sparql/cite"


def dump_url(version: str, suffix: str = "ttl") -> str:
    """The whole graph of one data version: ``/download/tnmt-kg-<version>.<suffix>``."""
    return f"/download/tnmt-kg-{quote(version)}.{quote(suffix)}"


def timeline_data_url(**filters: str | int | None) -> str:
    """The timeline's data as JSON, with any of its filters."""
    params = {k: v for k, v in filters.items() if v not in (None, "")}
    return "/timeline.json" + ("?" + urlencode(params) if params else "")
