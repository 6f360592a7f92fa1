"""Records + ontology → quads, evidence checked; a full, atomic, deterministic build.

Every minted IRI comes from a slug of a Vietnamese name (see :func:`slugify`) or an explicit
identifier, and no blank node is used, so the same sources always give the same graph,
triple for triple.

>>> slugify("Cục Đo đạc, Bản đồ và Thông tin địa lý Việt Nam")
'cuc-do-dac-ban-do-va-thong-tin-dia-ly-viet-nam'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Store, parse

from . import store as kgstore
from .config import Settings
from .errors import QuoteNotFound, RdfSyntaxError, SourceError, ValidationFailed
from .history import HistoryWriter, plan_tenures
from .rdfwriter import (
    GraphWriter,
    en,
    format_vi_date,
    normalise_space,
    slugify,
    tail,
    vi,
    xsd_date,
)
from .sources import Event, Membership, SourceFacts, read_sources
from .vocab import (
    DCTERMS,
    FOAF,
    ONTOLOGY_GRAPH,
    ORG,
    PROV,
    RDF,
    RDFS,
    ROLE_SCHEME,
    SCHEMA,
    SKOS,
    TIME,
    TNMT,
    XSD,
    entity_iri,
    is_loaded_graph,
    source_graph,
)

__all__ = ["build", "dataset_quads", "load_files", "normalise_space", "slugify", "validate_quads"]

_GOVERNMENT = (ORG.FormalOrganization, SCHEMA.GovernmentOrganization)
_UNIT = (ORG.OrganizationalUnit,)

# Kinds of organisation in fact files → the classes a node of that kind carries.
ORGANISATION_CLASSES: dict[str, tuple[NamedNode, ...]] = {
    "Government": (TNMT.Government, *_GOVERNMENT),
    "Legislature": (TNMT.Legislature, *_GOVERNMENT),
    "Ministry": (TNMT.Ministry, *_GOVERNMENT),
    "GeneralDepartment": (TNMT.GeneralDepartment, *_UNIT),
    "Department": (TNMT.Department, *_UNIT),
    "Vu": (TNMT.Vu, *_UNIT),
    "Office": (TNMT.Office, *_UNIT),
    "Inspectorate": (TNMT.Inspectorate, *_UNIT),
    "Institute": (TNMT.Institute, *_UNIT),
    "Centre": (TNMT.Centre, *_UNIT),
    "PressAgency": (TNMT.PressAgency, *_UNIT),
    "School": (TNMT.School, *_UNIT),
    "Council": (TNMT.Council,),
    "CompetitionBloc": (TNMT.CompetitionBloc, ORG.OrganizationalCollaboration),
    "CompetitionCluster": (TNMT.CompetitionCluster, ORG.OrganizationalCollaboration),
    "ProvincialDepartment": (TNMT.ProvincialDepartment,),
}
EVENT_CLASSES = {"Conference": (TNMT.Conference, SCHEMA.Event, PROV.Activity)}

# Kinds of source document → the classes its node carries besides tnmt:SourceDocument.
SOURCE_CLASSES: dict[str, tuple[NamedNode, ...]] = {
    "NewsArticle": (SCHEMA.NewsArticle,),
    "WebPage": (SCHEMA.WebPage,),
    "Decree": (TNMT.Decree, SCHEMA.Legislation),
    "Resolution": (TNMT.Resolution, SCHEMA.Legislation),
    "Decision": (TNMT.Decision, SCHEMA.Legislation),
    "Law": (TNMT.Law, SCHEMA.Legislation),
}


# --- checks ----------------------------------------------------------------------------------


def check_evidence(facts: SourceFacts, known_sources: set[str]) -> None:
    """Refuse a quote that is not in the source's text, and a citation of an unknown source."""
    text = normalise_space(facts.source.text) if facts.source.text_path else None
    for description, record in facts.quoted_facts():
        for quote in record.quotes:
            if text is None:
                raise QuoteNotFound(
                    f"{description} quotes a source whose text we do not hold "
                    f"({facts.source.id} has no 'file'); cite it with a locator instead",
                    where=record.where)
            if normalise_space(quote) not in text:
                raise QuoteNotFound(
                    f"the quote of {description} is not in the source text "
                    f"{facts.source.text_path}: {quote[:80]!r}",
                    where=record.where,
                )
        for citation in record.citations:
            if citation.source and citation.source not in known_sources:
                raise SourceError(f"{description} cites an unknown source {citation.source!r}",
                                  where=record.where)


def check_organisation_declarations(all_facts: list[SourceFacts]) -> None:
    """A unit may be declared by several sources (each adding its dated claims), if they agree."""
    first: dict[str, object] = {}
    for facts in all_facts:
        for o in facts.organisations:
            known = first.setdefault(o.name, o)
            for key in ("kind", "parent", "en"):
                mine, theirs = getattr(o, key), getattr(known, key)
                if mine and theirs and mine != theirs:
                    raise SourceError(f"organisation {o.name!r} has {key} {mine!r} here but "
                                      f"{theirs!r} in {known.where}", where=o.where)


@dataclass
class Entity:
    iri: NamedNode
    kind: str  # organisation, person, post, place, event, movement, change
    where: str
    explicit_id: bool = False
    label: str = ""


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


# --- facts → quads ---------------------------------------------------------------------------


class SourceBuilder(HistoryWriter):
    """Turns one source's records into the quads of its named graph."""

    def __init__(self, facts: SourceFacts, names: Names, roles: dict[str, NamedNode],
                 role_labels: dict[str, str]) -> None:
        self.role_labels = role_labels
        self.facts = facts
        self.names = names
        self.roles = roles
        self.doc = entity_iri("source", facts.source.id)
        self.w = GraphWriter(source_graph(facts.source.id), self.doc, facts.source.id)
        self.membership_iris: dict[tuple, NamedNode] = {}
        self.tenures: dict[int, str] = {}

    # entities are declared first (across sources) so that any fact can refer to any entity
    def declare(self) -> None:
        f = self.facts
        for o in f.organisations:
            self.names.add([o.name, *o.alt], Entity(entity_iri("org", o.id or slugify(o.name)),
                                                    "organisation", o.where))
        for p in f.people:
            self.names.add_person([p.name, *p.alt], p.id, p.where)
        for p in f.posts:
            self.names.add([p.name], Entity(entity_iri("post", p.id or slugify(p.name)), "post", p.where))
        for p in f.places:
            self.names.add([p.name], Entity(entity_iri("place", p.id or slugify(p.name)), "place", p.where))
        for e in f.events:
            self.names.add([e.id], Entity(entity_iri("event", e.id), "event", e.where))
        for m in f.movements:
            self.names.add([m.name], Entity(entity_iri("movement", m.id or slugify(m.name)),
                                            "movement", m.where))
        for c in f.changes:
            if c.id in self.names.by_name:
                raise SourceError(f"change id {c.id!r} is already used "
                                  f"({self.names.by_name[c.id][0].where})", where=c.where)
            self.names.add([c.id], Entity(entity_iri("change", c.id), "change", c.where))

    def dated_memberships(self) -> list[tuple[Membership, NamedNode, NamedNode]]:
        """Memberships given by ``from``/``to`` events, with their member and unit resolved."""
        out = []
        for m in self.facts.memberships:
            if m.start or m.end:
                member = self.ref(m.member, m.where, "person", "organisation", what="member")
                out.append((m, member, self.ref(m.organization, m.where, "organisation",
                                                what="organization")))
        return out

    def ref(self, name: str, where: str, *kinds: str, what: str = "name") -> NamedNode:
        return self.names.resolve(name, where=where, kinds=kinds, what=what)

    def quads(self) -> list[Quad]:
        self.source_document()
        self.graph_metadata()
        writers = {
            "organisations": self.write_organisation, "people": self.write_person,
            "posts": self.write_post, "places": self.write_place,
            "memberships": self.write_membership, "events": self.write_event,
            "speeches": self.write_speech, "recognitions": self.write_recognition,
            "movements": self.write_movement, "changes": self.write_change,
            "assignments": self.write_assignment,
        }
        for section, write in writers.items():
            for record in getattr(self.facts, section):
                write(record)
        for index, launch in enumerate(self.facts.launches, start=1):
            self.write_launch(launch, index)
        return self.w.quads

    # -- the source itself
    def source_document(self) -> None:
        s, w, doc = self.doc, self.w, self.facts.source
        where = str(doc.facts_path)
        w.types(s, TNMT.SourceDocument, PROV.Entity, FOAF.Document, *SOURCE_CLASSES[doc.kind])
        w.add(s, DCTERMS.title, vi(doc.title))
        w.add(s, RDFS.label, vi(doc.title))
        w.add(s, SCHEMA.headline if doc.kind == "NewsArticle" else SCHEMA.name, vi(doc.title))
        w.add(s, DCTERMS.language, Literal(doc.language))
        w.add(s, SCHEMA.inLanguage, Literal(doc.language))
        if doc.text_path is not None:
            w.add(s, SCHEMA.text, Literal(doc.text, language=doc.language))
        if doc.url:
            w.add(s, SCHEMA.url, Literal(doc.url, datatype=XSD.anyURI))
            w.add(s, FOAF.page, NamedNode(doc.url))
        if doc.issued:
            w.add(s, DCTERMS.issued, xsd_date(doc.issued))
            w.add(s, SCHEMA.datePublished, xsd_date(doc.issued))
        if doc.accessed:
            w.add(s, TNMT.accessedOn, xsd_date(doc.accessed))
        if doc.rights:
            w.add(s, DCTERMS.rights, Literal(doc.rights, language="en"))
        self.legal_metadata(s, doc, where)
        publisher = entity_iri("org", slugify(doc.publisher_url.split("//")[-1]))
        w.add(s, SCHEMA.publisher, publisher)
        w.add(s, DCTERMS.publisher, publisher)
        w.types(publisher, SCHEMA.Organization, FOAF.Organization)
        w.add(publisher, RDFS.label, vi(doc.publisher_name))
        w.add(publisher, SCHEMA.name, vi(doc.publisher_name))
        w.add(publisher, SCHEMA.url, Literal(doc.publisher_url, datatype=XSD.anyURI))
        if doc.event_date:
            w.add(s, SCHEMA.temporalCoverage, xsd_date(doc.event_date))
            w.add(s, DCTERMS.temporal, w.instant(doc.event_date))
            self.inferred(doc.event_date_inferred, where, f"{doc.id}--temporal-coverage", s,
                          SCHEMA.temporalCoverage, xsd_date(doc.event_date))
        if doc.about:
            w.add(s, SCHEMA.about, self.ref(doc.about, where, "event", what="about"))

    def legal_metadata(self, s: NamedNode, doc, where: str) -> None:
        w = self.w
        if doc.identifier:
            w.add(s, DCTERMS.identifier, Literal(doc.identifier))
            w.add(s, SCHEMA.legislationIdentifier, Literal(doc.identifier))
        if doc.issuer:
            issuer = self.ref(doc.issuer, where, "organisation", what="issuer")
            w.add(s, SCHEMA.legislationPassedBy, issuer)
            w.add(s, DCTERMS.creator, issuer)
        if doc.signed:
            w.add(s, SCHEMA.legislationDate, xsd_date(doc.signed))
            w.add(s, DCTERMS.dateAccepted, xsd_date(doc.signed))
        if doc.effective:
            w.add(s, SCHEMA.legislationDateOfApplicability, xsd_date(doc.effective))
            w.add(s, DCTERMS.valid, xsd_date(doc.effective))

    def graph_metadata(self) -> None:
        self.w.add(self.w.graph, PROV.wasDerivedFrom, self.doc)
        self.w.add(self.w.graph, RDFS.label, en(f"Facts of source {self.facts.source.id}"))

    def inferred(self, key: str | None, where: str, slug: str, subject: NamedNode,
                 predicate: NamedNode, obj: NamedNode | Literal) -> None:
        """Record that (subject predicate obj) is inferred, with the inference's reason and evidence."""
        if key is None:
            return
        inference = self.facts.inferences.get(key)
        if inference is None:
            known = ", ".join(sorted(self.facts.inferences)) or "none"
            raise SourceError(f"unknown inference {key!r}; declared: {known}", where=where)
        node = entity_iri("statement", slug)
        w = self.w
        w.types(node, TNMT.InferredStatement, PROV.Entity)
        w.add(node, RDF.subject, subject)
        w.add(node, RDF.predicate, predicate)
        w.add(node, RDF.object, obj)
        w.add(node, TNMT.inferenceReason, en(inference.reason_en))
        w.add(node, TNMT.inferenceReason, vi(inference.reason_vi))
        w.add(node, RDFS.label, en(f"Inferred: {key}"))
        w.provenance(node, inference)

    # -- entities
    def write_organisation(self, o) -> None:
        classes = ORGANISATION_CLASSES.get(o.kind)
        if classes is None:
            raise SourceError(f"unknown organisation kind {o.kind!r}; known: "
                              f"{', '.join(ORGANISATION_CLASSES)}", where=o.where)
        s, w = self.ref(o.name, o.where, "organisation"), self.w
        w.types(s, ORG.Organization, FOAF.Organization, PROV.Agent, *classes)
        w.labels(s, o.name, o.en)
        w.add(s, SCHEMA.name, vi(o.name))
        for alt in o.alt:
            w.add(s, SKOS.altLabel, vi(alt))
        if o.parent:
            parent = self.ref(o.parent, o.where, "organisation", what="parent")
            w.add(s, ORG.subOrganizationOf, parent)
            w.add(parent, ORG.hasSubOrganization, s)
            if ORG.OrganizationalUnit in classes:
                w.add(s, ORG.unitOf, parent)
                w.add(parent, ORG.hasUnit, s)
        self.write_organisation_dates(o, s)
        w.provenance(s, o)

    def write_person(self, p) -> None:
        s, w = entity_iri("person", p.id or slugify(p.name)), self.w
        w.types(s, FOAF.Person, SCHEMA.Person, PROV.Agent)
        w.add(s, RDFS.label, vi(p.name))
        w.add(s, SKOS.prefLabel, vi(p.name))
        w.add(s, FOAF.name, vi(p.name))
        w.add(s, SCHEMA.name, vi(p.name))
        for alt in p.alt:
            w.add(s, SKOS.altLabel, vi(alt))
        w.provenance(s, p)

    def write_post(self, p) -> None:
        s, w = self.ref(p.name, p.where, "post"), self.w
        w.types(s, ORG.Post, TNMT.Post)
        w.labels(s, p.name, p.en)
        if p.post_in:
            org = self.ref(p.post_in, p.where, "organisation", what="post_in")
            w.add(s, ORG.postIn, org)
            w.add(org, ORG.hasPost, s)
        w.provenance(s, p)

    def write_place(self, p) -> None:
        s, w = self.ref(p.name, p.where, "place"), self.w
        w.types(s, SCHEMA.Place)
        w.labels(s, p.name, p.en)
        w.add(s, SCHEMA.name, vi(p.name))
        w.provenance(s, p)

    # -- memberships
    def membership_slug(self, m: Membership, member: NamedNode, org: NamedNode) -> str:
        if m.start or m.end:
            when = self.tenures[id(m)]
        elif m.attested:
            when = m.attested.isoformat()
        else:
            when = str(m.during[0]) if m.during[0] == m.during[1] else f"{m.during[0]}-{m.during[1]}"
        return f"{tail(member)}--{m.role}--{tail(org)}--{when}"

    def membership_iri(self, m: Membership) -> tuple[NamedNode, NamedNode, NamedNode, str]:
        member = self.ref(m.member, m.where, "person", "organisation", what="member")
        org = self.ref(m.organization, m.where, "organisation", what="organization")
        slug = self.membership_slug(m, member, org)
        return entity_iri("membership", slug), member, org, slug

    def role(self, slug: str, where: str) -> NamedNode:
        role = self.roles.get(slug)
        if role is None:
            raise SourceError(f"unknown role {slug!r}; roles of the scheme: {', '.join(sorted(self.roles))}",
                              where=where)
        return role

    def write_membership(self, m: Membership) -> None:
        s, member, org, slug = self.membership_iri(m)
        if s in self.membership_iris.values():
            raise SourceError(f"duplicate membership {slug}", where=m.where)
        self.membership_iris[(m.member, m.role, m.organization, m.attested, m.during)] = s
        role, w = self.role(m.role, m.where), self.w
        w.types(s, ORG.Membership)
        w.add(s, ORG.member, member)
        w.add(s, ORG.organization, org)
        w.add(s, ORG.role, role)
        if m.role == "thanh-vien-khoi":
            # ORG's unqualified shortcut, so "which units are in the bloc" needs no Membership join.
            w.add(member, ORG.memberOf, org)
            w.add(org, ORG.hasMember, member)
        if m.start or m.end:
            when = self.write_tenure(m, s, member, org, slug)
        elif m.attested:
            interval = entity_iri("interval", slug)
            w.types(interval, TIME.Interval)
            instant = w.instant(m.attested)
            w.add(interval, TIME.inside, instant)
            w.add(interval, RDFS.label, vi(f"được ghi nhận ngày {format_vi_date(m.attested)}"))
            w.add(interval, RDFS.label, en(f"attested on {m.attested.isoformat()}"))
            w.add(s, ORG.memberDuring, interval)
            self.inferred(m.inferred, m.where, slug + "--date", interval, TIME.inside, instant)
            when = format_vi_date(m.attested)
        else:
            w.add(s, ORG.memberDuring, w.years_interval(*m.during))
            when = str(m.during[0]) if m.during[0] == m.during[1] else f"{m.during[0]}–{m.during[1]}"
        w.add(s, RDFS.label, vi(f"{self.names.label(member)} — {self.role_label(m.role)} — "
                                f"{self.names.label(org)} ({when})"))
        if m.in_capacity_of:
            capacity, *_ = self.membership_iri(m.in_capacity_of)
            w.add(s, TNMT.inCapacityOf, capacity)
            self.inferred(m.in_capacity_of.inferred, m.where, f"{slug}--in-capacity-of", s,
                          TNMT.inCapacityOf, capacity)
        w.provenance(s, m)

    def role_label(self, slug: str) -> str:
        return self.role_labels.get(slug, slug)

    # -- events, speeches, recognitions
    def write_event(self, e: Event) -> None:
        classes = EVENT_CLASSES.get(e.kind)
        if classes is None:
            raise SourceError(f"unknown event kind {e.kind!r}; known: {', '.join(EVENT_CLASSES)}",
                              where=e.where)
        s, w = self.ref(e.id, e.where, "event"), self.w
        w.types(s, *classes)
        w.labels(s, e.name, e.en)
        w.add(s, SCHEMA.name, vi(e.name))
        w.add(s, SCHEMA.startDate, xsd_date(e.date))
        w.add(s, TIME.hasTime, self.w.instant(e.date))
        self.inferred(e.inferred, e.where, f"{e.id}--date", s, SCHEMA.startDate, xsd_date(e.date))
        if e.part_of_day:
            w.add(s, TNMT.partOfDay, vi(e.part_of_day[0]))
            w.add(s, TNMT.partOfDay, en(e.part_of_day[1]))
        w.add(s, SCHEMA.location, self.ref(e.place, e.where, "place", what="place"))
        if e.online:
            w.add(s, SCHEMA.eventAttendanceMode, SCHEMA.OnlineEventAttendanceMode)
        organiser = self.ref(e.organiser, e.where, "organisation", what="organiser")
        chair = self.ref(e.chair, e.where, "person", what="chair")
        w.add(s, SCHEMA.organizer, organiser)
        w.add(s, TNMT.chair, chair)
        self.association(s, e.id, organiser, "to-chuc-hoi-nghi", e.where, e)
        self.association(s, e.id, chair, "chu-tri-hoi-nghi", e.where, e)
        for name in e.attendees:
            person = self.ref(name, e.where, "person", what="attendee")
            w.add(s, SCHEMA.attendee, person)
            self.association(s, e.id, person, "tham-du-hoi-nghi", e.where, e)
        for name in e.participating_units:
            w.add(s, TNMT.participatingUnit, self.ref(name, e.where, "organisation", what="unit"))
        w.provenance(s, e)

    def association(self, event: NamedNode, event_id: str, agent: NamedNode, role: str,
                    where: str, record: Event) -> None:
        node = entity_iri("association", f"{event_id}--{role}--{agent.value.rsplit('/', 1)[-1]}")
        w = self.w
        w.types(node, PROV.Association)
        w.add(node, PROV.agent, agent)
        w.add(node, PROV.hadRole, self.role(role, where))
        w.add(node, RDFS.label, vi(self.role_label(role)))
        w.add(event, PROV.qualifiedAssociation, node)
        w.add(event, PROV.wasAssociatedWith, agent)
        w.provenance(node, record)

    def write_speech(self, sp) -> None:
        speaker = self.ref(sp.speaker, sp.where, "person", what="speaker")
        event = self.ref(sp.event, sp.where, "event", what="event")
        n = sum(1 for other in self.facts.speeches[: self.facts.speeches.index(sp) + 1]
                if other.speaker == sp.speaker and other.event == sp.event)
        s, w = entity_iri("speech", f"{sp.event}--{slugify(sp.speaker)}--{n}"), self.w
        w.types(s, TNMT.Speech, SCHEMA.Event, PROV.Activity)
        w.add(s, RDFS.label, vi(f"Phát biểu của {sp.speaker}" + (f" ({n})" if n > 1 else "")))
        w.add(s, RDFS.label, en(f"Speech by {sp.speaker}" + (f" ({n})" if n > 1 else "")))
        w.add(s, TNMT.atEvent, event)
        w.add(s, SCHEMA.superEvent, event)
        w.add(event, SCHEMA.subEvent, s)
        w.add(s, TNMT.speaker, speaker)
        w.add(s, PROV.wasAssociatedWith, speaker)
        if sp.on_behalf_of:
            body = self.ref(sp.on_behalf_of, sp.where, "organisation", what="on_behalf_of")
            w.add(s, TNMT.onBehalfOf, body)
            self.inferred(sp.inferred, sp.where, f"{tail(s)}--on-behalf-of", s, TNMT.onBehalfOf, body)
        w.add(s, TNMT.summary, vi(sp.vi))
        w.add(s, TNMT.summary, en(sp.en))
        w.provenance(s, sp)

    def write_recognition(self, r) -> None:
        membership, member, _org, slug = self.membership_iri(r.membership)
        if membership not in self.membership_iris.values():
            raise SourceError(f"the recognised membership {slug} is not among the memberships",
                              where=r.where)
        s, w = entity_iri("recognition", slug), self.w
        w.types(s, TNMT.Recognition, SCHEMA.AssessAction, PROV.Activity)
        w.add(s, RDFS.label, vi(r.vi))
        w.add(s, RDFS.label, en(r.en))
        w.add(s, SCHEMA.description, vi(r.vi))
        agent = self.ref(r.by, r.where, "person", what="by")
        w.add(s, SCHEMA.agent, agent)
        w.add(s, PROV.wasAssociatedWith, agent)
        if r.on_behalf_of:
            body = self.ref(r.on_behalf_of, r.where, "organisation", what="on_behalf_of")
            w.add(s, TNMT.onBehalfOf, body)
            self.inferred(r.inferred, r.where, f"{slug}--on-behalf-of", s, TNMT.onBehalfOf, body)
        w.add(s, TNMT.recognises, self.ref(r.recognises, r.where, "organisation", what="recognises"))
        w.add(s, TNMT.forMembership, membership)
        w.add(s, TNMT.atEvent, self.ref(r.event, r.where, "event", what="event"))
        w.provenance(s, r)

    # -- movements
    def write_movement(self, m) -> None:
        s, w = self.ref(m.name, m.where, "movement"), self.w
        w.types(s, TNMT.EmulationMovement, PROV.Activity)
        w.labels(s, m.name, m.en)
        w.add(s, SCHEMA.name, vi(m.name))
        if m.period:
            w.add(s, TNMT.period, self.w.period_interval(*m.period))
        for name in m.implemented_by:
            w.add(s, TNMT.implementedBy, self.ref(name, m.where, "organisation", what="implemented_by"))
        w.provenance(s, m)

    def write_launch(self, launch, index: int) -> None:
        s, w = entity_iri("launch", f"{self.facts.source.id}--{index}"), self.w
        w.types(s, TNMT.MovementLaunch, PROV.Activity)
        w.add(s, RDFS.label, vi("Phát động phong trào thi đua"))
        w.add(s, RDFS.label, en("Launch of emulation movements"))
        for name in launch.launchers:
            w.add(s, PROV.wasAssociatedWith,
                  self.ref(name, launch.where, "organisation", "post", "person", what="launcher"))
        for name in launch.movements:
            movement = self.ref(name, launch.where, "movement", what="movement")
            w.add(s, TNMT.launchedMovement, movement)
            w.add(movement, PROV.wasInformedBy, s)
        w.provenance(s, launch)


# --- ontology --------------------------------------------------------------------------------


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


# --- the whole build -------------------------------------------------------------------------


def dataset_quads(settings: Settings) -> list[Quad]:
    """Sources + ontology → every quad of the built graph (no store touched)."""
    onto = ontology_quads(Path(settings.ontology_dir))
    roles, labels = role_scheme(onto)
    all_facts = read_sources(Path(settings.sources_dir))
    known_sources = {f.source.id for f in all_facts}
    check_organisation_declarations(all_facts)
    names = Names()
    builders = []
    for facts in all_facts:
        check_evidence(facts, known_sources)
        builder = SourceBuilder(facts, names, roles, labels)
        builder.declare()
        builders.append(builder)
    dated = [d for builder in builders for d in builder.dated_memberships()]
    tenures = plan_tenures(dated)
    for builder in builders:
        builder.tenures = tenures
    quads = list(onto)
    for builder in builders:
        quads.extend(builder.quads())
    return sorted(set(quads), key=str)


def validate_quads(quads: list[Quad], shapes_path: Path) -> tuple[bool, str]:
    """SHACL-check the built graph (union of all graphs, no inference)."""
    import pyshacl
    import rdflib

    data = rdflib.Graph()
    for q in quads:
        data.add((to_rdflib(q.subject, rdflib), to_rdflib(q.predicate, rdflib),
                  to_rdflib(q.object, rdflib)))
    shapes = rdflib.Graph().parse(shapes_path, format="turtle")
    conforms, _graph, text = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                              advanced=True)
    return bool(conforms), text


def to_rdflib(term, rdflib):  # noqa: ANN001 - rdflib passed in to keep its import lazy
    if isinstance(term, NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    return rdflib.BNode(str(term))


def build(settings: Settings, *, validate: bool = True) -> kgstore.BuildInfo:
    """Build the store from scratch, keeping researchers' loaded graphs; swap it in atomically."""
    quads = dataset_quads(settings)
    shapes = Path(settings.ontology_dir) / "shapes.ttl"
    if validate and shapes.exists():
        conforms, report = validate_quads(quads, shapes)
        if not conforms:
            raise ValidationFailed("the built graph does not conform to the shapes; nothing was "
                                   "changed\n" + report, where=str(shapes))
    with kgstore.new_build(settings.store, kind="build", copy_current=True) as (store, detail):
        kgstore.remove_graphs(store, keep=is_loaded_graph)
        store.bulk_extend(quads)
        detail["sources"] = sorted({q.graph_name.value for q in quads})
        detail["fact_quads"] = len(quads)
    return kgstore.build_info(settings.store)


def load_files(settings: Settings, paths: list[Path], *, graph_name: str | None = None,
               replace: bool = False) -> kgstore.BuildInfo:
    """Stream researchers' RDF files into named graphs of their own, atomically."""
    from .vocab import loaded_graph

    checked: list[tuple[Path, str, NamedNode]] = []
    for path in paths:
        fmt = kgstore.guess_format(path)
        kgstore.check_rdf_file(path, fmt)
        name = graph_name or slugify(path.stem)
        checked.append((path, fmt, loaded_graph(name)))
    if not kgstore.exists(settings.store):
        from .errors import StoreMissing

        raise StoreMissing(settings.store)
    with kgstore.new_build(settings.store, kind="load", copy_current=True) as (store, detail):
        existing = set(kgstore.graph_names(store))
        for path, fmt, graph in checked:
            if graph.value in existing and graph_name is None and not replace:
                raise SourceError(f"graph {graph.value} already exists; use --replace or --graph",
                                  where=str(path))
            if replace:
                store.remove_graph(graph)
            kgstore.bulk_load_file(store, path, fmt, graph)
        detail["loaded"] = [{"file": str(p), "graph": g.value} for p, _f, g in checked]
    return kgstore.build_info(settings.store)


def stored_quads(store: Store) -> Iterable[Quad]:
    return store.quads_for_pattern(None, None, None)

