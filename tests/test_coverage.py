"""What the graph covers and the ministry on a day (issue 9 §7), on the project's own sources.

Expected values come from the sources' fact files (as in tests/test_history.py):

* Trần Hồng Hà was minister from 2016-04-09 (approved) to 2023-05-22 (relieved);
* Nghị định 68/2022/NĐ-CP took effect on 2022-11-01: Tổng cục Môi trường was split (its
  `schema:dissolutionDate` is 2022-11-01) and the change names its sources, with their addresses;
* Nghị định 68/2022/NĐ-CP is a decree (sources/struct-nd-68-2022).

Which unit has no known head in a year is read from the graph itself (a unit no membership of a
head's role names), so the test still holds when a source adds a head somewhere.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from pyoxigraph import Store

from kg import coverage as cov
from kg.build import build
from kg.cli import main
from kg.config import PROJECT_ROOT, Settings
from kg.errors import BadInput

PROJECT_SOURCES = PROJECT_ROOT / "sources"
ORG = "https://w3id.org/tnmt-kg/org/"
TCMT = ORG + "tong-cuc-moi-truong"
SPLIT_OF_TCMT = "https://w3id.org/tnmt-kg/change/tong-cuc-moi-truong-2022"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The project's whole graph, built as `make build` does."""
    store = tmp_path_factory.mktemp("project") / "store"
    settings = Settings.load(env={}, overrides={"store": str(store), "sources_dir": str(PROJECT_SOURCES)})
    build(settings)
    return settings


@pytest.fixture(scope="module")
def store(project: Settings) -> Store:
    return Store.read_only(project.store)


@pytest.fixture(scope="module")
def report(store: Store) -> cov.Coverage:
    return cov.coverage(store)


@pytest.fixture(scope="module")
def web(project: Settings):  # noqa: ANN201
    from server.app import create_app

    app = create_app(project.replace(query_timeout=5.0), {"TESTING": True})
    yield app.test_client()
    app.extensions["tnmt_kg"].close()


def labels(nodes: list[cov.UnitNode]) -> set[str]:
    return {n.unit.label for n in nodes} | {label for n in nodes for label in labels(n.children)}


def year(report: cov.Coverage, y: int) -> cov.YearCoverage:
    return next(entry for entry in report.years if entry.year == y)


# --- the library -----------------------------------------------------------------------------


def test_on_2020_06_01_the_structure_lists_tong_cuc_moi_truong_and_its_minister(store: Store) -> None:
    s = cov.structure(store, "2020-06-01")
    assert s.exists
    assert "Tổng cục Môi trường" in labels(s.ministry.children)
    assert [h.name for h in s.ministry.heads] == ["Trần Hồng Hà"]


def test_on_2023_06_01_it_does_not(store: Store) -> None:
    s = cov.structure(store, dt.date(2023, 6, 1))
    assert "Tổng cục Môi trường" not in labels(s.ministry.children)
    assert "Tổng cục Quản lý đất đai" not in labels(s.ministry.children)


def test_after_the_merger_the_ministry_has_no_units_and_says_what_it_became(store: Store) -> None:
    # Nghị quyết 176/2025/QH15 (struct-tvpl-nq-176-2025): merged into Bộ Nông nghiệp và Môi trường
    # on 2025-03-01; Cục Bảo tồn thiên nhiên và Đa dạng sinh học went on under it
    # (unit-bo-nhiem-cuc-truong-cuc-bao-ton-2025).
    s = cov.structure(store, "2025-06-01")
    assert not s.exists and s.ministry.children == []
    assert [(c.kind, c.date, [label for _, label in c.resulting]) for c in s.ended_by] == [
        ("Merger", dt.date(2025, 3, 1), ["Bộ Nông nghiệp và Môi trường"])]
    assert ("Cục Bảo tồn thiên nhiên và Đa dạng sinh học", "Bộ Nông nghiệp và Môi trường") in {
        (u.label, label) for u, (_, label) in s.passed_on}
    assert cov.structure(store, "2025-02-28").exists


def test_changes_of_2022_include_the_split_of_tong_cuc_moi_truong_with_its_sources(store: Store) -> None:
    s = cov.structure(store, "2023-01-01", since="2022-01-01")
    split = next(c for c in s.changes if c.iri == SPLIT_OF_TCMT)
    assert split.kind == "Split" and split.date == dt.date(2022, 11, 1)
    assert [iri for iri, _ in split.original] == [TCMT]
    assert split.resulting and split.sources
    assert all(src.title and src.url.startswith("http") for src in split.sources)
    assert all(dt.date(2022, 1, 1) < c.date <= dt.date(2023, 1, 1) for c in s.changes)
    assert TCMT in {u.iri for u in s.ended}


def test_disagreeing_changes_are_flagged(store: Store) -> None:
    changes = cov.changes(store)
    flagged = [c for c in changes if c.conflicts_with]
    assert flagged and all(other in {c.iri for c in changes} for c in flagged for other in c.conflicts_with)


def test_no_change_outside_the_period(store: Store) -> None:
    assert cov.structure(store, "2021-12-31", since="2021-01-01").changes == []


def test_bad_days_name_their_parameter(store: Store) -> None:
    with pytest.raises(BadInput) as bad:
        cov.structure(store, "2020-13-45")
    assert bad.value.where == "date"
    with pytest.raises(BadInput) as later:
        cov.structure(store, "2020-01-01", since="2021-01-01")
    assert later.value.where == "since"


def test_coverage_of_2020_names_tran_hong_ha_as_minister(report: cov.Coverage) -> None:
    assert [h.name for h in year(report, 2020).ministers] == ["Trần Hồng Hà"]
    assert [entry.year for entry in report.years] == list(range(2016, 2026))


def test_units_are_placed_by_their_known_days(report: cov.Coverage) -> None:
    assert TCMT in {u.unit.iri for u in year(report, 2022).units}
    assert TCMT not in {u.unit.iri for u in year(report, 2023).units + year(report, 2023).dates_unknown}


def test_a_unit_without_a_known_head_is_a_gap(store: Store, report: cov.Coverage) -> None:
    all_units = cov.units(store)
    headless = {u.iri for u in report.units if not all_units[u.iri].heads}
    assert headless, "the ministry has units no source names a head of"
    for entry in report.years:
        assert {u.unit.iri for u in entry.no_head} >= headless & {
            u.unit.iri for u in entry.units + entry.dates_unknown}
        assert all(not u.heads for u in entry.no_head) and all(u.heads for u in entry.with_head)
    row = next(r for r in report.grid() if r["unit"].iri in headless)
    assert {c["status"] for c in row["cells"]} <= {"gap", "absent"} and "gap" in {
        c["status"] for c in row["cells"]}


def test_units_no_source_dates_are_listed_apart(report: cov.Coverage) -> None:
    unknown = year(report, 2020).dates_unknown
    assert unknown and all(not u.unit.dates_known for u in unknown)


def test_sources_say_what_they_contributed(report: cov.Coverage) -> None:
    by_id = {s.id: s for s in report.sources}
    decree = by_id["struct-nd-68-2022"]
    assert decree.kind == "Decree" and decree.identifier == "68/2022/NĐ-CP" and decree.url
    news = by_id["struct-tuoitre-xoa-bo-4-tong-cuc-2022"]
    assert news.counts["changes"] >= 1 and news.url.startswith("https://")
    assert all(s.facts >= max(s.counts.values()) for s in report.sources)


@pytest.mark.parametrize(("holder", "day", "held"), [
    (cov.Holder("p", "A", "r", "R", "m", begin=dt.date(2016, 4, 9), end=dt.date(2023, 5, 22)),
     dt.date(2023, 5, 22), True),
    (cov.Holder("p", "A", "r", "R", "m", begin=dt.date(2016, 4, 9), end=dt.date(2023, 5, 22)),
     dt.date(2023, 5, 23), False),
    (cov.Holder("p", "A", "r", "R", "m", begin=dt.date(2019, 2, 1)), dt.date(2024, 1, 1), True),
    (cov.Holder("p", "A", "r", "R", "m", end=dt.date(2020, 11, 16)), dt.date(2020, 1, 1), False),
    (cov.Holder("p", "A", "r", "R", "m", attested=dt.date(2021, 12, 20)), dt.date(2021, 12, 20), True),
    (cov.Holder("p", "A", "r", "R", "m", attested=dt.date(2021, 12, 20)), dt.date(2021, 12, 21), False),
])
def test_a_role_is_held_on_the_days_the_sources_give(holder: cov.Holder, day: dt.date, held: bool) -> None:
    assert holder.held_on(day) is held


def test_holdings_count_what_the_home_page_shows(store: Store) -> None:
    counts = cov.holdings(store)
    assert set(counts) == {"sources", "officials", "units", "memberships", "changes"}
    assert all(n > 0 for n in counts.values())


# --- the command line ------------------------------------------------------------------------


def test_the_coverage_command(project: Settings) -> None:
    runner = CliRunner()
    table = runner.invoke(main, ["coverage", "--store", project.store])
    assert table.exit_code == 0, table.output
    assert "2020: minister Trần Hồng Hà" in table.output and "no head known:" in table.output
    as_json = runner.invoke(main, ["coverage", "--store", project.store, "--format", "json"])
    data = json.loads(as_json.output)
    assert {"sources", "years"} <= set(data) and data["years"][0]["year"] == 2016


# --- the pages -------------------------------------------------------------------------------


def test_the_coverage_page(web) -> None:  # noqa: ANN001
    page = web.get("/coverage")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Trần Hồng Hà" in text and 'class="cell-gap"' in text and "/id/source/struct-nd-68-2022" in text
    data = web.get("/coverage", headers={"Accept": "application/json"})
    assert data.status_code == 200 and data.get_json()["years"][4]["year"] == 2020


def test_the_structure_page_with_changes(web) -> None:  # noqa: ANN001
    page = web.get("/structure?date=2023-01-01&since=2022-01-01")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "/id/change/tong-cuc-moi-truong-2022" in text
    assert "/id/source/struct-tuoitre-xoa-bo-4-tong-cuc-2022" in text
    assert web.get("/structure").status_code == 200
    data = web.get("/structure?date=2020-06-01", headers={"Accept": "application/json"}).get_json()
    assert "Tổng cục Môi trường" in {u["label"] for u in data["ministry"]["units"]}
    ended = web.get("/structure?date=2025-06-01").get_data(as_text=True)
    assert "/id/change/hop-nhat-bo-nong-nghiep-va-moi-truong-2025" in ended
    assert "/id/org/cuc-bao-ton-thien-nhien-va-da-dang-sinh-hoc" in ended


@pytest.mark.parametrize(("query", "where"), [("date=2020-13-45", "date"),
                                              ("date=2020-01-01&since=x", "since")])
def test_bad_parameters_are_a_400_naming_them(web, query: str, where: str) -> None:  # noqa: ANN001
    page = web.get(f"/structure?{query}")
    assert page.status_code == 400
    assert f"<code>{where}</code>" in page.get_data(as_text=True)
    assert web.get(f"/structure?{query}", headers={"Accept": "application/json"}).get_json()["where"] == where


def test_a_parameter_is_escaped(web) -> None:  # noqa: ANN001
    page = web.get("/structure", query_string={"date": "<script>alert(1)</script>"})
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "<script>alert" not in text and "&lt;script&gt;alert" in text


def test_the_home_page_links_both_and_says_how_much_the_graph_holds(web) -> None:  # noqa: ANN001
    text = web.get("/").get_data(as_text=True)
    assert 'href="/coverage"' in text and 'href="/structure"' in text
    assert "officials" in text and "changes of structure" in text
