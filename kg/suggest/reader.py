"""Mentions → facts: who holds which title in which unit, on which day, said by which sentence.

The patterns a reader of Vietnamese news knows (see docs/ingestion.md):

* a title before the name, with or without its unit (``Thứ trưởng Bộ TN&MT Lê Văn Bình``);
* appositions after the name, one or several, with commas or dashes (``ông A, Phó Cục trưởng
  Cục X, Trưởng Khối …``; ``đồng chí A - Tỉnh ủy viên, Giám đốc Sở …``);
* a plural title followed by a list of names (``các Phó Tổng cục trưởng A, B và C``);
* a title whose unit is not written next to it: the nearest unit of the right kind named before
  (``Phó Giám đốc Sở`` → the ``Sở TN&MT Hà Nội`` of the sentence; ``Viện trưởng`` → the ``Viện``);
* former (``nguyên``, ``từng làm``), planned (``dự kiến``, ``đồng ý chủ trương``) and ended
  (``thôi làm``) roles, reported as warnings, not facts;
* appointment stories (``ông A, Phó Viện trưởng phụ trách Viện X, được bổ nhiệm giữ chức Viện
  trưởng``): the role held up to the appointment and the new one;
* roles held by units (``Sở X, đơn vị Cụm trưởng Cụm Thi đua số 1``) go to organisation_roles.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from ..errors import KGError
from .dates import beginning_of, document_date, event_dates, resolve_day
from .gazetteer import Gazetteer
from .mentions import Mention, scan, title_text
from .text import Sentence, fold, nfc, split_sentences, unify_tones

MAX_TEXT = 200_000


class ReadingTimeout(KGError):
    """The text took longer to read than the caller allows."""

    status = 503
    exit_code = 3
    title = "Reading timed out"

_GUESSED_YEAR = "in the year the text's headline or body names (a guess: check it)"
_FORMER = ("nguyên", "từng", "cựu")
_APPOINT = frozenset(unify_tones(w) for w in (
    "bổ nhiệm điều động giữ chức làm giao bầu cử đắc luân chuyển tái đảm nhận phê chuẩn").split())
_APPOINT_FILLER = frozenset(unify_tones(w) for w in
                            "được đã vừa sẽ chính thức vụ là tiếp tục kể từ và lên quyết định sang".split())
# Words that, with "là" or "giữ chức", say a role is held now ("ông A hiện là …", "vốn là …").
_NOW = frozenset(unify_tones(w) for w in "hiện nay đang vốn đương".split())
# Phrases that hand a title, written further on, to the sentence's subject ("ông A, người trình
# bày báo cáo với cương vị Tổng cục trưởng …", "bà B, sinh năm 1972, hiện giữ chức Viện trưởng …").
_ROLE_PHRASES = tuple(tuple(unify_tones(p).split()) for p in (
    "với tư cách", "với tư cách là", "với cương vị", "với cương vị là", "trên cương vị",
    "hiện giữ chức", "hiện giữ chức vụ", "đang giữ chức", "đang giữ chức vụ", "hiện đang giữ chức",
    "hiện là", "hiện đang là", "giữ cương vị", "đảm nhận cương vị", "đảm nhiệm cương vị"))
_PLANNED = ("dự kiến", "đồng ý chủ trương", "chủ trương", "đề xuất", "đề nghị bổ nhiệm", "sẽ", "xem xét",
            "lấy phiếu", "giới thiệu", "việc bổ nhiệm", "việc điều động", "trình")
# "đọc Quyết định số 5559 … về việc điều động ông A": the decision itself, not a plan.
_DECIDED = re.compile(unify_tones(r"quyết định\b[^.;]{0,80}?\bvề việc (?:bổ nhiệm|điều động)"))
_PLURAL = frozenset({"các", "hai", "ba", "bốn", "năm", "những", "cùng", "nhiều"})
# What may stand between a plural title and its list of names ("nhiều Phó Cục trưởng, trong đó
# có ông A, bà B").
_LIST_OPENERS = frozenset(tuple(unify_tones(p).split()) for p in (
    "là", "là :", ":", ", trong đó có", "trong đó có", ", gồm", "gồm", "gồm :", ", gồm :", ", là"))
_SEPARATORS = frozenset({",", "-", "–", "(", "kiêm", "và", "rồi", "đồng thời", ";"})
_ORG_ROLE_LINK = frozenset({",", "đơn", "vị", "là", "làm", "giữ", "vai", "trò", "được", "bầu", "-", "–"})


@dataclass
class Fact:
    person: str
    title: str
    organisation: str
    date: str | None
    sentence: str
    confidence: float
    reason: str
    organisation_iri: str | None = None
    organisation_label: str | None = None  # the graph's name of the unit, when it is known
    person_iri: str | None = None
    person_id: str | None = None
    role: str | None = None
    start: int = 0  # offsets of the sentence in the text
    end: int = 0
    person_start: int = 0  # offsets of the name
    person_end: int = 0
    # an appointment: the role's beginning (a day or a month), the event, and how it was read
    begins: str | None = None
    event: str | None = None
    begins_reason: str = ""

    def key(self) -> tuple[str, str, str]:
        return fold(self.person), fold(self.title), fold(self.organisation)


@dataclass
class Suggestions:
    facts: list[Fact] = field(default_factory=list)
    organisation_roles: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    title: str = ""
    date: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"facts": [asdict(f) for f in self.facts], "organisation_roles": self.organisation_roles,
                "warnings": self.warnings}


# --- the reader -------------------------------------------------------------------------------


@dataclass
class _Unit:
    sentence: int
    token: int
    head: str
    mention: Mention


class Reader:
    def __init__(self, text: str, gazetteer: Gazetteer | None, date: dt.date | None,
                 deadline: float | None = None) -> None:
        self.deadline = deadline
        self.text = nfc(text)
        self.gaz = gazetteer or Gazetteer()
        self.given_date = date
        self.sentences: list[Sentence] = split_sentences(self.text)
        self.mentions: list[list[Mention]] = [scan(s.tokens, self.gaz) for s in self.sentences]
        self.units: list[_Unit] = [
            _Unit(si, u.start, u.head_key, u) for si, ms in enumerate(self.mentions) for m in ms
            if m.kind == "unit" for u in (m, m.parent) if u is not None and u.named]
        self.people: list[tuple[int, Mention]] = []
        self.out = Suggestions()
        self.doc_date, self.year_guessed = document_date([x.text for x in self.sentences], date)
        self.out.date = self.doc_date.isoformat() if self.doc_date else None
        self.out.title = self.sentences[0].text if self.sentences else ""

    def date_of(self, si: int) -> tuple[str | None, str]:
        days = event_dates(self.sentences[si].text)
        if days:
            resolved = resolve_day(days[0], self.doc_date or self.given_date)
            if resolved:
                if days[0][2] is None and self.year_guessed:
                    return resolved.isoformat(), f"the day the sentence gives, {_GUESSED_YEAR}"
                return resolved.isoformat(), "the day the sentence gives"
        if self.doc_date:
            if self.year_guessed:
                return self.doc_date.isoformat(), f"the text's first day, {_GUESSED_YEAR}"
            return self.doc_date.isoformat(), ("the event day of the text" if self.doc_date != self.given_date
                                               else "the date given (--date)")
        return None, "no date in the text and none given"

    # helpers

    def words(self, si: int, a: int, b: int) -> list[str]:
        return [unify_tones(t.text.lower()) for t in self.sentences[si].tokens[a:b]]

    def planned(self, si: int, before: int) -> bool:
        s = self.sentences[si]
        cut = s.tokens[before].start - s.start if before < len(s.tokens) else len(s.text)
        text = _DECIDED.sub(" ", unify_tones(s.text[:cut].lower()))
        if any(re.search(rf"(?<!\w){p}(?!\w)", text) for p in _PLANNED):
            return True
        if si > 0 and self.sentences[si - 1].paragraph == s.paragraph and "bổ nhiệm" in text:
            prev = unify_tones(self.sentences[si - 1].text.lower())
            return any(p in prev for p in ("dự kiến", "chủ trương", "đề xuất"))
        return False

    def resolve_unit(self, si: int, title: Mention) -> tuple[str, float, str, Any]:
        """The unit of a title: written with it, or the nearest unit of its kind named before."""
        unit = title.unit
        if unit is not None and unit.named:
            return unit.text, 1.0, "unit written with the title", unit.known
        heads = (unit.head_key,) if unit is not None else (title.head.units if title.head else ())
        if not heads:
            return "", 0.5, "no unit", None
        linked = next((m for m in self.mentions[si] if m.kind == "unit" and m.named and m.head_key in heads
                       and self.words(si, title.end, m.start) in (["tại"], ["của"], ["thuộc"])), None)
        if linked is not None:  # "giữ cương vị Thứ trưởng tại Bộ Nông nghiệp và Môi trường"
            return linked.text, 0.95, "the unit written after 'tại', 'của' or 'thuộc'", linked.known
        before = [u for u in self.units if (u.sentence, u.token) < (si, title.start) and u.head in heads]
        same_after = [u for u in self.units if u.sentence == si and u.token > title.start and u.head in heads]
        if before:
            u = before[-1]
            why = "the unit named earlier in the sentence" if u.sentence == si else "the unit named earlier"
            return u.mention.text, 0.95 if u.sentence == si else 0.85, why, u.mention.known
        if same_after:
            u = same_after[0]
            return u.mention.text, 0.8, "the unit named later in the sentence", u.mention.known
        later = [u for u in self.units if u.head in heads]
        if later:
            return later[0].mention.text, 0.7, "the unit named later in the text", later[0].mention.known
        if "bộ" in heads and re.search(r"(?i)TN&MT|TN-MT|tài nguyên và môi trường", self.text):
            return "Bộ Tài nguyên và Môi trường", 0.6, "assumed: the ministry the text is about", \
                self.gaz.organisation("Bộ Tài nguyên và Môi trường")
        if unit is not None:
            return unit.text, 0.5, "a unit named only by its kind", None
        return "", 0.4, "no unit found", None

    def full_name(self, si: int, person: Mention) -> Mention | None:
        """A short back-reference (``ông Sơn``) → the last full name ending with it."""
        if not person.short:
            return person
        if person.via == "pronoun":  # "ông" alone: the person named last
            earlier = [m for m in self.mentions[si] if m.kind == "person" and not m.short
                       and m.end <= person.start]
            last = earlier[-1] if earlier else self.people[-1][1] if self.people else None
            return None if last is None else replace(last, start=person.start, end=person.end,
                                                     extra={**last.extra, "written": person.honorific})
        for _, p in reversed(self.people):
            if not p.short and fold(p.name).split()[-1] == fold(person.name):
                # the full name, at the place of the back-reference (offsets are this sentence's)
                return replace(p, start=person.start, end=person.end,
                               extra={**p.extra, "written": person.name})
        return None

    # facts

    def add(self, si: int, person: Mention, title: Mention, confidence: float, reason: str,
            status: str = "current", event: str | None = None) -> None:
        sentence = self.sentences[si]
        org, unit_conf, unit_why, known = self.resolve_unit(si, title)
        date, date_why = self.date_of(si)
        name = person.name
        record = {"person": name, "title": title_text(title), "organisation": org, "date": date,
                  "sentence": sentence.text}
        if status != "current":
            messages = {"former": "a former role ('nguyên', 'từng'): not a fact on the day",
                        "planned": "a role only planned or agreed in principle: not a fact on the day",
                        "ended": "a role the sentence says ends"}
            self.out.warnings.append({"kind": status, **record, "message": messages[status]})
            return
        if title.head is not None and title.head.organisation_role and not org:
            return
        confidence = round(confidence * unit_conf * (0.85 if person.via == "ner" else 1.0)
                           * (0.9 if len(name.split()) == 2 else 1.0), 2)
        if not org:  # a position without its unit is no fact of the graph: let the reviewer decide
            self.out.warnings.append({"kind": "no-organisation", **record,
                                      "message": "no unit found for this title; add it by hand "
                                                 "if it is a fact"})
            return
        tokens = sentence.tokens
        name_tokens = [t for t in tokens[person.start:person.end]]
        written = len(person.extra.get("written", name).split())
        n_start = name_tokens[-written].start if name_tokens else sentence.start
        begins, begins_why = beginning_of(sentence.text) if event else (None, "")
        if event and begins is None:
            begins, begins_why = date, f"{date_why} (check: the decision's or the ceremony's day)"
        self.out.facts.append(Fact(
            person=name, title=title_text(title), organisation=org, date=date, sentence=sentence.text,
            confidence=confidence, reason=f"{reason}; organisation: {unit_why}; date: {date_why}",
            organisation_iri=known.iri if known is not None else None,
            organisation_label=known.name if known is not None else None, start=sentence.start,
            end=sentence.end, person_start=n_start, person_end=name_tokens[-1].end if name_tokens else 0,
            begins=begins, event=event, begins_reason=begins_why))

    def chain(self, si: int, mentions: list[Mention], k: int) -> int:
        """Titles in apposition after the person ``mentions[k]``; returns the index after them."""
        person = self.full_name(si, mentions[k])
        end, j, last_status = mentions[k].end, k + 1, None
        while j < len(mentions):
            m = mentions[j]
            if m.kind == "unit" and m.start < end:
                j += 1
                continue
            if m.kind == "unit" and self.words(si, end, m.start) in (["thuộc"], [",", "thuộc"]):
                end = m.end  # "Trưởng phòng X thuộc Trung tâm Y, …": the unit the title is in
                j += 1
                continue
            if m.kind == "unit" and self._bracketed(si, end, m):
                end = m.end + 1  # "Trưởng phòng …, Trung tâm X (Viện Hàn lâm …), được bổ nhiệm làm …"
                j += 1
                continue
            if m.kind != "title" or self._names_its_own_holder(si, mentions, j):
                break
            between = self.words(si, end, m.start)
            seps = [w for w in between if w in _SEPARATORS]
            rest = [w for w in between if w not in _SEPARATORS]
            appoint = any(w in _APPOINT for w in rest) and all(
                w in _APPOINT or w in _APPOINT_FILLER or w in _FORMER for w in rest)
            if "thôi" in rest or "miễn" in rest:
                status = "ended"
            elif any(w in _FORMER for w in rest) or ("rồi" in between and last_status == "former"):
                status = "former"
            elif appoint:
                status = "planned" if self.planned(si, m.start) else "current"
            elif not rest and (seps or last_status is not None):
                status = "current"
            elif last_status is None and _held_now(rest):
                status = "current"  # "ông A là Phó Cục trưởng Cục X", "ông A hiện giữ chức …"
            else:
                break
            if person is not None:
                reason = ("appointment: the new role" if appoint else
                          "apposition after the name" if last_status is None else "a further apposition")
                self.add(si, person, m, 0.9 if not appoint else 0.85, reason, status,
                         _appointment_event(rest) if appoint else None)
            last_status = status
            end = m.end
            j += 1
            if status == "ended":
                break
        return j

    def _bracketed(self, si: int, end: int, unit: Mention) -> bool:
        """Whether ``unit`` stands alone in brackets right after token ``end``."""
        tokens = self.sentences[si].tokens
        return (self.words(si, end, unit.start) == ["("] and unit.end < len(tokens)
                and tokens[unit.end].text == ")")

    def _names_its_own_holder(self, si: int, mentions: list[Mention], j: int) -> bool:
        """Whether the title ``mentions[j]`` is written right before a name (``…; Phó Cục trưởng
        Cục X Phạm Văn Tấn``, ``A và Phó Viện trưởng B``): it is that person's, not an
        apposition of the one before."""
        title, q = mentions[j], j + 1
        while q < len(mentions) and mentions[q].kind == "unit" and mentions[q].start < title.end:
            q += 1
        return (q < len(mentions) and mentions[q].kind == "person"
                and not self.words(si, title.end, mentions[q].start))

    def forward(self, si: int, mentions: list[Mention], k: int) -> None:
        """Names written after the title ``mentions[k]``: one, or a list after a plural title."""
        title = mentions[k]
        j = k + 1
        while j < len(mentions) and mentions[j].kind == "unit" and mentions[j].start < title.end:
            j += 1
        after = title.end
        if (j < len(mentions) and mentions[j].kind == "unit" and not mentions[j].named
                and self.words(si, title.end, mentions[j].start) == ["của"]):
            after, j = mentions[j].end, j + 1  # "hai Phó Cục trưởng của Cục là A và B"
        if j >= len(mentions) or mentions[j].kind != "person":
            return
        between = self.words(si, after, mentions[j].start)
        tokens = self.sentences[si].tokens
        if between[:1] == ["("] and between[2:3] == [")"] and tokens[after + 1].text.isupper():
            between = between[3:]  # "các Phó Tổng Giám đốc (PTGĐ) A, B và C": its abbreviation
        previous = self.words(si, max(0, title.start - 1), title.start)
        plural = bool(previous) and (previous[0] in _PLURAL or previous[0].isdigit())
        listed = tuple(between) in _LIST_OPENERS and (plural or "," not in between)
        if between and not listed:
            return
        former = self.words(si, max(0, title.start - 2), title.start)
        status = "former" if any(w in _FORMER for w in former) else "current"
        if status == "current" and (plural or listed) and self.planned(si, title.start):
            status = "planned"
        reason = "title before the name"
        holders = [mentions[j]]
        if plural or listed:
            reason = "plural title followed by a list of names" if plural else "title, then 'là' and names"
            end, q = mentions[j].end, j + 1
            while q < len(mentions):
                while q < len(mentions) and mentions[q].kind != "person" and mentions[q].start < end:
                    q += 1
                if q >= len(mentions) or mentions[q].kind != "person":
                    break
                gap = [w for w in self.words(si, end, mentions[q].start)]
                if not gap or not set(gap) <= {",", "và", ";"}:
                    if not listed:
                        break
                    # a listed name may carry its own apposition: skip over it
                    if not set(gap) - {",", "và"} <= {"nguyên", "từng"} and not any(
                            mm.kind == "title" for mm in mentions if end <= mm.start < mentions[q].start):
                        break
                holders.append(mentions[q])
                end = mentions[q].end
                q += 1
        for h in holders:
            person = self.full_name(si, h)
            if person is not None:
                self.add(si, person, title, 0.9 if not plural else 0.85, reason, status)

    def held_by_subject(self, si: int, mentions: list[Mention], k: int) -> None:
        """``ông A, người trình bày báo cáo với cương vị Tổng cục trưởng X``; ``Ông Thái dự họp
        với tư cách …``: a role phrase hands the title to the person named last before it."""
        title = mentions[k]
        before = tuple(self.words(si, max(0, title.start - 5), title.start))
        if not any(before[-len(p):] == p for p in _ROLE_PHRASES):
            return
        named = [m for m in mentions[:k] if m.kind == "person"]
        if not named:
            return
        subjects = [named[-1]]  # "bà Hoa, ông Kiên và ông Thành tiếp tục giữ cương vị …": all three
        for m in reversed(named[:-1]):
            if not set(self.words(si, m.end, subjects[0].start)) <= {",", "và"}:
                break
            subjects.insert(0, m)
        for m in subjects:
            person = self.full_name(si, m)
            if person is not None:
                self.add(si, person, title, 0.8, "a role phrase ('với tư cách', 'hiện giữ chức') "
                                                 "after the person", "current")

    def organisation_role(self, si: int, mentions: list[Mention], k: int) -> None:
        title = mentions[k]
        for q in range(k - 1, -1, -1):
            m = mentions[q]
            if m.kind == "unit" and m.end <= title.start:
                if set(self.words(si, m.end, title.start)) <= _ORG_ROLE_LINK:
                    org, _, _, known = self.resolve_unit(si, title)
                    date, _ = self.date_of(si)
                    self.out.organisation_roles.append({
                        "organisation": m.text, "title": title_text(title), "of": org, "date": date,
                        "sentence": self.sentences[si].text,
                        "organisation_iri": m.known.iri if m.known else None,
                        "of_iri": known.iri if known else None})
                return
            if m.kind != "unit":
                return

    def former_mentions(self, si: int, mentions: list[Mention]) -> None:
        """``Bà Hoa …, từng làm Phó Vụ trưởng rồi Vụ trưởng Vụ X``: past roles of the subject."""
        subject = next((self.full_name(si, m) for m in mentions if m.kind == "person"), None)
        if subject is None:
            return
        last = None
        for m in mentions:
            if m.kind != "title":
                continue
            before = self.words(si, max(0, m.start - 3), m.start)
            if any(w in ("từng", "cựu") for w in before) or (last is not None and before[-1:] == ["rồi"]):
                if not any(w.get("title") == title_text(m) and w.get("person") == subject.name
                           for w in self.out.warnings):
                    self.add(si, subject, m, 0.0, "", "former")
                last = m
            else:
                last = None

    def read(self) -> Suggestions:
        for si, mentions in enumerate(self.mentions):
            if self.deadline is not None and time.monotonic() > self.deadline:
                raise ReadingTimeout("the text took too long to read; send a shorter one")
            linked: set[int] = set()
            for k, m in enumerate(mentions):
                if m.kind == "person" and (not m.short or self.full_name(si, m)):
                    count = len(self.out.facts) + len(self.out.warnings)
                    after = self.chain(si, mentions, k)
                    if len(self.out.facts) + len(self.out.warnings) > count:
                        linked.update(range(k + 1, after))
            for k, m in enumerate(mentions):
                if m.kind == "title" and k not in linked:
                    before = len(self.out.facts) + len(self.out.warnings)
                    self.forward(si, mentions, k)
                    if len(self.out.facts) + len(self.out.warnings) == before:
                        if m.head.organisation_role:
                            self.organisation_role(si, mentions, k)
                        else:
                            self.held_by_subject(si, mentions, k)
            self.former_mentions(si, mentions)
            self.people.extend((si, m) for m in mentions if m.kind == "person" and not m.short)
        self.out.facts = _dedupe(self.out.facts)
        return self.out


def _appointment_event(words: list[str]) -> str:
    """The personnel event (ontology/events.ttl) the words before a new title name."""
    said = " ".join(words)
    for phrase, event in (("bổ nhiệm lại", "reappointed"), ("điều động", "transferred"),
                          ("luân chuyển", "transferred"), ("phê chuẩn", "approved"), ("bầu", "elected"),
                          ("đắc cử", "elected"), ("giao", "assigned")):
        if unify_tones(phrase) in said:
            return event
    return "appointed"


def _held_now(words: list[str]) -> bool:
    """``là``, ``hiện là``, ``vốn là``, ``hiện giữ chức``: the words say the role is held."""
    core = [w for w in words if w not in _NOW]
    return bool(core) and core in (["là"], ["giữ", "chức"], ["giữ", "chức", "vụ"])


def _dedupe(facts: list[Fact]) -> list[Fact]:
    """One fact per (person, title, unit): the most confident statement of it."""
    best: dict[tuple[str, str, str], Fact] = {}
    for f in facts:
        known = best.get(f.key())
        if known is None or f.confidence > known.confidence:
            best[f.key()] = f
    return sorted(best.values(), key=lambda f: (f.start, f.person_start))


def read(text: str, *, gazetteer: Gazetteer | None = None, date: dt.date | None = None,
         deadline: float | None = None) -> Suggestions:
    """Suggested facts of a Vietnamese text (see the module's docstring for what is read).

    :param deadline: a ``time.monotonic()`` instant after which reading stops with
        :class:`ReadingTimeout`.
    """
    return Reader(text, gazetteer, date, deadline).read()
