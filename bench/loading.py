"""Loading a million triples: ``tnmt-kg load`` (``kg.build.load_files``) against pyoxigraph's own
bulk loader (``Store.bulk_load``) on the same file; target within 2.5×. When it is missed, a
py-spy profile of ``load_files`` in a child process says where the time goes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from pyoxigraph import RdfFormat, Store

from kg.config import PROJECT_ROOT

LOAD_RATIO = 2.5

_PROFILED = r"""
import sys
from pathlib import Path
from kg.build import build, load_files
from kg.config import Settings
settings = Settings.load(env={}, overrides={"store": sys.argv[1]})
build(settings)
load_files(settings, [Path(sys.argv[2])])
"""


def bulk_load_s(nt: Path, folder: Path) -> float:
    """Seconds for ``Store(path).bulk_load`` of the file into a new on-disk store."""
    start = time.perf_counter()
    store = Store(str(folder / "bulk"))
    store.bulk_load(path=str(nt), format=RdfFormat.N_TRIPLES)
    store.flush()
    del store
    seconds = time.perf_counter() - start
    shutil.rmtree(folder / "bulk", ignore_errors=True)
    return seconds


def profile_load(nt: Path, rate: int = 50) -> list[tuple[str, float]] | None:
    """Where ``load_files`` spends its time: (function called by it, share of the samples), from
    ``py-spy record --idle`` on a child process; None when py-spy is not there or fails."""
    exe = py_spy()
    if exe is None:
        return None
    with tempfile.TemporaryDirectory(prefix="tnmt-kg-bench-profile-") as tmp:
        out = Path(tmp) / "load.txt"
        try:
            subprocess.run([exe, "record", "--idle", "--format", "raw", "--rate", str(rate),
                            "--output", str(out), "--", sys.executable, "-c", _PROFILED,
                            str(Path(tmp) / "store"), str(nt)],
                           cwd=PROJECT_ROOT, check=True, capture_output=True, timeout=900)
        except (OSError, subprocess.SubprocessError):
            return None
        return callees(out.read_text(), r"^load_files ")


def py_spy() -> str | None:
    """The py-spy of the venv (the ``bench`` extra), else one on PATH."""
    local = Path(sys.executable).with_name("py-spy")
    return str(local) if local.exists() else shutil.which("py-spy")


def callees(collapsed: str, caller: str, *, depth: int = 2,
            with_caller: bool = False) -> list[tuple[str, float]]:
    """Share of the samples under the first frame matching the regex ``caller``, by the project's
    functions below it (the first ``depth`` frames in ``kg/``; library frames such as contextlib's
    are skipped), from py-spy's raw (collapsed) stacks.

    >>> callees("main (a.py:1);load_files (kg/build.py:9);check (kg/s.py:3) 3\\n"
    ...         "main (a.py:1);load_files (kg/build.py:9);__exit__ (contextlib.py:4);"
    ...         "new_build (kg/s.py:8);swap (kg/s.py:9);rename (os.py:1) 1\\n", r"^load_files ")
    [('check (kg/s.py)', 0.75), ('new_build (kg/s.py) → swap (kg/s.py)', 0.25)]
    """
    counts: Counter = Counter()
    for line in collapsed.splitlines():
        stack, _, n = line.rpartition(" ")
        frames = [re.sub(r":\d+\)", ")", f) for f in stack.split(";")]
        at = next((i for i, f in enumerate(frames) if re.search(caller, f)), None)
        if at is None or not n.isdigit():
            continue
        ours = [f for f in frames[at + 1:] if re.search(r"[(/]kg/", f)][:depth]
        key = " → ".join(([frames[at]] if with_caller else []) + ours)
        counts[key or f"{frames[at]} itself"] += int(n)
    total = sum(counts.values())
    return [(name, n / total) for name, n in counts.most_common()] if total else []


def render(load_files_s: float, bulk_s: float, quads: int, memory_load_s: float | None,
           profile: list[tuple[str, float]] | None, others: list[str]) -> tuple[list[str], str]:
    ratio = load_files_s / bulk_s if bulk_s else float("inf")
    verdict = f"{ratio:.1f}× ({load_files_s:.1f} s against {bulk_s:.1f} s) — " + (
        "met" if ratio <= LOAD_RATIO else "**missed**")
    lines = [
        f"### Loading a million triples (target: within {LOAD_RATIO}× of pyoxigraph's bulk loader)",
        "",
        "| how | seconds | ratio |",
        "|---|---:|---:|",
        f"| `tnmt-kg load` (`kg.build.load_files`: syntax check, hard-linked copy of the current "
        f"store, bulk load, swap; {quads:,} quads after) | {load_files_s:.1f} | {ratio:.1f}× |",
        f"| `Store(path).bulk_load(path=FILE)` into a new on-disk store, same file | {bulk_s:.1f} | 1.0× |",
    ]
    if memory_load_s is not None:
        lines.append(f"| `Store().bulk_load` in memory (the N-Quads export of the store, for the peer "
                     f"table) | {memory_load_s:.1f} | {memory_load_s / bulk_s:.1f}× |")
    lines += [*others, ""]
    if profile:
        top = ", ".join(f"{name} {share:.0%}" for name, share in profile[:6])
        lines += [f"Where `load_files` spends its time (py-spy, a separate run in a child process; "
                  f"share of the samples under `load_files`, by the function it called): {top}.", ""]
    return lines, verdict
