"""Shared fixtures: the seed graph built once per session into a temporary store."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Store

from kg.build import build
from kg.config import PROJECT_ROOT, Settings

SEED_TEXT = PROJECT_ROOT / "sources" / "khoi-thi-dua-iv-2021" / "article.txt"
SHARED_SEED = PROJECT_ROOT.parent / "shared" / "seed" / "khoi-thi-dua-iv-2021.txt"


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings pointing at a store built from the project's sources, once per test session."""
    store = tmp_path_factory.mktemp("seed") / "store"
    settings = Settings.load(env={}, overrides={"store": str(store)})
    build(settings)
    return settings


@pytest.fixture(scope="session")
def seed_store(seed_settings: Settings) -> Store:
    return Store.read_only(seed_settings.store)


@pytest.fixture()
def fresh_settings(tmp_path: Path) -> Settings:
    """Settings with a store path of its own that nothing has been built into yet."""
    return Settings.load(env={}, overrides={"store": str(tmp_path / "store")})
