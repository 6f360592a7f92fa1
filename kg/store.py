"""The only owner of the pyoxigraph store's life: create, open read-only, load, dump, swap.

A store path (``var/store`` by default) is a *symlink* to one build directory under
``.<name>.builds/<build id>/store``. Every change — a full build or a ``load`` — writes a new
build directory and then swaps the symlink with one atomic ``rename``: a failed change leaves the
previous store answering, and a reader sees either the old or the new store, never half of one.
Readers (the query service) notice the swap because the symlink's target changes.
``Store.backup`` makes the copy cheap: RocksDB files are immutable, so it hard-links them.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, Quad, QuadParser, RdfFormat, Store, parse, serialize

from .errors import BadInput, KGError, RdfSyntaxError, StoreMissing, UnknownFormat
from .formats import LOAD_SUFFIXES, RDF_FORMATS
from .version import content_hash
from .version import short as short_version

BUILD_INFO = "build.json"
KEEP_BUILDS = 2

LOADABLE_FORMATS = ("turtle", "ntriples", "trig", "nquads", "rdfxml", "jsonld")
# JSON-LD whose @context names a remote document is refused by pyoxigraph's parser, which
# fetches nothing: the load stays offline.
_SUFFIXES = LOAD_SUFFIXES


def rdf_format(name: str, *, allowed: tuple[str, ...] | None = None) -> RdfFormat:
    """The pyoxigraph format for a short name; raises :class:`UnknownFormat` listing the known."""
    known = list(allowed or RDF_FORMATS)
    if name not in known:
        raise UnknownFormat(name, known)
    return RDF_FORMATS[name]


def guess_format(path: Path) -> str:
    """The format name of a file to load, from its suffix."""
    name = _SUFFIXES.get(path.suffix.lower())
    if name is None:
        raise UnknownFormat(path.suffix or "(no suffix)", [f"{s} ({n})" for s, n in _SUFFIXES.items()],
                            where=str(path))
    return name


@dataclass(frozen=True)
class BuildInfo:
    """What the build wrote beside the store: used for ETag/Last-Modified and `stats`."""

    build_id: str
    created: float
    kind: str
    triples: int
    detail: dict[str, Any]
    #: The data version: a content hash of what the build holds (kg.version); empty for a
    #: build written before versions were recorded (rebuild to get one).
    version: str = ""

    @property
    def data_version(self) -> str:
        """The version to cite and to name files by: the content hash, else the build id."""
        return self.version or self.build_id

    @property
    def short_version(self) -> str:
        """The data version as people see it (file names, links, the footer)."""
        return short_version(self.version) if self.version else self.build_id

    @property
    def etag(self) -> str:
        """The strong validator of anything that depends only on the data: its version."""
        return f'"{self.short_version}"'


def _builds_dir(store_path: Path) -> Path:
    return store_path.parent / f".{store_path.name}.builds"


def exists(store_path: str | os.PathLike[str]) -> bool:
    path = Path(store_path)
    return path.is_dir() and any(path.iterdir())


def open_read_only(store_path: str | os.PathLike[str]) -> Store:
    """The store for reading; raises :class:`StoreMissing` when nothing was built there."""
    if not exists(store_path):
        raise StoreMissing(str(store_path))
    return Store.read_only(str(store_path))


def current_target(store_path: str | os.PathLike[str]) -> str:
    """The build directory the store path points to now (changes on every swap)."""
    return os.path.realpath(store_path)


def build_info(store_path: str | os.PathLike[str]) -> BuildInfo:
    if not exists(store_path):
        raise StoreMissing(str(store_path))
    info_path = Path(current_target(store_path)).parent / BUILD_INFO
    try:
        data = json.loads(info_path.read_text())
    except (OSError, ValueError):
        stat = Path(current_target(store_path)).stat()
        return BuildInfo(build_id=f"{int(stat.st_mtime)}", created=stat.st_mtime,
                         kind="unknown", triples=-1, detail={})
    known = BuildInfo.__dataclass_fields__
    return BuildInfo(**{k: v for k, v in data.items() if k in known})


def _check_store_path(store_path: Path) -> None:
    if store_path.exists() and not store_path.is_symlink():
        raise BadInput(
            "exists and is not a store made by tnmt-kg (expected a symlink to a build); "
            "move it away or choose another --store",
            where=str(store_path),
        )


@contextmanager
def new_build(
    store_path: str | os.PathLike[str], *, kind: str, copy_current: bool
) -> Iterator[tuple[Store, dict[str, Any]]]:
    """Yield a writable store in a fresh build directory; swap it in only if the block succeeds.

    With ``copy_current`` the new build starts as a (hard-linked) copy of the current store.
    The caller may put notes in the yielded dict; they land in ``build.json``.
    """
    store_path = Path(store_path)
    _check_store_path(store_path)
    builds = _builds_dir(store_path)
    builds.mkdir(parents=True, exist_ok=True)
    build_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    work = builds / (build_id + ".partial")
    detail: dict[str, Any] = {}
    try:
        work.mkdir()
        if copy_current and exists(store_path):
            Store.read_only(str(store_path)).backup(str(work / "store"))
            store = Store(str(work / "store"))
        else:
            store = Store(str(work / "store"))
        yield store, detail
        store.optimize()
        store.flush()
        triples = len(store)
        version = content_hash(store.quads_for_pattern(None, None, None, None))
        del store
        info = BuildInfo(build_id=build_id, created=time.time(), kind=kind, triples=triples,
                         detail=detail, version=version)
        (work / BUILD_INFO).write_text(json.dumps(info.__dict__, ensure_ascii=False, indent=1))
        final = builds / build_id
        work.rename(final)
        _swap_symlink(store_path, final / "store")
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _prune_builds(builds, keep=final)


def _swap_symlink(store_path: Path, target: Path) -> None:
    tmp = store_path.parent / f".{store_path.name}.swap-{uuid.uuid4().hex[:8]}"
    os.symlink(os.path.relpath(target, store_path.parent), tmp)
    os.replace(tmp, store_path)


def _prune_builds(builds: Path, *, keep: Path) -> None:
    """Keep the newest few builds: a reader may still hold the previous one open."""
    done = sorted((p for p in builds.iterdir() if p.is_dir() and not p.name.endswith(".partial")),
                  key=lambda p: p.name, reverse=True)
    for old in done[KEEP_BUILDS:]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def check_rdf_file(path: Path, fmt: str, *, progress: Callable[[int], None] | None = None) -> int:
    """Parse a file without storing it, so a syntax error is reported before anything changes.

    Returns the number of quads; ``progress`` hears of every 10,000 read. Raises
    :class:`RdfSyntaxError` with ``file:line:column``.
    """
    count = 0
    try:
        with path.open("rb") as fh:
            parser: QuadParser = parse(fh, rdf_format(fmt, allowed=LOADABLE_FORMATS),
                                       base_iri=path.resolve().as_uri())
            for _ in parser:
                count += 1
                if progress is not None and count % 10_000 == 0:
                    progress(10_000)
    except OSError as exc:
        raise BadInput(f"cannot read: {exc.strerror}", where=str(path)) from exc
    except SyntaxError as exc:
        raise RdfSyntaxError(_syntax_message(exc), where=_syntax_where(path, exc)) from exc
    return count


def _syntax_where(path: Path, exc: SyntaxError) -> str:
    if exc.lineno is not None:
        return f"{path}:{exc.lineno}:{exc.offset or 0}"
    return str(path)


def _syntax_message(exc: SyntaxError) -> str:
    return exc.msg if getattr(exc, "msg", None) else str(exc)


def bulk_load_file(store: Store, path: Path, fmt: str, graph: NamedNode) -> None:
    """Stream a file into ``graph`` (quads of TriG/N-Quads keep their own graphs)."""
    try:
        store.bulk_load(path=str(path), format=rdf_format(fmt, allowed=LOADABLE_FORMATS),
                        base_iri=path.resolve().as_uri(), to_graph=graph)
    except SyntaxError as exc:
        raise RdfSyntaxError(_syntax_message(exc), where=_syntax_where(path, exc)) from exc


def graph_names(store: Store) -> list[str]:
    return sorted(g.value for g in store.named_graphs() if isinstance(g, NamedNode))


def remove_graphs(store: Store, keep: Callable[[str], bool]) -> None:
    for name in graph_names(store):
        if not keep(name):
            store.remove_graph(NamedNode(name))


def dump(store: Store, output: Any, fmt: str, *, prefixes: dict[str, str]) -> None:
    """Stream the whole store in ``fmt``; triple formats get the union of all graphs."""
    rdf = rdf_format(fmt)
    try:
        if rdf.supports_datasets and rdf != RdfFormat.JSON_LD:
            store.dump(output, rdf, prefixes=prefixes if fmt == "trig" else None)
            return
        union = (Quad(q.subject, q.predicate, q.object)
                 for q in store.quads_for_pattern(None, None, None))
        if rdf == RdfFormat.JSON_LD:
            write_jsonld(union, output, prefixes)
        else:
            serialize(union, output, rdf, prefixes=prefixes if rdf != RdfFormat.N_TRIPLES else None)
    except BrokenPipeError:
        raise  # the reader left (`| head`): the CLI's edge ends quietly
    except OSError as exc:
        raise KGError(f"cannot write export: {exc}") from exc


def write_jsonld(triples: Any, output: Any, prefixes: dict[str, str]) -> None:
    """JSON-LD with its context inline: ``{"@context": {prefixes}, "@graph": [expanded nodes]}``.

    pyoxigraph writes expanded JSON-LD (full IRIs, no context); wrapping it keeps the stream
    and gives clients the prefixes to compact with, and never a remote ``@context`` to fetch.
    """
    output.write(b'{"@context":' + json.dumps(prefixes, sort_keys=True).encode() + b',"@graph":')
    serialize(triples, output, RdfFormat.JSON_LD)
    output.write(b"}")
