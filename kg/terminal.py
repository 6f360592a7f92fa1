"""Query results on a terminal: a SELECT as aligned, fitted columns (``tnmt-kg query``).

>>> import io, contextlib
>>> body = (b'{"head":{"vars":["_hidden","name"]},'
...         b'"results":{"bindings":[{"name":{"type":"literal","value":"A"}}]}}')
>>> out = io.StringIO()
>>> with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
...     print_table(body, False, columns=["name"])
>>> print(out.getvalue().rstrip())
name
----
A
"""

from __future__ import annotations

import json
import os
import shutil
import sys

import click

#: Formats a named query's SELECT result is written in without its parameter columns.
TABLE_FORMATS = ("csv", "tsv", "json")


def print_table(json_body: bytes, truncated: bool, *, columns: list[str] | None = None,
                wide: bool = False) -> None:
    """A SELECT's JSON results as aligned columns (``columns``, default all, in the result's
    order), fitted to the terminal's width (``COLUMNS``, or the terminal's own) unless ``wide``
    or the output is no terminal: the widest columns give way first, a cut cell ends with "…"."""
    data = json.loads(json_body)
    variables = columns if columns is not None else data["head"]["vars"]
    cells = [[_cell(row.get(v)) for v in variables] for row in data["results"]["bindings"]]
    widths = [max([len(v)] + [len(c[i]) for c in cells]) for i, v in enumerate(variables)]
    if not wide and (sys.stdout.isatty() or os.environ.get("COLUMNS")):
        widths = fit_widths(widths, shutil.get_terminal_size((120, 24)).columns)
    for line in ([variables, ["-" * w for w in widths]] + cells):
        click.echo("  ".join(_fit(x, w) for x, w in zip(line, widths, strict=True)).rstrip())
    click.echo(f"({len(cells)} row{'s' if len(cells) != 1 else ''}"
               f"{', cut at the row cap' if truncated else ''})", err=True)


def fit_widths(widths: list[int], total: int, *, narrowest: int = 8) -> list[int]:
    """Column widths that fit ``total`` characters with two-space gaps, narrowing the widest.

    >>> fit_widths([4, 300, 20], 60)
    [4, 32, 20]
    >>> fit_widths([10, 10], 80)
    [10, 10]
    """
    widths = list(widths)
    budget = total - 2 * (len(widths) - 1)
    while sum(widths) > budget:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] <= narrowest:
            break
        others = sorted((w for i, w in enumerate(widths) if i != widest), reverse=True)
        floor = max(narrowest, others[0] if others else narrowest, widths[widest] - (sum(widths) - budget))
        widths[widest] = floor if floor < widths[widest] else widths[widest] - 1
    return widths


def _fit(cell: str, width: int) -> str:
    cell = " ".join(cell.split()) if "\n" in cell or "\t" in cell else cell
    return cell.ljust(width) if len(cell) <= width else cell[: width - 1] + "…"


def _cell(term: dict | None) -> str:
    if term is None:
        return ""
    if term["type"] == "uri":
        return f"<{term['value']}>"
    if "xml:lang" in term:
        return f"{term['value']}@{term['xml:lang']}"
    return term["value"]
