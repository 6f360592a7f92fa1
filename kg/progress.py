"""Progress of long commands on a terminal (tqdm on stderr; silent when stderr is no terminal)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pyoxigraph import Quad, RdfFormat, serialize
from tqdm import tqdm


class CountingStore:
    """A store whose whole-graph reads (``dump``, ``quads_for_pattern``) advance a progress bar,
    its total the store's size; everything else is passed through."""

    def __init__(self, store: Any, doing: str) -> None:
        self._store = store
        self._doing = doing
        self._bar: tqdm | None = None

    def __enter__(self) -> CountingStore:
        self._bar = tqdm(total=len(self._store), desc=self._doing, unit=" quads", unit_scale=True,
                         disable=None, leave=False)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._bar is not None:
            self._bar.close()

    def quads_for_pattern(self, *pattern: Any) -> Iterator[Quad]:
        for number, quad in enumerate(self._store.quads_for_pattern(*pattern), 1):
            if number % 10_000 == 0 and self._bar is not None:
                self._bar.update(10_000)
            yield quad

    def dump(self, output: Any, format: RdfFormat, **options: Any) -> None:
        serialize(self.quads_for_pattern(), output, format, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def __len__(self) -> int:
        return len(self._store)
