"""Records + ontology → quads, evidence checked; a full, atomic, deterministic build.

Every minted IRI comes from a slug of a Vietnamese name (see :func:`slugify`) or an explicit
identifier, and no blank node is used, so the same sources always give the same graph,
triple for triple.

>>> slugify("Cục Đo đạc, Bản đồ và Thông tin địa lý Việt Nam")
'cuc-do-dac-ban-do-va-thong-tin-dia-ly-viet-nam'
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

from . import store as kgstore
from .activities import ActivityWriter
from .checks import check_evidence, check_one_folder_per_address, check_organisation_declarations
from .config import Settings
from .errors import SourceError, ValidationFailed
from .history import HistoryWriter, plan_tenures
from .names import Entity, Names
from .ontology_graph import ontology_quads, role_scheme
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
from .records import PartialDate
from .sources import Membership, SourceFacts, read_sources
from .validate import to_rdflib, validate_quads
from .vocab import (
    DCTERMS,
    FOAF,
    ORG,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    TIME,
    TNMT,
    XSD,
    entity_iri,
    is_loaded_graph,
    source_graph,
)

__all__ = ["build", "dataset_quads", "load_files", "normalise_space", "slugify", "to_rdflib",
           "validate_quads"]

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

# Kinds of source document → the classes its node carries besides tnmt:SourceDocument.
SOURCE_CLASSES: dict[str, tuple[NamedNode, ...]] = {
    "NewsArticle": (SCHEMA.NewsArticle,),
    "WebPage": (SCHEMA.WebPage,),
    "Decree": (TNMT.Decree, SCHEMA.Legislation),
    "Resolution": (TNMT.Resolution, SCHEMA.Legislation),
    "Decision": (TNMT.Decision, SCHEMA.Legislation),
    "Law": (TNMT.Law, SCHEMA.Legislation),
}


# --- facts → quads ---------------------------------------------------------------------------


class SourceBuilder(HistoryWriter, ActivityWriter):
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
            on_vi, on_en = ("", "in") if isinstance(m.attested, PartialDate) else ("ngày ", "on")
            w.add(interval, RDFS.label, vi(f"được ghi nhận {on_vi}{format_vi_date(m.attested)}"))
            w.add(interval, RDFS.label, en(f"attested {on_en} {m.attested.isoformat()}"))
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

# --- the whole build -------------------------------------------------------------------------


def dataset_quads(settings: Settings) -> list[Quad]:
    """Sources + ontology → every quad of the built graph (no store touched)."""
    onto = ontology_quads(Path(settings.ontology_dir))
    roles, labels = role_scheme(onto)
    all_facts = read_sources(Path(settings.sources_dir))
    known_sources = {f.source.id for f in all_facts}
    check_one_folder_per_address(all_facts)
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
               replace: bool = False, progress: Callable[[int], None] | None = None) -> kgstore.BuildInfo:
    """Stream researchers' RDF files into named graphs of their own, atomically (``progress``
    hears of the quads checked, 10,000 at a time, before the bulk load)."""
    from .vocab import loaded_graph

    checked: list[tuple[Path, str, NamedNode]] = []
    for path in paths:
        fmt = kgstore.guess_format(path)
        kgstore.check_rdf_file(path, fmt, progress=progress)
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
