"""Test sets through API Gateway v2 events on real Postgres: CRUD, cases, versions, files."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

import pytest

from api.platform_world import World, count


@pytest.fixture
def world(make_world: Any) -> World:
    return make_world()


CASES = [
    {
        "description": "greet",
        "vars": {"name": "Ada"},
        "assert": [{"type": "contains", "value": "Ada"}],
    },
    {"vars": {"name": "Bob"}, "assert": [{"type": "icontains", "value": "bob"}]},
]


def create(world: World, name: str = "greetings", cases: list | None = None) -> dict:
    answer = world.alice.post("/v1/test-sets", body={"name": name, "cases": cases or CASES})
    assert answer.status == 201, answer.body
    return answer.json


def test_create_read_list_rename_delete(world: World) -> None:
    created = create(world)
    assert created["case_count"] == 2
    assert created["latest_version"]["version"] == 1
    assert len(created["latest_version"]["content_hash"]) == 64
    sid = created["id"]
    assert world.alice.get(f"/v1/test-sets/{sid}").json["name"] == "greetings"
    listed = world.alice.get("/v1/test-sets").json
    assert [s["id"] for s in listed["items"]] == [sid]
    assert listed["items"][0]["case_count"] == 2
    renamed = world.alice.patch(f"/v1/test-sets/{sid}", body={"name": "hello", "description": "d"})
    assert renamed.status == 200
    assert (renamed.json["name"], renamed.json["description"]) == ("hello", "d")
    assert renamed.json["latest_version"]["version"] == 1  # metadata only: no new version
    assert world.alice.delete(f"/v1/test-sets/{sid}").status == 204
    assert world.alice.get(f"/v1/test-sets/{sid}").status == 404
    assert count(world.database_url, "test_cases") == 0


def test_duplicate_name_conflicts_and_unknown_fields_are_refused(world: World) -> None:
    create(world)
    again = world.alice.post("/v1/test-sets", body={"name": "greetings"})
    assert again.status == 409
    assert again.error_code == "conflict"
    extra = world.alice.post("/v1/test-sets", body={"name": "x", "colour": "red"})
    assert extra.status == 422
    assert "error" in extra.json
    bad_case = world.alice.post(
        "/v1/test-sets",
        body={
            "name": "y",
            "cases": [{"vars": {}, "assert": [{"type": "python", "value": "True"}]}],
        },
    )
    assert bad_case.status == 400
    assert bad_case.json["error"]["details"]["errors"][0]["case"] == 0
    assert count(world.database_url, "test_sets") == 1


def test_names_are_not_blank_and_lose_their_surrounding_spaces(world: World) -> None:
    for blank in ("", "   ", "\t\n"):
        answer = world.alice.post("/v1/test-sets", body={"name": blank})
        assert answer.status == 422, blank
    sid = create(world)["id"]
    assert world.alice.patch(f"/v1/test-sets/{sid}", body={"name": "  "}).status == 422
    assert world.alice.get(f"/v1/test-sets/{sid}").json["name"] == "greetings"
    padded = world.alice.post("/v1/test-sets", body={"name": "  capitals  "})
    assert padded.status == 201 and padded.json["name"] == "capitals"
    # the same name with spaces around it is the same name
    assert world.alice.post("/v1/test-sets", body={"name": "greetings "}).status == 409
    assert count(world.database_url, "test_sets") == 2


def test_every_case_change_makes_a_version_sharing_unchanged_cases(world: World) -> None:
    sid = create(world)["id"]
    added = world.alice.post(f"/v1/test-sets/{sid}/cases", body={"vars": {"name": "Cy"}})
    assert added.status == 201
    assert added.json["version"]["version"] == 2
    assert added.json["cases"][0]["position"] == 2
    new_id = added.json["cases"][0]["id"]
    edited = world.alice.put(f"/v1/test-sets/{sid}/cases/{new_id}", body={"vars": {"name": "Cyd"}})
    assert edited.json["version"]["version"] == 3
    edited_id = edited.json["cases"][0]["id"]
    assert edited_id != new_id
    bulk = world.alice.post(
        f"/v1/test-sets/{sid}/cases/bulk",
        body={"cases": [{"vars": {"name": f"n{i}"}} for i in range(3)]},
    )
    assert bulk.json["version"]["version"] == 4
    assert (
        world.alice.delete(f"/v1/test-sets/{sid}/cases/{edited_id}").json["version"]["case_count"]
        == 5
    )
    assert world.alice.delete(f"/v1/test-sets/{sid}/cases/{edited_id}").status == 404
    versions = world.alice.get(f"/v1/test-sets/{sid}/versions", query={"limit": 2}).json
    assert [v["version"] for v in versions["items"]] == [5, 4]
    rest = world.alice.get(
        f"/v1/test-sets/{sid}/versions", query={"cursor": versions["next_cursor"]}
    ).json
    assert [v["version"] for v in rest["items"]] == [3, 2, 1]
    v1, v3 = rest["items"][2]["id"], rest["items"][0]["id"]
    # content-addressed: v1's two cases are stored once and shared by every later version
    assert count(world.database_url, "test_cases") == 2 + 1 + 1 + 3
    diff = world.alice.get(f"/v1/test-sets/{sid}/diff", query={"base": v1, "head": v3}).json
    assert [c["vars"] for c in diff["added"]] == [{"name": "Cyd"}]
    assert diff["removed"] == [] and diff["unchanged"] == 2
    old = world.alice.get(f"/v1/test-sets/{sid}/cases", query={"version_id": v1}).json
    assert [c["vars"]["name"] for c in old["items"]] == ["Ada", "Bob"]


def test_cases_are_paged_by_cursor_and_bad_cursors_refused(world: World) -> None:
    sid = create(world, cases=[{"vars": {"i": str(i)}} for i in range(7)])["id"]
    seen, cursor = [], None
    while True:
        page = world.alice.get(
            f"/v1/test-sets/{sid}/cases", query={"limit": 3, "cursor": cursor}
        ).json
        seen += [c["vars"]["i"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [str(i) for i in range(7)]
    bad = world.alice.get(f"/v1/test-sets/{sid}/cases", query={"cursor": "not-a-cursor"})
    assert bad.status == 400
    assert bad.json["error"]["details"]["field"] == "cursor"
    assert world.alice.get("/v1/test-sets/not-a-uuid").status == 422


SEARCHED = [
    {"description": "Capital of France", "vars": {"country": "France", "n": 3}},
    {
        "vars": {"country": "Japan", "hint": "Tokyo_1"},
        "assert": [{"type": "regex", "value": "Tok(yo|io)"}],
    },
    {"vars": {"country": "Peru"}, "assert": [{"type": "icontains", "value": "Lima"}]},
    {"description": "100% sure", "vars": {"city": {"name": "Lima", "size": 9}}},
    {"vars": {"country": "Chad", "note": "Tokyo21"}},
]


def search(world: World, sid: str, q: str, **query: Any) -> list[int]:
    answer = world.alice.get(f"/v1/test-sets/{sid}/cases", query={"q": q, **query})
    assert answer.status == 200, answer.body
    return [c["position"] for c in answer.json["items"]]


def test_cases_are_searched_by_every_word_in_their_text(world: World) -> None:
    sid = create(world, name="searched", cases=SEARCHED)["id"]
    assert search(world, sid, "FRANCE") == [0]  # the description and a variable value
    assert search(world, sid, "country") == [0, 1, 2, 4]  # variable names
    assert search(world, sid, "lima") == [2, 3]  # an assertion's value; a nested value
    assert search(world, sid, "icontains lima") == [2]  # every word, each anywhere
    assert search(world, sid, "japan lima") == []
    assert search(world, sid, "tok(yo") == [1]  # not a pattern: the characters themselves
    assert search(world, sid, "100%") == [3] and search(world, sid, "0%") == [3]
    assert search(world, sid, "o_1") == [1]  # `_` is no wildcard: "Tokyo21" does not match
    assert search(world, sid, "  ") == [0, 1, 2, 3, 4]  # no words: every case
    everyone = world.alice.get(f"/v1/test-sets/{sid}/cases").json
    assert everyone["matches"] is None


def test_a_search_pages_through_its_matches_and_counts_them(world: World) -> None:
    cases = [{"vars": {"n": str(i), "kind": "even" if i % 2 == 0 else "odd"}} for i in range(11)]
    sid = create(world, name="paged", cases=cases)["id"]
    positions, cursor, counts = [], None, set()
    while True:
        page = world.alice.get(
            f"/v1/test-sets/{sid}/cases", query={"q": "even", "limit": 2, "cursor": cursor}
        ).json
        positions += [c["position"] for c in page["items"]]
        counts.add(page["matches"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert positions == [0, 2, 4, 6, 8, 10]
    assert counts == {6}
    assert world.alice.get(f"/v1/test-sets/{sid}/cases", query={"q": "odd"}).json["matches"] == 5
    too_long = world.alice.get(f"/v1/test-sets/{sid}/cases", query={"q": "x" * 501})
    assert too_long.status == 422
    theirs = world.bob.get(f"/v1/test-sets/{sid}/cases", query={"q": "even"})
    assert theirs.status == 404


def test_csv_import_reports_every_bad_line_and_saves_nothing(world: World) -> None:
    sid = create(world)["id"]
    text = (
        "question,__expected\n"
        "what is 2+2,contains: 4\n"
        "bad one,javascript: output.length > 3\n"
        "fine,icontains: yes\n"
        "bad two,llm-rubric: be nice\n"
    )
    answer = world.alice.post(f"/v1/test-sets/{sid}/import", raw=text, content_type="text/csv")
    assert answer.status == 400
    errors = answer.json["error"]["details"]["errors"]
    assert [(e["line"], e["column"]) for e in errors] == [(3, 2), (5, 2)]
    assert all(e["message"].startswith(f"import.csv:{e['line']}:") for e in errors)
    assert world.alice.get(f"/v1/test-sets/{sid}").json["latest_version"]["version"] == 1
    assert count(world.database_url, "test_cases") == 2

    # Given the uploaded file's name (only its last part), the errors say it instead.
    for given in ("capitals.csv", "C:\\Users\\me\\capitals.csv", "/home/me/capitals.csv"):
        named = world.alice.post(
            f"/v1/test-sets/{sid}/import",
            raw=text,
            content_type="text/csv",
            query={"filename": given},
        )
        assert named.status == 400, given
        assert named.json["error"]["message"].startswith("capitals.csv: 2 bad line")
        named_errors = named.json["error"]["details"]["errors"]
        assert [e["message"].split(": ")[0] for e in named_errors] == [
            "capitals.csv:3",
            "capitals.csv:5",
        ]
    empty = world.alice.post(
        f"/v1/test-sets/{sid}/import", raw="", content_type="text/csv", query={"filename": "e.csv"}
    )
    assert empty.status == 400 and empty.json["error"]["message"].startswith("e.csv: ")
    for bad in ("tab\there.csv", "x" * 256):
        refused = world.alice.post(
            f"/v1/test-sets/{sid}/import",
            raw=text,
            content_type="text/csv",
            query={"filename": bad},
        )
        assert refused.status == {"x" * 256: 422}.get(bad, 400), (bad, refused.body)
    assert count(world.database_url, "test_cases") == 2


def test_csv_and_jsonl_import_then_export_round_trip(world: World) -> None:
    sid = create(world)["id"]
    text = (
        "question,__expected1,__expected2,__description\n"
        "q1,contains: a,not-icontains: b,first\n"
        "q2,equals:x,,\n"
    )
    imported = world.alice.post(
        f"/v1/test-sets/{sid}/import",
        raw=text,
        content_type="text/csv; charset=utf-8",
        query={"mode": "replace"},
    )
    assert imported.status == 201, imported.body
    assert imported.json["version"]["case_count"] == 2
    exported = world.alice.get(f"/v1/test-sets/{sid}/export", query={"format": "csv"})
    assert exported.status == 200
    rows = list(csv.DictReader(io.StringIO(exported.body)))
    assert rows[0]["question"] == "q1" and rows[0]["__description"] == "first"
    assert rows[0]["__expected1"] == "contains:a" and rows[0]["__expected2"] == "not-icontains:b"
    jsonl = world.alice.get(f"/v1/test-sets/{sid}/export", query={"format": "jsonl"}).body
    lines = [json.loads(line) for line in jsonl.splitlines()]
    assert lines[1] == {
        "assert": [{"type": "equals", "value": "x", "weight": 1.0}],
        "vars": {"question": "q2"},
        "metadata": {},
    }
    # re-importing the export into a fresh set gives the same content hash
    other = create(world, name="copy", cases=[{"vars": {"z": "1"}}])["id"]
    again = world.alice.post(
        f"/v1/test-sets/{other}/import",
        raw=jsonl.encode(),
        content_type="application/x-ndjson",
        query={"mode": "replace"},
    )
    assert again.json["version"]["content_hash"] == imported.json["version"]["content_hash"]


def test_import_refuses_wrong_type_non_utf8_and_empty(world: World) -> None:
    sid = create(world)["id"]
    assert (
        world.alice.post(f"/v1/test-sets/{sid}/import", raw="a", content_type="text/plain").status
        == 415
    )
    latin = world.alice.post(
        f"/v1/test-sets/{sid}/import",
        raw="q\n\xe9t\xe9\n".encode("latin-1"),
        content_type="text/csv",
    )
    assert latin.status == 400 and "UTF-8" in latin.json["error"]["message"]
    assert (
        world.alice.post(f"/v1/test-sets/{sid}/import", raw="q\n", content_type="text/csv").status
        == 400
    )
    big = "q\n" + "x" * (5 * 1024 * 1024) + "\n"
    assert (
        world.alice.post(f"/v1/test-sets/{sid}/import", raw=big, content_type="text/csv").status
        == 413
    )
    assert count(world.database_url, "test_set_versions") == 1


def test_other_workspace_cannot_see_or_touch_test_sets(world: World) -> None:
    sid = create(world)["id"]
    case_id = world.alice.get(f"/v1/test-sets/{sid}/cases").json["items"][0]["id"]
    bob = world.bob
    assert bob.get("/v1/test-sets").json["items"] == []
    for answer in (
        bob.get(f"/v1/test-sets/{sid}"),
        bob.patch(f"/v1/test-sets/{sid}", body={"name": "mine"}),
        bob.delete(f"/v1/test-sets/{sid}"),
        bob.get(f"/v1/test-sets/{sid}/cases"),
        bob.post(f"/v1/test-sets/{sid}/cases", body={"vars": {}}),
        bob.put(f"/v1/test-sets/{sid}/cases/{case_id}", body={"vars": {}}),
        bob.delete(f"/v1/test-sets/{sid}/cases/{case_id}"),
        bob.post(f"/v1/test-sets/{sid}/import", raw="q\nx\n", content_type="text/csv"),
        bob.get(f"/v1/test-sets/{sid}/export"),
        bob.get(f"/v1/test-sets/{sid}/versions"),
    ):
        assert answer.status == 404, answer.body
        assert answer.error_code == "not_found"
    assert world.alice.get(f"/v1/test-sets/{sid}").json["latest_version"]["version"] == 1
    assert world.anonymous.get("/v1/test-sets").status == 401
    # bob may use the same name in his own workspace
    assert bob.post("/v1/test-sets", body={"name": "greetings"}).status == 201
    assert str(uuid.UUID(sid))
