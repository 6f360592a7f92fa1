"""Rosters and comparisons: who held which role in a unit and its sub-units on a day, and what
changed between two years.

A unit's roster covers the unit, every unit under it (``org:subOrganizationOf``, at any depth)
and the units holding a role in it (a competition bloc's members). A role is held on a day when
its known period contains the day (a missing end: not known to have ended; a missing beginning:
held from before) or when a source attests it on that very day. Dates are compared here, not in
the query (a remote engine may drop rows on date-range filters in joins).

>>> held_on(TimelineSpan("m", dt.date(2021, 1, 1), dt.date(2021, 12, 31), None), dt.date(2021, 12, 20))
'interval'
>>> held_on(TimelineSpan("m", None, None, dt.date(2021, 12, 20)), dt.date(2021, 12, 21)) is None
True
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import Store

from . import sparql
from .graph_queries import _batches, _nodes, _select, node_details
from .memberships import Membership
from .people import Evidence, memberships_with_evidence
from .records import happened_by, is_day, lasting_on, parse_when, unit_exists_in
from .timeline import TimelineRow, TimelineSpan, _role_rank, _timeline_rows

#: Most units a roster covers, and most memberships it reads.
MAX_UNITS = 2000
MAX_ROWS = 5000

def held_on(span: TimelineSpan, day: dt.date) -> str | None:
    """How a span holds on ``day``: ``interval``, ``open`` (begun, end not known), ``attested``
    (a source shows it that day), or ``None``."""
    if span.assigned:
        return None
    if span.attested:
        return "attested" if is_day(span.day, day) else None
    if span.begin is None and span.end is None:
        return None
    # A month or a year a source gives counts only where the whole of it is on the right side.
    if (span.begin is None or happened_by(span.begin, day)) and lasting_on(span.end, day):
        return "interval" if span.end is not None else "open"
    return None


def held_in(span: TimelineSpan, year: int) -> bool:
    """Whether a span touches ``year`` (an open end counts as still held)."""
    if span.assigned:
        return False
    if span.attested:
        return span.day is not None and span.day.year == year
    if span.begin is None and span.end is None:
        return False
    return (span.begin is None or span.begin.year <= year) and (span.end is None or year <= span.end.year)


@dataclass
class Unit:
    iri: str
    label: str
    kind: str
    parent: str | None = None
    depth: int = 0
    founded: dt.date | None = None
    dissolved: dt.date | None = None

    def exists_in(self, year: int) -> bool:
        return unit_exists_in(self.founded, self.dissolved, year)

    def to_dict(self) -> dict[str, Any]:
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return {"iri": self.iri, "label": self.label, "kind": self.kind, "parent": self.parent,
                "depth": self.depth, "founded": iso(self.founded), "dissolved": iso(self.dissolved)}


def units_under(store: Store, org: str) -> tuple[list[Unit], bool]:
    """The organisation, the units under it at any depth and its member units, tree order."""
    parents: dict[str, str] = {}
    query = sparql.fill(sparql.load("people/units-under"), "org", _nodes([org]))
    rows = list(_select(store, sparql.limit(query, MAX_UNITS + 1)))
    for r in rows[:MAX_UNITS]:
        if r["unit"].value != org:
            parents.setdefault(r["unit"].value, r["parent"].value)
    iris = [org, *sorted(parents)]
    details = node_details(store, iris)
    dates: dict[str, dict[str, dt.date]] = defaultdict(dict)
    for batch in _batches(iris):
        for r in _select(store, sparql.fill(sparql.load("people/unit-dates"), "unit", _nodes(batch))):
            for key in ("founded", "dissolved"):
                if r[key] is not None:
                    day = parse_when(r[key].value)
                    if day is not None:
                        dates[r["unit"].value][key] = day
    children: dict[str, list[str]] = defaultdict(list)
    for unit, parent in parents.items():
        children[parent if parent in parents or parent == org else org].append(unit)
    out: list[Unit] = []

    def walk(iri: str, parent: str | None, depth: int) -> None:
        if any(u.iri == iri for u in out) or depth > 12:
            return
        node = details[iri]
        out.append(Unit(iri, node.label, node.kind, parent, depth, dates[iri].get("founded"),
                        dates[iri].get("dissolved")))
        for child in sorted(children.get(iri, []), key=lambda c: details[c].label):
            walk(child, iri, depth + 1)

    walk(org, None, 0)
    return out, len(rows) > MAX_UNITS


@dataclass
class RosterEntry:
    """One role held on the day: in which unit, by whom, how it matched, and its evidence."""

    unit: Unit
    membership: Membership
    matched: str  # interval | open | attested
    evidence: Evidence

    def to_dict(self) -> dict[str, Any]:
        m = self.membership
        return {"unit": {"iri": self.unit.iri, "label": self.unit.label}, "membership": m.iri,
                "member": m.member.as_json(), "role": m.role.as_json(), "begin": m.begin, "end": m.end,
                "attested": sorted(m.attested), "matched": self.matched, "evidence": self.evidence.to_dict()}


@dataclass
class Roster:
    org: str
    org_label: str
    day: dt.date
    units: list[Unit]
    entries: list[RosterEntry]
    truncated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"org": self.org, "org_label": self.org_label, "date": self.day.isoformat(),
                "units": [u.to_dict() for u in self.units], "count": len(self.entries),
                "entries": [e.to_dict() for e in self.entries], "truncated": self.truncated}

    def csv(self, *, bom: bool = True) -> str:
        """The roster as CSV (a UTF-8 byte-order mark first, so spreadsheet programs read Vietnamese)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["date", "unit", "unit_iri", "role", "holder", "holder_iri", "matched", "begin",
                         "end", "attested", "sources", "quote", "membership"])
        for e in self.entries:
            m = e.membership
            writer.writerow([self.day.isoformat(), e.unit.label, e.unit.iri, m.role.text, m.member.text,
                             m.member.value, e.matched, m.begin or "", m.end or "",
                             " ".join(sorted(m.attested)), "; ".join(c.text for c in e.evidence.citations),
                             " | ".join(e.evidence.quotes), m.iri])
        return ("\ufeff" if bom else "") + out.getvalue()


def _rows(store: Store, units: list[Unit]) -> tuple[list[TimelineRow], bool]:
    return _timeline_rows(store, [u.iri for u in units], limit=MAX_ROWS)


def roster(store: Store, org: str, day: dt.date) -> Roster:
    """Who held which role in ``org`` (an IRI), its sub-units and member units on ``day``."""
    units, truncated = units_under(store, org)
    rows, more = _rows(store, units)
    matched: dict[str, str] = {}
    for row in rows:
        for span in row.spans:
            how = held_on(span, day)
            if how:
                matched[span.membership] = how
    by_unit = {u.iri: u for u in units}
    order = {u.iri: i for i, u in enumerate(units)}
    entries = [RosterEntry(by_unit[m.organization.value], m, matched[m.iri], ev)
               for m, ev in memberships_with_evidence(store, sorted(matched))
               if m.organization.value in by_unit]
    entries.sort(key=lambda e: (order[e.unit.iri], _role_rank(e.membership.role.value),
                                e.membership.member.text, e.membership.iri))
    return Roster(org, units[0].label if units else org, day, units, entries, truncated or more)


@dataclass
class Holding:
    """A (member, role, unit) held at some time of a year."""

    member: str
    member_label: str
    role: str
    role_label: str
    unit: str
    unit_label: str
    memberships: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"member": self.member, "member_label": self.member_label, "role": self.role,
                "role_label": self.role_label, "unit": self.unit, "unit_label": self.unit_label,
                "memberships": self.memberships}


@dataclass
class Comparison:
    org: str
    org_label: str
    start: int
    end: int
    came: list[Holding]
    left: list[Holding]
    stayed: list[Holding]
    units_appeared: list[Unit]
    units_ended: list[Unit]
    assigned: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"org": self.org, "org_label": self.org_label, "from": self.start, "to": self.end,
                "came": [h.to_dict() for h in self.came], "left": [h.to_dict() for h in self.left],
                "stayed": [h.to_dict() for h in self.stayed],
                "units_appeared": [u.to_dict() for u in self.units_appeared],
                "units_ended": [u.to_dict() for u in self.units_ended], "assigned": self.assigned,
                "truncated": self.truncated}


def compare(store: Store, org: str, start: int, end: int) -> Comparison:
    """Who held a role in ``org`` and its units in year ``end`` and not in ``start`` (came), the
    reverse (left: no source shows them in the role any more), who stayed; the units no source
    dates out of ``end`` but out of ``start`` (appeared), and the reverse (ended); and the roles
    assigned in advance for ``end`` (an assignment is not a role held)."""
    units, truncated = units_under(store, org)
    rows, more = _rows(store, units)

    def holdings(year: int) -> dict[tuple[str, str, str], Holding]:
        out: dict[tuple[str, str, str], Holding] = {}
        for r in rows:
            spans = [s for s in r.spans if held_in(s, year)]
            if spans:
                key = (r.member, r.role, r.org)
                out[key] = Holding(r.member, r.member_label, r.role, r.role_label, r.org, r.org_label,
                                   [s.membership for s in spans])
        return out

    before, after = holdings(start), holdings(end)

    Key = tuple[str, str, str]

    def ordered(keys: set[Key], source: dict[Key, Holding]) -> list[Holding]:
        return sorted((source[k] for k in keys), key=lambda h: (h.unit_label, h.role_label, h.member_label))

    assigned = _assigned_for(store, units, end)
    return Comparison(
        org, units[0].label if units else org, start, end,
        came=ordered(set(after) - set(before), after), left=ordered(set(before) - set(after), before),
        stayed=ordered(set(after) & set(before), after),
        units_appeared=[u for u in units if u.exists_in(end) and not u.exists_in(start)],
        units_ended=[u for u in units if u.exists_in(start) and not u.exists_in(end)],
        assigned=assigned, truncated=truncated or more)


def _assigned_for(store: Store, units: list[Unit], year: int) -> list[dict[str, Any]]:
    """Roles in the units assigned in advance for a period touching ``year``."""
    out = []
    by_iri = {u.iri: u for u in units}
    query = sparql.load("people/assignments-in")
    for batch in _batches([u.iri for u in units]):
        for r in _select(store, sparql.fill(query, "unit", _nodes(batch))):
            if int(r["first"].value[:4]) <= year <= int(r["last"].value[:4]):
                unit = by_iri[r["unit"].value]
                out.append({"member": r["member"].value, "member_label": r["ml"].value,
                            "role_label": r["rl"].value, "unit": unit.iri, "unit_label": unit.label,
                            "date": r["date"].value})
    return sorted(out, key=lambda a: (a["unit_label"], a["role_label"], a["member_label"]))
