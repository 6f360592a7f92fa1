"""The timeline: who held which role in an organisation and its units, year by year; a person's roles.

Rows over a time axis (a role held for a known period is a bar, a role a source attests on one
day is a mark, a role assigned in advance is an outlined bar), the yearly rotation of roles held
for a period, and roles assigned in advance for a year, listed apart (an assignment is not a role
held). An organisation's timeline also has the roles it holds itself (a Cục as bloc head); a
person's timeline (:func:`person_timeline`) has the roles the person held.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import NamedNode, Store

from . import sparql
from .graph_model import _ORG_KINDS
from .graph_queries import _batches, _nodes, _select, node_details, role_labels
from .records import parse_when
from .vocab import local_name

# --- the timeline ------------------------------------------------------------------------------

#: Roles listed first, in this order (heads before deputies before members).
ROLE_ORDER = ("truong-khoi", "khoi-pho", "thanh-vien-khoi", "cuc-truong", "pho-cuc-truong", "vu-truong",
              "pho-vu-truong-phu-trach")
TIMELINE_ROW_LIMIT = 2000


@dataclass
class TimelineSpan:
    """One membership on the time axis: a known interval, or a mark at an attested date."""

    membership: str  # the membership, or the personnel event of an assignment
    begin: dt.date | None
    end: dt.date | None
    day: dt.date | None  # the day attested, or the day of the assignment
    quote: str = ""
    assigned: bool = False  # a role assigned in advance for [begin, end], not a role held

    @property
    def attested(self) -> bool:
        return not self.assigned and self.day is not None and self.begin is None and self.end is None

    @property
    def how(self) -> str:
        """``interval``, ``attested``, ``assigned`` or ``undated``: how the span is known."""
        if self.assigned:
            return "assigned"
        if self.attested:
            return "attested"
        return "interval" if self.begin or self.end else "undated"

    def years(self) -> list[int]:
        if self.attested:
            return [self.day.year]  # type: ignore[union-attr]
        if self.begin and self.end:
            return list(range(self.begin.year, self.end.year + 1))
        return [d.year for d in (self.begin, self.end) if d]

    def to_dict(self) -> dict[str, Any]:
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return {"membership": self.membership, "begin": iso(self.begin), "end": iso(self.end),
                "day": iso(self.day), "attested": self.attested, "assigned": self.assigned, "how": self.how,
                "quote": self.quote}


@dataclass
class TimelineRow:
    """Who held which role where, with every span of it."""

    member: str
    member_label: str
    member_kind: str
    role: str
    role_label: str
    org: str
    org_label: str
    spans: list[TimelineSpan]

    def to_dict(self) -> dict[str, Any]:
        return {"member": self.member, "member_label": self.member_label, "member_kind": self.member_kind,
                "role": self.role, "role_label": self.role_label, "org": self.org,
                "org_label": self.org_label, "spans": [s.to_dict() for s in self.spans]}


@dataclass
class Timeline:
    org: str
    org_label: str
    org_kind: str
    rows: list[TimelineRow]  # roles held in the organisation itself
    unit_rows: list[TimelineRow]  # roles held in its member units and sub-organisations
    years: list[int]
    rotation: list[dict[str, Any]]  # per year: the holders of each yearly (interval) role
    truncated: bool = False
    held_rows: list[TimelineRow] = field(default_factory=list)  # roles the organisation (person) holds

    @property
    def is_person(self) -> bool:
        return self.org_kind == "person"

    def to_dict(self) -> dict[str, Any]:
        return {"org": self.org, "org_label": self.org_label, "org_kind": self.org_kind,
                "years": self.years, "rotation": self.rotation, "truncated": self.truncated,
                "rows": [r.to_dict() for r in self.rows], "unit_rows": [r.to_dict() for r in self.unit_rows],
                "held_rows": [r.to_dict() for r in self.held_rows]}


def default_timeline_org(store: Store) -> str | None:
    """The bloc with the most yearly roles (memberships with a known period); else the organisation
    with the most memberships."""
    for name in ("graph/timeline-default-bloc", "graph/timeline-default-org"):
        row = next(_select(store, sparql.load(name)), None)
        if row is not None and row["org"] is not None:
            return row["org"].value
    return None


def _date(term: Any) -> dt.date | None:
    """A day, or the month or year a source gives (:class:`kg.records.PartialDate`)."""
    return None if term is None else parse_when(term.value)


def _timeline_rows(store: Store, orgs: Sequence[str], *, people_only: bool = False, limit: int,
                   query: str | None = None, by: str = "org") -> tuple[list[TimelineRow], bool]:
    """Rows of the memberships in ``orgs`` (or, with ``query`` and ``by="member"``, of other
    rows named alike: the roles held by members, the roles assigned to them)."""
    name = query or ("graph/timeline-memberships-people" if people_only else "graph/timeline-memberships")
    text = sparql.load(name)
    assigned = name.endswith("assignments-of")
    grouped: dict[tuple[str, str, str], list[TimelineSpan]] = defaultdict(list)
    count = 0
    truncated = False
    for batch in _batches(list(orgs)):
        filled = sparql.limit(sparql.fill(text, by, _nodes(batch)), limit - count + 1)
        for r in _select(store, filled):
            count += 1
            if count > limit:
                truncated = True
                break
            grouped[(r["member"].value, r["role"].value, r["org"].value)].append(
                TimelineSpan(r["m"].value, _date(r["from"]), _date(r["to"]), _date(r["day"]),
                             assigned=assigned))
        if truncated:
            break
    if not grouped:
        return [], truncated
    iris = sorted({k for key in grouped for k in (key[0], key[2])})
    details = node_details(store, iris)
    roles = sorted({key[1] for key in grouped})
    names = {r: local_name(r) for r in roles} | role_labels(store, roles)
    memberships = sorted({s.membership for spans in grouped.values() for s in spans})
    quotes: dict[str, str] = {}
    quoted = sparql.load("graph/membership-quotes")
    for batch in _batches(memberships):
        for r in _select(store, sparql.fill(quoted, "f", _nodes(batch))):
            quotes[r["f"].value] = r["quote"].value
    rows = []
    for (member, role, org), spans in grouped.items():
        for s in spans:
            s.quote = quotes.get(s.membership, "")
        spans.sort(key=lambda s: (s.begin or s.day or dt.date.max))
        rows.append(TimelineRow(member, details[member].label, details[member].kind, role,
                                names[role], org, details[org].label, spans))
    rows.sort(key=lambda r: (_role_rank(r.role), r.org_label, r.spans[0].begin or r.spans[0].day
                             or dt.date.max, r.member_label))
    return rows, truncated


def _role_rank(role: str) -> int:
    slug = local_name(role)
    return ROLE_ORDER.index(slug) if slug in ROLE_ORDER else len(ROLE_ORDER)


def _assignments(store: Store, org: str) -> list[dict[str, Any]]:
    """Roles in ``org`` given in advance for coming years (tnmt:assignedFor): not held roles."""
    out = []
    query = sparql.fill(sparql.load("graph/timeline-assignments"), "unit", [NamedNode(org)])
    for r in _select(store, query):
        out.append({"member": r["member"].value, "member_label": r["ml"].value,
                    "role_label": r["rl"].value, "date": r["date"].value,
                    "first": int(r["first"].value[:4]), "last": int(r["last"].value[:4])})
    return out


def timeline(store: Store, org: str, *, limit: int = TIMELINE_ROW_LIMIT) -> Timeline:
    """Who held which role in ``org`` (an IRI) and in its member units and sub-organisations, by year.

    The rotation lists, year by year, the holders of every role held for a known period (for a
    bloc: its head and deputy units); roles the sources only attest on a day are marks, not years.
    """
    details = node_details(store, [org])[org]
    rows, truncated = _timeline_rows(store, [org], people_only=False, limit=limit)
    held, more = _held_rows(store, org, limit)
    truncated |= more
    subs = sparql.limit(sparql.fill(sparql.load("graph/sub-organisations"), "org", [NamedNode(org)]), limit)
    units = sorted({r.member for r in rows if r.member_kind in _ORG_KINDS}
                   | {r["u"].value for r in _select(store, subs)})
    unit_rows, more = _timeline_rows(store, units, people_only=True, limit=limit) if units else ([], False)
    truncated |= more
    assignments = _assignments(store, org)
    years = sorted({y for r in rows + unit_rows + held for s in r.spans for y in s.years()}
                   | {y for a in assignments for y in range(a["first"], a["last"] + 1)})
    if years:
        years = list(range(years[0], years[-1] + 1))
    rotation = []
    for year in years:
        holders: dict[str, list[dict[str, str]]] = {}
        for r in rows:
            if any(not s.attested and year in s.years() for s in r.spans):
                holders.setdefault(r.role_label, []).append({"iri": r.member, "label": r.member_label})
        attested = sorted({f"{r.role_label}: {r.member_label}" for r in rows
                           if any(s.attested and s.day and s.day.year == year for s in r.spans)})
        assigned = sorted({f"{a['role_label']}: {a['member_label']} ({a['date']})" for a in assignments
                           if a["first"] <= year <= a["last"]})
        rotation.append({"year": year, "holders": holders, "attested": attested, "assigned": assigned})
    return Timeline(org=org, org_label=details.label, org_kind=details.kind, rows=rows, unit_rows=unit_rows,
                    years=years, rotation=rotation, truncated=truncated, held_rows=held)


def _held_rows(store: Store, member: str, limit: int) -> tuple[list[TimelineRow], bool]:
    """The roles ``member`` holds itself, and those assigned to it in advance, as rows."""
    held, truncated = _timeline_rows(store, [member], limit=limit, query="graph/timeline-memberships-of",
                                     by="member")
    assigned, more = _timeline_rows(store, [member], limit=limit, query="graph/timeline-assignments-of",
                                    by="member")
    rows = held + assigned
    rows.sort(key=lambda r: (r.spans[0].begin or r.spans[0].day or dt.date.max, _role_rank(r.role),
                             r.org_label, any(s.assigned for s in r.spans)))
    return rows, truncated or more


def person_timeline(store: Store, person: str, *, limit: int = TIMELINE_ROW_LIMIT) -> Timeline:
    """The roles a person (an IRI) held, and any assigned to them, over a time axis."""
    details = node_details(store, [person])[person]
    held, truncated = _held_rows(store, person, limit)
    years = sorted({y for r in held for s in r.spans for y in s.years()})
    if years:
        years = list(range(years[0], years[-1] + 1))
    return Timeline(org=person, org_label=details.label, org_kind=details.kind, rows=[], unit_rows=[],
                    years=years, rotation=[], truncated=truncated, held_rows=held)


def restrict(tl: Timeline, *, role: str | None = None, year: int | None = None) -> Timeline:
    """Only the rows of ``role`` and the spans touching ``year`` (the axis and rotation narrowed too)."""
    def keep(rows: list[TimelineRow]) -> list[TimelineRow]:
        out = []
        for r in rows:
            if role and r.role != role:
                continue
            spans = [s for s in r.spans if year is None or year in s.years()
                     or (s.begin and s.end is None and s.begin.year <= year)]
            if spans:
                out.append(TimelineRow(r.member, r.member_label, r.member_kind, r.role, r.role_label, r.org,
                                       r.org_label, spans))
        return out

    if role is None and year is None:
        return tl
    rows, units, held = keep(tl.rows), keep(tl.unit_rows), keep(tl.held_rows)
    years = [year] if year is not None else tl.years
    rotation = [r for r in tl.rotation if year is None or r["year"] == year]
    return Timeline(org=tl.org, org_label=tl.org_label, org_kind=tl.org_kind, rows=rows, unit_rows=units,
                    years=years, rotation=rotation, truncated=tl.truncated, held_rows=held)
