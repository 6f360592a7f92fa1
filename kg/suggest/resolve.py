"""Entity resolution: a suggested person is the graph's person only when the name *and* the
context (the unit, or the title) agree; a name alone is a possible namesake, reported as a
warning, and the person gets a new identifier of their own.

>>> from .gazetteer import Gazetteer, KnownPerson
>>> m = {"role": "Cục trưởng", "organisation": "Cục X", "org_iri": "https://w3id.org/tnmt-kg/org/x"}
>>> g = Gazetteer(people=[KnownPerson("https://w3id.org/tnmt-kg/person/nguyen-van-a", "Nguyễn Văn A", (),
...     [m])])
>>> new_id("Nguyễn Văn A", g)
'nguyen-van-a-2'
"""

from __future__ import annotations

import re

from .gazetteer import Gazetteer, KnownPerson, org_key
from .reader import Suggestions
from .text import fold
from .titles import vocabulary


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")


def new_id(name: str, gazetteer: Gazetteer, taken: set[str] | None = None) -> str:
    """A person identifier from the name, unused by the graph (namesakes get ``-2``, ``-3`` …)."""
    used = {p.id for p in gazetteer.people} | (taken or set())
    base, n = slug(name), 1
    candidate = base
    while candidate in used:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _agrees(person: KnownPerson, title: str, organisation: str, organisation_iri: str | None) -> str | None:
    """Why the graph's person fits this mention (same unit, or same title), or None."""
    for m in person.memberships:
        if organisation_iri and m["org_iri"] == organisation_iri:
            return f"holds {m['role']} in {m['organisation']} in the graph"
        if organisation and org_key(m["organisation"]) == org_key(organisation):
            return f"holds {m['role']} in {m['organisation']} in the graph"
    for m in person.memberships:
        if fold(m["role"]).removeprefix("pho ") == fold(title).removeprefix("pho "):
            return f"holds {m['role']} in the graph"
    return None


def resolve(suggestions: Suggestions, gazetteer: Gazetteer) -> Suggestions:
    """Fill ``person_iri``/``person_id`` and ``role`` of every fact; warn of namesakes."""
    roles = vocabulary()
    assigned: dict[str, str] = {}  # folded name → the new id given in this text
    taken: set[str] = set()
    for fact in suggestions.facts:
        fact.role = roles.slug(fact.title)
        if fact.organisation and not fact.organisation_iri:
            known = gazetteer.organisation(fact.organisation)
            fact.organisation_iri = known.iri if known else None
            fact.organisation_label = known.name if known else None
        key = fold(fact.person)
        candidates = gazetteer.people_named(fact.person)
        match = None
        for person in candidates:
            why = _agrees(person, fact.title, fact.organisation, fact.organisation_iri)
            if why:
                match = (person, why)
                break
        if match:
            person, why = match
            fact.person_iri, fact.person_id = person.iri, person.id
            fact.reason += f"; person: the graph's {person.name} ({why})"
            continue
        if candidates and not any(w.get("kind") == "namesake" and fold(w["person"]) == key
                                  for w in suggestions.warnings):
            roles_of = {p.iri: ", ".join(m["role"] + " " + m["organisation"] for m in p.memberships)
                        for p in candidates}
            known = "; ".join(f"{iri} ({held or 'no role'})" for iri, held in roles_of.items())
            suggestions.warnings.append({
                "kind": "namesake", "person": fact.person, "title": fact.title,
                "organisation": fact.organisation, "date": fact.date, "sentence": fact.sentence,
                "message": f"the graph has a person of this name ({known}) whose roles do not match "
                           f"this text; not merged: check, and give the same id if they are one"})
        if key not in assigned:
            assigned[key] = new_id(fact.person, gazetteer, taken)
            taken.add(assigned[key])
        fact.person_id = assigned[key]
        fact.reason += "; person: new to the graph"
    return suggestions
