"""The activities of a source: conferences and who took part, speeches, recognitions, movements.

Mixed into :class:`kg.build.SourceBuilder`, which provides ``w`` (the graph writer), ``ref``,
``role``, ``role_label`` and ``inferred``. Every node here is a ``prov:Activity``: its source
influenced it (``prov:wasInfluencedBy``), it is not derived from it (see :mod:`kg.rdfwriter`).
"""

from __future__ import annotations

from pyoxigraph import NamedNode

from .errors import SourceError
from .rdfwriter import GraphWriter, en, slugify, tail, vi, xsd_date
from .sources import Event, Recognition, Speech
from .vocab import PROV, RDFS, SCHEMA, TIME, TNMT, entity_iri

EVENT_CLASSES = {"Conference": (TNMT.Conference, SCHEMA.Event, PROV.Activity)}


class ActivityWriter:
    """Conferences, speeches, recognitions, movements and launches of one source."""

    w: GraphWriter

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
        self.on_behalf_of(s, sp, tail(s))
        w.add(s, TNMT.summary, vi(sp.vi))
        w.add(s, TNMT.summary, en(sp.en))
        w.provenance(s, sp)

    def on_behalf_of(self, s: NamedNode, record: Speech | Recognition, slug: str) -> None:
        """The body a speech or a recognition speaks for, marked inferred where the text does not
        say "thay mặt" (``inferred:`` names the reason)."""
        if record.on_behalf_of:
            body = self.ref(record.on_behalf_of, record.where, "organisation", what="on_behalf_of")
            self.w.add(s, TNMT.onBehalfOf, body)
            self.inferred(record.inferred, record.where, f"{slug}--on-behalf-of", s, TNMT.onBehalfOf,
                          body)

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
        self.on_behalf_of(s, r, slug)
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
