"""The article reader (kg.suggest): its grammar on texts of our own, the graph links, the draft
that builds, the command line and the scoring rule. The evaluation texts of ../shared/ingest-eval
are not used here: `make eval-suggest` scores them."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kg.build import build
from kg.config import Settings
from kg.query import QueryService
from kg.suggest import suggest
from kg.suggest.draft import facts_yaml
from kg.suggest.evaluate import normalise, org_matches, score_file
from kg.suggest.gazetteer import Gazetteer
from kg.suggest.reader import read

APPOINTMENT = "\n\n".join([
    "Cục Viễn thám quốc gia có Cục trưởng mới",
    "Sáng 15/4/2023, tại Hà Nội, Bộ TN&MT tổ chức lễ công bố quyết định bổ nhiệm Cục trưởng Cục"
    " Viễn thám quốc gia.",
    "Theo quyết định, ông Trần Minh Phúc, Phó Cục trưởng phụ trách Cục Viễn thám quốc gia, được"
    " bổ nhiệm giữ chức Cục trưởng.",
    "Dự buổi lễ có các Phó Cục trưởng Lê Thị Lan, Hoàng Văn Bắc và Phạm Quang Vinh.",
    "Bà Lan, nguyên Phó Giám đốc Sở TN&MT Thái Bình, cho biết đơn vị sẽ tiếp tục đổi mới.",
    "Cục cũng dự kiến bổ nhiệm ông Vũ Đức Long làm Phó Cục trưởng.",
]) + "\n"

CONFERENCE = "\n\n".join([
    "Chiều 3/10/2022, Khối Thi đua số V tổ chức hội nghị. Cục Biến đổi khí hậu, đơn vị Khối "
    "trưởng năm 2022, chủ trì hội nghị.",
    "Phát biểu tại hội nghị, Thứ trưởng Bộ Tài nguyên và Môi trường Võ Tuấn Minh đánh giá cao "
    "kết quả. Đồng chí Nguyễn Hữu Tâm - Tỉnh ủy viên, Giám đốc Sở Tài nguyên và Môi trường tỉnh"
    " Nghệ An cũng tham dự.",
    "PGS.TS Đinh Quốc Bảo, Viện trưởng Viện Khoa học Khí tượng Thủy văn và Biến đổi khí hậu, "
    "trình bày báo cáo. Ông Bảo đề nghị Thủ tướng Chính phủ quan tâm.",
    "Các tỉnh Vĩnh Phúc, Hà Nam và Thái Bình cử đại diện dự họp.",
]) + "\n"

SEED_KNOWN = "\n\n".join([
    "Ngày 2/6/2022, ông Nguyễn Quốc Khánh, Cục trưởng Cục Viễn thám quốc gia, làm việc với ông "
    "Nguyễn Minh Khuyến, Phó Cục trưởng Cục Quản lý tài nguyên nước.",
    "Cùng dự có ông Nguyễn Quốc Khánh, Giám đốc Sở TN&MT Nam Định.",
]) + "\n"


def triples(suggestions) -> set[tuple[str, str, str]]:  # noqa: ANN001
    return {(f.person, f.title, f.organisation) for f in suggestions.facts}


@pytest.fixture(scope="module")
def seed_only(seed_settings: Settings) -> Settings:
    """The store of the seed source alone (what `make eval-suggest` reads against)."""
    return seed_settings.replace(query_workers=1)


@pytest.fixture(scope="module")
def gazetteer(seed_only: Settings) -> Gazetteer:
    with QueryService(seed_only) as service:
        return Gazetteer.from_service(service)


def test_appointment_story_plural_titles_former_and_planned() -> None:
    s = read(APPOINTMENT)
    unit = "Cục Viễn thám quốc gia"
    assert triples(s) == {
        ("Trần Minh Phúc", "Phó Cục trưởng phụ trách", unit),  # held up to the appointment
        ("Trần Minh Phúc", "Cục trưởng", unit),  # the new role; its unit from the sentence
        ("Lê Thị Lan", "Phó Cục trưởng", unit),  # plural title, list of names, unit named earlier
        ("Hoàng Văn Bắc", "Phó Cục trưởng", unit),
        ("Phạm Quang Vinh", "Phó Cục trưởng", unit),
    }
    assert {f.date for f in s.facts} == {"2023-04-15"}
    kinds = {(w["kind"], w["person"], w["title"]) for w in s.warnings}
    assert ("former", "Lê Thị Lan", "Phó Giám đốc") in kinds  # "Bà Lan" resolved to the full name
    assert ("planned", "Vũ Đức Long", "Phó Cục trưởng") in kinds
    for f in s.facts:
        assert f.sentence in APPOINTMENT and f.person in f.sentence
        assert APPOINTMENT[f.person_start:f.person_end] == f.person
        assert 0 < f.confidence <= 1 and f.reason


def test_titles_units_prefixes_places_and_unit_roles() -> None:
    s = read(CONFERENCE)
    assert triples(s) == {
        ("Võ Tuấn Minh", "Thứ trưởng", "Bộ Tài nguyên và Môi trường"),
        ("Nguyễn Hữu Tâm", "Giám đốc", "Sở Tài nguyên và Môi trường tỉnh Nghệ An"),  # after a dash
        ("Đinh Quốc Bảo", "Viện trưởng", "Viện Khoa học Khí tượng Thủy văn và Biến đổi khí hậu"),
    }
    people = {f.person for f in s.facts}
    assert not people & {"Vĩnh Phúc", "Hà Nam", "Thái Bình", "Bảo"}
    assert s.organisation_roles == [{
        "organisation": "Cục Biến đổi khí hậu", "title": "Khối trưởng", "of": "Khối Thi đua số V",
        "date": "2022-10-03",
        "sentence": "Cục Biến đổi khí hậu, đơn vị Khối trưởng năm 2022, chủ trì hội nghị.",
        "organisation_iri": None, "of_iri": None}]


def test_dates_given_and_effective_dates_ignored() -> None:
    text = "Ông Lê Văn Hòa, Vụ trưởng Vụ Pháp chế, được bổ nhiệm kể từ ngày 01/02/2019."
    assert read(text).facts[0].date is None  # an effective date is not the day of the text
    import datetime as dt

    assert read(text, date=dt.date(2019, 2, 11)).facts[0].date == "2019-02-11"
    text = "Sáng 3/8, ông Lê Văn Hòa, Vụ trưởng Vụ Pháp chế, phát biểu."
    assert read(text, date=dt.date(2024, 8, 12)).facts[0].date == "2024-08-03"


def test_diacritic_variants_and_abbreviations(gazetteer: Gazetteer) -> None:
    assert gazetteer.organisation("Bộ Tài nguyên và Môi trường").name == "Bộ Tài nguyên và Môi trường"
    assert gazetteer.organisation("Bộ TN-MT").name == "Bộ Tài nguyên và Môi trường"
    s = suggest("Hôm 5/5/2022, ông Phạm Văn Thuỷ, Phó Cục trưởng Cục Quản lý tài nguyên nước, phát biểu.",
                gazetteer=gazetteer)
    assert s.facts[0].organisation_iri == "https://w3id.org/tnmt-kg/org/cuc-quan-ly-tai-nguyen-nuoc"


def test_resolution_links_only_when_context_agrees(gazetteer: Gazetteer) -> None:
    s = suggest(SEED_KNOWN, gazetteer=gazetteer)
    by_unit = {f.organisation: f for f in s.facts}
    khanh = by_unit["Cục Viễn thám quốc gia"]
    assert khanh.person_iri == "https://w3id.org/tnmt-kg/person/nguyen-quoc-khanh"
    assert by_unit["Cục Quản lý tài nguyên nước"].person_id == "nguyen-minh-khuyen"
    namesake = by_unit["Sở TN&MT Nam Định"]
    assert namesake.person_iri is None and namesake.person_id == "nguyen-quoc-khanh-2"
    assert any(w["kind"] == "namesake" and w["person"] == "Nguyễn Quốc Khánh" for w in s.warnings)


def test_draft_builds(seed_only: Settings, gazetteer: Gazetteer, tmp_path: Path) -> None:
    text = ("Sáng 2/6/2022, Cục Viễn thám quốc gia tổ chức hội nghị. Ông Trần Minh Phúc, "
            "Phó Cục trưởng Cục Viễn thám quốc gia, chủ trì. Phó Giám đốc Sở TN&MT Hà Nam Đỗ Thị Mai dự.")
    s = suggest(text, gazetteer=gazetteer)
    sources = tmp_path / "sources"
    shutil.copytree(Path(seed_only.sources_dir), sources)
    folder = sources / "bao-2022-vien-tham"
    folder.mkdir()
    (folder / "article.txt").write_text(text, encoding="utf-8")
    draft = facts_yaml(s, source_id="bao-2022-vien-tham")
    data = yaml.safe_load(draft)
    assert [m["role"] for m in data["memberships"]] == ["pho-cuc-truong", "pho-giam-doc"]
    assert all(m["quote"] and str(m["attested"]) == "2022-06-02" for m in data["memberships"])
    (folder / "facts.yaml").write_text(draft, encoding="utf-8")
    settings = seed_only.replace(store=str(tmp_path / "store"), sources_dir=str(sources))
    build(settings)  # the reviewed draft conforms to the shapes
    with QueryService(settings) as service:
        rows = service.select_rows("""PREFIX org: <http://www.w3.org/ns/org#>
            PREFIX foaf: <http://xmlns.com/foaf/0.1/>
            SELECT ?name ?org WHERE { ?m org:member/foaf:name ?name ; org:organization ?org }""")
    got = {(r["name"].value, r["org"].value.rsplit("/", 1)[-1]) for r in rows}
    assert ("Trần Minh Phúc", "cuc-vien-tham-quoc-gia") in got
    assert ("Đỗ Thị Mai", "so-tn-mt-ha-nam") in got


def test_cli_json_and_table(tmp_path: Path) -> None:
    from kg.cli import main

    article = tmp_path / "article.txt"
    article.write_text(CONFERENCE, encoding="utf-8")
    runner = CliRunner()
    env = {"TNMT_KG_STORE": str(tmp_path / "no-store")}
    result = runner.invoke(main, ["suggest", str(article), "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"facts", "organisation_roles", "warnings"}
    assert {"person", "title", "organisation", "organisation_iri", "date", "sentence", "confidence",
            "reason"} <= set(data["facts"][0])
    result = runner.invoke(main, ["suggest", "-", "--date", "2022-10-03"], input=CONFERENCE, env=env)
    assert result.exit_code == 0 and "Võ Tuấn Minh" in result.stdout
    result = runner.invoke(main, ["suggest", str(article), "--date", "3/10"], env=env)
    assert result.exit_code == 2
    result = runner.invoke(main, ["suggest", str(article), "--format", "yaml"], env=env)
    assert yaml.safe_load(result.stdout)["source"]["id"] == "article" or "source" in result.stdout


def test_scoring_rule() -> None:
    assert normalise("Uỷ ban nhân dân TP. Hà Nội") == normalise("UBND thành phố Hà Nội")
    assert normalise("Viện KH KTTV") == "viện khoa học khí tượng thủy văn"
    assert normalise("ông Nguyễn Văn A", person=True) == "nguyễn văn a"
    assert org_matches("Tổng cục Môi trường Bộ TN&MT", ["Tổng cục Môi trường"])
    assert org_matches("Sở TN&MT Hà Nội", ["Sở TN&MT"])
    assert not org_matches("Tổng cục Môi trường mới", ["Tổng cục Môi trường"])
    gold = {"attested_date": "2020-01-02", "date_note": "", "facts": [
        {"person": "Lê Văn Hòa", "title": "Vụ trưởng", "organisation": "Vụ Pháp chế",
         "attested_date": "2020-01-02", "scope": "core", "sentence": "x"},
        {"person": "Lê Văn Hòa", "title": "Bí thư", "organisation": "Đảng ủy", "attested_date": "2020-01-02",
         "scope": "other", "sentence": "x"}]}
    text = "Ngày 2/1/2020, ông Lê Văn Hòa, Vụ trưởng Vụ Pháp chế, Bí thư Đảng ủy Vụ, phát biểu."
    score = score_file(read(text).facts, gold, text)
    assert (score.tp, score.fp, score.fn) == (1, 0, 0)
    assert (score.matched, score.dates_ok, score.evidence_ok) == (2, 2, 2)  # "other" facts too


# --- patterns found by the second development set (tests/suggest-eval): texts of our own --------

COORDINATED = "\n\n".join([
    "Viện Quy hoạch, Phát triển tài nguyên và môi trường tổng kết năm 2019",
    "Chiều 20/12, Viện Quy hoạch, Phát triển tài nguyên và môi trường tổ chức hội nghị tổng kết.",
    "Tại hội nghị, Viện trưởng Ngô Minh Đức và Phó Viện trưởng Lã Thị Hằng trình bày báo cáo.",
    "Dự hội nghị có ông Tạ Văn Long, Cục trưởng Cục Địa chất; Phó Cục trưởng Cục Địa chất Đào Văn"
    " Tú và bà Kiều Thị Mai, Phó Vụ trưởng Vụ Pháp chế.",
    "Chủ trì phiên thảo luận là ông Đỗ Văn Hùng, Cục trưởng Cục Khoáng sản, cùng hai Phó Cục trưởng"
    " của Cục là Lý Văn An và Cao Thị Hoa.",
    "Bà Mạc Thị Lan, Trưởng phòng Quan trắc thuộc Trung tâm Mạng lưới (Tổng cục Khí tượng Thủy văn),"
    " được bổ nhiệm làm Phó Viện trưởng Viện Khoa học Địa chất.",
    "Về phía Trường Đại học Tài nguyên và Môi trường Hà Nội có PGS.TS Vương Văn Hải, Hiệu trưởng;"
    " đồng chí Âu Văn Nam - Ủy viên Ban thường vụ Đảng ủy, Phó Hiệu trưởng; Bí thư Đoàn Thanh niên"
    " Cộng sản Hồ Chí Minh của Trường cũng dự.",
]) + "\n"


def test_titles_before_names_in_a_list_go_to_their_own_names() -> None:
    found = triples(read(COORDINATED))
    vien = "Viện Quy hoạch, Phát triển tài nguyên và môi trường"
    assert ("Ngô Minh Đức", "Viện trưởng", vien) in found
    assert ("Lã Thị Hằng", "Phó Viện trưởng", vien) in found
    assert ("Ngô Minh Đức", "Phó Viện trưởng", vien) not in found
    assert ("Đào Văn Tú", "Phó Cục trưởng", "Cục Địa chất") in found
    assert ("Tạ Văn Long", "Phó Cục trưởng", "Cục Địa chất") not in found


def test_a_counted_plural_title_of_a_back_referenced_unit_lists_its_holders() -> None:
    found = triples(read(COORDINATED))
    assert {("Lý Văn An", "Phó Cục trưởng", "Cục Khoáng sản"),
            ("Cao Thị Hoa", "Phó Cục trưởng", "Cục Khoáng sản")} <= found


def test_an_appointment_after_a_unit_in_brackets_is_read() -> None:
    found = triples(read(COORDINATED))
    assert ("Mạc Thị Lan", "Phó Viện trưởng", "Viện Khoa học Địa chất") in found


def test_a_university_and_party_titles_and_a_name_of_a_place_in_a_unit() -> None:
    facts = read(COORDINATED).facts
    found = {(f.person, f.title, f.organisation) for f in facts}
    assert ("Vương Văn Hải", "Hiệu trưởng", "Trường Đại học Tài nguyên và Môi trường Hà Nội") in found
    assert ("Âu Văn Nam", "Ủy viên Ban thường vụ", "Đảng ủy") in found
    assert "Hồ Chí Minh" not in {f.person for f in facts}


def test_a_day_without_its_year_takes_the_year_the_headline_names() -> None:
    facts = read(COORDINATED).facts
    assert {f.date for f in facts} == {"2019-12-20"}
    assert all("a guess" in f.reason for f in facts)


@pytest.mark.parametrize("folder", ["suggest-eval", "suggest-eval-3", "suggest-eval-4", "suggest-eval-5"])
def test_the_projects_own_development_sets_score_at_least_the_target(folder: str) -> None:
    """tests/suggest-eval*: texts of our own, each set written blind (README there). The target is
    the floor the held-out set needs; a change that reads one pattern better and another worse
    shows here before it shows in the score."""
    from kg.config import PROJECT_ROOT
    from kg.suggest.evaluate import Score, evaluate

    _, total = evaluate(PROJECT_ROOT / "tests" / folder, Gazetteer())
    precision, recall, f1 = Score.prf(total.tp, total.fp, total.fn)
    assert f1 >= 0.9, (precision, recall, total.details)


def test_a_role_after_la_is_held() -> None:
    text = ("Ngày 5/3/2021, Bộ TN&MT trao quyết định bổ nhiệm ông Hà Văn Sơn giữ chức Cục trưởng Cục"
            " Biến đổi khí hậu. Trước đó, ông Hà Văn Sơn là Phó Cục trưởng Cục Biến đổi khí hậu.\n")
    found = triples(read(text))
    assert {("Hà Văn Sơn", "Cục trưởng", "Cục Biến đổi khí hậu"),
            ("Hà Văn Sơn", "Phó Cục trưởng", "Cục Biến đổi khí hậu")} <= found


BACK_REFERENCES = "\n\n".join([
    "Viện Địa lý ứng dụng kỷ niệm 30 năm thành lập",
    "(Đà Nẵng, 14/5/2021) Viện Địa lý ứng dụng tổ chức lễ kỷ niệm 30 năm thành lập.",
    "Dự lễ có ông Đoàn Minh Trí và bà Kha Thị Nguyệt. Ông Trí dự lễ với tư cách Tổng cục trưởng"
    " Tổng cục Thủy lợi. Bà Nguyệt hiện là Phó Viện trưởng của Viện.",
    "Ông Lục Văn Quang, người đọc diễn văn với cương vị Viện trưởng Viện Địa lý ứng dụng, điểm lại"
    " chặng đường 30 năm.",
    "Bà Tống Thị Hạnh, sinh năm 1975, chuyên gia về thủy văn, hiện giữ chức Giám đốc Trung tâm Dữ"
    " liệu biển.",
    "Cùng lãnh đạo Viện hiện có nhiều Phó Viện trưởng, trong đó có ông Mẫn Văn Hòa và bà Chế Thị Lụa.",
    "Lễ có đại diện UBND tỉnh Quảng Nam. Ông Lò Văn Pha, Chủ tịch UBND tỉnh, phát biểu chúc mừng.",
    "Phó Chủ tịch Hội Thủy văn Việt Nam Hứa Văn Tân cũng tham dự.",
    "Tại buổi lễ, ông Bế Văn Cao, Chánh Văn phòng Bộ, đọc Quyết định số 123 của Bộ trưởng về việc"
    " điều động ông Giáp Văn Tư sang giữ chức Cục trưởng Cục Kiểm soát ô nhiễm môi trường.",
]) + "\n"


def test_back_references_and_role_phrases_give_the_title_to_the_person_named_before() -> None:
    found = triples(read(BACK_REFERENCES))
    assert {("Đoàn Minh Trí", "Tổng cục trưởng", "Tổng cục Thủy lợi"),
            ("Kha Thị Nguyệt", "Phó Viện trưởng", "Viện Địa lý ứng dụng"),
            ("Lục Văn Quang", "Viện trưởng", "Viện Địa lý ứng dụng"),
            ("Tống Thị Hạnh", "Giám đốc", "Trung tâm Dữ liệu biển")} <= found


def test_a_plural_title_then_trong_do_co_lists_its_holders() -> None:
    found = triples(read(BACK_REFERENCES))
    assert {("Mẫn Văn Hòa", "Phó Viện trưởng", "Viện Địa lý ứng dụng"),
            ("Chế Thị Lụa", "Phó Viện trưởng", "Viện Địa lý ứng dụng")} <= found


def test_local_governments_associations_and_a_decision_read_out() -> None:
    out = read(BACK_REFERENCES)
    found = triples(out)
    assert ("Lò Văn Pha", "Chủ tịch", "UBND tỉnh Quảng Nam") in found
    assert ("Hứa Văn Tân", "Phó Chủ tịch", "Hội Thủy văn Việt Nam") in found
    # the decision itself is read out: a fact, not a plan
    assert ("Giáp Văn Tư", "Cục trưởng", "Cục Kiểm soát ô nhiễm môi trường") in found
    assert not [w for w in out.warnings if w["person"] == "Giáp Văn Tư"]


def test_a_dateline_dates_the_text_and_a_back_reference_keeps_its_own_offsets() -> None:
    out = read(BACK_REFERENCES)
    assert out.date == "2021-05-14"
    fact = next(f for f in out.facts if f.person == "Kha Thị Nguyệt" and f.title == "Phó Viện trưởng")
    assert BACK_REFERENCES[fact.person_start:fact.person_end] == "Nguyệt"
    assert fact.start <= fact.person_start < fact.end


def test_an_anniversary_span_gives_the_year_and_a_beginning_year_does_not() -> None:
    text = ("Trung tâm Quan trắc kỷ niệm 20 năm\n\nSáng 9/9, Trung tâm Quan trắc môi trường tổ chức lễ"
            " kỷ niệm 20 năm thành lập (9/9/2003 - 9/9/2023), có ông Vi Văn Thắng, Giám đốc Trung tâm"
            " Quan trắc môi trường.\n")
    assert read(text).date == "2023-09-09"
    no_year = ("Họp trực tuyến của tổ chức khu vực\n\nHôm qua (26/5), ông Vi Văn Thắng, Giám đốc Trung"
               " tâm Quan trắc môi trường, dự họp. Việt Nam là thành viên của tổ chức từ năm 1975.\n")
    assert read(no_year).date is None


BIOGRAPHY = "\n\n".join([
    "Tân Giám đốc Trung tâm Thông tin biển",
    "Thứ Tư, 12/06/2019",
    "GS.TS Lâm Văn Hào được điều động về làm việc tại tỉnh Yên Bái. Ông Hào sinh năm 1968.",
    "Đến tháng 5/2017, ông được bổ nhiệm giữ chức Giám đốc Trung tâm Thông tin biển.",
    "Dự buổi lễ có ông Phan Hữu Trường, Phó Cục trưởng Cục Biển.",
]) + "\n"


def test_a_bare_ong_as_the_subject_is_the_person_named_last() -> None:
    assert ("Lâm Văn Hào", "Giám đốc", "Trung tâm Thông tin biển") in triples(read(BIOGRAPHY))


def test_a_name_ending_in_a_word_that_heads_units_is_still_a_name() -> None:
    assert ("Phan Hữu Trường", "Phó Cục trưởng", "Cục Biển") in triples(read(BIOGRAPHY))


def test_coordinated_back_references_share_a_role_and_the_unit_after_tai() -> None:
    text = ("Bà Trịnh Thị Mai, ông Đỗ Văn Lực và ông Ngô Anh Tú dự lễ ngày 1/3/2025 tại Hà Nội.\n\n"
            "Như vậy, bà Mai, ông Lực và ông Tú tiếp tục giữ cương vị Thứ trưởng tại Bộ Nông nghiệp"
            " và Môi trường.\n")
    found = triples(read(text))
    assert {(name, "Thứ trưởng", "Bộ Nông nghiệp và Môi trường")
            for name in ("Trịnh Thị Mai", "Đỗ Văn Lực", "Ngô Anh Tú")} <= found


def test_a_weekday_date_line_dates_the_text() -> None:
    assert read(BIOGRAPHY).date == "2019-06-12"


def test_an_appointment_drafts_the_roles_beginning_and_builds(seed_only: Settings, tmp_path: Path) -> None:
    text = ("Ngày 5/2/2019, Bộ TN&MT tổ chức lễ trao quyết định. Ông Mạc Văn Hùng, Phó Viện trưởng phụ"
            " trách Viện Khoa học tài nguyên nước, được bổ nhiệm giữ chức Viện trưởng kể từ ngày"
            " 01/02/2019, thời hạn 5 năm.\n\nTháng 3/2018, bà Lạc Thị Yến được điều động giữ chức Phó"
            " Viện trưởng Viện Khoa học tài nguyên nước.\n")
    s = read(text)
    data = yaml.safe_load(facts_yaml(s, source_id="bao-2019-vien"))
    by_role = {m["role"]: m for m in data["memberships"]}
    assert by_role["vien-truong"]["from"]["date"] == dt.date(2019, 2, 1)
    assert by_role["vien-truong"]["from"]["event"] == "appointed"
    assert str(by_role["pho-vien-truong"]["from"]["date"]) == "2018-03"
    assert by_role["pho-vien-truong"]["from"]["event"] == "transferred"
    assert str(by_role["pho-vien-truong-phu-trach"]["attested"]) == "2019-02-05"  # held until then
    sources = tmp_path / "sources"
    shutil.copytree(Path(seed_only.sources_dir), sources)
    (sources / "bao-2019-vien").mkdir()
    (sources / "bao-2019-vien" / "article.txt").write_text(text, encoding="utf-8")
    (sources / "bao-2019-vien" / "facts.yaml").write_text(facts_yaml(s, source_id="bao-2019-vien"),
                                                         encoding="utf-8")
    build(seed_only.replace(store=str(tmp_path / "store"), sources_dir=str(sources)))


def test_a_period_of_plans_is_no_anniversary() -> None:
    text = ("Khối Thi đua họp cuối năm\n\nChiều 20/12, Khối Thi đua tổng kết năm 2021, có ông Vi Văn Thắng,"
            " Giám đốc Trung tâm Quan trắc môi trường. Phong trào thi đua giai đoạn 2019 - 2025 được"
            " triển khai.\n")
    assert read(text).date == "2021-12-20"


def test_a_day_without_a_year_takes_the_year_of_the_latest_full_date_before_a_term() -> None:
    text = ("Tân Phó Bí thư Tỉnh ủy\n\nSáng 6-9, Tỉnh ủy tổ chức hội nghị công bố quyết định, có ông Vi"
            " Văn Thắng, Giám đốc Trung tâm Quan trắc môi trường. Ông Thắng được bầu trong nhiệm kỳ"
            " 2020 - 2025. Bộ mới hoạt động kể từ ngày 1/3/2025.\n")
    assert read(text).date == "2025-09-06"


def test_a_weekday_tells_the_year_among_those_the_text_names() -> None:
    # 26/6 fell on a Wednesday in 2024 (not in 2023): the day's year is the one the weekday fits
    text = ("Sơ kết công tác\n\nChiều thứ Tư (26/6), Cục Địa chất họp sơ kết, có ông Vi Văn Thắng, Cục"
            " trưởng Cục Địa chất. Năm 2023 Cục đã hoàn thành kế hoạch; năm 2024 còn nhiều việc.\n")
    assert read(text).date == "2024-06-26"
    passed = ("Luật cũ\n\nHôm 27/8, ông Vi Văn Thắng, Cục trưởng Cục Biển, dự họp. Luật được Quốc hội thông"
              " qua ngày 25/6/2015. Ông Thắng nhắc lại năm 2018 là năm bản lề.\n")
    facts = read(passed).facts  # the event is on 27/8 (its year a guess, said so), not the law's day
    assert [f.date[5:] for f in facts] == ["08-27"] and all("a guess" in f.reason for f in facts)


def test_an_abbreviation_in_brackets_between_a_plural_title_and_its_names() -> None:
    text = ("Ngày 27/5/2016, hội thảo có các Phó Tổng Giám đốc (PTGĐ) Hà Văn Một, Lý Văn Hai và Đinh Văn"
            " Ba của Trung tâm Quy hoạch và Điều tra tài nguyên nước quốc gia.\n")
    names = {f.person for f in read(text).facts if f.title == "Phó Tổng Giám đốc"}
    assert names == {"Hà Văn Một", "Lý Văn Hai", "Đinh Văn Ba"}


def test_a_sentence_case_name_goes_on_after_a_comma_with_its_fields() -> None:
    text = ("Ngày 21/2/2024, TS. Lưu Văn Tám - Viện trưởng Viện Khoa học môi trường, biển và hải đảo -"
            " trả lời.\n")
    assert ("Lưu Văn Tám", "Viện trưởng", "Viện Khoa học môi trường, biển và hải đảo") in triples(read(text))
