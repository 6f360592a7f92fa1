"""Days in a Vietnamese news text: the day each sentence says something happened on, and the
day the whole text is about (a dateline, a day with its year, or a guessed year said so).

>>> event_dates("Sáng 18/3, Viện tổ chức hội thảo; quyết định có hiệu lực từ ngày 1/4/2022.")
[(18, 3, None)]
>>> document_date(["Kỷ niệm 45 năm", "Sáng 18/3, lễ kỷ niệm (18/3/1977 - 18/3/2022)."], None)
(datetime.date(2022, 3, 18), True)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from .text import nfc

# "Sáng 18/3", "ngày 3 tháng 8 năm 2022", "Hôm qua (26/5)", "Chiều thứ Tư (26/6)".
_DATE = re.compile(r"(?i)(?:(?:sáng|chiều|tối|trưa|đêm|ngày|hôm)\s+(?:nay,?\s+|qua,?\s+|ngày\s+)?"
                   r"(?:(?P<wd>thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật)\s*,?\s*)?\(?)"
                   r"(?P<d>\d{1,2})(?:\s*/\s*|\s+tháng\s+|-)(?P<m>\d{1,2})"
                   r"(?:(?:\s*/\s*|\s+năm\s+|-)(?P<y>\d{4}))?(?!\d)")
_WEEKDAYS = {"hai": 0, "ba": 1, "tư": 2, "năm": 3, "sáu": 4, "bảy": 5}
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
# "(Hà Nội, 23/12/2025) …": the place and day an article was filed, at the head of a paragraph;
# "Thứ Bảy, 09/05/2020" (a weekday, then the day): the date line of a news page.
_DATELINE = re.compile(r"(?i)^(?:\(\s*[^\W\d][^()\d]{1,40},\s*(?:ngày\s+)?"
                       r"|(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật)\s*,\s*(?:ngày\s+)?)"
                       r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})(?:\s*\)|\s*$|\s+\d{1,2}:\d{2})")
# "kỷ niệm 45 năm thành lập (18/3/1977 - 18/3/2022)": an anniversary's span; its end is this year.
_SPAN = re.compile(r"(?<!\d)(?:\d{1,2}/\d{1,2}/)?(?:19|20)\d\d\s*[-–]\s*"
                   r"(?:\d{1,2}/\d{1,2}/)?((?:19|20)\d\d)(?!\d)")
# A day written with its year ("1/3/2025", "01-02-2019"); group 1 is the year.
_FULL_DATE = re.compile(r"(?<![\d/])\d{1,2}\s*[/-]\s*\d{1,2}\s*[/-]\s*((?:19|20)\d\d)(?!\d)")
_ANNIVERSARY = re.compile(r"(?i)kỷ niệm|thành lập|truyền thống|năm xây dựng")
_PERIOD = re.compile(r"(?i)giai đoạn|nhiệm kỳ|thời kỳ|kế hoạch|chiến lược")
# Years that begin or end something else: "thành viên từ năm 1975", "định hướng đến năm 2030".
_NOT_THIS_YEAR = re.compile(r"(?i)(?:từ|đến|tới|sinh|thành lập|trước|sau)\s+"
                            r"(?:năm\s+|tháng\s+\d{1,2}\s*/\s*)?$")
_NOT_EVENT = re.compile(r"(?i)(kể từ|từ|đến|trước|sau|hiệu lực|ký|ban hành|thông qua|sinh|số [\w/.-]+)\s*$")
# "được bổ nhiệm … kể từ ngày 01/02/2019": the day the appointment takes effect.
_EFFECTIVE = re.compile(r"(?i)(?:kể\s+)?từ\s+ngày\s+(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")
# "Đến tháng 3/2019, ông được bổ nhiệm …": a month and its year, no day.
_MONTH = re.compile(r"(?i)tháng\s+(\d{1,2})\s*(?:/\s*|\s+năm\s+)(\d{4})(?!\d)")


def _event_days(sentence: str) -> Iterator[re.Match[str]]:
    """The written days of ``sentence`` that are days something happened on: not after ``kể
    từ``, ``hiệu lực``, ``ký``, ``thông qua`` … (effective dates, dates of documents)."""
    for m in _DATE.finditer(nfc(sentence)):
        if not _NOT_EVENT.search(sentence[max(0, m.start() - 25):m.start()]) \
                and 1 <= int(m["d"]) <= 31 and 1 <= int(m["m"]) <= 12:
            yield m


def event_dates(sentence: str) -> list[tuple[int, int, int | None]]:
    """Days the sentence says something happened on (not effective dates, not dates of documents)."""
    return [(int(m["d"]), int(m["m"]), int(m["y"]) if m["y"] else None) for m in _event_days(sentence)]


def event_weekday(sentence: str) -> int | None:
    """The weekday (Monday 0) the sentence's first event day is said to fall on (``Chiều thứ Tư
    (26/6)``), which tells its year among the years a text names."""
    first = next(_event_days(sentence), None)
    word = (first["wd"] or "").lower().split() if first else []
    return None if not word else 6 if word[0] == "chủ" else _WEEKDAYS.get(word[-1])


def resolve_day(day: tuple[int, int, int | None], anchor: dt.date | None) -> dt.date | None:
    d, m, y = day
    if y is None:
        if anchor is None:
            return None
        y = anchor.year if (m, d) <= (anchor.month, anchor.day) else anchor.year - 1
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def document_date(sentences: list[str], given: dt.date | None) -> tuple[dt.date | None, bool]:
    """The day the text is about, and whether its year is a guess: a dateline (``(Hà Nội,
    23/12/2025)``), else the first event day written with its year, else the day ``given``, else
    the first day in the year the text names (:func:`_day_in_the_year_named`)."""
    for text in sentences[:4]:
        line = _DATELINE.match(text)
        if line:
            resolved = resolve_day((int(line.group(1)), int(line.group(2)), int(line.group(3))), None)
            if resolved:
                return resolved, False
    for text in sentences:
        for day in event_dates(text):
            if day[2] is not None:
                resolved = resolve_day(day, None)
                if resolved:
                    return resolved, False
    if given is not None:
        return given, False
    guessed = _day_in_the_year_named(sentences)
    return guessed, guessed is not None


def _day_in_the_year_named(sentences: list[str]) -> dt.date | None:
    """``Chiều 18/12`` in a text headed "… tổng kết công tác năm 2020": the first day the text
    gives, in the year the text names, looked for in this order: the headline; the end of an
    anniversary's span (``kỷ niệm 45 năm (18/3/1977 - 18/3/2022)``); the sentence of that day
    (``Chiều 20/12, … tổng kết năm 2021``); the latest day written with its year (``kể từ ngày
    1/3/2025``); the first year of the body that begins or ends nothing else (not ``từ năm 1975``,
    ``đến năm 2030``). A guess for the reviewer, said so in each fact's reason."""
    found = next(((i, d) for i, text in enumerate(sentences) for d in event_dates(text)), None)
    if found is None:
        return None
    where, day = found
    whole = "\n".join(sentences)
    year = (_YEAR.search(sentences[0]) or _anniversary_span(whole)
            or _first_free_year(sentences[where]) or _latest_full_date_year(whole)
            or _first_free_year(whole))
    weekday = event_weekday(sentences[where])
    if weekday is not None:  # "thứ Tư (26/6)": the year the text names in which that day is one
        fitting = [y for y in dict.fromkeys(int(m.group(1)) for m in _YEAR.finditer(whole))
                   if _falls_on(day, y, weekday)]
        if fitting and (year is None or int(year.group(1)) not in fitting):
            return resolve_day((day[0], day[1], fitting[-1]), None)
    if year is None:
        return None
    return resolve_day((day[0], day[1], int(year.group(1))), None)


def _falls_on(day: tuple[int, int, int | None], year: int, weekday: int) -> bool:
    resolved = resolve_day((day[0], day[1], year), None)
    return resolved is not None and resolved.weekday() == weekday


def _first_free_year(text: str) -> re.Match[str] | None:
    return next((y for y in _YEAR.finditer(text) if not _NOT_THIS_YEAR.search(text[:y.start()])), None)


def _latest_full_date_year(text: str) -> re.Match[str] | None:
    dated = list(_FULL_DATE.finditer(text))
    return max(dated, key=lambda m: int(m.group(1))) if dated else None


def _anniversary_span(text: str) -> re.Match[str] | None:
    """The first span of years that closes an anniversary (``kỷ niệm 45 năm thành lập (18/3/1977 -
    18/3/2022)``), not a period of plans (``giai đoạn 2019 - 2025``)."""
    for span in _SPAN.finditer(text):
        before = text[max(0, span.start() - 100):span.start()]
        if _ANNIVERSARY.search(before) and not _PERIOD.search(before[-25:]):
            return span
    return None


def beginning_of(sentence: str) -> tuple[str | None, str]:
    """The beginning an appointment sentence gives its role, and how it was read: the day it
    takes effect (``kể từ ngày 01/02/2019``), else a month (``tháng 3/2019`` → ``2019-03``) where
    the sentence names no day; ``None`` where it gives neither (the text's day is then used).

    >>> beginning_of("ông A được bổ nhiệm giữ chức Viện trưởng kể từ ngày 01/02/2019, thời hạn 5 năm.")
    ('2019-02-01', "the day it takes effect ('kể từ ngày …')")
    >>> beginning_of("Đến tháng 3/2019, ông được bổ nhiệm giữ chức Tổng cục trưởng.")
    ('2019-03', 'the month the sentence gives (no day)')
    """
    text = nfc(sentence)
    effective = _EFFECTIVE.search(text)
    if effective:
        day = resolve_day((int(effective[1]), int(effective[2]), int(effective[3])), None)
        if day:
            return day.isoformat(), "the day it takes effect ('kể từ ngày …')"
    month = _MONTH.search(text)
    if month and not event_dates(text) and 1 <= int(month[1]) <= 12:
        return f"{int(month[2]):04d}-{int(month[1]):02d}", "the month the sentence gives (no day)"
    return None, ""

