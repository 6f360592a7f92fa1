"""The direction of the data flow: sources → build → store → query service → HTTP views.

`kg/` is the library and never imports Flask or `server` at module level (the CLI's `serve`
imports the app lazily, inside the command); views never open a store themselves.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "kg").glob("*.py")), ids=lambda p: p.name)
def test_library_does_not_depend_on_the_web_layer(path: Path) -> None:
    assert not top_level_imports(path) & {"flask", "werkzeug", "server", "jinja2"}


@pytest.mark.parametrize("path", sorted((ROOT / "server" / "views").glob("*.py")), ids=lambda p: p.name)
def test_views_do_not_open_stores(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "Store(" not in text and "Store.read_only" not in text and "open_read_only" not in text


# SPARQL text: a query form followed, within the string, by a group pattern.
_SPARQL = __import__("re").compile(r"\b(SELECT|CONSTRUCT|DESCRIBE|ASK)\b[^\"']*?\{", __import__("re").S)


def _string_constants(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append((node.lineno, node.value))
    return found


@pytest.mark.parametrize(
    "path",
    sorted([*(ROOT / "server" / "views").glob("*.py"), *(ROOT / "server" / "templates").rglob("*.html")]),
    ids=lambda p: p.name,
)
def test_views_and_templates_hold_no_sparql(path: Path) -> None:
    """Views ask the library, which asks the query service with the queries of kg/sparql."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        assert "pyoxigraph" not in text
        hits = [(line, s[:60]) for line, s in _string_constants(path) if _SPARQL.search(s)]
    else:
        hits = [(text[: m.start()].count("\n") + 1, m.group()[:60]) for m in _SPARQL.finditer(text)]
    assert not hits, f"SPARQL text in {path.name}: {hits}"


# The modules that may hold query text: the query files' loader and the refusal gate's docs.
_MAY_HOLD_SPARQL = {"query_guard.py", "remote.py", "push.py", "config.py", "cli.py"}


@pytest.mark.parametrize("path", sorted((ROOT / "kg").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_library_keeps_its_queries_in_rq_files(path: Path) -> None:
    """The app's own SPARQL lives in kg/sparql/*.rq, bound with terms, never built in Python."""
    if path.name in _MAY_HOLD_SPARQL or path.parent.name == "suggest":
        return
    hits = [(line, s[:60]) for line, s in _string_constants(path)
            if _SPARQL.search(s) and ">>>" not in s]
    assert not hits, f"SPARQL text in {path.relative_to(ROOT)}: {hits}"


def test_no_module_is_over_500_lines() -> None:
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
             for p in [*(ROOT / "kg").rglob("*.py"), *(ROOT / "server").rglob("*.py")]}
    assert {p: n for p, n in sizes.items() if n > 500} == {}
