"""The ministry over time as read models: its units with their days, the holders of their heads'
roles, the changes of its structure, and its tree of units on a day with what changed since.

Everything is read with a few SPARQL SELECTs over the union of the store's graphs (DISTINCT: an
entity declared by several sources has its triples in several named graphs), and the days are
compared here, in Python, on ISO dates: Virtuoso 7 drops rows on ``xsd:date`` range filters in
joins, and the sets involved (the ministry's units and their heads) are small.

The rules for time are those of ``docs/model.md`` ("Time", "The ministry over time"):

* a unit exists on day D when no source says it was founded after D (``schema:foundingDate``)
  or dissolved on or before D (``schema:dissolutionDate``), as ``queries/units-on-date.rq``; a
  unit with neither date is listed apart, as "dates unknown";
* a head holds the role on D when ``beginning ≤ D ≤ end`` (both days held; an unknown end leaves
  the term open, as ``queries/minister-on-date.rq``), when a source attests the role on D
  (``time:inside``), or, for a term whose only known day is its end, on that day alone: nothing
  is assumed about the days a source does not speak of, so a gap stays a gap.

>>> parse_day("2022-11-01", where="date")
datetime.date(2022, 11, 1)
>>> Holder("p", "A", "r", "Cục trưởng", "m", attested=dt.date(2020, 5, 9)).held_in(2020)
True

The queries are in ``kg/sparql/ministry/``; those about the ministry name it as
``unit:bo-tai-nguyen-va-moi-truong`` (:data:`MINISTRY`):

>>> all(f"unit:{local_name(MINISTRY)}" in sparql.load(f"ministry/{q}") for q in ("units", "heads", "changes"))
True
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from pyoxigraph import Literal, NamedNode, Store

from . import sparql
from .errors import BadInput
from .labels import label_languages
from .records import happened_by, is_day, last_day_of, lasting_on, parse_when, unit_exists_in, unit_exists_on
from .vocab import BASE, local_name

MINISTRY = BASE + "org/bo-tai-nguyen-va-moi-truong"
#: The roles of the head of a unit, and their acting / in-charge variants (ontology/roles*.ttl).
HEAD_ROLES = tuple(BASE + "role/" + r for r in (
    "cuc-truong", "quyen-cuc-truong", "pho-cuc-truong-phu-trach",
    "tong-cuc-truong", "quyen-tong-cuc-truong", "pho-tong-cuc-truong-phu-trach",
    "vu-truong", "pho-vu-truong-phu-trach", "chanh-van-phong", "chanh-thanh-tra",
    "vien-truong", "pho-vien-truong-phu-trach", "giam-doc", "tong-giam-doc", "tong-bien-tap",
    "hieu-truong"))
MINISTER_ROLES = (BASE + "role/bo-truong", BASE + "role/quyen-bo-truong")

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_day(value: str | dt.date | None, *, where: str) -> dt.date:
    """A day given as ``YYYY-MM-DD``; :class:`BadInput` naming ``where`` otherwise."""
    if isinstance(value, dt.date):
        return value
    text = (value or "").strip()
    try:
        if _DAY.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise BadInput(f"{where} must be a day written YYYY-MM-DD, not {text!r}", where=where)


def sort_key(label: str) -> str:
    """Vietnamese labels in alphabetical order, diacritics aside (Đ with D)."""
    plain = unicodedata.normalize("NFKD", label.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


def select(store: Store, query: str) -> list[dict[str, str]]:
    """The rows of a SELECT (a query's text, from :func:`kg.sparql.load`), each a dict of strings."""
    result = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]


# --------------------------------------------------------------------------- units and heads


@dataclass(frozen=True)
class Holder:
    """Who held a head's (or the minister's) role, and the days the sources give for it."""

    person: str
    name: str
    role: str
    role_label: str
    membership: str
    begin: dt.date | None = None
    end: dt.date | None = None
    attested: dt.date | None = None

    def held_on(self, day: dt.date) -> bool:
        """Surely held that day: a month or a year a source gives counts only where the whole of
        it is on the right side of the day."""
        if self.attested is not None:
            return is_day(self.attested, day)
        if self.begin is not None:
            return happened_by(self.begin, day) and lasting_on(self.end, day)
        return is_day(self.end, day)

    def held_in(self, year: int) -> bool:
        if self.attested is not None:
            return self.attested.year == year
        if self.begin is not None:
            return self.begin.year <= year and (self.end is None or year <= self.end.year)
        return self.end is not None and self.end.year == year

    @property
    def when(self) -> str:
        """The days as the sources give them, never a period they do not state."""
        if self.attested:
            return f"attested {self.attested.isoformat()}"
        if self.begin and self.end:
            return f"{self.begin.isoformat()} – {self.end.isoformat()}"
        if self.begin:
            return f"from {self.begin.isoformat()} (end not known)"
        return f"until {self.end.isoformat()} (beginning not known)" if self.end else "dates not known"

    def to_dict(self) -> dict[str, Any]:
        return {"person": self.person, "name": self.name, "role": self.role, "role_label": self.role_label,
                "membership": self.membership, "when": self.when,
                **{k: getattr(self, k).isoformat() if getattr(self, k) else None
                   for k in ("begin", "end", "attested")}}


@dataclass
class Unit:
    """An organisation under the ministry, with the days its sources give."""

    iri: str
    label: str
    parents: set[str] = field(default_factory=set)
    founded: dt.date | None = None
    dissolved: dt.date | None = None
    operated_until: dt.date | None = None
    heads: list[Holder] = field(default_factory=list)

    @property
    def dates_known(self) -> bool:
        return self.founded is not None or self.dissolved is not None

    def exists_on(self, day: dt.date) -> bool:
        return unit_exists_on(self.founded, self.dissolved, day)

    def exists_in(self, year: int) -> bool:
        return unit_exists_in(self.founded, self.dissolved, year)

    def to_dict(self) -> dict[str, Any]:
        return {"iri": self.iri, "label": self.label, "dates_known": self.dates_known,
                **{k: getattr(self, k).isoformat() if getattr(self, k) else None
                   for k in ("founded", "dissolved", "operated_until")}}


def in_reader_languages(text: str) -> str:
    """Fill a query's ``VALUES (?lang1 ?lang2)`` with the reader's language and the other one
    as the fallback (:func:`kg.labels.label_languages`; Vietnamese first by default)."""
    first, second = (tuple(label_languages()) + ("vi", "en"))[:2]
    return sparql.fill(text, ("lang1", "lang2"), [(Literal(first), Literal(second))])


def _within(when: dt.date, earlier: dt.date, day: dt.date) -> bool:
    """Whether ``when`` surely falls in (earlier, day]: a month or a year only when the whole of
    it does (a renaming "in 2014" is not said to fall between 1/6/2014 and 1/1/2015)."""
    return earlier < when and last_day_of(when) <= day


def units(store: Store) -> dict[str, Unit]:
    """The ministry and every organisation under it (``org:subOrganizationOf``, at any depth),
    each with its days and the holders of its head's role (the minister's for the ministry)."""
    found: dict[str, Unit] = {}
    for r in select(store, in_reader_languages(sparql.load("ministry/units"))):
        unit = found.setdefault(r["unit"], Unit(r["unit"], r.get("label") or local_name(r["unit"])))
        if "parent" in r:
            unit.parents.add(r["parent"])
        # Where sources disagree, the unit exists on any day one of them allows (as the query).
        founded, dissolved, operated = (parse_when(r.get(k)) for k in ("founded", "dissolved", "operated"))
        if founded and (unit.founded is None or founded < unit.founded):
            unit.founded = founded
        if dissolved and (unit.dissolved is None or dissolved > unit.dissolved):
            unit.dissolved = dissolved
        if operated and (unit.operated_until is None or operated > unit.operated_until):
            unit.operated_until = operated
    roles = [NamedNode(r) for r in HEAD_ROLES + MINISTER_ROLES]
    heads = in_reader_languages(sparql.fill(sparql.load("ministry/heads"), "role", roles))
    for r in select(store, heads):
        unit = found.get(r["org"])
        is_minister = r["role"] in MINISTER_ROLES
        if unit is None or is_minister != (unit.iri == MINISTRY):
            continue
        holder = Holder(r["person"], r.get("name") or r.get("foafName") or local_name(r["person"]), r["role"],
                        r.get("roleLabel") or local_name(r["role"]), r["m"], parse_when(r.get("begin")),
                        parse_when(r.get("end")), parse_when(r.get("inside")))
        if holder not in unit.heads:
            unit.heads.append(holder)
    for unit in found.values():
        unit.heads.sort(key=lambda h: (h.begin or h.attested or h.end or dt.date.max, sort_key(h.name)))
    return found


def distinct_holders(holders: Iterable[Holder]) -> list[Holder]:
    """One holder per person and role: a term before the days a source merely attests."""
    chosen: dict[tuple[str, str], Holder] = {}
    for h in sorted(holders, key=lambda h: h.attested is not None):
        chosen.setdefault((h.person, h.role), h)
    return sorted(chosen.values(), key=lambda h: (h.begin or h.attested or h.end or dt.date.max,
                                                  sort_key(h.name)))


def children_of(all_units: dict[str, Unit], parent: str) -> list[Unit]:
    return sorted((u for u in all_units.values() if parent in u.parents), key=lambda u: sort_key(u.label))


# --------------------------------------------------------------------------- the ministry on a day


@dataclass
class UnitNode:
    unit: Unit
    heads: list[Holder]
    children: list[UnitNode]

    def to_dict(self) -> dict[str, Any]:
        return {**self.unit.to_dict(), "heads": [h.to_dict() for h in self.heads],
                "units": [c.to_dict() for c in self.children]}


@dataclass
class ChangeSource:
    iri: str
    title: str
    url: str = ""
    identifier: str = ""


@dataclass
class Change:
    """An ``org:ChangeEvent`` of the ministry's structure, with the sources that state it."""

    iri: str
    kind: str
    date: dt.date
    original: list[tuple[str, str]] = field(default_factory=list)   # (iri, label)
    resulting: list[tuple[str, str]] = field(default_factory=list)
    conflicts_with: list[str] = field(default_factory=list)
    sources: list[ChangeSource] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"iri": self.iri, "kind": self.kind, "date": self.date.isoformat(),
                "original": [{"iri": i, "label": la} for i, la in self.original],
                "resulting": [{"iri": i, "label": la} for i, la in self.resulting],
                "conflicts_with": self.conflicts_with, "sources": [asdict(s) for s in self.sources]}


@dataclass
class Structure:
    """The ministry on a day: its minister(s), its tree of units with their heads, and what
    changed since an earlier day."""

    date: dt.date
    ministry: UnitNode
    exists: bool
    since: dt.date | None = None
    changes: list[Change] = field(default_factory=list)
    founded: list[Unit] = field(default_factory=list)
    ended: list[Unit] = field(default_factory=list)
    ended_by: list[Change] = field(default_factory=list)
    passed_on: list[tuple[Unit, tuple[str, str]]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "since": self.since.isoformat() if self.since else None,
                "ministry_exists": self.exists, "ministry": self.ministry.to_dict(),
                "changes": [c.to_dict() for c in self.changes],
                "founded": [u.to_dict() for u in self.founded], "ended": [u.to_dict() for u in self.ended],
                "ended_by": [c.to_dict() for c in self.ended_by],
                "passed_on": [{**u.to_dict(), "now_under": {"iri": iri, "label": label}}
                              for u, (iri, label) in self.passed_on]}


def default_day(store: Store) -> dt.date:
    """The ministry's last day when a source gives its end, else today."""
    ministry = units(store).get(MINISTRY)
    if ministry and ministry.dissolved:
        return ministry.dissolved - dt.timedelta(days=1)
    return dt.date.today()


def structure(store: Store, date: dt.date | str, since: dt.date | str | None = None) -> Structure:
    """The tree of units under the ministry on ``date`` (the rule of ``units-on-date``), each with
    its head(s) that day; with ``since``, the changes of structure dated in (since, date].

    :raises BadInput: a day not written ``YYYY-MM-DD``, or ``since`` after ``date``.
    """
    day = parse_day(date, where="date")
    earlier = parse_day(since, where="since") if since not in (None, "") else None
    if earlier is not None and earlier > day:
        raise BadInput(f"since ({earlier.isoformat()}) must not be after date ({day.isoformat()})",
                       where="since")
    all_units = units(store)
    ministry = all_units.get(MINISTRY) or Unit(MINISTRY, "Bộ Tài nguyên và Môi trường")

    def node(unit: Unit, seen: frozenset[str]) -> UnitNode:
        children = [node(c, seen | {c.iri}) for c in children_of(all_units, unit.iri)
                    if c.exists_on(day) and c.iri not in seen]
        return UnitNode(unit, distinct_holders(h for h in unit.heads if h.held_on(day)), children)

    result = Structure(day, node(ministry, frozenset({MINISTRY})), ministry.exists_on(day), earlier)
    all_changes = changes(store) if earlier is not None or not result.exists else []
    if not result.exists:
        describe_the_end(store, result, all_units, all_changes)
    if earlier is not None:
        result.changes = [c for c in all_changes if _within(c.date, earlier, day)]
        under = [u for u in all_units.values() if u.iri != MINISTRY]
        result.founded = sorted((u for u in under if u.founded and _within(u.founded, earlier, day)),
                                key=lambda u: (u.founded, sort_key(u.label)))
        result.ended = sorted((u for u in under + [ministry]
                               if u.dissolved and _within(u.dissolved, earlier, day)),
                              key=lambda u: (u.dissolved, sort_key(u.label)))
    return result


def describe_the_end(store: Store, result: Structure, all_units: dict[str, Unit],
                     all_changes: list[Change]) -> None:
    """On a day the ministry did not exist it has no units (as ``units-on-date``); say instead
    which change ended it, and which of its units went on under the body it became."""
    day = result.date
    result.ministry.children = []
    result.ended_by = [c for c in all_changes
                       if c.date <= day and any(iri == MINISTRY for iri, _ in c.original)]
    successors = dict(pair for c in result.ended_by for pair in c.resulting)
    if not successors:
        return
    query = sparql.fill(sparql.load("ministry/passed-on"), "successor", map(NamedNode, sorted(successors)))
    result.passed_on = sorted(
        ((all_units[r["unit"]], (r["successor"], successors[r["successor"]])) for r in select(store, query)
         if r["unit"] in all_units and all_units[r["unit"]].exists_on(day)),
        key=lambda item: sort_key(item[0].label))


def changes(store: Store) -> list[Change]:
    """Every change of structure with the ministry or one of its units on either side."""
    found: dict[str, Change] = {}
    sides: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: {"original": {}, "resulting": {}})
    for r in select(store, in_reader_languages(sparql.load("ministry/changes"))):
        day = parse_when(r["date"])
        if day is None:
            continue
        found.setdefault(r["change"], Change(r["change"], local_name(r["class"]), day))
        sides[r["change"]][r["side"]][r["org"]] = r.get("label") or local_name(r["org"])
    if not found:
        return []
    changed = [NamedNode(iri) for iri in sorted(found)]
    for r in select(store, sparql.fill(sparql.load("ministry/change-sources"), "change", changed)):
        change = found[r["change"]]
        if all(s.iri != r["source"] for s in change.sources):
            change.sources.append(ChangeSource(r["source"], r.get("title", ""), r.get("url", ""),
                                               r.get("identifier", "")))
    for r in select(store, sparql.fill(sparql.load("ministry/change-conflicts"), "change", changed)):
        found[r["change"]].conflicts_with.append(r["other"])
    for iri, change in found.items():
        for side in ("original", "resulting"):
            orgs = sorted(sides[iri][side].items(), key=lambda item: sort_key(item[1]))
            setattr(change, side, orgs)
    return sorted(found.values(), key=lambda c: (c.date, c.iri))
