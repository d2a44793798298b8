"""Reads: limit/offset pages with X-Total-Count and a next link; ETag and If-None-Match on evaluations."""

from __future__ import annotations

import json

from chiso.conftest import client_for
from chiso.dashboard.tests.helpers import all_met, load_framework, put

BASE = "/api/v1"
EVAL = {"framework": "ag-cqdt-2021", "period": "2024"}


def test_lists_are_whole_without_limit_and_paged_with_it(world):
    c = client_for(world.viewer)
    whole = c.get(f"{BASE}/units")
    codes = [r["code"] for r in whole.json()]
    assert codes == ["AG", "AG-PT", "AG-PT-PL", "AG-PT-PT", "AG-SNV", "AG-STTTT"]
    assert whole["X-Total-Count"] == "6" and not whole.has_header("Link")
    pages, url, params = [], f"{BASE}/units", {"limit": 4}
    while True:
        page = c.get(url, params)
        pages.append([r["code"] for r in page.json()])
        if not page.has_header("Link"):
            break
        link = page["Link"]
        assert link.endswith('>; rel="next"') and link.startswith("<http://testserver/api/v1/units?")
        url, params = link[1:link.index(">")], None
    assert pages == [codes[:4], codes[4:]]
    assert c.get(f"{BASE}/units", {"limit": 2, "offset": 5}).json()[0]["code"] == "AG-STTTT"
    too_many = c.get(f"{BASE}/units", {"limit": 5000})
    assert too_many.status_code == 422


def test_frameworks_are_paged_too(world):
    load_framework("ag-cqdt-2021")
    response = client_for(world.admin).get(f"{BASE}/frameworks", {"limit": 1, "offset": 1})
    assert response.json() == [] and response["X-Total-Count"] == "1"


def test_an_unchanged_evaluation_answers_304_and_a_change_a_new_etag(world):
    fw = load_framework("ag-cqdt-2021")
    put(fw, world.agency_a, "2024", all_met(fw))
    c = client_for(world.viewer)
    first = c.get(f"{BASE}/evaluations", EVAL)
    assert first.status_code == 200
    etag = first["ETag"]
    revision = int(first["X-Chiso-Revision"])
    assert etag.startswith('"') and len(etag) == 34
    again = c.get(f"{BASE}/evaluations", EVAL, HTTP_IF_NONE_MATCH=etag)
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag)
    # another caller's scope is another answer, hence another tag
    other = client_for(world.reviewer).get(f"{BASE}/evaluations", EVAL, HTTP_IF_NONE_MATCH=etag)
    assert other.status_code == 200 and other["ETag"] != etag
    rows = [{"unit": "AG-SNV", "period": "2024", "element": e, "value": v} for e, v in all_met(fw).items()]
    sent = client_for(world.admin).post(f"{BASE}/values?framework=ag-cqdt-2021", json.dumps(rows),
                                        content_type="application/json")
    assert sent.status_code == 200 and sent.json()["counts"]["created"] == len(rows)
    changed = c.get(f"{BASE}/evaluations", EVAL, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert int(changed["X-Chiso-Revision"]) > revision
    statuses = {u["unit"]: u["status"] for u in changed.json()["units"]}
    assert (statuses["AG-STTTT"], statuses["AG-SNV"]) == ("complete", "complete")


def test_units_filter_by_level_and_parent_within_scope(world):
    c = client_for(world.viewer)
    communes = c.get(f"{BASE}/units", {"level": "commune"}).json()
    assert [r["code"] for r in communes] == ["AG-PT-PL", "AG-PT-PT"]
    children = c.get(f"{BASE}/units", {"parent": "AG"}).json()
    assert [r["code"] for r in children] == ["AG-PT", "AG-SNV", "AG-STTTT"]
    assert [r["code"] for r in c.get(f"{BASE}/units", {"parent": "AG", "level": "district"}).json()] == ["AG-PT"]
    assert c.get(f"{BASE}/units", {"parent": "KG"}).status_code == 404  # outside the viewer's scope
    bad = c.get(f"{BASE}/units", {"level": "ward"})
    assert bad.status_code == 422 and "province, district, commune" in bad.json()["detail"]


def test_bad_query_parameters_are_named_in_vietnamese(world):
    response = client_for(world.viewer).get(f"{BASE}/units", {"limit": 0, "offset": -1})
    assert response.status_code == 422
    doc = response.json()
    assert doc["detail"] == "Thiếu hoặc sai tham số: limit, offset."
    assert [e["loc"] for e in doc["errors"]] == [["query", "limit"], ["query", "offset"]]
    missing = client_for(world.viewer).get(f"{BASE}/evaluations", {"framework": "ag-cqdt-2021"})
    assert missing.json()["detail"] == "Thiếu hoặc sai tham số: period."


def test_evaluations_filter_by_level_and_parent(world):
    fw = load_framework("ag-cqdt-2021")
    for unit in (world.agency_a, world.commune_a):
        put(fw, unit, "2024", all_met(fw))
    c = client_for(world.viewer)
    communes = c.get(f"{BASE}/evaluations", {**EVAL, "parent": "AG-PT"}).json()
    assert [(u["unit"], u["status"]) for u in communes["units"]] == [
        ("AG-PT-PL", "complete"), ("AG-PT-PT", "not_reported")]
    assert communes["summary"]["overall"]["units"] == 2
    agencies = c.get(f"{BASE}/evaluations", {**EVAL, "level": "province", "parent": "AG"}).json()
    assert sorted(u["unit"] for u in agencies["units"]) == ["AG-SNV", "AG-STTTT"]
    assert c.get(f"{BASE}/evaluations", {**EVAL, "parent": "KG"}).status_code == 404
