"""A private Debian Virtuoso 7.2 in a folder of its own: its settings and its bulk loader.

The tests of the remote backend and ``make bench`` each start one on free loopback ports
(``scripts/virtuoso.sh`` is the operator's long-running one); this module writes its
``virtuoso.ini`` and loads N-Quads with Virtuoso's own loader, so both do it the same way.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .processes import free_port

INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {load}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
CaseMode = 2
ThreadsPerQuery = 2
MaxClientConnections = {connections}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
MaxClientConnections = {connections}
ServerThreads = {connections}

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = {max_seconds}
"""

#: The graph N-Quads without a graph of their own go to (the project's loaded files never do).
UNNAMED_GRAPH = "https://w3id.org/tnmt-kg/graph/unnamed"


def executables() -> tuple[str, str] | None:
    """(virtuoso-t, isql-vt) when Debian's package is installed."""
    virtuoso, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    return (virtuoso, isql) if virtuoso and isql else None


@dataclass(frozen=True)
class Instance:
    """Where a configured Virtuoso lives: its ini, folders and ports."""

    root: Path
    ini: Path
    db: Path
    load: Path
    sql_port: int
    http_port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql(self) -> str:
        return self.base + "/sparql"


def configure(root: Path, *, buffers: int = 10_000, connections: int = 8, max_rows: int = 100_000,
              max_seconds: int = 30) -> Instance:
    """Write the settings of a Virtuoso under ``root`` (database in ``db/``, files it may load in
    ``load/``) on two free loopback ports. ``buffers`` are 8 KiB pages of cache."""
    db, load = root / "db", root / "load"
    db.mkdir(parents=True)
    load.mkdir()
    sql_port, http_port = free_port(), free_port()
    ini = root / "virtuoso.ini"
    ini.write_text(INI.format(db=db, load=load, sql_port=sql_port, http_port=http_port, buffers=buffers,
                              dirty=buffers * 3 // 4, connections=connections, max_rows=max_rows,
                              max_seconds=max_seconds))
    return Instance(root, ini, db, load, sql_port, http_port)


def command(instance: Instance) -> list[str]:
    """The command line that runs ``instance`` in the foreground."""
    found = executables()
    if found is None:
        raise RuntimeError("Virtuoso is not installed (make services)")
    return [found[0], "+configfile", str(instance.ini), "+foreground"]


def bulk_load(instance: Instance, name: str, *, timeout: float = 1800) -> None:
    """Load ``load/<name>`` (N-Quads) with Virtuoso's own loader and checkpoint."""
    found = executables()
    if found is None:
        raise RuntimeError("Virtuoso is not installed (make services)")
    subprocess.run(
        [found[1], f"127.0.0.1:{instance.sql_port}", "dba", "dba",
         f"exec=ld_dir('{instance.load}', '{name}', '{UNNAMED_GRAPH}'); rdf_loader_run(); checkpoint;"],
        check=True, capture_output=True, timeout=timeout)
