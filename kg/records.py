"""The records a fact file is read into: typed, immutable, each with its evidence and its place.

No YAML and no RDF here: :mod:`kg.sources` reads files into these records, :mod:`kg.build`
turns them into quads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

# --- records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    """Where in a source a fact is stated: the source's id (None: the fact file's own) and a locator."""

    source: str | None
    locator: str


@dataclass(frozen=True)
class Quoted:
    """What every fact carries: its evidence and where in the fact file it was written.

    Evidence is quotes (words of a text we hold) or citations (a locator in a document we cite
    but do not republish), or both; the reader refuses a fact with neither.
    """

    quotes: tuple[str, ...]
    where: str
    citations: tuple[Citation, ...] = field(default=(), kw_only=True)


@dataclass(frozen=True)
class DatedClaim(Quoted):
    """A day a source states for something: a founding, a dissolution, an appointment."""

    date: dt.date
    event: str | None = None


@dataclass(frozen=True)
class Inference(Quoted):
    key: str
    reason_en: str
    reason_vi: str


@dataclass(frozen=True)
class Organisation(Quoted):
    name: str
    en: str | None
    kind: str
    alt: tuple[str, ...] = ()
    parent: str | None = None
    id: str | None = None
    founded: DatedClaim | None = None
    dissolved: DatedClaim | None = None
    operated_until: DatedClaim | None = None


@dataclass(frozen=True)
class Change(Quoted):
    """A change of structure (split, merger, replacement, renaming …) taking effect on a day."""

    id: str
    kind: str
    date: dt.date
    original: tuple[str, ...]
    resulting: tuple[str, ...]
    conflicts_with: tuple[str, ...] = ()


@dataclass(frozen=True)
class Post(Quoted):
    name: str
    en: str
    post_in: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class Place(Quoted):
    name: str
    en: str
    id: str | None = None


@dataclass(frozen=True)
class Person(Quoted):
    name: str
    alt: tuple[str, ...] = ()
    id: str | None = None


@dataclass(frozen=True)
class Membership(Quoted):
    """A role held by a person or a unit in an organisation.

    Exactly one way of saying when is used: ``attested`` (the source shows the role on that
    day), ``during`` (held for those whole years, first and last), or ``start``/``end`` (the
    dated events that began and ended it, either or both).
    """

    member: str
    role: str
    organization: str
    attested: dt.date | None = None
    during: tuple[int, int] | None = None
    start: DatedClaim | None = None
    end: DatedClaim | None = None
    inferred: str | None = None
    in_capacity_of: Membership | None = None


@dataclass(frozen=True)
class Assignment(Quoted):
    """A role given for a coming period ("năm 2022, … sẽ giữ vai trò …"): not yet held.

    ``date`` is the day the source states the assignment, ``period`` the years it is for.
    """

    member: str
    role: str
    organization: str
    date: dt.date
    period: tuple[int, int]
    inferred: str | None = None


@dataclass(frozen=True)
class Event(Quoted):
    id: str
    name: str
    en: str
    kind: str
    date: dt.date
    place: str
    organiser: str
    chair: str
    online: bool = False
    inferred: str | None = None
    part_of_day: tuple[str, str] | None = None
    attendees: tuple[str, ...] = ()
    participating_units: tuple[str, ...] = ()


@dataclass(frozen=True)
class Speech(Quoted):
    event: str
    speaker: str
    vi: str
    en: str
    on_behalf_of: str | None = None
    inferred: str | None = None


@dataclass(frozen=True)
class Recognition(Quoted):
    event: str
    by: str
    recognises: str
    membership: Membership
    vi: str
    en: str
    on_behalf_of: str | None = None
    inferred: str | None = None


@dataclass(frozen=True)
class Movement(Quoted):
    name: str
    en: str
    period: tuple[int, int] | None = None
    implemented_by: tuple[str, ...] = ()
    id: str | None = None


@dataclass(frozen=True)
class Launch(Quoted):
    launchers: tuple[str, ...]
    movements: tuple[str, ...]


SOURCE_KINDS = ("NewsArticle", "Decree", "Resolution", "Decision", "Law", "WebPage")
LEGAL_KINDS = ("Decree", "Resolution", "Decision", "Law")


@dataclass(frozen=True)
class SourceDocument:
    """A document facts come from; ``text`` is empty when we cite it without holding its text."""

    id: str
    kind: str
    title: str
    text: str
    text_path: Path | None
    facts_path: Path
    publisher_name: str
    publisher_url: str
    language: str
    url: str | None = None
    issued: dt.date | None = None
    accessed: dt.date | None = None
    identifier: str | None = None
    issuer: str | None = None
    signed: dt.date | None = None
    effective: dt.date | None = None
    rights: str | None = None
    event_date: dt.date | None = None
    event_date_inferred: str | None = None
    about: str | None = None


@dataclass(frozen=True)
class SourceFacts:
    """Everything one fact file says, in the order it says it."""

    source: SourceDocument
    inferences: dict[str, Inference] = field(default_factory=dict)
    organisations: tuple[Organisation, ...] = ()
    posts: tuple[Post, ...] = ()
    places: tuple[Place, ...] = ()
    people: tuple[Person, ...] = ()
    memberships: tuple[Membership, ...] = ()
    events: tuple[Event, ...] = ()
    speeches: tuple[Speech, ...] = ()
    recognitions: tuple[Recognition, ...] = ()
    movements: tuple[Movement, ...] = ()
    launches: tuple[Launch, ...] = ()
    changes: tuple[Change, ...] = ()
    assignments: tuple[Assignment, ...] = ()

    def quoted_facts(self) -> list[tuple[str, Quoted]]:
        """Every fact with a human-readable description, for quote checks and error messages."""
        out: list[tuple[str, Quoted]] = [(f"inference {i.key!r}", i) for i in self.inferences.values()]
        for section in SECTIONS:
            for record in getattr(self, section):
                label = f"{section[:-1]} {describe(record)!r}"
                out.append((label, record))
                for key in ("founded", "dissolved", "operated_until", "start", "end"):
                    claim = getattr(record, key, None)
                    if claim is not None:
                        out.append((f"{label} {key}", claim))
        return out


SECTIONS = (
    "organisations",
    "posts",
    "places",
    "people",
    "memberships",
    "events",
    "speeches",
    "recognitions",
    "movements",
    "launches",
    "changes",
    "assignments",
)


def describe(record: Quoted) -> str:
    """A short name for a fact, used in error messages."""
    if isinstance(record, Membership | Assignment):
        return f"{record.member} — {record.role} — {record.organization}"
    if isinstance(record, Speech):
        return f"{record.speaker} at {record.event}"
    if isinstance(record, Recognition):
        return f"{record.by} recognises {record.recognises}"
    if isinstance(record, Launch):
        return "launch by " + ", ".join(record.launchers)
    if isinstance(record, Change):
        return f"{record.kind} {record.id}"
    return getattr(record, "name", None) or getattr(record, "id", "?")
