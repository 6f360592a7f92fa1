"""Every serialisation the project reads or writes, in one table.

The endpoint's content negotiation and ``format=`` names, the exports' file suffixes, the CLI's
``--format`` choices, the loader's file suffixes and the Service Description's W3C format IRIs
are all read from :data:`FORMATS`, so a format is added (or a media type corrected) once.

>>> by_name("turtle").media_type, by_name("turtle").suffix
('text/turtle', 'ttl')
>>> RESULTS_MEDIA_TYPES["application/json"].name
'SPARQL Results in JSON'
>>> FORMAT_NAMES["xml"]
(<QueryResultsFormat SPARQL Results in XML>, <RdfFormat RDF/XML>)
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import QueryResultsFormat, RdfFormat

W3C_FORMATS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    #: the short name of the CLI and of exports
    name: str
    media_type: str
    #: file suffix, without the dot
    suffix: str
    engine: QueryResultsFormat | RdfFormat
    #: local name under http://www.w3.org/ns/formats/
    w3c: str
    #: other short names accepted by ``format=``/``output=``
    names: tuple[str, ...] = ()
    #: other media types accepted in ``Accept``
    aliases: tuple[str, ...] = ()
    #: other file suffixes a file to load may have
    suffixes: tuple[str, ...] = ()

    @property
    def is_results(self) -> bool:
        return isinstance(self.engine, QueryResultsFormat)


#: Results formats first, the default of each family first within it.
FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", "srj", QueryResultsFormat.JSON,
           "SPARQL_Results_JSON", aliases=("application/json",)),
    Format("xml", "application/sparql-results+xml", "srx", QueryResultsFormat.XML, "SPARQL_Results_XML",
           aliases=("application/xml", "text/xml")),
    Format("csv", "text/csv", "csv", QueryResultsFormat.CSV, "SPARQL_Results_CSV"),
    Format("tsv", "text/tab-separated-values", "tsv", QueryResultsFormat.TSV, "SPARQL_Results_TSV"),
    Format("turtle", "text/turtle", "ttl", RdfFormat.TURTLE, "Turtle", names=("ttl", "n3"),
           # Turtle is N3 as far as clients ask for it (SPARQLWrapper's N3 asks for it)
           aliases=("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3",
                    "application/n3")),
    Format("ntriples", "application/n-triples", "nt", RdfFormat.N_TRIPLES, "N-Triples",
           names=("nt", "n-triples")),
    Format("nquads", "application/n-quads", "nq", RdfFormat.N_QUADS, "N-Quads", names=("nq", "n-quads")),
    Format("trig", "application/trig", "trig", RdfFormat.TRIG, "TriG", aliases=("application/x-trig",)),
    Format("rdfxml", "application/rdf+xml", "rdf", RdfFormat.RDF_XML, "RDF_XML",
           names=("rdf+xml", "rdf", "xml"),
           aliases=("application/xml", "text/xml"), suffixes=("owl", "xml")),
    Format("jsonld", "application/ld+json", "jsonld", RdfFormat.JSON_LD, "JSON-LD",
           names=("json-ld", "json"),
           aliases=("application/json", "application/x-json+ld"), suffixes=("json",)),
)

RESULTS = tuple(f for f in FORMATS if f.is_results)
GRAPHS = tuple(f for f in FORMATS if not f.is_results)

#: SELECT/ASK and CONSTRUCT/DESCRIBE formats, the first of each the default.
RESULTS_FORMATS: tuple[QueryResultsFormat, ...] = tuple(f.engine for f in RESULTS)  # type: ignore[misc]
GRAPH_FORMATS: tuple[RdfFormat, ...] = tuple(f.engine for f in GRAPHS)  # type: ignore[misc]

#: Media types in ``Accept`` → format; canonical types first, so on a tie (``*/*``) the
#: first, the default, wins.
RESULTS_MEDIA_TYPES: dict[str, QueryResultsFormat] = {
    **{f.media_type: f.engine for f in RESULTS}, **{a: f.engine for f in RESULTS for a in f.aliases}}
GRAPH_MEDIA_TYPES: dict[str, RdfFormat] = {
    **{f.media_type: f.engine for f in GRAPHS}, **{a: f.engine for f in GRAPHS for a in f.aliases}}


def _format_names() -> dict[str, tuple[QueryResultsFormat | None, RdfFormat | None]]:
    names: dict[str, list] = {}
    for f in FORMATS:
        for name in (f.name, *f.names):
            pair = names.setdefault(name, [None, None])
            pair[0 if f.is_results else 1] = pair[0 if f.is_results else 1] or f.engine
    return {n: (p[0], p[1]) for n, p in names.items()}


#: Short names of the ``format``/``output`` parameter → (results format, RDF format); a name
#: of one family used for the other query form falls back to that form's default.
FORMAT_NAMES = _format_names()

#: RDF formats by short name (exports, ``load``), with their file suffix and media type.
RDF_FORMATS: dict[str, RdfFormat] = {f.name: f.engine for f in GRAPHS}  # type: ignore[misc]
EXPORT_FORMATS: dict[str, tuple[str, str]] = {f.name: (f.suffix, f.media_type) for f in GRAPHS}
#: File suffix of a file to load → format name.
LOAD_SUFFIXES: dict[str, str] = {
    **{"." + f.suffix: f.name for f in GRAPHS}, **{"." + s: f.name for f in GRAPHS for s in f.suffixes}}
#: The CLI's ``query --format`` names → media type.
CLI_MEDIA_TYPES: dict[str, str] = {f.name: f.media_type for f in FORMATS
                                   if f.name in ("csv", "tsv", "json", "xml", "turtle", "ntriples", "jsonld")}
#: Media type → W3C format IRI (Service Description's sd:resultFormat).
W3C_FORMAT_IRIS: dict[str, str] = {f.media_type: W3C_FORMATS + f.w3c for f in FORMATS}


def by_name(name: str) -> Format:
    for f in FORMATS:
        if f.name == name:
            return f
    raise KeyError(name)


#: Downloads of a SELECT result as a table (the query pages' and the editor's "Download"):
#: name (file suffix) → media type. CSV, TSV and JSON are the SPARQL 1.1 results formats
#: above; XLSX is a spreadsheet written by openpyxl (kg.tables).
TABLE_FORMATS: dict[str, str] = {
    "csv": by_name("csv").media_type,
    "tsv": by_name("tsv").media_type,
    "json": by_name("json").media_type,
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
