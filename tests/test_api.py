"""The JSON API: search, a person's roles over time, holders "as of" a date, the OpenAPI document."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kg.vocab import BASE

KHANH = BASE + "person/nguyen-quoc-khanh"
VIEN_THAM = BASE + "org/cuc-vien-tham-quoc-gia"
NUOC = BASE + "org/cuc-quan-ly-tai-nguyen-nuoc"
BLOC = "khoi-thi-dua-so-iv"


def test_api_search(client) -> None:  # noqa: ANN001
    data = client.get("/api/search?q=vien%20tham").get_json()
    assert data["results"][0]["iri"] == VIEN_THAM
    assert data["count"] == len(data["results"])
    assert client.get("/api/search?q=vien%20tham&limit=1").get_json()["count"] == 1
    missing = client.get("/api/search")
    assert missing.status_code == 400
    assert missing.get_json()["error"] == "Bad request"


def test_person_roles_over_time(client) -> None:  # noqa: ANN001
    response = client.get("/api/people/nguyen-quoc-khanh/roles")
    assert response.status_code == 200
    data = response.get_json()
    assert data["person"] == {"iri": KHANH, "label": "Nguyễn Quốc Khánh",
                              "url": "/id/person/nguyen-quoc-khanh"}
    roles = {(r["role"]["label"], r["organization"]["label"]) for r in data["roles"]}
    assert roles == {("Cục trưởng", "Cục Viễn thám quốc gia"), ("Trưởng Khối", "Khối Thi đua số IV")}
    for role in data["roles"]:
        assert role["attested"] == ["2021-12-20"]
        assert role["attested_only"] is True
        assert role["begin"] is None and role["end"] is None
        # the date rests on the inferred year; Khánh as bloc head also on his Cục's role (inferred)
        assert any("tổng kết năm 2021" in i["reason"]["en"] for i in role["inferred"])
        assert role["quotes"] == ["Ông Nguyễn Quốc Khánh, Cục trưởng Cục Viễn thám quốc gia, "
                                  "Trưởng Khối thi đua số IV chủ trì Hội nghị."]
        assert role["sources"][0]["iri"] == BASE + "source/khoi-thi-dua-iv-2021"
        assert role["url"].startswith("/id/membership/nguyen-quoc-khanh--")


def test_person_roles_errors(client) -> None:  # noqa: ANN001
    assert client.get("/api/people/nobody/roles").status_code == 404
    assert client.get("/api/people/Not_A_Slug/roles").status_code == 400
    # a unit is not a person
    assert client.get("/api/people/cuc-vien-tham-quoc-gia/roles").status_code == 404


def holders(client, **params: str) -> list[tuple[str, str]]:  # noqa: ANN001
    response = client.get("/api/holders", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return sorted((h["member"]["iri"], h["matched"]) for h in response.get_json()["holders"])


def test_a_role_assigned_for_a_year_is_not_held_in_it(client) -> None:  # noqa: ANN001
    # "năm 2022, Cục Quản lý tài nguyên nước giữ vai trò Trưởng Khối …": the rotation, stated on
    # 20/12/2021, gives the role for 2022; no source says it was then held
    assert holders(client, role="truong-khoi", org=BLOC, date="2022-03-01") == []


def test_holders_on_the_conference_day_by_interval_and_attested(client) -> None:  # noqa: ANN001
    assert holders(client, role="truong-khoi", org=BLOC, date="2021-12-20") == [
        (VIEN_THAM, "interval"), (KHANH, "attested")]


def test_holders_take_iris_too_and_the_org_is_optional(client) -> None:  # noqa: ANN001
    by_iri = holders(client, role=BASE + "role/truong-khoi", org=BASE + "org/" + BLOC, date="2021-12-20")
    assert by_iri == holders(client, role="truong-khoi", date="2021-12-20")


@pytest.mark.parametrize(
    ("date", "expected"),
    [("2021-01-01", [(VIEN_THAM, "interval")]), ("2021-12-31", [(VIEN_THAM, "interval")]),
     ("2020-12-31", []), ("2023-01-01", []), ("2021-12-19", [(VIEN_THAM, "interval")])],
)
def test_interval_bounds_are_inclusive(client, date: str, expected: list) -> None:  # noqa: ANN001
    assert holders(client, role="truong-khoi", org=BLOC, date=date) == expected


def test_deputy_and_other_roles(client) -> None:  # noqa: ANN001
    assert holders(client, role="khoi-pho", org=BLOC, date="2022-06-30") == []  # assigned only
    assert holders(client, role="cuc-truong", org="cuc-vien-tham-quoc-gia", date="2021-12-20") == [
        (KHANH, "attested")]


def test_holders_carry_their_evidence(client) -> None:  # noqa: ANN001
    data = client.get(f"/api/holders?role=truong-khoi&org={BLOC}&date=2021-03-01").get_json()
    (holder,) = data["holders"]
    assert (holder["begin"], holder["end"]) == ("2021-01-01", "2021-12-31")
    assert "Năm 2021, Cục Viễn thám quốc gia là Khối trưởng" in " ".join(holder["quotes"])
    assert data["date"] == "2021-03-01" and data["role"] == BASE + "role/truong-khoi"


@pytest.mark.parametrize(
    "query",
    ["role=truong-khoi&date=2022-13-01", "role=truong-khoi&date=20/12/2021", "role=truong-khoi",
     "date=2022-03-01", "role=Bad%20Role&date=2022-03-01", "role=truong-khoi&org=x%20y&date=2022-03-01"],
)
def test_holders_refuse_bad_parameters(client, query: str) -> None:  # noqa: ANN001
    response = client.get("/api/holders?" + query)
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    assert set(response.get_json()) >= {"error", "message", "status"}


# --------------------------------------------------------------------------- OpenAPI


@pytest.fixture()
def openapi(client) -> dict[str, Any]:  # noqa: ANN001
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def test_openapi_document_lists_the_api(openapi: dict[str, Any]) -> None:
    assert openapi["openapi"] == "3.1.0"
    assert openapi["info"]["title"] and openapi["info"]["version"]
    paths = openapi["paths"]
    for path in ("/api/search", "/api/people/{slug}/roles", "/api/holders", "/openapi.json"):
        assert "get" in paths[path], path
        assert "200" in paths[path]["get"]["responses"]
    holders_params = {p["name"]: p for p in paths["/api/holders"]["get"]["parameters"]}
    assert set(holders_params) == {"role", "org", "date"}
    assert holders_params["date"]["required"] is True
    assert paths["/api/people/{slug}/roles"]["get"]["parameters"][0]["in"] == "path"


def test_openapi_documents_every_api_route(app, openapi: dict[str, Any]) -> None:  # noqa: ANN001
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
            assert path in openapi["paths"], f"{rule.rule} is not in /openapi.json"


def test_openapi_references_resolve(openapi: dict[str, Any]) -> None:
    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
            return found + [r for value in node.values() for r in refs(value)]
        if isinstance(node, list):
            return [r for value in node for r in refs(value)]
        return []

    for ref in refs(openapi):
        assert ref.startswith("#/"), ref
        target: Any = openapi
        for part in ref[2:].split("/"):
            target = target[part]
        assert isinstance(target, dict)


def test_openapi_validates(openapi: dict[str, Any]) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(openapi)
