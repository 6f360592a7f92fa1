"""Names, alternative names and person ids → the entities of one build, across all its sources."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from .errors import SourceError
from .rdfwriter import slugify, tail
from .vocab import entity_iri


@dataclass
class Entity:
    iri: NamedNode
    kind: str  # organisation, person, post, place, event, movement, change
    where: str
    explicit_id: bool = False


@dataclass
class Names:
    """Names, alternative names and person ids → entities, across all sources of one build.

    A name of a unit, post, place … names one thing. People are different: namesakes exist,
    so a person's name may name several people (told apart by their ``id``), and a reference
    by that name is refused as ambiguous; a reference by id always works.
    """

    by_name: dict[str, list[Entity]] = field(default_factory=dict)
    people: dict[str, Entity] = field(default_factory=dict)  # person id → entity
    labels: dict[str, str] = field(default_factory=dict)  # IRI → Vietnamese name

    def add(self, names: Iterable[str], entity: Entity) -> None:
        names = list(names)
        self.labels.setdefault(entity.iri.value, names[0])
        for name in names:
            known = self.by_name.setdefault(name, [])
            if any(k.iri == entity.iri for k in known):
                continue
            if known and not (entity.kind == "person" and all(k.kind == "person" for k in known)):
                raise SourceError(f"name {name!r} already names {known[0].iri.value} "
                                  f"({known[0].where})", where=entity.where)
            known.append(entity)

    def add_person(self, names: list[str], person_id: str | None, where: str) -> None:
        iri = entity_iri("person", person_id or slugify(names[0]))
        known = self.people.get(tail(iri))
        if known is not None and not (known.explicit_id and person_id):
            raise SourceError(
                f"person {iri.value} is already declared ({known.where}); if both are one person "
                f"give both declarations the same 'id:', if namesakes give them different ids",
                where=where)
        entity = Entity(iri, "person", where, explicit_id=bool(person_id))
        self.people.setdefault(tail(iri), entity)
        self.add(names, entity)

    def resolve(self, name: str, *, where: str, kinds: tuple[str, ...], what: str) -> NamedNode:
        candidates = [e for e in self.by_name.get(name, []) if e.kind in kinds] or self.by_name.get(name, [])
        if not candidates and "person" in kinds and name in self.people:
            return self.people[name].iri
        if not candidates:
            raise SourceError(f"{what} {name!r} is not declared in this or another fact file",
                              where=where)
        if len(candidates) > 1:
            ids = ", ".join(tail(e.iri) for e in candidates)
            raise SourceError(f"{what} {name!r} names several people ({ids}); refer to one by id",
                              where=where)
        entity = candidates[0]
        if entity.kind not in kinds:
            raise SourceError(f"{what} {name!r} is a {entity.kind}, expected {' or '.join(kinds)}",
                              where=where)
        return entity.iri

    def label(self, iri: NamedNode) -> str:
        return self.labels.get(iri.value, tail(iri))
