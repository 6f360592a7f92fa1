"""A synthetic graph with the shape of the real one, for benchmarks and the node-cap test.

Units (Cục, Vụ, centres) under the seed's ministry, grouped in competition blocs with a yearly
member list and a head/deputy rotation; many people holding roles in units, some for known
periods and some only attested on a day; conferences organised by blocs with a chair, attendees,
participating units and speeches. Every fact node has a source and a quote, as the build writes
them. IRIs live under the project's base with a ``syn-`` prefix, so they never clash with the seed.
Deterministic for a given seed.

>>> import io
>>> out = io.StringIO()
>>> stats = write(out, people=20, units=6, blocs=2, years=(2021, 2022), events=1)
>>> stats["triples"] == out.getvalue().count("\\n")
True
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from kg.vocab import BASE, FOAF, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, TIME, TNMT, XSD

MINISTRY = BASE + "org/bo-tai-nguyen-va-moi-truong"
SOURCE = BASE + "source/syn-benchmark"
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
MIDDLE = ("Văn", "Thị", "Minh", "Quốc", "Bảo", "Hữu", "Đức", "Thanh", "Ngọc", "Xuân")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hùng", "Khánh", "Lan", "Long", "Mai", "Nam",
         "Phong", "Quang", "Sơn", "Thảo", "Trung", "Tuấn", "Việt", "Yến")
UNIT_KINDS = (("Department", "Cục", ("cuc-truong", "pho-cuc-truong")),
              ("Vu", "Vụ", ("vu-truong", "pho-vu-truong-phu-trach")),
              ("Centre", "Trung tâm", ("pho-cuc-truong",)))


def _lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"'


@dataclass
class _Writer:
    out: TextIO
    triples: int = 0

    def add(self, s: str, p: Any, o: str) -> None:
        pred = p.value if hasattr(p, "value") else p
        self.out.write(f"<{s}> <{pred}> {o} .\n")
        self.triples += 1

    def iri(self, s: str, p: Any, o: Any) -> None:
        self.add(s, p, f"<{o.value if hasattr(o, 'value') else o}>")

    def fact(self, s: str, quote: str) -> None:
        self.iri(s, PROV.wasDerivedFrom, SOURCE)
        self.add(s, TNMT.quote, _lit(quote, "vi"))


def write(out: TextIO, *, people: int = 44_000, units: int = 3_000, blocs: int = 60,
          years: tuple[int, int] = (2018, 2022), events: int = 300, seed: int = 0) -> dict[str, Any]:
    """Write the graph as N-Triples to ``out``; returns counts (triples, nodes by kind, memberships)."""
    rng = random.Random(seed)
    w = _Writer(out)
    first, last = years
    instants: set[str] = set()
    year_intervals: set[int] = set()

    def instant(day: str) -> str:
        iri = f"{BASE}instant/{day}"
        if iri not in instants:
            instants.add(iri)
            w.iri(iri, RDF.type, TIME.Instant)
            w.add(iri, TIME.inXSDDate, _lit(day, datatype=XSD.date.value))
        return iri

    def year_interval(year: int) -> str:
        iri = f"{BASE}interval/{year}"
        if year not in year_intervals:
            year_intervals.add(year)
            w.iri(iri, RDF.type, TIME.Interval)
            w.iri(iri, TIME.hasBeginning, instant(f"{year}-01-01"))
            w.iri(iri, TIME.hasEnd, instant(f"{year}-12-31"))
        return iri

    memberships = 0

    def membership(member: str, role: str, org: str, *, year: int | None = None, day: str | None = None,
                   label: str = "") -> None:
        nonlocal memberships
        memberships += 1
        when = day or str(year)
        tail = lambda iri: iri.rsplit("/", 1)[-1]  # noqa: E731
        m = f"{BASE}membership/{tail(member)}--{role}--{tail(org)}--{when}"
        w.iri(m, RDF.type, ORG.Membership)
        w.iri(m, ORG.member, member)
        w.iri(m, ORG.organization, org)
        w.iri(m, ORG.role, f"{BASE}role/{role}")
        if day:
            interval = f"{BASE}interval/{tail(m)}"
            w.iri(interval, RDF.type, TIME.Interval)
            w.iri(interval, TIME.inside, instant(day))
            w.iri(m, ORG.memberDuring, interval)
        else:
            w.iri(m, ORG.memberDuring, year_interval(year or first))
        w.add(m, RDFS.label, _lit(label or f"{tail(member)} — {role} — {tail(org)} ({when})", "vi"))
        w.fact(m, f"{label or tail(member)} giữ vai trò {role} ({when}).")

    def day_in(year: int) -> str:
        return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"

    w.iri(SOURCE, RDF.type, TNMT.SourceDocument)
    w.add(SOURCE, RDFS.label, _lit("Dữ liệu tổng hợp cho đo hiệu năng", "vi"))
    bloc_iris = []
    for b in range(blocs):
        iri = f"{BASE}org/syn-khoi-{b}"
        bloc_iris.append(iri)
        name = f"Khối Thi đua tổng hợp số {b + 1}"
        for c in (TNMT.CompetitionBloc, ORG.Organization, ORG.OrganizationalCollaboration):
            w.iri(iri, RDF.type, c)
        w.add(iri, RDFS.label, _lit(name, "vi"))
        w.add(iri, SKOS.prefLabel, _lit(name, "vi"))
        w.iri(iri, ORG.subOrganizationOf, MINISTRY)
        w.fact(iri, f"{name} thuộc Bộ TN&MT.")
    unit_iris: list[tuple[str, tuple[str, ...]]] = []
    unit_bloc: dict[str, str] = {}
    for u in range(units):
        kind, word, roles = UNIT_KINDS[u % len(UNIT_KINDS)]
        iri = f"{BASE}org/syn-don-vi-{u}"
        unit_iris.append((iri, roles))
        name = f"{word} tổng hợp số {u + 1}"
        for c in (TNMT[kind], ORG.Organization, ORG.OrganizationalUnit):
            w.iri(iri, RDF.type, c)
        w.add(iri, RDFS.label, _lit(name, "vi"))
        w.add(iri, SKOS.prefLabel, _lit(name, "vi"))
        w.add(iri, RDFS.label, _lit(f"Synthetic {kind} {u + 1}", "en"))
        w.iri(iri, ORG.subOrganizationOf, MINISTRY)
        w.iri(MINISTRY, ORG.hasSubOrganization, iri)
        w.fact(iri, f"{name} là đơn vị trực thuộc Bộ TN&MT.")
        bloc = bloc_iris[u % blocs]
        unit_bloc[iri] = bloc
        for year in range(first, last + 1):
            membership(iri, "thanh-vien-khoi", bloc, year=year, label=f"{name} — Thành viên Khối ({year})")
    by_bloc: dict[str, list[str]] = {}
    for iri, bloc in unit_bloc.items():
        by_bloc.setdefault(bloc, []).append(iri)
    for bloc, members in by_bloc.items():
        for i, year in enumerate(range(first, last + 1)):
            membership(members[i % len(members)], "truong-khoi", bloc, year=year)
            membership(members[(i + 1) % len(members)], "khoi-pho", bloc, year=year)
    person_iris = []
    for p in range(people):
        iri = f"{BASE}person/syn-{p}"
        person_iris.append(iri)
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        w.iri(iri, RDF.type, FOAF.Person)
        w.iri(iri, RDF.type, SCHEMA.Person)
        w.add(iri, FOAF.name, _lit(name, "vi"))
        w.add(iri, RDFS.label, _lit(name, "vi"))
        w.fact(iri, f"Ông/bà {name}.")
        for _ in range(1 if rng.random() < 0.6 else 2):
            unit, roles = unit_iris[rng.randrange(units)]
            role = rng.choice(roles)
            if rng.random() < 0.5:
                membership(iri, role, unit, day=day_in(rng.randint(first, last)))
            else:
                membership(iri, role, unit, year=rng.randint(first, last))
    for e in range(events):
        iri = f"{BASE}event/syn-hoi-nghi-{e}"
        bloc = bloc_iris[e % blocs]
        day = day_in(first + e % (last - first + 1))
        for c in (TNMT.Conference, SCHEMA.Event, PROV.Activity):
            w.iri(iri, RDF.type, c)
        name = f"Hội nghị tổng hợp số {e + 1}"
        w.add(iri, RDFS.label, _lit(name, "vi"))
        w.add(iri, SKOS.prefLabel, _lit(name, "vi"))
        w.add(iri, SCHEMA.startDate, _lit(day, datatype=XSD.date.value))
        w.iri(iri, SCHEMA.organizer, bloc)
        chair = rng.choice(person_iris)
        w.iri(iri, TNMT.chair, chair)
        for unit in by_bloc[bloc][:10]:
            w.iri(iri, TNMT.participatingUnit, unit)
        for n in range(3):
            speaker = rng.choice(person_iris)
            if n == 0:
                w.iri(iri, SCHEMA.attendee, speaker)
            speech = f"{BASE}speech/syn-hoi-nghi-{e}--{n}"
            w.iri(speech, RDF.type, TNMT.Speech)
            w.iri(speech, TNMT.atEvent, iri)
            w.iri(speech, TNMT.speaker, speaker)
            w.add(speech, TNMT.summary, _lit("Phát biểu tổng hợp.", "vi"))
            w.fact(speech, "Phát biểu tại hội nghị.")
        w.fact(iri, f"{name} do {bloc.rsplit('/', 1)[-1]} tổ chức.")
    return {"triples": w.triples, "people": people, "units": units, "blocs": blocs, "events": events,
            "memberships": memberships, "instants": len(instants)}


def generate(path: Path, **options: Any) -> dict[str, Any]:
    """:func:`write` into a file (N-Triples, UTF-8)."""
    with path.open("w", encoding="utf-8") as out:
        return write(out, **options)
