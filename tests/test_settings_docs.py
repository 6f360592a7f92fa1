"""docs/settings.md documents every setting, with its default and its help (Datasette's habit)."""

from __future__ import annotations

from kg.config import PROJECT_ROOT, describe_settings


def test_the_settings_page_covers_every_setting() -> None:
    page = (PROJECT_ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip().strip("`"): line for line in page.splitlines()
            if line.startswith("| `")}
    for name, default, help_text in describe_settings():
        assert name in rows, f"docs/settings.md has no row for {name}"
        if not str(default).startswith(str(PROJECT_ROOT)):
            assert f"`{default}`" in rows[name], f"{name}: the default {default!r} is not in its row"
        assert help_text in rows[name], f"{name}: the help text differs from kg/config.py"
