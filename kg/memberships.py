"""Memberships for pages: who held which role in which organisation, when, and on what evidence.

Read with the queries of ``kg/sparql/entities``: the memberships of an entity, of a person, or
holding a role on a day, then each one's parties, time, quotes, sources and inferences in
batches (``VALUES`` blocks filled with the memberships' terms).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import Literal, NamedNode, Store, Variable

from . import sparql
from .errors import BadInput, NotFound
from .labels import Term, _batches, _relabel, _select, _term, format_vi_date, labels_of, parse_iri
from .vocab import XSD

#: Most membership rows.
MAX_MEMBERSHIPS = 500


@dataclass
class Inference:
    """An :class:`InferredStatement` about a node: what is inferred and why."""

    statement: str
    predicate: Term
    object: Term
    reasons: dict[str, str]
    quotes: list[str]

    @property
    def reason(self) -> str:
        return self.reasons.get("en") or self.reasons.get("vi") or next(iter(self.reasons.values()), "")


@dataclass
class Membership:
    """One ``org:Membership``: who held which role in which organisation, and when."""

    iri: str
    member: Term
    role: Term
    organization: Term
    begin: str | None = None
    end: str | None = None
    attested: list[str] = field(default_factory=list)
    inferences: list[Inference] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    sources: list[Term] = field(default_factory=list)

    @property
    def attested_only(self) -> bool:
        return bool(self.attested) and not (self.begin or self.end)

    @property
    def inferred(self) -> bool:
        return bool(self.inferences)

    @property
    def sort_key(self) -> tuple[str, str, str, str]:
        start = self.begin or (min(self.attested) if self.attested else "") or "9999"
        return (start, self.end or "9999", self.role.text, self.iri)

    @property
    def time_text(self) -> str:
        """The time as a page prints it: a period, or the day a source attests it."""
        if self.begin or self.end:
            return f"{self.begin or '…'} – {self.end or '…'}"
        if self.attested:
            days = ", ".join(format_vi_date(d) for d in sorted(self.attested))
            return f"ghi nhận ngày {days} (attested only)"
        return "(no time given)"

    def as_json(self) -> dict[str, Any]:
        return {
            "membership": self.iri,
            "member": self.member.as_json(),
            "role": self.role.as_json(),
            "organization": self.organization.as_json(),
            "begin": self.begin,
            "end": self.end,
            "attested": sorted(self.attested),
            "attested_only": self.attested_only,
            "inferred": [{"statement": i.statement, "reason": i.reasons} for i in self.inferences],
            "quotes": self.quotes,
            "sources": [s.as_json() for s in self.sources],
        }


def _inferences(store: Store, nodes: Sequence[NamedNode]) -> dict[str, list[Inference]]:
    """Inferred statements whose ``rdf:subject`` is one of the nodes, by subject IRI."""
    found: dict[str, dict[str, Inference]] = defaultdict(dict)
    query = sparql.load("entities/inferences")
    for batch in _batches(list(nodes)):
        for row in _select(store, sparql.fill(query, "subject", batch)):
            subject, statement = row["subject"].value, row["st"].value
            inference = found[subject].get(statement)
            if inference is None:
                inference = Inference(statement, _term(row["p"]), _term(row["o"]), {}, [])
                found[subject][statement] = inference
            inference.reasons[row["reason"].language or ""] = row["reason"].value
            if row["quote"] is not None and row["quote"].value not in inference.quotes:
                inference.quotes.append(row["quote"].value)
    return {s: list(by_statement.values()) for s, by_statement in found.items()}


def _is_a(store: Store, query: str, node: NamedNode) -> bool:
    return bool(store.query(sparql.load(query), use_default_graph_as_union=True,
                            substitutions={Variable("x"): node}))


def memberships_of(store: Store, iri: str) -> list[Membership]:
    """Memberships the IRI is the member, organisation or role of (or is itself), sorted by time."""
    node = parse_iri(iri)
    rows = _select(store, sparql.limit(sparql.load("entities/memberships_of"), MAX_MEMBERSHIPS), x=node)
    found = [r["m"] for r in rows if isinstance(r["m"], NamedNode)]
    if _is_a(store, "entities/is_membership", node):
        found.append(node)
    return membership_rows(store, found)


def membership_rows(store: Store, memberships: Sequence[NamedNode]) -> list[Membership]:
    """Role, member, organisation, time, inference, quotes and sources of each membership."""
    by_iri: dict[str, Membership] = {}
    intervals: dict[str, str] = {}
    parties, times, evidence = (sparql.load(f"entities/membership_{name}")
                                for name in ("parties", "times", "evidence"))
    for batch in _batches(list(dict.fromkeys(memberships))):
        for row in _select(store, sparql.fill(parties, "m", batch)):
            by_iri.setdefault(row["m"].value, Membership(row["m"].value, _term(row["member"]),
                                                         _term(row["role"]), _term(row["org"])))
        for row in _select(store, sparql.fill(times, "m", batch)):
            membership = by_iri.get(row["m"].value)
            if membership is None:
                continue
            if isinstance(row["i"], NamedNode):
                intervals[row["i"].value] = membership.iri
            if row["begin"] is not None:
                membership.begin = row["begin"].value
            if row["end"] is not None:
                membership.end = row["end"].value
            if row["day"] is not None and row["day"].value not in membership.attested:
                membership.attested.append(row["day"].value)
        for row in _select(store, sparql.fill(evidence, "m", batch)):
            membership = by_iri.get(row["m"].value)
            if membership is None:
                continue
            if row["quote"] is not None and row["quote"].value not in membership.quotes:
                membership.quotes.append(row["quote"].value)
            if row["source"] is not None and _term(row["source"]) not in membership.sources:
                membership.sources.append(_term(row["source"]))
    inferred = _inferences(store, [NamedNode(i) for i in [*by_iri, *intervals]])
    for subject, inferences in inferred.items():
        membership = by_iri.get(subject) or by_iri.get(intervals.get(subject, ""))
        if membership is not None:
            membership.inferences.extend(inferences)
    rows = list(by_iri.values())
    labels = labels_of(store, [t.value for m in rows for t in (m.member, m.role, m.organization, *m.sources)
                               if t.is_iri])
    for m in rows:
        m.member, m.role, m.organization = (_relabel(m.member, labels), _relabel(m.role, labels),
                                            _relabel(m.organization, labels))
        m.sources = [_relabel(s, labels) for s in m.sources]
    return sorted(rows, key=lambda m: m.sort_key)


def person_roles(store: Store, person_iri: str) -> list[Membership]:
    """The roles a person held, over time; :class:`NotFound` when the IRI is not a person."""
    node = parse_iri(person_iri)
    if not _is_a(store, "entities/is_person", node):
        raise NotFound("no person with this IRI", where=person_iri)
    rows = _select(store, sparql.limit(sparql.load("entities/person_memberships"), MAX_MEMBERSHIPS), x=node)
    return membership_rows(store, [r["m"] for r in rows])


@dataclass
class Holder:
    """A membership that holds on the asked date, and how it matched."""

    membership: Membership
    matched: str  # "interval" (begin <= date <= end) | "attested" (the source attests that day)


def holders(store: Store, *, role: str, date: str, organization: str | None = None) -> list[Holder]:
    """Who held ``role`` (in ``organization``) on ``date`` (``YYYY-MM-DD``).

    A membership matches when its interval contains the date (begin <= date <= end; a missing
    end is open) or when a source attests it on exactly that day.
    """
    try:
        day = dt.date.fromisoformat(date)
    except (TypeError, ValueError) as exc:
        raise BadInput("date must be YYYY-MM-DD", where="date") from exc
    bindings: dict[str, Any] = {"role": parse_iri(role), "date": Literal(day.isoformat(), datatype=XSD.date)}
    suffix = ""
    if organization:
        bindings["org"] = parse_iri(organization)
        suffix = "_org"
    # Two queries, each written in the order it runs fast (see the .rq files' comments).
    within = _select(store, sparql.limit(sparql.load("entities/holders_within" + suffix), MAX_MEMBERSHIPS),
                     **bindings)
    attested = _select(store, sparql.limit(sparql.load("entities/holders_attested" + suffix),
                                           MAX_MEMBERSHIPS), **bindings)
    how = {r["m"].value: "attested" for r in attested}
    how.update({r["m"].value: "interval" for r in within})
    found = membership_rows(store, [r["m"] for r in [*within, *attested]])
    order = {"interval": 0, "attested": 1}
    return sorted((Holder(m, how[m.iri]) for m in found),
                  key=lambda h: (order[h.matched], h.membership.sort_key))
