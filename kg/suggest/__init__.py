"""An article → suggested facts: who held which position in which unit, on which day, with the
sentence that says so (issue 10). ``text`` splits and tags, ``mentions`` finds titles, units and
people, ``reader`` links them into facts, ``resolve`` links to the graph, ``draft`` writes a
facts.yaml draft, ``evaluate`` scores against gold files."""

from __future__ import annotations

import datetime as dt
from typing import Any


def suggest(text: str, *, service: Any = None, date: dt.date | None = None,
            deadline: float | None = None, gazetteer: Any = None) -> Any:
    """Read ``text``, link it to the graph behind ``service`` (a query service, or None), and
    return :class:`kg.suggest.reader.Suggestions`."""
    from .gazetteer import Gazetteer
    from .reader import read
    from .resolve import resolve

    if gazetteer is None:
        gazetteer = Gazetteer.from_service(service) if service is not None else Gazetteer()
    return resolve(read(text, gazetteer=gazetteer, date=date, deadline=deadline), gazetteer)
