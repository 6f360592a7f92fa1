"""Source documents and their hand-written fact files → typed records (no RDF here).

A source is a folder under ``sources/`` holding the document's text and ``facts.yaml``, the
facts a person read in it, each with its supporting quote. This module only reads and checks
the *shape* of those files and reports problems as ``file:line``; whether each quote is really
in the text and whether each name refers to something is the build's business (``kg.build``).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import SourceError

FACTS_FILE = "facts.yaml"


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


# --- reading ---------------------------------------------------------------------------------


class _LineDict(dict):
    """A mapping that remembers the line it started on in the YAML file."""

    line = 0


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    mapping = _LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def nfc(text: str) -> str:
    """Vietnamese text in one Unicode form, so equal names compare equal."""
    return unicodedata.normalize("NFC", text)


class _Reader:
    """Reads one YAML mapping into record fields, naming file and line in every error."""

    def __init__(self, path: Path, data: dict, what: str) -> None:
        self.path = path
        self.data = data
        self.what = what
        self.where = f"{path}:{getattr(data, 'line', 0)}"
        self.used: set[str] = set()

    def fail(self, message: str) -> SourceError:
        return SourceError(f"{self.what}: {message}", where=self.where)

    def get(self, key: str, default: Any = ...) -> Any:
        self.used.add(key)
        if key not in self.data or self.data[key] is None:
            if default is ...:
                raise self.fail(f"missing required key {key!r}")
            return default
        return self.data[key]

    def text(self, key: str, default: Any = ...) -> str | None:
        value = self.get(key, default)
        if value is None or value is default:
            return value
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.fail(f"{key!r} must be text, got {type(value).__name__}")
        return nfc(str(value).strip())

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{key!r} must be a text or a list of texts")
        return tuple(nfc(v.strip()) for v in value)

    def evidence(self) -> dict[str, Any]:
        """The fact's quotes and citations, as keyword arguments of a record; one is required."""
        quotes = self.texts("quote")
        citations = self.citations("cite")
        if not all(quotes) or not (quotes or citations):
            raise self.fail("every fact needs evidence: a 'quote' from a text we hold, or a "
                            "'cite' (a locator, or {source, locator}) in a document we cite")
        return {"quotes": quotes, "citations": citations, "where": self.where}

    def citations(self, key: str) -> tuple[Citation, ...]:
        value = self.get(key, [])
        items = value if isinstance(value, list) else [value]
        out = []
        for item in items:
            if isinstance(item, str | int) and not isinstance(item, bool) and str(item).strip():
                out.append(Citation(None, nfc(str(item).strip())))
            elif isinstance(item, dict) and set(item) <= {"source", "locator"} and item.get("source"):
                out.append(Citation(str(item["source"]).strip(),
                                    nfc(str(item.get("locator") or "").strip())))
            else:
                raise self.fail(f"{key!r} must be a locator, a mapping {{source, locator}} or a "
                                f"list of them, got {item!r}")
        return tuple(out)

    def dated(self, key: str, *, events: tuple[str, ...] | None = None) -> DatedClaim | None:
        """A ``{date, cite, [event]}`` mapping: a day a source states, with its evidence."""
        value = self.get(key, None)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(f"{key!r} must be a mapping with 'date' and 'cite' (or 'quote')")
        sub = _Reader(self.path, value, f"{self.what} {key}")
        sub.where = self.where if not getattr(value, "line", 0) else sub.where
        event = sub.text("event", None) if events is not None else None
        if events is not None and event is not None and event not in events:
            raise sub.fail(f"unknown event {event!r}; known: {', '.join(events)}")
        claim = DatedClaim(date=sub.date("date"), event=event, **sub.evidence())
        sub.done()
        return claim

    def date(self, key: str, default: Any = ...) -> dt.date | None:
        value = self.get(key, default)
        if value is None or value is default:
            return value
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError as exc:
            raise self.fail(f"{key!r} must be a date YYYY-MM-DD, got {value!r}") from exc

    def years(self, key: str) -> tuple[int, int] | None:
        value = self.get(key, None)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return (value, value)
        if (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            and value[0] <= value[1]
        ):
            return (value[0], value[1])
        raise self.fail(f"{key!r} must be a year or [first year, last year], got {value!r}")

    def flag(self, key: str) -> bool:
        value = self.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(f"{key!r} must be true or false, got {value!r}")
        return value

    def pair(self, key: str) -> tuple[str, str] | None:
        value = self.get(key, None)
        if value is None:
            return None
        if not isinstance(value, dict) or set(value) != {"vi", "en"}:
            raise self.fail(f"{key!r} must be a mapping with 'vi' and 'en'")
        return (nfc(str(value["vi"])), str(value["en"]))

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise self.fail(f"unknown key(s) {', '.join(map(repr, unknown))}")


PERSONNEL_EVENTS = (
    "appointed", "approved", "elected", "assigned", "reappointed", "relieved", "dismissed",
    "retired", "transferred", "successor", "reorganised", "died",
)
CHANGE_KINDS = ("Split", "Merger", "Replacement", "Renaming", "Establishment", "Dissolution")


def _organisation(r: _Reader) -> Organisation:
    return Organisation(
        name=r.text("name"), en=r.text("en", None), kind=r.text("kind"), alt=r.texts("alt"),
        parent=r.text("parent", None), id=r.text("id", None), founded=r.dated("founded"),
        dissolved=r.dated("dissolved"), operated_until=r.dated("operated_until"), **r.evidence(),
    )


def _change(r: _Reader) -> Change:
    kind = r.text("kind")
    if kind not in CHANGE_KINDS:
        raise r.fail(f"unknown change kind {kind!r}; known: {', '.join(CHANGE_KINDS)}")
    original, resulting = r.texts("original"), r.texts("resulting")
    if not original and not resulting:
        raise r.fail("a change needs 'original' or 'resulting' organisations")
    return Change(id=r.text("id"), kind=kind, date=r.date("date"), original=original,
                  resulting=resulting, conflicts_with=r.texts("conflicts_with"), **r.evidence())


def _post(r: _Reader) -> Post:
    return Post(name=r.text("name"), en=r.text("en"), post_in=r.text("post_in", None),
                id=r.text("id", None), **r.evidence())


def _place(r: _Reader) -> Place:
    return Place(name=r.text("name"), en=r.text("en"), id=r.text("id", None), **r.evidence())


def _person(r: _Reader) -> Person:
    return Person(name=r.text("name"), alt=r.texts("alt"), id=r.text("id", None), **r.evidence())


def _membership(r: _Reader, *, quoted: bool = True) -> Membership:
    attested, during = r.date("attested", None), r.years("during")
    start = r.dated("from", events=PERSONNEL_EVENTS)
    end = r.dated("to", events=PERSONNEL_EVENTS)
    ways = (attested is not None) + (during is not None) + (start is not None or end is not None)
    if ways != 1:
        raise r.fail("say when in exactly one way: 'attested: DATE', 'during: YEAR or [FROM, TO]', "
                     "or 'from:'/'to:' dated events")
    if start and end and end.date < start.date:
        raise r.fail(f"'to' ({end.date}) is before 'from' ({start.date})")
    evidence = r.evidence() if quoted else {"quotes": (), "where": r.where}
    return Membership(
        member=r.text("member"), role=r.text("role"), organization=r.text("organization"),
        attested=attested, during=during, start=start, end=end, inferred=r.text("inferred", None),
        in_capacity_of=_membership_ref(r, "in_capacity_of") if quoted else None, **evidence,
    )


def _membership_ref(r: _Reader, key: str) -> Membership | None:
    """A reference to another membership (member, role, organization and its time)."""
    ref = r.get(key, None)
    if ref is None:
        return None
    if not isinstance(ref, dict):
        raise r.fail(f"{key!r} must be a mapping naming member, role, organization and time")
    sub = _Reader(r.path, ref, f"{r.what} {key}")
    membership = _membership(sub, quoted=False)
    sub.done()
    return membership


def _assignment(r: _Reader) -> Assignment:
    return Assignment(
        member=r.text("member"), role=r.text("role"), organization=r.text("organization"),
        date=r.date("date"), period=r.years("for") or _missing(r, "for"),
        inferred=r.text("inferred", None), **r.evidence(),
    )


def _missing(r: _Reader, key: str):  # noqa: ANN202 - raises
    raise r.fail(f"missing required key {key!r}")


def _event(r: _Reader) -> Event:
    return Event(
        id=r.text("id"), name=r.text("name"), en=r.text("en"), kind=r.text("kind"),
        date=r.date("date"), inferred=r.text("inferred", None), part_of_day=r.pair("part_of_day"),
        place=r.text("place"), online=r.flag("online"), organiser=r.text("organiser"),
        chair=r.text("chair"), attendees=r.texts("attendees"),
        participating_units=r.texts("participating_units"), **r.evidence(),
    )


def _speech(r: _Reader) -> Speech:
    return Speech(
        event=r.text("event"), speaker=r.text("speaker"), on_behalf_of=r.text("on_behalf_of", None),
        vi=r.text("vi"), en=r.text("en"), inferred=r.text("inferred", None), **r.evidence(),
    )


def _recognition(r: _Reader) -> Recognition:
    r.get("membership")  # required
    membership = _membership_ref(r, "membership")
    return Recognition(
        event=r.text("event"), by=r.text("by"), on_behalf_of=r.text("on_behalf_of", None),
        recognises=r.text("recognises"), membership=membership, vi=r.text("vi"), en=r.text("en"),
        inferred=r.text("inferred", None), **r.evidence(),
    )


def _movement(r: _Reader) -> Movement:
    return Movement(
        name=r.text("name"), en=r.text("en"), period=r.years("period"),
        implemented_by=r.texts("implemented_by"), id=r.text("id", None), **r.evidence(),
    )


def _launch(r: _Reader) -> Launch:
    return Launch(launchers=r.texts("launchers"), movements=r.texts("movements"), **r.evidence())


_SECTION_READERS = {
    "organisations": _organisation,
    "posts": _post,
    "places": _place,
    "people": _person,
    "memberships": _membership,
    "events": _event,
    "speeches": _speech,
    "recognitions": _recognition,
    "movements": _movement,
    "launches": _launch,
    "changes": _change,
    "assignments": _assignment,
}


def _read_yaml(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourceError(f"cannot read fact file: {exc.strerror}", where=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise SourceError(f"fact file is not UTF-8: {exc.reason}", where=str(path)) from exc
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise SourceError(f"invalid YAML: {exc.problem}", where=where) from exc
    if not isinstance(data, dict):
        raise SourceError("a fact file must be a YAML mapping with a 'source' key", where=str(path))
    return data


def _source_document(folder: Path, facts_path: Path, data: dict) -> SourceDocument:
    r = _Reader(facts_path, data, "source")
    if not isinstance(data, dict):
        raise SourceError("'source' must be a mapping", where=str(facts_path))
    kind = r.text("kind", "NewsArticle")
    if kind not in SOURCE_KINDS:
        raise r.fail(f"unknown source kind {kind!r}; known: {', '.join(SOURCE_KINDS)}")
    text, text_path = "", None
    file = r.text("file", None)
    if file:
        text_path = folder / file
        try:
            text = nfc(text_path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise r.fail(f"cannot read the source text {text_path}: {exc.strerror}") from exc
    publisher = r.get("publisher")
    if not isinstance(publisher, dict) or not {"name", "url"} <= set(publisher):
        raise r.fail("'publisher' must be a mapping with 'name' and 'url'")
    doc = SourceDocument(
        id=r.text("id"), kind=kind, title=r.text("title"), text=text, text_path=text_path,
        facts_path=facts_path, publisher_name=nfc(str(publisher["name"])),
        publisher_url=str(publisher["url"]), language=r.text("language", "vi"),
        url=r.text("url", None), issued=r.date("issued", None), accessed=r.date("accessed", None),
        identifier=r.text("identifier", None), issuer=r.text("issuer", None),
        signed=r.date("signed", None), effective=r.date("effective", None),
        rights=r.text("rights", None),
        event_date=r.date("event_date", None), event_date_inferred=r.text("event_date_inferred", None),
        about=r.text("about", None),
    )
    r.done()
    if doc.id != folder.name:
        raise r.fail(f"source id {doc.id!r} must be the folder's name {folder.name!r}")
    if not doc.url and not doc.text_path:
        raise r.fail("a source we do not hold the text of needs its address: 'url'")
    if kind in LEGAL_KINDS and not (doc.identifier and doc.issuer):
        raise r.fail(f"a {kind} needs its number as written ('identifier') and 'issuer'")
    return doc


def read_source(folder: Path) -> SourceFacts:
    """Read one source folder into records; raises :class:`SourceError` naming file and line."""
    facts_path = folder / FACTS_FILE
    data = _read_yaml(facts_path)
    top = _Reader(facts_path, data, "fact file")
    source = _source_document(folder, facts_path, top.get("source"))
    inferences: dict[str, Inference] = {}
    raw_inferences = top.get("inferences", {})
    if not isinstance(raw_inferences, dict):
        raise top.fail("'inferences' must be a mapping of name → reason and quote")
    for key, value in raw_inferences.items():
        if not isinstance(value, dict):
            raise top.fail(f"inference {key!r} must be a mapping")
        r = _Reader(facts_path, value, f"inference {key!r}")
        inferences[key] = Inference(key=key, reason_en=r.text("reason_en"),
                                    reason_vi=r.text("reason_vi"), **r.evidence())
        r.done()
    sections: dict[str, tuple] = {}
    for section, read in _SECTION_READERS.items():
        items = top.get(section, [])
        if not isinstance(items, list):
            raise top.fail(f"{section!r} must be a list")
        records = []
        for index, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise top.fail(f"{section} entry {index} must be a mapping")
            r = _Reader(facts_path, item, f"{section} entry {index}")
            records.append(read(r))
            r.done()
        sections[section] = tuple(records)
    top.done()
    return SourceFacts(source=source, inferences=inferences, **sections)


def discover_sources(sources_dir: Path) -> list[Path]:
    """Source folders (those holding a fact file), in a stable order."""
    if not sources_dir.is_dir():
        raise SourceError("sources folder not found", where=str(sources_dir))
    return sorted(p.parent for p in sources_dir.glob(f"*/{FACTS_FILE}"))


def read_sources(sources_dir: Path) -> list[SourceFacts]:
    """Every source under ``sources_dir``; source ids must be unique."""
    facts = [read_source(folder) for folder in discover_sources(sources_dir)]
    seen: dict[str, Path] = {}
    for f in facts:
        if f.source.id in seen:
            raise SourceError(
                f"source id {f.source.id!r} is also used by {seen[f.source.id]}",
                where=str(f.source.facts_path),
            )
        seen[f.source.id] = f.source.facts_path
    return facts
