"""Medians after a warm-up, with a time budget per case, and how the figures are written.

>>> sample = Sample.of([0.002, 0.004, 0.003])
>>> (sample.text(), sample.runs)
('3.0 ms', 3)
>>> Sample.failed("timed out").text()
'timed out'
>>> ms(0.0123), ms(12.3)
('12.3 ms', '12.3 s')
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def ms(seconds: float) -> str:
    """A duration as people read it: milliseconds below 10 s, else seconds."""
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


@dataclass
class Sample:
    """The median of the measured runs (seconds), or why there is none."""

    median: float | None
    runs: int = 0
    size: int | None = None  # rows or triples of the answer
    error: str = ""

    @classmethod
    def of(cls, times: list[float], size: int | None = None) -> Sample:
        return cls(statistics.median(times), len(times), size)

    @classmethod
    def failed(cls, error: str) -> Sample:
        return cls(None, 0, None, error)

    def text(self) -> str:
        if self.median is None:
            return self.error or "—"
        return ms(self.median) + (f" ({self.runs} run)" if self.runs == 1 else "")


def sample(run: Callable[[], Any], repeat: int, *, budget_s: float = 20.0,
           size: Callable[[Any], int] | None = None) -> Sample:
    """Median of up to ``repeat`` runs after one warm-up run; fewer (at least one) when the runs
    would take more than ``budget_s`` in all. An exception becomes a failed sample."""
    try:
        start = time.perf_counter()
        result = run()
        warm = time.perf_counter() - start
        times: list[float] = []
        while len(times) < repeat and (not times or sum(times) + warm < budget_s):
            start = time.perf_counter()
            result = run()
            times.append(time.perf_counter() - start)
        return Sample.of(times, size(result) if size else None)
    except Exception as exc:  # noqa: BLE001 - a peer's failure is a figure of the table
        return Sample.failed(_short(exc))


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"{type(exc).__name__}: {text[:120]}"
