"""The ontology folder → the quads of the ontology graph, and the role scheme in it."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, parse

from .errors import RdfSyntaxError
from .rdfwriter import slugify
from .vocab import ONTOLOGY_GRAPH, ROLE_SCHEME, SKOS


def ontology_quads(ontology_dir: Path) -> list[Quad]:
    """Every ``*.ttl`` of the ontology folder except the shapes, in the ontology graph.

    Blank nodes (OWL class expressions) get labels from their file and order of appearance,
    so a rebuild gives the very same quads, not just an isomorphic graph.
    """
    quads: list[Quad] = []
    for path in sorted(ontology_dir.glob("*.ttl")):
        if path.name == "shapes.ttl":
            continue
        stable = _stable_blank_nodes(slugify(path.stem))

        try:
            with path.open("rb") as fh:
                for t in parse(fh, RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
                    quads.append(Quad(stable(t.subject), t.predicate, stable(t.object),
                                      ONTOLOGY_GRAPH))
        except SyntaxError as exc:
            raise RdfSyntaxError(exc.msg, where=f"{path}:{exc.lineno}:{exc.offset}") from exc
    return quads


def _stable_blank_nodes(stem: str):  # noqa: ANN202
    labels: dict[BlankNode, BlankNode] = {}

    def stable(term):  # noqa: ANN001, ANN202
        if isinstance(term, BlankNode):
            return labels.setdefault(term, BlankNode(f"{stem}-{len(labels) + 1}"))
        return term

    return stable


def role_scheme(quads: list[Quad]) -> tuple[dict[str, NamedNode], dict[str, str]]:
    """Role slug → IRI, and slug → Vietnamese label, from the role scheme in the ontology."""
    roles: dict[str, NamedNode] = {}
    labels: dict[str, str] = {}
    in_scheme = {q.subject for q in quads if q.predicate == SKOS.inScheme and q.object == ROLE_SCHEME}
    for q in quads:
        if q.subject in in_scheme and isinstance(q.subject, NamedNode):
            slug = q.subject.value.rsplit("/", 1)[-1]
            roles[slug] = q.subject
            if (q.predicate == SKOS.prefLabel and isinstance(q.object, Literal)
                    and q.object.language == "vi"):
                labels[slug] = q.object.value
    return roles, labels
