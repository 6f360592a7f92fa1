"""The build: quotes checked against the text, deterministic, atomic; loads stream and are atomic."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import TEST_ENV
from pyoxigraph import Store

from kg import store as kgstore
from kg.build import build, dataset_quads, load_files, slugify
from kg.config import PROJECT_ROOT, Settings
from kg.errors import QuoteNotFound, RdfSyntaxError, SourceError, StoreMissing

SEED = PROJECT_ROOT / "sources" / "khoi-thi-dua-iv-2021"


def copy_sources(tmp_path: Path) -> Path:
    sources = tmp_path / "sources"
    shutil.copytree(SEED, sources / SEED.name)
    return sources


def quads_of(path: str) -> set[str]:
    return {str(q) for q in Store.read_only(path)}


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Nguyễn Quốc Khánh", "nguyen-quoc-khanh"),
        ("Trương Văn Đạt", "truong-van-dat"),
        ("Cục Đo đạc, Bản đồ và Thông tin địa lý Việt Nam", "cuc-do-dac-ban-do-va-thong-tin-dia-ly-viet-nam"),
        ("Bộ TN&MT", "bo-tn-mt"),
    ],
)
def test_slugs_are_ascii_from_vietnamese_names(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_every_quote_is_in_the_article(seed_settings: Settings) -> None:
    # dataset_quads checks every quote; the seed also matches the shared original byte for byte.
    shared = PROJECT_ROOT.parent / "shared" / "seed" / "khoi-thi-dua-iv-2021.txt"
    if shared.exists():
        assert shared.read_bytes() == (SEED / "article.txt").read_bytes()
    assert dataset_quads(seed_settings)


def test_rebuild_gives_the_same_graph(tmp_path: Path) -> None:
    settings = Settings.load(env=TEST_ENV, overrides={"store": str(tmp_path / "a")})
    build(settings)
    build(settings.replace(store=str(tmp_path / "b")))
    first = quads_of(str(tmp_path / "a"))
    assert first == quads_of(str(tmp_path / "b"))
    build(settings)  # again over an existing store
    assert quads_of(str(tmp_path / "a")) == first


def test_invented_quote_is_refused_and_the_old_store_still_answers(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path)
    settings = Settings.load(env=TEST_ENV, overrides={"store": str(tmp_path / "store"),
                                                 "sources_dir": str(sources)})
    build(settings)
    before = quads_of(settings.store)
    facts = sources / SEED.name / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace(
        "    quote: Sáng 20/12, tại Hà Nội\n",
        "    quote: Sáng 20/12, tại thành phố Hồ Chí Minh\n"), encoding="utf-8")
    with pytest.raises(QuoteNotFound) as err:
        build(settings)
    assert "place 'Hà Nội'" in str(err.value)
    assert f"{facts}:" in str(err.value)
    assert quads_of(settings.store) == before


def test_fact_without_quote_is_refused(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path)
    facts = sources / SEED.name / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace(
        "    quote: Sáng 20/12, tại Hà Nội\n", ""), encoding="utf-8")
    settings = Settings.load(env=TEST_ENV,
                             overrides={"store": str(tmp_path / "s"), "sources_dir": str(sources)})
    with pytest.raises(SourceError, match="every fact needs evidence"):
        build(settings)
    assert not kgstore.exists(settings.store)


def test_quote_check_ignores_whitespace_and_nbsp(tmp_path: Path) -> None:
    # The article has "Khánh<NBSP><space>bày tỏ"; the fact file has one plain space.
    assert "Khánh\xa0 bày tỏ" in (SEED / "article.txt").read_text(encoding="utf-8")
    assert "\xa0" in (SEED / "article.txt").read_text(encoding="utf-8")
    settings = Settings.load(env=TEST_ENV, overrides={"store": str(tmp_path / "s")})
    assert dataset_quads(settings)


def test_broken_yaml_names_file_line_and_column(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path)
    facts = sources / SEED.name / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + "\npeople: [unclosed\n", encoding="utf-8")
    settings = Settings.load(env=TEST_ENV,
                             overrides={"store": str(tmp_path / "s"), "sources_dir": str(sources)})
    with pytest.raises(SourceError) as err:
        build(settings)
    assert str(err.value).startswith(f"{facts}:")
    assert "invalid YAML" in str(err.value)


def test_unknown_name_and_role_are_reported(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path)
    facts = sources / SEED.name / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace(
        "    role: pho-cuc-truong\n    organization: Cục Quản lý tài nguyên nước\n",
        "    role: giam-doc-khong-co\n    organization: Cục Quản lý tài nguyên nước\n"), encoding="utf-8")
    settings = Settings.load(env=TEST_ENV,
                             overrides={"store": str(tmp_path / "s"), "sources_dir": str(sources)})
    with pytest.raises(SourceError, match="unknown role 'giam-doc-khong-co'"):
        build(settings)


def test_load_streams_into_its_own_graph_and_survives_rebuild(tmp_path: Path) -> None:
    settings = Settings.load(env=TEST_ENV, overrides={"store": str(tmp_path / "store")})
    build(settings)
    data = tmp_path / "extra.ttl"
    data.write_text('<https://example.org/a> <https://example.org/p> "x" .\n', encoding="utf-8")
    load_files(settings, [data])
    graph = "https://w3id.org/tnmt-kg/graph/load/extra"
    assert graph in kgstore.graph_names(Store.read_only(settings.store))
    build(settings)
    assert graph in kgstore.graph_names(Store.read_only(settings.store))


def test_malformed_turtle_is_refused_with_line_and_column(tmp_path: Path) -> None:
    settings = Settings.load(env=TEST_ENV, overrides={"store": str(tmp_path / "store")})
    build(settings)
    before = quads_of(settings.store)
    bad = tmp_path / "bad.ttl"
    bad.write_text('<https://example.org/a> <https://example.org/p> "x" .\n<https://example.org/b> <p> .\n',
                   encoding="utf-8")
    with pytest.raises(RdfSyntaxError) as err:
        load_files(settings, [bad])
    assert str(err.value).startswith(f"{bad}:2:")
    assert quads_of(settings.store) == before


def test_load_without_a_store_says_how_to_build(tmp_path: Path) -> None:
    data = tmp_path / "x.nt"
    data.write_text("<https://e.org/a> <https://e.org/p> <https://e.org/b> .\n", encoding="utf-8")
    settings = Settings.load(env=TEST_ENV, overrides={"store": str(tmp_path / "none")})
    with pytest.raises(StoreMissing, match="tnmt-kg build"):
        load_files(settings, [data])
