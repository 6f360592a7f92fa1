"""``Accept`` (with q-values) → the best media type the server can produce; 406 when none fits.

>>> best_match("text/html;q=0.9, text/turtle", ["text/html", "text/turtle"])
'text/turtle'
>>> best_match("application/*;q=0.5, */*;q=0.1", ["text/turtle", "application/ld+json"])
'application/ld+json'
>>> best_match("image/png", ["text/turtle"]) is None
True
"""

from __future__ import annotations


def parse_accept(header: str | None) -> list[tuple[str, float, int]]:
    """(media range, q, position) for each entry; a missing header accepts anything."""
    if not header or not header.strip():
        return [("*/*", 1.0, 0)]
    entries = []
    for position, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        entries.append((media, q, position))
    return entries


def _specificity(media_range: str, offered: str) -> int:
    if media_range == offered:
        return 3
    major, _, minor = media_range.partition("/")
    if minor == "*" and offered.startswith(major + "/"):
        return 2
    if media_range == "*/*":
        return 1
    return 0


def best_match(header: str | None, offers: list[str]) -> str | None:
    """The offer the client likes most (q, then specificity, then the server's order)."""
    accepted = parse_accept(header)
    best: tuple[float, int, int] | None = None
    choice = None
    for index, offer in enumerate(offers):
        matches = [(_specificity(m, offer), q, pos) for m, q, pos in accepted if _specificity(m, offer)]
        if not matches:
            continue
        spec, q, _pos = max(matches)  # the most specific range decides the offer's q
        if q <= 0:
            continue
        key = (q, spec, -index)
        if best is None or key > best:
            best, choice = key, offer
    return choice


def accepts_html(header: str | None) -> bool:
    """True when a browser-like client prefers HTML to the RDF/results formats."""
    return best_match(header, ["text/html", "application/xhtml+xml"]) is not None and (
        best_match(header, ["text/html", "text/turtle", "application/sparql-results+json"])
        == "text/html"
    )


def link_header(links: list[dict[str, str]]) -> str:
    """An HTTP ``Link`` header (RFC 8288) from ``{"href", "rel", …}`` entries; every other key
    (``type``, ``title``) becomes a quoted parameter.

    >>> link_header([{"href": "/id/x.ttl", "rel": "alternate", "type": "text/turtle"},
    ...              {"href": "https://spdx.org/licenses/MIT", "rel": "license"}])
    '</id/x.ttl>; rel="alternate"; type="text/turtle", <https://spdx.org/licenses/MIT>; rel="license"'
    """
    def quoted(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    parts = []
    for link in links:
        # The target is a URI reference: what the app builds is already percent-encoded;
        # anything that would end the <…> is encoded rather than trusted.
        href = link["href"].replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
        params = [f"rel={quoted(link['rel'])}"] + [f"{k}={quoted(v)}" for k, v in link.items()
                                                    if k not in ("href", "rel")]
        parts.append(f"<{href}>; " + "; ".join(params))
    return ", ".join(parts)
