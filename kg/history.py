"""The ministry over time: units' dated claims, changes of structure, and tenures of roles.

A role held from one dated event to another (an appointment approved on one day, a
successor appointed on another) is one ``org:Membership`` whose ``org:memberDuring`` is a
``time:ProperInterval``: its beginning and end are the days of those events, and the events
themselves are ``tnmt:PersonnelEvent`` activities (``tnmt:startedBy`` / ``tnmt:endedBy``), each
with the source that states it. The two ends often come from different sources; they still
describe one tenure, so its IRI is computed across all sources (:func:`plan_tenures`) and
each source adds what it says about it to its own named graph.

A role is held on day D when ``beginning ≤ D ≤ end``, as for every interval of the graph: both
ends are days the sources tie to the role, so on the day of a handover (a minister relieved and
a successor approved the same day) both are listed; an unknown end leaves the term open.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from pyoxigraph import NamedNode

from .rdfwriter import GraphWriter, en, format_vi_date, local_midnight, tail, vi, xsd_date
from .records import PartialDate
from .sources import Assignment, Change, DatedClaim, Membership, Organisation
from .vocab import DCTERMS, ORG, PROV, RDF, RDFS, SCHEMA, TIME, TNMT, entity_iri

#: Dated claims about a unit → the property that carries the day.
ORGANISATION_DATES = (
    ("founded", SCHEMA.foundingDate),
    ("dissolved", SCHEMA.dissolutionDate),
    ("operated_until", TNMT.operatedUntil),
)

#: Kinds of change of structure → their class and Vietnamese / English names.
CHANGE_CLASSES = {
    "Split": ("Chia tách", "Split"),
    "Merger": ("Hợp nhất", "Merger"),
    "Replacement": ("Thay thế", "Replacement"),
    "Renaming": ("Đổi tên", "Renaming"),
    "Establishment": ("Thành lập", "Establishment"),
    "Dissolution": ("Giải thể", "Dissolution"),
}

#: Personnel events → Vietnamese / English names (the concept scheme of ontology/events.ttl).
PERSONNEL_EVENT_NAMES = {
    "appointed": ("bổ nhiệm", "appointed"),
    "approved": ("Quốc hội phê chuẩn", "approved by the National Assembly"),
    "elected": ("bầu", "elected"),
    "assigned": ("phân công, giao phụ trách", "assigned"),
    "reappointed": ("bổ nhiệm lại", "reappointed"),
    "relieved": ("miễn nhiệm, thôi giữ chức", "relieved of the post"),
    "dismissed": ("cách chức", "dismissed"),
    "retired": ("nghỉ hưu", "retired"),
    "transferred": ("điều động", "transferred"),
    "successor": ("bổ nhiệm người kế nhiệm", "successor appointed"),
    "reorganised": ("đơn vị kết thúc do sắp xếp lại", "the unit ended in a reorganisation"),
    "died": ("qua đời", "died"),
}


def event_kind_iri(event: str) -> NamedNode:
    return entity_iri("event-kind", event)


# --- tenures across sources ------------------------------------------------------------------


def tenure_key(start: DatedClaim | None, end: DatedClaim | None) -> str:
    return start.date.isoformat() if start else f"until-{end.date.isoformat()}"


def plan_tenures(dated: Iterable[tuple[Membership, NamedNode, NamedNode]]) -> dict[int, str]:
    """For each membership with ``from``/``to`` (by ``id()``), the key of the tenure it is about.

    A membership that gives its beginning names its tenure (sources that give the same
    beginning but different ends keep a tenure each: a disagreement is never merged); one that
    gives only an end joins the latest tenure of the same member, role and unit that began on
    or before that end, or stands alone (``until-DATE``) when the sources state no such beginning.
    """
    groups: dict[tuple, list[Membership]] = defaultdict(list)
    for m, member, org in dated:
        groups[(member, m.role, org)].append(m)
    keys: dict[int, str] = {}
    for records in groups.values():
        starts = sorted({m.start.date for m in records if m.start})
        ends_by_start: dict[str, set[str]] = defaultdict(set)
        for m in records:
            if m.start and m.end:
                ends_by_start[m.start.date.isoformat()].add(m.end.date.isoformat())
        for m in records:
            if m.start:
                key = tenure_key(m.start, None)
                # Sources that agree on the beginning but not on the end keep a term each.
                if m.end and len(ends_by_start[key]) > 1:
                    key = f"{key}--to-{m.end.date.isoformat()}"
                keys[id(m)] = key
                continue
            earlier = [d for d in starts if d <= m.end.date]
            keys[id(m)] = earlier[-1].isoformat() if earlier else tenure_key(None, m.end)
    return keys


class HistoryWriter:
    """What one source says about the ministry over time, added to its named graph.

    Mixed into :class:`kg.build.SourceBuilder`, which provides ``w`` (the graph writer),
    ``ref`` (name resolution), ``inferred`` (inferred statements) and ``role_label``.
    """

    w: GraphWriter

    # -- units
    def write_organisation_dates(self, o: Organisation, unit: NamedNode) -> None:
        for key, predicate in ORGANISATION_DATES:
            claim: DatedClaim | None = getattr(o, key)
            if claim is None:
                continue
            self.w.add(unit, predicate, xsd_date(claim.date))
            node = entity_iri("claim", f"{tail(unit)}--{key.replace('_', '-')}--{self.w.source_id}")
            self.w.types(node, TNMT.SourcedClaim, PROV.Entity)
            self.w.add(node, RDF.subject, unit)
            self.w.add(node, RDF.predicate, predicate)
            self.w.add(node, RDF.object, xsd_date(claim.date))
            self.w.add(node, RDFS.label, vi(f"{o.name}: {key.replace('_', ' ')} {claim.date.isoformat()}"))
            self.w.add(unit, TNMT.claim, node)
            self.w.provenance(node, claim)

    # -- changes of structure
    def write_change(self, c: Change) -> None:
        s, w = self.ref(c.id, c.where, "change"), self.w
        name_vi, name_en = CHANGE_CLASSES[c.kind]
        w.types(s, ORG.ChangeEvent, PROV.Activity, TNMT[c.kind])
        w.add(s, DCTERMS.date, xsd_date(c.date))
        if not isinstance(c.date, PartialDate):  # a month or a year claims no moment
            w.add(s, PROV.startedAtTime, local_midnight(c.date))
        w.add(s, TIME.hasTime, w.instant(c.date))
        originals = [self.ref(n, c.where, "organisation", what="original") for n in c.original]
        results = [self.ref(n, c.where, "organisation", what="resulting") for n in c.resulting]
        for org in originals:
            w.add(s, ORG.originalOrganization, org)
            w.add(org, ORG.changedBy, s)
        for org in results:
            w.add(s, ORG.resultingOrganization, org)
            w.add(org, ORG.resultedFrom, s)
        label = f"{', '.join(c.original) or '—'} → {', '.join(c.resulting) or '—'}"
        w.add(s, RDFS.label, vi(f"{name_vi}: {label} ({format_vi_date(c.date)})"))
        w.add(s, RDFS.label, en(f"{name_en}: {label} ({c.date.isoformat()})"))
        for other in c.conflicts_with:
            target = self.ref(other, c.where, "change", what="conflicts_with")
            w.add(s, TNMT.conflictsWith, target)
            w.add(target, TNMT.conflictsWith, s)
        w.provenance(s, c)

    # -- tenures
    def write_tenure(self, m: Membership, s: NamedNode, member: NamedNode, org: NamedNode,
                     slug: str) -> str:
        """The interval and dated events of a membership given by ``from``/``to``; its label."""
        w = self.w
        interval = entity_iri("interval", slug)
        w.types(interval, TIME.Interval, TIME.ProperInterval)
        w.add(s, ORG.memberDuring, interval)
        for claim, edge, link in ((m.start, TIME.hasBeginning, TNMT.startedBy),
                                  (m.end, TIME.hasEnd, TNMT.endedBy)):
            if claim is None:
                continue
            w.add(interval, edge, w.instant(claim.date))
            event = self.personnel_event(claim, m, member, org)
            w.add(s, link, event)
            self.inferred(m.inferred, m.where, f"{slug}--{tail(link)}", s, link, event)
        begin = format_vi_date(m.start.date) if m.start else "…"
        end = format_vi_date(m.end.date) if m.end else "…"
        w.add(interval, RDFS.label, vi(f"{begin} – {end}"))
        return f"{begin} – {end}"

    def personnel_event(self, claim: DatedClaim, m: Membership, member: NamedNode,
                        org: NamedNode) -> NamedNode:
        """The dated event (an appointment, a dismissal …) that began or ended a term."""
        node = self._personnel_event(claim.event, claim.date, member, m.role, org, m.where)
        event_vi, event_en = PERSONNEL_EVENT_NAMES.get(claim.event or "", ("sự kiện", "event"))
        who = self.names.label(member)
        self.w.add(node, RDFS.label, vi(f"{who}: {event_vi} — {self.role_label(m.role)} — "
                                        f"{self.names.label(org)} ({format_vi_date(claim.date)})"))
        self.w.add(node, RDFS.label, en(f"{who}: {event_en} ({claim.date.isoformat()})"))
        self.w.provenance(node, claim)
        return node

    # -- roles given for a coming period
    def write_assignment(self, a: Assignment) -> None:
        """An assignment is a dated event about a role, never a membership: it is not yet held."""
        member = self.ref(a.member, a.where, "person", "organisation", what="member")
        org = self.ref(a.organization, a.where, "organisation", what="organization")
        node = self._personnel_event("assigned", a.date, member, a.role, org, a.where)
        w = self.w
        w.add(node, TNMT.assignedFor, w.years_interval(*a.period))
        years = str(a.period[0]) if a.period[0] == a.period[1] else f"{a.period[0]}–{a.period[1]}"
        who = self.names.label(member)
        w.add(node, RDFS.label, vi(f"{who}: được phân công {self.role_label(a.role)} — "
                                   f"{self.names.label(org)} năm {years}"))
        w.add(node, RDFS.label, en(f"{who}: assigned {a.role} for {years}"))
        self.inferred(a.inferred, a.where, f"{tail(node)}--date", node, DCTERMS.date, xsd_date(a.date))
        w.provenance(node, a)

    def _personnel_event(self, kind: str | None, day: dt.date, member: NamedNode, role: str,
                         org: NamedNode, where: str) -> NamedNode:
        """What every personnel event says: its day, who, which role in which unit, its kind."""
        node = entity_iri("personnel-event",
                          f"{tail(member)}--{role}--{tail(org)}--{kind or 'dated'}--{day.isoformat()}")
        w = self.w
        w.types(node, TNMT.PersonnelEvent, PROV.Activity)
        w.add(node, DCTERMS.date, xsd_date(day))
        if not isinstance(day, PartialDate):  # PROV-O's times are instants: a month has none
            w.add(node, PROV.startedAtTime, local_midnight(day))
        w.add(node, TIME.hasTime, w.instant(day))
        w.add(node, PROV.wasAssociatedWith, member)
        w.add(node, TNMT.aboutRole, self.role(role, where))
        w.add(node, TNMT.aboutOrganization, org)
        if kind:
            w.add(node, DCTERMS.type, event_kind_iri(kind))
        return node
