"""A SELECT result as a table to take away: only the query's own columns, as CSV (with an
optional UTF-8 byte order mark), TSV, SPARQL JSON or an XLSX spreadsheet.

The result comes in as SPARQL JSON (what the query service wrote); the columns a download
keeps are given by the caller (a named query's projection without its parameter variables,
see :class:`kg.catalog.NamedQuery`). CSV and TSV are then written by pyoxigraph's own
serialisers (SPARQL 1.1 Query Results CSV and TSV), so only the column set changes.

Why a byte order mark on CSV: Excel reads a CSV without one in the machine's legacy code page,
which turns "Nguyễn Quốc Khánh" into mojibake; with ``EF BB BF`` first it reads UTF-8. Other
tools (Python's ``csv`` with ``encoding="utf-8-sig"``, pandas, R) skip it.

>>> body = b'{"head":{"vars":["_year_integer","unit"]},"results":{"bindings":[' \\
...        b'{"_year_integer":{"type":"literal","value":"2021",' \\
...        b'"datatype":"http://www.w3.org/2001/XMLSchema#integer"},' \\
...        b'"unit":{"type":"literal","value":"C\\xe1\\xbb\\xa5c","xml:lang":"vi"}}]}}'
>>> write_table(body, "csv", columns=["unit"], bom=True)
b'\\xef\\xbb\\xbfunit\\r\\nC\\xe1\\xbb\\xa5c\\r\\n'
>>> write_table(body, "tsv", columns=["unit"]).decode()
'?unit\\n"Cục"@vi\\n'
"""

from __future__ import annotations

import datetime as _dt
import io
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from pyoxigraph import QueryResultsFormat, parse_query_results

from .errors import NotFound
from .formats import TABLE_FORMATS

BOM = b"\xef\xbb\xbf"

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {_XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                "positiveInteger", "nonPositiveInteger", "negativeInteger",
                                "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
_DECIMALS = {_XSD + t for t in ("decimal", "double", "float")}
#: Excel's limit on the characters of one cell.
_XLSX_CELL_CHARS = 32_767


def select_columns(body: bytes, columns: Sequence[str] | None) -> dict[str, Any]:
    """The SPARQL JSON result with only ``columns`` (in that order); all of them when None."""
    data = json.loads(body)
    if "boolean" in data or columns is None:
        return data
    keep = [c for c in columns]
    bindings = [{c: b[c] for c in keep if c in b} for b in data.get("results", {}).get("bindings", [])]
    return {"head": {**data.get("head", {}), "vars": keep}, "results": {"bindings": bindings}}


def write_table(body: bytes, fmt: str, *, columns: Sequence[str] | None = None, bom: bool = False,
                about: Mapping[str, str] | None = None, title: str = "result") -> bytes:
    """A SPARQL JSON result (``body``) as ``fmt`` (a key of :data:`kg.formats.TABLE_FORMATS`)
    with only ``columns``. ``bom`` puts a UTF-8 byte order mark before CSV; ``about`` (label →
    text: the query, the data version, the link) becomes a second sheet of an XLSX, and
    ``title`` names its first sheet.

    :raises NotFound: an unknown table format.
    """
    if fmt not in TABLE_FORMATS:
        raise NotFound(f"a table downloads as {', '.join(TABLE_FORMATS)}, not {fmt!r}", where=fmt)
    data = select_columns(body, columns)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False).encode("utf-8")
    if fmt == "xlsx":
        return _xlsx(data, about or {}, title)
    solutions = parse_query_results(json.dumps(data).encode(), QueryResultsFormat.JSON)
    text = solutions.serialize(format=QueryResultsFormat.CSV if fmt == "csv" else QueryResultsFormat.TSV)
    return (BOM if bom and fmt == "csv" else b"") + text


def cell_value(binding: Mapping[str, str] | None) -> Any:
    """What a spreadsheet cell holds for a SPARQL JSON binding: numbers and booleans as such,
    an ``xsd:date`` as a date, everything else (IRIs, text, other literals) as its text.

    >>> cell_value({"type": "literal", "value": "2021", "datatype": _XSD + "integer"})
    2021
    >>> cell_value({"type": "literal", "value": "2021-12-20", "datatype": _XSD + "date"})
    datetime.date(2021, 12, 20)
    >>> cell_value({"type": "bnode", "value": "b0"}), cell_value(None)
    ('_:b0', None)
    """
    if binding is None:
        return None
    value, datatype = binding.get("value", ""), binding.get("datatype")
    if binding.get("type") == "bnode":
        return "_:" + value
    try:
        if datatype in _INTEGERS:
            return int(value)
        if datatype in _DECIMALS:
            number = Decimal(value)
            return int(number) if number == number.to_integral_value() and "." not in value else float(number)
        if datatype == _XSD + "boolean":
            return value in ("true", "1")
        if datatype == _XSD + "date":
            return _dt.date.fromisoformat(value)
    except (ValueError, InvalidOperation):
        pass  # an ill-typed literal stays text
    return value


def _xlsx(data: Mapping[str, Any], about: Mapping[str, str], title: str) -> bytes:
    from openpyxl import Workbook  # imported when used: the CLI and most pages never need it
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(title)
    if "boolean" in data:
        _append(sheet, ["boolean"])
        _append(sheet, [bool(data["boolean"])])
    else:
        columns = list(data["head"]["vars"])
        _append(sheet, columns)
        for binding in data["results"]["bindings"]:
            _append(sheet, [cell_value(binding.get(c)) for c in columns])
        sheet.freeze_panes = "A2"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    if about:
        notes = book.create_sheet("about")
        for label, text in about.items():
            _append(notes, [label, text])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _append(sheet: Any, values: list[Any]) -> None:
    """One row; text is kept as text (a value starting with ``=`` is no formula) and cut to
    Excel's cell limit, characters XML cannot hold dropped."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    row = sheet.max_row + 1 if sheet.max_row > 1 or sheet.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, str):
            cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)[:_XLSX_CELL_CHARS]
            cell.data_type = "s"
        else:
            cell.value = value
            if isinstance(value, _dt.date):
                cell.number_format = "yyyy-mm-dd"


def _sheet_title(title: str) -> str:
    cleaned = "".join(c for c in title if c not in "[]:*?/\\")[:31].strip()
    return cleaned or "result"
