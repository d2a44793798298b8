"""The read-only API: the CLI's figures, only within the caller's scope, Vietnamese errors."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command

from chiso.conftest import client_for
from chiso.dashboard.tests.helpers import all_met, load_framework, put
from chiso.ingest.importer import ingest_file
from chiso.ingest.tests.exports import dossier, write_csv

BASE = "/api/v1"


@pytest.fixture
def graded(world):
    """ag-cqdt-2021 in 2024: STTTT, PL, PT and KG-SNV complete; SNV fails criterion 1; PT silent."""
    fw = load_framework("ag-cqdt-2021")
    for unit in (world.agency_a, world.commune_a, world.commune_b, world.other_unit):
        put(fw, unit, "2024", all_met(fw))
    put(fw, world.agency_b, "2024", {**all_met(fw), "1.numerator": 400})  # 400 / 1.000 = 40% < 50%
    return fw


def cli_json(*args: str) -> dict:
    out = io.StringIO()
    call_command("evaluate", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_it_refuses_anonymous_callers(world, graded):
    response = client_for(None).get(f"{BASE}/evaluations", {"framework": "ag-cqdt-2021", "period": "2024"})
    assert response.status_code == 401


def test_an_administrator_gets_exactly_what_the_cli_prints(world, graded):
    response = client_for(world.admin).get(f"{BASE}/evaluations",
                                           {"framework": "ag-cqdt-2021", "period": "2024"})
    assert response.status_code == 200
    assert response.json() == cli_json("--framework", "ag-cqdt-2021", "--period", "2024")


def test_a_district_reviewer_sees_only_the_district_and_its_communes(world, graded):
    doc = client_for(world.reviewer).get(f"{BASE}/evaluations",
                                         {"framework": "ag-cqdt-2021", "period": "2024"}).json()
    statuses = {u["unit"]: u["status"] for u in doc["units"]}
    assert statuses == {"AG-PT": "not_reported", "AG-PT-PL": "complete", "AG-PT-PT": "complete"}
    # 3 units in scope, the district silent: 2 / 3 complete
    assert doc["summary"]["overall"] == {"units": 3, "assessed": 2, "not_reported": 1, "complete": 2,
                                         "rate": pytest.approx(2 / 3)}


def test_a_unit_outside_the_scope_is_not_found(world, graded):
    outsider = client_for(world.outsider)
    response = outsider.get(f"{BASE}/evaluations",
                            {"framework": "ag-cqdt-2021", "period": "2024", "unit": "AG-SNV"})
    assert response.status_code == 404
    own = outsider.get(f"{BASE}/evaluations",
                       {"framework": "ag-cqdt-2021", "period": "2024", "unit": "KG-SNV"}).json()
    assert [(u["unit"], u["status"], u["met"], u["applicable"]) for u in own["units"]] == [
        ("KG-SNV", "complete", 9, 9)]


def test_the_failing_criterion_carries_its_value_and_target(world, graded):
    doc = client_for(world.viewer).get(f"{BASE}/evaluations",
                                       {"framework": "ag-cqdt-2021", "period": "2024", "unit": "AG-SNV"}).json()
    row1 = next(i for i in doc["units"][0]["indicators"] if i["code"] == "1")
    assert (row1["status"], row1["value"], row1["target"]) == ("not_met", 0.4, "≥ 50%")
    assert doc["units"][0]["status"] == "incomplete"


@pytest.mark.parametrize("params, status, fragment", [
    ({"framework": "khong-co", "period": "2024"}, 404, "khong-co"),
    ({"framework": "ag-cqdt-2021", "period": "2024-13"}, 422, "Kỳ không hợp lệ: tháng 13"),
    ({"framework": "ag-cqdt-2021"}, 422, "period"),
])
def test_bad_parameters_are_named(world, graded, params, status, fragment):
    response = client_for(world.admin).get(f"{BASE}/evaluations", params)
    assert response.status_code == status
    assert fragment in response.content.decode()


def test_units_lists_the_scope(world):
    rows = client_for(world.reviewer).get(f"{BASE}/units").json()
    assert [(r["code"], r["parent"], r["level"]) for r in rows] == [
        ("AG-PT", "AG", "district"), ("AG-PT-PL", "AG-PT", "commune"), ("AG-PT-PT", "AG-PT", "commune")]


def test_frameworks_lists_what_is_loaded(world, graded):
    rows = client_for(world.reporter).get(f"{BASE}/frameworks").json()
    assert [(r["code"], r["legal_number"]) for r in rows] == [("ag-cqdt-2021", "2989/QĐ-UBND")]
    assert rows[0]["levels"] == ["province", "district", "commune"]


def test_metrics_are_the_cli_rows_of_the_units_in_scope(world, tmp_path):
    export = write_csv(tmp_path / "ho-so.csv", [
        dossier("A1", unit="AG-PT-PL", resolved="2025-01-12 09:00", status="resolved", e_result="Có"),
        dossier("A2", unit="AG-PT-PL", channel="in_person"),
        dossier("A3", unit="AG-PT-PL", level="offline", channel="in_person", status="rejected"),
        dossier("B1", unit="AG-STTTT"),
    ])
    ingest_file(export, "dossiers")
    doc = client_for(world.reviewer).get(f"{BASE}/metrics", {"source": "dossiers", "period": "2025-01"}).json()
    got = {(m["unit"], m["name"]): m["value"] for m in doc["metrics"]}
    assert {u for u, _ in got} == {"AG-PT-PL"}  # AG-STTTT has records but is outside the scope
    assert (got["AG-PT-PL", "received"], got["AG-PT-PL", "ineligible"], got["AG-PT-PL", "online_eligible"],
            got["AG-PT-PL", "online"], got["AG-PT-PL", "resolved"], got["AG-PT-PL", "pending"],
            got["AG-PT-PL", "e_result"]) == (3, 1, 2, 1, 1, 1, 1)
    out = io.StringIO()
    call_command("metrics", "--source", "dossiers", "--period", "2025-01", "--unit", "AG-PT-PL",
                 "--format", "json", stdout=out)
    assert doc == json.loads(out.getvalue())
    bad = client_for(world.reviewer).get(f"{BASE}/metrics", {"source": "hoso", "period": "2025-01"})
    assert bad.status_code == 422 and "dossiers" in bad.content.decode()


def test_the_docs_are_served_locally(world):
    c = client_for(world.admin)
    schema = c.get(f"{BASE}/openapi.json").json()
    assert {"/api/v1/evaluations", "/api/v1/metrics", "/api/v1/units", "/api/v1/frameworks", "/api/v1/values",
            "/api/v1/submissions", "/api/v1/submissions/{submission_id}/transitions",
            "/api/v1/submissions/{submission_id}/evidence", "/api/v1/rounds"} <= set(schema["paths"])
    assert set(schema["paths"]["/api/v1/values"]["post"]["requestBody"]["content"]) == {
        "application/json", "multipart/form-data"}
    assert schema["paths"]["/api/v1/submissions/{submission_id}/transitions"]["post"]["requestBody"][
        "content"]["application/json"]["schema"]["required"] == ["action", "version"]
    assert {"BrowserSession", "TokenAuth"} <= set(schema["components"]["securitySchemes"])
    html = c.get(f"{BASE}/docs").content.decode()
    assert "swagger-ui-bundle.js" in html
    # Every script and stylesheet from this server: no CDN, no other host (the page's random CSRF token
    # may contain any letters, so the addresses are what is checked, not the whole text).
    addresses = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert addresses and all(a.startswith("/") and not a.startswith("//") for a in addresses), addresses
    assert "cdn" not in " ".join(addresses).lower()
