"""Source documents and their hand-written fact files → typed records (no RDF here).

A source is a folder under ``sources/`` holding the document's text and ``facts.yaml``, the
facts a person read in it, each with its supporting quote. This module only reads and checks
the *shape* of those files and reports problems as ``file:line``; whether each quote is really
in the text and whether each name refers to something is the build's business (``kg.build``).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from .errors import SourceError
from .records import (
    LEGAL_KINDS,
    SECTIONS,
    SOURCE_KINDS,
    Assignment,
    Change,
    Citation,
    DatedClaim,
    Event,
    Inference,
    Launch,
    Membership,
    Movement,
    Organisation,
    PartialDate,
    Person,
    Place,
    Post,
    Quoted,
    Recognition,
    SourceDocument,
    SourceFacts,
    Speech,
    describe,
    last_day_of,
)

FACTS_FILE = "facts.yaml"

__all__ = [
    "Assignment",
    "Change",
    "Citation",
    "DatedClaim",
    "Event",
    "Inference",
    "LEGAL_KINDS",
    "Launch",
    "Membership",
    "Movement",
    "Organisation",
    "Person",
    "Place",
    "Post",
    "Quoted",
    "Recognition",
    "SECTIONS",
    "SOURCE_KINDS",
    "SourceDocument",
    "SourceFacts",
    "Speech",
    "describe",
    "FACTS_FILE",
    "discover_sources",
    "read_source",
    "read_sources",
]


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

    def nested(self, key: str, what: str) -> _Reader | None:
        """A reader of the mapping under ``key`` (None when absent), naming its own line."""
        value = self.get(key, None)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(f"{key!r} must be {what}")
        sub = _Reader(self.path, value, f"{self.what} {key}")
        sub.where = self.where if not getattr(value, "line", 0) else sub.where
        return sub

    def dated(self, key: str, *, events: tuple[str, ...] | None = None,
              partial: bool = False) -> DatedClaim | None:
        """A ``{date, cite, [event]}`` mapping: a day a source states, with its evidence (with
        ``partial``, also a month or a year where the source gives no day)."""
        sub = self.nested(key, "a mapping with 'date' and 'cite' (or 'quote')")
        if sub is None:
            return None
        event = sub.text("event", None) if events is not None else None
        if events is not None and event is not None and event not in events:
            raise sub.fail(f"unknown event {event!r}; known: {', '.join(events)}")
        claim = DatedClaim(date=sub.date("date", partial=partial), event=event, **sub.evidence())
        sub.done()
        return claim

    def date(self, key: str, default: Any = ..., *, partial: bool = False) -> dt.date | None:
        """A day ``YYYY-MM-DD``; with ``partial``, also ``YYYY-MM`` or ``YYYY`` (a
        :class:`PartialDate`: the source gives the month or the year, not the day)."""
        value = self.get(key, default)
        if value is None or value is default:
            return value
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            pass
        if partial:
            try:
                return PartialDate.parse(value)
            except ValueError:
                pass
        wanted = "a date YYYY-MM-DD, or a month YYYY-MM or a year YYYY" if partial else "a date YYYY-MM-DD"
        raise self.fail(f"{key!r} must be {wanted}, got {value!r}")

    def years(self, key: str, *, required: bool = False) -> tuple[int, int] | None:
        value = self.get(key) if required else self.get(key, None)
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
        parent=r.text("parent", None), id=r.text("id", None), founded=r.dated("founded", partial=True),
        dissolved=r.dated("dissolved", partial=True),
        operated_until=r.dated("operated_until", partial=True), **r.evidence(),
    )


def _change(r: _Reader) -> Change:
    kind = r.text("kind")
    if kind not in CHANGE_KINDS:
        raise r.fail(f"unknown change kind {kind!r}; known: {', '.join(CHANGE_KINDS)}")
    original, resulting = r.texts("original"), r.texts("resulting")
    if not original and not resulting:
        raise r.fail("a change needs 'original' or 'resulting' organisations")
    return Change(id=r.text("id"), kind=kind, date=r.date("date", partial=True), original=original,
                  resulting=resulting, conflicts_with=r.texts("conflicts_with"), **r.evidence())


def _post(r: _Reader) -> Post:
    return Post(name=r.text("name"), en=r.text("en"), post_in=r.text("post_in", None),
                id=r.text("id", None), **r.evidence())


def _place(r: _Reader) -> Place:
    return Place(name=r.text("name"), en=r.text("en"), id=r.text("id", None), **r.evidence())


def _person(r: _Reader) -> Person:
    return Person(name=r.text("name"), alt=r.texts("alt"), id=r.text("id", None), **r.evidence())


def _membership(r: _Reader, *, quoted: bool = True) -> Membership:
    attested, during = r.date("attested", None, partial=True), r.years("during")
    start = r.dated("from", events=PERSONNEL_EVENTS, partial=True)
    end = r.dated("to", events=PERSONNEL_EVENTS, partial=True)
    ways = (attested is not None) + (during is not None) + (start is not None or end is not None)
    if ways != 1:
        raise r.fail("say when in exactly one way: 'attested: DATE' (or a month YYYY-MM or a year), "
                     "'during: YEAR or [FROM, TO]' (whole years), or 'from:'/'to:' dated events")
    if start and end and last_day_of(end.date) < start.date:
        raise r.fail(f"'to' ({end.date}) is before 'from' ({start.date})")
    evidence = r.evidence() if quoted else {"quotes": (), "where": r.where}
    return Membership(
        member=r.text("member"), role=r.text("role"), organization=r.text("organization"),
        attested=attested, during=during, start=start, end=end, inferred=r.text("inferred", None),
        in_capacity_of=_membership_ref(r, "in_capacity_of") if quoted else None, **evidence,
    )


def _membership_ref(r: _Reader, key: str) -> Membership | None:
    """A reference to another membership (member, role, organization and its time)."""
    sub = r.nested(key, "a mapping naming member, role, organization and time")
    if sub is None:
        return None
    membership = _membership(sub, quoted=False)
    sub.done()
    return membership


def _assignment(r: _Reader) -> Assignment:
    return Assignment(
        member=r.text("member"), role=r.text("role"), organization=r.text("organization"),
        date=r.date("date"), period=r.years("for", required=True),
        inferred=r.text("inferred", None), **r.evidence(),
    )


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
