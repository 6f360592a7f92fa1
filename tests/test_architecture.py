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
