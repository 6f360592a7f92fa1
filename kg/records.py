"""The records a fact file is read into: typed, immutable, each with its evidence and its place.

No YAML and no RDF here: :mod:`kg.sources` reads files into these records, :mod:`kg.build`
turns them into quads.
"""

from __future__ import annotations

import datetime as dt
import re
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


class PartialDate(dt.date):
    """A month or a year, where a source gives no day ("tháng 2/2020", "năm 2019").

    It compares as its first day, so terms still sort and join, but it is written as what the
    source said (``2020-02``, ``2020``): as ``xsd:gYearMonth``/``xsd:gYear`` (OWL-Time's
    ``time:inXSDgYearMonth``/``time:inXSDgYear``), never as a day. A question about a day
    ("held on D?") finds no answer in it, which is the truth: the source does not say.

    >>> PartialDate.parse("2020-02").isoformat(), PartialDate.parse(2019).isoformat()
    ('2020-02', '2019')
    >>> PartialDate.parse("2020-02") < dt.date(2020, 2, 13), PartialDate.parse("2020-02").last_day
    (True, datetime.date(2020, 2, 29))
    """

    precision: str

    def __new__(cls, year: int, month: int | None = None) -> PartialDate:
        self = super().__new__(cls, year, month or 1, 1)
        self.precision = "month" if month else "year"
        return self

    def __reduce__(self):  # noqa: ANN204 - keep the precision through copies and pickling
        return (PartialDate, (self.year, self.month if self.precision == "month" else None))

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """``YYYY`` (an int, as YAML reads it, or text) or ``YYYY-MM``; ValueError otherwise."""
        text = str(value).strip()
        match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?", text)
        if match is None or (match[2] and not 1 <= int(match[2]) <= 12):
            raise ValueError(text)
        return cls(int(match[1]), int(match[2]) if match[2] else None)

    def isoformat(self) -> str:
        return f"{self.year:04d}-{self.month:02d}" if self.precision == "month" else f"{self.year:04d}"

    __str__ = isoformat

    @property
    def last_day(self) -> dt.date:
        if self.precision == "year":
            return dt.date(self.year, 12, 31)
        following = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)


def parse_when(text: str | None) -> dt.date | None:
    """A time as a query gives it: a day (``2020-02-13``, or the start of a dateTime), or a
    :class:`PartialDate` (``2020-02``, ``2020``); None for anything else.

    >>> parse_when("2020-02-13"), parse_when("2020-02").isoformat(), parse_when("x")
    (datetime.date(2020, 2, 13), '2020-02', None)
    """
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return PartialDate.parse(text)
    except ValueError:
        return None


def is_day(when: dt.date | None, day: dt.date) -> bool:
    """Whether ``when`` is that very day (a month or a year is never a day)."""
    return when is not None and not isinstance(when, PartialDate) and when == day


def last_day_of(when: dt.date) -> dt.date:
    """The day itself; the last day of a month or a year."""
    return when.last_day if isinstance(when, PartialDate) else when


def happened_by(when: dt.date, day: dt.date) -> bool:
    """Whether something a source dates at ``when`` (a beginning, a dissolution) had surely
    happened on ``day``: on or after a day, after the whole of a month or a year (appointed "in
    2/2020" is not yet sure on 10/2/2020; a unit dissolved "in 2025" is still listed in 2025).

    >>> happened_by(PartialDate.parse(2025), dt.date(2025, 12, 31))
    False
    >>> happened_by(dt.date(2025, 3, 1), dt.date(2025, 3, 1))
    True
    """
    return last_day_of(when) < day if isinstance(when, PartialDate) else when <= day


def unit_exists_on(founded: dt.date | None, dissolved: dt.date | None, day: dt.date) -> bool:
    """The rule of ``queries/units-on-date.rq``: no source puts the founding after ``day`` or the
    dissolution surely on or before it (a month or a year counts as the whole of it: a unit
    founded "in 2013" is listed from 1/1/2013, one dissolved "in 2025" through 2025)."""
    return (founded is None or founded <= day) and not (dissolved is not None and happened_by(dissolved, day))


def unit_exists_in(founded: dt.date | None, dissolved: dt.date | None, year: int) -> bool:
    """No source dates the unit out of the whole of ``year``."""
    return ((founded is None or founded <= dt.date(year, 12, 31))
            and not (dissolved is not None and happened_by(dissolved, dt.date(year, 1, 1))))


def lasting_on(end: dt.date | None, day: dt.date) -> bool:
    """Whether something with that ``end`` (None: not known to have ended) surely lasted to
    ``day``: on or before a day, before the whole of a month or a year."""
    if end is None:
        return True
    return day < end if isinstance(end, PartialDate) else day <= end


@dataclass(frozen=True)
class DatedClaim(Quoted):
    """A day a source states for something: a founding, a dissolution, an appointment (for a
    role's beginning or end, also a :class:`PartialDate` where the source gives only a month or
    a year)."""

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
