"""Suggestions → what a researcher reads and reviews: JSON, a table, or a ``facts.yaml`` draft
in the format of docs/sources.md (people with ``id``, memberships with ``attested`` and the
sentence as ``quote``) that ``tnmt-kg build`` accepts once reviewed.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import yaml

from .gazetteer import UNIT_HEADS
from .reader import Fact, Suggestions
from .resolve import slug
from .text import fold, lower
from .titles import vocabulary


def as_json(s: Suggestions) -> str:
    return json.dumps(s.as_dict(), ensure_ascii=False, indent=2)


def as_table(s: Suggestions) -> str:
    rows = [("person", "title", "organisation", "date", "conf.")]
    rows += [(f.person, f.title, f.organisation or "?", f.date or "?", f"{f.confidence:.2f}")
             for f in s.facts]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for o in s.organisation_roles:
        lines.append(f"organisation role: {o['organisation']} — {o['title']} {o['of']} ({o['date'] or '?'})")
    for w in s.warnings:
        lines.append(f"warning ({w['kind']}): {w['person']} — {w['title']} {w['organisation']}: "
                     f"{w['message']}")
    return "\n".join(lines)


def _when(text: str) -> dt.date | str:
    """A day as a date (YAML writes it bare); a month ``YYYY-MM`` as text, as the format takes it."""
    return dt.date.fromisoformat(text) if len(text) == 10 else text


def unit_kind(name: str) -> str | None:
    """The fact-file ``kind`` of a unit, from the head its name begins with."""
    words = lower(name).split()
    for n in range(4, 0, -1):
        kind = UNIT_HEADS.get(" ".join(words[:n]), "-")
        if kind != "-":
            return kind
    return None


def facts_yaml(s: Suggestions, *, source_id: str, facts: list[Fact] | None = None,
               text_file: str = "article.txt", url: str | None = None,
               publisher: tuple[str, str] = ("TODO: publisher", "https://example.org/")) -> str:
    """A facts.yaml draft: the source, new units, new people, and one membership per fact."""
    facts = s.facts if facts is None else facts
    roles = vocabulary()
    source: dict[str, Any] = {"id": source_id, "kind": "NewsArticle", "file": text_file,
                              "title": s.title or source_id,
                              "publisher": {"name": publisher[0], "url": publisher[1]}, "language": "vi"}
    organisations, people, memberships, notes = [], [], [], []
    if s.date:
        source["issued"] = dt.date.fromisoformat(s.date)
    else:
        notes.append("the article's date: add 'issued: YYYY-MM-DD' to the source")
    if url:
        source["url"] = url
    seen_orgs: set[str] = set()
    seen_people: set[str] = set()
    for f in facts:
        if not f.organisation:
            notes.append(f"skipped (no unit): {f.person} — {f.title}")
            continue
        if not f.organisation_iri and fold(f.organisation) not in seen_orgs:
            kind = unit_kind(f.organisation)
            if kind is None:
                notes.append(f"skipped (unit of unknown kind, declare it by hand): {f.person} — "
                             f"{f.title} {f.organisation}")
                continue
            seen_orgs.add(fold(f.organisation))
            organisations.append({"name": f.organisation, "en": f"TODO: English name of {f.organisation}",
                                  "kind": kind, "quote": f.sentence})
        person_id = f.person_id or slug(f.person)
        if not f.person_iri and person_id not in seen_people:
            seen_people.add(person_id)
            people.append({"id": person_id, "name": f.person, "quote": f.sentence})
        if not roles.known(f.title):
            notes.append(f"role {roles.slug(f.title)!r} ({f.title}) is not in ontology/roles.ttl yet: add it")
        membership: dict[str, Any] = {"member": person_id, "role": f.role or roles.slug(f.title),
                                      "organization": f.organisation_label or f.organisation,
                                      "quote": f.sentence}
        if f.begins:  # an appointment: the role's beginning, as the sentence gives it
            membership["from"] = {"date": _when(f.begins), "event": f.event or "appointed",
                                  "quote": f.sentence}
            notes.append(f"{f.person} — {f.title}: 'from' is {f.begins_reason}")
        elif f.date:
            membership["attested"] = dt.date.fromisoformat(f.date)
        else:
            notes.append(f"no date for {f.person} — {f.title}: add 'attested:'")
        memberships.append(membership)
    document: dict[str, Any] = {"source": source}
    if organisations:
        document["organisations"] = organisations
    if people:
        document["people"] = people
    if memberships:
        document["memberships"] = memberships
    body = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=10_000)
    header = ["# Draft written by `tnmt-kg suggest`: review every entry before `tnmt-kg build`.",
              f"# Put the text beside this file as {text_file} (or replace 'file'/'quote' by 'url'/'cite').",
              "# Units and people the graph already holds are referred to by their name or id."]
    header += [f"# TODO: {n}" for n in notes]
    header += [f"# warning ({w['kind']}): {w['person']} — {w['title']} {w['organisation']}: {w['message']}"
               for w in s.warnings]
    return "\n".join(header) + "\n\n" + body + "\n"
