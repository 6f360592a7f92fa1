"""One error hierarchy. Each error knows the HTTP status and CLI exit code it maps to.

Errors are raised where the problem is found, carrying what was wrong and where; the CLI
and the HTTP layer turn them into messages (see ``kg.cli`` and ``server.app``).
"""

from __future__ import annotations


class KGError(Exception):
    """Base of every error the library raises on purpose."""

    status = 500
    exit_code = 1
    title = "Internal error"

    def __init__(self, message: str, *, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class BadInput(KGError):
    """Input from a user or a file that cannot be used as given."""

    status = 400
    exit_code = 2
    title = "Bad request"


class SourceError(BadInput):
    """A source document or its fact file is malformed or unsupported by its text."""

    title = "Invalid source"


class QuoteNotFound(SourceError):
    """A fact's supporting quote does not occur in its source text."""

    title = "Quote not in source"


class UnknownFormat(BadInput):
    """A format name or media type that the project cannot read or write."""

    title = "Unknown format"

    def __init__(self, given: str, known: list[str], *, where: str | None = None) -> None:
        super().__init__(f"unknown format {given!r}; known formats: {', '.join(known)}", where=where)
        self.given = given
        self.known = known


class RdfSyntaxError(BadInput):
    """An RDF file that does not parse; ``where`` is ``file:line:column``."""

    title = "RDF syntax error"


class QuerySyntaxError(BadInput):
    """A SPARQL query that does not parse."""

    title = "SPARQL syntax error"


class QueryRefused(BadInput):
    """A query the read-only, offline endpoint will not run (updates, SERVICE, LOAD)."""

    status = 403
    title = "Query refused"


class QueryTimeout(KGError):
    """A query that ran past its time limit and was stopped."""

    status = 503
    exit_code = 3
    title = "Query timed out"


class NotAcceptable(KGError):
    """Nothing the server can produce matches the client's ``Accept``."""

    status = 406
    exit_code = 2
    title = "Not acceptable"


class NotFound(KGError):
    """An entity, query or page that does not exist."""

    status = 404
    exit_code = 2
    title = "Not found"


class StoreMissing(KGError):
    """No built store at the given path."""

    status = 503
    exit_code = 2
    title = "No store"

    def __init__(self, path: str) -> None:
        super().__init__(
            f"no store at {path}; build it with `tnmt-kg build --store {path}` (or `make build`)",
            where=path,
        )


class ValidationFailed(KGError):
    """The built graph does not conform to the SHACL shapes."""

    exit_code = 1
    title = "Graph does not conform"
